"""Compile intents/ (YAML, hassil templates) into a Language, reporting file:line errors."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from .data import DataError, DataErrors, LineDict, LineList, display_path, line_of
from .duration import duration_words
from .language import ANYONE, Cues, Language, Lexicon, Phrase, Replies, build_trie, content_tokens
from .normalize import WordRepairer, tokenize
from .question_echo import EchoWords
from .yamlfile import load_yaml

LEXICON_TYPES = ("list", "choice", "flag")
REPLY_GROUPS = ("yes", "hedged_yes", "degree", "likely", "no", "hedged_no", "unsure", "echo_yes", "echo_no", "echo_cannot", "partial",
                "opening_yes", "opening_no", "negator", "repeat", "explain", "filler")
REPLY_POLICY = {"hedged_yes": ("yes",), "hedged_no_on_warning_sign": ("confirm", "unsure"),
                "hedged_no": ("no", "confirm"), "conflict": ("unclear",)}
COMMON_ZIPF = 3.0
"""Words at least this frequent in English (wordfreq's Zipf scale; about 29,000 words) are never
'repaired' into a domain word: "hills" is not a slip for "chills"."""
MAX_EXPANSIONS = 20000
"""A template that expands to more sentences than this is almost certainly a mistake."""


def _expand(templates: Any, where: str, line: int, rules: dict | None = None) -> list[str]:
    """Expand hassil templates into plain sentences."""
    return [sentence for each in _expand_each(templates, where, line, rules) for sentence in each]


def _expand_each(templates: Any, where: str, line: int, rules: dict | None = None) -> list[list[str]]:
    """Expand hassil templates into plain sentences, template by template (in one hassil pass: a pass per
    template took a cold start's compile from 2.0 s to 3.5-4.5 s)."""
    from hassil import Intents  # slow import (~0.2 s): only on a cache miss
    from hassil.sample import sample_intents

    if isinstance(templates, str):
        templates = [templates]
    if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
        raise DataError(where, line, "expected a list of sentence templates (text)")
    try:
        each_one = {str(i): {"data": [{"sentences": [template]}]} for i, template in enumerate(templates)}
        intents = Intents.from_dict({"language": "en", "expansion_rules": rules or {}, "intents": each_one})
        out = list(itertools.islice(sample_intents(intents), MAX_EXPANSIONS + 1))
    except Exception as exc:  # hassil raises plain Exceptions on bad templates
        raise DataError(where, line, f"bad sentence template: {exc}") from None
    if len(out) > MAX_EXPANSIONS:
        raise DataError(where, line, f"template expands to more than {MAX_EXPANSIONS} sentences")
    each: list[list[str]] = [[] for _ in templates]
    for name, sentence in out:
        each[int(name)].append(" ".join(sentence.split()))
    return each


def _words(items: Any, where: str, line: int) -> list[str]:
    """A list of text items; YAML's bare yes/no/on/off are booleans, so they must be quoted."""
    if not isinstance(items, list):
        raise DataError(where, line, "expected a list")
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise DataError(where, line_of(items, index=i),
                            f"{item!r} is not text: quote it (YAML reads bare yes/no/on/off as true/false)")
    return items


def _cue_tuples(items: Any, where: str, line: int) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(tokenize(item)) for item in _words(items, where, line) if tokenize(item))


def compile_cues(path: Path, root: Path) -> Cues:
    doc = load_yaml(path, root)
    where = display_path(path, root)
    if not isinstance(doc, LineDict):
        raise DataError(where, 1, "expected a mapping")
    for key in ("window", "negation", "history", "other", "proxy", "terminators", "stop_words", "transparent_words"):
        if key not in doc:
            raise DataError(where, getattr(doc, "line", 1), f"missing `{key}`")

    def section(name: str, part: str) -> tuple[tuple[str, ...], ...]:
        block = doc[name]
        if not isinstance(block, LineDict) or part not in block:
            raise DataError(where, line_of(doc, name), f"`{name}` needs a `{part}` list")
        return _cue_tuples(block[part], where, line_of(block, part))

    others = _cue_tuples(doc["other"], where, line_of(doc, "other"))
    refer = doc.get("refer_back") or {}
    if not isinstance(refer, dict):
        raise DataError(where, line_of(doc, "refer_back"), "`refer_back` needs `words`, `after` and `to` lists")
    proxy: list[tuple[tuple[str, ...], str]] = []
    placeholder = "zzperson"
    for i, pattern in enumerate(doc["proxy"]):
        line = line_of(doc["proxy"], index=i)
        for sentence in _expand(str(pattern).replace("{other}", placeholder), where, line):
            tokens = tuple(tokenize(sentence))
            if not any(placeholder in t for t in tokens):
                proxy.append((tokens, ANYONE))
                continue
            for person in others:
                if len(person) == 1:
                    proxy.append((tuple(t.replace(placeholder, person[0]) for t in tokens), person[0]))
    return Cues(
        window=int(doc["window"]),
        negation_before=section("negation", "before"),
        negation_after=section("negation", "after"),
        history_before=section("history", "before"),
        history_after=section("history", "after"),
        uncertainty=_cue_tuples(doc.get("uncertainty", []), where, line_of(doc, "uncertainty")),
        other=others,
        proxy=tuple(proxy),
        proxy_pronouns=frozenset(_words(doc.get("proxy_pronouns", []), where, line_of(doc, "proxy_pronouns"))),
        reporting=frozenset(_words(doc.get("reporting", []), where, line_of(doc, "reporting"))),
        other_determiners=frozenset(_words(doc.get("other_determiners", []), where, line_of(doc, "other_determiners"))),
        terminators=_cue_tuples(doc["terminators"], where, line_of(doc, "terminators")),
        stop_words=frozenset(_words(doc["stop_words"], where, line_of(doc, "stop_words"))),
        transparent_words=frozenset(_words(doc["transparent_words"], where, line_of(doc, "transparent_words"))),
        hypothetical=_cue_tuples(doc.get("hypothetical", []), where, line_of(doc, "hypothetical")),
        hypothetical_facts=frozenset(_words(doc.get("hypothetical_facts", []), where, line_of(doc, "hypothetical_facts"))),
        list_words=frozenset(_words(doc.get("list_words", []), where, line_of(doc, "list_words"))),
        refer_back_words=frozenset(_words(refer.get("words", []), where, line_of(doc, "refer_back"))),
        refer_back_after=frozenset(_words(refer.get("after", []), where, line_of(doc, "refer_back"))),
        refer_back_to=frozenset(_words(refer.get("to", []), where, line_of(doc, "refer_back"))),
        keep_form=frozenset(_words(doc.get("keep_form", []), where, line_of(doc, "keep_form"))),
        spoken_subjects=frozenset(_words(doc.get("spoken_subjects", []), where, line_of(doc, "spoken_subjects"))),
    )


def compile_concepts(path: Path, root: Path) -> dict[str, str]:
    """intents/concepts.yaml: named word classes (<saddle_area>, <numb>...) that every lexicon may use."""
    doc = load_yaml(path, root)
    where = display_path(path, root)
    rules = doc.get("expansion_rules") if isinstance(doc, LineDict) else None
    if not isinstance(rules, LineDict):
        raise DataError(where, 1, "expected `expansion_rules`: a mapping of names to templates")
    for name, template in rules.items():
        if not isinstance(template, str):
            raise DataError(where, line_of(rules, name), f"`{name}` must be one template (text)")
        _expand(template, where, line_of(rules, name), dict(rules))  # report a bad template at its own line
    return dict(rules)


def compile_lexicon(path: Path, root: Path, stop_words: frozenset[str],
                    concepts: dict[str, str] | None = None) -> tuple[list[Lexicon], list[Phrase]]:
    doc = load_yaml(path, root)
    where = display_path(path, root)
    if not isinstance(doc, LineDict):
        raise DataError(where, 1, "expected a mapping with `type` and `entries`")
    kind = doc.get("type")
    if kind not in LEXICON_TYPES:
        raise DataError(where, line_of(doc, "type"), f"`type` must be one of {', '.join(LEXICON_TYPES)}")
    entries = doc.get("entries")
    if not isinstance(entries, LineDict) or not entries:
        raise DataError(where, line_of(doc, "entries"), "`entries` must map values to sentence templates")
    unknown = set(doc) - {"fact", "type", "entries", "negated", "historical", "history_counts", "overlaps", "names"}
    if unknown:
        key = sorted(unknown)[0]
        raise DataError(where, line_of(doc, key), f"unknown key `{key}`")
    # `overlaps`: true for the whole file, or (in a file of yes/no facts) a list of its facts
    overlaps = doc.get("overlaps", False)
    if isinstance(overlaps, list) and kind == "flag":
        for stray in set(overlaps) - set(entries):
            raise DataError(where, line_of(doc, "overlaps"), f"overlaps names unknown fact `{stray}`")
    elif not isinstance(overlaps, bool):
        raise DataError(where, line_of(doc, "overlaps"), "`overlaps` must be true or false (or, for yes/no facts, a list of them)")
    lexicons: list[Lexicon] = []
    phrases: list[Phrase] = []
    if kind == "flag":
        counts = set(doc.get("history_counts", []))
        for fact in entries:
            hides_nothing = fact in overlaps if isinstance(overlaps, list) else overlaps
            lexicons.append(Lexicon(fact, "flag", (True,), history_counts=fact in counts, overlaps=hides_nothing,
                                    file=where))
        for missing in counts - set(entries):
            raise DataError(where, line_of(doc, "history_counts"), f"history_counts names unknown fact `{missing}`")
    else:
        fact = doc.get("fact")
        if not isinstance(fact, str):
            raise DataError(where, line_of(doc), "`fact` must name the fact this lexicon fills")
        values = tuple(entries)
        for key in ("negated", "historical"):
            if key in doc and doc[key] not in values:
                raise DataError(where, line_of(doc, key), f"`{key}` must be one of the entries ({doc[key]!r} is not)")
        names = doc.get("names") or {}
        if not isinstance(names, dict) or set(names) - set(values) or not all(isinstance(v, str) for v in names.values()):
            raise DataError(where, line_of(doc, "names"), "`names` must map values of the entries to text")
        lexicons.append(Lexicon(fact, kind, values, doc.get("negated"), doc.get("historical"),
                                overlaps=overlaps, file=where, names=dict(names)))
    for key, templates in entries.items():
        fact, value = (key, True) if kind == "flag" else (doc["fact"], key)
        line = line_of(entries, key)
        seen: set[tuple[str, ...]] = set()
        for i, sentences in enumerate(_expand_each(templates, where, line, concepts)):
            # each template's own line: a reviewer is sent to it, and the speech model takes templates in turn
            at = line_of(templates, index=i) or line
            for sentence in sentences:
                tokens = content_tokens(sentence, stop_words)
                if tokens and tokens not in seen:  # "inside of my thigh", "inside of the thigh": one phrase
                    seen.add(tokens)
                    phrases.append(Phrase(tokens, fact, value, f"{where}:{at}", " ".join(tokenize(sentence))))
    return lexicons, phrases


def compile_intents(path: Path, root: Path) -> tuple[dict[str, list[str]], frozenset[str]]:
    doc = load_yaml(path, root)
    where = display_path(path, root)
    if not isinstance(doc, LineDict) or not isinstance(doc.get("intents"), LineDict):
        raise DataError(where, 1, "expected hassil intents: a mapping with `intents`")
    rules = doc.get("expansion_rules") or {}
    out: dict[str, list[str]] = {}
    for name, body in doc["intents"].items():
        line = line_of(doc["intents"], name)
        if not isinstance(body, LineDict) or not isinstance(body.get("data"), LineList):
            raise DataError(where, line, f"intent {name} needs `data: - sentences: [...]`")
        sentences: list[str] = []
        for block in body["data"]:
            sentences += _expand(block.get("sentences", []), where, getattr(block, "line", line), rules)
        out[name] = [" ".join(tokenize(s)) for s in sentences]
    fillers = frozenset(_words(doc.get("filler_words") or [], where, line_of(doc, "filler_words")))
    return out, fillers


def compile_corrections(path: Path, root: Path) -> tuple[dict[tuple[str, ...], tuple[str, ...]], frozenset[str]]:
    doc = load_yaml(path, root)
    where = display_path(path, root)
    if not isinstance(doc, LineDict):
        raise DataError(where, 1, "expected `replace` and `keep`")
    replace = doc.get("replace") or {}
    keep = frozenset(_words(doc.get("keep") or [], where, line_of(doc, "keep")))
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for heard, meant in replace.items():
        if str(heard) in keep:
            raise DataError(where, line_of(replace, heard), f"`{heard}` is both replaced and kept")
        table[tuple(tokenize(str(heard)))] = tuple(tokenize(str(meant)))
    return table, keep


def compile_answers(path: Path, root: Path) -> Replies:
    """intents/answers.yaml: reply phrases by group, and the policy for each reading."""
    doc = load_yaml(path, root)
    where = display_path(path, root)
    if not isinstance(doc, LineDict):
        raise DataError(where, 1, "expected a mapping of reply groups")
    unknown = set(doc) - set(REPLY_GROUPS) - {"after_echo", "statement_subjects", "question_echo", "sound_alike", "policy"}
    if unknown:
        key = sorted(unknown)[0]
        raise DataError(where, line_of(doc, key), f"unknown group `{key}` (groups: {', '.join(REPLY_GROUPS)})")
    phrases: dict[tuple[str, ...], str] = {}
    for group in REPLY_GROUPS:
        if group not in doc:
            raise DataError(where, 1, f"missing group `{group}`")
        line = line_of(doc, group)
        for sentence in _expand(_words(doc[group], where, line), where, line):
            words = tuple(tokenize(sentence.replace("-", " ")))
            if words and phrases.setdefault(words, group) != group:
                raise DataError(where, line, f"{' '.join(words)!r} is in both `{phrases[words]}` and `{group}`")
    policy = doc.get("policy")
    if not isinstance(policy, LineDict):
        raise DataError(where, 1, "missing `policy`")
    for key, allowed in REPLY_POLICY.items():
        if policy.get(key) not in allowed:
            raise DataError(where, line_of(policy, key) if key in policy else line_of(doc, "policy"),
                            f"`policy.{key}` must be one of {', '.join(allowed)}")
    after = {w for item in _words(doc.get("after_echo") or [], where, line_of(doc, "after_echo"))
             for w in tokenize(item)}
    subjects = {w for item in _words(doc.get("statement_subjects") or [], where, line_of(doc, "statement_subjects"))
                for w in tokenize(item)}
    vocabulary = frozenset(w for words in phrases for w in words)
    alike = frozenset(tuple(tokenize(item)) for item in _words(doc.get("sound_alike") or [], where, line_of(doc, "sound_alike")))
    return Replies(phrases, frozenset(after), {k: str(v) for k, v in policy.items()}, vocabulary, frozenset(subjects),
                   _echo_words(doc.get("question_echo"), where, line_of(doc, "question_echo")), alike)


def _echo_words(doc: Any, where: str, line: int) -> EchoWords | None:
    """answers.yaml `question_echo`: the word lists for an answer that repeats the question."""
    if doc is None:
        return None
    if not isinstance(doc, LineDict):
        raise DataError(where, line, "`question_echo` must be a mapping (subjects, others, function_words, degree_words, contractions)")
    lists = {}
    for key in ("subjects", "others", "function_words", "degree_words"):
        if key not in doc:
            raise DataError(where, line, f"`question_echo` is missing `{key}`")
        lists[key] = frozenset(w for item in _words(doc[key], where, line_of(doc, key)) for w in tokenize(item))
    contractions = doc.get("contractions") or {}
    if not isinstance(contractions, dict) or not all(isinstance(v, str) for v in contractions.values()):
        raise DataError(where, line_of(doc, "contractions") if "contractions" in doc else line,
                        "`contractions` must map each short form to its words (text)")
    return EchoWords(contractions={str(k): tuple(tokenize(v)) for k, v in contractions.items()}, **lists)


def verb_lemmas(words: set[str], keep_form: frozenset[str] = frozenset()) -> dict[str, str]:
    """Every verb form of the lexicon's verbs, to its lemma: "wiping", "wiped", "wipes" -> "wipe".

    Only forms that can only be verbs, with one lemma, are mapped: "left" (also an adjective) and
    "soles" (also a noun: both feet) stay as they are.
    """
    from lemminflect import getAllInflections, getAllLemmas  # only on a cache miss

    def lemma_of(word: str) -> str | None:
        readings = getAllLemmas(word)
        found = {lemma for lemmas in readings.values() for lemma in lemmas}
        return found.pop() if set(readings) == {"VERB"} and len(found) == 1 else None

    out: dict[str, str] = {}
    for word in words:
        lemma = lemma_of(word) or (word if set(getAllLemmas(word)) >= {"VERB"} else None)
        if lemma is None:
            continue
        for forms in getAllInflections(lemma, upos="VERB").values():
            for form in forms:
                if lemma_of(form) == lemma and form not in keep_form:
                    out[form] = lemma
        if word not in keep_form:
            out[word] = lemma
    return out


def common_words() -> frozenset[str]:
    """English words frequent enough to be real words, never slips (wordfreq)."""
    from wordfreq import iter_wordlist, zipf_frequency  # only on a cache miss

    out = set()
    for word in iter_wordlist("en"):
        if zipf_frequency(word, "en") < COMMON_ZIPF:
            break
        out.add(word)
    return frozenset(out)


def compile_language(root: Path) -> Language:
    """Compile intents/; raises DataErrors listing the first problem in every broken file."""
    intents_dir = root / "intents"
    errors: list[DataError] = []

    def attempt(compile_one, *args):
        try:
            return compile_one(*args)
        except DataError as error:
            errors.append(error)
        return None

    cues = attempt(compile_cues, intents_dir / "cues.yaml", root)
    concepts = attempt(compile_concepts, intents_dir / "concepts.yaml", root) or {}
    lexicons: dict[str, Lexicon] = {}
    phrases: list[Phrase] = []
    for path in sorted((intents_dir / "lexicon").glob("*.yaml")):
        compiled = attempt(compile_lexicon, path, root, cues.stop_words if cues else frozenset(), concepts)
        for lexicon in compiled[0] if compiled else []:
            if lexicon.fact in lexicons:
                errors.append(DataError(lexicon.file, 1, f"fact `{lexicon.fact}` is also defined in {lexicons[lexicon.fact].file}"))
            lexicons[lexicon.fact] = lexicon
        phrases += compiled[1] if compiled else []
    compiled_intents = attempt(compile_intents, intents_dir / "dialogue.yaml", root)
    corrections = attempt(compile_corrections, intents_dir / "corrections.yaml", root)
    replies = attempt(compile_answers, intents_dir / "answers.yaml", root)
    if errors or cues is None or compiled_intents is None or corrections is None or replies is None:
        raise DataErrors(errors)
    intents, fillers = compiled_intents
    replacements, keep = corrections
    words = {w for p in phrases for w in p.tokens}
    words |= {w for sentences in intents.values() for s in sentences for w in s.split()}
    for group in (cues.negation_before, cues.negation_after, cues.history_before, cues.history_after,
                  cues.uncertainty, cues.other, cues.terminators):
        words |= {w for cue in group for w in cue}
    words |= cues.stop_words | cues.transparent_words | cues.proxy_pronouns | cues.reporting | fillers
    words |= {w for pattern, _ in cues.proxy for w in pattern}
    words |= {w for meant in replacements.values() for w in meant}
    words |= duration_words()
    lemmas = verb_lemmas({w for p in phrases for w in p.tokens}, cues.keep_form)
    repairer = WordRepairer(sorted(words), keep | common_words(), replacements)
    pairs = [(name, s) for name, sentences in intents.items() for s in sentences]
    language = Language(phrases, lexicons, intents, cues, repairer, pairs, fillers, replies, lemmas)
    language.trie = build_trie(phrases, language.key)
    return language
