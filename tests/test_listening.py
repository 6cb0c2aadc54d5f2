"""Listening shaped by the question (voice/context.py): each turn is decoded with the question's
grammar and with the open domain model, on real PocketSphinx with the spoken fixtures."""

from __future__ import annotations

import pytest

from conftest import load_fixture
from test_speech import SPEECH, UTTERANCES, heard_right

SHORT = [u for u in UTTERANCES if u.get("context")] + \
        [dict(u, context="yes_no") for u in UTTERANCES if u["family"] in ("yes_no", "commands")]


@pytest.fixture(scope="module")
def listening(brain):
    from voice_triage.dialogue import Dialogue
    from voice_triage.events import Ask
    from voice_triage.voice.start import _new_red_flags, answer_to, recognizer_for

    side = next(q for q in brain.rules.questions if q.fact == "side")
    where = next(q for q in brain.rules.questions if q.fact == "regions")
    asks = {"side": Dialogue._ask_event(side, side.text), "yes_no": Ask("Is there any new weakness?", "yes_no"),
            "duration": Ask("How long have you had it?", "free"), "where": Dialogue._ask_event(where, where.text)}
    return (recognizer_for(brain, "pocketsphinx"), asks, lambda a, b: bool(_new_red_flags(brain, a, b)),
            lambda ask, text: answer_to(brain, ask, text))


def chosen(brain, listening, item):
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import choose

    recognizer, asks, matters, answers = listening
    ask = asks[item["context"]]
    context = context_for(ask, brain.knowledge)
    recognizer.expect(context)
    heard = transcribe(recognizer, wav_chunks(read_wav(SPEECH / item["file"])))
    return heard, choose(heard.in_context, heard, context, matters, lambda text: answers(ask, text))


def right(brain, item, text: str) -> bool:
    if item["context"] == "side":  # a choice is read by the dialogue, not by the lexicon alone
        from voice_triage.dialogue import Dialogue

        dialogue = Dialogue(brain)
        dialogue.start()
        dialogue._ask(next(q for q in brain.rules.questions if q.fact == "side"))
        dialogue.hear(text)
        return dialogue.facts.get("side") == item["facts"]["side"]
    return heard_right(brain, item, text)


def test_short_spoken_answers_are_heard_better_in_their_question(brain, listening):
    opened = shaped = 0
    misses = []
    for item in SHORT:
        heard, kept = chosen(brain, listening, item)
        opened += right(brain, item, heard.text)
        shaped += right(brain, item, kept.text)
        if not right(brain, item, kept.text):
            misses.append((item["text"], kept.text, kept.confidence))
    # measured (stop 20): the open model alone 21 of 26, shaped by the question 26 of 26
    assert shaped >= len(SHORT) - 2, misses
    assert shaped > opened


def test_places_said_again_at_where_exactly_lose_nothing_the_open_model_heard(brain, listening):
    """A description said again in answer to "Where exactly?" is decoded with the places' grammar too: a place the
    open model heard is never lost to the grammar's shorter reading (the open one names more, or the same)."""
    located = [u for u in UTTERANCES if u["family"] == "locations"]
    opened = shaped = 0
    for item in located:
        heard, kept = chosen(brain, listening, dict(item, context="where"))
        opened += heard_right(brain, item, heard.text)
        shaped += heard_right(brain, item, kept.text)
    # measured: 9 of 9 either way (the open model hears these Piper recordings well); 5 of 9 before a confident
    # open reading that names places was kept over the grammar's
    assert shaped >= opened >= len(located) - 2


def test_a_places_grammar_holds_how_places_are_said(brain):
    from voice_triage.dialogue import Dialogue
    from voice_triage.voice.context import context_for
    from voice_triage.voice.jsgf import jsgf

    where = next(q for q in brain.rules.questions if q.fact == "regions")
    context = context_for(Dialogue._ask_event(where, where.text), brain.knowledge)
    for said in ("heel", "my big toe", "on top of my foot", "down the outside of my leg", "i don't know", "stop"):
        assert context.holds(said), said
    assert not context.holds("numb top of my foot") and not context.holds("on the")
    grammar = jsgf(context, {w for p in context.phrases + ("on", "top", "down") for w in p.split()})
    assert "<lead> <place>" in grammar and "( on | " not in grammar  # leads are a rule, not 20 times the places


def test_an_open_reading_that_names_more_places_is_kept(brain):
    from voice_triage.dialogue import Dialogue
    from voice_triage.voice.asr import Transcript
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import choose
    from voice_triage.voice.start import answer_to

    where = Dialogue._ask_event(next(q for q in brain.rules.questions if q.fact == "regions"), "Where?")
    context = context_for(where, brain.knowledge)
    heard = Transcript("the top of my foot and my big toe", 0.7)
    kept = choose(Transcript("the top of my foot", 0.0), heard, context, lambda a, b: False,
                  lambda text: answer_to(brain, where, text))
    assert kept is heard
    other = Transcript("my big toe", 0.7)  # two different places, each a whole answer: checked, never picked
    kept = choose(Transcript("the top of my foot", 0.0), other, context, lambda a, b: False,
                  lambda text: answer_to(brain, where, text))
    assert kept.confidence < 0.5


