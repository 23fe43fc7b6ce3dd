"""engine/catalog.py: a scenarios folder with good, broken and duplicate files; the content digest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from engine.catalog import Catalog, load_catalog
from engine.loader import Problem, load_scenario, parse_scenario

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = REPO / "scenarios" / "dprk-russia-2024.yaml"
SEED_ID = "dprk-russia-2024"

BROKEN = """\
schema: 1
id: broken
title: {en: "Broken", de: "Kaputt"}
colour: red
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copyfile(SEED_FILE, tmp_path / SEED_FILE.name)
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    shutil.copyfile(SEED_FILE, tmp_path / "zz-duplicate.yaml")
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    return tmp_path


def test_load_catalog_keeps_every_file_in_name_order(folder):
    catalog = load_catalog(folder)

    assert isinstance(catalog, Catalog)
    assert [e.path for e in catalog.entries] == [
        folder / "broken.yaml",
        folder / SEED_FILE.name,
        folder / "zz-duplicate.yaml",
    ]
    assert [e.ok for e in catalog.entries] == [False, True, False]


def test_load_catalog_offers_only_the_good_scenario(folder):
    catalog = load_catalog(folder)
    seed = load_scenario(SEED_FILE)

    assert list(catalog.scenarios) == [SEED_ID]
    assert catalog.scenarios[SEED_ID] == seed
    entry = catalog.entry(SEED_ID)
    assert entry.path == folder / SEED_FILE.name
    assert entry.problems == ()
    assert entry.digest == seed.digest
    with pytest.raises(KeyError):
        catalog.entry("broken")


def test_broken_file_keeps_its_problems_with_file_and_line(folder):
    broken = load_catalog(folder).broken
    path = "broken.yaml"  # problems name the file alone, never the server's folders

    assert [e.path.name for e in broken] == ["broken.yaml", "zz-duplicate.yaml"]
    assert broken[0].scenario is None
    assert broken[0].digest == ""
    problems = {(p.file, p.line, p.field, p.message) for p in broken[0].problems}
    assert (path, 4, "colour", "unknown key") in problems
    assert (path, 1, "summary", "required field is missing") in problems
    assert all(p.file == path for p in broken[0].problems)


ID_LINE = SEED_FILE.read_text(encoding="utf-8").splitlines().index(f"id: {SEED_ID}") + 1


def test_duplicate_id_is_a_problem_of_the_later_file(folder):
    duplicate = load_catalog(folder).broken[1]

    assert duplicate.scenario is None
    assert duplicate.problems == (
        Problem("zz-duplicate.yaml", ID_LINE, "id", f"id '{SEED_ID}' is already used by {SEED_FILE.name}"),
    )
    assert str(duplicate.problems[0]) == (
        f"zz-duplicate.yaml:{ID_LINE}: id: id '{SEED_ID}' is already used by {SEED_FILE.name}"
    )


def test_empty_folder_gives_an_empty_catalog(tmp_path):
    catalog = load_catalog(tmp_path)

    assert catalog.entries == ()
    assert catalog.scenarios == {}
    assert catalog.broken == ()


def test_load_catalog_accepts_a_string_path(folder):
    assert load_catalog(str(folder)) == load_catalog(folder)


# --- the digest ---------------------------------------------------------------------------------------------


def _reversed(value):
    """The same data with every mapping's keys in reverse order."""
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


@pytest.fixture(scope="module")
def seed_data() -> dict:
    return yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))


def test_digest_is_a_sha256_hex_and_stable():
    digest = load_scenario(SEED_FILE).digest

    assert len(digest) == 64
    assert set(digest) <= set("0123456789abcdef")
    assert load_scenario(SEED_FILE).digest == digest


def test_digest_ignores_key_order_and_formatting(seed_data):
    reference = load_scenario(SEED_FILE).digest
    block_style = yaml.safe_dump(_reversed(seed_data), sort_keys=False, default_flow_style=False, width=60)
    flow_style = yaml.safe_dump(seed_data, sort_keys=True, default_flow_style=True, allow_unicode=True)
    as_json = json.dumps(_reversed(seed_data), indent=1)  # JSON is YAML too

    assert block_style != SEED_FILE.read_text(encoding="utf-8")
    assert parse_scenario(block_style).digest == reference
    assert parse_scenario(flow_style).digest == reference
    assert parse_scenario(as_json).digest == reference


def test_digest_ignores_comments_and_an_explicit_default(seed_data):
    reference = load_scenario(SEED_FILE).digest
    text = "# a comment that changes nothing\n" + SEED_FILE.read_text(encoding="utf-8")
    without_default = {k: v for k, v in seed_data.items() if k != "uncertainty"}

    assert seed_data["uncertainty"] == "triangular"  # the schema's default
    assert parse_scenario(text).digest == reference
    assert parse_scenario(yaml.safe_dump(without_default)).digest == reference


def test_digest_changes_when_a_weight_changes(seed_data):
    reference = load_scenario(SEED_FILE).digest
    changed = json.loads(json.dumps(seed_data))
    impact = changed["impacts"][0]
    high = impact["range"][1]
    impact["weight"] = round((impact["weight"] + high) / 2, 4)
    assert impact["weight"] != seed_data["impacts"][0]["weight"]

    assert parse_scenario(yaml.safe_dump(changed)).digest != reference


def test_digest_changes_when_a_label_or_default_changes(seed_data):
    reference = load_scenario(SEED_FILE).digest
    relabelled = json.loads(json.dumps(seed_data))
    relabelled["drivers"][0]["label"]["de"] += " (neu)"
    moved = json.loads(json.dumps(seed_data))
    moved["drivers"][0]["default"] = moved["drivers"][0]["default"] - moved["drivers"][0]["step"]

    digests = {parse_scenario(yaml.safe_dump(d)).digest for d in (relabelled, moved)}
    assert reference not in digests
    assert len(digests) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("published: 2001-13-45\n", "schema: required field is missing"),
        ("a: !!float x\n", "a: unsupported value: not a valid float"),
        ("n: " + "7" * 4400 + "\n", "n: unsupported value: not a valid int"),
    ],
    ids=["date", "float-tag", "long-int"],
)
def test_a_one_line_file_the_constructor_cannot_build_is_listed_as_broken(tmp_path, seed_path, text, message):
    shutil.copy(seed_path, tmp_path / "a-seed.yaml")
    (tmp_path / "b-one-line.yaml").write_text(text, encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert list(catalog.scenarios) == ["dprk-russia-2024"]
    [broken] = catalog.broken
    assert str(broken.problems[0]).startswith(f"b-one-line.yaml:1: {message}")


def test_a_broken_file_is_logged_for_the_operator(tmp_path, caplog):
    (tmp_path / "bad.yaml").write_text("a: !!int x\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="engine.catalog"):
        load_catalog(tmp_path)
    [record] = caplog.records
    # The first problem, and how many there are: every one is found at once (the missing id, title, ...).
    assert record.getMessage() == (
        f"scenario file {tmp_path / 'bad.yaml'} is broken: bad.yaml:1: a: unsupported value: "
        "not a valid int (ValueError: invalid literal for int() with base 10: 'x') (problems: 9)"
    )
