"""A summary a clinician can read: patient-reported findings, every red-flag answer, the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .assessment import LEVEL_WORDS, Assessment
from .facts import UNSURE, Facts
from .rules import RuleBook


def _answer(value: Any, asked: str | None) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value == UNSURE:
        return "not sure"
    if asked:
        return "unclear"
    return "not asked"


def _words(value: Any) -> str:
    if value is None or value == []:
        return "unknown"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value).replace("_", " ")


def clinician_summary(rules: RuleBook, facts: Facts, asked: dict[str, str], said: list[str],
                      assessment: Assessment, when: dt.datetime | None = None) -> str:
    """Markdown: the complaint, location, side, onset, duration, red flags, history, rules fired."""
    when = when or dt.datetime.now()
    lines = [
        "# Numbness or tingling in the leg or foot: summary for a clinician",
        "",
        f"Patient-reported, collected by voice-triage on {when:%Y-%m-%d %H:%M}. Not a diagnosis.",
    ]
    if facts.get("patient"):
        lines.append(f"Reported on behalf of the patient by their {facts['patient']}.")
    lines += ["", "## Care level", "", f"**{LEVEL_WORDS[assessment.level]}** (`{assessment.level}`). {assessment.level_text}"]
    if assessment.level_reasons:
        lines.append("Reasons: " + "; ".join(assessment.level_reasons) + ".")
    lines += ["", "## Complaint", "", f"> {said[0]}" if said else "> (nothing was said)", "", "## Findings", ""]
    duration = facts.get("duration_days")
    for label, key in (("Location", "regions"), ("Not in", "regions_absent"), ("Sensation", "sensations"),
                       ("Side", "side"), ("Onset", "onset")):
        if key != "regions_absent" or facts.get(key):
            lines.append(f"- {label}: {_words(facts.get(key))}")
    lines.append(f"- Duration: {'unknown' if duration is None else f'about {duration} days'}")
    lines += ["", "## Red-flag questions", "", "| question | answer |", "| --- | --- |"]
    for flag in rules.red_flags:
        for question in flag.questions:
            lines.append(f"| {question.text} | {_answer(facts.get(question.fact), asked.get(question.fact))} |")
    volunteered = sorted(f for f in rules.red_flag_facts if facts.get(f) in (True, False, UNSURE)
                         and not f.startswith("screen_"))
    if volunteered:
        lines.append("")
        lines.append("Also said: " + "; ".join(f"{f.replace('_', ' ')}: {_answer(facts[f], None)}" for f in volunteered))
    lines.append("")
    lines.append("Red flags found: " + (", ".join(assessment.red_flags) or "none"))
    lines += ["", "## History", ""]
    for label, key in (("Back pain", "back_pain"), ("Diabetes", "diabetes"), ("Cancer history", "cancer_history"),
                       ("Hip pain", "hip_pain"), ("Started after pressure (leg-crossing, kneeling, boot)", "compression"),
                       ("Flat feet / overpronation", "flat_feet"), ("Getting worse", "worsening")):
        lines.append(f"- {label}: {_words(facts.get(key))}")
    lines += ["", "## Likely sources (ranked)", ""]
    for source in assessment.sources:
        lines.append(f"- {source.name} (`{source.id}`): for: {'; '.join(source.why) or '-'}; "
                     f"against: {'; '.join(source.against) or '-'}")
    if not assessment.sources:
        lines.append("- none ranked")
    lines += ["", "## Rules that applied", "", ", ".join(f"`{r}`" for r in assessment.rules_fired) or "none",
              "", "## What the person said", ""]
    lines += [f"{n}. {text}" for n, text in enumerate(said, 1)] or ["(nothing)"]
    lines += ["", f"_{rules.disclaimer}_", ""]
    return "\n".join(lines)
