"""The layers: imports point one way (dashboard.py -> ui -> present -> engine), and present/ needs no Streamlit."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# What each layer may import of the others; anything else is an import pointing the wrong way.
ALLOWED = {"engine": {"engine"}, "present": {"present", "engine"}, "ui": {"ui", "present", "engine"}}

PROBE = """
import importlib, json, pkgutil, sys
import present
names = sorted(m.name for m in pkgutil.iter_modules(present.__path__))
for name in names:
    importlib.import_module("present." + name)
print(json.dumps({"modules": names, "streamlit": sorted(m for m in sys.modules if m.split(".")[0] == "streamlit")}))
"""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer):
    ours = set(ALLOWED)
    wrong = {
        str(path.relative_to(REPO)): sorted((_imports(path) & ours) - ALLOWED[layer])
        for path in sorted((REPO / layer).rglob("*.py"))
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_importing_every_presentation_module_loads_no_streamlit():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"i18n", "text", "charts", "charts_sensitivity", "briefing"} <= set(report["modules"])
    assert report["streamlit"] == []


def test_the_layer_check_would_see_an_import_pointing_up(tmp_path):
    probe = tmp_path / "bad.py"
    probe.write_text("from ui import data\nimport present.text\n", encoding="utf-8")
    assert _imports(probe) & set(ALLOWED) == {"ui", "present"}
