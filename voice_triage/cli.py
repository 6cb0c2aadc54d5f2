"""Command line (CONTRACT.md): sessions, one-shot `assess`, and `check` for the data files."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .data import DataError, DataErrors

PROG = "voice-triage"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (CONTRACT.md)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{PROG}: {message} (see {PROG} --help)\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Offline triage for numbness or tingling in the leg or foot. "
                     "It does not diagnose; in an emergency call your local emergency number.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--text", action="store_true", help="type instead of speaking")
    parser.add_argument("--jsonl", action="store_true", help="write session events as JSON lines")
    parser.add_argument("--save-summary", metavar="FILE", type=Path,
                        help="save the clinician summary as Markdown (FILE) and JSON (FILE with .json)")
    voice = parser.add_argument_group("voice")
    add_speech_options(voice)
    voice.add_argument("--input-device", metavar="DEVICE", help="microphone index or name (see `devices`)")
    voice.add_argument("--output-device", metavar="DEVICE", help="speaker index or name")
    voice.add_argument("--voice", help="speaking voice (an espeak-ng voice id or name)")
    voice.add_argument("--rate", type=int, help="speaking rate in words per minute")
    voice.add_argument("--silence", type=float, default=0.3, metavar="SECONDS",
                       help="trailing silence that ends what you say (default 0.3)")
    voice.add_argument("--listen-timeout", type=float, default=8.0, metavar="SECONDS",
                       help="how long to wait for an answer before asking again (default 8)")
    voice.add_argument("--confirm-below", type=float, default=0.5, metavar="CONFIDENCE",
                       help='ask "Did you say ...?" below this recognition confidence (default 0.5)')
    voice.add_argument("--audio-turns", nargs="+", type=Path, metavar="FILE.wav",
                       help="use these recordings as the spoken turns instead of a microphone")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    assess = commands.add_parser("assess", help="assess a description given on the command line or stdin")
    assess.add_argument("--json", action="store_true", help="print one Assessment JSON object")
    assess.add_argument("--jsonl", action="store_true", help="batch: one description per stdin line")
    assess.add_argument("--audio", metavar="FILE.wav", type=Path, help="transcribe a spoken description")
    add_speech_options(assess)
    assess.add_argument("text", nargs="*", help="the description")
    commands.add_parser("check", help="validate intents/ and rules/ and report file:line errors")
    commands.add_parser("devices", help="list microphones and speakers")
    model = commands.add_parser("model", help="manage Vosk speech models")
    model_commands = model.add_subparsers(dest="model_command", parser_class=_Parser, required=True)
    download = model_commands.add_parser("download", help="fetch the small English Vosk model (about 40 MB)")
    download.add_argument("--url", help=argparse.SUPPRESS)
    download.add_argument("--sha256", help=argparse.SUPPRESS)
    model_commands.add_parser("list", help="show installed models and where they are")
    serve = commands.add_parser("serve", help="serve conversations to Home Assistant over Wyoming "
                                "(needs voice-triage[wyoming])")
    serve.add_argument("--uri", default="tcp://127.0.0.1:10500",
                       help="where to listen (default tcp://127.0.0.1:10500; Wyoming has no authentication)")
    serve.add_argument("--idle-minutes", type=float, default=10, metavar="MINUTES",
                       help="forget a conversation after this long without a turn (default 10)")
    serve.add_argument("--max-conversations", type=int, default=100, metavar="N",
                       help="conversations kept at once; the oldest goes first (default 100)")
    serve.add_argument("--save-summaries", type=Path, metavar="DIR",
                       help="save each conversation's assessment and clinician summary here (Markdown and JSON)")
    return parser


def add_speech_options(group) -> None:
    group.add_argument("--asr", choices=("vosk", "pocketsphinx"), help="speech engine (default: Vosk if a model "
                       "is installed, else PocketSphinx)")
    group.add_argument("--model", metavar="PATH", help="Vosk model folder (else $VOICE_TRIAGE_MODEL, models/, "
                       "then the user data folder)")
    group.add_argument("--vosk-mode", choices=("grammar", "open"), default="grammar",
                       help="Vosk: domain grammar (default) or open vocabulary")


def main(argv: list[str] | None = None) -> int:
    """Entry point; every failure becomes a one-line message, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            from .check import run_check

            return run_check(sys.stdout)
        if args.command == "assess":
            return _assess(args)
        if args.command == "devices":
            return _devices()
        if args.command == "model":
            return _model(args)
        if args.command == "serve":
            return _serve(args)
        return _session(args)
    except DataErrors as errors:
        for error in errors.errors:
            sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    except DataError as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except _speech_error() as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:  # the last guard: a clear line, no traceback
        if os.environ.get("VOICE_TRIAGE_DEBUG"):
            raise
        sys.stderr.write(f"{PROG}: internal error: {type(exc).__name__}: {exc} "
                         "(set VOICE_TRIAGE_DEBUG=1 for details)\n")
        return 70


def _speech_error() -> type[Exception]:
    from .voice.asr import SpeechError

    return SpeechError


