"""The patient's facts: what the conversation has established, and how mentions update them."""

from __future__ import annotations

from typing import Any

from .language import Lexicon
from .understand import Mention, Understanding

LEVELS = ("self_care", "consultation", "consultation_24", "emergency", "emergency_ambulance")
"""The care scale of CONTRACT.md, least to most urgent."""
UNSURE = "unsure"
"""The value of a yes/no fact the person wasn't sure about."""
CONTRACT_FACTS = ("regions", "side", "back_pain", "diabetes", "duration_days", "onset")
"""Facts always present in the Assessment JSON (null when unknown)."""

Facts = dict[str, Any]


def resolve(mention: Mention, lexicon: Lexicon) -> tuple[str, Any] | None:
    """The (fact, value) a mention establishes for the patient, or None if it establishes nothing."""
    if mention.experiencer != "patient":
        return None  # "my mum has diabetes" says nothing about the patient
    if lexicon.kind == "flag":
        if mention.polarity == "negated":
            return mention.fact, False
        if mention.polarity == "unsure":
            return mention.fact, UNSURE
        if mention.historical and not lexicon.history_counts:
            return None
        return mention.fact, True
    if lexicon.kind == "choice":
        if mention.polarity == "negated":
            return (mention.fact, lexicon.negated) if lexicon.negated is not None else None
        if mention.polarity == "unsure":
            return None
        if mention.historical and lexicon.historical is not None and mention.value != lexicon.negated:
            return mention.fact, lexicon.historical
        return mention.fact, mention.value
    # list facts: a negated location is recorded as absent ("not in my thigh")
    if mention.polarity == "negated":
        return f"{mention.fact}_absent", mention.value
    if mention.polarity == "unsure" or mention.historical:
        return None
    return mention.fact, mention.value


def apply(facts: Facts, heard: Understanding, lexicons: dict[str, Lexicon], sticky: frozenset[str]) -> list[str]:
    """Merge what was heard into `facts`; returns the facts that changed.

    Within one utterance a yes beats a no ("no numbness... well, a bit numb").
    A `sticky` fact (a red-flag sign) once true stays true: only an explicit correction undoes it.
    """
    changed: list[str] = []
    said: dict[str, Any] = {}
    for mention in heard.mentions:
        resolved = resolve(mention, lexicons[mention.fact])
        if resolved is None:
            continue
        fact, value = resolved
        if fact.endswith("_absent") or lexicons[mention.fact].kind == "list":
            items = facts.setdefault(fact, [])
            if value not in items:
                items.append(value)
                changed.append(fact)
            continue
        if said.get(fact) is True and value is not True:
            continue
        said[fact] = value
    for fact, value in said.items():
        if facts.get(fact) is True and fact in sticky and value is not True:
            continue
        if facts.get(fact) != value:
            facts[fact] = value
            changed.append(fact)
    if heard.duration_days is not None and facts.get("duration_days") != heard.duration_days:
        facts["duration_days"] = heard.duration_days
        changed.append("duration_days")
    if heard.proxy and facts.get("patient") != heard.proxy:
        facts["patient"] = heard.proxy
        changed.append("patient")
    return changed


def side_from_flags(facts: Facts) -> None:
    """'both feet' or 'both legs' answers the side question."""
    if facts.get("side") is None and (facts.get("both_feet") is True or facts.get("both_legs") is True):
        facts["side"] = "both"


def contract_view(facts: Facts, region_order: tuple[str, ...]) -> dict[str, Any]:
    """Facts as the Assessment JSON shows them: contract keys first, then the rest that are known."""
    view: dict[str, Any] = {key: None for key in CONTRACT_FACTS}
    for key, value in facts.items():
        if value is None or key.startswith("_"):
            continue
        if isinstance(value, list):
            value = sorted(value, key=lambda v: region_order.index(v) if v in region_order else len(region_order))
        view[key] = value
    if not view["regions"]:
        view["regions"] = []
    return view
