"""Understanding accuracy on the labelled sets of tests/fixtures/eval/ (development and held-out parts)
and, when it is there, on the telephone answers of ../shared/data/ (read, never copied).

`scripts/bench --accuracy` prints this; `python scripts/accuracy.py --misses` also lists every miss.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import evalsets  # noqa: E402

SWDA = ROOT.parent / "shared" / "data" / "swda-yes-no-answers.jsonl"
READING_LABEL = {"yes": "affirm", "no": "deny", "confirm": "deny_hedged", "unsure": "unsure", "repeat": "repeat",
                 "Repeat": "repeat", "explain": "help", "Help": "help", "GoBack": "go_back", "Stop": "stop"}
"""The dialogue's reading of a reply (Dialogue.last_reading), as the labels of answers.yaml."""
FLIPS = {("affirm", "deny"), ("deny", "affirm"), ("deny_hedged", "affirm"), ("affirm", "deny_hedged")}


def reply_label(brain, context: str, text: str) -> str:
    """What the real dialogue makes of `text` as the answer to a warning-sign or the side question."""
    from voice_triage.dialogue import Dialogue

    question = brain.rules.red_flags[1].questions[0] if context == "warning" else \
        next(q for q in brain.rules.questions if q.fact == "side")
    dialogue = Dialogue(brain)
    dialogue.start()
    dialogue.facts["regions"] = ["top_of_foot"]
    dialogue._ask(question)
    dialogue.hear(text)
    if context == "side" and dialogue.facts.get("side"):
        return dialogue.facts["side"]
    return READING_LABEL.get(dialogue.last_reading, dialogue.last_reading)


def score_answers(brain, part: str) -> dict:
    right, total, flips, misses = collections.Counter(), collections.Counter(), [], []
    for context, label, text in evalsets.answers(part):
        got = reply_label(brain, context, text)
        total[label] += 1
        right[label] += got == label
        if got != label:
            misses.append(f"{label} -> {got}: {text!r}")
        if (label, got) in FLIPS:
            flips.append(text)
    return {"right": sum(right.values()), "total": sum(total.values()), "flips": flips, "misses": misses,
            "by_class": {k: (right[k], total[k]) for k in total}}


def score_red_flags(brain, part: str) -> dict:
    caught, positives, false, misses = 0, 0, [], []
    for flag, fires, text in evalsets.red_flags(part):
        fired = brain.assess_text(text).red_flags
        if fires:
            positives += 1
            caught += flag in fired
            if flag not in fired:
                misses.append(f"missed {flag}: {text!r}")
        elif fired:
            false.append(text)
            misses.append(f"false {fired}: {text!r}")
    return {"caught": caught, "positives": positives, "false": len(false),
            "negatives": len(evalsets.red_flags(part)) - positives, "misses": misses}


def judge(assessment, item: dict) -> tuple[bool, bool | None]:
    """Whether an assessment's care level is acceptable for a labelled description (its red flags fired), and
    whether its first source is (None when the item names no source)."""
    level_ok = assessment.level in item["levels"] and set(item.get("red_flags", [])) <= set(assessment.red_flags)
    if not item.get("top"):
        return level_ok, None
    return level_ok, bool(assessment.sources) and assessment.sources[0].id in item["top"]


def score_descriptions(brain, part: str) -> dict:
    level, top, tops, misses = 0, 0, 0, []
    items = evalsets.descriptions(part)
    for item in items:
        assessment = brain.assess_text(item["text"])
        level_ok, top_ok = judge(assessment, item)
        level += level_ok
        tops += top_ok is not None
        top += bool(top_ok)
        if not (level_ok and top_ok is not False):
            misses.append(f"{assessment.level} {[s.id for s in assessment.sources][:2]}: {item['text']!r}")
    return {"level": level, "total": len(items), "top": top, "tops": tops, "misses": misses}


def score_telephone(brain) -> dict | None:
    """Real answers to yes/no questions (SwDA). Exact: the answer's class; asked again: a request or unclear."""
    if not SWDA.exists():
        return None
    counts = collections.Counter()
    flips, misses = [], []
    policy = brain.replies.policy
    for line in SWDA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        reply = brain.replies.read(row["answer"], row["question"])  # as the dialogue reads it: with its question
        kind = reply.kind
        if kind == "no" and reply.hedged and policy["hedged_no"] == "confirm":
            kind = "asked"
        gold = {"affirm": "yes", "deny": "no", "unsure": "unsure"}.get(row["class"], "none")
        counts["total"] += 1
        own_word = row["tag"] in ("ny", "nn")  # the corpus's yes/no answers that say yes or no themselves
        counts["own_word"] += own_word
        counts["own_word_exact"] += own_word and kind == gold
        if (gold, kind) in (("yes", "no"), ("no", "yes")):
            flips.append(row["answer"])
        if kind == gold or (gold == "unsure" and kind == "yes") or (gold == "none" and kind == "unsure"):
            counts["exact"] += 1
        elif kind in ("unclear", "repeat", "explain", "asked") or (gold == "none" and kind not in ("yes", "no")):
            counts["asked"] += 1
        else:
            counts["other"] += 1
            misses.append(f"{row['class']} -> {kind}: {row['answer']!r}")
    return {**counts, "flips": flips, "misses": misses}


def report(brain, show_misses: bool = False) -> list[str]:
    lines = []
    for part in ("dev", "heldout"):
        a = score_answers(brain, part)
        worst = min(a["by_class"].items(), key=lambda kv: kv[1][0] / kv[1][1])
        lines.append(f"short answers ({part}): {a['right']}/{a['total']} = {a['right'] / a['total']:.1%}, "
                     f"worst class {worst[0]} {worst[1][0]}/{worst[1][1]}, yes/no flips {len(a['flips'])}")
        r = score_red_flags(brain, part)
        lines.append(f"red flags ({part}): caught {r['caught']}/{r['positives']}, "
                     f"false red flags {r['false']}/{r['negatives']} negated forms")
        d = score_descriptions(brain, part)
        lines.append(f"descriptions ({part}): acceptable level {d['level']}/{d['total']} = {d['level'] / d['total']:.1%}, "
                     f"top source {d['top']}/{d['tops']} = {d['top'] / d['tops']:.1%}")
        if show_misses:
            lines += ["    " + m for m in a["misses"] + r["misses"] + d["misses"]]
    t = score_telephone(brain)
    if t is None:
        lines.append(f"telephone answers: {SWDA} is not here, so they are not scored")
    else:
        lines.append(f"telephone answers (SwDA, {t['total']}): understood exactly {t['exact'] / t['total']:.1%}, "
                     f"asked again {t['asked'] / t['total']:.1%}, other {t['other'] / t['total']:.1%}, "
                     f"yes/no flips {len(t['flips'])}")
        lines.append(f"    of which with their own yes or no word (tags ny, nn): understood exactly "
                     f"{t['own_word_exact']}/{t['own_word']} = {t['own_word_exact'] / t['own_word']:.1%}")
        if show_misses:
            lines += ["    flip: " + m for m in t["flips"]] + ["    " + m for m in t["misses"][:60]]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    brain = Brain(load_knowledge(ROOT))
    print("\n".join(report(brain, args.misses)))


if __name__ == "__main__":
    main()
