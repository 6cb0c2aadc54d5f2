"""The conversation as a pure state machine: text in, events out, no I/O.

Order: describe -> where (if unknown) -> red-flag questions -> follow-ups that would change
the outcome -> result -> offer a clinician summary. A red flag at any point escalates at once.
"""

from __future__ import annotations

import collections
import copy
from dataclasses import dataclass, field
from typing import ClassVar

from rapidfuzz.distance import OSA

from .assessment import Assessment, spoken_lines
from .brain import Brain
from .events import Ask, End, Event, Result, Say
from .facts import LEVELS, UNSURE, Facts
from .intent import CORE_CONFIDENCE, IntentMatch
from .normalize import tokenize
from .reply import UNCLEAR, Reply
from .rules import Question
from .summary import clinician_summary

MAX_PUTS = 3
"""No question is put more than this many times in all (reprompts, repeats, confirmations)."""
MAX_FOLLOW_UPS = 6
"""Follow-up questions after the red flags: enough to rank, few enough to bear."""
DESCRIBE = Question("description", "Please tell me what you are feeling, and where in your leg or foot.", "free")
SUMMARY_OFFER = Question("summary_offer", "Would you like a summary you can show a doctor?", "yes_no")
DESCRIBE_EXAMPLE = "For example: tingling on the outside of my left leg and the top of my foot."
HELP = ("You can describe your symptoms in your own words, or answer yes, no, or not sure. "
        "You can also say: repeat, go back, I meant no, start over, skip, or stop.")


@dataclass
class _Step:
    """An answered question, kept so that "go back" can undo it."""

    question: Question
    facts: Facts
    asked: dict[str, str]


