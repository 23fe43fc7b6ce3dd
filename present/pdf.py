"""The briefing pack as an A4 PDF: the HTML pack with static vector charts, printed by the system Chromium.

The same browser that plotly's static export drives (no second renderer, no browser download). The pack's
print CSS sets A4 and keeps every chart, list item and table row on one page.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from present.briefing import Brief, find_chromium, render_html

PRINT_TIMEOUT_S = 120
# Headless, no sandbox (servers and containers often run as root), nothing that phones home.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pdf-header-footer",
)


def briefing_pdf(brief: Brief) -> bytes:
    """The pack's HTML (static charts, no script) printed to PDF. Raises RuntimeError without a Chromium."""
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium found to print the PDF")
    html = render_html(brief, static=True)
    with tempfile.TemporaryDirectory(prefix="briefing-pdf-") as folder:
        work = Path(folder)
        source, target = work / "brief.html", work / "brief.pdf"
        source.write_text(html, encoding="utf-8")
        done = subprocess.run(
            [
                chromium,
                *_FLAGS,
                f"--user-data-dir={work / 'profile'}",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            capture_output=True,
            timeout=PRINT_TIMEOUT_S,
            check=False,
        )
        if not target.exists() or target.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace")[-800:]
            raise RuntimeError(f"chromium did not print the PDF (exit {done.returncode}): {tail}")
        return target.read_bytes()
