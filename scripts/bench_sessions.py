"""Whole spoken sessions offline (issue 7), for `scripts/bench --voice`; `--misses` lists each difference (of
held-out patients too with `--heldout-misses`).

Each labelled description (tests/fixtures/eval/descriptions.yaml) is a patient. They say it, then answer every
question from the facts of their own words as text mode reads them: yes to the question of a red flag they have,
no to the others, their side and back pain, "gradually", "a few weeks" when their words don't say. Every turn is
synthesised, decoded in its question's context by the real recogniser and read by the real spoken dialogue, as
voice/channel.py does; the same patient typed is the reference. Voices and noise take turns (each description
once: Piper if installed, espeak-ng at 140 and 190 wpm; clean and brown noise at 10 dB SNR, --pink: pink), so a run
takes minutes. The recogniser carries over from turn to turn and from session to session, as in a long session. With
`--fresh`, each patient has a new one that starts from how the last session ended (voice/start.py keeps the
microphone's sound), as sessions one after another on one computer; `--fresh --forget`: a first session each time.
`--turns`: each listed session turn by turn (the question, what was said, the reading kept).
"""

from __future__ import annotations

import collections
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]

NUMBERS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def duration_said(days: int | None) -> str:
    """How a patient says the duration of their own words ("six weeks" for 42 days; "a few weeks" if unsaid)."""
    for unit, size in (("year", 365), ("month", 30), ("week", 7), ("day", 1)):
        if days and days % size == 0 and days // size < len(NUMBERS):
            count = days // size
            return f"a {unit}" if count == 1 and unit != "day" else f"{NUMBERS[count]} {unit}{'s' * (count > 1)}"
    return "a few weeks"


READ_BACK = "Did you say: "


class Patient:
    """Answers from the facts of their own description, read as typed."""

    def __init__(self, brain, text: str, flags: set[str]) -> None:
        self.brain, self.text, self.flags, self.last = brain, text, flags, ""
        self.facts = dict(self._typed().facts)

    def _typed(self):
        """A typed session after their description."""
        from voice_triage.spoken import SpokenDialogue

        typed = SpokenDialogue(self.brain)
        typed.start()
        typed.hear(self.text)
        return typed

    def reply(self, ask, question=None) -> str:
        """The answer to `ask`; `question`: the open question, which a read-back is about."""
        if ask.text.startswith(READ_BACK):  # yes when the reading read back means what they said
            heard = ask.text[len(READ_BACK):].rstrip("?")
            kinds = {self.brain.replies.read(heard).kind, self.brain.replies.read(self.last).kind}
            same = heard == self.last.lower() or (len(kinds) == 1 and kinds <= {"yes", "no"})
            return "yes" if same or self.means_the_same(question, heard) else "no"
        self.last = self.answer(ask)
        return self.last

    def means_the_same(self, question, heard: str) -> bool:
        """Typed as the answer to `question`, `heard` sets the facts their own words would ("gradual" for
        "gradually", "left leg" for "the left"): a person says yes to it, as in bench_listening.py."""
        if question is None:
            return False
        facts = []
        for text in (heard, self.last):
            typed = self._typed()
            typed._ask(question)
            typed.hear(text)
            facts.append(dict(typed.facts))
        return question.fact in facts[1] and facts[0] == facts[1]

    def answer(self, ask) -> str:
        from voice_triage.dialogue import DESCRIBE, SUMMARY_OFFER

        facts, fact = self.facts, ask.fact
        if fact in (DESCRIBE.fact, "regions"):
            return self.text
        if fact == SUMMARY_OFFER.fact:
            return "no"
        question = next((q for q in self.brain.rules.screening if q.fact == fact), None)
        if question is not None:
            return "yes" if question.red_flag in self.flags else "no"
        said = {"side": {"left": "the left", "right": "the right", "both": "both"}.get(facts.get("side"), "the left"),
                "back_pain": {"current": "yes", "past": "years ago"}.get(facts.get("back_pain"), "no"),
                "duration_days": duration_said(facts.get("duration_days")),
                "onset": "suddenly" if facts.get("onset") == "sudden" else "gradually"}
        return said.get(fact, "yes" if facts.get(fact) is True else "no")


def session(brain, text: str, flags: set[str], hear=None, limit: int = 60) -> dict:
    """One session, spoken when `hear` (Ask, words -> Transcript) is given, else typed."""
    from voice_triage.events import Ask
    from voice_triage.spoken import SpokenDialogue

    dialogue, patient = SpokenDialogue(brain), Patient(brain, text, flags)
    events, asks, puts, turns = dialogue.start(), 0, collections.Counter(), []
    while not dialogue.done and asks < limit:
        ask = next((e for e in reversed(events) if isinstance(e, Ask)), None)
        if ask is None:
            break
        asks += 1
        puts[dialogue.pending.fact if dialogue.pending else ""] += 1
        words = patient.reply(ask, dialogue.pending)
        if hear is None:
            events = dialogue.hear(words)
        else:
            heard = hear(ask, words)
            raw = getattr(hear, "raw", None)  # the two readings the kept one was chosen from
            both = f" (open {raw.text!r} {raw.confidence:.2f}, grammar {raw.in_context.text!r})" \
                if raw is not None and raw.in_context is not None else ""
            turns.append(f"{ask.text} / said {words!r} / heard {heard.text!r} {heard.confidence:.2f}{both}")
            events = dialogue.hear(heard.text, heard.confidence)
    if not dialogue.done:
        dialogue.finish()
    assessment = dialogue.assessment()
    return {"level": assessment.level, "red_flags": set(assessment.red_flags), "asks": asks,
            "most_puts": max(puts.values(), default=0), "said": dialogue.said, "turns": turns}


