"""An answer that repeats the yes/no question's own words: "Are you in the Air Force?" "I am in the Air Force."

It is read only when the reply has no answer words of its own (reply.py found no evidence). Every
content word of the answer must come from the question: a new word ("Are you from Texas?" "I'm from
Pennsylvania") makes it a statement that needs its question, so it stays unclear. A negation counts
only at the start or at the echoed verb ("I have not been ..."); one further on ("I have trouble with
my bladder, not my bowels") leaves the whole answer unclear. A question that is negative itself
("You didn't go?") has no reading: a yes or a no to it can mean either. In a question with a negative
part ("weight loss you can't explain") the echoed verb must come before it.
The words are data (intents/answers.yaml, `question_echo`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

NEGATIONS = frozenset({"not", "never", "no", "without"})
NEGATIVE_QUESTION = 4
"""A negation among a question's first words makes it negative ("Didn't you go?", "You don't have one?")."""
PAST = {"did": "do", "had": "have", "was": "be", "were": "be"}
"""A past echo of a present question ("Do you have one?" "I did have.") says it is over: no reading."""


@dataclass(frozen=True)
class EchoWords:
    """The word lists for reading a question echo (intents/answers.yaml `question_echo`)."""

    subjects: frozenset[str]
    """Who an echo may start with ("I", "we", "it")."""
    function_words: frozenset[str]
    """Words with no content of their own ("the", "in", "my"): they may be added freely."""
    degree_words: frozenset[str]
    """Words that only strengthen ("very", "really", "so much"): they may be added freely too."""
    others: frozenset[str]
    """Who else a question may be about ("she", "they"): the person's "I didn't" does not answer it."""
    contractions: dict[str, tuple[str, ...]]
    """Short forms to their words ("i'm" -> "i am"); "n't" is split off any word."""
    forms: dict[str, frozenset[str]] = field(default_factory=dict)
    """Every form of the words of the assistant's own questions, to its lemmas ("went" -> go), made
    when the data is compiled, so that reading an answer to them needs no lemmatizer (0.4 s, 50 MB)."""


