"""Put a voice session together, explaining every fallback in one sentence."""

from __future__ import annotations

import sys
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from ..brain import Brain
from ..knowledge import cache_dir
from ..events import Ask
from ..duration import parse_duration
from ..intent import ANSWERS
from ..normalize import tokenize
from .asr import SpeechError, choose_recognizer
from .audio import AudioError, Microphone
from .endpoint import Endpointing
from .channel import RecordedTurns, VoiceChannel
from .context import PLACE_LEADS, TYPED_ONLY, context_for
from .tts import PrintedSpeaker, Pyttsx3Speaker, Speaker


MICROPHONE_SOUND = "pocketsphinx-microphone-mean.txt"
"""In the cache folder: how the microphone sounded at the end of the last session (PocketSphinx's cepstral means)."""


@dataclass
class VoiceOptions:
    """The command-line choices for a voice session."""

    asr: str | None = None
    """`vosk`, `pocketsphinx`, or None for the best available."""
    model: str | None = None
    """A Vosk model folder."""
    vosk_mode: str = "grammar"
    """`grammar` (domain words only) or `open`."""
    input_device: str | None = None
    """Microphone (index or name)."""
    output_device: str | None = None
    """Speaker (index or name)."""
    voice: str | None = None
    """TTS voice id or name."""
    rate: int | None = None
    """Speaking rate (words per minute)."""
    silence: float = 0.3
    """Trailing silence that ends an utterance (seconds)."""
    listen_timeout: float = 8.0
    """How long to wait for an answer to start."""
    turns: list[Path] | None = None
    """Recorded turns (WAV files) instead of a microphone."""


def _device(value: str | None) -> int | str | None:
    return int(value) if value is not None and value.isdigit() else value


def _new_red_flags(brain: Brain, heard: str, in_context: str) -> set[str]:
    """Red flags the open reading would fire that the question's reading would not."""
    return set(brain.red_flags_from({}, heard)[0]) - set(brain.red_flags_from({}, in_context)[0])


def answer_to(brain: Brain, ask: Ask, text: str) -> str | None:
    """What a reading answers to `ask` itself ("yes", "no, hedged", "unsure", the choices or places it names, a number
    of days), or None. A request ("what") answers nothing: it is the commonest mishearing of a short answer ("left")."""
    words = tokenize(text)
    lexicon = brain.lexicons.get(ask.fact) if ask.fact else None
    choosing = ask.expect == "choice" or (lexicon is not None and lexicon.kind == "list")
    if choosing:
        # the choice first: "right" is also a yes, and "right and left" (both) and "right and you" (right) read as
        # the same yes let the open reading through (typed set's dev replies said, espeak-ng 140 wpm)
        named = _choice_named(brain, ask, text, words)
        if named is not None:
            return named
    reply = brain.replies.read(text)
    if reply.answers:
        return reply.kind + (", hedged" if reply.hedged else "")  # "probably not" is checked, "no" is not
    if choosing:
        return None
    days = parse_duration(words) if "how long" in ask.text.lower() else None
    return f"{days} days" if days is not None else None


def _choice_named(brain: Brain, ask: Ask, text: str, words: list[str]) -> str | None:
    """The choices or places a reading names, as the lexicon reads them ("gradually" and "slowly" agree), or None."""
    facts: dict = {}
    if ask.fact:
        brain.read(facts, text)
    value = facts.get(ask.fact)
    if isinstance(value, str):
        return value.replace("_", " ")
    named = sorted(value) if isinstance(value, list) else [choice for choice in ask.choices if choice in words]
    return "+".join(named) if named else None  # places too: "top_of_foot+toes"


def command_in(brain: Brain, text: str) -> str | None:
    """The dialogue command a whole reading is ("GoBack", "Stop", "Repeat"), or None ("I meant no" is an answer)."""
    intent = brain.intents.recognize(text)
    return intent.name if intent is not None and intent.whole and intent.name not in ANSWERS else None


