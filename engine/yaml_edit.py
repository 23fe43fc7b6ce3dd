"""Edit a scenario's YAML text in place: set, add and remove values by path, keeping every comment in it."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

Path = tuple[str | int, ...]


class TextNotEditable(ValueError):
    """The text is not YAML the editor can change in place (a syntax error, or not a mapping at the top)."""


@dataclass(frozen=True)
class Edit:
    """One change at `path` (keys and list positions from the top of the document).

    `set` writes `value` (creating missing mappings on the way), `delete` removes the key or list item, and
    `append` adds `value` to the list at `path` (creating the list if there is none)."""

    path: Path
    value: object = None
    op: Literal["set", "delete", "append"] = "set"


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, key order, quotes and flow style survive a load and a dump
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long quote onto a second line
    yaml.indent(mapping=2, sequence=4, offset=2)  # the repository's style: "  - id: ..."
    return yaml


def load_tree(text: str) -> CommentedMap:
    """The document as ruamel's commented mapping. Raises TextNotEditable when it is not one."""
    try:
        tree = _yaml().load(text)
    except YAMLError as err:
        raise TextNotEditable(str(err).splitlines()[0] if str(err) else "not YAML") from err
    if not isinstance(tree, CommentedMap):
        raise TextNotEditable("the document is not a mapping")
    return tree


def dump_tree(tree: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(tree, out)
    return out.getvalue()


def plain(value: object) -> object:
    """ruamel's commented containers and scalars as plain dicts, lists, str, int and float."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def _container(value: object) -> object:
    """A plain value as one ruamel writes in the flow style of the file's small mappings ({en: .., de: ..})."""
    if isinstance(value, dict):
        mapping = CommentedMap((k, _container(v)) for k, v in value.items())
        if all(not isinstance(v, dict | list) for v in value.values()) and len(value) <= 4:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq(_container(v) for v in value)
        if all(not isinstance(v, dict | list) for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)  # 12000, not 12000.0: the file's own way of writing whole numbers
    return value


def _walk(tree: CommentedMap, path: Path, create: bool):
    node = tree
    for n, key in enumerate(path):
        last = n == len(path) - 1
        if last:
            return node, key
        if isinstance(node, list):
            node = node[int(key)]
            continue
        if key not in node or node[key] is None:
            if not create:
                raise KeyError(key)
            nxt = path[n + 1]
            node[key] = CommentedSeq() if isinstance(nxt, int) else CommentedMap()
        node = node[key]
    raise KeyError("empty path")


def apply(tree: CommentedMap, edit: Edit) -> None:
    """Apply one edit to `tree` in place."""
    if edit.op == "append":
        parent, key = _walk(tree, edit.path, create=True)
        if isinstance(parent, list):
            parent[int(key)].append(_container(edit.value))
            return
        if key not in parent or parent[key] is None:
            parent[key] = CommentedSeq()
        parent[key].append(_container(edit.value))
        return
    if edit.op == "delete":
        try:
            parent, key = _walk(tree, edit.path, create=False)
        except (KeyError, IndexError):
            return  # already gone
        if isinstance(parent, list):
            if 0 <= int(key) < len(parent):
                del parent[int(key)]
        elif key in parent:
            del parent[key]
        return
    parent, key = _walk(tree, edit.path, create=True)
    if isinstance(parent, list):
        parent[int(key)] = _container(edit.value)
    else:
        parent[key] = _container(edit.value)


def edit_text(text: str, edits: Sequence[Edit]) -> str:
    """`text` with `edits` applied in order; comments, key order and quoting of untouched parts kept.

    Deleting several items of one list: give the positions from the highest down (ordered() does)."""
    tree = load_tree(text)
    for edit in edits:
        apply(tree, edit)
    return dump_tree(tree)


def ordered(edits: Sequence[Edit]) -> list[Edit]:
    """Sets first, then appends, then deletes from the highest list position down, so that no edit moves
    the position another one names."""
    sets = [e for e in edits if e.op == "set"]
    appends = [e for e in edits if e.op == "append"]
    deletes = sorted(
        (e for e in edits if e.op == "delete"),
        key=lambda e: tuple(-k if isinstance(k, int) else 0 for k in e.path),
    )
    return [*sets, *appends, *deletes]