def test_the_same_places_heard_word_for_word_keep_the_grammars_reading(brain):
    """At "Where exactly?" both readings name the same place, the open one with a word misheard that makes it no
    answer (measured on Piper at 10 dB): the grammar's reading is kept, and the dialogue takes the place."""
    from voice_triage.dialogue import Dialogue
    from voice_triage.voice.asr import Transcript
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import choose
    from voice_triage.voice.start import answer_to

    question = next(q for q in brain.rules.questions if q.fact == "regions")
    where = Dialogue._ask_event(question, "Where?")
    context = context_for(where, brain.knowledge)
    kept = choose(Transcript("down the outside of my leg", 0.0), Transcript("don't the outside of my leg", 0.83),
                  context, lambda a, b: False, lambda text: answer_to(brain, where, text))
    assert kept.text == "down the outside of my leg" and kept.confidence >= 0.5, kept
    dialogue = Dialogue(brain)
    dialogue.start()
    dialogue._ask(question)
    dialogue.hear(kept.text)
    assert dialogue.facts.get("regions"), dialogue.facts


def test_a_reading_the_grammar_may_have_forced_is_checked(brain, listening):
    stop = next(u for u in UTTERANCES if u["file"] == "cmd_stop.wav")
    _, kept = chosen(brain, listening, dict(stop, context="yes_no"))
    if kept.text != "stop":
        assert kept.confidence < 0.5, "a forced reading goes to 'Did you say ...?'"


def test_a_warning_sign_heard_only_by_the_open_model_is_kept(brain):
    from voice_triage.voice.asr import Transcript
    from voice_triage.voice.context import Context
    from voice_triage.voice.readings import choose
    from voice_triage.voice.start import _new_red_flags

    def matters(a, b):
        return bool(_new_red_flags(brain, a, b))

    heard = Transcript("i wet myself", 0.7)
    kept = choose(Transcript("yes", 0.0), heard, Context("yes_no", ("yes", "no")), matters)
    assert kept is heard, "the dialogue then confirms it with the warning sign's own question"


def test_a_warning_sign_the_grammar_heard_otherwise_is_asked_again_not_taken(brain):
    """Found over pink noise at 5 dB (dev sessions): "no" to the fall question was "fell" at 1.00 openly and "what"
    in the grammar. Taken, the fall ended the session as an emergency before the stroke question was asked."""
    from voice_triage.spoken import SpokenDialogue
    from voice_triage.voice.asr import Transcript
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import DISAGREE_CONFIDENCE, choose
    from voice_triage.voice.start import _new_red_flags

    def matters(a, b):
        return bool(_new_red_flags(brain, a, b))

    fall = next(q for f in brain.rules.red_flags for q in f.questions if q.fact == "screen_trauma")
    dialogue = SpokenDialogue(brain)
    dialogue.start()
    dialogue.hear("tingling on the top of my foot")
    ask = dialogue._ask(fall)
    context = context_for(ask, brain.knowledge)
    kept = choose(Transcript("what", 0.0), Transcript("fell", 1.0), context, matters)
    assert kept.text == "fell" and kept.confidence <= DISAGREE_CONFIDENCE, "never dropped, never taken"
    events = dialogue.hear(kept.text, kept.confidence)
    assert not dialogue.done and dialogue.pending is fall, [getattr(e, "text", e) for e in events]
    assert dialogue.facts.get("screen_trauma") is None
    dialogue.hear("no", 0.95)
    assert dialogue.facts.get("screen_trauma") is False and not dialogue.done
    # both readings the same sign word: taken as heard, as before
    kept = choose(Transcript("fell", 0.0), Transcript("fell", 1.0), context, matters)
    assert kept.confidence == 1.0


