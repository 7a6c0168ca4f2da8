"""The check pool's dispatch and pipe framing, without worker processes (``factrules.server.pool``).

The pool hands a free worker to the longest-waiting request (first come, first
served, also against a request that arrives in the same turn of the event
loop), reads the workers' replies on the event loop with
``multiprocessing.Connection``'s framing, and sends reports encoded once in
the worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import struct
from collections import deque
from typing import Any

import pytest

from factrules.server.pool import (
    LARGE_BODY,
    CheckPool,
    PoolBusy,
    PoolTimeout,
    PoolUnavailable,
    _Channel,
    _dumps,
    _Worker,
)


class FakeChannel:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, payload: bytes) -> None:
        self.sent.append(payload)


class FakeWorker(_Worker):
    """A ``_Worker`` without a process: its channel records what was sent, ``kill`` only marks it gone."""

    def __init__(self, name: str):  # noqa: D107 - no process, no pipe
        self.name = name
        self.channel = FakeChannel()  # type: ignore[assignment]
        self.jobs = deque()
        self.started = 0.0
        self.steal = None
        self.gone = False

    def kill(self) -> None:
        self.gone = True

    def __repr__(self) -> str:
        return self.name


async def _pool(workers: int, deadline: float = 30.0) -> tuple[CheckPool, list[FakeWorker]]:
    """A pool of fake workers, in the running event loop; ``_closed`` so nothing spawns a real process."""
    pool = CheckPool({}, workers, deadline)
    fakes = [FakeWorker(f"w{n}") for n in range(workers)]
    pool.workers.extend(fakes)
    pool._attaching = asyncio.get_running_loop().create_future()
    pool._attaching.set_result(None)
    pool._closed = True
    return pool, fakes


def _reply(status: int, text: str) -> bytes:
    return status.to_bytes(2, "big") + text.encode()


def _sent(worker: FakeWorker) -> list[bytes]:
    return worker.channel.sent  # type: ignore[attr-defined,no-any-return]


def test_a_reply_tops_the_pipe_up_with_the_longest_waiting_body_at_once() -> None:
    async def scenario() -> None:
        pool, (worker,) = await _pool(1)
        requests = [asyncio.ensure_future(pool.submit(name.encode())) for name in ("a", "b", "c", "d")]
        await asyncio.sleep(0)
        assert _sent(worker) == [b"a", b"b"]  # a is checked, b waits in the pipe behind it, c and d in the queue
        pool._answered(worker, _reply(200, "A"))
        # written from the read callback itself, before request a has even resumed
        assert _sent(worker) == [b"a", b"b", b"c"] and not requests[0].done()
        late = asyncio.ensure_future(pool.submit(b"late"))  # arrives now: behind d, whatever the timing
        await asyncio.sleep(0)
        for answer in ("B", "C", "D", "LATE"):
            pool._answered(worker, _reply(200, answer))
        assert _sent(worker) == [b"a", b"b", b"c", b"d", b"late"]
        assert [await request for request in (*requests, late)] == [
            (200, b"A"), (200, b"B"), (200, b"C"), (200, b"D"), (200, b"LATE")]
        assert not worker.jobs and not pool._waiting

    asyncio.run(scenario())


def test_idle_workers_first_and_nothing_queued_behind_a_large_draft() -> None:
    async def scenario() -> None:
        pool, (first, second) = await _pool(2)
        large = b"x" * (LARGE_BODY + 1)
        requests = [asyncio.ensure_future(pool.submit(large))]
        await asyncio.sleep(0.01)  # through the large-draft semaphore
        requests += [asyncio.ensure_future(pool.submit(body)) for body in (b"a", b"b", b"c")]
        await asyncio.sleep(0)
        assert (_sent(first), _sent(second)) == ([large], [b"a", b"b"])  # c waits rather than behind the large one
        pool._answered(second, _reply(200, "A"))
        assert _sent(second) == [b"a", b"b", b"c"] and _sent(first) == [large]
        pool._answered(first, _reply(200, "L"))
        for answer in ("B", "C"):
            pool._answered(second, _reply(200, answer))
        assert [await request for request in requests] == [(200, b"L"), (200, b"A"), (200, b"B"), (200, b"C")]

    asyncio.run(scenario())


def test_a_request_waits_at_most_the_deadline_and_is_then_skipped() -> None:
    async def scenario() -> None:
        pool, (worker,) = await _pool(1, deadline=0.05)
        running = asyncio.ensure_future(pool.submit(b"a"))
        await asyncio.sleep(0)
        worker.jobs[0].timer.cancel()  # type: ignore[union-attr]  # a's check may take its time here
        with pytest.raises(PoolBusy, match="busy for 0.05 s"):
            await pool.submit(b"b")  # in the pipe behind a, never started
        with pytest.raises(PoolBusy):
            await pool.submit(b"c")  # in the queue
        waiting = asyncio.ensure_future(pool.submit(b"d"))
        await asyncio.sleep(0)
        pool._answered(worker, _reply(200, "A"))  # b starts (the worker has it), c is skipped, d goes in the pipe
        assert _sent(worker) == [b"a", b"b", b"d"]
        pool._answered(worker, _reply(200, "B"))  # nobody waits for b's answer any more
        pool._answered(worker, _reply(422, "D"))
        assert await running == (200, b"A") and await waiting == (422, b"D")

    asyncio.run(scenario())


def test_a_check_past_the_deadline_is_503_and_the_body_behind_it_moves_on() -> None:
    async def scenario() -> None:
        pool, (stuck, other) = await _pool(2, deadline=0.2)
        head = asyncio.ensure_future(pool.submit(b"stuck"))
        await asyncio.sleep(0)
        keep = asyncio.ensure_future(pool.submit(b"o1"))
        await asyncio.sleep(0)
        behind = asyncio.ensure_future(pool.submit(b"behind"))  # o1's worker is idle-first: stuck's pipe gets it
        await asyncio.sleep(0)
        assert _sent(stuck) == [b"stuck", b"behind"] and _sent(other) == [b"o1"]
        pool._answered(other, _reply(200, "O1"))
        assert await keep == (200, b"O1")
        with pytest.raises(PoolTimeout, match="longer than 0.2 s"):
            await head
        assert stuck.gone and stuck not in pool.workers
        assert _sent(other) == [b"o1", b"behind"]  # never started: sent to the live worker, not lost
        pool._answered(other, _reply(200, "BEHIND"))
        assert await behind == (200, b"BEHIND")

    asyncio.run(scenario())


def test_a_body_behind_a_slow_check_is_taken_back_for_the_next_free_worker() -> None:
    async def scenario() -> None:
        pool, (slow, other) = await _pool(2)
        requests = {}
        for name in ("slow", "o1", "behind", "o2"):
            requests[name] = asyncio.ensure_future(pool.submit(name.encode()))
            await asyncio.sleep(0)
        assert _sent(slow) == [b"slow", b"behind"] and _sent(other) == [b"o1", b"o2"]
        assert slow.steal is not None  # armed for when slow has run PIPELINE_PATIENCE
        slow.steal.cancel()
        pool._steal(slow, slow.jobs[0])  # what that timer does: behind goes back to the queue's front
        assert [job.body for job in pool._waiting] == [b"behind"]
        pool._answered(other, _reply(200, "O1"))
        assert _sent(other) == [b"o1", b"o2", b"behind"]
        for answer in ("O2", "BEHIND"):
            pool._answered(other, _reply(200, answer))
        assert await requests["behind"] == (200, b"BEHIND")
        pool._answered(slow, _reply(200, "SLOW"))
        pool._answered(slow, _reply(200, "GHOST"))  # the copy the slow worker still had: its answer is dropped
        assert await requests["slow"] == (200, b"SLOW") and not slow.jobs and not slow.gone

    asyncio.run(scenario())


def test_a_worker_that_dies_fails_only_the_check_it_was_running() -> None:
    async def scenario() -> None:
        pool, (first, second) = await _pool(2)
        one = asyncio.ensure_future(pool.submit(b"one"))
        await asyncio.sleep(0)
        two = asyncio.ensure_future(pool.submit(b"two"))
        await asyncio.sleep(0)
        three = asyncio.ensure_future(pool.submit(b"three"))
        await asyncio.sleep(0)
        assert _sent(first) == [b"one", b"three"]
        pool._lost(first)
        with pytest.raises(PoolUnavailable, match="stopped unexpectedly"):
            await one
        assert _sent(second) == [b"two", b"three"]
        pool._answered(second, _reply(200, "TWO"))
        pool._answered(second, _reply(200, "THREE"))
        assert (await two, await three) == ((200, b"TWO"), (200, b"THREE")) and first.gone and not second.gone

    asyncio.run(scenario())


def test_a_cancelled_request_leaves_the_queue_and_a_running_one_frees_its_worker() -> None:
    async def scenario() -> None:
        pool, (worker,) = await _pool(1)
        requests = {name: asyncio.ensure_future(pool.submit(name.encode())) for name in ("a", "b", "c", "d")}
        await asyncio.sleep(0)
        requests["c"].cancel()  # still in the queue: never sent
        await asyncio.sleep(0)
        pool._answered(worker, _reply(200, "A"))
        assert _sent(worker) == [b"a", b"b", b"d"]
        requests["b"].cancel()  # mid-check (shutdown): the worker's answer would go nowhere, so it is replaced
        await asyncio.sleep(0)
        assert await requests["a"] == (200, b"A") and worker.gone

    asyncio.run(scenario())


class FakeTransport:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def is_closing(self) -> bool:
        return False

    def writelines(self, chunks: Any) -> None:
        self.written.extend(chunks)


def test_channel_reads_connection_frames_split_anywhere() -> None:
    """One reply per request, however the pipe cuts it up (inside the length header too)."""
    payloads = [b"\x00\xc8" + b'{"a":1}', b"", b"x" * 70_000, b"\x01\x90tail"]
    # multiprocessing's framing: a 4-byte signed length, or -1 and an 8-byte length for huge messages
    frames = [struct.pack("!i", len(p)) + p for p in payloads[:3]]
    frames.append(struct.pack("!i", -1) + struct.pack("!Q", len(payloads[3])) + payloads[3])

    async def scenario(piece: int) -> list[bytes]:
        got: list[bytes] = []
        channel = _Channel(got.append, lambda: None)
        channel.connection_made(FakeTransport())  # type: ignore[arg-type]
        for number, frame in enumerate(frames):
            for start in range(0, len(frame), piece):
                assert len(got) == number
                channel.data_received(frame[start:start + piece])
        return got

    for piece in (1, 3, 5, 4096, 1 << 20):
        assert asyncio.run(scenario(piece)) == payloads, piece


def test_channel_sends_connection_frames() -> None:
    transport = FakeTransport()
    channel = _Channel(lambda frame: None, lambda: None)
    channel.connection_made(transport)  # type: ignore[arg-type]
    channel.send(b'{"text": "x"}')
    assert b"".join(transport.written) == struct.pack("!i", 13) + b'{"text": "x"}'


def test_a_closed_pipe_is_reported_and_refuses_more() -> None:
    lost: list[bool] = []
    channel = _Channel(lambda frame: None, lambda: lost.append(True))
    channel.connection_made(FakeTransport())  # type: ignore[arg-type]
    channel.connection_lost(None)
    assert lost == [True]
    with pytest.raises(EOFError):
        channel.send(b"next")


def test_reports_are_encoded_once_as_the_standard_library_would() -> None:
    report = {"findings": [{"text": "caf\u00e9 \u2014 \u201cquoted\u201d", "span": {"start": 0, "end": 4},
                            "data": {"ratio": 0.25, "none": None, "flag": True}}], "errors": []}
    assert _dumps(report) == json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # what orjson refuses or would write its own way goes through json: the same bytes, or the same error
    assert _dumps({"big": 2**70, 1: "key"}) == b'{"big":1180591620717411303424,"1":"key"}'
    with pytest.raises(TypeError):
        _dumps({"when": dt.date(2024, 3, 15)})
