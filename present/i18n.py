"""Interface strings in English and German, and the choice of language from the browser locale."""

from __future__ import annotations

from engine.limits import LANGUAGES
from engine.state import Repair

LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
# The main view's tabs, in order.
TAB_KEYS = ("tab_projection", "tab_compare", "tab_assumptions", "tab_custom", "tab_why", "tab_whatif", "tab_team")

STRINGS: dict[str, dict[str, str]] = {
    "tab_team": {"en": "Team round", "de": "Team-Runde"},
    "tab_whatif": {"en": "What if?", "de": "Was wäre, wenn?"},
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
    "download_data": {"en": "Data (CSV files, zip)", "de": "Daten (CSV-Dateien, zip)"},
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
    "store_down": {
        "en": (
            "Saving is not available right now: the scenario store cannot be reached. Scenarios can still be "
            "checked. Please try again in a few minutes."
        ),
        "de": (
            "Speichern ist gerade nicht möglich: Der Szenario-Speicher ist nicht erreichbar. Szenarien lassen sich "
            "trotzdem prüfen. Bitte in ein paar Minuten erneut versuchen."
        ),
    },
    "store_save_failed": {
        "en": (
            "The scenario is valid but was not saved: the scenario store cannot be reached right now. "
            "Please try again in a few minutes."
        ),
        "de": (
            "Das Szenario ist gültig, wurde aber nicht gespeichert: Der Szenario-Speicher ist gerade nicht "
            "erreichbar. Bitte in ein paar Minuten erneut versuchen."
        ),
    },
    "store_list_failed": {
        "en": "The saved scenarios cannot be listed right now. Please try again in a few minutes.",
        "de": (
            "Die gespeicherten Szenarien lassen sich gerade nicht anzeigen. Bitte in ein paar Minuten erneut versuchen."
        ),
    },
    "store_open_failed": {
        "en": (
            "A saved scenario could not be opened: the scenario store cannot be reached right now. "
            "Please open the link again in a few minutes."
        ),
        "de": (
            "Ein gespeichertes Szenario ließ sich nicht öffnen: Der Szenario-Speicher ist gerade nicht erreichbar. "
            "Bitte den Link in ein paar Minuten erneut öffnen."
        ),
    },
    "limit_session": {
        "en": (
            "Not saved: this session has already saved {limit} new scenarios within the last hour, the most "
            "allowed. Please try again in {minutes} min."
        ),
        "de": (
            "Nicht gespeichert: Diese Sitzung hat in der letzten Stunde schon {limit} neue Szenarien gespeichert, "
            "mehr sind nicht erlaubt. Bitte in {minutes} Min. erneut versuchen."
        ),
    },
    "limit_server": {
        "en": (
            "Not saved: this server has taken {limit} new scenarios within the last hour, the most it accepts. "
            "Please try again in {minutes} min."
        ),
        "de": (
            "Nicht gespeichert: Dieser Server hat in der letzten Stunde schon {limit} neue Szenarien angenommen, "
            "mehr nimmt er nicht an. Bitte in {minutes} Min. erneut versuchen."
        ),
    },
    "limit_size": {
        "en": "Not saved: the scenario store is full. Saving works again once the operator has made room.",
        "de": (
            "Nicht gespeichert: Der Szenario-Speicher ist voll. "
            "Speichern geht wieder, sobald der Betreiber Platz schafft."
        ),
    },
    "saved_suffix": {"en": "saved", "de": "gespeichert"},
    "login_needed": {
        "en": "This dashboard is shared with a team. Please sign in.",
        "de": "Dieses Dashboard wird im Team geteilt. Bitte anmelden.",
    },
    "login": {"en": "Sign in", "de": "Anmelden"},
    "logout": {"en": "Sign out", "de": "Abmelden"},
    "draft_title": {"en": "Draft a scenario from an article", "de": "Szenario-Entwurf aus einem Artikel"},
    "draft_help": {
        "en": (
            "Paste or upload an analysis structured like the source article (report, questions, challenges, "
            "pros and cons). A rule-based drafter turns it into a skeleton in the editor below, with TODO "
            "comments where you must set weights."
        ),
        "de": (
            "Eine Analyse einfügen oder hochladen, die wie der Quellartikel aufgebaut ist (Bericht, Fragen, "
            "Herausforderungen, Vor- und Nachteile). Ein regelbasierter Entwurf erscheint im Editor unten, "
            "mit TODO-Kommentaren, wo Gewichte zu setzen sind."
        ),
    },
    "draft_upload": {"en": "Article as a text file", "de": "Artikel als Textdatei"},
    "draft_paste": {"en": "Article text", "de": "Artikeltext"},
    "draft_button": {"en": "Draft into the editor", "de": "Entwurf in den Editor"},
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
        "en": (
            "In {probability} of the {runs} Monte Carlo runs, {indicator} reaches or passes {level} in at "
            "least one week up to week {week}."
        ),
        "de": (
            "In {probability} der {runs} Monte-Carlo-Läufe erreicht oder überschreitet {indicator} {level} in "
            "mindestens einer Woche bis Woche {week}."
        ),
    },
    "question_value_below": {
        "en": (
            "In {probability} of the {runs} Monte Carlo runs, {indicator} falls to or below {level} in at "
            "least one week up to week {week}."
        ),
        "de": (
            "In {probability} der {runs} Monte-Carlo-Läufe fällt {indicator} in mindestens einer Woche bis "
            "Woche {week} auf {level} oder darunter."
        ),
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
        "en": "Lines: median of {runs} runs (seed {seed}); shaded: 10th to 90th percentile. Dotted: events.",
        "de": "Linien: Median aus {runs} Läufen (Seed {seed}); schattiert: 10.-90. Perzentil. Gepunktet: Ereignisse.",
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
    "indicators": {"en": "Indicators", "de": "Indikatoren"},
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
    # --- compare and causal focus (issue 14) ---
    "compare_questions_title": {
        "en": "Question probabilities per setting",
        "de": "Wahrscheinlichkeiten der Fragen je Einstellung",
    },
    "compare_questions_axis": {"en": "Probability", "de": "Wahrscheinlichkeit"},
    "compare_interval": {"en": "95 % interval", "de": "95-%-Intervall"},
    "compare_questions_caption": {
        "en": "Dot: share of {runs} runs (seed {seed}) that answer yes; bar: its 95 % Wilson interval. "
        "Every setting uses the same runs and seed.",
        "de": "Punkt: Anteil der {runs} Läufe (Seed {seed}), die mit Ja antworten; Balken: sein 95-%-Wilson-"
        "Intervall. Jede Einstellung nutzt dieselben Läufe und denselben Seed.",
    },
    "delta_preset_minus_current": {"en": "Δ {preset} minus current", "de": "Δ {preset} minus aktuell"},
    "compare_setting": {"en": "Indicator / settings", "de": "Indikator / Einstellungen"},
    "compare_median": {"en": "Median", "de": "Median"},
    "compare_delta": {"en": "Δ preset minus current", "de": "Δ Voreinstellung minus aktuell"},
    "compare_level": {"en": "Level the median reaches", "de": "Stufe, die der Median erreicht"},
    "compare_delta_caption": {
        "en": "Every Δ is the preset minus the current settings: positive where the preset ends higher.",
        "de": "Jedes Δ ist die Voreinstellung minus die aktuellen Einstellungen: positiv, wo die "
        "Voreinstellung höher endet.",
    },
    "why_map_view": {"en": "Show", "de": "Anzeigen"},
    "why_map_focus": {"en": "Focus on one indicator", "de": "Fokus auf einen Indikator"},
    "why_map_full": {"en": "Full map", "de": "Ganze Karte"},
    "why_map_focus_on": {"en": "Indicator in focus", "de": "Indikator im Fokus"},
    "why_map_steps": {"en": "Links out", "de": "Schritte"},
    "why_map_focus_title": {"en": "Focus: {indicator}", "de": "Fokus: {indicator}"},
    "why_map_focus_caption": {
        "en": "Left: drivers (sliders); then indicators by how many links they lie from the one in focus, "
        "upstream to its left, downstream to its right. Click a node or an impact's diamond to inspect it.",
        "de": "Links: Treiber (Regler); dann Indikatoren nach ihrem Abstand in Wirkungen vom Indikator im "
        "Fokus, vorgelagerte links, nachgelagerte rechts. Ein Klick auf einen Knoten oder die Raute einer "
        "Wirkung zeigt Details.",
    },
    "why_links_in": {"en": "Incoming impacts", "de": "Eingehende Wirkungen"},
    "why_links_out": {"en": "Outgoing impacts", "de": "Ausgehende Wirkungen"},
    "why_links_none": {"en": "none", "de": "keine"},
    "why_link_from": {"en": "From", "de": "Von"},
    "why_link_to": {"en": "To", "de": "Nach"},
    "why_loop_highlight": {"en": "Highlight a feedback loop", "de": "Rückkopplung hervorheben"},
    "why_loop_highlight_none": {"en": "(none)", "de": "(keine)"},
    "why_loop_outside": {
        "en": "Part of this loop lies outside the focus: the full map shows all of it.",
        "de": "Ein Teil dieser Rückkopplung liegt außerhalb des Fokus: Die ganze Karte zeigt sie vollständig.",
    },
    "why_sobol_noise": {
        "en": "Some first-order indices exceed their total index (S1 > ST), which cannot hold exactly: at "
        "N = {n} that is sampling noise. Raise N for firmer estimates.",
        "de": "Einige Indizes erster Ordnung übersteigen ihren Gesamtindex (S1 > ST), was exakt nicht sein "
        "kann: Bei N = {n} ist das Stichprobenrauschen. Ein größeres N gibt festere Schätzungen.",
    },
    # --- briefing pack (issue 14) ---
    "download_pdf": {"en": "Briefing pack (PDF, A4)", "de": "Briefing-Paket (PDF, A4)"},
    "download_pptx": {"en": "Briefing pack (PowerPoint)", "de": "Briefing-Paket (PowerPoint)"},
    "pack_no_chromium": {
        "en": "PDF and PowerPoint need a Chromium browser on the server: apt-get install chromium",
        "de": "PDF und PowerPoint brauchen einen Chromium-Browser auf dem Server: apt-get install chromium",
    },
    "pack_author_input": {"en": "Author (optional)", "de": "Verfasser (optional)"},
    "pack_unit_input": {"en": "Unit (optional)", "de": "Organisationseinheit (optional)"},
    "pack_marking_input": {"en": "Handling marking (optional)", "de": "Schutzvermerk (optional)"},
    "pack_marking_help": {
        "en": "Printed at the top and bottom of the pack and on every slide, e.g. INTERNAL.",
        "de": "Steht oben und unten im Paket und auf jeder Folie, z. B. VS - NUR FÜR DEN DIENSTGEBRAUCH.",
    },
    "pack_author": {"en": "Prepared by", "de": "Erstellt von"},
    "pack_caveats_title": {"en": "What the model is and is not", "de": "Was das Modell ist und was nicht"},
    "pack_is": {
        "en": (
            "This brief shows what a cross-impact model built from one news article implies under stated "
            "assumptions. It is a tool to test those assumptions."
        ),
        "de": (
            "Dieses Briefing zeigt, was ein aus einem Zeitungsartikel gebautes Cross-Impact-Modell unter "
            "offengelegten Annahmen ergibt. Es ist ein Werkzeug, diese Annahmen zu prüfen."
        ),
    },
    "pack_is_not": {
        "en": (
            "It is not a forecast, not an intelligence assessment and not calibrated against past events: the "
            "percentages are shares of simulated runs, not probabilities of the world."
        ),
        "de": (
            "Es ist keine Prognose, keine nachrichtendienstliche Bewertung und nicht an früheren Ereignissen "
            "geeicht: Die Prozentwerte sind Anteile simulierter Läufe, keine Wahrscheinlichkeiten der Welt."
        ),
    },
    "pack_question": {"en": "Question", "de": "Frage"},
    "pack_condition": {"en": "Condition", "de": "Bedingung"},
    "pack_reference": {"en": "Reference preset", "de": "Vergleichs-Voreinstellung"},
    "pack_change": {"en": "Change", "de": "Veränderung"},
    "pack_scales": {
        "en": "Scale levels drawn on the charts (what one would observe at each level):",
        "de": "In den Diagrammen eingezeichnete Stufen (was man auf jeder Stufe beobachten würde):",
    },
    "pack_tornado_title": {"en": "What moves the lead question", "de": "Was die Leitfrage bewegt"},
    "pack_tornado_unmoved": {
        "en": "Left out, since they do not reach this indicator ({count}): {drivers}.",
        "de": "Nicht gezeigt, weil sie diesen Indikator nicht erreichen ({count}): {drivers}.",
    },
    "pack_tornado_caption": {
        "en": (
            "For the question “{question}”: each driver swung from its minimum to its maximum, the others at "
            "the current settings, every weight at its central value (one point run, not the ensemble)."
        ),
        "de": (
            "Zur Frage „{question}“: jeder Treiber vom Minimum zum Maximum, die anderen auf den aktuellen "
            "Einstellungen, jedes Gewicht auf seinem zentralen Wert (ein Punktlauf, nicht das Ensemble)."
        ),
    },
    "pack_appendix": {"en": "Appendix", "de": "Anhang"},
    "pack_settings": {"en": "Settings", "de": "Einstellungen"},
    "pack_setting": {"en": "Setting", "de": "Einstellung"},
    "pack_value": {"en": "Value", "de": "Wert"},
    "pack_generated": {"en": "Generated", "de": "Erstellt"},
    "pack_model_version": {"en": "Model version", "de": "Modellversion"},
    "pack_digest": {"en": "Scenario hash (SHA-256)", "de": "Szenario-Hash (SHA-256)"},
    # --- phone and small fixes (issue 14) ---
    "phone_sidebar_hint": {
        "en": "The sliders for the drivers are in the sidebar: open it with » at the top left.",
        "de": "Die Regler für die Treiber sind in der Seitenleiste: öffnen mit » oben links.",
    },
    "upload_limited": {
        "en": "Upload a scenario YAML (.yaml or .yml, at most {size})",
        "de": "Szenario-YAML hochladen (.yaml oder .yml, höchstens {size})",
    },
}


