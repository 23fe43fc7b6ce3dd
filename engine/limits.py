"""The fixed numbers the page, the link codec and the command line share: defaults, ranges and size limits."""

from __future__ import annotations

import os
from pathlib import Path

LANGUAGES = ("en", "de")

# Ensembles: the page's default, and the range a link or the runs control may ask for.
DEFAULT_RUNS = 1000
DEFAULT_SEED = 2024
RUNS_RANGE = (100, 10_000)
SEED_RANGE = (0, 2**31 - 1)

# Sobol base sizes the Why tab offers (powers of two), and the one it starts with.
SOBOL_SIZES = (32, 64, 128, 256, 512, 1024)
SOBOL_DEFAULT = 256

# Input sizes: a scenario file, and an article pasted or uploaded for the drafter.
MAX_SCENARIO_BYTES = 256 * 1024
MAX_ARTICLE_CHARS = 200_000

# The brief's byline (author, unit, handling marking): one line each, kept in the link.
BYLINE_FIELDS = ("author", "unit", "marking")
BYLINE_LIMIT = 120


def clean_byline(text: str) -> str:
    """One byline field as the brief and the link hold it: whitespace runs as one space, at most BYLINE_LIMIT
    characters, control characters dropped (a link may carry anything)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in str(text or ""))
    return " ".join(printable.split())[:BYLINE_LIMIT]


# Where the folder scenarios come from: read at call time, so a test or a deployment can point elsewhere.
SCENARIOS_DIR_ENV = "SCENARIO_FOLDER"
_REPO_SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def scenarios_folder() -> Path:
    """The scenarios folder: $SCENARIO_FOLDER if set, else the repository's scenarios/."""
    configured = os.environ.get(SCENARIOS_DIR_ENV, "").strip()
    return Path(configured) if configured else _REPO_SCENARIOS