def vocabulary(brain: Brain) -> list[str]:
    """Every word the understanding knows: the recogniser's grammar comes from intents/."""
    language = brain.knowledge.language
    # the words of short replies ("yeah", "nope", "not really"); longer ones add more confusions than they fix
    replies = {w for words in (language.replies.phrases if language.replies else {}) if len(words) <= 2 for w in words}
    # typed-only spellings ("cant" beside "can't") are not said: listening for both splits the model between them
    return sorted((set(language.repairer.vocabulary) | replies) - TYPED_ONLY)


def as_said(sentences: list[str], words: list[str]) -> list[str]:
    """The sentences with typed-only spellings put as they are said ("i cant" -> "i can't")."""
    said = {w.replace("'", ""): w for w in words if "'" in w}
    return [" ".join(said.get(w, w) if w in TYPED_ONLY else w for w in s.split()) for s in sentences]


def recognizer_for(brain: Brain, engine: str | None, model: str | None = None, vosk_mode: str = "grammar",
                   remember: Path | None = None):
    """The chosen speech engine, biased to the words and sentences of intents/ (PocketSphinx keeps how the
    microphone sounds in `remember`, if given)."""
    from ..data import data_root
    from ..knowledge import phrases_of
    from .lm import domain_sentences
    from .said import frame_words, load_frames

    language = brain.knowledge.language
    root = data_root()
    frames = load_frames(root / "intents" / "said.yaml", root, set(language.lexicons))
    words = sorted(set(vocabulary(brain)) | frame_words(frames))
    sentences = as_said(domain_sentences(language, phrases_of(brain.knowledge), frames), words)
    answer_words = frozenset(w for words in language.replies.phrases for w in words) \
        | frozenset(w for _, sentence in language.sentences for w in sentence.split()) \
        | frozenset(w for lead in PLACE_LEADS for w in lead.split())
    return choose_recognizer(engine, words, sentences, model, vosk_mode, answer_words - TYPED_ONLY, remember)


def open_voice(options: VoiceOptions, brain: Brain, stdin: BinaryIO, stdout: TextIO, jsonl: bool,
               note: TextIO = sys.stderr) -> VoiceChannel:
    """A ready voice channel. Raises SpeechError (with the reason) when voice can't work here."""
    remember = None  # recorded turns may come from anywhere: only a microphone's sound is kept
    if options.turns is not None:
        listener = RecordedTurns(list(options.turns))
    else:
        try:
            listener = Microphone(_device(options.input_device))
        except AudioError as exc:
            raise SpeechError(f"no microphone ({exc})") from None
        remember = cache_dir() / MICROPHONE_SOUND
    recognizer = recognizer_for(brain, options.asr, options.model, options.vosk_mode, remember)
    if options.asr is None and recognizer.name.startswith("PocketSphinx"):  # the fallback was taken
        note.write("voice-triage: no Vosk model is installed, so speech is recognised by the bundled "
                   "offline engine, PocketSphinx (`voice-triage model download` fetches Vosk's).\n")
    speaker: Speaker
    try:
        speaker = Pyttsx3Speaker(options.voice, options.rate, _device(options.output_device))
    except SpeechError as exc:
        note.write(f"voice-triage: no speech engine ({exc}), so replies are printed only.\n")
        speaker = PrintedSpeaker()
    note.write(f"voice-triage: listening with {listener.name} and {recognizer.name}; speaking with {speaker.name}.\n")
    typing = not jsonl and stdin.isatty()  # a person at a terminal; piped input is left alone
    if typing:
        note.write("voice-triage: you can also type an answer at any time and press Enter.\n")

    channel = VoiceChannel(listener, recognizer, speaker, stdout, jsonl,
                           Endpointing(options.silence, options.listen_timeout),
                           listen_for=lru_cache(maxsize=128)(lambda ask: context_for(ask, brain.knowledge)),
                           matters=lambda heard, in_context: bool(_new_red_flags(brain, heard, in_context)),
                           answers=lambda ask, text: answer_to(brain, ask, text),
                           command=lambda text: command_in(brain, text),
                           keyboard=stdin, type_while_listening=typing)
    # The channel keeps the real stdout. Libraries that print (pyttsx3's espeak driver prints
    # "Audio saved to ...", sometimes after runAndWait returns) now print to stderr instead.
    sys.stdout = sys.stderr
    return channel
