"""How long: "a couple of months", "3 weeks ago", "since Tuesday" -> days."""

from __future__ import annotations

import datetime as dt

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "couple": 2, "few": 3, "several": 4, "half": 0.5, "many": 6,
}
UNIT_DAYS = {
    "hour": 0, "hours": 0, "day": 1, "days": 1, "night": 1, "nights": 1, "week": 7, "weeks": 7,
    "fortnight": 14, "fortnights": 14, "month": 30, "months": 30, "year": 365, "years": 365,
}
# A unit said with no number ("for months") means at least a couple of them.
BARE_UNIT_COUNT = 2
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
FIXED = {
    ("yesterday",): 1, ("last", "night"): 1, ("today",): 0, ("this", "morning"): 0,
    ("this", "afternoon"): 0, ("this", "evening"): 0, ("tonight",): 0, ("just", "now"): 0,
    ("last", "week"): 7, ("last", "month"): 30, ("last", "year"): 365, ("ages",): 90,
    ("a", "long", "time"): 90, ("long", "time"): 90, ("forever",): 365,
}
FILLERS = {"of", "or", "so", "and", "about", "around", "roughly", "maybe", "nearly", "almost", "over", "the", "past", "last"}


def _number(token: str) -> float | None:
    if token.isdigit():
        return float(token)
    return NUMBER_WORDS.get(token)


_FIXED_BY_FIRST: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _phrase, _days in FIXED.items():
    _FIXED_BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _days))
_TRIGGERS = frozenset(_FIXED_BY_FIRST) | frozenset(UNIT_DAYS) | {"since"}


def parse_duration(tokens: list[str], today: dt.date | None = None) -> tuple[int, int] | None:
    """The first duration in the tokens as (days, token index), or None."""
    if _TRIGGERS.isdisjoint(tokens):
        return None
    today = today or dt.date.today()
    for i, token in enumerate(tokens):
        for phrase, days in _FIXED_BY_FIRST.get(token, ()):
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                return days, i
        if token == "since" and i + 1 < len(tokens):
            nxt = tokens[i + 1] if tokens[i + 1] not in ("last", "on") else (tokens[i + 2] if i + 2 < len(tokens) else "")
            if nxt in WEEKDAYS:
                back = (today.weekday() - WEEKDAYS.index(nxt)) % 7 or 7
                return back, i
            if nxt in MONTHS:
                month = MONTHS.index(nxt) + 1
                year = today.year if month <= today.month else today.year - 1
                return max((today - dt.date(year, month, 1)).days, 1), i
        unit = UNIT_DAYS.get(token)
        if unit is None:
            continue
        j = i - 1
        while j >= 0 and tokens[j] in FILLERS:
            j -= 1
        count = _number(tokens[j]) if j >= 0 else None
        if count == 1 and j >= 1 and tokens[j - 1] == "half":  # "half a year"
            count = 0.5
        if count is None:
            if token.endswith("s"):  # "for days": a couple at least
                count = BARE_UNIT_COUNT
            elif i == 0 or tokens[i - 1] in ("for", "about", "around", "nearly", "almost", "over"):
                count = 1  # "about month", "week": a short answer whose "a" was not heard
            else:
                continue  # "every day" is not a duration
        days = count * unit
        if tokens[i + 1:i + 4] in (["and", "a", "half"], ["and", "an", "half"]):
            days += unit / 2
        return int(round(days)), i
    return None


def duration_words() -> set[str]:
    """Words the duration parser reads; fuzzy repair must leave them alone ("three" is not "there")."""
    words = set(NUMBER_WORDS) | set(UNIT_DAYS) | set(WEEKDAYS) | set(MONTHS) | FILLERS | {"since", "ago", "for"}
    return words | {w for phrase in FIXED for w in phrase}
