"""What the dialogue gives its channels: things to say, a question to ask, an assessment, the end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from .assessment import Assessment


@dataclass(frozen=True)
class Say:
    """The assistant speaks and expects no answer."""

    text: str
    """What it says."""


@dataclass(frozen=True)
class Ask:
    """The assistant asks a question and waits for one answer."""

    text: str
    """The question."""
    expect: str
    """`yes_no`, `free` or `choice`."""
    choices: tuple[str, ...] = ()
    """For `choice`: the options, as words."""
    fact: str = ""
    """The fact the answer sets (listening uses the ways its lexicon says it: "gradually", "bad back")."""
    yes_no_too: bool = False
    """A plain yes or no also answers this choice ("Do you have back pain now, or ...?")."""


@dataclass(frozen=True)
class Result:
    """An assessment was reached (again, if it changed)."""

    assessment: Assessment
    """The assessment."""


@dataclass(frozen=True)
class End:
    """The conversation is over."""


Event = Union[Say, Ask, Result, End]