# The bottom line (present.bottomline): fixed templates, so the same numbers always read the same.
STRINGS.update(
    {
        "bottom_title": {"en": "Bottom line", "de": "Das Wichtigste in Kürze"},
        "percent_value": {"en": "{value}%", "de": "{value}\u00a0%"},  # no line break before the sign
        "and_list": {"en": "{first} and {last}", "de": "{first} und {last}"},
        "bottom_question": {
            "en": "{indicator} reaches {target} by week {week} in {probability} of runs (95%: {interval})",
            # "{indicator}: ... wird erreicht" needs no verb to agree with a label that may be plural.
            "de": (
                "{indicator}: {target} wird bis Woche {week} in {probability} der Läufe erreicht "
                "(95\u00a0%: {interval})"
            ),
        },
        "bottom_question_below": {
            "en": "{indicator} falls to or below {target} by week {week} in {probability} of runs (95%: {interval})",
            "de": (
                "{indicator}: {target} oder darunter wird bis Woche {week} in {probability} der Läufe erreicht "
                "(95\u00a0%: {interval})"
            ),
        },
        "bottom_presets": {"en": "; {span} across the presets", "de": "; {span} über die Voreinstellungen"},
        "bottom_drivers": {"en": "; it depends most on {drivers}", "de": "; die stärksten Treiber: {drivers}"},
        "bottom_change": {
            "en": "{driver} from {before} to {after} {unit}",
            "de": "{driver} von {before} auf {after} {unit}",
        },
        "bottom_more": {"en": "{count} more", "de": "{count} weitere"},
        "bottom_move": {"en": "{indicator} {delta} pts", "de": "{indicator} {delta} Punkte"},
        "bottom_changed": {
            "en": "Against {reference}, the current settings change {changes}; the answers move: {moves}.",
            "de": (
                "Gegenüber {reference} ändern die aktuellen Einstellungen {changes}; die Antworten verschieben "
                "sich: {moves}."
            ),
        },
    }
)


# Schema 2: anchored scales, quote-or-judgement sources, the questions' own uncertainty and reality checks.
STRINGS.update(
    {
        # A scale's levels, wherever a number is shown.
        "below_level": {"en": "below \u201c{level}\u201d", "de": "unter \u201e{level}\u201c"},
        "value_level": {"en": "{value} ({level})", "de": "{value} ({level})"},
        "level_named": {
            "en": "level {threshold:g} \u201c{level}\u201d",
            "de": "Stufe {threshold:g} \u201e{level}\u201c",
        },
        "scale": {"en": "Scale", "de": "Skala"},
        "initial_level": {"en": "Start level", "de": "Startstufe"},
        "level_now": {"en": "Level reached (current)", "de": "Erreichte Stufe (aktuell)"},
        "scale_caption": {
            "en": (
                "Dashed lines: the levels of each indicator's scale, labelled with what one would observe there; "
                "indicators with scales of their own get a panel each. Hovering names the level each median has "
                "reached."
            ),
            "de": (
                "Gestrichelte Linien: die Stufen der Skala jedes Indikators, beschriftet mit dem, was man dort "
                "beobachten würde; Indikatoren mit eigener Skala erhalten je ein eigenes Feld. Beim Überfahren "
                "erscheint die Stufe, die der Median erreicht hat."
            ),
        },
        "events_caption": {"en": "Events (dotted lines): {events}.", "de": "Ereignisse (gepunktete Linien): {events}."},
        "event_listed": {"en": "{mark} week {week}: {label}", "de": "{mark} Woche {week}: {label}"},
        # The question cards.
        "question_level": {
            "en": "{indicator} reaches {level} by week {week}",
            "de": "{indicator} erreicht {level}, spätestens in Woche {week}",
        },
        "question_level_below": {
            "en": "{indicator} falls to or below {level} by week {week}",
            "de": "{indicator} fällt auf {level} oder darunter, spätestens in Woche {week}",
        },
        "question_interval": {
            "en": "95% interval {span}, {runs} runs",
            "de": "95-%-Intervall {span}, {runs} Läufe",
        },
        "saturated_yes": {
            "en": (
                "Saturated: under these settings the model says almost certainly yes. Read it as a bound, "
                "not a forecast."
            ),
            "de": (
                "Gesättigt: Unter diesen Einstellungen sagt das Modell fast sicher ja. Als Grenze lesen, "
                "nicht als Prognose."
            ),
        },
        "saturated_no": {
            "en": (
                "Saturated: under these settings the model says almost certainly no. Read it as a bound, "
                "not a forecast."
            ),
            "de": (
                "Gesättigt: Unter diesen Einstellungen sagt das Modell fast sicher nein. Als Grenze lesen, "
                "nicht als Prognose."
            ),
        },
        # Sources: a quote of the article, or the analyst's judgement.
        "kind_quote": {"en": "Quote from the article", "de": "Zitat aus dem Artikel"},
        "kind_judgement": {"en": "Analyst's judgement", "de": "Einschätzung der Analyse"},
        "source_words": {"en": "Quote or judgement", "de": "Zitat oder Einschätzung"},
        "translation": {"en": "Translation", "de": "Übersetzung"},
        "note": {"en": "Note", "de": "Anmerkung"},
        "quoted": {"en": "\u201c{text}\u201d", "de": "\u201e{text}\u201c"},
        "initial_kind": {"en": "Start value rests on", "de": "Startwert beruht auf"},
        "initial_words": {"en": "Start value: quote or judgement", "de": "Startwert: Zitat oder Einschätzung"},
        "initial_source": {"en": "Start value {value}", "de": "Startwert {value}"},
        "sources_full": {"en": "Sources in full ({count})", "de": "Quellen im Wortlaut ({count})"},
        # Reality checks.
        "checks_title": {"en": "Reality checks", "de": "Realitätsprüfungen"},
        "checks_intro": {
            "en": (
                "Expectations a domain expert would test first, each run on the point run (every weight at its "
                "value) with the check's own settings, not the sliders'. {holding} of {total} hold."
            ),
            "de": (
                "Erwartungen, die eine Fachperson zuerst prüfen würde, jeweils im Punktlauf (jedes Gewicht auf "
                "seinem Wert) mit den Einstellungen der Prüfung, nicht denen der Regler. {holding} von {total} "
                "sind erfüllt."
            ),
        },
        "check_below": {"en": "{indicator} below {bound:g}", "de": "{indicator} unter {bound:g}"},
        "check_above": {"en": "{indicator} above {bound:g}", "de": "{indicator} über {bound:g}"},
        "check_below_reference": {
            "en": "{indicator} at least {bound:g} points below the reference",
            "de": "{indicator} mindestens {bound:g} Punkte unter der Referenz",
        },
        "check_above_reference": {
            "en": "{indicator} at least {bound:g} points above the reference",
            "de": "{indicator} mindestens {bound:g} Punkte über der Referenz",
        },
        "check_not_above_reference": {
            "en": "{indicator} never above the reference",
            "de": "{indicator} nie über der Referenz",
        },
        "check_not_below_reference": {
            "en": "{indicator} never below the reference",
            "de": "{indicator} nie unter der Referenz",
        },
        "check_every_week": {"en": "in every week", "de": "in jeder Woche"},
        "check_at_week": {"en": "in week {week}", "de": "in Woche {week}"},
        "check_found": {"en": "found {observed} in week {week}", "de": "gefunden: {observed} in Woche {week}"},
        "check_closest": {
            "en": "closest call: {observed} in week {week}",
            "de": "am knappsten: {observed} in Woche {week}",
        },
        "check_worst": {"en": "worst: {observed} in week {week}", "de": "am schlechtesten: {observed} in Woche {week}"},
        "check_against": {
            "en": "{observed} against {reference} for the reference ({name})",
            "de": "{observed} gegenüber {reference} bei der Referenz ({name})",
        },
        "check_reference_run": {
            "en": "the same run without the check's settings",
            "de": "derselbe Lauf ohne die Einstellungen der Prüfung",
        },
        "check_reference_preset": {
            "en": "the preset \u201c{preset}\u201d",
            "de": "die Voreinstellung \u201e{preset}\u201c",
        },
        "check_detail": {"en": "expected {expected} {when}; {found}", "de": "erwartet: {expected} {when}; {found}"},
        "what_checks": {"en": "the reality checks", "de": "die Realitätsprüfungen"},
        "editor_checks": {
            "en": "Reality checks of this scenario: {holding} of {total} hold.",
            "de": "Realitätsprüfungen dieses Szenarios: {holding} von {total} sind erfüllt.",
        },
    }
)


