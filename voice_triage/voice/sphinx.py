"""PocketSphinx: the zero-download engine, biased to the domain by a bigram model of intents/."""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from ..knowledge import write_whole
from .asr import SAMPLE_RATE, SpeechError, Transcript
from .context import Context
from .jsgf import jsgf
from .lm import build_arpa, read_dictionary


ANSWER_WORD_INSERTION = 0.1
"""Word insertion probability of short answers' grammars (default 0.65): a short answer is less often forced into
a longer phrase ("a bit" into "i don't get it"). Typed set's dev replies said: 638 of 759 against 626 at 0.65 (0.02
and 0.05: 630, 0.2: 636), 1 yes/no flip against 3; first spoken set 134, 135, 131 of 135 against 133, 134, 130."""
PLACES_WORD_INSERTION = 0.65
"""For places, the default: at 0.1 "my shin" was heard as nothing, "the little toe" as "toe" (dev clean 59/72, 61)."""


class SphinxRecognizer:
    """PocketSphinx with a domain bigram model and a dictionary trimmed to the domain's words.

    VOICE.md: biasing to the domain recovers the key words the free model misses. A bag-of-words
    grammar over the full vocabulary stalls the grammar search, so this uses an n-gram model.
    """

    def __init__(self, vocabulary: list[str], sentences: list[str], answer_words: frozenset[str] = frozenset(),
                 remember: Path | None = None) -> None:
        """`remember`: a file that keeps the cepstral means from one session to the next (None: start from the
        model's each time)."""
        try:
            from pocketsphinx import Config, Decoder, get_model_path
        except ImportError as exc:
            raise SpeechError(f"PocketSphinx is not installed ({exc})") from None
        model = os.path.join(get_model_path(), "en-us")
        domain = set(vocabulary)
        pronunciations = read_dictionary(os.path.join(model, "cmudict-en-us.dict"), domain | answer_words)
        self.words = sorted(domain.intersection(pronunciations))
        # the grammars may also use the words of longer answers ("once or twice"), which the open model
        # leaves out: each more word it may say is one more confusion
        self.answer_words = sorted(pronunciations)
        if not self.words:
            raise SpeechError("none of the domain words is in the PocketSphinx dictionary")
        with tempfile.TemporaryDirectory(prefix="voice-triage-asr-") as folder:
            dictionary = os.path.join(folder, "domain.dict")
            answers_dictionary = os.path.join(folder, "answers.dict")
            language_model = os.path.join(folder, "domain.arpa")
            for path, words in ((dictionary, self.words), (answers_dictionary, self.answer_words)):
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write("\n".join(line for w in words for line in pronunciations[w]) + "\n")
            with open(language_model, "w", encoding="utf-8") as handle:
                handle.write(build_arpa(sentences, set(self.words)))
            config = Config()
            config["hmm"] = os.path.join(model, "en-us")
            config["dict"] = dictionary
            config["lm"] = language_model
            config["loglevel"] = "FATAL"
            config["samprate"] = SAMPLE_RATE
            # PocketSphinx's own search settings (topn 4, ds 1): with fewer Gaussians on every other frame (until
            # stop 11) spoken descriptions (dev) had 58.5% of words wrong against 44.0%, and lay warning signs were
            # heard at once in 88 of 222 against 110. The real-time factor was 0.22 either way on 2 cores
            try:
                self._decoder = Decoder(config)
                # a second decoder for the question's grammar, fed the same audio as it comes (RTF about 0.2).
                # No best-path pass: on the grammar's lattice it took 0.3 to 2.7 s after each turn (yes/no,
                # 490 phrases) and could leave the grammar ("sort" for "sort of"); the Viterbi path is a phrase.
                # The two share this Config, changed after the open one started: giving each its own changed 37 to
                # 62 of 405 open readings of the dev answers. Kept as every figure was measured, until understood
                config["bestpath"] = False
                config["dict"] = answers_dictionary
                self._in_context = Decoder(config)
                self._config = config  # each grammar search reads its word insertion penalty when it is added
                self._model_cmn = self._in_context.get_cmn()
            except RuntimeError as exc:
                raise SpeechError(f"PocketSphinx could not start: {exc}") from None
        self.name = f"PocketSphinx (domain language model, {len(self.words)} words)"
        self._context: Context | None = None
        self._searches: set[str] = set()
        self._held: str | None = None
        self._turn: list[bytes] = []
        self._remember = remember
        self._recall()

    def _recall(self) -> None:
        """Starts from the cepstral means the last session on this computer ended with, if any were kept.

        The mean is the microphone's and voice's average sound (13 numbers, nothing of what was said). Live
        CMN starts from the model's and takes a turn or two to adapt, so a session's first description, the
        turn that says most, was heard worst: whole offline sessions (dev, 42, `scripts/bench_sessions.py --fresh`),
        a new recogniser for each patient, gave the same level as typed in 35 (41 acceptable) from the model's
        means, and in 38 (42) from the last session's."""
        try:
            lines = self._remember.read_text(encoding="utf-8").split() if self._remember else []
        except (OSError, UnicodeDecodeError):
            return  # none kept yet, or unreadable: the model's means
        size = len(self._model_cmn.split(","))
        for decoder, line in zip((self._decoder, self._in_context), lines):
            try:
                values = [float(v) for v in line.split(",")]
            except ValueError:
                return
            if len(values) != size or not all(math.isfinite(v) and abs(v) < 1e4 for v in values):
                return
            decoder.set_cmn(line)

    def _keep(self) -> None:
        """Keeps the means for the next session (best effort: a read-only cache folder just forgets). After every
        turn, as a session may end any way (Ctrl-C, a lost microphone); it is a few hundred bytes."""
        if self._remember is None:
            return
        try:
            self._remember.parent.mkdir(parents=True, exist_ok=True)
            write_whole(self._remember, f"{self._decoder.get_cmn()}\n{self._in_context.get_cmn()}\n".encode())
        except OSError:
            pass

    def expect(self, context: Context | None) -> None:
        """Decode the next turns with this context's grammar too (None: the open model alone)."""
        self._context = context
        if context is not None and context.name not in self._searches:
            try:
                self._config["wip"] = PLACES_WORD_INSERTION if context.places else ANSWER_WORD_INSERTION
                self._in_context.add_jsgf_string(context.name, jsgf(context, set(self.answer_words)))
            except RuntimeError:  # a grammar PocketSphinx won't take: the open model alone
                self._context = None
                return
            self._searches.add(context.name)
        if self._context is not None:
            self._in_context.activate_search(self._context.name)

    def start(self) -> None:
        self._held, self._turn = None, []
        self._decoder.start_utt()
        if self._context is not None:
            self._in_context.start_utt()

    def feed(self, pcm: bytes) -> None:
        self._decoder.process_raw(pcm, False, False)
        if self._context is not None:
            self._in_context.process_raw(pcm, False, False)
            self._turn.append(pcm)

    def complete(self) -> bool:
        """The question's grammar has heard a whole answer so far."""
        if self._context is None:
            return False
        hypothesis = self._in_context.hyp()
        text = hypothesis.hypstr.lower() if hypothesis is not None else ""
        self._held = text if self._context.ends(text) else None
        return self._held is not None

    def finish(self) -> Transcript:
        self._decoder.end_utt()
        heard = self._result(self._decoder)
        if self._context is None:
            self._keep()
            return heard
        self._in_context.end_utt()
        in_context = self._result(self._in_context)
        if not in_context.text and self._turn:
            in_context = self._again_from_the_model_mean()
        if self._held is not None and in_context.text != self._held:
            # the Viterbi path must end in a final state, and a trailing breath can tip it to another
            # phrase ("no" + the start of "never" -> "don't know"): the phrase heard whole before it wins
            in_context = Transcript(self._held, in_context.confidence, tuple((w, in_context.confidence) for w in self._held.split()))
        self._keep()
        return replace(heard, in_context=in_context)

    def _again_from_the_model_mean(self) -> Transcript:
        """The turn decoded again by the grammar, from the model's cepstral mean. Carried over from a dozen
        "no"s, the mean can drift so far that the side question's grammar hears nothing at all in "the left"
        (espeak-ng). Only then: the carried-over mean is better on the whole (dev short answers 98.5% against
        91.1% when every turn starts from the model's)."""
        carried = self._in_context.get_cmn()
        self._in_context.set_cmn(self._model_cmn)
        self._in_context.start_utt()
        self._in_context.process_raw(b"".join(self._turn), False, True)
        self._in_context.end_utt()
        self._in_context.set_cmn(carried)
        return self._result(self._in_context)

    @staticmethod
    def _result(decoder) -> Transcript:
        hypothesis = decoder.hyp()
        if hypothesis is None or not hypothesis.hypstr.strip():
            return Transcript("", 0.0)
        # the binding already gives each word's posterior probability (0..1)
        words = tuple((segment.word.split("(", 1)[0], round(max(0.0, min(1.0, segment.prob)), 3))
                      for segment in decoder.seg()
                      if not segment.word.startswith(("<", "[", "+")))
        confidence = sum(c for _, c in words) / len(words) if words else 0.0
        return Transcript(hypothesis.hypstr.lower(), confidence, words)
