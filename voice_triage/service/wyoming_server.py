"""`voice-triage serve`: a Wyoming "handle" service, so Home Assistant's Assist can hold the conversation.

Home Assistant sends `describe` (answered with `info`), then each turn on a new connection:
`transcript` (text, context with conversation_id) -> `handled` or `not-handled`. The events are
the wyoming package's; they are *read* here, with limits, because its reader trusts a client's
`data_length` and `payload_length` (a bad client could make it wait for, or hold, gigabytes).
Anything malformed closes that connection only. Nothing the person said is logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
import time
from dataclasses import dataclass

from .. import __version__
from .conversations import Conversations

MAX_LINE = 64 * 1024
"""Bytes in an event's header line."""
MAX_DATA = 64 * 1024
"""Bytes of an event's extra data: a transcript is a sentence."""
MAX_PAYLOAD = 64 * 1024
"""Bytes of a payload (this service takes no audio: it is read and dropped)."""
READ_TIMEOUT = 10.0
"""A connection that sends nothing for this long is closed (Home Assistant sends at once)."""
MAX_CONNECTIONS = 512
"""Connections open at once; more are closed at once. An idle one costs little, so a flood of a few
hundred still leaves room for Home Assistant."""
LANGUAGE = "en"
log = logging.getLogger("voice_triage.serve")


class BadEvent(Exception):
    """A malformed or oversized event: the connection is closed."""


@dataclass(frozen=True)
class Event:
    """One Wyoming event, as read."""

    type: str
    """e.g. `describe`, `transcript`."""
    data: dict
    """Its data (header data merged with the extra data)."""


async def read_event(reader: asyncio.StreamReader) -> Event | None:
    """The next event, None at the end of the stream; BadEvent for anything malformed or too big."""
    try:
        line = await asyncio.wait_for(reader.readline(), READ_TIMEOUT)
    except (ValueError, asyncio.LimitOverrunError) as exc:
        raise BadEvent("header line too long") from exc
    if not line:
        return None
    try:
        header = json.loads(line)
        if not isinstance(header, dict) or not isinstance(header.get("type"), str):
            raise BadEvent("an event needs a type")
        data = header.get("data") or {}
        data_length = int(header.get("data_length") or 0)
        payload_length = int(header.get("payload_length") or 0)
    except (ValueError, TypeError) as exc:
        raise BadEvent("not a Wyoming event") from exc
    if not isinstance(data, dict) or not 0 <= data_length <= MAX_DATA or not 0 <= payload_length <= MAX_PAYLOAD:
        raise BadEvent("event data too large or malformed")
    try:
        if data_length:
            extra = json.loads(await asyncio.wait_for(reader.readexactly(data_length), READ_TIMEOUT))
            if not isinstance(extra, dict):
                raise BadEvent("event data is not an object")
            data = {**data, **extra}
        if payload_length:
            await asyncio.wait_for(reader.readexactly(payload_length), READ_TIMEOUT)
    except (asyncio.IncompleteReadError, ValueError) as exc:
        raise BadEvent("event cut short or malformed") from exc
    return Event(header["type"], data)


async def write_event(writer: asyncio.StreamWriter, event) -> None:
    """Write one event of the wyoming package (its own encoder)."""
    from wyoming.event import async_write_event

    await async_write_event(event.event(), writer)


def info():
    """What `describe` answers: one handle program, English."""
    from wyoming.info import Attribution, HandleModel, HandleProgram, Info

    attribution = Attribution(name="voice-triage", url="https://github.com/")
    model = HandleModel(name="voice-triage-en", attribution=attribution, installed=True, version=__version__,
                        description="Triage for numbness or tingling in the leg or foot (not a diagnosis)",
                        languages=[LANGUAGE])
    return Info(handle=[HandleProgram(name="voice-triage", attribution=attribution, installed=True,
                                      version=__version__, models=[model],
                                      description="Offline triage for numbness or tingling in the leg or foot")])


