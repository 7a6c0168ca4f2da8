"""HTTP load: concurrent ``POST /v1/check`` requests with a ~1,000-word draft, on loopback.

    python bench/load.py                          # starts `factrules serve` itself on a free port
    python bench/load.py --url http://127.0.0.1:8765 --token "$FACTRULES_TOKEN"
    python bench/load.py --concurrency 16 --requests 800 --draft some-article.txt

Sends a bounded number of requests (``--requests``) with at most
``--concurrency`` in flight (asyncio + httpx), after ``--warmup`` requests
that are not counted, and prints requests per second and latency
percentiles.  Every response must be a 200 carrying the same number of
findings, or the run fails: a fast server that answers errors is not fast.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
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


async def run_load(url: str, body: dict[str, Any], headers: dict[str, str], concurrency: int, total: int,
                   warmup: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=120) as client:
        first = await client.post("/v1/check", json=body)
        if first.status_code != 200:
            raise SystemExit(f"load: the server answered {first.status_code}: {first.text[:200]}")
        findings = len(first.json()["findings"])
        for _ in range(warmup):
            await client.post("/v1/check", json=body)
        latencies: list[float] = []
        failures: list[str] = []
        queue: asyncio.Queue[int] = asyncio.Queue()
        for number in range(total):
            queue.put_nowait(number)

        async def worker() -> None:
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                response = await client.post("/v1/check", json=body)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:120]}")
                elif len(response.json()["findings"]) != findings:
                    failures.append("a different number of findings for the same draft")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
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
        server = ServerProcess(["--workers", str(args.workers)], env=env).__enter__()
        url = server.url
    try:
        result = asyncio.run(run_load(url, body, headers, args.concurrency, args.requests, args.warmup))
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
    if result["failures"]:
        print(f"FAILED      {len(result['failures'])} bad responses, first: {result['failures'][0]}", file=sys.stderr)
        return 1
    print("errors      0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
