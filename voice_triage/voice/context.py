"""What to listen for: a recognition context for each kind of question, built from intents/.

A question shapes its likely answers: yes/no forms, the choices offered, a duration, a place. The engine
decodes a turn twice, with the context's grammar and with the open domain model, and voice/readings.py decides
between the two readings. Grammars stay under ~900 phrases: one of ~1,000 decoded at 1-2 times real time here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..events import Ask
from ..duration import parse_duration
from ..spoken import ENDING

ANSWER_GROUPS = ("yes", "hedged_yes", "degree", "partial", "opening_yes", "opening_no", "likely", "no", "hedged_no", "unsure")
"""Reply groups of intents/answers.yaml that answer a question."""
PLAIN_YES_NO = ("yes", "no", "opening_yes", "opening_no")
"""Reply groups of a plain yes or no, which also answer some choices ("Do you have back pain now, or ...?")."""
CHECKED_COMMANDS = ENDING + ("GoBack",)
"""Commands read back when only the question's grammar heard them: noise forced into "back up" loses an answer."""
REQUESTS = ("repeat", "explain")
"""Reply groups that ask for the question again."""
SOUNDS_LIKE_AN_ANSWER = frozenset({"what", "which", "huh", "eh", "again", "undo"})
"""First words of requests PocketSphinx hears for "left", "one", "both": such requests are left out of
the grammars of choices and durations (the open model still hears them)."""
TYPED_ONLY = frozenset("dont thats im ive cant couldnt didnt wouldnt wont isnt doesnt havent hasnt idk dno id "
                       "ya yah yeh yea yas nup nop nopes naw".split())
UNSURE_OPENINGS_LEFT_OUT = frozenset({"it", "there", "that", "they", "he", "she", "we", "you", "yes", "no"})
"""First words of unsure forms the grammars leave out: another subject ("it might be", "there may have": 64 forms
of one answer), or a yes or no (the grammar forced "yes it does" into "yes and no")."""
SAID_ECHOES = {"i": ("do", "did", "have", "am", "don't", "didn't", "haven't"),
               "it": ("does", "did", "is", "has", "doesn't", "didn't", "isn't", "hasn't"),
               "there": ("is", "was", "isn't", "wasn't")}
"""Echoes said alone ("I do", "it isn't"), with the subject and verb agreeing: the grammar holds what people say."""
PLACE_LEADS = ("my", "the", "in", "on", "in my", "on my", "in the", "on the", "at the", "around my", "around the",
               "down", "down the", "along the", "across the", "under", "under my", "behind", "just", "just the",
               "just my", "all over", "all over my")
"""Words before a place ("on top of my foot", "down the outside of my leg"): a rule of the grammar, not phrases, as
the places times these would be thousands."""
CHOICE_CARRIERS = ("{c}", "the {c}", "the {c} one", "{c} one", "{c} leg", "{c} foot", "{c} side", "my {c} leg",
                   "my {c} foot", "just the {c}", "only the {c}", "on the {c}", "the {c} side", "it's the {c}",
                   "it's my {c}", "in my {c} leg", "in my {c} foot", "it's in my {c} leg", "{c} leg only",
                   "the {c} side only", "mostly the {c}", "mainly the {c}", "my {c}", "only my {c}", "{c} hand side")
"""How one of several choices is said: "the left one", "left leg", "it's in my left leg"."""
BOTH_CARRIERS = ("{c}", "{c} of them", "{c} legs", "{c} feet", "{c} sides", "{c} my legs", "{c} my feet", "it's {c}",
                 "it's in {c}", "in {c} legs", "in {c} feet", "{c} of my legs", "{c} really", "{c} actually")
"""How a choice of more than one is said: "both of them", "both feet" (never "both leg")."""
PLURAL_CHOICES = frozenset({"both", "all", "neither"})
COMMAND_WORDS = 3
"""Commands of up to this many words are in every grammar; longer ones ("i want to stop") the open model alone hears."""


