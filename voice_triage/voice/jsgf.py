"""A recognition context as a JSGF grammar, for PocketSphinx (Vosk takes the context's words as a list)."""

from __future__ import annotations

from ..duration import NUMBER_WORDS, UNIT_DAYS
from .context import PLACE_LEADS, Context

NUMBERS = sorted(set(NUMBER_WORDS) - {"a", "an", "half"})
ONE = ("a", "an", "one", "half a", "half an")
"""Counts taken with a singular unit ("a week", "one month"): any other count takes a plural ("two weeks"),
so "thirty year" or "ten week" is not a reading the grammar can force."""


def jsgf(context: Context, words: set[str]) -> str:
    """The context as a JSGF grammar, keeping only what the engine's dictionary has."""
    def known(items) -> list[str]:
        return [i for i in items if i and all(w in words for w in i.split())]

    lines = ["#JSGF V1.0;", f"grammar {context.name};"]
    alternatives = [f"( {p} )" for p in known(context.phrases)]
    if context.durations:
        units = sorted(UNIT_DAYS)
        many = [n for n in NUMBERS if NUMBER_WORDS[n] != 1] + ["a couple of", "a few"]
        lines += [f"<one> = ( {' | '.join(known(ONE))} );", f"<many> = ( {' | '.join(known(many))} );",
                  f"<unit> = ( {' | '.join(known(u for u in units if not u.endswith('s')))} );",
                  f"<units> = ( {' | '.join(known(u for u in units if u.endswith('s')))} );",
                  "<duration> = [ " + " | ".join(known(["about", "around", "for", "nearly", "almost", "over"]))
                  + " ] ( <one> <unit> | [ <many> ] <units> ) [ " + " | ".join(known(["or so", "ago"])) + " ];"]
        alternatives.append("<duration>")
    if context.places:
        lines += [f"<lead> = ( {' | '.join(known(PLACE_LEADS))} );",
                  f"<place> = ( {' | '.join(known(context.places))} );"]
        alternatives.append("<lead> <place>")
    lines.append("public <answer> = " + " | ".join(alternatives) + ";")
    return "\n".join(lines) + "\n"