# "Why" tab: tornado, Sobol indices, causal map and scenario diff (ui/explain.py).
STRINGS.update(
    {
        "tab_why": {"en": "Why", "de": "Warum"},
        "why_intro": {
            "en": (
                "Why the numbers move: which driver pushes an indicator most, which coefficient's uncertainty "
                "matters most, through which links the effects run, and where each assumption comes from."
            ),
            "de": (
                "Warum sich die Zahlen bewegen: welcher Treiber einen Indikator am stärksten bewegt, welche "
                "Koeffizienten-Unsicherheit am meisten zählt, über welche Verbindungen die Wirkungen laufen "
                "und woher jede Annahme stammt."
            ),
        },
        "why_tornado_title": {"en": "Which driver moves it most", "de": "Welcher Treiber am stärksten wirkt"},
        "why_metric": {"en": "Measure", "de": "Maß"},
        "why_metric_value": {"en": "Value at the end of the horizon", "de": "Wert am Ende des Horizonts"},
        "why_metric_probability": {
            "en": "Chance of reaching a question's threshold",
            "de": "Wahrscheinlichkeit, die Schwelle einer Frage zu erreichen",
        },
        "why_question": {"en": "Question", "de": "Frage"},
        "why_tornado_chart_value": {
            "en": "{indicator}: level in week {week}, each driver at its minimum and its maximum",
            "de": "{indicator}: Niveau in Woche {week}, jeder Treiber an seinem Minimum und Maximum",
        },
        "why_tornado_chart_probability": {
            "en": "Chance that {indicator} reaches {threshold:g} by week {week}, "
            "each driver at its minimum and maximum",
            "de": "Wahrscheinlichkeit, dass {indicator} bis Woche {week} {threshold:g} erreicht, "
            "jeder Treiber an seinem Minimum und Maximum",
        },
        "why_at_min": {"en": "driver at its minimum", "de": "Treiber am Minimum"},
        "why_at_max": {"en": "driver at its maximum", "de": "Treiber am Maximum"},
        "why_base": {"en": "current settings", "de": "aktuelle Einstellungen"},
        "why_axis_value": {"en": "Level in week {week} (0-100)", "de": "Niveau in Woche {week} (0-100)"},
        "why_axis_probability": {"en": "Probability", "de": "Wahrscheinlichkeit"},
        "why_tornado_caption_value": {
            "en": (
                "Each driver is moved from its minimum to its maximum while every other driver stays at the "
                "current settings; every coefficient at its published weight (point run). Sorted by the size "
                "of the swing; a driver without a bar does not reach this indicator."
            ),
            "de": (
                "Jeder Treiber wird von seinem Minimum zu seinem Maximum bewegt, alle anderen bleiben auf den "
                "aktuellen Einstellungen; jeder Koeffizient auf seinem veröffentlichten Gewicht (Punktlauf). "
                "Sortiert nach der Größe des Ausschlags; ein Treiber ohne Balken erreicht diesen Indikator nicht."
            ),
        },
        "why_tornado_caption_probability": {
            "en": (
                "Each driver is moved from its minimum to its maximum while every other driver stays at the "
                "current settings. Probabilities from {runs} Monte Carlo runs per setting (seed {seed}); every "
                "setting uses the same draws of the coefficients, so the differences are the drivers' doing."
            ),
            "de": (
                "Jeder Treiber wird von seinem Minimum zu seinem Maximum bewegt, alle anderen bleiben auf den "
                "aktuellen Einstellungen. Wahrscheinlichkeiten aus {runs} Monte-Carlo-Läufen je Einstellung "
                "(Seed {seed}); jede Einstellung nutzt dieselben Ziehungen der Koeffizienten, Unterschiede "
                "gehen also allein auf die Treiber zurück."
            ),
        },
        "why_sobol_title": {
            "en": "Which coefficient's uncertainty matters most",
            "de": "Welche Koeffizienten-Unsicherheit am meisten zählt",
        },
        "why_sobol_intro": {
            "en": (
                "Global sensitivity analysis (Sobol indices) over the uncertain coefficients, the drivers held "
                "at the current settings. S1: the share of an output's variance a coefficient causes on its "
                "own; ST: its share including its interactions with the others."
            ),
            "de": (
                "Globale Sensitivitätsanalyse (Sobol-Indizes) über die unsicheren Koeffizienten, die Treiber "
                "auf den aktuellen Einstellungen. S1: der Anteil an der Varianz eines Ergebnisses, den ein "
                "Koeffizient allein verursacht; ST: sein Anteil einschließlich der Wechselwirkungen."
            ),
        },
        "why_sobol_n": {"en": "Base sample size N", "de": "Basis-Stichprobengröße N"},
        "why_sobol_cost": {
            "en": "{uncertain} uncertain coefficients: N × ({uncertain} + 2) = {evaluations} model runs.",
            "de": "{uncertain} unsichere Koeffizienten: N × ({uncertain} + 2) = {evaluations} Modellläufe.",
        },
        "why_sobol_run": {"en": "Run the sensitivity analysis", "de": "Sensitivitätsanalyse starten"},
        "why_sobol_progress": {"en": "Computing Sobol indices …", "de": "Sobol-Indizes werden berechnet …"},
        "why_sobol_stale": {
            "en": "The settings changed since the last analysis; run it again to update it.",
            "de": "Die Einstellungen haben sich seit der letzten Analyse geändert; zum Aktualisieren neu starten.",
        },
        "why_sobol_none": {
            "en": "No coefficient has an uncertainty range: there is nothing to analyse.",
            "de": "Kein Koeffizient hat eine Unsicherheitsspanne: es gibt nichts zu analysieren.",
        },
        "why_sobol_summary": {
            "en": "The coefficients whose uncertainty matters most, per question",
            "de": "Die Koeffizienten, deren Unsicherheit je Frage am meisten zählt",
        },
        "why_sobol_output": {"en": "Output", "de": "Ergebnis"},
        "why_sobol_output_end": {"en": "{indicator}, week {week}", "de": "{indicator}, Woche {week}"},
        "why_sobol_chart": {"en": "Sobol indices: {output}", "de": "Sobol-Indizes: {output}"},
        "why_sobol_axis": {"en": "Sobol index (share of variance)", "de": "Sobol-Index (Varianzanteil)"},
        "why_sobol_first": {"en": "first-order S1", "de": "erster Ordnung S1"},
        "why_sobol_total": {"en": "total ST", "de": "total ST"},
        "why_sobol_constant": {
            "en": "This output does not vary with the uncertain coefficients.",
            "de": "Dieses Ergebnis hängt nicht von den unsicheren Koeffizienten ab.",
        },
        "why_sobol_caption": {
            "en": "N = {n}, {evaluations} model runs, seed {seed}; ± and the error bars: 95 % bootstrap intervals.",
            "de": "N = {n}, {evaluations} Modellläufe, Seed {seed}; ± und Fehlerbalken: 95-%-Bootstrap-Intervalle.",
        },
        "why_coefficient": {"en": "Coefficient", "de": "Koeffizient"},
        "why_map_title": {"en": "Causal map", "de": "Wirkungskarte"},
        "why_map_positive": {"en": "raises (positive weight)", "de": "erhöht (positives Gewicht)"},
        "why_map_negative": {"en": "lowers (negative weight)", "de": "senkt (negatives Gewicht)"},
        "why_map_driver": {"en": "driver (slider)", "de": "Treiber (Regler)"},
        "why_map_indicator": {"en": "indicator", "de": "Indikator"},
        "why_map_self": {"en": "self-impact", "de": "Selbstwirkung"},
        "why_map_caption": {
            "en": (
                "Arrows are impacts: blue raises its target, orange-red lowers it; the thicker, the larger the "
                "weight. Click a node or the diamond on an arrow (or pick it below) to see its source."
            ),
            "de": (
                "Pfeile sind Wirkungen: blau erhöht das Ziel, orangerot senkt es; je dicker, desto größer das "
                "Gewicht. Einen Knoten oder die Raute auf einem Pfeil anklicken (oder unten wählen), um die "
                "Quelle zu sehen."
            ),
        },
        "why_inspect": {"en": "Inspect", "de": "Ansehen"},
        "why_inspect_none": {"en": "(choose a node or an impact)", "de": "(Knoten oder Wirkung wählen)"},
        "why_kind_impact": {"en": "Impact", "de": "Wirkung"},
        "why_slider_range": {"en": "Slider range", "de": "Reglerbereich"},
        "why_note": {"en": "Note", "de": "Anmerkung"},
        "why_loops_title": {"en": "Feedback loops between indicators", "de": "Rückkopplungen zwischen Indikatoren"},
        "why_loops_none": {
            "en": "No feedback loops between indicators: every effect runs one way.",
            "de": "Keine Rückkopplungen zwischen Indikatoren: jede Wirkung läuft in eine Richtung.",
        },
        "why_loops_truncated": {
            "en": "Only the first {count} loops are listed.",
            "de": "Nur die ersten {count} Schleifen sind aufgeführt.",
        },
        "why_loops_caption": {
            "en": (
                "A loop's sign is the product of the signs of its impacts: positive reinforces a change, "
                "negative balances it. Strength: the product of the |weights| along the loop."
            ),
            "de": (
                "Das Vorzeichen einer Schleife ist das Produkt der Vorzeichen ihrer Wirkungen: positiv verstärkt "
                "eine Änderung, negativ gleicht sie aus. Stärke: das Produkt der |Gewichte| entlang der Schleife."
            ),
        },
        "why_loop": {"en": "Loop", "de": "Schleife"},
        "why_polarity": {"en": "Sign", "de": "Vorzeichen"},
        "why_length": {"en": "Links", "de": "Glieder"},
        "why_strength": {"en": "Strength", "de": "Stärke"},
        "why_reinforcing": {"en": "reinforcing", "de": "verstärkend"},
        "why_balancing": {"en": "balancing", "de": "ausgleichend"},
        "why_neutral": {"en": "neutral (a zero weight)", "de": "neutral (ein Nullgewicht)"},
        "why_self_title": {
            "en": "Self-impacts (damping or momentum)",
            "de": "Selbstwirkungen (Dämpfung oder Eigendynamik)",
        },
        "why_damping": {"en": "damping", "de": "Dämpfung"},
        "why_momentum": {"en": "momentum", "de": "Eigendynamik"},
        "why_kind": {"en": "Kind", "de": "Art"},
        "why_diff_title": {"en": "Scenario diff", "de": "Szenarienvergleich"},
        "why_diff_a": {"en": "Scenario A", "de": "Szenario A"},
        "why_diff_b": {"en": "against scenario B", "de": "gegen Szenario B"},
        "why_diff_same": {
            "en": "A and B have the same settings: every delta is zero.",
            "de": "A und B haben dieselben Einstellungen: jede Differenz ist null.",
        },
        "why_diff_chart": {
            "en": "{a} minus {b}: median per week, with A's p10-p90 band",
            "de": "{a} minus {b}: Median je Woche, mit dem p10-p90-Band von A",
        },
        "why_diff_axis": {"en": "Δ points", "de": "Δ Punkte"},
        "why_diff_delta": {"en": "Δ median (A − B)", "de": "Δ Median (A − B)"},
        "why_diff_band": {"en": "A's p10-p90 minus B's median", "de": "p10-p90 von A minus Median von B"},
        "why_diff_table": {"en": "Per-week deltas of the medians", "de": "Differenzen der Mediane je Woche"},
        "why_diff_caption": {
            "en": "Both sides: {runs} Monte Carlo runs with seed {seed}, so they share the same coefficient draws.",
            "de": "Beide Seiten: {runs} Monte-Carlo-Läufe mit Seed {seed}, also dieselben Koeffizienten-Ziehungen.",
        },
        "why_diff_no_presets": {
            "en": "This scenario has no presets to compare with.",
            "de": "Dieses Szenario hat keine Voreinstellungen zum Vergleichen.",
        },
    }
)


