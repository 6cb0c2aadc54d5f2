"""Wyoming service benchmark: per-turn time over loopback with 50 concurrent conversations (each turn
on a new connection, as Home Assistant sends it), and memory per live conversation. Medians."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

DESCRIPTION = "pins and needles on the top of my left foot for a week since I knelt to lay a floor"
PEOPLE, TURNS = 50, 40


def main() -> dict:
    from test_wyoming import Server

    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    brain = Brain(load_knowledge())
    server = Server(brain, most=200)
    times: list[float] = []
    try:
        async def person(n: int) -> None:
            for i in range(TURNS):
                started = time.perf_counter()
                await server.turn(DESCRIPTION if i == 0 else "no", f"bench{n}")
                times.append(time.perf_counter() - started)

        async def everyone() -> None:
            await asyncio.gather(*(person(n) for n in range(PEOPLE)))

        asyncio.run(everyone())
    finally:
        server.stop()
    handled = server.service.turn_seconds
    out = {"turns": len(times), "concurrent_conversations": PEOPLE,
           "server_per_turn_median_ms": statistics.median(handled) * 1000,
           "server_per_turn_p99_ms": _p99(handled) * 1000,
           "client_round_trip_median_ms (50 clients queued on 2 cores)": statistics.median(times) * 1000,
           "client_round_trip_p99_ms": _p99(times) * 1000}
    out.update(memory(brain))
    return out


def _p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(0.99 * len(values)) - 1)]


def memory(brain, live: int = 200) -> dict:
    """Bytes held per live conversation (three turns each), and what is left after they expire."""
    from voice_triage.service.conversations import Conversations

    now = [0.0]
    conversations = Conversations(brain, idle_seconds=60, most=live + 1, clock=lambda: now[0])
    conversations.turn("warm-up", DESCRIPTION)
    conversations.close("warm-up")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(live):
        conversations.turn(f"m{n}", DESCRIPTION)
        conversations.turn(f"m{n}", "no")
        conversations.turn(f"m{n}", "no")
    during = tracemalloc.get_traced_memory()[0]
    now[0] = 120
    conversations.expire()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"memory_per_live_conversation_kb": (during - before) / live / 1024,
            "memory_left_after_expiry_kb": (after - before) / 1024, "live_conversations_after_expiry":
            len(conversations.live)}


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
