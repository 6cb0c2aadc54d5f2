"""A warning sign heard in a spoken turn: which red flag it would fire, and which of its questions checks it.

spoken.py confirms such a sign with the red flag's own question before acting on it ("Did you say you've had
trouble with your bladder?" in plainer words); these are the pure parts of that. No I/O.
"""

from __future__ import annotations

from .facts import Facts
from .reply import reply_tokens
from .rules import Question, facts_in


def new_red_flag(brain, facts: Facts, text: str):
    """The first red flag the turn would fire that had not fired, the facts it would give, and the signs of every red
    flag it would fire (withheld until confirmed)."""
    fired, probe = brain.red_flags_from(facts, text)
    flags = [f for f in brain.rules.red_flags if f.id in fired]
    withheld = {fact for f in flags for fact in facts_in(f.fires_when)}
    return (flags[0] if flags else None), probe, withheld


def signs_named(flag, probe: dict) -> set[str]:
    """The red flag's signs the turn says are present."""
    return {fact for fact in facts_in(flag.fires_when) if probe.get(fact) is True}


def sign_heard(flag, probe: dict) -> bool:
    """The turn names a sign that one of the red flag's own questions asks about (not only facts that make it
    together, like back pain now with both legs)."""
    heard = signs_named(flag, probe)
    return any(heard & ({q.fact} | set(q.covers)) for q in flag.questions)


def question_for(flag, probe: dict) -> Question:
    """The red flag's question about the sign the turn named, or its first."""
    heard = signs_named(flag, probe)
    return next((q for q in flag.questions if heard & set(q.covers)), flag.questions[0])


def take_all_but_signs(brain, facts: Facts, probe: dict, withheld: set[str]) -> None:
    """Takes what else the turn said into `facts`, but no warning sign it names ("mumbled ... bowel": stroke is
    checked, and the bladder not taken)."""
    for fact, value in probe.items():
        if fact not in withheld or fact not in brain.rules.red_flag_facts or value is not True:
            facts[fact] = value


def sounds_alike(brain, question: Question | None, text: str) -> bool:
    """A warning sign's question answered only with a yes or no that sounds like its opposite aloud ("uh huh", "uh
    uh")."""
    return bool(question is not None and question.red_flag
                and tuple(reply_tokens(text)) in brain.knowledge.language.replies.sound_alike)