# The work budget (engine/budget.py): what the page says when it limits or refuses a computation.
STRINGS.update(
    {
        "download_table": {"en": "This table (CSV)", "de": "Diese Tabelle (CSV)"},
        "runs_limited": {
            "en": "This scenario is large: at most {allowed} runs fit its work budget.",
            "de": "Dieses Szenario ist groß: Höchstens {allowed} Läufe passen in sein Rechenbudget.",
        },
        "refused_budget": {
            "en": "Not computed: {what} would need {work} model steps and {memory} MiB; the limits are {max_work} "
            "steps and {max_memory} MiB per request.",
            "de": "Nicht berechnet: {what} bräuchte {work} Modellschritte und {memory} MiB; erlaubt sind {max_work} "
            "Schritte und {max_memory} MiB pro Anfrage.",
        },
        "refused_busy": {
            "en": "The server is busy with another large computation. Please try again in a moment.",
            "de": "Der Server ist mit einer anderen großen Berechnung beschäftigt. Bitte gleich noch einmal versuchen.",
        },
        "refused_non_finite": {
            "en": "Not shown: this projection produced numbers that are not finite; the scenario's weights "
            "need a look.",
            "de": "Nicht gezeigt: Diese Projektion ergab keine endlichen Zahlen; die Gewichte des Szenarios "
            "sollten geprüft werden.",
        },
        "what_ensemble": {"en": "the projection of {runs} runs", "de": "die Projektion mit {runs} Läufen"},
        "what_tornado_value": {"en": "the value tornado", "de": "das Tornado-Diagramm der Werte"},
        "what_tornado_probability": {
            "en": "the probability tornado",
            "de": "das Tornado-Diagramm der Wahrscheinlichkeiten",
        },
        "what_sobol": {"en": "Sobol indices", "de": "die Sobol-Indizes"},
        "why_tornado_fewer_runs": {
            "en": (
                "The tornado swings the drivers with the question cards' own ensemble, so that its centre is the "
                "card's figure. At {runs} runs or fewer (the runs control in the sidebar) it fits this server."
            ),
            "de": (
                "Das Tornado-Diagramm bewegt die Treiber mit demselben Ensemble wie die Fragekarten, damit seine "
                "Mitte der Zahl der Karte entspricht. Bei höchstens {runs} Läufen (Einstellung in der "
                "Seitenleiste) passt es auf diesen Server."
            ),
        },
        "why_sobol_too_large": {
            "en": "Sobol indices are not offered for this scenario: even the smallest design (N = {n}) would need "
            "{work} model steps; the limit is {max_work}.",
            "de": "Sobol-Indizes werden für dieses Szenario nicht angeboten: Schon das kleinste Design (N = {n}) "
            "bräuchte {work} Modellschritte; erlaubt sind {max_work}.",
        },
    }
)

# The form editor (ui/editor.py, present/editor.py).
_FORM = {
    "form_mode": ("Edit as", "Bearbeiten als"),
    "history_title": ("Where this scenario comes from", "Woher dieses Szenario stammt"),
    "history_unknown": ("(not in this store)", "(nicht in diesem Speicher)"),
    "history_no_parent": (
        "Saved without a parent: it was uploaded or saved before parents were recorded.",
        "Ohne Vorgänger gespeichert: hochgeladen oder gespeichert, bevor Vorgänger erfasst wurden.",
    ),
    "history_compare": ("What changed against", "Was sich geändert hat gegenüber"),
    "history_same": ("No difference.", "Kein Unterschied."),
    "publish_title": ("Publish to the gallery", "In der Galerie veröffentlichen"),
    "publish_help": (
        "Until published, a saved scenario is reached only by its link. Published, everyone on this server "
        "finds it in the gallery under this title.",
        "Bis zur Veröffentlichung erreicht man ein gespeichertes Szenario nur über seinen Link. Veröffentlicht "
        "findet es jeder auf diesem Server unter diesem Titel in der Galerie.",
    ),
    "publish_name": ("Title in the gallery", "Titel in der Galerie"),
    "publish_button": ("Publish", "Veröffentlichen"),
    "publish_needs_title": (
        "A published scenario needs a title.",
        "Ein veröffentlichtes Szenario braucht einen Titel.",
    ),
    "publish_limit": (
        "This server takes no more publications this hour; try again later.",
        "Dieser Server nimmt in dieser Stunde keine weiteren Veröffentlichungen an; später erneut versuchen.",
    ),
    "published": ("Published as “{title}”.", "Veröffentlicht als „{title}“."),
    "gallery_title": ("Gallery of published scenarios", "Galerie veröffentlichter Szenarien"),
    "gallery_search": ("Search by title", "Nach Titel suchen"),
    "gallery_empty": ("Nothing published yet, or nothing matches.", "Noch nichts veröffentlicht, oder nichts passt."),
    "gallery_count": (
        "{total} published · page {page} of {pages}",
        "{total} veröffentlicht · Seite {page} von {pages}",
    ),
    "gallery_newer": ("Newer", "Neuere"),
    "gallery_older": ("Older", "Ältere"),
    "editor_replace_question": (
        "The editor holds changes you have not saved. Replace them?",
        "Der Editor enthält ungespeicherte Änderungen. Ersetzen?",
    ),
    "editor_replace": ("Replace my changes", "Meine Änderungen ersetzen"),
    "editor_keep": ("Keep my changes", "Meine Änderungen behalten"),
    "draft_todo": ("To do in this draft ({count})", "Offen in diesem Entwurf ({count})"),
    "save_author": ("Your name (optional, saved with it)", "Ihr Name (optional, wird mitgespeichert)"),
    "save_note": ("What you changed (optional)", "Was Sie geändert haben (optional)"),
    "form_mode_form": ("Form and matrix", "Formular und Matrix"),
    "form_mode_yaml": ("YAML text", "YAML-Text"),
    "form_sections": ("Part of the scenario", "Teil des Szenarios"),
    "form_scenario": ("Scenario", "Szenario"),
    "form_meta_title_en": ("Title (English)", "Titel (Englisch)"),
    "form_meta_title_de": ("Title (German)", "Titel (Deutsch)"),
    "form_meta_summary_en": ("Summary (English)", "Zusammenfassung (Englisch)"),
    "form_meta_summary_de": ("Summary (German)", "Zusammenfassung (Deutsch)"),
    "form_meta_horizon": ("Horizon in weeks", "Horizont in Wochen"),
    "form_meta_language": ("Language of the article", "Sprache des Artikels"),
    "form_meta_source": ("Title of the article", "Titel des Artikels"),
    "form_meta_apply": ("Apply", "Übernehmen"),
    "editor_new": ("Start a new scenario", "Neues Szenario beginnen"),
    "form_drivers": ("Drivers", "Treiber"),
    "form_indicators": ("Indicators and levels", "Indikatoren und Stufen"),
    "form_matrix": ("Cross-impact matrix", "Cross-Impact-Matrix"),
    "form_questions": ("Questions", "Fragen"),
    "form_presets": ("Presets", "Voreinstellungen"),
    "form_events": ("Events", "Ereignisse"),
    "form_checks": ("Reality checks", "Realitätschecks"),
    "form_levels": ("Scale levels (ascending per indicator)", "Skalenstufen (je Indikator aufsteigend)"),
    "form_valid": ("The scenario is valid.", "Das Szenario ist gültig."),
    "form_problems": (
        "{count} problems: each is listed at its row or cell, the others below.",
        "{count} Probleme: jedes steht bei seiner Zeile oder Zelle, die übrigen darunter.",
    ),
    "form_other_problems": ("Problems in other parts ({count})", "Probleme in anderen Teilen ({count})"),
    "form_row": ("Row {row} ({name})", "Zeile {row} ({name})"),
    "form_line": ("line {line}", "Zeile {line}"),
    "form_needs_yaml": (
        "The form needs YAML it can read; fix this in the YAML text first: {reason}",
        "Das Formular braucht lesbares YAML; zuerst im YAML-Text beheben: {reason}",
    ),
    "form_edit_failed": ("That change could not be made: {reason}", "Diese Änderung ging nicht: {reason}"),
    "form_matrix_title": ("Impacts: row ← column", "Wirkungen: Zeile ← Spalte"),
    "form_matrix_sources": ("source (driver or indicator)", "Quelle (Treiber oder Indikator)"),
    "form_matrix_targets": ("target indicator", "Ziel-Indikator"),
    "form_matrix_help": (
        "Each cell is the weight of the link from its column to its row: blue raises, orange lowers. Type a "
        "number into an empty cell to add a link, clear a cell to remove it; pick a link below for its range, "
        "note and source.",
        "Jede Zelle ist das Gewicht der Wirkung von ihrer Spalte auf ihre Zeile: blau erhöht, orange senkt. Eine "
        "Zahl in einer leeren Zelle fügt eine Wirkung hinzu, eine geleerte Zelle entfernt sie; unten eine "
        "Wirkung wählen für Spanne, Notiz und Quelle.",
    ),
    "form_link": ("Link to edit", "Wirkung bearbeiten"),
    "form_range_low": ("Range: lowest weight", "Spanne: kleinstes Gewicht"),
    "form_range_high": ("Range: highest weight", "Spanne: größtes Gewicht"),
    "form_note": ("Note", "Notiz"),
    "form_source_kind": ("Rests on", "Beruht auf"),
    "form_quote": (
        "Quote: a sentence of the article (pick or type)",
        "Zitat: ein Satz des Artikels (wählen oder tippen)",
    ),
    "form_section_name": ("Section of the article", "Abschnitt des Artikels"),
    "form_judgement_en": ("Judgement: your reasoning (English)", "Einschätzung: Begründung (Englisch)"),
    "form_judgement_de": ("Judgement: your reasoning (German)", "Einschätzung: Begründung (Deutsch)"),
    "form_apply_link": ("Apply to this link", "Für diese Wirkung übernehmen"),
    "form_preview": (
        "Preview: the edited scenario at its defaults, {runs} runs",
        "Vorschau: das bearbeitete Szenario bei seinen Standardwerten, {runs} Läufe",
    ),
    "form_preview_invalid": (
        "The preview returns once the scenario is valid.",
        "Die Vorschau erscheint wieder, sobald das Szenario gültig ist.",
    ),
    "invalid_count": ("{count} problems, each with its line:", "{count} Probleme, jedes mit seiner Zeile:"),
    "form_col_id": ("id", "ID"),
    "form_col_label_en": ("label (English)", "Bezeichnung (Englisch)"),
    "form_col_label_de": ("label (German)", "Bezeichnung (Deutsch)"),
    "form_col_text_en": ("text (English)", "Text (Englisch)"),
    "form_col_text_de": ("text (German)", "Text (Deutsch)"),
    "form_col_unit_en": ("unit (English)", "Einheit (Englisch)"),
    "form_col_unit_de": ("unit (German)", "Einheit (Deutsch)"),
    "form_col_group": ("group", "Gruppe"),
    "form_col_min": ("min", "Min."),
    "form_col_max": ("max", "Max."),
    "form_col_step": ("step", "Schritt"),
    "form_col_default": ("default", "Standard"),
    "form_col_initial": ("start value (0-100)", "Startwert (0-100)"),
    "form_col_indicator": ("indicator", "Indikator"),
    "form_col_threshold": ("threshold (a level)", "Schwelle (eine Stufe)"),
    "form_col_by_week": ("by week", "bis Woche"),
    "form_col_direction": ("direction", "Richtung"),
    "form_col_week": ("week", "Woche"),
    "form_col_target": ("target", "Ziel"),
    "form_col_set": ("set to", "setzen auf"),
    "form_col_add": ("add", "addieren"),
    "form_col_from": ("ramp from", "Rampe ab"),
    "form_col_over": ("over weeks", "über Wochen"),
    "form_col_preset": ("preset", "Voreinstellung"),
    "form_col_level": ("level (0-100)", "Stufe (0-100)"),
    "form_col_below": ("below", "unter"),
    "form_col_above": ("above", "über"),
    "form_col_below_reference": ("≤ reference + margin", "≤ Referenz + Abstand"),
    "form_col_above_reference": ("≥ reference − margin", "≥ Referenz − Abstand"),
}
STRINGS.update({key: {"en": en, "de": de} for key, (en, de) in _FORM.items()})