def test_a_warning_sign_heard_with_nothing_in_the_grammar_is_asked_again_not_taken(brain):
    """Found over pink noise at 10 dB (dev sessions, Piper): "no" was "fell off" at 0.94 openly, with nothing whole in
    the grammar, and again at 0.82 in answer to the fall question, which took it: a false emergency."""
    from voice_triage.spoken import SpokenDialogue
    from voice_triage.voice.asr import Transcript
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import choose
    from voice_triage.voice.start import _new_red_flags

    fall = next(q for f in brain.rules.red_flags for q in f.questions if q.fact == "screen_trauma")
    dialogue = SpokenDialogue(brain)
    dialogue.start()
    dialogue.hear("tingling on the top of my foot")
    context = context_for(dialogue._ask(fall), brain.knowledge)
    for nothing_whole in ("", "you"):  # no reading, or the path of a phrase cut short
        kept = choose(Transcript(nothing_whole, 0.0), Transcript("fell off", 0.82), context,
                      lambda a, b: bool(_new_red_flags(brain, a, b)))
        assert kept.text == "fell off" and kept.confidence < dialogue.sure_of_warning, "never dropped, never taken"
    events = dialogue.hear(kept.text, kept.confidence)
    assert not dialogue.done and dialogue.pending is fall, [getattr(e, "text", e) for e in events]
    assert dialogue.facts.get("screen_trauma") is None
    dialogue.hear("yes", 0.95)  # confirmed: acted on
    assert dialogue.facts.get("screen_trauma") is True and dialogue.assessment().level.startswith("emergency")


def test_every_question_kind_has_a_small_grammar(brain):
    from voice_triage.dialogue import Dialogue
    from voice_triage.events import Ask
    from voice_triage.voice.context import context_for
    from voice_triage.voice.jsgf import jsgf

    language = brain.knowledge.language
    words = set(language.repairer.vocabulary) | {w for p in language.replies.phrases for w in p}
    choices = [Dialogue._ask_event(q, q.text) for q in brain.rules.questions if q.expect == "choice"]
    where = next(q for q in brain.rules.questions if q.fact == "regions")
    for ask in (Ask("Is it cold?", "yes_no"), *choices, Ask("How long have you had it?", "free"),
                Dialogue._ask_event(where, where.text)):
        context = context_for(ask, brain.knowledge)
        # 873 phrases (answers of four words) decode about as fast as 717 and 493 did (0.25-0.42 s for a whole
        # short turn here, varying with load; latency in scripts/bench_room.py); ~1,000 took 1-2x real time
        assert context is not None and len(context.phrases) <= 900, "a bigger grammar decodes slowly"
        assert "stop" in context.phrases and "stop" in context.checked
        assert jsgf(context, words).startswith("#JSGF V1.0;")
    assert context_for(Ask("Please tell me what you are feeling.", "free"), brain.knowledge) is None


def test_a_choice_grammar_holds_how_its_answers_are_said(brain):
    """A choice is listened for as the lexicon says it ("gradually", "bad back"), a yes or no where it answers
    too; body-part carriers only where the choices are sides ("gradually" was forced into "gradual leg")."""
    from voice_triage.dialogue import Dialogue
    from voice_triage.voice.context import context_for

    def grammar(fact: str) -> set[str]:
        question = next(q for q in brain.rules.questions if q.fact == fact)
        return set(context_for(Dialogue._ask_event(question, question.text), brain.knowledge).phrases)

    onset, back, side = grammar("onset"), grammar("back_pain"), grammar("side")
    assert {"gradually", "slowly", "out of nowhere", "suddenly"} <= onset
    assert not {"gradual leg", "my sudden foot", "yes", "no"} & onset
    assert {"no", "yes", "no never", "yes i do", "bad back", "sciatica", "no back pain", "only years ago"} <= back
    assert not {"past leg", "my none foot", "only some", "a little"} & back  # "only years ago" was forced to "only some"
    assert {"my left foot", "the right one", "both legs", "left"} <= side and "yes" not in side
    assert {"it's in my left leg", "on the right", "the left side only", "it's in both", "both of my legs"} <= side


def test_the_yes_no_grammar_holds_every_short_answer_the_replies_read(brain):
    """An answer of up to three words the reader takes ("a bit", "not at all", "nope") must be in the grammar
    too: one missing is forced onto its nearest neighbour ("not at all" was heard as "a little"). Echoes
    ("I do") are a chosen few, and of the many ways of not knowing, the short ones."""
    from voice_triage.events import Ask
    from voice_triage.voice.context import TYPED_ONLY, context_for

    phrases = set(context_for(Ask("Is it cold?", "yes_no"), brain.knowledge).phrases)
    groups = brain.knowledge.language.replies.phrases
    spoken = {" ".join(w) for w, group in groups.items()
              if len(w) <= 3 and TYPED_ONLY.isdisjoint(w) and not group.startswith(("echo", "negator"))}
    answers = {p for p in spoken if brain.replies.read(p).kind in ("yes", "no")
               or (brain.replies.read(p).kind == "unsure" and len(p.split()) <= 2)}
    assert {"not at all", "a little bit", "i do", "i don't", "it isn't", "sorry what", "i meant no"} <= phrases
    # four-word answers, yes and no alike, and ways of not knowing without another subject
    assert {"i don't think so", "not to my knowledge", "i would say so", "every now and then", "hard to say"} <= phrases
    assert not {"it might be", "there may have", "yes and no", "i really don't know"} & phrases
    # a yes or no before an echo, of every subject ("no there isn't" was forced into "totally")
    assert {"yes i do", "no i haven't", "yes it does", "no it isn't", "yes there is", "no there isn't"} <= phrases
    assert not {"yes there isn't", "no it is", "no there is"} & phrases
    missing = sorted(answers - phrases)
    assert not missing, missing


