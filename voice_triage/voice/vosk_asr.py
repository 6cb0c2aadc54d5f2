"""Vosk: the default engine when a model is installed (runtime grammar from intents/)."""

from __future__ import annotations

import json
from pathlib import Path

from .asr import SAMPLE_RATE, SpeechError, Transcript
from .context import Context

MODES = ("grammar", "open")


def build_grammar(vocabulary: list[str], in_model) -> list[str]:
    """Vosk grammar phrases: the domain words the model knows, plus "[unk]" when the model has it.

    "[unk]" matters: without it grammar mode forces silence and noise into words (VOICE.md).
    """
    words = sorted({w for w in vocabulary if w and in_model(w)})
    return words + ["[unk]"] if in_model("[unk]") else words


class VoskRecognizer:
    """Vosk Kaldi recogniser; `grammar` mode limits it to the domain, `open` lets the NLU repair."""

    def __init__(self, model_path: Path, vocabulary: list[str], mode: str = "grammar") -> None:
        if mode not in MODES:
            raise SpeechError(f"unknown Vosk mode {mode!r} (use {' or '.join(MODES)})")
        try:
            import vosk
        except ImportError as exc:
            raise SpeechError(f"Vosk is not installed ({exc})") from None
        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(model_path=str(model_path))  # a Path raises AttributeError
        except Exception as exc:  # Vosk raises a bare Exception("Failed to create a model")
            raise SpeechError(f"the Vosk model at {model_path} could not be loaded ({exc})") from None
        self._vosk = vosk
        self.mode = mode
        self.grammar = build_grammar(vocabulary, lambda w: self._model.vosk_model_find_word(w) != -1)
        if mode == "grammar" and not [w for w in self.grammar if w != "[unk]"]:
            raise SpeechError(f"the Vosk model at {model_path} knows none of the assistant's words "
                              "(is it an English model?)")
        if mode == "grammar" and not has_runtime_grammar(model_path):
            raise SpeechError(f"the Vosk model at {model_path} has a static graph (HCLG) and ignores grammars: "
                              "use a small model, or --vosk-mode open")
        self.name = f"Vosk ({model_path.name}, {mode} mode)"
        self._recognizer = None
        self._in_model = lambda w: self._model.vosk_model_find_word(w) != -1
        self._context_phrases: list[str] = []
        self._context: Context | None = None

    def expect(self, context: Context | None) -> None:
        """Put the question's whole answers first in the next grammars (the words stay, so a warning sign
        said out of turn is still heard)."""
        phrases = context.phrases if context is not None else ()
        self._context = context
        self._context_phrases = [p for p in phrases if all(self._in_model(w) for w in p.split())]

    def _new(self):
        if self.mode == "grammar":
            # ensure_ascii=False: Vosk reads the grammar as UTF-8; "\ub124" is no word of any model
            grammar = self._context_phrases + self.grammar
            recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE, json.dumps(grammar, ensure_ascii=False))
        else:
            recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        recognizer.SetWords(True)
        return recognizer

    def start(self) -> None:
        # a fresh recogniser per utterance: SetGrammar after audio can abort the process (VOICE.md)
        self._recognizer = self._new()
        self._parts: list[dict] = []

    def feed(self, pcm: bytes) -> None:
        assert self._recognizer is not None
        if self._recognizer.AcceptWaveform(pcm):
            self._parts.append(json.loads(self._recognizer.Result()))

    def complete(self) -> bool:
        """The words so far are a whole answer of the question's context."""
        if self._context is None or self._recognizer is None:
            return False
        said = [p.get("text", "") for p in self._parts] + [json.loads(self._recognizer.PartialResult()).get("partial", "")]
        return self._context.ends(" ".join(w for w in " ".join(said).split() if w != "[unk]"))

    def finish(self) -> Transcript:
        assert self._recognizer is not None
        self._parts.append(json.loads(self._recognizer.FinalResult()))
        words = [(w["word"], float(w.get("conf", 1.0))) for part in self._parts for w in part.get("result", [])
                 if w.get("word") != "[unk]"]
        text = " ".join(w for w, _ in words)
        return Transcript(text, sum(c for _, c in words) / len(words) if words else 0.0, tuple(words))


def has_runtime_grammar(model_path: Path) -> bool:
    """Small models (HCLr/Gr graphs) accept runtime grammars; big ones (HCLG) ignore them."""
    graph = model_path / "graph"
    return (graph / "HCLr.fst").exists() and (graph / "Gr.fst").exists()