def _silence_stdout() -> None:
    """After a closed pipe, keep Python from complaining at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _brain():
    from .brain import Brain
    from .knowledge import load_knowledge

    return Brain(load_knowledge())


def _assess(args: argparse.Namespace) -> int:
    if args.audio is not None:
        return _assess_audio(args)
    brain = _brain()
    if args.jsonl:
        from .channels.text import read_line

        while (line := read_line(sys.stdin.buffer)) is not None:
            sys.stdout.write(json.dumps(brain.assess_text(line).to_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return 0
    text = " ".join(args.text)
    if not args.text and not sys.stdin.isatty():
        text = sys.stdin.buffer.read(1_000_000).decode("utf-8", errors="replace")
    text = text.encode("utf-8", errors="replace").decode("utf-8")  # argv may hold undecodable bytes
    assessment = brain.assess_text(text)
    if args.json:
        sys.stdout.write(json.dumps(assessment.to_dict(), ensure_ascii=False) + "\n")
    else:
        from .assessment import spoken_lines

        if assessment.message:
            sys.stdout.write(assessment.message + "\n")
        sys.stdout.write("\n".join(spoken_lines(assessment)) + "\n")
        if assessment.questions:
            sys.stdout.write("To be surer I would ask:\n" + "\n".join(f"- {q}" for q in assessment.questions) + "\n")
    return 0


def _assess_audio(args: argparse.Namespace) -> int:
    from .voice.asr import transcribe
    from .voice.audio import read_wav, wav_chunks
    from .voice.start import recognizer_for

    pcm = read_wav(args.audio)  # a missing or broken file is a one-line error before anything loads
    brain = _brain()
    recognizer = recognizer_for(brain, args.asr, args.model, args.vosk_mode)
    transcript = transcribe(recognizer, wav_chunks(pcm))
    assessment = brain.assess_text(transcript.text)
    assessment.transcript = transcript.text
    if args.json or args.jsonl:
        sys.stdout.write(json.dumps(assessment.to_dict(), ensure_ascii=False) + "\n")
    else:
        from .assessment import spoken_lines

        sys.stdout.write(f"Heard: {transcript.text or '(nothing)'}\n" + "\n".join(spoken_lines(assessment)) + "\n")
    return 0


def _devices() -> int:
    from .voice.audio import _sounddevice

    sd = _sounddevice()
    devices = sd.query_devices()
    if not len(devices):
        sys.stdout.write("No audio devices found (no sound card, or no PulseAudio server).\n")
        return 0
    for index, device in enumerate(devices):
        kinds = [k for k, n in (("in", device["max_input_channels"]), ("out", device["max_output_channels"])) if n]
        sys.stdout.write(f"{index:3} {device['name']} ({'/'.join(kinds)}, {int(device['default_samplerate'])} Hz)\n")
    return 0


def _model(args: argparse.Namespace) -> int:
    from .voice import models

    if args.model_command == "list":
        found = models.find_models()
        if not found:
            sys.stdout.write(f"No Vosk model installed. `{PROG} model download` puts one in {models.user_model_dir()}\n")
        for model in found:
            state = "ok" if models.is_model(model.path) else "not a Vosk model"
            sys.stdout.write(f"{model.path}  ({model.origin}, {state})\n")
        return 0
    url = args.url or models.SMALL_EN_US_URL
    sha256 = args.sha256 or models.SMALL_EN_US_SHA256
    sys.stderr.write(f"Downloading {url}\n")
    path = models.download_model(url, sha256)
    sys.stdout.write(f"Installed {path}\n")
    return 0


def _session(args: argparse.Namespace) -> int:
    if args.save_summary is not None:
        try:
            with args.save_summary.open("a", encoding="utf-8"):
                pass
        except OSError as exc:
            sys.stderr.write(f"{PROG}: can't write the summary to {args.save_summary}: {exc.strerror}\n")
            return 2
    from .dialogue import Dialogue
    from .session import run

    brain = _brain()
    if not args.text:
        channel = _voice_channel(args, brain)
        if channel is not None:
            from .spoken import SpokenDialogue

            run(SpokenDialogue(brain, confirm_below=args.confirm_below, can_type=channel.type_while_listening),
                channel, args.save_summary)
            return 0
    if args.jsonl:
        from .channels.jsonl import JsonlChannel

        channel = JsonlChannel(sys.stdin.buffer, sys.stdout)
    else:
        from .channels.text import TextChannel

        channel = TextChannel(sys.stdin.buffer, sys.stdout)
    run(Dialogue(brain), channel, args.save_summary)
    return 0


def _serve(args: argparse.Namespace) -> int:
    try:
        import wyoming  # noqa: F401
    except ImportError:
        sys.stderr.write(f"{PROG}: serving needs the wyoming package: pip install 'voice-triage[wyoming]'\n")
        return 2
    from .service.conversations import Conversations
    from .service.wyoming_server import run_service

    if args.idle_minutes <= 0 or args.max_conversations < 1:
        sys.stderr.write(f"{PROG}: --idle-minutes and --max-conversations must be positive\n")
        return 2
    conversations = Conversations(_brain(), args.idle_minutes * 60, args.max_conversations, args.save_summaries)
    return run_service(conversations, args.uri)


def _voice_channel(args: argparse.Namespace, brain):
    """The voice channel, or None (after saying why) when this machine can't do voice."""
    from .voice.asr import SpeechError
    from .voice.start import VoiceOptions, open_voice

    options = VoiceOptions(args.asr, args.model, args.vosk_mode, args.input_device, args.output_device, args.voice,
                           args.rate, args.silence, args.listen_timeout, turns=args.audio_turns)
    try:
        return open_voice(options, brain, sys.stdin.buffer, sys.stdout, args.jsonl)
    except SpeechError as exc:
        if args.asr or args.model or args.audio_turns:
            raise  # asked for explicitly: an error, not a quiet fallback
        sys.stderr.write(f"{PROG}: voice is not available here ({exc}), so this session is typed.\n")
        return None
