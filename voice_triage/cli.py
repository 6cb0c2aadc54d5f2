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
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    assess = commands.add_parser("assess", help="assess a description given on the command line or stdin")
    assess.add_argument("--json", action="store_true", help="print one Assessment JSON object")
    assess.add_argument("--jsonl", action="store_true", help="batch: one description per stdin line")
    assess.add_argument("--audio", metavar="FILE.wav", type=Path, help="transcribe a spoken description")
    assess.add_argument("text", nargs="*", help="the description")
    commands.add_parser("check", help="validate intents/ and rules/ and report file:line errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; every failure becomes a one-line message, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            from .check import run_check

            return run_check(sys.stdout)
        if args.command == "assess":
            return _assess(args)
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
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:  # the last guard: a clear line, no traceback
        if os.environ.get("VOICE_TRIAGE_DEBUG"):
            raise
        sys.stderr.write(f"{PROG}: internal error: {type(exc).__name__}: {exc} "
                         "(set VOICE_TRIAGE_DEBUG=1 for details)\n")
        return 70


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
        if not args.audio.is_file():
            sys.stderr.write(f"{PROG}: no such audio file: {args.audio}\n")
            return 2
        sys.stderr.write(f"{PROG}: speech recognition is not installed in this version, so --audio can't be used yet\n")
        return 2
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


def _session(args: argparse.Namespace) -> int:
    if args.save_summary is not None:
        try:
            with args.save_summary.open("a", encoding="utf-8"):
                pass
        except OSError as exc:
            sys.stderr.write(f"{PROG}: can't write the summary to {args.save_summary}: {exc.strerror}\n")
            return 2
    if not args.text:
        sys.stderr.write(f"{PROG}: voice mode is not installed in this version, so this session is typed "
                         "(use --text to choose typing directly).\n")
    from .dialogue import Dialogue
    from .session import run

    if args.jsonl:
        from .channels.jsonl import JsonlChannel

        channel = JsonlChannel(sys.stdin.buffer, sys.stdout)
    else:
        from .channels.text import TextChannel

        channel = TextChannel(sys.stdin.buffer, sys.stdout)
    run(Dialogue(_brain()), channel, args.save_summary)
    return 0