# The sentences of a scenario diff (present/diff.py), keyed "diff_<key>".
_DIFF: dict[str, dict[str, str]] = {
    "quoted": {"en": "'{text}'", "de": "\u201e{text}\u201c"},
    "in_other": {"en": "{name} in German", "de": "{name} auf Englisch"},
    "span_dash": {"en": "{low}–{high}", "de": "{low}–{high}"},
    # With a negative bound a dash reads as a minus sign.
    "span_words": {"en": "{low} to {high}", "de": "{low} bis {high}"},
    "arrow": {"en": "{old} → {new}", "de": "{old} → {new}"},
    "field_change": {"en": "{name} {old} → {new}", "de": "{name} {old} → {new}"},
    "field_now": {"en": "{name} now {new}", "de": "{name} jetzt {new}"},
    "field_dropped": {"en": "{name} dropped (was {old})", "de": "{name} entfällt (war {old})"},
    "field_changed": {"en": "{name} changed", "de": "{name} geändert"},
    "field_added": {"en": "{name} added", "de": "{name} ergänzt"},
    "field_removed": {"en": "{name} removed", "de": "{name} entfernt"},
    "level": {"en": "level {level}", "de": "Stufe {level}"},
    "level_added": {"en": "level {level} added ({text})", "de": "Stufe {level} ergänzt ({text})"},
    "level_removed": {"en": "level {level} removed", "de": "Stufe {level} entfernt"},
    "value_set": {"en": "{driver} set to {new}", "de": "{driver} auf {new} gesetzt"},
    "value_unset": {"en": "{driver} no longer set (was {old})", "de": "{driver} nicht mehr gesetzt (war {old})"},
    "unit_both": {"en": "unit now in both languages ({unit})", "de": "Einheit jetzt in beiden Sprachen ({unit})"},
    "unit_one": {"en": "unit now in one language ({unit})", "de": "Einheit jetzt in einer Sprache ({unit})"},
    "lever_on": {"en": "now a lever", "de": "jetzt ein Hebel"},
    "lever_off": {"en": "no longer a lever", "de": "kein Hebel mehr"},
    "direction_above": {
        "en": "direction: now at or above the threshold",
        "de": "Richtung: jetzt auf oder über der Schwelle",
    },
    "direction_below": {
        "en": "direction: now at or below the threshold",
        "de": "Richtung: jetzt auf oder unter der Schwelle",
    },
    "at_week": {"en": "week {week}", "de": "Woche {week}"},
    "every_week": {"en": "every week", "de": "jede Woche"},
    "impact_name": {"en": "{source} → {target}", "de": "{source} → {target}"},
    "event_name": {"en": "{label} ({target}, week {week})", "de": "{label} ({target}, Woche {week})"},
    "changed": {"en": "{kind} {name}: {changes}.", "de": "{kind} {name}: {changes}."},
    "removed": {"en": "Removed {kind} {name}.", "de": "{kind} {name} entfernt."},
    "removed_impact": {
        "en": "Removed impact {name} (weight {weight}).",
        "de": "Wirkung {name} entfernt (Gewicht {weight}).",
    },
    "added": {"en": "Added {kind} {name}.", "de": "{kind} {name} hinzugefügt."},
    "added_driver": {
        "en": "Added driver {name} ({span}, default {default}).",
        "de": "Treiber {name} hinzugefügt ({span}, Standardwert {default}).",
    },
    "added_indicator": {
        "en": "Added indicator {name} (starts at {initial}).",
        "de": "Indikator {name} hinzugefügt (Startwert {initial}).",
    },
    # German separates the two numbers with a semicolon: a comma is their decimal mark.
    "added_impact": {
        "en": "Added impact {name} (weight {weight}, range {span}).",
        "de": "Wirkung {name} hinzugefügt (Gewicht {weight}; Spanne {span}).",
    },
    # No verb: a German label may be plural ("Bereitschaft ..." / "Wirtschaftliche Belastungen").
    "added_question_above": {
        "en": "Added question {name} ({indicator}: {threshold} or more by week {week}).",
        "de": "Frage {name} hinzugefügt ({indicator}: {threshold} oder mehr bis Woche {week}).",
    },
    "added_question_below": {
        "en": "Added question {name} ({indicator}: {threshold} or less by week {week}).",
        "de": "Frage {name} hinzugefügt ({indicator}: {threshold} oder weniger bis Woche {week}).",
    },
    "added_preset": {"en": "Added preset {name} ({values}).", "de": "Voreinstellung {name} hinzugefügt ({values})."},
    "preset_defaults": {"en": "the defaults", "de": "die Standardwerte"},
    "preset_one": {"en": "1 driver value", "de": "1 Treiberwert"},
    "preset_many": {"en": "{count} driver values", "de": "{count} Treiberwerte"},
    "meta_schema": {"en": "Schema version: {old} → {new}.", "de": "Schemaversion: {old} → {new}."},
    "meta_id": {"en": "Scenario id: {old} → {new}.", "de": "Szenario-ID: {old} → {new}."},
    "meta_title": {"en": "Title: {old} → {new}.", "de": "Titel: {old} → {new}."},
    "meta_summary": {"en": "Summary changed.", "de": "Zusammenfassung geändert."},
    "meta_source": {"en": "Details of the source article changed.", "de": "Angaben zum Quellartikel geändert."},
    "meta_horizon_weeks": {"en": "Horizon: {old} → {new} weeks.", "de": "Horizont: {old} → {new} Wochen."},
    "meta_uncertainty": {
        "en": "Sampling of the weights: {old} → {new}.",
        "de": "Ziehung der Gewichte: {old} → {new}.",
    },
    "uncertainty_triangular": {"en": "triangular", "de": "Dreiecksverteilung"},
    "uncertainty_uniform": {"en": "uniform", "de": "Gleichverteilung"},
    # The matrix figure.
    "matrix_title": {"en": "Impact weights: what changed", "de": "Wirkungsgewichte: was sich geändert hat"},
    "matrix_sources": {"en": "Source (driver or indicator)", "de": "Quelle (Treiber oder Indikator)"},
    "matrix_targets": {"en": "Target indicator", "de": "Zielindikator"},
    "matrix_weight": {"en": "weight", "de": "Gewicht"},
    "status_added": {"en": "added", "de": "neu"},
    "status_removed": {"en": "removed", "de": "entfernt"},
    "status_changed": {"en": "changed", "de": "geändert"},
    "status_same": {"en": "unchanged", "de": "unverändert"},
}
STRINGS.update({f"diff_{key}": texts for key, texts in _DIFF.items()})


# The link repairs of engine.state.decode, keyed "repair_<code>".
_REPAIRS = {
    "too_many": (
        "the link has {count} parameters; only the first {limit} were read",
        "Der Link hat {count} Parameter; nur die ersten {limit} wurden gelesen",
    ),
    "unknown_scenario": (
        "unknown scenario '{ref}'; showing the default scenario instead",
        "unbekanntes Szenario „{ref}“; stattdessen wird das Standardszenario gezeigt",
    ),
    "unknown_preset": ("unknown preset '{preset}' was ignored", "unbekannte Voreinstellung „{preset}“ wurde ignoriert"),
    "unknown_language": (
        "unknown language '{language}' was ignored",
        "unbekannte Sprache „{language}“ wurde ignoriert",
    ),
    "unknown_compare": (
        "unknown preset '{preset}' in compare was ignored",
        "unbekannte Voreinstellung „{preset}“ im Vergleich wurde ignoriert",
    ),
    "unknown_setting": ("unknown setting '{name}' was ignored", "unbekannte Einstellung „{name}“ wurde ignoriert"),
    "not_a_number": ("'{name}' is not a number and was ignored", "„{name}“ ist keine Zahl und wurde ignoriert"),
    "not_whole": (
        "'{name}' must be a whole number; using {default}",
        "„{name}“ muss eine ganze Zahl sein; verwendet wird {default}",
    ),
    "out_of_range": (
        "'{name}' = {value} is outside [{low}, {high}] and was set to {clamped}",
        "„{name}“ = {value} liegt außerhalb von [{low}, {high}] und wurde auf {clamped} gesetzt",
    ),
    "runs_over_budget": (
        "{runs} runs are more than this scenario allows; using {allowed}, the most it allows",
        "{runs} Läufe sind mehr, als dieses Szenario erlaubt; verwendet werden {allowed}, das Maximum",
    ),
    "byline_cut": (
        "'{name}' is longer than {limit} characters and was cut",
        "„{name}“ ist länger als {limit} Zeichen und wurde gekürzt",
    ),
}
STRINGS.update({f"repair_{code}": {"en": en, "de": de} for code, (en, de) in _REPAIRS.items()})


def repair_text(repair: Repair, lang: str) -> str:
    """What a link repair says, in `lang`."""
    return t(f"repair_{repair.code}", lang, **repair.params)


def t(key: str, lang: str, **values) -> str:
    """The interface text for `key` in `lang`, with `values` filled in."""
    text = STRINGS[key].get(lang) or STRINGS[key]["en"]
    return text.format(**values) if values else text


