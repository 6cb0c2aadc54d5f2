"""What to listen for: a recognition context for each kind of question, built from intents/.

A question shapes its likely answers: yes/no forms, the choices offered, a duration. The engine
decodes a turn twice, with the context's small grammar and with the open domain model; `choose`
keeps the context's reading unless it heard nothing or the open model heard a warning sign that
the context did not (the spoken dialogue then confirms it with that sign's own question).
Grammars stay small: PocketSphinx decodes a JSGF of ~200 phrases at a few percent of real time,
and one of ~1,000 at 1-2 times real time (measured here).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..dialogue import Ask
from ..duration import NUMBER_WORDS, UNIT_DAYS, parse_duration
from ..spoken import ENDING
from .asr import Transcript

ANSWER_GROUPS = ("yes", "hedged_yes", "degree", "partial", "opening_yes", "opening_no", "likely", "no", "hedged_no", "unsure")
"""Reply groups of intents/answers.yaml that answer a question."""
SOUNDS_LIKE_AN_ANSWER = frozenset({"what", "which", "huh", "eh", "again", "undo"})
"""First words of requests PocketSphinx hears for "left", "one", "both": such requests are left out of
the grammars of choices and durations (the open model still hears them)."""
TYPED_ONLY = frozenset("dont thats im ive cant couldnt didnt wouldnt wont isnt doesnt havent hasnt idk dno id "
                       "ya yah yeh yea yas nup nop nopes naw".split())
ECHO_VERBS = ("do", "have", "did", "am", "don't", "haven't", "didn't")
SAID_ECHOES = {"i": ("do", "did", "have", "am", "don't", "didn't", "haven't"),
               "it": ("does", "did", "is", "has", "doesn't", "didn't", "isn't", "hasn't")}
"""Echoes said alone ("I do", "it isn't"), with the subject and verb agreeing: the grammar holds what people say."""
CHOICE_CARRIERS = ("{c}", "the {c}", "the {c} one", "{c} one", "{c} leg", "{c} foot", "{c} side", "my {c} leg",
                   "my {c} foot", "just the {c}", "only the {c}")
"""How one of several choices is said: "the left one", "left leg"."""
BOTH_CARRIERS = ("{c}", "{c} of them", "{c} legs", "{c} feet", "{c} sides", "{c} my legs", "{c} my feet")
"""How a choice of more than one is said: "both of them", "both feet" (never "both leg")."""
PLURAL_CHOICES = frozenset({"both", "all", "neither"})
NUMBERS = sorted(set(NUMBER_WORDS) - {"a", "an", "half"})
ONE = ("a", "an", "one", "half a", "half an")
"""Counts taken with a singular unit ("a week", "one month"): any other count takes a plural ("two weeks"),
so "thirty year" or "ten week" is not a reading the grammar can force."""
SAID_ALIKE = {"four": "for", "two": "to", "too": "to", "one": "won", "eight": "ate"}
"""Words pronounced the same: readings that differ only by these agree on what was heard ("four days" openly,
"for days" in the grammar), and the open model's, which saw the whole turn, is kept."""
IN_CONTEXT_CONFIDENCE = 0.6
"""The confidence given to a reading only the question's grammar made: a grammar search has no useful
word posteriors (they come out near 0), and its in-context readings were right 27 of 28 times here.
Above the "Did you say" level, below the level at which a warning sign is taken without its own question."""
OPEN_ANSWER_CONFIDENCE = 0.5
"""An open reading this sure that answers the question is kept over the grammar's: the grammar holds
only short forms, and forces longer ones into them ("i think so" -> "i think not")."""
DISAGREE_CONFIDENCE = 0.4
"""The confidence of a grammar reading that shares no word with the open one: below the "Did you say" level."""


@dataclass(frozen=True)
class Context:
    """The phrases one kind of question expects."""

    name: str
    """A stable name, e.g. `yes_no` or `choice_left_right_both` (engines cache their grammars by it)."""
    phrases: tuple[str, ...] = ()
    """Whole answers, lower case."""
    durations: bool = False
    """Also any duration: "two days", "a week or so", "about three weeks", "for months"."""
    checked: tuple[str, ...] = ()
    """Phrases of the grammar whose reading is checked unless the open model heard them too (stop, start over)."""

    @property
    def expected(self) -> frozenset[str]:
        """Every answer the question expects."""
        return frozenset(self.phrases)

    def holds(self, text: str) -> bool:
        """A whole answer of this context. A grammar search that ran out of audio before the end of a
        phrase reports the path so far ("you" of "you bet"): that is no reading."""
        return text in self.expected or (self.durations and parse_duration(text.split()) is not None)