def test_durations_are_said_with_a_count_that_agrees_with_the_unit(brain):
    """ "a month", "two months", "for months", never "two month" or "thirty year" (PocketSphinx forced "a year"
    into "thirty year" = 30 years when the grammar let any count take any unit)."""
    from voice_triage.events import Ask
    from voice_triage.voice.context import context_for
    from voice_triage.voice.jsgf import jsgf

    language = brain.knowledge.language
    grammar = jsgf(context_for(Ask("How long have you had it?", "free"), brain.knowledge),
                   set(language.repairer.vocabulary) | {w for p in language.replies.phrases for w in p})
    rules = dict(line.rstrip(";").split(" = ", 1) for line in grammar.splitlines() if " = " in line)
    assert "thirty" in rules["<many>"] and "thirty" not in rules["<one>"]
    assert "year " in rules["<unit>"] + " " and "years" not in rules["<unit>"] and "years" in rules["<units>"]
    assert "<one> <unit>" in rules["<duration>"] and "[ <many> ] <units>" in rules["<duration>"]


def test_an_ending_command_heard_only_in_the_grammar_is_checked(brain):
    """ "stop" is in every grammar, so it is heard; but a grammar reading of it that the open model did not
    make ("doc") is checked before the session ends, and one both made is taken."""
    from voice_triage.events import Ask
    from voice_triage.voice.asr import Transcript
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import choose

    context = context_for(Ask("Is it cold?", "yes_no"), brain.knowledge)
    never = lambda *_: False  # noqa: E731

    def reading(grammar: str, opened: str) -> Transcript:
        return choose(Transcript(grammar, 0.0, ((grammar, 0.0),)), Transcript(opened, 0.9, ((opened, 0.9),)), context, never)

    assert reading("stop", "doc").confidence < 0.5
    assert reading("stop", "").confidence < 0.5
    assert reading("stop", "stop").confidence >= 0.5
    assert reading("no", "well no").confidence >= 0.5  # any other answer sharing a word is taken



def test_readings_said_alike_agree(brain):
    """ "four days" heard openly and "for days" in the grammar are one sound, not a disagreement to check
    ("Did you say: for days?" sounds like what the person said, so it settles nothing)."""
    from voice_triage.events import Ask
    from voice_triage.voice.asr import Transcript
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import choose

    duration = context_for(Ask("How long have you had it?", "free"), brain.knowledge)
    alike = choose(Transcript("for days", 0.0, ()), Transcript("four days", 0.8, ()), duration,
                   lambda *_: False, lambda _: "4")
    assert (alike.text, alike.confidence) == ("four days", 0.8)


