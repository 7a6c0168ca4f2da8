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
from typing import Any

import pytest

from factrules.server.pool import CheckPool, PoolBusy, PoolTimeout, PoolUnavailable, _Channel, _dumps


class FakeChannel:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, payload: bytes) -> None:
        self.sent.append(payload)


class FakeWorker:
    """What the pool touches of a ``_Worker``: its channel, its job, and ``kill``."""

    def __init__(self, name: str):
        self.name = name
        self.channel = FakeChannel()
        self.job = None
        self.gone = False

    def kill(self) -> None:
        self.gone = True


async def _pool(workers: int, deadline: float = 30.0) -> tuple[CheckPool, list[FakeWorker]]:
    """A pool of fake workers, in the running event loop; ``_closed`` so nothing spawns a real process."""
    pool = CheckPool({}, workers, deadline)
    fakes = [FakeWorker(f"w{n}") for n in range(workers)]
    pool.workers.extend(fakes)  # type: ignore[arg-type]
    pool._idle.extend(fakes)  # type: ignore[arg-type]
    pool._attaching = asyncio.get_running_loop().create_future()
    pool._attaching.set_result(None)
    pool._closed = True
    return pool, fakes


def _reply(status: int, text: str) -> bytes:
    return status.to_bytes(2, "big") + text.encode()


def test_a_reply_hands_the_worker_the_longest_waiting_body_at_once() -> None:
    async def scenario() -> None:
        pool, (worker,) = await _pool(1)
        requests = [asyncio.ensure_future(pool.submit(name.encode())) for name in ("a", "b", "c")]
        await asyncio.sleep(0)
        assert worker.channel.sent == [b"a"]  # b and c wait
        pool._answered(worker, _reply(200, "A"))  # type: ignore[arg-type]
        # sent from the read callback itself, before request a has even resumed
        assert worker.channel.sent == [b"a", b"b"] and not requests[0].done()
        late = asyncio.ensure_future(pool.submit(b"late"))  # arrives now: behind c, whatever the timing
        await asyncio.sleep(0)
        for answer in ("B", "C", "LATE"):
            pool._answered(worker, _reply(200, answer))  # type: ignore[arg-type]
        assert worker.channel.sent == [b"a", b"b", b"c", b"late"]
        assert [await request for request in (*requests, late)] == [(200, b"A"), (200, b"B"), (200, b"C"),
                                                                    (200, b"LATE")]
        assert list(pool._idle) == [worker]

    asyncio.run(scenario())


def test_a_request_waits_at_most_the_deadline_and_is_then_skipped() -> None:
    async def scenario() -> None:
        pool, (worker,) = await _pool(1, deadline=0.05)
        running = asyncio.ensure_future(pool.submit(b"a"))
        await asyncio.sleep(0)
        worker.job.timer.cancel()  # type: ignore[attr-defined]  # a's check may take its time here
        with pytest.raises(PoolBusy, match="busy for 0.05 s"):
            await pool.submit(b"b")
        waiting = asyncio.ensure_future(pool.submit(b"c"))
        await asyncio.sleep(0)
        pool._answered(worker, _reply(200, "A"))  # type: ignore[arg-type]
        assert worker.channel.sent == [b"a", b"c"]  # b gave up: skipped
        pool._answered(worker, _reply(422, "C"))  # type: ignore[arg-type]
        assert await running == (200, b"A") and await waiting == (422, b"C")

    asyncio.run(scenario())


def test_a_check_past_the_deadline_is_503_and_its_worker_killed() -> None:
    async def scenario() -> None:
        pool, (worker,) = await _pool(1, deadline=0.05)
        with pytest.raises(PoolTimeout, match="longer than 0.05 s"):
            await pool.submit(b"stuck")
        assert worker.gone and worker not in pool.workers and not pool._idle

    asyncio.run(scenario())


def test_a_worker_that_dies_fails_only_its_own_request() -> None:
    async def scenario() -> None:
        pool, (first, second) = await _pool(2)
        one = asyncio.ensure_future(pool.submit(b"one"))
        two = asyncio.ensure_future(pool.submit(b"two"))
        await asyncio.sleep(0)
        pool._lost(first)  # type: ignore[arg-type]
        with pytest.raises(PoolUnavailable, match="stopped unexpectedly"):
            await one
        pool._answered(second, _reply(200, "TWO"))  # type: ignore[arg-type]
        assert await two == (200, b"TWO") and first.gone and not second.gone

    asyncio.run(scenario())


def test_a_cancelled_request_leaves_the_queue_and_a_running_one_frees_its_worker() -> None:
    async def scenario() -> None:
        pool, (worker,) = await _pool(1)
        running = asyncio.ensure_future(pool.submit(b"a"))
        queued = asyncio.ensure_future(pool.submit(b"b"))
        after = asyncio.ensure_future(pool.submit(b"c"))
        await asyncio.sleep(0)
        queued.cancel()
        await asyncio.sleep(0)
        pool._answered(worker, _reply(200, "A"))  # type: ignore[arg-type]
        assert worker.channel.sent == [b"a", b"c"]
        after.cancel()  # mid-check (shutdown): the worker's answer would go nowhere, so it is replaced
        await asyncio.sleep(0)
        assert await running == (200, b"A") and worker.gone

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
