"""The Wyoming service, over loopback, driven by a client built from the wyoming package the way
Home Assistant drives it: `describe` first, then each turn on a new connection with a conversation id."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest

from conftest import converse, load_fixture

pytest.importorskip("wyoming", reason="the wyoming package is not installed (pip install 'voice-triage[wyoming]')")

from wyoming.asr import Transcript  # noqa: E402
from wyoming.client import AsyncTcpClient  # noqa: E402
from wyoming.handle import Handled, NotHandled  # noqa: E402
from wyoming.info import Describe, Info  # noqa: E402

DESCRIPTION = "pins and needles on the top of my left foot for a week since I knelt to lay a floor"


class Server:
    """The real service on a free loopback port, in a thread of its own."""

    def __init__(self, brain, **options) -> None:
        from voice_triage.service.conversations import Conversations
        from voice_triage.service.wyoming_server import Service

        self.conversations = Conversations(brain, **options)
        self.service = Service(self.conversations)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            started = asyncio.Event()
            self.loop.create_task(self.service.serve("127.0.0.1", self.port, started))
            self.loop.call_soon(lambda: None)
            self.loop.run_until_complete(started.wait())
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        assert ready.wait(10), "the service did not start"

    def stop(self) -> None:
        async def shutdown() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop)
        self.thread.join(10)

    async def describe(self) -> Info:
        async with AsyncTcpClient("127.0.0.1", self.port) as client:
            await client.write_event(Describe().event())
            event = await asyncio.wait_for(client.read_event(), 5)
        assert event is not None and Info.is_type(event.type)
        return Info.from_event(event)

    async def turn(self, text: str, conversation: str | None = "abc", **context) -> tuple[bool, str]:
        """One turn on a new connection, as Home Assistant sends it."""
        if conversation is not None:
            context = {"conversation_id": conversation, **context}
        async with AsyncTcpClient("127.0.0.1", self.port) as client:
            await client.write_event(Transcript(text=text, context=context or None, language="en").event())
            event = await asyncio.wait_for(client.read_event(), 10)
        assert event is not None
        if Handled.is_type(event.type):
            return True, Handled.from_event(event).text or ""
        assert NotHandled.is_type(event.type), event.type
        return False, NotHandled.from_event(event).text or ""

    async def raw(self, data: bytes, then_read: bool = True) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(data)
        writer.write_eof()  # and the client is gone, mid-event if the event was cut short
        await writer.drain()
        try:
            return await asyncio.wait_for(reader.read(65536), 5) if then_read else b""
        finally:
            writer.close()


@pytest.fixture
def server(brain, tmp_path):
    running = Server(brain, save_to=tmp_path / "summaries")
    yield running
    running.stop()


def run(coroutine):
    return asyncio.run(coroutine)


def test_describe_advertises_an_installed_english_handle_program(server):
    info = run(server.describe())
    assert len(info.handle) == 1
    program = info.handle[0]
    assert program.installed and program.name == "voice-triage"
    assert program.models and program.models[0].languages == ["en"] and program.models[0].installed


def test_a_first_turn_about_something_else_is_not_handled(server):
    handled, text = run(server.turn("what's the weather like tomorrow"))
    assert not handled and "leg or foot" in text
    assert not server.conversations.live


def talk_over_wyoming(server, turns: list[str], answers: dict[str, str], default: str, key: str) -> list[str]:
    """A scripted patient over Wyoming: the same scripted answers as the text-mode helper."""
    replies = []
    pending = list(turns)
    for _ in range(40):
        text = pending.pop(0) if pending else None
        if text is None:
            question = replies[-1].lower()
            text = next((a for k, a in answers.items() if k.lower() in question), default)
        handled, reply = run(server.turn(text, key))
        if not replies and not handled:
            continue  # "asdf qwerty" first: not this agent's; the person then describes their symptoms
        assert handled, reply
        replies.append(reply)
        if key.split(":")[-1] not in {k.split(":", 1)[1] for k in server.conversations.live}:
            break
    return replies


@pytest.mark.parametrize("scenario", [s for s in load_fixture("scenarios.yaml")["scenarios"]
                                      if s.get("expect") and s.get("default") and s["turns"]],
                         ids=lambda s: s["name"])
def test_scripted_patients_reach_the_same_assessment_as_in_text_mode(server, cache_env, scenario, tmp_path):
    turns, answers = scenario["turns"], scenario.get("answers") or {}
    text_mode = converse(cache_env, turns, answers, scenario["default"]).final
    talk_over_wyoming(server, turns, answers, scenario["default"], scenario["name"])
    saved = json.loads(next((tmp_path / "summaries").glob("*.json")).read_text())
    assert saved["level"] == text_mode["level"]
    assert [s["id"] for s in saved["sources"]][:1] == [s["id"] for s in text_mode["sources"]][:1]


def test_replies_are_for_the_ear_and_say_the_wake_word_the_first_time(server):
    handled, first = run(server.turn(DESCRIPTION, "ear"))
    assert handled and first.endswith("Say the wake word, then your answer.")
    assert "I'm not a doctor" in first
    _, again = run(server.turn("what?", "ear"))
    assert "wake word" not in again, "the hint only the first time a question is asked"


def test_two_conversations_interleaved_stay_apart(server):
    run(server.turn(DESCRIPTION, "one"))
    run(server.turn("my foot is numb", "two"))
    for _ in range(3):
        run(server.turn("no", "one"))
    one = server.conversations.live["conversation:one"].dialogue
    two = server.conversations.live["conversation:two"].dialogue
    assert {"screen_stroke", "screen_limb_ischemia", "screen_saddle"} <= set(one.asked)
    assert set(two.asked) == {"description"}
    assert one.facts.get("compression") is True and two.facts.get("compression") is None


def test_a_client_without_context_has_one_shared_conversation(server):
    handled, _ = run(server.turn(DESCRIPTION, None))
    assert handled and "shared" in server.conversations.live


def test_satellite_id_keys_a_conversation_when_there_is_no_conversation_id(server):
    run(server.turn(DESCRIPTION, None, satellite_id="kitchen"))
    assert "satellite:kitchen" in server.conversations.live


def test_idle_conversations_expire_and_an_unknown_id_starts_fresh(brain, tmp_path):
    now = [0.0]
    running = Server(brain, idle_seconds=60, most=2, save_to=tmp_path, clock=lambda: now[0])
    try:
        run(running.turn(DESCRIPTION, "old"))
        now[0] = 120
        handled, reply = run(running.turn("no", "old"))
        assert handled and "start again" in reply, "an expired conversation starts afresh, politely"
        assert not running.conversations.live
        assert (tmp_path / "conversation_old.json").exists(), "the expired conversation's summary was saved"
        for key in ("a", "b", "c"):
            run(running.turn(DESCRIPTION, key))
        assert set(running.conversations.live) == {"conversation:b", "conversation:c"}, "the bound keeps the newest"
    finally:
        running.stop()


@pytest.mark.parametrize("garbage", [
    b"this is not json\n",
    b'{"no_type": 1}\n',
    b'{"type": "transcript", "data_length": 999999999}\n',
    b'{"type": "transcript", "payload_length": -5}\n',
    b'{"type": "transcript", "data": {"text": 42}}\n',
    b'{"type": "transcript", "data_length": 50}\n{"text": "cut sh',
    b"x" * 100_000 + b"\n",
    b"\xff\xfe\x00binary\n",
])
def test_bad_clients_are_closed_and_others_served(server, garbage):
    assert run(server.raw(garbage)) == b"", "closed without an answer"
    handled, _ = run(server.turn(DESCRIPTION, "good"))
    assert handled


def test_unknown_events_are_ignored_and_ping_is_answered(server):
    answer = run(server.raw(b'{"type": "audio-chunk"}\n{"type": "ping"}\n'))
    assert b'"pong"' in answer


def test_a_flood_of_connections_does_not_stop_the_service(server):
    async def flood():
        held = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(150)]
        handled, _ = await server.turn(DESCRIPTION, "during")
        for _, writer in held:
            writer.close()
        return handled

    assert run(flood()), "a good client is still served while 150 idle connections are open"


def test_load_50_conversations_2000_turns_without_cross_talk(brain):
    running = Server(brain, most=100)
    try:
        async def person(n: int) -> list[str]:
            out = [(await running.turn(DESCRIPTION, f"p{n}"))[1]]
            for _ in range(39):
                out.append((await running.turn("no" if n % 2 else "not sure", f"p{n}"))[1])
            return out

        async def everyone():
            return await asyncio.gather(*(person(n) for n in range(50)))

        replies = run(everyone())
        assert sum(len(r) for r in replies) == 2000
        for n, said in enumerate(replies):  # a "not sure" patient always ends more cautious than a "no" one
            unsure = n % 2 == 0
            assert any("24 hours" in r for r in said) == unsure, n
    finally:
        running.stop()


def test_the_serve_command_saves_summaries_when_stopped(cache_env, tmp_path):
    """The real command: it listens, answers a turn, and on SIGTERM (a service manager's stop) saves
    the conversation's summary and exits cleanly."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "voice_triage", "serve", "--uri", f"tcp://127.0.0.1:{port}",
                             "--save-summaries", str(tmp_path)], stderr=subprocess.PIPE, env=cache_env, cwd=ROOT)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)

        async def one_turn():
            async with AsyncTcpClient("127.0.0.1", port) as client:
                await client.write_event(Transcript(text=DESCRIPTION, context={"conversation_id": "sig"}).event())
                return await asyncio.wait_for(client.read_event(), 10)

        assert Handled.is_type(run(one_turn()).type)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (tmp_path / "conversation_sig.json").exists() and (tmp_path / "conversation_sig.md").exists()
    assert DESCRIPTION not in proc.stderr.read().decode(), "nothing the person said is logged"
