"""Try a change to voice/readings.py in seconds: the development short answers decoded once, read again.

    .venv/bin/python scripts/reread_replies.py decode FILE    # ~15 minutes: both readings of every turn, kept
    .venv/bin/python scripts/reread_replies.py read FILE [-v] # seconds: voice/readings.py as it is now, over them

`decode` runs the short answers of bench_listening.py (the first spoken set at clean, 20 and 10 dB, then the typed
set's replies said, clean and 10 dB), development items only, through the real recogniser, and keeps what each
decoder heard. `read` decides between the two readings of each turn with the current voice/readings.py and scores
them as the bench does (understood, read back, yes/no flips); `-v` lists the misses. Only the readings change
between runs: a change to the grammars, the language model or the dialogue needs `decode` again. The held-out items
are never decoded here, so they stay a first run for `scripts/bench_listening.py`.
"""

from __future__ import annotations

import collections
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]


def decode(listening, path: Path) -> None:
    import bench_listening
    import evalsets

    sets = (("first", [i for i in evalsets.spoken_answers("dev") if i[0] != "where"], (None, 20, 10)),
            ("typed", bench_listening.said_text_answers("dev"), (None, 10)))
    turns = []
    for name, items, levels in sets:
        for snr in levels:
            for voice in bench_listening.voices():
                for n, (context, label, text) in enumerate(items):
                    listening.hear(bench_listening.with_noise(voice.say(text), snr, seed=n), context)
                    turns.append({"set": name, "snr": snr, "voice": voice.name, "context": context, "label": label,
                                  "text": text, "heard": listening.last})
    with path.open("wb") as handle:
        pickle.dump(turns, handle)
    print(f"{len(turns)} turns kept in {path}")


def read(listening, path: Path, verbose: bool) -> None:
    from bench_listening import FLIPS

    with path.open("rb") as handle:
        turns = pickle.load(handle)  # written by `decode` on this computer: trusted
    counts, misses = collections.Counter(), []
    for turn in turns:
        heard = turn["heard"]
        kept = listening.read(heard, turn["context"])
        got = listening.scored(turn["context"], turn["label"], kept)
        key = (turn["set"], "clean" if turn["snr"] is None else f"{turn['snr']} dB")
        counts[key, "read back"] += listening.outcome(turn["context"], kept.text, kept.confidence) == "check"
        counts[key, "turns"] += 1
        counts[key, "understood"] += got in (turn["label"], "checked")
        counts[key, "flips"] += {got, turn["label"]} in FLIPS
        if got not in (turn["label"], "checked"):
            grammar = heard.in_context.text if heard.in_context else None
            misses.append(f"{key[0]}, {key[1]}, {turn['voice']}: {turn['label']} {turn['text']!r} heard {kept.text!r} "
                          f"-> {got} (open {heard.text!r} {heard.confidence:.2f}, grammar {grammar!r})")
    for key in dict.fromkeys(k for k, _ in counts):
        print(f"{key[0]} set, {key[1]}: understood {counts[key, 'understood']}/{counts[key, 'turns']}, read back "
              f"{counts[key, 'read back']}, yes/no flips {counts[key, 'flips']}")
    if verbose:
        print("\n".join(misses))


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "-v"]
    if len(args) != 2 or args[0] not in ("decode", "read"):
        sys.exit(__doc__)
    from bench_listening import Listening
    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    listening = Listening(Brain(load_knowledge()))
    path = Path(args[1])
    if args[0] == "decode":
        decode(listening, path)
    elif not path.is_file():
        sys.exit(f"{path}: no decoded turns here; run `{Path(__file__).name} decode {path}` first")
    else:
        read(listening, path, "-v" in sys.argv)


if __name__ == "__main__":
    main()