def context_for(ask: Ask, language) -> Context | None:
    """The context of a question; None for a free description (the open model alone)."""
    replies = language.replies.phrases
    # every answer form of up to three words (of "not sure", only those that start with "I"), yes and no
    # alike: a grammar with "i think not" but not "i think so" would pull a yes toward a no, and one
    # without "not at all" pulls it to "a little"
    answers = tuple(" ".join(w) for w, group in replies.items()
                    if group in ANSWER_GROUPS and (len(w) <= 2 or (len(w) == 3 and (group != "unsure" or w[0] in ("i", "i'm")))))
    answers += tuple(f"{subject} {verb}" for subject, verbs in SAID_ECHOES.items() for verb in verbs
                     if replies.get((subject, verb)) in ("echo_yes", "echo_no"))
    # "yes I do", "no I haven't", "no never", "no not really"
    echoes = tuple(f"{lead} {' '.join(w)}" for lead, echo in (("yes", "echo_yes"), ("no", "echo_no"))
                   for w, group in replies.items()
                   if group == echo and len(w) == 2 and w[0] == "i" and w[1] in ECHO_VERBS)
    echoes += tuple(f"no {' '.join(w)}" for w, group in replies.items()
                    if (group == "no" and w[0] != "no" and len(w) <= 2) or (group == "hedged_no" and w[0] == "not"
                                                                          and len(w) <= 2))
    commands = tuple(s for name, s in language.sentences if len(s.split()) <= 3)
    # stop and start over are in the grammar, so they are heard, but a grammar reading of them the open model
    # did not make too is checked ("Did you say: stop?"), never acted on from noise
    final = tuple(s for name, s in language.sentences if name in ENDING and len(s.split()) <= 3)
    requests = tuple(" ".join(w) for w, group in replies.items() if group in ("repeat", "explain") and len(w) <= 4)
    # "sorry, what?", "sorry, say that again": an apology before a short request (the reader takes these too)
    requests += tuple(f"sorry {r}" for r in requests if len(r.split()) <= 2 and r.split()[0] not in ("sorry", "pardon"))
    # where a word is the answer, no request or command that starts like "what" (heard for "left")
    spelled_out = tuple(r for r in requests + commands if r.split()[0] not in SOUNDS_LIKE_AN_ANSWER)
    if ask.expect == "yes_no":
        return Context("yes_no", _unique(answers + echoes + requests + commands), checked=final)
    if ask.expect == "choice":
        choices = [c.replace("_", " ") for c in ask.choices]
        said = tuple(carrier.format(c=c) for c in choices
                     for carrier in (BOTH_CARRIERS if c in PLURAL_CHOICES else CHOICE_CARRIERS))
        unsure = tuple(a for a in answers if replies.get(tuple(a.split())) == "unsure")
        return Context("choice_" + "_".join(c.replace(" ", "_") for c in choices),
                       _unique(said + unsure + spelled_out), checked=final)
    if "how long" in ask.text.lower():
        unsure = tuple(" ".join(w) for w, group in replies.items() if group == "unsure" and len(w) <= 3)
        return Context("duration", _unique(unsure + spelled_out), durations=True, checked=final)
    return None


def _unique(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Each phrase once; typed-only spellings ("dont", "idk") are not said, so not listened for."""
    return tuple(dict.fromkeys(p for p in phrases if p and TYPED_ONLY.isdisjoint(p.split())))


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
    lines.append("public <answer> = " + " | ".join(alternatives) + ";")
    return "\n".join(lines) + "\n"


def choose(in_context: Transcript | None, heard: Transcript, context: Context,
           matters: Callable[[str, str], bool], answers: Callable[[str], bool] | None = None) -> Transcript:
    """The open reading when the question's grammar heard nothing, when the open model itself landed on an
    answer of the `context` or, with some confidence, on another reading that `answers` the question ("i think
    so", "i do"), or when it heard something that `matters` (a warning sign) the grammar did not; else the
    grammar's reading."""
    if in_context is None or not context.holds(in_context.text):
        return heard
    if heard.text in context.expected:  # the open model landed on an answer itself; the grammar agreeing makes it surer
        agreed = heard.text == in_context.text
        return replace(heard, confidence=max(heard.confidence, IN_CONTEXT_CONFIDENCE if agreed else 0.0))
    if in_context.text in context.checked:
        return _with_confidence(in_context, DISAGREE_CONFIDENCE)
    if heard.text and _sound(heard.text) == _sound(in_context.text):
        return replace(heard, confidence=max(heard.confidence, IN_CONTEXT_CONFIDENCE))
    if heard.text and matters(heard.text, in_context.text):
        return heard
    if heard.text and heard.confidence >= OPEN_ANSWER_CONFIDENCE and answers is not None and answers(heard.text):
        if heard.text == in_context.text or not answers(in_context.text):
            return heard
        # both answer, differently ("absolutely all" and "absolutely not"): checked, never picked
        return _with_confidence(in_context, DISAGREE_CONFIDENCE)
    # the two readings share no word ("stop" heard as "doc" openly and "nah" in the grammar), or the open
    # model heard nothing: the grammar may have forced noise into an answer, so the dialogue checks it
    # ("Did you say: nah?")
    shared = set(heard.text.split()) & set(in_context.text.split())
    return _with_confidence(in_context, IN_CONTEXT_CONFIDENCE if shared else DISAGREE_CONFIDENCE)


def _sound(text: str) -> list[str]:
    return [SAID_ALIKE.get(word, word) for word in text.split()]


def _with_confidence(transcript: Transcript, confidence: float) -> Transcript:
    return Transcript(transcript.text, confidence, tuple((w, confidence) for w, _ in transcript.words))