@dataclass(frozen=True)
class Context:
    """The phrases one kind of question expects."""

    name: str
    """A stable name, e.g. `yes_no` or `choice_left_right_both` (engines cache their grammars by it)."""
    phrases: tuple[str, ...] = ()
    """Whole answers, lower case."""
    durations: bool = False
    """Also any duration: "two days", "a week or so", "about three weeks", "for months"."""
    places: tuple[str, ...] = ()
    """Also any of these places (phrases too) after one of PLACE_LEADS: "on top of my foot"."""
    checked: tuple[str, ...] = ()
    """Phrases of the grammar whose reading is checked unless the open model heard them too (stop, go back)."""
    beyond: frozenset[str] = frozenset()
    """Whole answers too long for the grammar ("i don't think so"): the open model alone can hear them."""
    signs: bool = False
    """Its answer may be a warning sign's (a yes or a no); a side or a duration never is."""
    plain_words: frozenset[str] = frozenset()
    """Words that say nothing of a yes or a no (the stop words of intents/cues.yaml): readings that share only these
    do not agree ("i up" openly is no support for "i doubt" in the grammar, "uh huh" forced). Not for a side or a
    duration ("my left foot" openly "my what foot"), where a wrong reading is no warning sign's answer."""

    @property
    def expected(self) -> frozenset[str]:
        """Every answer the question expects."""
        return frozenset(self.phrases)

    def holds(self, text: str) -> bool:
        """A whole answer of this context. A grammar search that ran out of audio before the end of a
        phrase reports the path so far ("you" of "you bet"): that is no reading."""
        if text in self.expected or (self.durations and parse_duration(text.split()) is not None):
            return True
        return bool(self.places) and any(text.startswith(lead + " ") and text[len(lead) + 1:] in self.places
                                         for lead in PLACE_LEADS)

    def ends(self, text: str) -> bool:
        """A whole answer that no "not" can follow: "probably" may still become "probably not", so its turn waits
        for the longer silence (a yes a lost "not" would turn is also checked: `readings.choose`)."""
        return self.holds(text) and not self.holds(text + " not")