def whole_number(value: int, lang: str) -> str:
    """Thousands grouped the reader's way: 10,000 in English, 10.000 in German."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "de" else text


def language_from_locale(locale: str | None) -> str:
    """'de-DE' -> 'de'; anything not offered falls back to English."""
    if not locale:
        return "en"
    primary = locale.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in LANGUAGES else "en"


# Team rounds (ui/rounds.py, present/rounds.py), keyed "round_<key>".
_ROUND = {
    "tab": ("Team round", "Team-Runde"),
    "open_title": ("Open a round on these settings", "Eine Runde zu diesen Einstellungen eröffnen"),
    "open_help": (
        "A round asks your team for their own judgement of the scenario: each member first states a gut "
        "probability for the questions in focus, then sets the drivers as they judge them. You get a link for "
        "participants and a facilitator link that closes the round and shows the pooled result.",
        "Eine Runde fragt Ihr Team nach seinem eigenen Urteil über das Szenario: Jedes Mitglied nennt zuerst eine "
        "Bauchgefühl-Wahrscheinlichkeit für die gewählten Fragen und stellt dann die Treiber so ein, wie es sie "
        "einschätzt. Sie erhalten einen Link für Teilnehmende und einen Moderationslink, der die Runde schließt "
        "und das gepoolte Ergebnis zeigt.",
    ),
    "field_title": ("Title of the round", "Titel der Runde"),
    "field_questions": ("Questions in focus", "Fragen im Fokus"),
    "field_closes": ("Closes (optional, UTC)", "Schließt (optional, UTC)"),
    "field_close_date": ("Closing date", "Schlussdatum"),
    "field_close_time": ("Closing time (UTC)", "Schlusszeit (UTC)"),
    "field_show": (
        "Participants see the results after they submit",
        "Teilnehmende sehen nach dem Absenden die Ergebnisse",
    ),
    "field_max": ("Most submissions", "Höchstzahl an Abgaben"),
    "open_button": ("Open the round", "Runde eröffnen"),
    "opened": ("The round is open.", "Die Runde ist eröffnet."),
    "participant_link": ("Participant link: send this to your team", "Link für Teilnehmende: an Ihr Team senden"),
    "facilitator_link": ("Facilitator link: keep it to yourself", "Moderationslink: für Sie allein"),
    "facilitator_warning": (
        "Whoever has this link can close the round, see every name and resolve the ledger. It is shown once "
        "here and on the facilitator page; it is never stored, so keep it.",
        "Wer diesen Link hat, kann die Runde schließen, alle Namen sehen und das Register auflösen. Er wird hier "
        "und auf der Moderationsseite gezeigt, aber nirgends gespeichert: bitte aufbewahren.",
    ),
    "no_store": (
        "Rounds need the scenario store, which cannot be reached right now.",
        "Runden brauchen den Szenariospeicher, der gerade nicht erreichbar ist.",
    ),
    "need_title": ("Give the round a title.", "Bitte geben Sie der Runde einen Titel."),
    "need_question": ("Choose at least one question.", "Bitte wählen Sie mindestens eine Frage."),
    "not_found": (
        "This round link names no round. Check that the whole link was copied.",
        "Dieser Rundenlink nennt keine Runde. Bitte prüfen, ob der ganze Link kopiert wurde.",
    ),
    "wrong_key": (
        "This facilitator key is not this round's: you see the participant page. Check the facilitator link.",
        "Dieser Moderationsschlüssel gehört nicht zu dieser Runde: Sie sehen die Seite für Teilnehmende. Bitte "
        "den Moderationslink prüfen.",
    ),
    "scenario_gone": ("The round's scenario cannot be loaded.", "Das Szenario der Runde lässt sich nicht laden."),
    "back": ("Open the dashboard", "Zum Dashboard"),
    "about": (
        "Round “{title}” on {scenario}. Opened {opened}.",
        "Runde „{title}“ zu {scenario}. Eröffnet {opened}.",
    ),
    "closes_at": ("It closes {when} (UTC).", "Sie schließt {when} (UTC)."),
    "is_closed": (
        "This round is closed: it takes no more submissions.",
        "Diese Runde ist geschlossen: sie nimmt keine Abgaben mehr an.",
    ),
    "is_full": (
        "This round is full: it takes no more than {limit}.",
        "Diese Runde ist voll: sie nimmt höchstens {limit} Abgaben an.",
    ),
    "closes_past": (
        "The closing time has already passed: choose a later one, or no closing time.",
        "Die Schlusszeit ist schon vorbei: bitte eine spätere wählen oder keine.",
    ),
    "cards_wrong_key": (
        "This link is not a round's facilitator link, or its key is not the round's.",
        "Dieser Link ist kein Moderationslink einer Runde, oder sein Schlüssel gehört nicht zur Runde.",
    ),
    "cards_outside": (
        "Not in the round's focus, so not frozen: {questions}",
        "Nicht im Fokus der Runde, daher nicht eingefroren: {questions}",
    ),
    "member_column": ("Member", "Mitglied"),
    "comment_column": ("Comment", "Kommentar"),
    "question": ("Question", "Frage"),
    "links": ("Links to this round", "Links zu dieser Runde"),
    "choose_outcome": ("Choose whether it happened.", "Bitte wählen, ob es eingetreten ist."),
    "question_key": ("Gut estimates by question: {questions}", "Bauchgefühl nach Frage: {questions}"),
    "gut_column": ("Gut estimates", "Bauchgefühl"),
    "step_gut": ("1. Your own estimate first", "1. Zuerst Ihre eigene Einschätzung"),
    "step_gut_help": (
        "Before you see any figure from the model, say how likely you think each event is. This keeps the "
        "model from anchoring your judgement.",
        "Bevor Sie eine Zahl des Modells sehen: Wie wahrscheinlich ist jedes Ereignis Ihrer Meinung nach? So "
        "lenkt das Modell Ihr Urteil nicht.",
    ),
    "alias": ("Your name or an alias", "Ihr Name oder ein Kürzel"),
    "alias_help": (
        "Submitting again under the same name replaces your earlier answer in the results.",
        "Eine neue Abgabe unter demselben Namen ersetzt Ihre frühere in den Ergebnissen.",
    ),
    "gut": ("Your probability (%)", "Ihre Wahrscheinlichkeit (%)"),
    "next": ("Next: the drivers", "Weiter: die Treiber"),
    "need_alias": ("Give a name or an alias.", "Bitte einen Namen oder ein Kürzel angeben."),
    "gut_given": ("your estimates:", "Ihre Einschätzungen:"),
    "change_gut": ("Start again", "Neu beginnen"),
    "step_drivers": ("2. The drivers as you judge them", "2. Die Treiber nach Ihrem Urteil"),
    "step_drivers_help": (
        "Each slider starts where the round's facilitator set it. Move those you judge otherwise.",
        "Jeder Regler steht, wo die Moderation ihn eingestellt hat. Verschieben Sie die, die Sie anders sehen.",
    ),
    "impacts": ("Impact weights (optional)", "Wirkungsgewichte (optional)"),
    "impacts_help": (
        "If you judge an impact stronger or weaker, set its weight and range here, within the range the "
        "scenario allows. Leave a row as it is to keep the scenario's judgement.",
        "Wenn Sie eine Wirkung stärker oder schwächer einschätzen, setzen Sie hier Gewicht und Spanne, innerhalb "
        "der Spanne, die das Szenario erlaubt. Unveränderte Zeilen behalten das Urteil des Szenarios.",
    ),
    "impact": ("Impact", "Wirkung"),
    "allowed": ("Allowed range", "Erlaubte Spanne"),
    "your_low": ("Your low", "Ihr Minimum"),
    "your_weight": ("Your weight", "Ihr Gewicht"),
    "your_high": ("Your high", "Ihr Maximum"),
    "comment": ("Comment (optional)", "Kommentar (optional)"),
    "submit": ("Submit my judgement", "Mein Urteil abgeben"),
    "submitted": (
        "Thank you: your judgement is recorded ({when} UTC).",
        "Danke: Ihr Urteil ist gespeichert ({when} UTC).",
    ),
    "your_model": ("Your settings give:", "Ihre Einstellungen ergeben:"),
    "resubmit": (
        "You may submit again under the same name; your latest answer counts.",
        "Sie können unter demselben Namen erneut abgeben; Ihre letzte Abgabe zählt.",
    ),
    "results_hidden": (
        "The facilitator shows the results when the round is done.",
        "Die Moderation zeigt die Ergebnisse, wenn die Runde abgeschlossen ist.",
    ),
    "previous_title": ("Round {n}: what the group said", "Runde {n}: was die Gruppe sagte"),
    "previous_help": (
        "The group's medians and ranges from the round before, without names. You may revise your judgement "
        "in their light, or keep it.",
        "Mediane und Spannen der Gruppe aus der vorigen Runde, ohne Namen. Sie können Ihr Urteil im Licht "
        "dessen ändern oder beibehalten.",
    ),
    "results_title": ("Results", "Ergebnisse"),
    "count": (
        "{members} members submitted ({rows} submissions, {superseded} of them replaced by a later one).",
        "{members} Mitglieder haben abgegeben ({rows} Abgaben, davon {superseded} durch eine spätere ersetzt).",
    ),
    "none_yet": ("Nobody has submitted yet.", "Bisher hat niemand abgegeben."),
    "pooled_title": ("The team's probabilities", "Die Wahrscheinlichkeiten des Teams"),
    "pooled_help": (
        "Pooled model: one ensemble in which every member's settings get an equal share of the runs "
        "({per} runs each). Beside it, each member's own settings and each member's gut estimate.",
        "Gepooltes Modell: ein Ensemble, in dem die Einstellungen jedes Mitglieds den gleichen Anteil der Läufe "
        "bekommen (je {per} Läufe). Daneben die eigenen Einstellungen und das Bauchgefühl jedes Mitglieds.",
    ),
    "pooled_sentence": (
        "{question} Pooled model {p} (95\u00a0% interval {span}); members' own settings {members_span} (median "
        "{members_median}); gut estimates {gut_span} (median {gut_median}).",
        "{question} Gepooltes Modell {p} (95-%-Intervall {span}); eigene Einstellungen der Mitglieder "
        "{members_span} (Median {members_median}); Bauchgefühl {gut_span} (Median {gut_median}).",
    ),
    "no_gut": ("none given", "keine genannt"),
    "pooled": ("pooled model", "gepooltes Modell"),
    "member_model": ("a member's settings", "Einstellungen eines Mitglieds"),
    "member_gut": ("a member's gut estimate", "Bauchgefühl eines Mitglieds"),
    "gut_median": ("median gut estimate", "Median des Bauchgefühls"),
    "probability_axis": ("probability (%)", "Wahrscheinlichkeit (%)"),
    "split_title": ("Model uncertainty or disagreement?", "Modellunsicherheit oder Uneinigkeit?"),
    "split_help": (
        "The spread of the pooled runs, split exactly in two: the spread within each member's settings "
        "(the model's own uncertainty about impact weights) and the spread between members' settings "
        "(disagreement). Measured on the value that decides each question: its indicator's peak up to its week.",
        "Die Streuung der gepoolten Läufe, exakt zweigeteilt: die Streuung innerhalb der Einstellungen jedes "
        "Mitglieds (die Unsicherheit des Modells über Wirkungsgewichte) und die zwischen den Einstellungen der "
        "Mitglieder (Uneinigkeit). Gemessen an dem Wert, der jede Frage entscheidet: dem Höchststand ihres "
        "Indikators bis zu ihrer Woche.",
    ),
    "within": ("model uncertainty", "Modellunsicherheit"),
    "between": ("disagreement", "Uneinigkeit"),
    "share_axis": ("share of the spread (%)", "Anteil an der Streuung (%)"),
    "split_sentence": (
        "{question} {between} of the spread comes from disagreement between members, {within} from model uncertainty.",
        "{question} {between} der Streuung stammen aus der Uneinigkeit der Mitglieder, {within} aus der "
        "Modellunsicherheit.",
    ),
    "spread_title": ("How the members set the drivers", "Wie die Mitglieder die Treiber setzen"),
    "spread_help": (
        "One dot per member, placed within each slider's range; the diamond marks the article's reported "
        "baseline, the line the round's starting setting.",
        "Ein Punkt je Mitglied, innerhalb der Spanne jedes Reglers; die Raute zeigt die im Artikel berichtete "
        "Ausgangslage, der Strich die Starteinstellung der Runde.",
    ),
    "range_axis": ("position within the slider's range (%)", "Position innerhalb der Reglerspanne (%)"),
    "member": ("member", "Mitglied"),
    "baseline": ("reported baseline", "berichtete Ausgangslage"),
    "start": ("round's starting setting", "Starteinstellung der Runde"),
    "disagree_title": ("Where we disagree", "Wo wir uns uneinig sind"),
    "disagree_help": (
        "Each driver moved from the lowest to the highest value any member gave it, every other driver at the "
        "members' median: how far that moves the probability. The same model runs at every setting, so the "
        "difference is the driver's doing.",
        "Jeder Treiber vom niedrigsten zum höchsten Wert, den ein Mitglied ihm gab, alle anderen am Median der "
        "Mitglieder: wie weit das die Wahrscheinlichkeit bewegt. Jede Einstellung nutzt dieselben Modellläufe, "
        "der Unterschied geht also auf den Treiber zurück.",
    ),
    "raises": (
        "the members' highest value gives the higher probability",
        "der höchste Wert der Mitglieder ergibt die höhere Wahrscheinlichkeit",
    ),
    "lowers": (
        "the members' highest value gives the lower probability",
        "der höchste Wert der Mitglieder ergibt die niedrigere Wahrscheinlichkeit",
    ),
    "disagree_sentence": (
        "{driver}: members set it between {low} and {high}; across that range the probability moves from {at_low} "
        "to {at_high}.",
        "{driver}: die Mitglieder setzen ihn zwischen {low} und {high}; über diese Spanne bewegt sich die "
        "Wahrscheinlichkeit von {at_low} auf {at_high}.",
    ),
    "agree": (
        "The members set every driver alike: no disagreement about the drivers.",
        "Die Mitglieder setzen alle Treiber gleich: keine Uneinigkeit über die Treiber.",
    ),
    "band_title": (
        "{indicator}: pooled band and each member's median",
        "{indicator}: gepooltes Band und Median je Mitglied",
    ),
    "comments": ("Comments", "Kommentare"),
    "submissions": ("All submissions (replaced ones included)", "Alle Abgaben (ersetzte eingeschlossen)"),
    "replaced": ("replaced", "ersetzt"),
    "counts": ("counts", "zählt"),
    "when": ("When (UTC)", "Wann (UTC)"),
    "status": ("Status", "Status"),
    "download": ("Round results (CSV)", "Ergebnisse der Runde (CSV)"),
    "manage": ("Manage the round", "Runde verwalten"),
    "close": ("Close the round", "Runde schließen"),
    "reopen": ("Reopen the round", "Runde wieder öffnen"),
    "results_on": ("Show participants the results", "Teilnehmenden die Ergebnisse zeigen"),
    "results_off": ("Hide the results from participants", "Ergebnisse vor Teilnehmenden verbergen"),
    "state_open": ("Open: takes submissions.", "Offen: nimmt Abgaben an."),
    "state_closed": ("Closed.", "Geschlossen."),
    "state_results": (
        "Participants see the results after submitting.",
        "Teilnehmende sehen nach dem Absenden die Ergebnisse.",
    ),
    "state_no_results": ("Participants do not see the results.", "Teilnehmende sehen die Ergebnisse nicht."),
    "follow_up": ("Open a follow-up round (Delphi)", "Folgerunde eröffnen (Delphi)"),
    "follow_up_help": (
        "The next round shows participants this round's anonymised medians and ranges, so they may revise. "
        "It uses the same questions, settings and facilitator key.",
        "Die nächste Runde zeigt den Teilnehmenden die anonymisierten Mediane und Spannen dieser Runde, damit "
        "sie ihr Urteil überdenken können. Sie nutzt dieselben Fragen, Einstellungen und denselben "
        "Moderationsschlüssel.",
    ),
    "follow_up_title": ("{title} (round {n})", "{title} (Runde {n})"),
    "family": ("Rounds of this series", "Runden dieser Reihe"),
    "delphi_title": (
        "Round {a} against round {b}: did the spread narrow?",
        "Runde {a} gegen Runde {b}: Wurde die Streuung kleiner?",
    ),
    "delphi_sentence": (
        "The spread between members (interquartile range) narrowed on {narrowed} of {items} items.",
        "Die Streuung zwischen den Mitgliedern (Interquartilsabstand) wurde bei {narrowed} von {items} Größen kleiner.",
    ),
    "item": ("Item", "Größe"),
    "median": ("Median", "Median"),
    "middle_half": ("Middle half", "Mittlere Hälfte"),
    "range": ("Lowest – highest", "Niedrigster – höchster Wert"),
    "week": ("week", "Woche"),
    "median_n": ("median, round {n}", "Median, Runde {n}"),
    "iqr_n": ("width of the middle half, round {n}", "Breite der mittleren Hälfte, Runde {n}"),
    "narrowed": ("narrowed", "enger"),
    "yes": ("yes", "ja"),
    "no": ("no", "nein"),
    "gut_item": ("gut: {question}", "Bauchgefühl: {question}"),
    "ledger_title": ("Forecast ledger", "Prognoseregister"),
    "ledger_help": (
        "Freeze a figure to record it with its date, scenario hash and settings; resolve the question once "
        "the world has answered it. Brier score: the mean squared gap between forecast and outcome (0 is "
        "perfect, 0.25 is what always saying 50 % scores).",
        "Frieren Sie eine Zahl ein, um sie mit Datum, Szenario-Hash und Einstellungen festzuhalten; lösen Sie die "
        "Frage auf, sobald die Welt sie beantwortet hat. Brier-Score: mittlere quadrierte Abweichung zwischen "
        "Prognose und Ausgang (0 ist perfekt, 0,25 erreicht, wer immer 50 % sagt).",
    ),
    "freeze": ("Freeze", "Einfrieren"),
    "cards_title": (
        "Freeze these question cards into a round's ledger",
        "Diese Fragekarten ins Register einer Runde einfrieren",
    ),
    "cards_help": (
        "Records each card's probability and interval as they stand, with these settings, the date and the "
        "scenario hash, in the ledger of a round on this scenario. Paste the round's facilitator link (a round "
        "opened here is filled in). Only the round's questions in focus can be frozen.",
        "Hält Wahrscheinlichkeit und Intervall jeder Karte so fest, wie sie jetzt stehen, mit diesen "
        "Einstellungen, dem Datum und dem Szenario-Hash, im Register einer Runde zu diesem Szenario. Fügen Sie den "
        "Moderationslink der Runde ein (eine hier eröffnete Runde ist eingetragen). Nur die Fragen im Fokus der "
        "Runde lassen sich einfrieren.",
    ),
    "cards_link": ("Facilitator link of the round", "Moderationslink der Runde"),
    "cards_bad_link": (
        "This is not a round's facilitator link: it needs both round= and key=.",
        "Das ist kein Moderationslink einer Runde: er braucht round= und key=.",
    ),
    "cards_frozen": ("Frozen into the ledger: {questions}", "Ins Register eingefroren: {questions}"),
    "freeze_what": ("Figure to freeze", "Einzufrierende Zahl"),
    "frozen": ("Frozen: {figure}.", "Eingefroren: {figure}."),
    "source_model": ("model at the round's settings", "Modell bei den Einstellungen der Runde"),
    "source_pooled": ("pooled model", "gepooltes Modell"),
    "source_gut": ("gut estimate of {member}", "Bauchgefühl von {member}"),
    "resolve": ("Resolve a question", "Frage auflösen"),
    "happened": ("It happened", "Es ist eingetreten"),
    "resolved_on": ("Resolved on", "Aufgelöst am"),
    "note": ("Note (what you observed)", "Notiz (was Sie beobachtet haben)"),
    "resolve_button": ("Record the outcome", "Ausgang festhalten"),
    "resolved": ("Recorded: {question} {outcome} ({day}).", "Festgehalten: {question} {outcome} ({day})."),
    "outcome_yes": ("happened", "ist eingetreten"),
    "outcome_no": ("did not happen", "ist nicht eingetreten"),
    "brier": ("Brier score", "Brier-Score"),
    "interval": ("95\u00a0% interval", "95-%-Intervall"),
    "outcome": ("Outcome", "Ausgang"),
    "source": ("Source", "Quelle"),
    "forecasts": ("Forecasts", "Prognosen"),
    "resolved_count": ("Resolved", "Aufgelöst"),
    "all_guts": ("gut estimates, all members", "Bauchgefühl, alle Mitglieder"),
    "reliability_title": (
        "Reliability: did what was forecast at p happen p of the time?",
        "Verlässlichkeit: Trat ein, was mit p vorhergesagt wurde, in p der Fälle ein?",
    ),
    "reliability_wait": (
        "The reliability chart needs at least {n} resolved forecasts ({have} so far).",
        "Das Verlässlichkeitsdiagramm braucht mindestens {n} aufgelöste Prognosen (bisher {have}).",
    ),
    "forecast_axis": ("forecast probability (%)", "vorhergesagte Wahrscheinlichkeit (%)"),
    "observed_axis": ("how often it happened (%)", "wie oft es eintrat (%)"),
    "perfect": ("perfectly reliable", "vollkommen verlässlich"),
    "ledger_empty": ("Nothing frozen yet.", "Noch nichts eingefroren."),
    "ledger_download": ("Ledger (CSV)", "Register (CSV)"),
    "refused": ("Not recorded: {reason}", "Nicht gespeichert: {reason}"),
    "store_down": (
        "The store could not be reached; nothing was lost. Try again in a moment.",
        "Der Speicher war nicht erreichbar; nichts ging verloren. Bitte gleich noch einmal versuchen.",
    ),
    "limit_reached": (
        "This server opens at most {limit} rounds an hour; try again later.",
        "Dieser Server eröffnet höchstens {limit} Runden pro Stunde; bitte später erneut versuchen.",
    ),
}
STRINGS.update({f"round_{key}": {"en": en, "de": de} for key, (en, de) in _ROUND.items()})


# "Under which assumptions?" (ui/discovery.py, present/discovery.py), keyed "discovery_<key>".
_DISCOVERY = {
    # German says the outcome as a noun phrase: a label's grammatical number is unknown, so no verb may agree
    # with it. English can say it as a clause.
    "reaches": (
        "{indicator} reaches “{level}” within {weeks} weeks",
        "Stufe „{level}“ bei {indicator} binnen {weeks} Wochen",
    ),
    "falls_to": (
        "{indicator} falls to “{level}” within {weeks} weeks",
        "Rückgang auf „{level}“ bei {indicator} binnen {weeks} Wochen",
    ),
    "reaches_noun": (
        "{indicator} reaching “{level}” within {weeks} weeks",
        "Stufe „{level}“ bei {indicator} binnen {weeks} Wochen",
    ),
    "falls_to_noun": (
        "{indicator} falling to “{level}” within {weeks} weeks",
        "Rückgang auf „{level}“ bei {indicator} binnen {weeks} Wochen",
    ),
    "stated": ("the box the sentence states", "die Box, die der Satz nennt"),
    "regret": ("Regret, mean / largest", "Bedauern, Mittel / größtes"),
    "even_odds": ("with better than even odds", "mit besseren als gleichen Chancen"),
    "above": ("with a probability above {p}", "mit einer Wahrscheinlichkeit über {p}"),
    "between": ("{driver} is between {low} and {high}", "{driver} zwischen {low} und {high} liegt"),
    "at_least": ("{driver} is at least {low}", "{driver} mindestens {low} beträgt"),
    "at_most": ("{driver} is at most {high}", "{driver} höchstens {high} beträgt"),
    "and": (" and ", " und "),
    "everywhere": ("the drivers are anywhere in the sweep", "die Treiber irgendwo im Suchraum liegen"),
    "sentence": (
        "{outcome} {odds} in {density} of the settings where {conditions}; these settings hold {coverage} of "
        "all such cases.",
        "{outcome}: Das geschieht {odds} in {density} der Einstellungen, in denen {conditions}; diese "
        "Einstellungen umfassen {coverage} aller solchen Fälle.",
    ),
    "coverage_line": (
        "Coverage: of all the settings where it happens, the share inside the box.",
        "Abdeckung: von allen Einstellungen, in denen es eintritt, der Anteil innerhalb der Box.",
    ),
    "density_line": (
        "Density: of the settings inside the box, the share where it happens.",
        "Dichte: von den Einstellungen innerhalb der Box, der Anteil, in dem es eintritt.",
    ),
    "trajectory_title": ("Boxes from wide to narrow: pick one", "Boxen von weit bis eng: eine wählen"),
    "coverage_axis": ("coverage (%)", "Abdeckung (%)"),
    "density_axis": ("density (%)", "Dichte (%)"),
    "restricted": ("drivers<br>restricted", "eingeschränkte<br>Treiber"),
    "hover": (
        "box %{customdata[0]}: coverage %{x:.0f} %, density %{y:.0f} %, %{customdata[1]} drivers restricted",
        "Box %{customdata[0]}: Abdeckung %{x:.0f} %, Dichte %{y:.0f} %, %{customdata[1]} Treiber eingeschränkt",
    ),
    "boxes": ("boxes", "Boxen"),
    "chosen": ("chosen box", "gewählte Box"),
    "driver": ("Driver", "Treiber"),
    "swept": ("Swept over", "Abgesucht über"),
    "box": ("Inside the box", "Innerhalb der Box"),
    "current": ("current settings", "aktuelle Einstellungen"),
    "map_title": ("What if? {question}", "Was wäre, wenn? {question}"),
    "setting": ("Lever setting", "Hebeleinstellung"),
    "share_under": ("States where it stays under the cut-off", "Zustände, in denen es unter der Schwelle bleibt"),
    "mean_p": ("Mean probability", "Mittlere Wahrscheinlichkeit"),
    "mean_regret": ("Mean regret", "Mittleres Bedauern"),
    "max_regret": ("Largest regret", "Größtes Bedauern"),
    "points": ("{mean} / {most} points", "{mean} / {most} Punkte"),
    "robust_sentence": (
        "“{setting}” keeps the chance of {outcome} at or under {cutoff} in {share} of {states} sampled states of "
        "the world, more often than any other setting compared; in its worst state it lies {regret} percentage "
        "points above the best setting there.",
        "„{setting}“ hält die Wahrscheinlichkeit für {outcome} in {share} von {states} gezogenen Weltzuständen bei "
        "höchstens {cutoff}, öfter als jede andere verglichene Einstellung; in ihrem ungünstigsten Zustand liegt "
        "sie {regret} Prozentpunkte über der dort besten Einstellung.",
    ),
    "robust_tie": (
        "{settings} tie: each keeps the chance of {outcome} at or under {cutoff} in {share} of {states} sampled "
        "states of the world, more often than the others, with a largest regret of {regret} percentage points.",
        "{settings} liegen gleichauf: Jede hält die Wahrscheinlichkeit für {outcome} in {share} von {states} "
        "gezogenen Weltzuständen bei höchstens {cutoff}, öfter als die übrigen, mit einem größten Bedauern von "
        "{regret} Prozentpunkten.",
    ),
    "robust_all_tie": (
        "The levers make no difference here: every setting compared keeps the chance of {outcome} at or under "
        "{cutoff} in {share} of {states} sampled states of the world (largest regret {regret} percentage points).",
        "Die Hebel machen hier keinen Unterschied: Jede verglichene Einstellung hält die Wahrscheinlichkeit für "
        "{outcome} in {share} von {states} gezogenen Weltzuständen bei höchstens {cutoff} (größtes Bedauern "
        "{regret} Prozentpunkte).",
    ),
    "tab": ("What if?", "Was wäre, wenn?"),
    "map_header": ("Two drivers at once", "Zwei Treiber zugleich"),
    "map_help": (
        "A question's probability over the whole ranges of two drivers, every other driver at the current "
        "settings. The dashed line is 50 %, the cross the current settings. Every cell uses the same {runs} "
        "model runs (seed {seed}), so the pattern is the drivers' doing.",
        "Die Wahrscheinlichkeit einer Frage über die ganzen Spannen zweier Treiber, alle anderen bei den aktuellen "
        "Einstellungen. Die gestrichelte Linie ist 50 %, das Kreuz die aktuelle Einstellung. Jede Zelle nutzt "
        "dieselben {runs} Modellläufe (Seed {seed}), das Muster geht also auf die Treiber zurück.",
    ),
    "x_driver": ("Across", "Waagerecht"),
    "y_driver": ("Up", "Senkrecht"),
    "question": ("Question", "Frage"),
    "discover_header": ("In which settings of the world?", "In welchen Lagen der Welt?"),
    "discover_help": (
        "Sample the drivers' space (a seeded Latin hypercube or Sobol' design), run the model at every point, "
        "and find the ranges of drivers in which the question's answer is likely: PRIM (Friedman and Fisher "
        "1999), checked against a classification tree.",
        "Den Raum der Treiber abtasten (ein geseedetes Latin-Hypercube- oder Sobol'-Design), das Modell an jedem "
        "Punkt rechnen und die Spannen der Treiber finden, in denen die Antwort auf die Frage wahrscheinlich ist: "
        "PRIM (Friedman und Fisher 1999), geprüft mit einem Klassifikationsbaum.",
    ),
    "drivers": ("Drivers to vary", "Zu variierende Treiber"),
    "points_field": ("Points", "Punkte"),
    "runs_field": ("Runs per point", "Läufe je Punkt"),
    "design": ("Design", "Design"),
    "design_lhs": ("Latin hypercube", "Latin Hypercube"),
    "design_sobol": ("Sobol' sequence", "Sobol'-Folge"),
    "cutoff": ("Cut-off: probability above", "Schwelle: Wahrscheinlichkeit über"),
    "run": ("Run the sweep", "Suchlauf starten"),
    "running": ("Sweeping {points} points × {runs} runs …", "Suchlauf über {points} Punkte × {runs} Läufe …"),
    "swept_caption": (
        "{points} points × {runs} runs (seed {seed}, {design}); {cases} points have the probability above the cut-off.",
        "{points} Punkte × {runs} Läufe (Seed {seed}, {design}); an {cases} Punkten liegt die Wahrscheinlichkeit "
        "über der Schwelle.",
    ),
    "no_cases": (
        "At no point of the sweep is the probability above the cut-off: there is no box to find. Lower the "
        "cut-off or widen the drivers' ranges.",
        "An keinem Punkt des Suchlaufs liegt die Wahrscheinlichkeit über der Schwelle: es gibt keine Box. Senken "
        "Sie die Schwelle oder erweitern Sie die Spannen.",
    ),
    "all_cases": (
        "At every point of the sweep the probability is above the cut-off: it holds whatever the drivers.",
        "An jedem Punkt des Suchlaufs liegt die Wahrscheinlichkeit über der Schwelle: sie gilt, wie auch immer die "
        "Treiber stehen.",
    ),
    "pick": ("Box (0 is the whole sweep)", "Box (0 ist der ganze Suchraum)"),
    "tree": ("Cross-check, classification tree:", "Gegenprobe, Klassifikationsbaum:"),
    "tree_none": (
        "The tree finds no leaf denser than the sweep overall.",
        "Der Baum findet kein Blatt, das dichter ist als der Suchraum insgesamt.",
    ),
    "agree": ("Both methods restrict {drivers}.", "Beide Verfahren schränken {drivers} ein."),
    "differ": (
        "The methods differ: PRIM restricts {prim}, the tree {tree}. Read the box with care.",
        "Die Verfahren weichen ab: PRIM schränkt {prim} ein, der Baum {tree}. Die Box mit Vorsicht lesen.",
    ),
    "nothing": ("no driver", "keinen Treiber"),
    "robust_header": ("Is our choice robust?", "Ist unsere Wahl robust?"),
    "robust_help": (
        "The levers are what the readers' side decides ({levers}); every other driver is an uncertainty. Each "
        "lever setting is run in the same {points} sampled states of the world (the uncertainties anywhere in "
        "their ranges). Regret in a state: how many percentage points the setting's probability lies above the "
        "best setting's in that state.",
        "Die Hebel sind, was die Seite der Lesenden selbst entscheidet ({levers}); jeder andere Treiber ist eine "
        "Unsicherheit. Jede Hebeleinstellung wird in denselben {points} gezogenen Weltzuständen gerechnet (die "
        "Unsicherheiten irgendwo in ihren Spannen). Bedauern in einem Zustand: um wie viele Prozentpunkte die "
        "Wahrscheinlichkeit der Einstellung über der der dort besten liegt.",
    ),
    "no_levers": (
        "This scenario marks no levers (lever: true on a driver), so there is no choice to test.",
        "Dieses Szenario markiert keine Hebel (lever: true an einem Treiber), es gibt also keine Wahl zu prüfen.",
    ),
    "settings_from": ("Settings to compare", "Zu vergleichende Einstellungen"),
    "from_presets": ("the presets' levers", "die Hebel der Voreinstellungen"),
    "from_grid": ("a grid over two levers", "ein Raster über zwei Hebel"),
    "lever_a": ("First lever", "Erster Hebel"),
    "lever_b": ("Second lever", "Zweiter Hebel"),
    "robust_cutoff": ("Keep the probability at or under", "Die Wahrscheinlichkeit halten bei höchstens"),
    "robust_run": ("Compare the settings", "Einstellungen vergleichen"),
    "open_results": ("Open a sweep from the command line", "Einen Suchlauf von der Kommandozeile öffnen"),
    "open_results_help": (
        "Results of `python -m engine sweep ... --out FILE.parquet` placed in the server's sweeps folder "
        "({folder}) are listed here; a file of another scenario or question is refused. Discovery reads at most "
        "{limit} of its points (a seeded sample).",
        "Ergebnisse von `python -m engine sweep ... --out DATEI.parquet`, die im Suchlauf-Ordner des Servers "
        "({folder}) liegen, erscheinen hier; eine Datei eines anderen Szenarios oder einer anderen Frage wird "
        "abgelehnt. Die Entdeckung liest höchstens {limit} ihrer Punkte (eine geseedete Stichprobe).",
    ),
    "results_file": ("Results file", "Ergebnisdatei"),
    "this_sweep": ("this page's sweep", "der Suchlauf dieser Seite"),
    "wrong_file": (
        "{file} is a sweep of {scenario} (sha256 {digest}) on question {question}, not of this scenario and question.",
        "{file} ist ein Suchlauf von {scenario} (sha256 {digest}) zur Frage {question}, nicht von diesem "
        "Szenario und dieser Frage.",
    ),
    "bad_file": ("{file} cannot be read as a sweep: {reason}", "{file} lässt sich nicht als Suchlauf lesen: {reason}"),
}
STRINGS.update({f"discovery_{key}": {"en": en, "de": de} for key, (en, de) in _DISCOVERY.items()})
