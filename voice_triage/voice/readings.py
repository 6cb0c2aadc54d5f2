"""Two readings of one turn, the question's grammar's and the open model's: which one the dialogue gets.

The grammar hears short answers well but forces anything else into one of its phrases; the open model
hears anything, less well. Where they disagree the reading goes to the dialogue with a confidence below
its "Did you say ...?" level, and a warning sign only the open model heard is never dropped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..reply import ANSWER_KINDS
from .asr import Transcript
from .context import COMMAND_WORDS, Context

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
SURE_SENTENCE_CONFIDENCE = 0.8
"""An open reading of a sentence (longer than any command) this sure, that answers nothing, is no command and shares no
word with the grammar's, goes on over what the grammar made of it ("it's worse at night" at 1.00, "next question"
in the grammar): its facts are taken. As sure as a warning sign heard in speech is taken (spoken.sure_of_warning)."""
FAINT_AGREEMENT = 0.2
"""Below this the open model's reading is no support for the same words in the grammar: both decoders share one
acoustic model, so a sound forced into one phrase by the grammar can come out as that phrase openly too, barely ("nah
mate" at 10 dB: "always" in both, 0.19 openly, was taken as a yes). Such an answer to a warning sign is checked. The
typed set's dev replies said, their decodes read both ways: flips at 10 dB 2 -> 1, understood the same (clean 637,
10 dB 609 of 759), 9 and 13 more read back. Tried on every agreement before it was narrowed to this: 0.1 kept the
flip, 0.3 read back 9 and 7 more than 0.2 for nothing."""
DISAGREE_CONFIDENCE = 0.4
"""The confidence of a grammar reading that shares no word with the open one: below the "Did you say" level."""


def choose(in_context: Transcript | None, heard: Transcript, context: Context,
           matters: Callable[[str, str], bool], answers: Callable[[str], str | None] | None = None,
           command: Callable[[str], str | None] | None = None) -> Transcript:
    """The reading the dialogue gets (`_choose`), checked if it is a yes that one lost "not" would make a no."""
    reading = _choose(in_context, heard, context, matters, answers, command)
    if answers is not None and context.signs and reading.confidence > DISAGREE_CONFIDENCE \
            and _kind(answers(reading.text)) == "yes" \
            and any(context.holds(no) and _kind(answers(no)) == "no" for no in _with_not(reading.text)):
        # over pink noise at 10 dB the soft "not" of "probably not" went under or was heard as "so", in both
        # readings ("probably" 0.98 openly; "probably so"), and was taken as a yes (dev short answers: 2 flips).
        # "Did you say: probably so?" costs a question
        return _with_confidence(reading, DISAGREE_CONFIDENCE)
    return reading


def _with_not(text: str) -> tuple[str, ...]:
    """The answer with "not" after it, or for its last word: "probably not", "i think not"."""
    words = text.split()
    return (f"{text} not",) + ((" ".join(words[:-1] + ["not"]),) if len(words) > 1 else ())


def _kind(answer: str | None) -> str | None:
    """What `answers` gave without its ", hedged": "yes", "no", "unsure", a choice or a place."""
    return answer.partition(",")[0] if answer else None


def _choose(in_context: Transcript | None, heard: Transcript, context: Context,
            matters: Callable[[str, str], bool], answers: Callable[[str], str | None] | None,
            command: Callable[[str], str | None] | None) -> Transcript:
    """The open reading when the question's grammar heard nothing, when the open model landed on a whole
    answer of the `context` (one too long for the grammar included), or, with some confidence, on another
    reading that `answers` the question ("i think so"; at "Where exactly?", any that names places), or when it
    heard something that `matters` (a warning sign) the grammar did not; else the grammar's reading, checked
    where the two disagree. A `command` ("GoBack", "Stop") heard clearly openly, and not by the grammar, is checked."""
    answer = answers or (lambda _: None)
    commanded = command or (lambda _: None)
    if in_context is None or not context.holds(in_context.text):
        if in_context is not None and heard.text and matters(heard.text, in_context.text):
            # a warning sign the grammar heard no answer in is confirmed by its own question, however sure the open
            # model was: over pink noise at 10 dB, "no" was "fell off" at 0.94 and 0.82 openly, with nothing whole
            # in the grammar, and the second, the answer to the fall question itself, was taken (dev sessions)
            return _with_confidence(heard, min(heard.confidence, IN_CONTEXT_CONFIDENCE))
        return heard
    if heard.text in context.beyond:  # a whole answer the grammar cannot hold, so its reading is forced
        return heard
    theirs, mine = answer(in_context.text), answer(heard.text) if heard.text else None
    if heard.text in context.expected:  # the open model landed on an answer itself
        if heard.text == in_context.text or _sound(heard.text) == _sound(in_context.text) \
                or (mine is not None and mine == theirs):  # both heard the same answer ("no", "nope"): surer
            if context.signs and heard.text == in_context.text and heard.confidence < FAINT_AGREEMENT:
                return _with_confidence(heard, DISAGREE_CONFIDENCE)  # one phrase, barely heard openly: checked
            return replace(heard, confidence=max(heard.confidence, IN_CONTEXT_CONFIDENCE))
        if theirs is not None:
            # two different answers ("probably so" openly, "probably not" in the grammar): the likelier is
            # checked, neither is taken. Where the grammar's goes on from the open one ("absolutely" openly,
            # "absolutely not"), the open model lost a soft last word in noise, so the grammar's is the likelier
            likelier = heard if heard.confidence >= OPEN_ANSWER_CONFIDENCE \
                and not in_context.text.startswith(heard.text + " ") else in_context
            return _with_confidence(likelier, DISAGREE_CONFIDENCE)
        if mine is not None and context.signs:
            # an answer openly, a request or another sound in the grammar ("i am" and "undo" for "never"): the
            # grammar, which hears short answers well, heard none, so a warning sign's answer is read back
            return _with_confidence(heard, DISAGREE_CONFIDENCE)
        spoken, forced = commanded(heard.text), commanded(in_context.text)
        if spoken and forced and spoken != forced:
            # two different commands ("back" openly, "goodbye" in the grammar, which holds every short one whole):
            # the grammar's is read back, neither is acted on
            return _with_confidence(in_context, DISAGREE_CONFIDENCE)
        return heard
    # a command too long for the grammar, heard clearly openly; not a short one ("what leg" is "left leg" misheard)
    said = commanded(heard.text) if len(heard.text.split()) > COMMAND_WORDS \
        and heard.confidence >= OPEN_ANSWER_CONFIDENCE else None
    shared = (set(heard.text.split()) & set(in_context.text.split())) - context.plain_words
    if not shared and mine is None and said is None and _a_sure_sentence(heard):
        # the grammar, which holds no sentences, forced one into a phrase of its own ("next question"): the
        # dialogue takes what the sentence names and puts the question again
        return heard
    if in_context.text in context.checked:
        # a command only the grammar heard may be forced noise; a clear answer or command openly ("there isn't"
        # for "we're done") is the likelier reading to check
        likelier = heard if (mine is not None and heard.confidence >= OPEN_ANSWER_CONFIDENCE) or said else in_context
        return _with_confidence(likelier, DISAGREE_CONFIDENCE)
    if heard.text and _sound(heard.text) == _sound(in_context.text):
        return replace(heard, confidence=max(heard.confidence, IN_CONTEXT_CONFIDENCE))
    if heard.text and matters(heard.text, in_context.text):
        overlap = shared and len(heard.text) <= len(in_context.text) + 2
        unsure_sign = (not context.signs and heard.confidence < OPEN_ANSWER_CONFIDENCE
                       and len(heard.text.split()) <= len(in_context.text.split()))  # never a description cut down
        if theirs is not None and (overlap or unsure_sign):
            # one short answer heard two ways that overlap ("left leg" in the grammar, "limp leg" openly), or a
            # side or duration in the grammar and an unsure sign openly ("my left foot", "fall" at 0.05): both
            # go on, so the answer is taken and the warning sign is still confirmed by its own question
            return Transcript(f"{in_context.text}, {heard.text}", heard.confidence, in_context.words + heard.words)
        if context.signs and not shared:
            # the grammar heard something else entirely: the sign goes on, to be confirmed by its own question, but is
            # never taken on readings that conflict. Over pink noise at 5 dB, "no" to "Did this start after a fall?"
            # was "fell" at 1.00 openly and "what" in the grammar; taken, it ended the session before the stroke
            # question (dev sessions)
            return _with_confidence(heard, min(heard.confidence, DISAGREE_CONFIDENCE))
        return heard
    first, _, rest = heard.text.partition(" ")
    if rest in context.expected and not set(rest.split()) & set(in_context.text.split()) and not context.holds(first):
        # a sound before the answer taken for a word ("thigh yep"), and the grammar forced the whole into another
        # answer ("thank god no"): what followed the sound is read back
        return _with_confidence(Transcript(rest, heard.confidence, heard.words[1:]), DISAGREE_CONFIDENCE)
    if said is not None and mine is None and said != commanded(in_context.text):
        # ("i want to stop", "wrong answer go back") forced by the grammar into another phrase ("what was it"): the
        # open reading is read back, not the forced one
        return _with_confidence(heard, DISAGREE_CONFIDENCE)
    if heard.text and heard.confidence >= OPEN_ANSWER_CONFIDENCE and mine is not None:
        if context.places and shared and _a_reply(mine) and theirs is not None and not _a_reply(theirs):
            # the grammar heard a place, the open model the same words as a yes or no: a word misheard openly
            # ("don't the outside of my leg" for "down the outside ..."), where the grammar listened for places
            return _with_confidence(in_context, IN_CONTEXT_CONFIDENCE)
        if mine == theirs or context.places:
            # places: a description said again ("pins and needles in my toes") names more than one phrase of the
            # grammar, which then forces it into another ("in simple english", "ends of my toes")
            return heard
        if theirs is None:
            # the grammar heard a request or command ("sorry what" openly "sorry i was"): a question back is
            # never an answer, so the open model's answer is read back, not taken
            return _with_confidence(heard, DISAGREE_CONFIDENCE)
        # both answer, differently ("absolutely all" and "absolutely not"): checked, never picked; where the open
        # reading goes on from the grammar's ("no i don't think so", "no i don't"), the grammar stopped short. Not
        # the open one because it was sure: "that are" at 0.98 for "definitely not" (the grammar's)
        longer = heard.text.startswith(in_context.text + " ")
        return _with_confidence(heard if longer else in_context, DISAGREE_CONFIDENCE)
    if heard.text.startswith(in_context.text + " "):
        # the grammar may have stopped short of a last word that changes the answer ("probably" of "probably not")
        return _with_confidence(in_context, DISAGREE_CONFIDENCE)
    # the two readings share no word ("stop" heard as "doc" openly and "nah" in the grammar), or the open
    # model heard nothing: the grammar may have forced noise into an answer, so the dialogue checks it
    # ("Did you say: nah?")
    return _with_confidence(in_context, IN_CONTEXT_CONFIDENCE if shared else DISAGREE_CONFIDENCE)


def _a_sure_sentence(heard: Transcript) -> bool:
    return len(heard.text.split()) > COMMAND_WORDS and heard.confidence >= SURE_SENTENCE_CONFIDENCE


def _a_reply(answer: str | None) -> bool:
    """`answers` gave a yes, a no or not knowing (", hedged" may follow), not the choices or places named."""
    return _kind(answer) in ANSWER_KINDS


def _sound(text: str) -> list[str]:
    return [SAID_ALIKE.get(word, word) for word in text.split()]


def _with_confidence(transcript: Transcript, confidence: float) -> Transcript:
    return Transcript(transcript.text, confidence, tuple((w, confidence) for w, _ in transcript.words))
