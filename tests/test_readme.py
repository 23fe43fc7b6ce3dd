"""README.md and .ci/run: the two commands the README opens with are the ones CI runs."""

from __future__ import annotations

import re


def _commands(text: str) -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)


def test_ci_runs_the_readmes_test_command(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    start, test = _commands(readme)[:2]
    assert start == "python3 -m pip install -r requirements.txt && python3 -m streamlit run dashboard.py"
    assert test == "bash scripts/test.sh"
    ci = (repo_root / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().endswith(test)