@dataclass
class Dialogue:
    """One conversation. Feed `hear()` each utterance; `finish()` at end of input."""

    SETTINGS: ClassVar[tuple[str, ...]] = ()
    """Fields that say how to hold the conversation, not what was said: kept when starting over."""
    brain: Brain
    """Understanding and rules."""
    facts: Facts = field(default_factory=dict)
    """What is known so far."""
    asked: dict[str, str] = field(default_factory=dict)
    """Question fact -> the person's answer, in order."""
    said: list[str] = field(default_factory=list)
    """Everything the person said, verbatim."""
    pending: Question | None = None
    """The question awaiting an answer."""
    done: bool = False
    """The conversation has ended."""
    summary_shown: bool = False
    """The clinician summary has been given."""
    last_reading: str = ""
    """How the last utterance was read: a command, yes, no, confirm, unsure, repeat, explain, a choice, unclear."""
    _history: list[_Step] = field(default_factory=list)
    _times_put: int = 0
    _puts_in_all: collections.Counter = field(default_factory=collections.Counter)
    _confirming: bool = False
    _follow_ups: int = 0
    _last_ask: Ask | None = None
    _last_result: tuple | None = None

    # -- public ------------------------------------------------------------------------

    def start(self) -> list[Event]:
        """The opening: disclaimer and the first question."""
        return [Say(self.brain.rules.disclaimer), self._ask(DESCRIBE)]

    def hear(self, text: str, confidence: float | None = None) -> list[Event]:
        """Handle one utterance (a typed line or a recognised phrase). A typed dialogue takes every turn as
        said, so `confidence` is for SpokenDialogue (voice_triage/spoken.py)."""
        if self.done:
            return []
        text = text.strip()
        if text:
            self.said.append(text)
        intent = self.brain.intents.recognize(text) if text else None
        command = intent if intent and intent.whole and intent.name in _COMMANDS else None
        # A steering command said exactly wins; then an answer or a request; a guessed command last.
        if command and command.confidence >= CORE_CONFIDENCE and command.name not in _REQUESTS:
            return self._command(command)
        reply = self.brain.replies.read(text, self._yes_no_words()) if text else UNCLEAR
        if command and (reply is UNCLEAR or (command.name == "Help" and command.confidence == 1.0)) \
                and not (command.confidence < CORE_CONFIDENCE and self._names_symptoms(text)):
            return self._command(command)
        return self._answer(text, reply)

    def _names_symptoms(self, text: str) -> bool:
        """A guessed command inside a turn that names facts is no command: "bad back", "back pain" at the back
        pain question are answers, not "back"."""
        return bool(self.brain.understander.understand(text, proxy=self.facts.get("patient")).mentions)

    def _command(self, intent: IntentMatch) -> list[Event]:
        self.last_reading = intent.name
        return _COMMANDS[intent.name](self, intent)

    def finish(self) -> list[Event]:
        """End of input (EOF, Ctrl-C, stop): give the result so far and end."""
        if self.done:
            return []
        events: list[Event] = []
        if self.said:
            assessment = self.assessment()
            events.append(Result(assessment))
            events += [Say(line) for line in spoken_lines(assessment)]
        self.done = True
        return events + [End()]

    def assessment(self) -> Assessment:
        """The assessment of what is known now."""
        return self.brain.triage.assess(self.facts, frozenset(self.asked))

    def summary(self) -> str:
        """The clinician summary (Markdown)."""
        return clinician_summary(self.brain.rules, self.facts, self.asked, self.said, self.assessment())

    # -- answers -----------------------------------------------------------------------

    def _answer(self, text: str, reply: Reply | None = None) -> list[Event]:
        """An utterance that is not a command: facts it mentions, and its answer to the open question."""
        before = copy.deepcopy(self.facts)
        _, changed = self.brain.read(self.facts, text) if text else (None, [])
        question = self.pending
        if reply is None:
            reply = self.brain.replies.read(text, self._yes_no_words()) if text else UNCLEAR
        self.last_reading = reply.kind
        if question is SUMMARY_OFFER:
            return self._summary_answer(reply, changed)
        if question is None:
            return self._next() if changed else []
        if reply.kind in ("repeat", "explain") and not self._named(question, changed, reply):
            return self._request(question, reply)
        outcome = self._take_answer(question, reply, text, changed)
        if outcome == "confirm":
            self.last_reading = "confirm"
            return self._put_again(question, "Just to be sure: " + (question.plain or question.text))
        if outcome:
            self._history.append(_Step(question, before, dict(self.asked)))
            self.asked.setdefault(question.fact, text or reply.kind)
            return self._next()
        if changed:
            return self._next()  # other facts: re-plan (a red flag may have fired)
        return self._reprompt(question, reply)

    def _choice_named(self, question: Question, text: str) -> list[str]:
        """The choices the answer names; a slip is read toward this question's choices ("lft", "boht")."""
        language = self.brain.understander.language
        choice_words = {w for c in question.choices for w in c.split("_")}
        words = set()
        for word in language.repairer.apply(tokenize(text))[0]:
            near = {c for c in choice_words if len(word) >= 3 and OSA.distance(word, c) <= 1}
            words.add(near.pop() if word not in language.repairer.keep and len(near) == 1 else language.key(word))
        return [c for c in question.choices if set(c.split("_")) <= words]

    @staticmethod
    def _named(question: Question, changed: list[str], reply: Reply | None = None) -> bool:
        """The utterance named the asked fact itself ("what? my left"), or described symptoms around a stray
        "what" when asked for them ("numb outside of my, what, left leg"); a question about a word ("what
        does tingling mean?") describes nothing."""
        return question.fact in changed or (question.fact == "regions" and "regions_absent" in changed) \
            or (question is DESCRIBE and reply is not None and reply.kind == "repeat" and bool(changed))

    def _yes_no_words(self) -> str | None:
        """The open yes/no question's words, as asked and as rephrased: an answer may repeat them."""
        question = self.pending
        if question is None or question.expect != "yes_no":
            return None
        return f"{question.text} {question.plain or ''}"

    def _take_answer(self, question: Question, reply: Reply, text: str, changed: list[str]) -> bool | str:
        """Apply an answer to the pending question: True, False (it didn't answer), or "confirm"."""
        if question is DESCRIBE:
            return bool(changed)
        if self._named(question, changed):
            return True
        if question.expect == "choice" and text:
            named = self._choice_named(question, text)
            if len(named) == 1:
                self.facts[question.fact] = named[0]
                return True
        if reply.kind == "unsure":
            self.facts[question.fact] = UNSURE if question.red_flag else self.facts.get(question.fact)
            return True
        if reply.kind == "no" and reply.hedged:
            policy = self.brain.replies.policy
            rule = policy["hedged_no_on_warning_sign"] if question.red_flag else policy["hedged_no"]
            if rule == "confirm" and not self._confirming and self._times_put < MAX_PUTS:
                return "confirm"
            if rule != "no" and question.red_flag:  # a second hedged no on a warning sign: not sure
                self.facts[question.fact] = UNSURE
                return True
        if reply.kind in ("yes", "no"):
            yes = reply.kind == "yes"
            if question.expect == "yes_no":
                self.facts[question.fact] = yes
                return True
            mapped = question.answers.get("yes" if yes else "no")
            if mapped is not None:
                self.facts[question.fact] = mapped
                return True
        if question.prime and text:  # "only years ago": read the answer as if it named its topic
            probe: Facts = {}
            self.brain.read(probe, f"{question.prime} {text}")
            if probe.get(question.fact) is not None:
                self.facts[question.fact] = probe[question.fact]
                return True
        return False

    # -- flow --------------------------------------------------------------------------

    def _ask(self, question: Question) -> Ask:
        self.pending = question
        self._times_put = 1
        self._puts_in_all[question.fact] += 1
        self._confirming = False
        self._last_ask = self._ask_event(question, question.text)
        return self._last_ask

    @staticmethod
    def _ask_event(question: Question, words: str, expect: str | None = None) -> Ask:
        return Ask(words, expect or question.expect, tuple(c.replace("_", " ") for c in question.choices),
                   question.fact, bool(question.answers))

    def _put_again(self, question: Question, words: str, before: list[Event] | None = None,
                   expect: str | None = None) -> list[Event]:
        """Ask the open question once more (other words allowed); past MAX_PUTS, move on cautiously."""
        if self._times_put >= MAX_PUTS or self._puts_in_all[question.fact] >= MAX_PUTS:
            return self._give_up(question)
        self._times_put += 1
        self._puts_in_all[question.fact] += 1
        self._confirming = words.startswith("Just to be sure")
        ask = self._ask_event(question, words, expect)
        return (before or []) + [ask]

    def _give_up(self, question: Question) -> list[Event]:
        """No clear answer after MAX_PUTS: a warning sign counts as not sure (the cautious level)."""
        if question is SUMMARY_OFFER:
            return self.finish()
        self._unanswered(question)
        return [Say("Let's move on. I'll count that one as not sure." if question.red_flag else "Let's move on.")] \
            + self._next()

    def _unanswered(self, question: Question) -> None:
        self.asked[question.fact] = "(no clear answer)"
        if question.red_flag:
            self.facts[question.fact] = UNSURE  # an unanswered warning sign is not a "no"

    def _request(self, question: Question, reply: Reply) -> list[Event]:
        """ "What?" gets the question again; "what does that mean?" gets its meaning, then plainer words."""
        if reply.kind == "repeat":
            assert self._last_ask is not None
            return self._put_again(question, self._last_ask.text)
        return self._put_again(question, question.plain or question.text, [Say(self._meaning(question))])

    def _meaning(self, question: Question) -> str:
        if question.explain:
            return question.explain
        if question is DESCRIBE:
            return DESCRIBE_EXAMPLE
        if question.expect == "choice":
            return "Please choose one: " + ", ".join(c.replace("_", " ") for c in question.choices) + "."
        return "You can answer yes, no, or not sure."

    def _next(self) -> list[Event]:
        """After new facts: escalate on a red flag, else ask the next question, else conclude."""
        triage = self.brain.triage
        if triage.ends_session(self.facts):
            return self._conclude(final=True)
        fired = triage.red_flags(self.facts)
        events: list[Event] = []
        for question in triage.open_questions(self.facts, frozenset(self.asked)):
            if fired and question.red_flag is None:
                continue  # a red flag has fired: only the other warning signs still matter
            if self._puts_in_all[question.fact] >= MAX_PUTS:  # put in turn with others, never answered
                self._unanswered(question)
                events += [Say("I'll count that one as not sure, to be safe.")] if question.red_flag else []
                continue
            if question.red_flag is None and not question.always_if_unknown:
                if self._follow_ups >= MAX_FOLLOW_UPS:
                    break
                self._follow_ups += 1
            if question.red_flag and not any(self._puts_in_all[q.fact] for q in self.brain.rules.screening):
                return events + [Say("Thank you. First, a few questions about warning signs."), self._ask(question)]
            return events + [self._ask(question)]
        return events + self._conclude(final=False)

    def _conclude(self, final: bool) -> list[Event]:
        assessment = self.assessment()
        self._last_result = assessment.outcome()
        events: list[Event] = [Result(assessment)]
        events += [Say(line) for line in spoken_lines(assessment)]
        if final:
            self.done = True
            return events + [End()]
        return events + [self._ask(SUMMARY_OFFER)]

    def _reprompt(self, question: Question, reply: Reply = UNCLEAR) -> list[Event]:
        """Not understood: the question again in plainer words (the second and third time)."""
        if question is DESCRIBE:
            hint = "I didn't catch any symptoms. " + DESCRIBE_EXAMPLE
        elif reply.conflict:
            hint = "I heard both a yes and a no."
        else:
            hint = {"yes_no": "Please answer yes, no, or not sure.",
                    "choice": "Please choose one: " + ", ".join(c.replace("_", " ") for c in question.choices) + ".",
                    "free": "Could you say that another way?"}[question.expect]
        return self._put_again(question, question.plain or question.text, [Say("Sorry, I didn't understand. " + hint)])

    def _summary_answer(self, reply: Reply, changed: list[str]) -> list[Event]:
        events: list[Event] = []
        if changed:
            assessment = self.assessment()
            if assessment.outcome() != self._last_result:
                return [Say("Thank you, that changes my assessment.")] + self._conclude(
                    final=LEVELS.index(assessment.level) >= LEVELS.index("emergency"))
        if reply.kind not in ("yes", "no"):
            if changed:
                return [Say("Thank you, I've noted that."), self._reask()]
            if reply.kind in ("repeat", "explain"):
                return self._request(SUMMARY_OFFER, reply)
            return self._reprompt(SUMMARY_OFFER, reply)
        if reply.kind == "yes":
            self.summary_shown = True
            events.append(Say(self.summary()))
        self.done = True
        return events + [Say("Take care."), End()]

    def _reask(self) -> Ask:
        assert self._last_ask is not None
        return self._last_ask

    # -- commands ----------------------------------------------------------------------

    def _help(self, _: IntentMatch) -> list[Event]:
        if self.pending is None:
            return [Say(HELP)]
        question = self.pending
        return self._put_again(question, question.plain or question.text, [Say(HELP), Say(self._meaning(question))])

    def _repeat(self, _: IntentMatch) -> list[Event]:
        return self._request(self.pending, Reply("repeat")) if self.pending else []

    def _go_back(self, _: IntentMatch) -> list[Event]:
        if not self._history:
            return [Say("We're at the first question."), self._reask()]
        step = self._history.pop()
        self.facts, self.asked = step.facts, step.asked
        return [Say("Let's go back."), self._ask(step.question)]

    def _correct(self, intent: IntentMatch) -> list[Event]:
        answer = Reply("yes" if intent.name == "CorrectToYes" else "no")
        if not self._history:
            return self._answer("", answer)
        step = self._history.pop()
        self.facts, self.asked = step.facts, step.asked
        self.pending = step.question
        return [Say("Thanks, I've changed that.")] + self._answer("", answer)

    def _start_over(self, _: IntentMatch) -> list[Event]:
        settings = {name: getattr(self, name) for name in self.SETTINGS}
        self.__init__(self.brain, **settings)  # type: ignore[misc]
        return [Say("Starting again.")] + self.start()

    def _stop(self, _: IntentMatch) -> list[Event]:
        return [Say("Stopping here.")] + self.finish()

    def _skip(self, _: IntentMatch) -> list[Event]:
        if self.pending is None or self.pending in (DESCRIBE, SUMMARY_OFFER):
            return self._reprompt(self.pending) if self.pending else []
        question = self.pending
        self._take_answer(question, Reply("unsure"), "", [])
        self._history.append(_Step(question, copy.deepcopy(self.facts), dict(self.asked)))
        self.asked[question.fact] = "(skipped)"
        return self._next()


_REQUESTS = ("Help", "Repeat")
"""Commands that the reply reader also knows, and reads better ("like what?" asks for an explanation)."""
_COMMANDS = {
    "Help": Dialogue._help,
    "Repeat": Dialogue._repeat,
    "GoBack": Dialogue._go_back,
    "CorrectToNo": Dialogue._correct,
    "CorrectToYes": Dialogue._correct,
    "StartOver": Dialogue._start_over,
    "Stop": Dialogue._stop,
    "Next": Dialogue._skip,
}
