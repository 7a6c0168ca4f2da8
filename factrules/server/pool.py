"""Checks in a pool of worker processes, each request with a deadline.

One request must not stall the others: a check is CPU work, and a hostile
draft or selector can make it long. So the web process never checks
anything itself. Each worker process loads the rule set once and builds its
own engines (no lock shared between requests); the web process hands a
worker the raw request body and gets back the status and the serialised
response, so it only moves bytes and keeps answering ``/healthz``.

A request waits at most ``deadline`` seconds for a free worker, then its
check has ``deadline`` seconds; past either, it is answered 503
(``PoolBusy``/``PoolTimeout``) and a worker that overran is killed and
replaced, so a stuck check costs one worker for ``deadline`` seconds, never
the server. Workers die with the web process (``children.die_with_parent``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import multiprocessing
import os
import traceback
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from factrules.children import die_with_parent, ignore_interrupts
from factrules.server.check import CheckService, RequestError, parse_json

log = logging.getLogger("factrules.server")
#: spawned, not forked: the web process runs threads, and a fresh interpreter holds none of their locks
_CONTEXT = multiprocessing.get_context("spawn")
#: how long a new worker may take to load the rule set before the server gives up on it
STARTUP_SECONDS = 120.0
#: a body this large (a 40,000-word feature is ~250 KB) is checked by at most half the workers at once,
#: so large bodies, however many clients send them, leave the other half to everyone else
LARGE_BODY = 256 * 1024
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


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, load: dict[str, Any]):
        parent, child = _CONTEXT.Pipe()
        self.conn = parent
        self.process: BaseProcess = _CONTEXT.Process(target=_worker_main, args=(child, load), daemon=True,
                                                     name="factrules-check")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a check worker did not load the rule set within {timeout:.0f} s")
        message = self.conn.recv_bytes()
        if message != b"ready":
            self.kill()
            raise RuntimeError(f"a check worker could not start: {message.decode('utf-8', 'replace')}")

    def call(self, body: bytes) -> tuple[int, bytes]:
        """Blocking: send a body, wait for the answer (``EOFError`` when the worker is killed meanwhile)."""
        self.conn.send_bytes(body)
        reply = self.conn.recv_bytes()
        return int.from_bytes(reply[:2], "big"), reply[2:]

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class CheckPool:
    """``size`` worker processes; ``await pool.submit(body)`` -> ``(status, json_bytes)`` or ``PoolUnavailable``."""

    def __init__(self, load: dict[str, Any], size: int, deadline: float):
        self.load = load
        self.size = size
        self.deadline = deadline
        self.workers: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        # one thread per busy worker, blocked on its pipe; a killed worker's EOF frees it
        self._threads = concurrent.futures.ThreadPoolExecutor(max_workers=size + 2, thread_name_prefix="factrules-pool")
        self._closed = False
        self._large = asyncio.Semaphore(max(1, size // 2))

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
        for worker in started:
            self._idle.put_nowait(worker)

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
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.deadline)
        except TimeoutError:
            raise PoolBusy(f"every check worker stayed busy for {self.deadline:g} s; try again later") from None
        loop = asyncio.get_running_loop()
        try:
            result = await asyncio.wait_for(loop.run_in_executor(self._threads, worker.call, body), self.deadline)
        except TimeoutError:
            self._replace(worker)
            raise PoolTimeout(f"the check took longer than {self.deadline:g} s and was stopped; "
                              "send a shorter draft or fewer selectors") from None
        except (EOFError, OSError):
            self._replace(worker)
            raise PoolUnavailable("the check worker stopped unexpectedly; try again") from None
        except asyncio.CancelledError:  # the server is shutting down: the worker's answer would go nowhere
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return result

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        if worker in self.workers:
            self.workers.remove(worker)
        if self._closed:
            return
        # started from the event loop's (main) thread: PR_SET_PDEATHSIG follows the thread that started it
        fresh = _Worker(self.load)
        self.workers.append(fresh)
        asyncio.get_running_loop().create_task(self._admit(fresh))

    async def _admit(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, worker.wait_ready, STARTUP_SECONDS)
        except RuntimeError as error:
            log.error("factrules: %s", error)
            if worker in self.workers:
                self.workers.remove(worker)
            return
        if self._closed:
            worker.kill()
            return
        self._idle.put_nowait(worker)

    def close(self) -> None:
        """Kill every worker now (a stuck check is not waited for)."""
        self._closed = True
        for worker in list(self.workers):
            worker.kill()
        self.workers.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)


class InlineChecker:
    """Checks in this process, one at a time: for embedding ``create_app`` in tests, never for ``serve``."""

    def __init__(self, service: CheckService):
        self.service = service
        self._lock = asyncio.Lock()

    async def submit(self, body: bytes) -> tuple[int, bytes]:
        async with self._lock:
            return await asyncio.to_thread(answer, self.service, body)
