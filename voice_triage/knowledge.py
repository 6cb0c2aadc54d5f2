"""Load the language data and the rule book once, with a compiled cache for a fast start."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .data import DataError, DataErrors, data_files, data_root
from .language import Language, Phrase
from .rules import RuleBook

CACHE_ENV = "VOICE_TRIAGE_CACHE"
_COMPILER_MODULES = ("language.py", "reply.py", "scope.py", "understand.py", "language_loader.py", "rules.py", "rules_loader.py", "normalize.py",
                     "duration.py", "data.py", "yamlfile.py", "question_echo.py")


@dataclass
class Knowledge:
    """What the assistant knows: the language of intents/ and the rules of rules/."""

    language: Language
    """Compiled intents, lexicons and cues."""
    rules: RuleBook
    """The triage rule book."""
    phrases_file: str = ""
    """Where the cache keeps language.phrases, which a cached load leaves out (see `phrases_of`)."""


def compile_knowledge(root: Path) -> Knowledge:
    """Build from the YAML files (slow: hassil expands every template)."""
    from .language_loader import compile_language
    from .rules_loader import load_rulebook

    language = compile_language(root)
    rules = load_rulebook(root / "rules" / "triage.yaml", root, language)
    _add_question_forms(language, rules)
    return Knowledge(language, rules)


def _add_question_forms(language: Language, rules: RuleBook) -> None:
    """The word forms of every yes/no question the rules ask, so answers to them are read without a
    lemmatizer at run time (question_echo.EchoWords.forms)."""
    from .question_echo import expand, word_forms
    from .reply import reply_tokens

    echo = language.replies.question_echo if language.replies else None
    if echo is None:
        return
    questions = [*rules.questions, *rules.screening]
    words = {w for q in questions if q.expect == "yes_no" for text in (q.text, q.plain or "")
             for w in expand(reply_tokens(text), echo.contractions)}
    language.replies = replace(language.replies, question_echo=replace(echo, forms=word_forms(words)))


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256(f"{__version__} {sys.version_info[:2]}".encode())
    here = Path(__file__).parent
    for path in [*data_files(root), *(here / m for m in _COMPILER_MODULES)]:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def cache_dir() -> Path:
    """$VOICE_TRIAGE_CACHE, else the user cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "voice-triage"


def load_knowledge(root: Path | None = None, use_cache: bool = True) -> Knowledge:
    """The knowledge base; raises DataError/DataErrors (with file:line) when the data is broken."""
    root = root or data_root()
    if not (root / "intents").is_dir() or not (root / "rules").is_dir():
        raise DataErrors([_missing(root)])
    if not use_cache:
        return compile_knowledge(root)
    cached = cache_dir() / f"knowledge-{_fingerprint(root)}.pickle"
    try:
        with cached.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass
    knowledge = compile_knowledge(root)
    phrases = knowledge.language.phrases
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Text sessions need only the compiled trie: the phrase list (for speech grammars) is kept apart.
        knowledge.phrases_file = str(cached.with_suffix(".phrases"))
        knowledge.language.phrases = []
        _write(Path(knowledge.phrases_file), phrases)
        _write(cached, knowledge)
    except OSError:
        knowledge.phrases_file = ""  # a read-only home still works, just more slowly
    knowledge.language.phrases = phrases
    return knowledge


def phrases_of(knowledge: Knowledge) -> list[Phrase]:
    """Every lexicon phrase, for speech grammars: from the cache when a cached load left them out."""
    if not knowledge.language.phrases and knowledge.phrases_file:
        try:
            with open(knowledge.phrases_file, "rb") as handle:
                knowledge.language.phrases = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            knowledge.language.phrases = compile_knowledge(data_root()).language.phrases
    return knowledge.language.phrases


def _write(path: Path, obj: object) -> None:
    write_whole(path, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def write_whole(path: Path, data: bytes) -> None:
    """Writes a cache file so that a reader, or another process writing it too, never sees half of it."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _missing(root: Path) -> DataError:
    return DataError(str(root), 0, "no intents/ and rules/ folders here (set VOICE_TRIAGE_DATA to the data folder)")
