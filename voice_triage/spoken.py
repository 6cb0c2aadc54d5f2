"""The dialogue for speech: what was heard is checked before it is acted on (still pure, no I/O).

Speech recognition makes mistakes that typing doesn't ("a week or so" heard as "i wee course
sole"). So, with the recogniser's confidence for each turn:
- a warning sign heard with low confidence, or in reply to a question about something else, is
  confirmed with that warning sign's own question: never escalated on a mishearing, never dropped;
- a low-confidence turn that would be a valid answer is checked ("Did you say: left?"), and a
  confirmed reading is then used; one that wouldn't be is simply asked again;
- every check counts toward the three times a question may be put;
- an emergency that rests on a fact heard in passing asks that fact's own question first, and so does a care
  level lowered by one (heard_in_passing.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from .dialogue import DESCRIBE, MAX_PUTS, Dialogue
from .events import Ask, Event, Say
from .facts import UNSURE
from .heard_in_passing import CHECK_EARLIER, HeardInPassing, hold_back_signs, reopen_denied_signs
from .reply import UNCLEAR, Reply
from .rules import Question
from .signs_heard import new_red_flag, question_for, sign_heard, sounds_alike, take_all_but_signs

ENDING = ("Stop", "StartOver")
"""Commands that end or restart the session."""
VALID_READINGS = ("yes", "no", "unsure", "confirm", "GoBack", "Stop", "StartOver", "Next", "CorrectToNo",
                  "CorrectToYes")
"""Readings worth a "Did you say ...?" (besides an answer that names new facts)."""


def ends_session(brain, text: str) -> bool:
    """A stop or start over: when spoken, checked first, as ending on a mishearing loses the questions left."""
    intent = brain.intents.recognize(text)
    return bool(intent and intent.whole and intent.name in ENDING)


@dataclass
class SpokenDialogue(Dialogue):
    """A Dialogue fed with recognised speech and its confidence."""

    SETTINGS = ("confirm_below", "sure_of_warning", "can_type")

    confirm_below: float = 0.5
    """Check a turn heard with less confidence than this ("Did you say ...?")."""
    sure_of_warning: float = 0.8
    """A warning sign heard with less confidence than this is confirmed with its own question."""
    can_type: bool = False
    """Whether a line typed at the keyboard is also taken while listening (said when speech fails)."""
    _check: str | None = None
    _sign_question: Question | None = None
    _passing: HeardInPassing = field(default_factory=HeardInPassing)
    _turn: tuple[dict, Question | None, bool] | None = None
    """A spoken turn being taken: the facts before it, the question it answered, whether it was heard surely."""

    def hear(self, text: str, confidence: float | None = None) -> list[Event]:
        """One recognised turn; `confidence` None means typed (taken as it is)."""
        text = text.strip()
        if self.done or confidence is None or not text:
            return self._heard(text, spoken=False)
        if self._check is not None:
            return self._after_check(text, confidence)
        flag, probe, withheld = new_red_flag(self.brain, self.facts, text)
        if flag is not None and self.pending not in (None, DESCRIBE) and not self._asked_about(flag) \
                and not sign_heard(flag, probe):
            # the answer makes a red flag with what was said before ("yes" to back pain, both legs named), and no
            # question of the flag can confirm it (a "no" to the saddle question left the answer to be asked again,
            # and again): the answer itself is read back when unsure, then acted on, as typed
            return self._read_back(text) if confidence < self.sure_of_warning else self._heard(text, confidence)
        if flag is not None and (confidence < self.sure_of_warning or not self._asked_about(flag)):
            return self._confirm_sign(text, flag, probe, withheld)
        if sounds_alike(self.brain, self.pending, text):  # "uh huh" or "uh uh" to a warning sign: which was it?
            if self._confirming:
                self.said.append(text)
                return self._answer(text, Reply("unsure"))
            self.said.append(text)
            self.last_reading = "sound_alike"  # no reading taken: the question is put again
            question = self.pending
            return self._put_again(question, "Just to be sure: " + (question.plain or question.text))
        # "pardon" was heard as "we're done", surely: a stop or start over is read back whatever the confidence
        if self.pending is not None and ends_session(self.brain, text):
            return self._check_session_end(text)
        # a description is not read back: one misheard word in a long turn makes the person say no to it all,
        # and its facts go on to their own questions anyway (its warning signs were checked above)
        if self.pending is not None and confidence < self.confirm_below and self.pending is not DESCRIBE \
                and self._valid(text):
            return self._read_back(text)
        return self._heard(text, confidence)

    def _read_back(self, text: str) -> list[Event]:
        """Reads the turn back ("Did you say: ...?"), counted as a put of the open question."""
        question, self.last_reading = self.pending, "check"
        assert question is not None
        events = self._put_again(question, f"Did you say: {text}?", expect="yes_no")
        # put three times already, it moved on: the next answer is to the next question, not to this check
        self._check = text if self.pending is question else None
        return events

    def _check_session_end(self, text: str) -> list[Event]:
        """Reads a stop or start over back, as a put of the open question: uncounted, "bye" heard for "the right"
        (pink noise, 5 dB) put the side question 6 times, 3 of them "Did you say: bye?". A question put 3 times
        already is left as unanswered, and the check is the next question's first put."""
        question = self.pending
        events = self._read_back(text)
        if self.pending is question or self.pending is None or self.done or not isinstance(events[-1], Ask):
            return events
        return events[:-1] + self._read_back(text)  # in place of the next question, counted as its put

    # -- checks -----------------------------------------------------------------------

    def _heard(self, text: str, confidence: float = 1.0, spoken: bool = True) -> list[Event]:
        """The turn taken as heard; a warning sign it denies in passing with less than `sure_of_warning`
        confidence is still asked (heard_in_passing.reopen_denied_signs)."""
        self._turn = (copy.deepcopy(self.facts), self.pending, confidence >= self.sure_of_warning) if spoken else None
        events = Dialogue.hear(self, text)
        self._note_turn()
        if self._sign_question is not None and self.pending is not self._sign_question:
            self._sign_question = None
        return events

    def _note_turn(self) -> None:
        """Marks what the spoken turn said in passing (a command that undoes or restarts says nothing)."""
        if self._turn is not None and self.last_reading not in ("GoBack", "CorrectToNo", "CorrectToYes"):
            before, question, _ = self._turn
            self._passing.note(before, self.facts, question, self.asked)
        self._turn = None

    def _next(self) -> list[Event]:
        """As in text, but an emergency that rests on a fact heard in passing asks that fact's question first."""
        if self._turn is not None and not self._turn[2]:
            reopen_denied_signs(self.brain.rules, self._turn[0], self.facts, self._turn[1])
        self._note_turn()
        question = self._passing.to_confirm(self.brain.triage, self.facts, self.asked)
        if question is not None:
            return [Say(CHECK_EARLIER), self._ask(question)]
        return super()._next()

    def _conclude(self, final: bool) -> list[Event]:
        """As in text, but a care level lowered by a fact heard in passing asks that fact's question first."""
        question = None if final else self._passing.to_check_level(self.brain.triage, self.facts, self.asked)
        if question is not None:
            return [Say(CHECK_EARLIER), self._ask(question)]
        return super()._conclude(final)

    def finish(self) -> list[Event]:
        self._passing.release(self.facts, self.asked)  # ended while checking: what was heard stands
        return super().finish()

    def _after_check(self, text: str, confidence: float) -> list[Event]:
        """The answer to "Did you say ...?": yes uses the reading, no asks again, anything else is a new turn."""
        heard, self._check = self._check, None
        reply = self.brain.replies.read(text)
        if reply.kind == "yes":
            self.said.append(text)
            return self._heard(heard or "")
        if reply.kind == "no":
            self.said.append(text)
            question = self.pending
            assert question is not None
            return self._put_again(question, "Sorry. " + (question.plain or question.text))
        return self.hear(text, confidence)

    def _valid(self, text: str) -> bool:
        """Whether the turn would answer the open question (tried on a copy of the dialogue)."""
        trial = copy.deepcopy(self, {id(self.brain): self.brain})
        Dialogue.hear(trial, text)
        if trial.last_reading in VALID_READINGS:
            return True
        # a choice or a description answers by its facts; "knelt" is no answer to a yes/no question
        return self.pending is not None and self.pending.expect != "yes_no" and trial.facts != self.facts

    def _asked_about(self, flag) -> bool:
        """The open question is this red flag's own."""
        return self.pending is not None and self.pending.red_flag == flag.id

    def _confirm_sign(self, text: str, flag, probe: dict, withheld: set[str]) -> list[Event]:
        """Keep what else was said, but ask the red flag's own question before acting on it; no clear
        answer to that question counts as not sure."""
        self.said.append(text)
        before = dict(self.facts)
        take_all_but_signs(self.brain, self.facts, probe, withheld)
        hold_back_signs(self.brain.triage, self.facts, before, probe)
        reopen_denied_signs(self.brain.rules, before, self.facts, self.pending)  # a turn checked for one sign
        self._passing.note(before, self.facts, self.pending, self.asked)
        question = question_for(flag, probe)
        if self._puts_in_all[question.fact] >= MAX_PUTS:  # answered, yet heard again and again: not sure
            self.facts[question.fact], self.asked[question.fact] = UNSURE, "(heard again after its answer)"
            return [Say("I keep hearing something about a warning sign, so I'll count it as not sure, to be safe.")] \
                + self._next()
        self._sign_question = question
        self.last_reading = "check_warning_sign"
        return [Say("I may have heard something about a warning sign, so let me check."), self._ask(question)]

    def _reprompt(self, question: Question, reply: Reply = UNCLEAR) -> list[Event]:
        if question is self._sign_question:  # no clear answer to the check: the cautious reading
            self._sign_question = None
            self._unanswered(question)  # a warning sign's question: not sure
            return [Say("I'll count that one as not sure, to be safe.")] + self._next()
        return super()._reprompt(question, reply)

    def _give_up(self, question: Question) -> list[Event]:
        """Put MAX_PUTS times with no clear answer: say that typing works too, then move on cautiously."""
        how = ("type your answer and press Enter" if self.can_type
               else "type your answers: start again with voice-triage --text")
        events = [Say(f"If speaking is hard, you can also {how}.")]
        if question.fact in self._passing.held:  # the cautious reading: what was heard, or nothing
            self._unanswered(question)
            cautious = "I'll go by what I heard earlier" if self._passing.keep_unclear else "I'll count it as not known"
            return events + [Say(cautious + ", to be safe.")] + self._next()
        return events + super()._give_up(question)

