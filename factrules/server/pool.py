"""Checks in a pool of worker processes, each request with a deadline.

One request must not stall the others: a check is CPU work, and a hostile
draft or selector can make it long. So the web process never checks
anything itself. Each worker process loads the rule set once and builds its
own engines (no lock shared between requests); the web process hands a
worker the raw request body and gets back the status and the serialised
response, so it only moves bytes and keeps answering ``/healthz``.

A request waits at most ``deadline`` seconds for its check to start, then its
check has ``deadline`` seconds; past either, it is answered 503
(``PoolBusy``/``PoolTimeout``) and a worker that overran is killed and
replaced, so a stuck check costs one worker for ``deadline`` seconds, never
the server. Workers die with the web process (``children.die_with_parent``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing
import os
import socket
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from factrules.children import die_with_parent, ignore_interrupts
from factrules.server.check import CheckService, RequestError, parse_json

try:
    import orjson
except ImportError:  # an install without the server extra still checks, with the standard library's json
    orjson = None  # type: ignore[assignment]
    _ORJSON_OPTIONS = 0
else:
    _ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

log = logging.getLogger("factrules.server")
#: spawned, not forked: the web process runs threads, and a fresh interpreter holds none of their locks
_CONTEXT = multiprocessing.get_context("spawn")
#: how long a new worker may take to load the rule set before the server gives up on it
STARTUP_SECONDS = 120.0
#: a body this large (a 40,000-word feature is ~250 KB) is checked by at most half the workers at once,
#: so large bodies, however many clients send them, leave the other half to everyone else
LARGE_BODY = 256 * 1024
#: bodies in a worker's pipe at once: the one being checked and the next (small drafts only), so a worker
#: starts its next check without waiting for the web process to be scheduled
PIPELINE = 2
#: seconds a check may run before the body waiting behind it in the pipe is handed to another worker (a
#: 1,000-word draft takes 10 ms; only a hostile or stuck check runs this long)
PIPELINE_PATIENCE = 0.5
#: workers run a little below the web process's priority: when the cores are short, the event loop that
#: answers /healthz, accepts connections and moves bytes goes first, and the checks take what is left
WORKER_NICENESS = 3


class PoolUnavailable(Exception):
    """The request was not checked in time; the web layer answers 503 with this message."""


class PoolBusy(PoolUnavailable):
    """Every worker stayed busy for the whole deadline."""


class PoolTimeout(PoolUnavailable):
    """The check itself ran past the deadline; its worker was replaced."""


def answer(service: CheckService, body: bytes) -> tuple[int, bytes]:
    """What ``POST /v1/check`` answers for ``body``: status and JSON bytes (run in a worker)."""
    try:
        request = service.parse(parse_json(body))
        return 200, _dumps(service.check(request))
    except RequestError as error:
        code = "bad-request" if error.status == 400 else "invalid-request"
        payload: dict[str, Any] = {"error": code, "message": error.message}
        if error.field:
            payload["field"] = error.field
        return error.status, _dumps(payload)


def _dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, encoded once here in the worker: the web process sends these bytes as they are.

    orjson (the ``server`` extra) is ten times faster than ``json`` on a report and writes the same bytes;
    what it refuses (an integer past 64 bits, a non-string key, a type a plugin put in ``data``, including
    the dates and dataclasses it would otherwise write its own way) goes through ``json`` as before.
    """
    if orjson is not None:
        try:
            return orjson.dumps(value, option=_ORJSON_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            pass
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _worker_main(conn: Connection, load: dict[str, Any]) -> None:
    """A worker process: load the rule set, say ``ready``, then answer bodies until the pipe closes."""
    die_with_parent()
    ignore_interrupts()
    with contextlib.suppress(OSError, AttributeError):  # not on Windows
        os.nice(WORKER_NICENESS)
    try:
        service = CheckService.load(**load)
    except Exception as error:  # noqa: BLE001 - reported to the parent, which refuses to start
        conn.send_bytes(f"error: {error}".encode())
        return
    conn.send_bytes(b"ready")
    while True:
        try:
            body = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            status, payload = answer(service, body)
        except Exception as error:  # noqa: BLE001 - one bad request must not end the worker
            traceback.print_exc()
            status, payload = 500, _dumps({"error": "internal-error", "message": f"the check failed: {error}"})
        conn.send_bytes(status.to_bytes(2, "big") + payload)


class _Channel(asyncio.Protocol):
    """The web process's end of a worker's pipe, read by the event loop itself: no thread, no extra hop.

    The frames are ``multiprocessing.Connection``'s (a 4-byte signed big-endian length, or -1 and an
    8-byte length), so the worker keeps its plain blocking ``recv_bytes``/``send_bytes``. Each whole
    frame goes to ``on_frame`` as it arrives; a closed pipe (the worker died or was killed) calls
    ``on_lost``.
    """

    def __init__(self, on_frame: Callable[[bytes], None], on_lost: Callable[[], None]) -> None:
        self.on_frame = on_frame
        self.on_lost = on_lost
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._size = -1

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a stream transport (uvloop's is no subclass)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while True:
            if self._size < 0:
                if len(buffer) < 4:
                    return
                size = int.from_bytes(buffer[:4], "big", signed=True)
                head = 4
                if size == -1:
                    if len(buffer) < 12:
                        return
                    size, head = int.from_bytes(buffer[4:12], "big"), 12
                del buffer[:head]
                self._size = size
            if len(buffer) < self._size:
                return
            frame = bytes(buffer[:self._size])
            del buffer[:self._size]
            self._size = -1
            self.on_frame(frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.on_lost()

    def send(self, payload: bytes) -> None:
        """Queue one frame for the worker (the transport writes what the pipe does not take at once)."""
        if self.transport is None or self.transport.is_closing():
            raise EOFError("the check worker's pipe is closed")
        size = len(payload)
        head = size.to_bytes(4, "big", signed=True) if size <= 0x7FFFFFFF else b"\xff\xff\xff\xff" + \
            size.to_bytes(8, "big")
        self.transport.writelines((head, payload))


class _Job:
    """One request body on its way through the pool; ``future`` gets the worker's reply frame."""

    __slots__ = ("body", "future", "large", "timer", "worker")

    def __init__(self, body: bytes, future: asyncio.Future[bytes]):
        self.body = body
        self.future = future
        self.large = len(body) > LARGE_BODY
        #: the wait deadline until the job's check starts, then the check's deadline
        self.timer: asyncio.TimerHandle | None = None
        self.worker: _Worker | None = None


class _Worker:
    """One worker process, the parent's end of its pipe (a ``_Channel`` once the event loop runs), its jobs.

    ``jobs[0]`` is being checked; one more may wait in the pipe behind it (``PIPELINE``).
    """

    def __init__(self, load: dict[str, Any]):
        parent, child = _CONTEXT.Pipe()
        self.conn: Connection | None = parent
        self.channel: _Channel | None = None
        self.jobs: deque[_Job] = deque()
        #: when ``jobs[0]``'s check started (loop time), and the timer that takes back the jobs behind it
        self.started = 0.0
        self.steal: asyncio.TimerHandle | None = None
        self.gone = False
        self.process: BaseProcess = _CONTEXT.Process(target=_worker_main, args=(child, load), daemon=True,
                                                     name="factrules-check")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        """Blocking: wait for the worker's ``ready`` (it has loaded the rule set)."""
        assert self.conn is not None
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a check worker did not load the rule set within {timeout:.0f} s")
        message = self.conn.recv_bytes()
        if message != b"ready":
            self.kill()
            raise RuntimeError(f"a check worker could not start: {message.decode('utf-8', 'replace')}")

    async def attach(self, on_frame: Callable[[bytes], None], on_lost: Callable[[], None]) -> None:
        """Hand the pipe to the running event loop (once, before the first job)."""
        assert self.conn is not None
        sock = socket.socket(fileno=os.dup(self.conn.fileno()))
        self.conn.close()
        self.conn = None
        channel = _Channel(on_frame, on_lost)
        await asyncio.get_running_loop().connect_accepted_socket(lambda: channel, sock)
        self.channel = channel

    def takes(self, job: _Job) -> bool:
        """Room for ``job``: idle, or checking one small draft with ``job`` small too (never behind a large one,
        whose check may take the whole budget)."""
        if self.channel is None or self.gone:
            return False
        if not self.jobs:
            return True
        return len(self.jobs) < PIPELINE and not job.large and not any(queued.large for queued in self.jobs)

    def kill(self) -> None:
        self.gone = True
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        if self.conn is not None:
            self.conn.close()
        if self.channel is not None and self.channel.transport is not None:
            with contextlib.suppress(RuntimeError):  # the event loop is already closed: the fd goes with it
                self.channel.transport.abort()


class CheckPool:
    """``size`` worker processes; ``await pool.submit(body)`` -> ``(status, json_bytes)`` or ``PoolUnavailable``.

    Strictly first come, first served, with no hop in between: a request finding no room joins a queue,
    and when a worker's reply arrives, the same event-loop callback that reads it starts the next body
    already in that worker's pipe and tops the pipe up from the queue, before the finished request's
    response is even sent. A worker checking a small draft gets the next small one behind it
    (``PIPELINE``), so it never waits for the web process to be scheduled between two checks (6 % of
    a worker's time on a busy machine). A later request never takes a slot from an earlier one, and
    under a steady overload every request waits about as long as the others, which keeps the slowest
    one percent near the median.

    Deadlines: a request waits at most ``deadline`` for its check to start (in the queue or in a pipe),
    then the check has ``deadline``; past it the worker is killed and replaced, and a body waiting in
    its pipe goes back to the front of the queue.
    """

    def __init__(self, load: dict[str, Any], size: int, deadline: float):
        self.load = load
        self.size = size
        self.deadline = deadline
        self.workers: list[_Worker] = []
        self._waiting: deque[_Job] = deque()
        self._closed = False
        self._attaching: asyncio.Future[None] | None = None
        self._large = asyncio.Semaphore(max(1, size // 2))
        self._busy = f"every check worker stayed busy for {deadline:g} s; try again later"
        self._overran = f"the check took longer than {deadline:g} s and was stopped; send a shorter draft or " \
            "fewer selectors"

    def start(self) -> None:
        """Start every worker and wait until each has loaded the rule set (before the server listens)."""
        started = [_Worker(self.load) for _ in range(self.size)]
        self.workers.extend(started)
        try:
            for worker in started:
                worker.wait_ready(STARTUP_SECONDS)
        except RuntimeError:
            self.close()
            raise

    @property
    def pids(self) -> list[int]:
        return [worker.process.pid for worker in self.workers if worker.process.pid is not None]

    async def submit(self, body: bytes) -> tuple[int, bytes]:
        if len(body) <= LARGE_BODY:
            return await self._submit(body)
        try:
            await asyncio.wait_for(self._large.acquire(), self.deadline)
        except TimeoutError:
            raise PoolBusy(f"the workers for large drafts stayed busy for {self.deadline:g} s; "
                           "try again later") from None
        try:
            return await self._submit(body)
        finally:
            self._large.release()

    async def _submit(self, body: bytes) -> tuple[int, bytes]:
        if self._attaching is None:  # the first request: the started workers' pipes join the event loop
            self._attaching = asyncio.ensure_future(self._attach_started())
        if not self._attaching.done():
            await asyncio.shield(self._attaching)
        loop = asyncio.get_running_loop()
        job = _Job(body, loop.create_future())
        job.timer = loop.call_later(self.deadline, self._expire, job)
        waiting = self._waiting
        while waiting and waiting[0].future.done():  # requests that gave up
            waiting.popleft()
        worker = None if waiting else self._room(job)  # never ahead of a request that waits
        if worker is None:
            waiting.append(job)
        else:
            self._send(worker, job)
        try:
            reply = await job.future
        except asyncio.CancelledError:  # the server is shutting down: the worker's answer would go nowhere
            if job.timer is not None:
                job.timer.cancel()
            worker = job.worker
            if worker is not None and worker.jobs and worker.jobs[0] is job:
                self._replace(worker)
            raise
        return int.from_bytes(reply[:2], "big"), reply[2:]

    def _room(self, job: _Job) -> _Worker | None:
        """An idle worker, else one whose pipe may take ``job`` behind its check."""
        best = None
        for worker in self.workers:
            if worker.takes(job):
                if not worker.jobs:
                    return worker
                best = best or worker
        return best

    async def _attach_started(self) -> None:
        for worker in list(self.workers):
            if worker.channel is None and not worker.gone:
                await self._attach(worker)
        self._dispatch()

    async def _attach(self, worker: _Worker) -> None:
        await worker.attach(lambda frame: self._answered(worker, frame), lambda: self._lost(worker))

    def _send(self, worker: _Worker, job: _Job) -> None:
        """Write ``job`` to ``worker``'s pipe; at its head, its check (and deadline) starts now."""
        assert worker.channel is not None
        worker.jobs.append(job)
        job.worker = worker
        try:
            worker.channel.send(job.body)
        except EOFError:
            self._lost(worker)
            return
        if len(worker.jobs) == 1:
            self._begin(worker, job)
        elif worker.steal is None:  # behind a check: taken back if that check turns out slow
            worker.steal = asyncio.get_running_loop().call_at(worker.started + PIPELINE_PATIENCE, self._steal,
                                                              worker, worker.jobs[0])

    def _begin(self, worker: _Worker, job: _Job) -> None:
        if job.timer is not None:
            job.timer.cancel()
        loop = asyncio.get_running_loop()
        worker.started = loop.time()
        job.timer = loop.call_later(self.deadline, self._overrun, worker, job)

    def _steal(self, worker: _Worker, head: _Job) -> None:
        """``head`` has run for ``PIPELINE_PATIENCE``: the requests in the pipe behind it go back to the queue.

        What was written cannot be unwritten: the worker still gets to those bodies, as ghosts whose
        answers are dropped, while their requests go to the first worker free.
        """
        worker.steal = None
        if not worker.jobs or worker.jobs[0] is not head:
            return
        loop = asyncio.get_running_loop()
        for ghost in reversed(list(worker.jobs)[1:]):
            if ghost.future.done():
                continue
            moved = _Job(ghost.body, ghost.future)
            moved.timer, ghost.timer = ghost.timer, None
            ghost.future = loop.create_future()
            ghost.future.cancel()
            self._waiting.appendleft(moved)
        self._dispatch()

    def _answered(self, worker: _Worker, frame: bytes) -> None:
        """A reply: resolve its request, start the next body in the pipe, top the pipe up from the queue."""
        if not worker.jobs:  # nothing was asked: a worker out of step is not trusted with another body
            self._replace(worker)
            return
        job = worker.jobs.popleft()
        if job.timer is not None:
            job.timer.cancel()
        if worker.steal is not None:
            worker.steal.cancel()
            worker.steal = None
        if not job.future.done():
            job.future.set_result(frame)
        if worker.jobs:  # checked even if its request gave up meanwhile: the worker is busy with it
            self._begin(worker, worker.jobs[0])
        self._fill(worker)

    def _fill(self, worker: _Worker) -> None:
        """Give ``worker`` the longest-waiting bodies still wanted, as long as it has room for the next one."""
        waiting = self._waiting
        while waiting:
            job = waiting[0]
            if job.future.done():
                waiting.popleft()
                continue
            if not worker.takes(job):
                return
            waiting.popleft()
            self._send(worker, job)

    def _dispatch(self) -> None:
        """Fill every worker from the queue, idle ones first (after a start, a replacement or a requeue)."""
        for worker in sorted(self.workers, key=lambda w: len(w.jobs)):
            self._fill(worker)

    def _expire(self, job: _Job) -> None:
        """Waited the whole deadline for its check to start: 503 (dropped from the queue when reached)."""
        if not job.future.done():
            job.future.set_exception(PoolBusy(self._busy))

    def _overrun(self, worker: _Worker, job: _Job) -> None:
        if worker.jobs and worker.jobs[0] is job:
            if not job.future.done():
                job.future.set_exception(PoolTimeout(self._overran))
            self._replace(worker)

    def _lost(self, worker: _Worker) -> None:
        """The pipe closed under a live worker: it died (or was killed by someone else)."""
        if worker.gone:
            return
        if worker.jobs and not worker.jobs[0].future.done():
            worker.jobs[0].future.set_exception(PoolUnavailable("the check worker stopped unexpectedly; try again"))
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker``, start another; bodies that were waiting in its pipe go back to the queue's front."""
        jobs, worker.jobs = worker.jobs, deque()
        if worker.steal is not None:
            worker.steal.cancel()
            worker.steal = None
        if jobs:
            head = jobs.popleft()
            if head.timer is not None:
                head.timer.cancel()
            for job in reversed(jobs):  # never started: they keep their wait deadline
                job.worker = None
                self._waiting.appendleft(job)
        worker.kill()
        if worker in self.workers:
            self.workers.remove(worker)
        if not self._closed:
            # started from the event loop's (main) thread: PR_SET_PDEATHSIG follows the thread that started it
            fresh = _Worker(self.load)
            self.workers.append(fresh)
            asyncio.get_running_loop().create_task(self._admit(fresh))
        self._dispatch()

    async def _admit(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, worker.wait_ready, STARTUP_SECONDS)
            if self._closed:
                worker.kill()
                return
            await self._attach(worker)
        except (RuntimeError, OSError) as error:
            log.error("factrules: %s", error)
            if worker in self.workers:
                self.workers.remove(worker)
            return
        self._dispatch()

    def close(self) -> None:
        """Kill every worker now (a stuck check is not waited for)."""
        self._closed = True
        for worker in list(self.workers):
            worker.kill()
        self.workers.clear()


class InlineChecker:
    """Checks in this process, one at a time: for embedding ``create_app`` in tests, never for ``serve``."""

    def __init__(self, service: CheckService):
        self.service = service
        self._lock = asyncio.Lock()

    async def submit(self, body: bytes) -> tuple[int, bytes]:
        async with self._lock:
            return await asyncio.to_thread(answer, self.service, body)
