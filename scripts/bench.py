"""Benchmarks for voice-triage: speed, start-up, memory and accuracy. Prints medians.

Run with scripts/bench. Numbers go in the issue notes; none of this is a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402

CLI = [sys.executable, "-m", "voice_triage"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def corpus(size: int, seed: int = 7) -> list[str]:
    """Varied descriptions: every fixture sentence, plus seeded combinations of them."""
    texts = [c["text"] for p in sorted((FIXTURES / "facts").glob("*.yaml"))
             for c in yaml.safe_load(p.read_text())["cases"]]
    texts += [v["text"] for v in yaml.safe_load((FIXTURES / "vignettes.yaml").read_text())["vignettes"]]
    rng = random.Random(seed)
    out = list(texts)
    while len(out) < size:
        out.append(", ".join(rng.sample(texts, rng.randint(2, 4))))
    return out[:size]


def bench_assess(lines: list[str], env: dict) -> dict:
    """Per-line latency through a real `assess --jsonl` process: write a line, wait for its JSON."""
    proc = subprocess.Popen([*CLI, "assess", "--jsonl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=env, cwd=ROOT, text=True, bufsize=1)
    assert proc.stdin and proc.stdout
    for line in lines[:50]:  # warm the word-repair cache as a real session would be
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        proc.stdout.readline()
    times = []
    for line in lines:
        start = time.perf_counter()
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        json.loads(proc.stdout.readline())
        times.append((time.perf_counter() - start) * 1000)
    proc.stdin.close()
    proc.wait()
    # the same work in-process, without the pipe, for comparison
    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    brain = Brain(load_knowledge())
    inner = []
    for line in lines:
        start = time.perf_counter()
        brain.assess_text(line)
        inner.append((time.perf_counter() - start) * 1000)
    return {"lines": len(lines), "median_ms": statistics.median(times), "p99_ms": percentile(times, 0.99),
            "in_process_median_ms": statistics.median(inner), "in_process_p99_ms": percentile(inner, 0.99)}


def bench_startup(env: dict, runs: int) -> dict:
    """Seconds from starting `voice-triage --text` to its first prompt ('> ')."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen([*CLI, "--text"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=ROOT)
        assert proc.stdout and proc.stdin
        seen = b""
        while not seen.endswith(b"> "):
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
        times.append(time.perf_counter() - start)
        proc.stdin.close()
        proc.wait()
    return {"runs": runs, "median_s": statistics.median(times[1:]), "max_s": max(times[1:]),
            "first_run_s": times[0]}


def bench_memory(env: dict) -> dict:
    """Peak resident memory (MB) of a whole text session."""
    script = "tingling on the top of my foot and outside of my shin\n" + "no\n" * 12 + "yes\n"
    # The session reports its own high-water mark (VmHWM) as it exits: a child's ru_maxrss on Linux
    # also counts the memory of the process that forked it.
    report = ("import atexit, sys\n"
              "atexit.register(lambda: sys.stderr.write(open('/proc/self/status').read()))\n"
              "sys.argv = ['voice-triage', '--text']\n"
              "from voice_triage.cli import main\n"
              "sys.exit(main())\n")
    done = subprocess.run([sys.executable, "-c", report], input=script.encode(), capture_output=True, env=env, cwd=ROOT)
    peak = next(line for line in done.stderr.decode().splitlines() if line.startswith("VmHWM:"))
    return {"peak_rss_mb": int(peak.split()[1]) / 1024}


def _read(brain, text: str) -> dict:
    facts: dict = {}
    brain.read(facts, text)
    return facts