def test_two_readings_of_one_turn_are_combined_safely(brain):
    """The misses of the development set of spoken answers, as pairs of readings (grammar, open model): each is
    decided so that the answer is taken or checked, and a warning sign is never lost."""
    from voice_triage.dialogue import Dialogue
    from voice_triage.events import Ask
    from voice_triage.spoken import SpokenDialogue
    from voice_triage.voice.asr import Transcript
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import choose
    from voice_triage.voice.start import _new_red_flags, answer_to, command_in

    side = next(q for q in brain.rules.questions if q.fact == "side")
    asks = {"yes_no": Ask("Is there any new weakness?", "yes_no"), "side": Dialogue._ask_event(side, side.text),
            "duration": Ask("How long have you had it?", "free")}

    def kept(question: str, grammar: str, opened: str, sure: float = 0.6) -> Transcript:
        ask = asks[question]
        return choose(Transcript(grammar, 0.0), Transcript(opened, sure), context_for(ask, brain.knowledge),
                      lambda a, b: bool(_new_red_flags(brain, a, b)), lambda text: answer_to(brain, ask, text),
                      lambda text: command_in(brain, text))

    # an answer longer than the grammar holds is heard by the open model alone; the grammar's is forced
    assert kept("yes_no", "i don't recall", "i don't think so", 0.9).text == "i don't think so"
    # a sound before the answer ("thigh"), and the grammar forced the whole into a no: the answer is read back
    reading = kept("yes_no", "thank god no", "thigh yep", 0.5)
    assert (reading.text, reading.confidence < 0.5) == ("yep", True)
    # two different answers, the open model's unsure: the grammar's is checked, neither is taken
    reading = kept("yes_no", "not at all", "a little", 0.05)
    assert (reading.text, reading.confidence < 0.5) == ("not at all", True)
    # a sure open reading of the opposite answer ("probably so" for "probably not"): checked, never taken
    reading = kept("yes_no", "probably not", "probably so", 0.73)
    assert (reading.text, reading.confidence < 0.5) == ("probably so", True)
    # the open model stopped short of the grammar's "not" ("absolutely" at 0.80 for "absolutely not", espeak-ng over
    # pink noise at 10 dB): the soft last word is what noise hides, so the grammar's no is read back
    reading = kept("yes_no", "absolutely not", "absolutely", 0.8)
    assert (reading.text, reading.confidence < 0.5) == ("absolutely not", True)
    # a request in the grammar and an answer openly: a question back is never an answer, so it is read back
    reading = kept("yes_no", "sorry what", "sorry i was", 0.69)
    assert (reading.text, reading.confidence < 0.5) == ("sorry i was", True)
    # two forms of one answer agree, however unsure the open model was
    assert kept("yes_no", "nope", "no", 0.1).confidence >= 0.5
    # but one phrase in both, barely heard openly, may be one sound forced alike ("nah mate" at 10 dB: "always" in
    # both, 0.19 openly): a warning sign's answer is checked, never taken; a side is not a warning sign's answer
    assert kept("yes_no", "always", "always", 0.19).confidence < 0.5
    assert kept("yes_no", "always", "always", 0.5).confidence >= 0.5
    assert kept("side", "left", "left", 0.1).confidence >= 0.5
    # the grammar stopped short of the word that makes it a no: checked, never taken as a yes
    assert kept("yes_no", "probably", "probably all", 0.3).confidence < 0.5
    # a yes that one lost "not" would make a no, however surely heard in both ("probably not" over pink noise, the
    # "not" under it or heard "so"): checked, never taken. A plain yes, and a no, are taken
    for said in ("probably", "probably so", "absolutely", "i think so"):
        assert kept("yes_no", said, said, 0.98).confidence < 0.5, said
    for said in ("yes", "yeah", "probably not", "no"):
        assert kept("yes_no", said, said, 0.98).confidence >= 0.5, said
    # readings that share only a word that says nothing of the answer ("uh huh" forced into "i doubt", heard "i up"
    # openly): no agreement, so the hedged no is checked, never taken; a side still shares "my" with its reading
    assert kept("yes_no", "i doubt", "i up", 0.17).confidence < 0.5
    assert kept("yes_no", "yes i have", "no i have", 0.3).confidence < 0.5
    assert kept("side", "my left foot", "my what foot", 0.3).confidence >= 0.5
    # two different sides, both with "right", which is also a yes ("right and left" in the grammar, "right and you"
    # openly, espeak-ng at 140 wpm): read back, never the open side taken because both readings were "a yes"
    reading = kept("side", "right and left", "right and you", 0.63)
    assert (reading.text, reading.confidence < 0.5) == ("right and left", True)
    assert kept("yes_no", "you got it", "you will", 0.56).confidence < 0.5  # "usually not", espeak-ng at 190 wpm
    # from the typed set's replies said aloud: a warning sign's answer that the grammar did not hear as an answer
    # at all ("undo" for "never", "i am" openly) is read back, never taken as a yes
    assert kept("yes_no", "undo", "i am", 0.9).confidence < 0.5
    # a clear answer openly and a command only the grammar heard ("we're done" for "there isn't"): the answer is
    # read back, not the command
    reading = kept("yes_no", "we're done", "there isn't", 0.89)
    assert (reading.text, reading.confidence < 0.5) == ("there isn't", True)
    # the open reading goes on from the grammar's, to another answer: the open one is read back
    reading = kept("yes_no", "no i don't", "no i don't think so", 0.91)
    assert (reading.text, reading.confidence < 0.5) == ("no i don't think so", True)
    # the open model's confidence is no reason to read its answer back rather than the grammar's: "that are" at 0.98
    # was "definitely not", "sex weeks" at 0.93 was "six weeks"
    assert kept("yes_no", "definitely not", "that are", 0.98).text == "definitely not"
    assert kept("duration", "six weeks", "sex weeks", 0.93).text == "six weeks"
    # a command too long for the grammar, heard clearly openly, that the grammar forced into another phrase (an
    # answer or a request): the command is read back, not the forced phrase
    for grammar, opened in (("probably yes", "wrong answer go back"), ("what was it", "i want to stop")):
        reading = kept("yes_no", grammar, opened, 0.8)
        assert (reading.text, reading.confidence < 0.5) == (opened, True)
    assert kept("yes_no", "no", "i want to stop", 0.3).text == "no"  # an unsure open reading: the grammar's
    # two different short commands ("back" openly for "goodbye"): the grammar's is read back, neither taken
    reading = kept("yes_no", "goodbye", "back", 0.89)
    assert (reading.text, reading.confidence < 0.5) == ("goodbye", True)
    def side_taken_and_sign_checked(both: Transcript) -> None:
        dialogue = SpokenDialogue(brain)
        dialogue.start()
        dialogue.hear("tingling on the top of my foot")
        dialogue._ask(side)
        dialogue.hear(both.text, both.confidence)
        assert dialogue.facts.get("side") == "left" and dialogue.last_reading == "check_warning_sign", both
        assert not dialogue.assessment().red_flags, "not escalated on a mishearing"

    # one answer heard two ways, one a warning sign: the side is taken, and the sign confirmed by its own question
    side_taken_and_sign_checked(kept("side", "left leg", "limp leg"))
    # a side in the grammar and an unsure sign openly that share no word ("fall" at 0.05): the side is taken and
    # the fall confirmed by its own question; a yes or no in the grammar is never so taken (it may answer a sign)
    side_taken_and_sign_checked(kept("side", "my left foot", "fall", 0.05))
    assert kept("yes_no", "no", "fell", 0.39).text == "fell"
    assert kept("side", "my left foot", "fell", 0.9).text == "fell"
    # a long description at a short question is the open model's alone: its side is not the grammar's guess
    assert kept("side", "my left leg", "my leg is weak and i keep tripping over").text.startswith("my leg is weak")
    assert kept("side", "my left leg", "my leg is weak and i keep tripping over", 0.3).text.startswith("my leg")
    # a sentence heard surely openly that the grammar forced into a command ("it's worse at night" at "Where
    # exactly?", "next question" in the grammar, in the room): it goes on, so its facts are taken and the question
    # put again; heard unsurely, or short as a command is, the grammar's reading is checked as before
    where = next(q for q in brain.rules.questions if q.fact == "regions")
    asks["where"] = Dialogue._ask_event(where, where.text)
    assert kept("where", "next question", "it's worse at night", 1.0).text == "it's worse at night"
    reading = kept("where", "next question", "it's worse at night", 0.6)
    assert (reading.text, reading.confidence < 0.5) == ("next question", True)
    assert kept("yes_no", "no", "worse at night", 1.0).text == "no"


