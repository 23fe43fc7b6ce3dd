"""The heaviest scenario the loader accepts: as many drivers, indicators and impacts as fit in its size limit."""

from __future__ import annotations

from engine.loader import MAX_BYTES


def heavy_yaml(horizon: int = 520, limit: int = MAX_BYTES) -> str:
    """Compact YAML of 200 drivers, 200 indicators and uncertain impacts up to `limit` bytes, horizon `horizon`."""
    cite = "{quote: q, section: s}"
    head = [
        "schema: 1",
        "id: heavy",
        "title: {en: Heavy, de: Schwer}",
        "summary: {en: Heaviest accepted, de: Schwerstes}",
        "source: {title: t, language: en}",
        f"horizon_weeks: {horizon}",
        "drivers:",
    ]
    head += [
        f"- {{id: d{n}, label: {{en: d{n}, de: d{n}}}, group: facts, unit: u, min: 0, max: 1, step: 0.1,"
        f" default: 0.5, source: {cite}}}"
        for n in range(200)
    ]
    head.append("indicators:")
    head += [f"- {{id: i{n}, label: {{en: i{n}, de: i{n}}}, initial: 50, source: {cite}}}" for n in range(200)]
    head.append("questions:")
    head += [
        f"- {{id: q{n}, text: {{en: q{n}, de: q{n}}}, indicator: i{n}, threshold: 60, by_week: {horizon}}}"
        for n in range(200)
    ]
    head.append("impacts:")
    text = "\n".join(head) + "\n"
    lines = []
    size = len(text.encode())
    n = 0
    while n < 5000:
        # Impact n targets indicator n % 200; its k-th inflow is its own damping first, then drivers and
        # other indicators in turn, so no pair repeats.
        target, k = n % 200, n // 200
        if k == 0:
            source, weight = f"i{target}", -0.5
        else:
            source, weight = f"{'d' if k % 2 else 'i'}{(target + k) % 200}", 0.3
        line = f"- {{from: {source}, to: i{target}, weight: {weight}, range: [-0.9, 0.9], source: {cite}}}\n"
        if size + len(line) > limit:
            break
        lines.append(line)
        size += len(line)
        n += 1
    return text + "".join(lines)