def bench_accuracy() -> dict:
    """Share of the development fixtures understood exactly right (tuned on: a regression check)."""
    from test_facts import matches
    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    brain = Brain(load_knowledge())
    facts_ok = facts_n = red_ok = red_n = 0
    red_facts = {f for f in brain.rules.red_flag_facts  # the warning-sign facts themselves
                 if f in brain.lexicons and brain.lexicons[f].kind == "flag"}
    for path in sorted((FIXTURES / "facts").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text())["cases"]:
            got: dict = {}
            brain.read(got, case["text"])
            ok = all(matches(v, got.get(k)) for k, v in case["facts"].items())
            facts_n += 1
            facts_ok += ok
            if set(case["facts"]) & red_facts:
                red_n += 1
                red_ok += ok
    def command_right(data: dict, sentence: str) -> bool:
        match = brain.intents.recognize(sentence)
        if data["intent"] == "none":
            return match is None or not match.whole
        return match is not None and match.name == data["intent"]

    def reply_right(data: dict, sentence: str) -> bool:
        reply = brain.replies.read(sentence)
        return ("hedged_" if reply.hedged else "") + reply.kind == data["reading"]

    commands_ok, commands_n = _fixture_score(FIXTURES / "intents", command_right)
    replies_ok, replies_n = _fixture_score(FIXTURES / "replies", reply_right)
    level_ok = top_ok = top_n = 0
    vignettes = yaml.safe_load((FIXTURES / "vignettes.yaml").read_text())["vignettes"]
    for case in vignettes:
        assessment = brain.assess_text(case["text"])
        level_ok += assessment.level == case["level"]
        if case.get("top"):
            top_n += 1
            top_ok += bool(assessment.sources) and assessment.sources[0].id == case["top"]
    return {"facts": f"{facts_ok}/{facts_n} = {facts_ok / facts_n:.1%}",
            "commands": f"{commands_ok}/{commands_n} = {commands_ok / commands_n:.1%}",
            "replies": f"{replies_ok}/{replies_n} = {replies_ok / replies_n:.1%}",
            "red_flag_phrases": f"{red_ok}/{red_n} = {red_ok / red_n:.1%}",
            "vignette_level": f"{level_ok}/{len(vignettes)}", "vignette_top_source": f"{top_ok}/{top_n}"}


def _fixture_score(folder: Path, right) -> tuple[int, int]:
    """(right, total) over every sentence of the YAML fixtures in a folder."""
    results = [right(data, sentence) for path in sorted(folder.glob("*.yaml"))
               for data in [yaml.safe_load(path.read_text())] for sentence in data["sentences"]]
    return sum(results), len(results)


def bench_understanding() -> dict:
    """The labelled evaluation sets (development and held-out) and the telephone answers: scripts/accuracy.py."""
    import accuracy
    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    lines = accuracy.report(Brain(load_knowledge()))
    return {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=2000, help="descriptions for the assess benchmark")
    parser.add_argument("--runs", type=int, default=10, help="start-up runs")
    parser.add_argument("--voice", action="store_true", help="also the voice benchmarks (scripts/bench_voice.py)")
    parser.add_argument("--accuracy", action="store_true", help="only the understanding figures (fast)")
    parser.add_argument("--wyoming", action="store_true", help="also the Wyoming service (scripts/bench_wyoming.py)")
    args = parser.parse_args()
    if args.accuracy:
        for name, value in bench_understanding().items():
            print(f"{name}: {value}")
        return
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, VOICE_TRIAGE_CACHE=cache, NO_COLOR="1")
        subprocess.run([*CLI, "assess", "warm the cache"], env=env, cwd=ROOT, capture_output=True, check=True)
        results = {
            "assess --jsonl (understanding + rules, per line)": bench_assess(corpus(args.lines), env),
            "text mode: start to first prompt": bench_startup(env, args.runs),
            "text mode: memory": bench_memory(env),
            "accuracy on the development fixtures": bench_accuracy(),
            "understanding on the evaluation sets": bench_understanding(),
        }
    if args.voice:
        import bench_voice

        results.update(bench_voice.main())
    if args.wyoming:
        import bench_wyoming

        results["Wyoming service (loopback)"] = bench_wyoming.main()
    for name, values in results.items():
        print(name)
        if isinstance(values, list):
            print("\n".join("  " + line for line in values))
            continue
        for key, value in values.items():
            print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")


if __name__ == "__main__":
    main()
