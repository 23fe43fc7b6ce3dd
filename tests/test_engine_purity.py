"""The engine is the pure core: importing it never pulls in the UI libraries."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

UI_LIBRARIES = ("streamlit", "plotly")
KNOWN_MODULES = {"schema", "loader", "simulation", "ensemble", "reference", "__main__"}

PROBE = """
import importlib, json, pkgutil, sys
import engine, engine.schema, engine.loader, engine.simulation, engine.ensemble, engine.reference, engine.__main__
names = sorted(m.name for m in pkgutil.iter_modules(engine.__path__))
for name in names:
    importlib.import_module("engine." + name)
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("streamlit", "plotly"))
print(json.dumps({"modules": names, "ui": ui}))
"""


def test_importing_every_engine_module_loads_no_ui_library(repo_root):
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=repo_root, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["modules"]) >= KNOWN_MODULES
    assert report["ui"] == []


def test_the_probe_would_see_a_ui_import(repo_root):
    """The subprocess check is not vacuous: plotly (a runtime dependency) shows up once imported."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.replace("import engine,", "import plotly, engine,")],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "plotly" in json.loads(result.stdout)["ui"]


def _ui_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path.name}:{node.lineno}: {n}" for n in names if n.split(".")[0] in UI_LIBRARIES]
    return found


def test_no_engine_file_imports_a_ui_library(repo_root):
    files = sorted((repo_root / "engine").rglob("*.py"))
    assert {f.stem for f in files} >= KNOWN_MODULES | {"__init__"}
    assert [hit for f in files for hit in _ui_imports(f)] == []


def test_the_static_check_finds_ui_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os, plotly.graph_objects as go\nfrom streamlit import session_state\nfrom . import x\n")
    assert _ui_imports(sample) == ["sample.py:1: plotly.graph_objects", "sample.py:2: streamlit"]
