"""Nothing leaves the computer: a text session and `assess` open no network connection, and a
common English word is never 'repaired' into a symptom or warning-sign word."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, TIMEOUT

# Runs the real CLI with an audit hook that reports every socket the process creates or uses.
AUDITED = """
import sys
def hook(event, args):
    if event.startswith("socket.") or event in ("urllib.Request", "http.client.connect"):
        sys.stderr.write(f"NETWORK {event} {args!r}\\n")
sys.addaudithook(hook)
sys.argv = ["voice-triage", *sys.argv[1:]]
from voice_triage.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("args,stdin", [
    (["assess", "--json", "pins and needles on the top of my foot, my bladder is fine"], b""),
    (["assess", "--jsonl"], b"numb toes\nmy foot is cold and white\n"),
    (["--text", "--jsonl"], b"tingling in my big toe for two weeks\nno\nno\nprobably not\nno\nno\nno\nno\nno\nno\nno\nyes\n"),
])
def test_no_network_connection(cache_env, args, stdin):
    result = subprocess.run([sys.executable, "-c", AUDITED, *args], input=stdin, capture_output=True,
                            env=cache_env, timeout=TIMEOUT, cwd=ROOT)
    assert result.returncode == 0, result.stderr.decode()
    assert b"NETWORK" not in result.stderr, result.stderr.decode()
    assert result.stdout, "the session said something"


def test_the_audit_hook_would_see_a_connection(cache_env):
    """The check above can fail: a socket opened under the same hook is reported."""
    probe = AUDITED.replace("from voice_triage.cli import main\nsys.exit(main())",
                            "import socket\nsocket.socket().close()")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=cache_env, timeout=TIMEOUT)
    assert b"NETWORK socket.__new__" in result.stderr


def test_common_words_are_never_repaired_into_symptom_words(knowledge):
    """The 20,000 most frequent English words (wordfreq) stay as they are, except the listed mishearings."""
    from wordfreq import top_n_list

    repairer = knowledge.language.repairer
    changed = []
    for word in top_n_list("en", 20000):
        repaired, _ = repairer.apply([word])
        if repaired != [word] and not all("'" in w for w in repaired):  # "dont", "cannot" -> "don't", "can't" only
            changed.append((word, repaired))
    assert not changed, changed[:20]


def test_a_slip_is_still_repaired(brain):
    facts: dict = {}
    brain.read(facts, "tinglin and numness in my littel toe")
    assert facts.get("regions") == ["little_toe"] and set(facts.get("sensations")) == {"tingling", "numbness"}
