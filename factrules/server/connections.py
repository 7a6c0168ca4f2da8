"""Connection-level limits for uvicorn's HTTP/1.1 protocol, and logging that does not flood.

uvicorn closes an idle keep-alive connection, but a connection that never
sends a complete request (a half-open socket, headers trickled a byte at a
time, a body that never ends) is kept forever: 20,000 of them exhaust the
file descriptors. ``GuardedH11`` gives each request ``header_timeout``
seconds to send its headers and ``body_timeout`` more for its body, and
refuses connections beyond ``max_connections`` at once.

``BurstFilter`` lets the first of a run of identical log records through
and counts the rest: a flood of "Too many open files" is one line per
``window`` seconds, with the number it stood for.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("factrules.server")


class GuardedH11(H11Protocol):
    """``H11Protocol`` with a deadline for each request's headers and body, and a connection limit."""

    # ``serve`` sets these through ``configured`` (its --header-timeout, --body-timeout, --max-connections)
    header_timeout = 10.0
    body_timeout = 30.0
    max_connections = 4096

    _read_timer: asyncio.TimerHandle | None = None
    _reading_body = False

    @classmethod
    def configured(cls, *, header_timeout: float, body_timeout: float, max_connections: int) -> type[GuardedH11]:
        """A subclass carrying these limits (uvicorn builds the protocol from a class, per connection)."""
        return type("GuardedH11", (cls,), {"header_timeout": header_timeout, "body_timeout": body_timeout,
                                            "max_connections": max_connections})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            _note(f"refused connections past the limit of {self.max_connections} open (--max-connections)")
            transport.abort()
            return
        # spread over +-20 %: connections that arrived in one burst do not all time out in one turn of the loop
        self._arm(self.header_timeout * (0.8 + 0.4 * random.random()), body=False)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            # the keep-alive timer closes an idle connection; once a next request starts, it has header_timeout
            self._arm(self.timeout_keep_alive + self.header_timeout, body=False)
            self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _follow(self) -> None:
        """Re-arm or stop the read deadline from where the client is in its request."""
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            if not self._reading_body:
                self._arm(self.body_timeout, body=True)
        elif state is not h11.IDLE:
            self._disarm()

    def _arm(self, seconds: float, *, body: bool) -> None:
        self._disarm()
        self._reading_body = body
        self._read_timer = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        what = "body" if self._reading_body else "request headers"
        _note(f"closed connections whose {what} did not arrive in time")
        self.transport.abort()


_noted: dict[str, tuple[float, int]] = {}


def _note(message: str, window: float = 10.0) -> None:
    """Count an event per connection; log it at most once per ``window`` (a LogRecord per event is too dear
    when 2,000 connections time out at once)."""
    now = time.monotonic()
    last, count = _noted.get(message, (0.0, 0))
    if now - last < window:
        _noted[message] = (last, count + 1)
        return
    _noted[message] = (now, 0)
    log.warning("factrules: %s (%d time%s)", message, count + 1, "s" if count else "")


class BurstFilter(logging.Filter):
    """Pass the first record of each kind per ``window`` seconds; the next one passed says how many were held."""

    def __init__(self, window: float = 10.0, clock: Any = time.monotonic):
        super().__init__()
        self.window = window
        self.clock = clock
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = self.clock()
        with self._lock:
            started, held = self._seen.get(key, (None, 0))
            if started is not None and now - started < self.window:
                self._seen[key] = (started, held + 1)
                return False
            self._seen[key] = (now, 0)
            if len(self._seen) > 1000:
                self._seen = {key: (now, 0)}
        if held:
            record.msg = f"{record.msg} ({held} more like it in the last {self.window:g} s)"
        return True


#: loggers a flood comes through: asyncio's accept errors, uvicorn's protocol warnings, ours
FLOOD_LOGGERS = ("asyncio", "uvicorn.error", "factrules.server")


def limit_log_bursts(window: float = 10.0) -> BurstFilter:
    """Install one ``BurstFilter`` on every logger a connection flood writes to."""
    burst = BurstFilter(window)
    for name in FLOOD_LOGGERS:
        logging.getLogger(name).addFilter(burst)
    return burst