def test_every_phrase_of_every_grammar_is_read_by_the_dialogue(brain):
    """The grammar can only say what the dialogue then understands: no phrase of a question's grammar may be
    read as unclear at that question: the grammar would turn a clear answer into "Sorry, I didn't understand"."""
    from voice_triage.dialogue import Dialogue
    from voice_triage.knowledge import phrases_of
    from voice_triage.voice.context import context_for

    phrases_of(brain.knowledge)
    questions = brain.rules.questions + [q for flag in brain.rules.red_flags for q in flag.questions]
    for fact in ("screen_weakness", "side", "duration_days", "onset", "back_pain"):
        question = next(q for q in questions if q.fact == fact)
        ask = Dialogue._ask_event(question, question.text)
        unread = []
        for phrase in context_for(ask, brain.knowledge).phrases:
            dialogue = Dialogue(brain)
            dialogue.start()
            dialogue._ask(question)
            before = dict(dialogue.facts)
            dialogue.hear(phrase)
            if dialogue.last_reading == "unclear" and dialogue.facts == before:
                unread.append(phrase)
        assert not unread, (fact, unread)


def test_fixtures_listed(brain):
    assert len(SHORT) >= 25 and load_fixture("speech", "speech.yaml")


def _frames_to_finish(recognizer, context, wav) -> tuple[str, int]:
    """The transcript, and how many 30 ms blocks the endpointer read after the recording's own audio."""
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.endpoint import Endpointing, recognize_frames

    pcm = read_wav(wav)
    spoken = -(-len(pcm) // 960)
    read = 0

    def counted():
        nonlocal read
        for chunk in wav_chunks(pcm, trailing_silence=1.0):
            read += 1
            yield chunk

    recognizer.expect(context)
    transcript, _ = recognize_frames(counted(), recognizer, Endpointing(silence=0.3, short_silence=0.12))
    return transcript.text if transcript else "", read - spoken


def test_a_whole_short_answer_ends_the_turn_after_a_shorter_silence(brain, listening):
    """ "no" at a yes/no question is complete: the turn ends after 0.12 s of quiet, not 0.3 s."""
    from voice_triage.voice.context import context_for

    recognizer, asks, _, _ = listening
    yes_no = context_for(asks["yes_no"], brain.knowledge)
    text, after_shaped = _frames_to_finish(recognizer, yes_no, SPEECH / "yn_no.wav")
    _, after_open = _frames_to_finish(recognizer, None, SPEECH / "yn_no.wav")
    assert "no" in text.split()
    assert after_shaped < after_open, (after_shaped, after_open)


def test_an_answer_a_not_may_follow_waits_for_the_whole_silence(brain, listening, tmp_path):
    """ "probably" may go on to "probably not": unlike "no", it does not end the turn early, so the "not" is heard."""
    import shutil
    import subprocess

    from voice_triage.voice.context import context_for

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (scripts/setup --test installs it as root)")
    recognizer, asks, _, _ = listening
    yes_no = context_for(asks["yes_no"], brain.knowledge)
    assert yes_no.ends("no") and not yes_no.ends("probably") and not yes_no.ends("absolutely")
    wav = tmp_path / "probably.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(wav), "probably"], check=True)
    text, after_shaped = _frames_to_finish(recognizer, yes_no, wav)
    _, after_open = _frames_to_finish(recognizer, None, wav)
    assert yes_no.holds(text), text
    assert after_shaped >= after_open, (after_shaped, after_open)


def test_the_open_model_learns_how_descriptions_say_how_long(brain):
    """The bigram model is built from the language data, durations as descriptions say them included: without
    "for a week" in it, PocketSphinx heard "numb ... for a week" as "for weak"."""
    from voice_triage.knowledge import phrases_of
    from voice_triage.voice.lm import build_arpa, domain_sentences

    sentences = domain_sentences(brain.knowledge.language, phrases_of(brain.knowledge))
    assert {"for a week", "about three months", "three months ago"} <= set(sentences)
    assert "for a" in build_arpa(sentences, {w for s in sentences for w in s.split()})


def test_the_open_model_learns_lexicon_phrases_as_people_say_them(brain):
    """The lexicon drops stop words ("speech slurred"); people say "my speech is slurred". Without the frame, the
    bigrams had never seen "is slurred", and the recording was heard "my speech is floor"."""
    from voice_triage.knowledge import phrases_of
    from voice_triage.voice.lm import build_arpa, domain_sentences, spoken_frames

    sentences = domain_sentences(brain.knowledge.language, phrases_of(brain.knowledge))
    assert "my speech is slurred" in sentences
    arpa = build_arpa(sentences, {w for s in sentences for w in s.split()})
    assert " is slurred" in arpa and " my speech" in arpa
    # only where the phrase starts with something people call "my ...": no "my sudden is onset"
    assert spoken_frames(["face droop", "sudden onset", "foot"], frozenset({"face", "foot"})) == ["my face is droop"]


def _spoken_frames():
    from voice_triage.data import data_root
    from voice_triage.knowledge import load_knowledge
    from voice_triage.voice.said import load_frames

    root = data_root()
    return load_frames(root / "intents" / "said.yaml", root, set(load_knowledge().language.lexicons))


def test_the_open_model_learns_descriptions_as_they_are_said(brain):
    """intents/said.yaml puts the lexicons' phrases in the sentences around them ("i have pins and needles in the
    top of my foot"; "in the outside of my leg": the frame says "the" so a region's own "my" reads naturally). With
    only the phrases, the bigrams had seen few of the word pairs between them; with the
    frames, spoken descriptions had 35.4% (dev) and 37.9% (held-out) of words wrong against 43.6% and 43.7%
    (scripts/bench_listening.py, with the frames about someone else)."""
    from voice_triage.knowledge import phrases_of
    from voice_triage.voice.lm import domain_sentences
    from voice_triage.voice.said import PER_FRAME

    frames = _spoken_frames()
    without = domain_sentences(brain.knowledge.language, phrases_of(brain.knowledge))
    added = domain_sentences(brain.knowledge.language, phrases_of(brain.knowledge), frames)[len(without):]
    assert added and not any("{" in s or "}" in s for s in added)
    sensations = {p.text for p in phrases_of(brain.knowledge) if p.fact == "sensations"}
    had = [s[len("i have "):].split(" in the ")[0] for s in added if s.startswith("i have ") and " in the " in s]
    assert len(set(had) & sensations) >= 10, had  # the slot takes many phrases in turn, not one
    assert len(added) <= len(frames) * PER_FRAME  # so they don't outweigh the rest of the model
    # one frame's two slots of the same fact name two different places
    two = [s for s in added if s.startswith("it's on the ")]
    assert two and all(s.split(" and the ")[0][len("it's on the "):] != s.split(" and the ")[1] for s in two)


def test_a_slot_takes_a_values_templates_in_turn(brain):
    """One template's many variants ("asleep", "gone to sleep", "goes to sleep"...) no longer fill a slot one after
    another: "to sleep" was 57 times in the frames' sentences (6 now), and the room heard "his leg" as "to sleep"."""
    from voice_triage.knowledge import phrases_of
    from voice_triage.language import Phrase
    from voice_triage.voice.lm import slot_choices

    def said(text: str, value: str, line: int) -> Phrase:
        return Phrase(tuple(text.split()), "sensations", value, f"s.yaml:{line}", text)

    phrases = [said("numb", "numbness", 10), said("numbness", "numbness", 10), said("asleep", "numbness", 11),
               said("gone to sleep", "numbness", 11), said("goes to sleep", "numbness", 11),
               said("tingling", "tingling", 5)]
    assert slot_choices(phrases)["sensations"] == ["numb", "tingling", "asleep", "numbness", "gone to sleep",
                                                   "goes to sleep"]
    # each phrase knows its own template's line, so the lexicon's templates can take turns (and a reviewer is sent
    # to the line)
    numbness = {p.where for p in phrases_of(brain.knowledge) if p.fact == "sensations" and p.value == "numbness"}
    assert len(numbness) >= 5, numbness
    first = slot_choices(phrases_of(brain.knowledge))["sensations"][:12]
    assert sum("sleep" in text for text in first) <= 1, first


def test_frames_fill_each_slot_in_turn_with_one_determiner():
    from voice_triage.voice.said import fill

    said = fill(["my {regions} is {sensations}", "it's {worsening}", "it comes and goes"],
                {"regions": ["my left foot", "heel", "the calf"], "sensations": ["numb", "tingling"],
                 "worsening": []})
    # the second slot starts further on, so two slots of one fact don't name the same phrase
    assert said == ["my left foot is tingling", "my heel is numb", "the calf is tingling", "it comes and goes"]
    # someone else's ("it's my dad, he has tingling on the outside of his leg"): the phrases' "my" in their person
    regions = {"regions": ["outside of my leg", "my heel"], "sensations": ["tingling"]}
    assert fill(["he has {sensations} on the {regions}", "her {regions} is {sensations}"], regions) == [
        "he has tingling on his heel", "he has tingling on the outside of his leg",
        "her outside of her leg is tingling", "her heel is tingling"]


def test_the_frames_say_someone_elses_symptoms(brain):
    """ "it's my dad, he has tingling on the outside of his leg and the top of his foot, and he's diabetic" was heard
    "... on the outside of asleep in the top of his toes" in the room: the frames were all in the first person. Frames
    about someone else name the people of cues.yaml and put the lexicons' "my" in the third person."""
    from voice_triage.knowledge import phrases_of
    from voice_triage.voice.lm import domain_sentences

    frames = _spoken_frames()
    without = domain_sentences(brain.knowledge.language, phrases_of(brain.knowledge))
    added = domain_sentences(brain.knowledge.language, phrases_of(brain.knowledge), frames)[len(without):]
    assert {"it's my dad", "it's my wife", "he's diabetic"} <= set(added)
    theirs = [s for s in added if s.startswith(("he has ", "she has ", "his "))]
    assert any(" of his " in s for s in theirs) and any(" of her " in s for s in theirs)
    assert not any(" my " in f" {s} " for s in theirs)


def test_the_open_model_knows_other_people(brain):
    """ "it's my dad, he has tingling on the outside of his leg" was heard "... of this leg": the bigrams had no
    "his leg" nor "my dad". Each proxy pattern of cues.yaml is now a sentence once, and "my" comes before each
    person (not all 406 expansions, which would outweigh the rest)."""
    from voice_triage.knowledge import phrases_of
    from voice_triage.voice.lm import build_arpa, domain_sentences, other_people

    people = other_people(brain.knowledge.language.cues)
    assert {"my dad", "my wife", "his leg", "he has"} <= set(people) and len(people) < 100
    sentences = domain_sentences(brain.knowledge.language, phrases_of(brain.knowledge))
    arpa = build_arpa(sentences, {w for s in sentences for w in s.split()})
    assert " my dad\n" in arpa and " his leg\n" in arpa


def test_a_choice_late_in_a_session_is_still_heard_by_its_grammar(brain, listening, tmp_path):
    """Found in offline spoken sessions: after a dozen "no"s to the warning signs, the cepstral mean the grammar
    decoder carried over had drifted so far that the side question's grammar heard nothing in "the left" (17 of
    18 times, espeak-ng at 140 wpm). Each answer now starts from the model's mean."""
    import shutil
    import subprocess

    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.context import context_for
    from voice_triage.voice.start import recognizer_for

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (scripts/setup installs it as root)")

    def spoken(text: str) -> bytes:
        path = tmp_path / f"{text}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), text], check=True, timeout=60)
        quiet = bytes(int(0.4 * 16000) * 2)
        return quiet + read_wav(path) + quiet

    _, asks, _, _ = listening
    fresh = recognizer_for(brain, "pocketsphinx")
    no = spoken("no")
    for _ in range(14):
        fresh.expect(context_for(asks["yes_no"], brain.knowledge))
        transcribe(fresh, wav_chunks(no))
    late = {}
    for answer in ("the left", "left", "my left leg"):
        fresh.expect(context_for(asks["side"], brain.knowledge))
        heard = transcribe(fresh, wav_chunks(spoken(answer), trailing_silence=0.3))
        late[answer] = heard.in_context.text if heard.in_context else ""
    assert all("left" in text for text in late.values()), late