def conversation_key(context: object) -> str | None:
    """Home Assistant's conversation id; else the satellite or device; else None (one shared conversation)."""
    if not isinstance(context, dict):
        return None
    for name in ("conversation_id", "satellite_id", "device_id"):
        value = context.get(name)
        if isinstance(value, str) and value:
            return f"{name[:-3]}:{value[:200]}"
    return None


class Service:
    """Serves conversations over Wyoming; one bad client never affects another."""

    def __init__(self, conversations: Conversations) -> None:
        self.conversations = conversations
        self.turn_seconds: list[float] = []
        """Time to handle each turn, transcript read to reply written (the last 10,000, for scripts/bench)."""
        self._open = 0
        self.stopped: asyncio.Event | None = None
        """Set to stop serving (SIGTERM sets it)."""

    async def serve(self, host: str, port: int, ready: asyncio.Event | None = None) -> None:
        server = await asyncio.start_server(self.connection, host, port, limit=MAX_LINE)
        log.info("listening on %s", ", ".join(str(s.getsockname()) for s in server.sockets))
        # kept on the service: a task waiting on an event nothing else holds may be garbage collected
        self.stopped = asyncio.Event()
        try:  # a service manager's stop (SIGTERM) ends it as Ctrl-C does, and the summaries are saved
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.stopped.set)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread (tests), or no signals
            pass
        if ready is not None:
            ready.set()
        async with server:
            await self.stopped.wait()

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._open >= MAX_CONNECTIONS:
            writer.close()
            return
        self._open += 1
        try:
            while (event := await read_event(reader)) is not None:
                if not await self.answer(event, writer):
                    break
        except (BadEvent, asyncio.TimeoutError, ConnectionError) as exc:
            log.info("closed a connection: %s", exc if isinstance(exc, BadEvent) else type(exc).__name__)
        finally:
            self._open -= 1
            writer.close()

    async def answer(self, event: Event, writer: asyncio.StreamWriter) -> bool:
        """Reply to one event; False ends the connection."""
        from wyoming.handle import Handled, NotHandled
        from wyoming.ping import Pong

        if event.type == "describe":
            await write_event(writer, info())
            return True
        if event.type == "ping":
            await write_event(writer, Pong(text=event.data.get("text")))
            return True
        if event.type != "transcript":
            return True  # not ours (audio, wake...): ignored
        text = event.data.get("text")
        if not isinstance(text, str):
            raise BadEvent("a transcript needs text")
        started = time.perf_counter()
        key = conversation_key(event.data.get("context"))
        handled, reply = self.conversations.turn(key, text)
        log.info("turn for %s: %s", key or "the shared conversation", "handled" if handled else "not handled")
        await write_event(writer, Handled(text=reply) if handled else NotHandled(text=reply))
        self.turn_seconds = self.turn_seconds[-9_999:] + [time.perf_counter() - started]
        return False  # Home Assistant sends each turn on a new connection


def run_service(conversations: Conversations, uri: str) -> int:
    """Serve until Ctrl-C; a one-line error for a bad --uri."""
    from urllib.parse import urlparse

    parsed = urlparse(uri)
    if parsed.scheme != "tcp" or not parsed.hostname or not parsed.port:
        sys.stderr.write(f"voice-triage: --uri must look like tcp://127.0.0.1:10500, not {uri!r}\n")
        return 2
    logging.basicConfig(level=logging.INFO, format="voice-triage: %(message)s", stream=sys.stderr)
    sys.stderr.write(f"voice-triage: serving Wyoming on {uri} (no authentication: keep it on a trusted network)\n")
    try:
        asyncio.run(Service(conversations).serve(parsed.hostname, parsed.port))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        sys.stderr.write(f"voice-triage: can't listen on {uri}: {exc.strerror or exc}\n")
        return 2
    finally:
        for key in list(conversations.live):
            conversations.close(key)  # saves their summaries
    return 0