def context_for(ask: Ask, knowledge) -> Context | None:
    """The context of a question; None for a free description (the open model alone)."""
    from ..knowledge import phrases_of

    language = knowledge.language
    replies = language.replies.phrases
    # every answer form of up to four words (of "not sure", up to three and none with another subject: "it might
    # be"), yes and no alike: a grammar with "i think not" but not "i think so" would pull a yes toward a no, and
    # one without "not at all" pulls it to "a little"
    answers = tuple(" ".join(w) for w, group in replies.items()
                    if group in ANSWER_GROUPS and (len(w) <= 2 or (len(w) <= 4 and group != "unsure")
                                                   or (len(w) == 3 and w[0] not in UNSURE_OPENINGS_LEFT_OUT)))
    answers += tuple(f"{subject} {verb}" for subject, verbs in SAID_ECHOES.items() for verb in verbs
                     if replies.get((subject, verb)) in ("echo_yes", "echo_no"))
    # "yes I do", "no there isn't", "no never", "no not really"
    echoes = tuple(f"{lead} {subject} {verb}" for lead, echo in (("yes", "echo_yes"), ("no", "echo_no"))
                   for subject, verbs in SAID_ECHOES.items() for verb in verbs if replies.get((subject, verb)) == echo)
    echoes += tuple(f"no {' '.join(w)}" for w, group in replies.items()
                    if (group == "no" and w[0] != "no" and len(w) <= 2) or (group == "hedged_no" and w[0] == "not"
                                                                          and len(w) <= 2))
    commands = tuple(s for name, s in language.sentences if len(s.split()) <= COMMAND_WORDS)
    # stop, start over and go back are in the grammar, so they are heard, but a grammar reading of them the open
    # model did not make too is checked ("Did you say: back up?"), never acted on from noise ("uh huh" at 10 dB)
    final = tuple(s for name, s in language.sentences
                  if name in CHECKED_COMMANDS and len(s.split()) <= COMMAND_WORDS)
    requests = tuple(" ".join(w) for w, group in replies.items() if group in REQUESTS and len(w) <= 4)
    # "sorry, what?", "sorry, say that again": an apology before a short request (the reader takes these too)
    requests += tuple(f"sorry {r}" for r in requests if len(r.split()) <= 2 and r.split()[0] not in ("sorry", "pardon"))
    # where a word is the answer, no request or command that starts like "what" (heard for "left")
    spelled_out = tuple(r for r in requests + commands if r.split()[0] not in SOUNDS_LIKE_AN_ANSWER)
    def beyond(groups: tuple[str, ...], phrases: tuple[str, ...], spelled: bool = False) -> frozenset[str]:
        """Forms longer than any the grammar holds, replies and commands ("i want to stop"); a short one left out,
        like "what", stays out."""
        forms = [w for w, group in replies.items() if group in groups and len(w) > 3]
        forms += [tuple(s.split()) for _, s in language.sentences if len(s.split()) > COMMAND_WORDS]
        return frozenset(_unique(tuple(" ".join(w) for w in forms
                                       if not (spelled and w[0] in SOUNDS_LIKE_AN_ANSWER)))) - set(phrases)

    unsure = tuple(a for a in answers if replies.get(tuple(a.split())) == "unsure")
    if ask.expect == "yes_no":
        phrases = _unique(answers + echoes + requests + commands)
        return Context("yes_no", phrases, checked=final, beyond=beyond(ANSWER_GROUPS + REQUESTS, phrases), signs=True,
                       plain_words=frozenset(language.cues.stop_words))
    if ask.expect == "choice":
        choices = [c.replace("_", " ") for c in ask.choices]
        lexicon = _said_of(ask.fact, phrases_of(knowledge))
        # "my left foot", "the right one": carriers for choices said with a body part ("right leg" in the lexicon);
        # "my gradual leg" is no answer, and a grammar that holds it forces "gradually" into it
        bodily = any(f"{c} {part}" in lexicon for c in choices for part in ("leg", "foot"))
        said = tuple(carrier.format(c=c) for c in choices
                     for carrier in (BOTH_CARRIERS if c in PLURAL_CHOICES else CHOICE_CARRIERS if bodily else ("{c}",)))
        # "no never", "yes i do" to "Do you have back pain now, or ...?": the plain yes and no forms of up to two
        # words and the echoes; not "only some" or "a little", into which the room forced "only years ago"
        plain = tuple(" ".join(w) for w, group in replies.items() if group in PLAIN_YES_NO and len(w) <= 2)
        yes_no = plain + echoes if ask.yes_no_too else ()
        read_as_past = language.lexicons.get(ask.fact) is not None and language.lexicons[ask.fact].historical is not None
        past = tuple(f"{lead}{' '.join(c)}" for c in language.cues.history_after if len(c) <= 3
                     for lead in ("", "only ")) if read_as_past else ()  # "years ago", "in the past"
        phrases = _unique(said + lexicon + yes_no + past + unsure + spelled_out)
        return Context("choice_" + "_".join(c.replace(" ", "_") for c in choices), phrases, checked=final,
                       beyond=beyond((ANSWER_GROUPS if ask.yes_no_too else ("unsure",)) + REQUESTS, phrases, spelled=True))
    if ask.fact and ask.expect == "free" and language.lexicons.get(ask.fact) is not None \
            and language.lexicons[ask.fact].kind == "list":  # "Where exactly do you feel it?"
        places = _said_of(ask.fact, phrases_of(knowledge), words=4)
        phrases = _unique(places + unsure + spelled_out)
        return Context(ask.fact, phrases, places=places, checked=final, plain_words=frozenset(language.cues.stop_words),
                       beyond=beyond(("unsure",) + REQUESTS, phrases, spelled=True))
    if "how long" in ask.text.lower():
        unsure = tuple(" ".join(w) for w, group in replies.items() if group == "unsure" and len(w) <= 3)
        phrases = _unique(unsure + spelled_out)
        return Context("duration", phrases, durations=True, checked=final, beyond=beyond(("unsure",) + REQUESTS, phrases, spelled=True))
    return None


def _said_of(fact: str, phrases, words: int = 3) -> tuple[str, ...]:
    """How the lexicon says the fact in up to `words` words ("gradually", "out of nowhere", "bad back")."""
    return _unique(tuple(p.text for p in phrases if p.fact == fact and p.text and len(p.text.split()) <= words
                         and all(len(w) > 1 or w in "ai" for w in p.text.split())))  # not "back s fine" of "back's"


def _unique(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Each phrase once; typed-only spellings ("dont", "idk") are not said, so not listened for."""
    return tuple(dict.fromkeys(p for p in phrases if p and TYPED_ONLY.isdisjoint(p.split())))
