"""Understanding plus rules, loaded once and shared by every channel and the one-shot `assess`."""

from __future__ import annotations

import copy

from .assessment import Assessment
from .facts import Facts, apply, side_from_flags
from .intent import IntentRecognizer
from .knowledge import Knowledge
from .reply import ReplyReader
from .normalize import MAX_CHARS
from .triage import Triage
from .understand import Understander, Understanding


class Brain:
    """Reads utterances into facts and assesses them."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.rules = knowledge.rules
        self.lexicons = knowledge.language.lexicons
        self.understander = Understander(knowledge.language)
        self.intents = IntentRecognizer(knowledge.language)
        language = knowledge.language
        assert language.replies is not None
        self.replies = ReplyReader(language.replies, language.repairer.keep)
        regions = self.lexicons["regions"]
        self.triage = Triage(knowledge.rules, tuple(regions.values), regions.names)
        self._sticky = knowledge.rules.red_flag_facts

    def read(self, facts: Facts, text: str) -> tuple[Understanding, list[str]]:
        """Understand `text` and merge it into `facts`; returns what was heard and what changed."""
        heard = self.understander.understand(text, proxy=facts.get("patient"))
        changed = apply(facts, heard, self.lexicons, self._sticky)
        if facts.get("side") is None:
            side_from_flags(facts)
            if facts.get("side") is not None:
                changed.append("side")
        return heard, changed

    def red_flags_from(self, facts: Facts, text: str) -> tuple[list[str], Facts]:
        """The red flags `text` would fire on top of `facts` that had not fired, and the facts it would give
        (`facts` itself is left as it is)."""
        probe = copy.deepcopy(facts)
        self.read(probe, text)
        before = {flag for flag, _, _ in self.triage.red_flags(facts)}
        return [flag for flag, _, _ in self.triage.red_flags(probe) if flag not in before], probe

    def assess_text(self, text: str) -> Assessment:
        """One-shot: a free-text description to an Assessment, with a note on unusable input."""
        facts: Facts = {}
        heard, changed = self.read(facts, text)
        message = None
        if not text.strip():
            message = "No description was given. Describe where you feel the numbness or tingling."
        elif heard.truncated:
            message = f"The description was very long, so only the first {MAX_CHARS} characters were read."
        elif not changed:
            message = ("I couldn't find any symptoms I know about in that description. "
                       "I understand English descriptions of numbness, tingling or pain in the leg and foot.")
        return self.triage.assess(facts, message=message)
