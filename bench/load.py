"""HTTP load: concurrent ``POST /v1/check`` requests with a ~1,000-word draft, on loopback.

    python bench/load.py                          # starts `factrules serve` itself on a free port
    python bench/load.py --url http://127.0.0.1:8765 --token "$FACTRULES_TOKEN"
    python bench/load.py --concurrency 16 --requests 800 --draft some-article.txt
    python bench/load.py --workers 2 --concurrency 200 --requests 3000 --hostile   # issue 15's run under attack

Sends a bounded number of requests (``--requests``) with at most
``--concurrency`` in flight (asyncio + httpx), after ``--warmup`` requests
that are not counted, and prints requests per second and latency
percentiles.  Every response must be a 200 carrying the same number of
findings, or the run fails: a fast server that answers errors is not fast.

``--hostile`` repeats the run while, at the same time, one client sends
the 40 KB selector (``"select": ["[" * 40000]``) again and again, another a
2 MB unpunctuated body, ``--idle`` connections (default 2,000) are held
half-open (partial headers, reopened when the server closes them), and
``/healthz`` is timed every 0.2 s. Only the legitimate clients' latencies
count; what the hostile ones got is printed. All traffic goes to loopback,
and the run stops by itself; the only process it starts (and stops) is the
server, when no ``--url`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factrules.testing import ServerProcess  # noqa: E402

#: sentence templates for a synthetic news draft: most are plain, some carry what the rules flag
PLAIN = [
    "The council met in the town hall to discuss the {noun} budget for the coming year.",
    "Residents of the {place} district said the {noun} had changed their daily routine.",
    "The {org} published its annual figures on its website and in a printed report.",
    "Engineers inspected the {noun} and wrote down every fault they found.",
    "The mayor, Ines Varga, told reporters that the city would publish the contracts.",
    "Traffic on the ring road was slow as crews repaired the {noun} near the {place} junction.",
    "A spokeswoman for the {org} said the company would answer questions in writing.",
    "Teachers at the {place} school described the new timetable as a practical change.",
]
FLAGGED = [
    "The {org} reportedly cut {number} jobs at its {place} plant.",
    "Officials are believed to have approved the {noun} without a vote, sources said.",
    "The company denied that it had ignored warnings about the {noun}.",
    "As many as {number} people attended the meeting on Tuesday, according to people familiar with the matter.",
    "The claims could not be independently verified, and it is unclear whether the {noun} was insured.",
    "Roughly {number} households lost power last week, and repairs could take up to three weeks.",
    "Some say the {org} dismissed the report as outdated earlier this month.",
]
WORDS = {
    "noun": ["bridge", "water main", "tram line", "school roof", "harbour crane", "bus depot", "library"],
    "place": ["Westmoor", "Calder", "north", "harbour", "old town", "riverside"],
    "org": ["port authority", "water board", "transport company", "hospital trust", "council"],
    "number": ["40", "120", "300", "1,200", "dozens of", "hundreds of"],
}


def make_draft(words: int, seed: int = 7) -> str:
    """A deterministic draft of about ``words`` words, one flagged sentence in four, in paragraphs of four."""
    rng = random.Random(seed)
    sentences: list[str] = []
    count = 0
    while count < words:
        template = rng.choice(FLAGGED if rng.random() < 0.25 else PLAIN)
        sentence = template.format(**{key: rng.choice(values) for key, values in WORDS.items()})
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs) + "\n"


SELECTOR_BOMB = ["[" * 40000]


async def hostile_selector(url: str, headers: dict[str, str], stop: asyncio.Event, seen: list[int]) -> None:
    """One client sending the 40 KB selector, one request after another."""
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        while not stop.is_set():
            try:
                response = await client.post("/v1/check", json={"text": "It rained.", "select": SELECTOR_BOMB})
                seen.append(response.status_code)
            except httpx.HTTPError:
                seen.append(0)
                await asyncio.sleep(0.2)


async def hostile_body(url: str, headers: dict[str, str], stop: asyncio.Event, seen: list[int]) -> None:
    """One client sending 2 MB of text without a sentence end, one request after another."""
    text = ("the council reportedly met on Monday and said nothing about Tuesday " * 30000)[:2_000_000]
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        while not stop.is_set():
            try:
                response = await client.post("/v1/check", json={"text": text, "date": "2024-03-15"})
                seen.append(response.status_code)
            except httpx.HTTPError:
                seen.append(0)
                await asyncio.sleep(0.2)


async def idle_connection(host: str, port: int, stop: asyncio.Event, counts: dict[str, int]) -> None:
    """Hold a connection that never finishes its headers; reopen it whenever the server closes it."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            counts["refused"] += 1
            await asyncio.sleep(0.5)
            continue
        counts["opened"] += 1
        try:
            writer.write(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            await writer.drain()
            read = asyncio.ensure_future(reader.read(1))
            halt = asyncio.ensure_future(stop.wait())
            await asyncio.wait({read, halt}, return_when=asyncio.FIRST_COMPLETED)
            for task in (read, halt):
                task.cancel()
            if not stop.is_set():
                counts["closed by server"] += 1
        except OSError:
            counts["closed by server"] += 1
        finally:
            writer.close()


async def health_probe(url: str, stop: asyncio.Event, times: list[float]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = await client.get("/healthz")
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            times.append(time.perf_counter() - started if ok else float("inf"))
            await asyncio.sleep(0.2)


async def run_hostile(url: str, body: dict[str, Any], headers: dict[str, str], concurrency: int, total: int,
                      warmup: int, idle: int) -> dict[str, Any]:
    """``run_load`` while the hostile clients above run; they stop when the legitimate load is done."""
    host, port = httpx.URL(url).host, httpx.URL(url).port or 80
    stop = asyncio.Event()
    selector: list[int] = []
    big: list[int] = []
    health: list[float] = []
    counts = {"opened": 0, "closed by server": 0, "refused": 0}
    tasks = [asyncio.ensure_future(idle_connection(host, port, stop, counts)) for _ in range(idle)]
    await asyncio.sleep(2)  # the idle connections are in place before the measured run
    tasks += [asyncio.ensure_future(hostile_selector(url, headers, stop, selector)),
              asyncio.ensure_future(hostile_body(url, headers, stop, big)),
              asyncio.ensure_future(health_probe(url, stop, health))]
    await asyncio.sleep(1)
    try:
        result = await run_load(url, body, headers, concurrency, total, warmup)
    finally:
        stop.set()
        await asyncio.wait(tasks, timeout=150)
        for task in tasks:
            task.cancel()
    result.update(selector=selector, big=big, health=health, idle=counts)
    return result


class KeepAlive:
    """One keep-alive HTTP/1.1 connection sending the same pre-encoded request: the load's client side.

    httpx spent about 11 ms of CPU per request here, as much as the server's check; on a 2-core machine
    the client would measure itself. This sends bytes built once and reads the answer by its
    Content-Length, so the figures are the server's.
    """

    def __init__(self, host: str, port: int, request: bytes):
        self.host, self.port, self.request = host, port, request
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self) -> tuple[int, bytes]:
        for attempt in (1, 2):  # the server may have closed an idle keep-alive connection
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                assert self.reader is not None
                self.writer.write(self.request)
                head = await self.reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                body = await self.reader.readexactly(length)
                if b"connection: close" in head.lower():
                    self.close()
                return status, body
            except (OSError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def encode_request(url: str, body: dict[str, Any], headers: dict[str, str]) -> bytes:
    parsed = httpx.URL(url)
    data = json.dumps(body).encode("utf-8")
    lines = [b"POST /v1/check HTTP/1.1", b"Host: %s:%d" % (parsed.host.encode(), parsed.port or 80),
             b"Content-Type: application/json", b"Content-Length: %d" % len(data)]
    lines += [f"{name}: {value}".encode() for name, value in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + data


async def run_load(url: str, body: dict[str, Any], headers: dict[str, str], concurrency: int, total: int,
                   warmup: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        first = await client.post("/v1/check", json=body)
    if first.status_code != 200:
        raise SystemExit(f"load: the server answered {first.status_code}: {first.text[:200]}")
    findings = len(first.json()["findings"])
    expected = first.content  # the same draft gets the same report, byte for byte
    parsed = httpx.URL(url)
    request = encode_request(url, body, headers)
    connections = [KeepAlive(parsed.host, parsed.port or 80, request) for _ in range(concurrency)]
    for number in range(warmup):
        await connections[number % concurrency].post()
    latencies: list[float] = []
    failures: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(total):
        queue.put_nowait(number)

    async def worker(connection: KeepAlive) -> None:
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                status, answer = await connection.post()
            except (OSError, asyncio.IncompleteReadError) as error:
                latencies.append(time.perf_counter() - started)
                failures.append(f"no answer: {error!r}")
                continue
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append(f"{status}: {answer[:120]!r}")
            elif answer != expected:
                failures.append("a different report for the same draft")

    started = time.perf_counter()
    await asyncio.gather(*(worker(connection) for connection in connections))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return {"latencies": latencies, "elapsed": elapsed, "failures": failures, "findings": findings}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _server_processes(server: ServerProcess | None) -> list[int]:
    """The server started here and its children (the check workers), when /proc can say."""
    if server is None or server.process is None:
        return []
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if not children.exists():
        return []
    return [pid, *(int(child) for child in children.read_text().split())]


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (default: start `factrules serve` on a free loopback port)")
    parser.add_argument("--token", default=os.environ.get("FACTRULES_TOKEN"), help="bearer token (default: env)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    parser.add_argument("--requests", type=int, default=400, help="requests measured (default 400)")
    parser.add_argument("--warmup", type=int, default=10, help="requests sent first and not measured (default 10)")
    parser.add_argument("--words", type=int, default=1000, help="size of the generated draft (default 1000)")
    parser.add_argument("--draft", type=Path, help="use this file as the draft instead of a generated one")
    parser.add_argument("--workers", type=int, default=1, help="`serve --workers` when this script starts it")
    parser.add_argument("--date", default="2024-03-15", help="the article date sent with each request")
    parser.add_argument("--hostile", action="store_true",
                        help="add hostile clients: a 40 KB selector, a 2 MB body, idle connections")
    parser.add_argument("--idle", type=int, default=2000, help="half-open connections held with --hostile")
    args = parser.parse_args(argv)
    if args.concurrency < 1 or args.requests < 1:
        parser.error("--concurrency and --requests must be at least 1")

    text = args.draft.read_text(encoding="utf-8") if args.draft else make_draft(args.words)
    body = {"text": text, "date": args.date}
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    server = None
    url = args.url
    if url is None:
        env: dict[str, str | None] = {"FACTRULES_TOKEN": args.token}
        server = ServerProcess(["--workers", str(args.workers)], env=env, startup_timeout=180).__enter__()
        url = server.url
    processes = _server_processes(server)
    cpu_before = {pid: _cpu_seconds(pid) for pid in processes}
    client_before = _own_cpu_seconds()
    try:
        if args.hostile:
            result = asyncio.run(run_hostile(url, body, headers, args.concurrency, args.requests, args.warmup,
                                             args.idle))
        else:
            result = asyncio.run(run_load(url, body, headers, args.concurrency, args.requests, args.warmup))
        cpu_after = {pid: _cpu_seconds(pid) for pid in processes}
        client_cpu = _own_cpu_seconds() - client_before
    finally:
        if server is not None:
            server.stop()
    latencies = result["latencies"]
    ms = [value * 1000 for value in latencies]
    started = f"started by this script, {args.workers} worker(s)" if server else "given"
    print(f"server      {url} ({started})")
    print(f"machine     {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}")
    print(f"draft       {len(text.split())} words, {len(text)} characters, {result['findings']} findings")
    print(f"load        {args.requests} requests, concurrency {args.concurrency}, after {args.warmup} warm-up")
    print(f"throughput  {len(latencies) / result['elapsed']:.1f} requests/s ({result['elapsed']:.2f} s)")
    print(f"latency     p50 {percentile(ms, 0.50):.1f} ms  p90 {percentile(ms, 0.90):.1f} ms  "
          f"p99 {percentile(ms, 0.99):.1f} ms  max {max(ms):.1f} ms  mean {statistics.fmean(ms):.1f} ms")
    if processes:
        used = [(cpu_after[pid] - cpu_before[pid]) * 1000 / len(latencies) for pid in processes]
        what = "legitimate request (hostile clients' cost included)" if args.hostile else "request"
        print(f"server cpu  {sum(used):.1f} ms per {what}: web process {used[0]:.1f} ms, check workers "
              f"{sum(used[1:]):.1f} ms (from /proc; what the cores would need, whatever else runs on them)")
    if not args.hostile:
        # the client shares the cores: its own CPU says whether it, and not the server, set the pace
        cores = os.cpu_count() or 1
        share = client_cpu / (cores * result["elapsed"]) * 100
        print(f"client cpu  {client_cpu * 1000 / len(latencies):.2f} ms per request (this script), "
              f"{share:.1f} % of the {cores} cores' time over the run")
    print(f"load avg    {' '.join(f'{value:.2f}' for value in os.getloadavg())} (1, 5, 15 min, at the end)")
    if args.hostile:
        from collections import Counter

        health = result["health"]
        worst = max(health) if health else float("nan")
        print(f"hostile     40 KB selector: {dict(Counter(result['selector']))}; "
              f"2 MB body: {dict(Counter(result['big']))} (status: count; 0 = no answer)")
        print(f"idle        {args.idle} half-open connections held: {result['idle']}")
        print(f"/healthz    {len(health)} probes, max {worst * 1000:.1f} ms, "
              f"p99 {percentile(health, 0.99) * 1000:.1f} ms" if health else "/healthz    no probe")
    if result["failures"]:
        print(f"FAILED      {len(result['failures'])} bad responses, first: {result['failures'][0]}", file=sys.stderr)
        return 1
    print("errors      0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
