"""The Assessment (CONTRACT.md) and how it reads aloud or on screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEVEL_WORDS = {
    "emergency_ambulance": "Emergency: call an ambulance now",
    "emergency": "Emergency: go to an emergency department now",
    "consultation_24": "Urgent: speak to a doctor today",
    "consultation": "See a doctor or physiotherapist soon",
    "self_care": "Self-care at home",
}


@dataclass
class SourceFinding:
    """One likely source, with the person's own evidence for and against."""

    id: str
    """Contract source id."""
    name: str
    """Plain-words name."""
    why: list[str]
    """Reasons for, from what the person said."""
    against: list[str]
    """Reasons against."""
    score: int = 0
    """Sum of evidence weights (for ranking; not shown to the person)."""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "why": self.why, "against": self.against}


@dataclass
class Assessment:
    """The outcome of triage, in the schema of CONTRACT.md."""

    level: str
    """The care level id."""
    red_flags: list[str]
    """Red-flag ids that fired."""
    sources: list[SourceFinding]
    """Likely sources, most likely first."""
    facts: dict[str, Any]
    """What was understood about the patient."""
    advice: list[str]
    """Plain-language steps."""
    questions: list[str]
    """What would still be asked to be surer."""
    level_text: str = ""
    """What the person is told to do at this level."""
    level_reasons: list[str] = field(default_factory=list)
    """Why this level."""
    rules_fired: list[str] = field(default_factory=list)
    """Ids of every rule that applied, with its source."""
    safety_net: str = ""
    """When to get help at once."""
    disclaimer: str = ""
    """Not a diagnosis."""
    message: str | None = None
    """A note about the input itself (empty, cut short, not understood)."""
    transcript: str | None = None
    """Only for `assess --audio`: what was heard."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "level": self.level,
            "red_flags": self.red_flags,
            "sources": [s.to_dict() for s in self.sources],
            "facts": self.facts,
            "advice": self.advice,
            "questions": self.questions,
            "level_text": self.level_text,
            "level_reasons": self.level_reasons,
            "rules_fired": self.rules_fired,
            "safety_net": self.safety_net,
            "disclaimer": self.disclaimer,
        }
        if self.message:
            out["message"] = self.message
        if self.transcript is not None:
            out["transcript"] = self.transcript
        return out

    def outcome(self) -> tuple[str, tuple[str, ...]]:
        """What the person would be told: the level and the top two sources."""
        return self.level, tuple(s.id for s in self.sources[:2])


def spoken_lines(assessment: Assessment) -> list[str]:
    """The assessment as short lines, care level first, for speech or a screen reader."""
    urgent = assessment.level in ("emergency", "emergency_ambulance")
    lines = [f"How urgent: {assessment.level_text}"]
    if assessment.red_flags:
        lines.append("This is because of a warning sign: " + "; ".join(assessment.level_reasons or []) + ".")
    elif assessment.level_reasons:
        lines.append("Why: " + "; ".join(assessment.level_reasons) + ".")
    if urgent:
        return lines + ["Please don't wait to see if it settles.", assessment.disclaimer]
    if assessment.sources:
        lines.append("From what you told me, the most likely sources are these. This is not a diagnosis.")
        for rank, source in enumerate(assessment.sources[:3], 1):
            line = f"{rank}. {source.name}: " + "; ".join(source.why)
            if source.against:
                line += ". Against it: " + "; ".join(source.against)
            lines.append(line + ".")
    elif not assessment.red_flags:
        lines.append("I can't point to a likely source from what you told me.")
    if assessment.advice:
        lines.append("What to do now:")
        lines.extend(assessment.advice)
    lines += [assessment.safety_net, assessment.disclaimer]
    return [line for line in lines if line]
