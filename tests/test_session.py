"""ui/session.py: the one module that knows the view state's session-state keys."""

from __future__ import annotations

import ast
from pathlib import Path

from engine.limits import DEFAULT_RUNS, DEFAULT_SEED
from engine.loader import load_scenario
from engine.model import Model
from engine.state import ViewState
from ui import session

REPO = Path(__file__).resolve().parent.parent
VIEW_KEYS = {session.LANG, session.SCENARIO, session.PRESET, session.RUNS, session.SEED, session.TAB}
VIEW_KEYS |= {session.PRESET_OWNER, session.SHOWN_LANGUAGE, session.RESTORED, session.NOTICES, session.SAVED_REFS}


def _session_state_literals(path: Path) -> set[str]:
    """String constants used as st.session_state keys (subscripts, get/setdefault/pop, `in`) in a file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = None
        if isinstance(node, ast.Subscript):
            target, key = node.value, node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if node.func.attr in ("get", "setdefault", "pop"):
                target, key = node.func.value, node.args[0]
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            target, key = node.comparators[0], node.left
        if isinstance(target, ast.Attribute) and target.attr == "session_state" and isinstance(key, ast.Constant):
            found.add(key.value)
    return found


def test_no_module_but_the_session_module_touches_the_view_state_keys():
    others = [REPO / "dashboard.py", *sorted((REPO / "ui").glob("*.py"))]
    touched = {
        str(p.relative_to(REPO)): sorted(_session_state_literals(p) & VIEW_KEYS)
        for p in others
        if p.name != "session.py"
    }
    assert {k: v for k, v in touched.items() if v} == {}
    assert _session_state_literals(REPO / "ui" / "session.py") == set()  # it uses its own constants


def test_the_check_sees_a_key_written_as_a_literal(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('st.session_state["lang"] = "de"\nif "runs" in st.session_state:\n    pass\n', encoding="utf-8")
    assert _session_state_literals(probe) == {"lang", "runs"}


def test_a_view_reads_every_driver_and_the_states_settings(seed_path):
    scenario = load_scenario(seed_path)
    view = session.View(ViewState(scenario.id, {"troops_deployed": 3000.0}, lang="de"), Model.of(scenario))
    assert view.values == scenario.defaults() | {"troops_deployed": 3000.0}
    assert (view.ref, view.lang, view.runs, view.seed, view.preset) == (
        scenario.id,
        "de",
        DEFAULT_RUNS,
        DEFAULT_SEED,
        None,
    )
    assert view.digest == scenario.digest


def test_compare_opens_on_the_presets_that_differ_most_from_the_current_settings(seed_path):
    scenario = load_scenario(seed_path)
    # At the defaults the current settings are the baseline's: never a contrast with themselves.
    assert session.default_compare(scenario, scenario.defaults()) == ["escalation", "de-escalation"]
    assert session.default_compare(scenario, scenario.preset_values("escalation")) == ["de-escalation"]
    assert session.default_compare(scenario, scenario.preset_values("de-escalation")) == ["escalation"]
