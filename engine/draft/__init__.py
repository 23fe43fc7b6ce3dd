"""Turn an analysis article into a schema-2 scenario YAML skeleton: deterministic, offline, rule-based.

`python -m engine draft ARTICLE.txt` calls `draft_scenario`. No language model is involved; the
rules in this package are all there is, so the same text always gives byte-identical YAML. Each
module documents its own rules:

  * text: decoding and reading the article (language, headline, sections, list items, sentences);
    input beyond 200,000 characters is ignored.
  * rules: facts in the report, and the drivers, indicators, impacts and questions made of them
    and of the items, with their quotes, ids and texts in both languages, and the TODO placeholders
    (scales, judgements) for what the article cannot tell.
  * build: all of it assembled into one validated engine.schema.Scenario, with caps and a minimal
    skeleton when nothing is recognisable.
  * write: the YAML through engine.serialize, with the TODO comments next to the values.
  * attribution, inline, units: who said it (never a driver), sections opened in the prose
    ("Pros: ...", "Offen ist, ob ..."), and the units the article states.
  * todo: the placeholders of the written YAML as a to-do list, one `TodoItem` per marked line.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.draft.build import MINIMAL_NOTICE, DraftRefused, build_draft
from engine.draft.rules import IdRegistry, slugify, troop_count
from engine.draft.text import (
    Article,
    Line,
    choose_language,
    clean_text,
    decode_article,
    detect_language,
    heading_kind,
    looks_binary,
    parse_line,
    read_article,
    split_article,
)
from engine.draft.todo import TodoItem, todo_list
from engine.draft.write import draft_yaml
from engine.loader import ScenarioError

__all__ = [
    "DraftResult",
    "IdRegistry",
    "Line",
    "TodoItem",
    "decode_article",
    "detect_language",
    "draft_scenario",
    "heading_kind",
    "parse_line",
    "read_article",
    "slugify",
    "troop_count",
]

MAX_ARTICLE_CHARS = 200_000


@dataclass(frozen=True)
class DraftResult:
    yaml_text: str
    notices: list[str]
    lang: str = "en"
    # One item per line of yaml_text that carries a TODO marker, in line order (engine.draft.todo).
    todo: tuple[TodoItem, ...] = ()


def draft_scenario(text: str, lang: str | None = None, source_name: str = "article") -> DraftResult:
    """Draft a schema-2 scenario from an article's text; never raises on odd input.

    The result always parses with engine.loader.parse_scenario; `notices` says what was not found,
    `todo` what the student must fill in.
    """
    notices: list[str] = []
    if looks_binary(text):
        notices.append("the input does not look like text (binary data?); nothing was read from it")
        text = ""
    if len(text) > MAX_ARTICLE_CHARS:
        notices.append(f"only the first {MAX_ARTICLE_CHARS:,} characters were read")
        text = text[:MAX_ARTICLE_CHARS]
    text = clean_text(text)
    chosen = choose_language(text, lang, notices)
    try:
        if text.strip():
            draft = build_draft(split_article(text), chosen, notices)
        else:
            if not notices:
                notices.append("the article is empty")
            draft = build_draft(Article(), chosen, [])
            notices.append(MINIMAL_NOTICE)
        yaml_text = draft_yaml(draft, source_name, notices)
    except (DraftRefused, ScenarioError) as err:  # a bug in the rules; fall back rather than write a broken file
        problem = err.problems[0] if isinstance(err, ScenarioError) else err
        notices.append(f"internal: the full draft did not validate ({problem}); wrote a minimal skeleton")
        yaml_text = draft_yaml(build_draft(Article(), chosen, []), source_name, notices)
    return DraftResult(yaml_text, notices, chosen, todo_list(yaml_text))
