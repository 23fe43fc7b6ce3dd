"""Interface strings in English and German, and the choice of language from the browser locale."""

from __future__ import annotations

LANGUAGES = ("en", "de")

STRINGS: dict[str, dict[str, str]] = {
    "page_title": {"en": "Scenario dashboard", "de": "Szenario-Dashboard"},
    "share_link": {"en": "Link to these settings", "de": "Link zu diesen Einstellungen"},
    "share_title": {"en": "Share and export", "de": "Teilen und exportieren"},
    "share_help": {
        "en": "Anyone opening this link sees exactly these settings and numbers. Copy it with the button on the right.",
        "de": "Wer diesen Link öffnet, sieht genau diese Einstellungen und Zahlen. Kopieren mit dem Knopf rechts.",
    },
    "link_notice": {
        "en": "The link contained settings that could not be used as they were:",
        "de": "Der Link enthielt Einstellungen, die nicht unverändert übernommen werden konnten:",
    },
    "download_yaml": {
        "en": "Scenario (YAML, current settings as defaults)",
        "de": "Szenario (YAML, aktuelle Werte als Standard)",
    },
    "download_csv": {"en": "Projections (CSV)", "de": "Projektionen (CSV)"},
    "download_html": {"en": "Briefing pack (HTML, works offline)", "de": "Briefing-Paket (HTML, offline lesbar)"},
    "sources_caveats": {"en": "Sources and caveats", "de": "Quellen und Vorbehalte"},
    "model_plain": {
        "en": (
            "KSIM cross-impact simulation (Kane 1972): every indicator stays between 0 and 100; each week every "
            "impact pushes its target up or down in proportion to its source's level, and growth slows near the "
            "bounds. Each Monte Carlo run draws every impact weight from its range; the charts show the median "
            "and the 10th-90th percentile band."
        ),
        "de": (
            "KSIM-Cross-Impact-Simulation (Kane 1972): jeder Indikator bleibt zwischen 0 und 100; jede Woche drückt "
            "jede Wirkung ihr Ziel proportional zum Niveau der Quelle nach oben oder unten, nahe den Grenzen "
            "verlangsamt sich das Wachstum. Jeder Monte-Carlo-Lauf zieht jedes Gewicht aus seiner Spanne; die "
            "Diagramme zeigen Median und das Band vom 10. bis 90. Perzentil."
        ),
    },
    "tab_custom": {"en": "Your scenario", "de": "Eigenes Szenario"},
    "upload": {"en": "Upload a scenario YAML", "de": "Szenario-YAML hochladen"},
    "upload_help": {
        "en": "At most 256 KiB. It is checked like every scenario; errors name the line and field.",
        "de": "Höchstens 256 KiB. Es wird wie jedes Szenario geprüft; Fehler nennen Zeile und Feld.",
    },
    "editor": {"en": "Edit a copy of the current scenario", "de": "Kopie des aktuellen Szenarios bearbeiten"},
    "editor_help": {
        "en": "Starts from the current scenario with the current settings as defaults.",
        "de": "Beginnt mit dem aktuellen Szenario, die aktuellen Werte als Standard.",
    },
    "editor_reset": {"en": "Start again from the current scenario", "de": "Neu vom aktuellen Szenario beginnen"},
    "save": {"en": "Check and save", "de": "Prüfen und speichern"},
    "saved": {
        "en": "Saved as {ref} and opened. Its link works for anyone using this server.",
        "de": "Gespeichert als {ref} und geöffnet. Der Link funktioniert für alle auf diesem Server.",
    },
    "invalid": {
        "en": "The scenario was not saved. Problems found:",
        "de": "Das Szenario wurde nicht gespeichert. Gefundene Probleme:",
    },
    "saved_list": {"en": "Saved scenarios on this server", "de": "Gespeicherte Szenarien auf diesem Server"},
    "open": {"en": "Open", "de": "Öffnen"},
    "store_unavailable": {
        "en": "The scenario store is not available ({reason}); uploads can be checked but not saved.",
        "de": "Der Szenario-Speicher ist nicht verfügbar ({reason}); Uploads werden geprüft, aber nicht gespeichert.",
    },
    "saved_suffix": {"en": "saved", "de": "gespeichert"},
    "modified_preset": {
        "en": "Sliders moved away from the preset \u201c{preset}\u201d.",
        "de": "Regler weichen von der Voreinstellung \u201e{preset}\u201c ab.",
    },
    "scenario": {"en": "Scenario", "de": "Szenario"},
    "language": {"en": "Language", "de": "Sprache"},
    "preset": {"en": "Preset", "de": "Voreinstellung"},
    "preset_help": {
        "en": "Sets every slider to the preset's values; you can move them afterwards.",
        "de": "Setzt alle Regler auf die Werte der Voreinstellung; danach lassen sie sich frei bewegen.",
    },
    "custom": {"en": "(custom settings)", "de": "(eigene Einstellungen)"},
    "reset": {"en": "Reset to defaults", "de": "Auf Standard zurücksetzen"},
    "drivers": {"en": "Scenario drivers", "de": "Szenario-Treiber"},
    "group_facts": {"en": "Reported facts", "de": "Gemeldete Fakten"},
    "group_pros": {"en": "Pros", "de": "Vorteile"},
    "group_cons": {"en": "Cons", "de": "Nachteile"},
    "group_challenges": {"en": "Challenges", "de": "Herausforderungen"},
    "group_questions": {"en": "Key questions", "de": "Wichtige Fragen"},
    "advanced": {"en": "Advanced: ensemble", "de": "Erweitert: Ensemble"},
    "runs": {"en": "Monte Carlo runs", "de": "Monte-Carlo-Läufe"},
    "runs_help": {
        "en": "How many times every impact coefficient is drawn from its range. More runs, smoother bands.",
        "de": "Wie oft jeder Wirkungskoeffizient aus seiner Spanne gezogen wird. Mehr Läufe, glattere Bänder.",
    },
    "seed": {"en": "Random seed", "de": "Zufalls-Seed"},
    "seed_help": {
        "en": "The same seed and settings always give the same numbers.",
        "de": "Gleicher Seed und gleiche Einstellungen ergeben immer dieselben Zahlen.",
    },
    "source_label": {"en": "Source", "de": "Quelle"},
    "tab_projection": {"en": "Projections", "de": "Projektionen"},
    "tab_compare": {"en": "Compare", "de": "Vergleich"},
    "tab_assumptions": {"en": "Assumptions", "de": "Annahmen"},
    "questions_title": {
        "en": "The article's questions, answered by the model",
        "de": "Die Fragen des Artikels, beantwortet vom Modell",
    },
    "question_value": {
        "en": "{probability} chance that {indicator} reaches {threshold:g} by week {week}",
        "de": "{probability} Wahrscheinlichkeit, dass {indicator} bis Woche {week} {threshold:g} erreicht",
    },
    "vs_baseline": {"en": "{delta} pts vs. {preset}", "de": "{delta} Pkt. ggü. {preset}"},
    "week": {"en": "Week", "de": "Woche"},
    "level": {"en": "Level (0-100)", "de": "Niveau (0-100)"},
    "median": {"en": "median", "de": "Median"},
    "band": {"en": "p10-p90 band", "de": "p10-p90-Band"},
    "chart_group_title": {"en": "Projected indicators: {group}", "de": "Projizierte Indikatoren: {group}"},
    "group_security": {"en": "security", "de": "Sicherheit"},
    "group_alliance": {"en": "alliances", "de": "Allianzen"},
    "group_pressure": {"en": "pressure and strain", "de": "Druck und Belastung"},
    "group_general": {"en": "indicators", "de": "Indikatoren"},
    "chart_caption": {
        "en": "Lines: median of {runs:,} runs (seed {seed}); shaded: 10th to 90th percentile. Dotted: events.",
        "de": "Linien: Median aus {runs:,} Läufen (Seed {seed}); schattiert: 10.-90. Perzentil. Gepunktet: Ereignisse.",
    },
    "compare_with": {"en": "Compare with presets", "de": "Vergleichen mit Voreinstellungen"},
    "current": {"en": "Current settings", "de": "Aktuelle Einstellungen"},
    "compare_title": {
        "en": "Current settings against presets (medians)",
        "de": "Aktuelle Einstellungen im Vergleich (Mediane)",
    },
    "differences": {"en": "Drivers that differ", "de": "Abweichende Treiber"},
    "no_differences": {
        "en": "The current settings equal every compared preset.",
        "de": "Die aktuellen Einstellungen entsprechen allen verglichenen Voreinstellungen.",
    },
    "end_deltas": {"en": "End of horizon (week {week}), median", "de": "Ende des Horizonts (Woche {week}), Median"},
    "driver": {"en": "Driver", "de": "Treiber"},
    "indicator": {"en": "Indicator", "de": "Indikator"},
    "unit": {"en": "Unit", "de": "Einheit"},
    "default": {"en": "Default", "de": "Standard"},
    "value": {"en": "Value", "de": "Wert"},
    "group": {"en": "Group", "de": "Gruppe"},
    "quote": {"en": "Quote from the source", "de": "Zitat aus der Quelle"},
    "section": {"en": "Section", "de": "Abschnitt"},
    "initial": {"en": "Start value", "de": "Startwert"},
    "from": {"en": "From", "de": "Von"},
    "to": {"en": "To", "de": "Auf"},
    "weight": {"en": "Weight", "de": "Gewicht"},
    "range": {"en": "Range", "de": "Spanne"},
    "delta": {"en": "Δ", "de": "Δ"},
    "source_meta": {"en": "Source article", "de": "Quellartikel"},
    "source_title": {"en": "Title", "de": "Titel"},
    "source_language": {"en": "Language", "de": "Sprache"},
    "source_outlets": {"en": "Outlets it cites", "de": "Zitierte Medien"},
    "impacts": {"en": "Cross-impacts", "de": "Wechselwirkungen"},
    "events": {"en": "Events", "de": "Ereignisse"},
    "model_title": {"en": "How the model works", "de": "Wie das Modell funktioniert"},
    "model_text": {
        "en": (
            "KSIM (Kane, 1972) is a cross-impact simulation. Every indicator lives between 0 and 100. "
            "Each week, every impact pushes its target up (positive weight) or down (negative weight) "
            "in proportion to the source's level; the update $x \\leftarrow x^{\\varphi}$ with "
            "$\\varphi = \\frac{1 + \\frac{\\Delta t}{2}\\sum_j (|\\alpha_{ij}| - \\alpha_{ij}) x_j}"
            "{1 + \\frac{\\Delta t}{2}\\sum_j (|\\alpha_{ij}| + \\alpha_{ij}) x_j}$ "
            "keeps every value inside its bounds and makes growth slow down near them. Drivers are the "
            "sliders; they stay constant unless an event changes them. Every weight has a range: the "
            "ensemble draws each weight from its range once per run, and the bands show the spread."
        ),
        "de": (
            "KSIM (Kane, 1972) ist eine Cross-Impact-Simulation. Jeder Indikator liegt zwischen 0 und 100. "
            "Jede Woche drückt jede Wirkung ihr Ziel nach oben (positives Gewicht) oder unten (negatives "
            "Gewicht), proportional zum Niveau der Quelle; die Fortschreibung $x \\leftarrow x^{\\varphi}$ mit "
            "$\\varphi = \\frac{1 + \\frac{\\Delta t}{2}\\sum_j (|\\alpha_{ij}| - \\alpha_{ij}) x_j}"
            "{1 + \\frac{\\Delta t}{2}\\sum_j (|\\alpha_{ij}| + \\alpha_{ij}) x_j}$ "
            "hält jeden Wert in seinen Grenzen und bremst das Wachstum nahe den Grenzen. Treiber sind die "
            "Regler; sie bleiben konstant, außer ein Ereignis ändert sie. Jedes Gewicht hat eine Spanne: das "
            "Ensemble zieht jedes Gewicht einmal pro Lauf aus seiner Spanne, die Bänder zeigen die Streuung."
        ),
    },
    "caveat": {
        "en": (
            "The weights are judgements that turn the article's statements into numbers; the article gives "
            "directions, not magnitudes. Read the projections as a structured way to argue about "
            "assumptions, not as forecasts."
        ),
        "de": (
            "Die Gewichte sind Einschätzungen, die die Aussagen des Artikels in Zahlen übersetzen; der Artikel "
            "nennt Richtungen, keine Größen. Die Projektionen sind ein strukturierter Weg, über Annahmen zu "
            "streiten, keine Prognosen."
        ),
    },
    "broken_scenarios": {
        "en": "{count} scenario file(s) could not be loaded and are not offered:",
        "de": "{count} Szenario-Datei(en) konnten nicht geladen werden und werden nicht angeboten:",
    },
    "no_scenarios": {
        "en": "No valid scenario was found in the scenarios folder.",
        "de": "Im Szenario-Ordner wurde kein gültiges Szenario gefunden.",
    },
    "event_marker": {"en": "Week {week}: {label}", "de": "Woche {week}: {label}"},
}


def t(key: str, lang: str, **values) -> str:
    """The interface text for `key` in `lang`, with `values` filled in."""
    text = STRINGS[key].get(lang) or STRINGS[key]["en"]
    return text.format(**values) if values else text


def language_from_locale(locale: str | None) -> str:
    """'de-DE' -> 'de'; anything not offered falls back to English."""
    if not locale:
        return "en"
    primary = locale.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in LANGUAGES else "en"