def word_forms(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """Every form of these words' lemmas, to its lemmas (for EchoWords.forms)."""
    from lemminflect import getAllInflections

    out: dict[str, set[str]] = {}
    for word in words:
        out.setdefault(word, set()).update(lemmas(word))
        for lemma in lemmas(word):
            for forms in getAllInflections(lemma).values():
                for form in forms:
                    out.setdefault(form, set()).add(lemma)
    return {form: frozenset(found) for form, found in out.items()}


@lru_cache(maxsize=4096)
def lemmas(word: str) -> frozenset[str]:
    """The word and its lemmas ("went" -> go, "children" -> child)."""
    from lemminflect import getAllLemmas  # imported on first use: 0.4 s, and most replies never need it

    found = {word}
    for forms in getAllLemmas(word).values():
        found.update(forms)
    return frozenset(found)


def _negation_start(clause: list[str]) -> int:
    """Where a clause's negated part starts: at its verb ("can" of "can not"), else at the negation."""
    at = next((i for i, w in enumerate(clause) if w in NEGATIONS), len(clause))
    return at - 1 if 0 < at < len(clause) and clause[at] == "not" else at


def expand(words: list[str], contractions: dict[str, tuple[str, ...]]) -> list[str]:
    """Contractions written out: "i'm" -> i am, "didn't" -> did not, "can't" -> can not."""
    out: list[str] = []
    for word in words:
        if word in contractions:
            out.extend(contractions[word])
        elif word.endswith("n't") and len(word) > 3:
            out.extend([word[:-3], "not"])
        else:
            out.append(word)
    return out


def kept_words(clauses: list[list[str]]) -> list[str]:
    """The question's words that an answer may echo. A clause's words from its negation on ("you can't
    feel the paper") are left out: "I can feel the paper" is no yes to "...for example you can't feel the paper?"."""
    return [w for clause in clauses for w in clause[:_negation_start(clause)]]


def lemmatizer(clauses: list[list[str]], words: EchoWords):
    """Lemmas from the compiled forms when every word of the question is one of the assistant's own;
    from the library otherwise (any other question, as in scripts/accuracy.py)."""
    if all(w in words.forms for clause in clauses for w in clause):
        return lambda word: words.forms.get(word, frozenset({word}))
    return lemmas


@dataclass(frozen=True)
class AskedQuestion:
    """A yes/no question, prepared once per reply for reading the answer against it."""

    first: tuple[str, ...]
    """Its first clause, as written."""
    opening: tuple[str, ...]
    """Its first clause with contractions written out (a negation here makes a negative question)."""
    kept: frozenset[str]
    """The words an answer may echo (see kept_words)."""
    said: frozenset[str]
    """The lemmas of those words: the echoed verb may be any of them ("am" to "are")."""
    content: frozenset[str]
    """The lemmas of those words that carry content."""
    has_negation: bool
    """Some clause is negative ("...you can't feel the paper?")."""
    lemma: Callable[[str], frozenset[str]]
    """Lemmas of a word (see lemmatizer)."""


def prepare(question: list[list[str]], words: EchoWords) -> AskedQuestion:
    """The question's clauses (split at punctuation, lower-case words), ready for reading answers."""
    clauses = [expand(clause, words.contractions) for clause in question]
    lemma = lemmatizer(clauses, words)
    kept = kept_words(clauses)
    return AskedQuestion(
        first=tuple(next((clause for clause in question if clause), [])),
        opening=tuple(next((clause for clause in clauses if clause), [])),
        kept=frozenset(kept),
        said=frozenset().union(*(lemma(w) for w in kept)),
        content=frozenset().union(*(lemma(w) for w in kept if w not in words.function_words)),
        has_negation=any(NEGATIONS & set(clause) for clause in clauses),
        lemma=lemma)


def in_question(word: str, asked: AskedQuestion, words: EchoWords) -> bool:
    """Whether a content word of the answer is one the question used ("hilly" to "Is it flat?": no)."""
    return word in words.function_words or bool(asked.lemma(word) & asked.said)


def used_in_question(word: str, asked: AskedQuestion, words: EchoWords) -> bool:
    """A content word the question itself used ("a bit, not cold" to "Is it cold?")."""
    return word not in words.function_words and in_question(word, asked, words)


def about_someone_else(asked: AskedQuestion, words: EchoWords) -> bool:
    """ "She had no help?": a statement of the person's own ("I didn't think much") is no answer to it."""
    return bool(set(asked.first[:3]) & words.others) and not {"you", "your"} & set(asked.first)


def read_echo(asked: AskedQuestion, answer: list[str], words: EchoWords) -> str | None:
    """`yes`, `no`, or None (not an echo). The answer comes without fillers, as lower-case words."""
    answer = expand(answer, words.contractions)
    if not answer or not asked.opening or NEGATIONS & set(asked.opening[:NEGATIVE_QUESTION]):
        return None
    lemma, kept = asked.lemma, asked.kept

    def free(word: str) -> bool:
        return word in words.function_words or word in words.degree_words

    def from_question(word: str) -> bool:
        return bool(lemma(word) & asked.content)

    negated = answer[0] in NEGATIONS
    if negated and asked.has_negation:
        return None  # "Not feeling when I need to go": the question's own negative words, not a no
    if answer[0] not in words.subjects:
        # "Both feet." "Bowels, yes." "Not my bladder.": the question's words alone
        rest = answer[1:] if negated else answer
        content = [w for w in rest if not free(w)]
        if not content or any(w in NEGATIONS or not from_question(w) for w in content):
            return None
        return "no" if negated else "yes"
    # "I am in the Air Force", "we do here", "I went to a health club": subject, the question's verb, its words
    i = 1
    while i < len(answer) and (answer[i] in NEGATIONS or answer[i] in words.degree_words):
        negated = negated or answer[i] in NEGATIONS
        i += 1
    if i >= len(answer) or not (lemma(answer[i]) & asked.said):
        return None
    if answer[i] in PAST and not kept & set(PAST):
        return None
    rest = answer[i + 1:]
    if rest[:1] and rest[0] in NEGATIONS:  # "I have not", "it is not numb"
        negated, rest = True, rest[1:]
    if any(w in NEGATIONS or not (free(w) or from_question(w)) for w in rest):
        return None
    return "no" if negated else "yes"