def hearing(brain, recognizer, voice, snr, seed: int):
    """Speech of `voice` over noise, decoded in the question's context, kept as the voice channel keeps it."""
    from bench_listening import with_noise

    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import wav_chunks
    from voice_triage.voice.context import context_for
    from voice_triage.voice.readings import choose
    from voice_triage.voice.start import _new_red_flags, answer_to, command_in

    def hear(ask, words: str):
        context = context_for(ask, brain.knowledge)  # None for a description: the open model alone
        recognizer.expect(context)
        heard = hear.raw = transcribe(recognizer, wav_chunks(with_noise(voice.say(words), snr, seed),
                                                             trailing_silence=0.3))
        if context is None:
            return heard
        return choose(heard.in_context, heard, context, lambda text, in_context: bool(
            _new_red_flags(brain, text, in_context)), lambda text: answer_to(brain, ask, text),
            lambda text: command_in(brain, text))
    return hear


def main() -> list[str]:
    import evalsets
    from bench_listening import listed, voices

    from voice_triage.brain import Brain
    from voice_triage.facts import LEVELS
    from voice_triage.knowledge import load_knowledge
    from voice_triage.voice.start import MICROPHONE_SOUND, recognizer_for

    started, kept = time.perf_counter(), tempfile.TemporaryDirectory(prefix="voice-triage-bench-")
    brain = Brain(load_knowledge())
    recognizer, all_voices = recognizer_for(brain, "pocketsphinx"), voices()
    urgent = LEVELS.index("emergency")
    from bench_listening import NOISE_COLOUR
    lines = [f"spoken sessions offline (voices in turn: {', '.join(v.name for v in all_voices)}; "
             f"clean and 10 dB SNR {NOISE_COLOUR} noise)"]
    for part in ("dev",) if "--dev" in sys.argv else ("dev", "heldout"):  # --dev: while tuning
        count, misses, beyond = collections.Counter(), [], []
        for n, item in enumerate(evalsets.descriptions(part)):
            flags = set(item.get("red_flags", []))
            voice, snr = all_voices[n % len(all_voices)], (None, 10)[n // len(all_voices) % 2]
            typed = session(brain, item["text"], flags)
            if "--fresh" in sys.argv:
                recognizer = recognizer_for(brain, "pocketsphinx", remember=None if "--forget" in sys.argv else
                                            Path(kept.name) / MICROPHONE_SOUND)
            spoken = session(brain, item["text"], flags, hearing(brain, recognizer, voice, snr, seed=n))
            count["sessions"] += 1
            count["acceptable"] += spoken["level"] in item["levels"]
            count["typed acceptable"] += typed["level"] in item["levels"]
            count["same level"] += spoken["level"] == typed["level"]
            false_alarm = LEVELS.index(spoken["level"]) >= urgent > LEVELS.index(typed["level"])
            missed = bool(flags) and not flags & spoken["red_flags"]
            count["false emergencies"] += false_alarm
            count["with a red flag"] += bool(flags)
            count["red flags missed"] += missed
            count["put more than 3 times"] += spoken["most_puts"] > 3
            beyond.append(spoken["asks"] - typed["asks"])
            if spoken["level"] != typed["level"] or spoken["most_puts"] > 3:
                unacceptable = "" if spoken["level"] in item["levels"] else " (NOT ACCEPTABLE)"
                misses.append(f"    {voice.name}, {'clean' if snr is None else f'{snr} dB'}: {item['text']!r}: "
                              f"typed {typed['level']}, spoken {spoken['level']}{unacceptable}"
                              f"{' (FALSE EMERGENCY)' if false_alarm else ''}{' (MISSED RED FLAG)' if missed else ''}, "
                              f"questions {typed['asks']} -> {spoken['asks']}, heard first {spoken['said'][:1]}")
                if "--turns" in sys.argv:  # each spoken turn: the question, what was said, the reading kept
                    misses[-1] += "".join(f"\n        {turn}" for turn in spoken["turns"])
        lines.append(f"  {part} ({count['sessions']}): acceptable level {count['acceptable']} (typed "
                     f"{count['typed acceptable']}), same level as typed {count['same level']}, false emergencies "
                     f"{count['false emergencies']}, red flags missed {count['red flags missed']} of "
                     f"{count['with a red flag']}, a question put more than 3 times in all {count['put more than 3 times']}, "
                     f"questions beyond typed: median {statistics.median(beyond):g}, max {max(beyond)}")
        if "--misses" in sys.argv:
            lines += listed(misses, held_out=part != "dev")
    lines.append(f"  ({time.perf_counter() - started:.0f} s)")
    return lines


if __name__ == "__main__":
    print("\n".join(main()))
