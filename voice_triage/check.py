"""`voice-triage check`: validate intents/ and rules/, reporting `file:line: message`."""

from __future__ import annotations

from typing import TextIO

from .data import DataError, DataErrors, data_root
from .knowledge import Knowledge, compile_knowledge
from .voice.said import load_frames


def lint(knowledge: Knowledge) -> list[DataError]:
    """Problems that load fine but would mislead: conflicting or over-short phrases, shared sentences."""
    language = knowledge.language
    cues = language.cues
    errors: list[DataError] = []
    cue_words = {w for group in (cues.negation_before, cues.negation_after, cues.terminators)
                 for cue in group if len(cue) == 1 for w in cue}
    seen: dict[tuple[tuple[str, ...], str], object] = {}
    for phrase in language.phrases:
        file, _, line = phrase.where.rpartition(":")
        if len(phrase.tokens) == 1 and phrase.tokens[0] in cue_words:
            errors.append(DataError(file, int(line), f"a phrase of `{phrase.fact}` reduces to the cue word "
                                    f"{phrase.tokens[0]!r}; it would match every negation"))
        key = (phrase.tokens, phrase.fact)
        if key in seen and seen[key] != phrase.value:
            errors.append(DataError(file, int(line), f"{' '.join(phrase.tokens)!r} means both {seen[key]!r} and "
                                    f"{phrase.value!r} for `{phrase.fact}`"))
        seen.setdefault(key, phrase.value)
    owner: dict[str, str] = {}
    for name, sentence in language.sentences:
        if sentence in owner and owner[sentence] != name:
            errors.append(DataError("intents/dialogue.yaml", 0,
                                    f"{sentence!r} belongs to both {owner[sentence]} and {name}"))
        owner.setdefault(sentence, name)
    return errors


def run_check(out: TextIO) -> int:
    """Print every problem; exit status 1 if there are any."""
    root = data_root()
    try:
        knowledge = compile_knowledge(root)
        errors = lint(knowledge)
        frames = load_frames(root / "intents" / "said.yaml", root, set(knowledge.language.lexicons))
    except DataErrors as exc:
        errors, knowledge = exc.errors, None
    except DataError as exc:
        errors, knowledge = [exc], None
    for error in errors:
        out.write(f"{error}\n")
    if errors:
        out.write(f"{len(errors)} problem(s) found in {root}\n")
        return 1
    assert knowledge is not None
    rules = knowledge.rules
    replies = knowledge.language.replies
    out.write(f"ok: {len(knowledge.language.phrases)} phrases for {len(knowledge.language.lexicons)} facts, "
              f"{len(knowledge.language.intents)} dialogue commands, {len(replies.phrases) if replies else 0} "
              f"reply phrases, {len(frames)} spoken frames, {len(rules.red_flags)} red flags, "
              f"{len(rules.level_rules)} level rules, {len(rules.sources)} sources, {len(rules.advice)} advice items\n")
    return 0
