"""``factrules serve`` under hostile input and load (issue 15): one request cannot stall the others.

Every server here is a child process on loopback, stopped by the test; the
only processes a test signals are the server it started and that server's
own workers (found under ``/proc``).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from factrules.server.connections import BurstFilter
from factrules.testing import ServerProcess

pytestmark = [pytest.mark.timeout(240), pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")]

JSON = {"Content-Type": "application/json"}
#: a selector whose glob translation was quadratic (40 s of CPU): now refused by its length
SELECTOR_BOMB = {"text": "It reportedly rained.", "select": ["[" * 40000]}
PLAIN = {"text": "It reportedly rained on Tuesday."}
#: a draft the test plugin's rule never finishes on: a check stuck for as long as a test needs
STUCK = {"text": "It reportedly rained. A STALL here."}

STALL_PLUGIN = '''
"""A matcher that sleeps for ten minutes on a text holding STALL: a check that never ends."""
import time

from factrules.hookspecs import hookimpl
from factrules.matchers.base import Matcher


class StallMatcher(Matcher):
    kind = "stalltest"

    def find(self, document, prior=()):
        if "STALL" in document.text:
            time.sleep(600)
        return iter(())


@hookimpl
def factrules_matchers():
    return {"stalltest": StallMatcher}
'''

STALL_PACK = """\
pack: stall
version: 0.1.0
description: A rule that never finishes on a text holding STALL, for the server's deadline tests.
language: en
defaults: {category: house, severity: info, scope: sentence}
rules:
  - id: stall
    kind: stalltest
    description: Sleeps for ten minutes on STALL.
    message: never shown
    examples:
      match: ["A STALL here."]
      no_match: ["Nothing to see."]
"""


@pytest.fixture(scope="module")
def stall(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, str | None]]:
    """Arguments and environment that load the stalling rule into a server."""
    folder = tmp_path_factory.mktemp("stall")
    (folder / "stall_plugin.py").write_text(STALL_PLUGIN, encoding="utf-8")
    (folder / "stall.yaml").write_text(STALL_PACK, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return ["--plugin", "stall_plugin", "--rules", str(folder / "stall.yaml")], {"PYTHONPATH": path,
                                                                                  "FACTRULES_TOKEN": None}


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (OSError, IndexError):
        return False


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


@pytest.fixture(scope="module")
def server(stall: tuple[list[str], dict[str, str | None]]) -> Iterator[ServerProcess]:
    args = ["--workers", "2", "--timeout", "3", "--header-timeout", "1", "--body-timeout", "1",
            "--allow-host", "factrules.internal", *stall[0]]
    with ServerProcess(args, env=stall[1]) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60, headers=JSON) as http:
        yield http


# -- media type and Host -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None])
def test_only_json_bodies_are_accepted(server: ServerProcess, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(server.url + "/v1/check", content=b'{"text": "It reportedly rained."}', headers=headers)
    assert response.status_code == 415, response.text
    assert "application/json" in response.json()["message"]


def test_json_with_a_charset_is_accepted(client: httpx.Client) -> None:
    response = client.post("/v1/check", content=b'{"text": "x"}',
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "localhost.evil.example"])
def test_a_foreign_host_is_refused_without_a_token(client: httpx.Client, host: str) -> None:
    for path in ("/v1/check", "/v1/rules"):
        response = client.post(path, json=PLAIN, headers={"Host": host}) if path == "/v1/check" \
            else client.get(path, headers={"Host": host})
        assert response.status_code == 403, response.text
        assert "--allow-host" in response.json()["message"]


@pytest.mark.parametrize("host", ["localhost", "localhost:8765", "127.0.0.1:1", "[::1]:8765", "10.0.0.7",
                                  "factrules.internal", "FACTRULES.INTERNAL:80"])
def test_loopback_ip_and_allowed_hosts_pass(client: httpx.Client, host: str) -> None:
    assert client.post("/v1/check", json=PLAIN, headers={"Host": host}).status_code == 200


def test_a_token_server_does_not_check_host() -> None:
    with ServerProcess(["--workers", "1"], env={"FACTRULES_TOKEN": "t0k"}) as server:
        response = httpx.post(server.url + "/v1/check", json=PLAIN,
                              headers={"Host": "cms.example", "Authorization": "Bearer t0k"})
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("token", ["caf\u00e9", "two words", "tab\there", "line\nbreak"])
def test_a_token_that_cannot_be_sent_is_refused_at_start(token: str) -> None:
    env = {**os.environ, "FACTRULES_TOKEN": token}
    result = subprocess.run([sys.executable, "-m", "factrules", "serve", "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "FACTRULES_TOKEN" in lines[0], result.stderr
    assert "serving on" not in result.stdout


# -- the check pool and its deadline -----------------------------------------------------------------------------


def test_a_stuck_check_is_503_and_stalls_nothing_else(client: httpx.Client) -> None:
    """A check stuck in one worker is stopped at the 3 s deadline; the other worker and /healthz keep answering."""
    outcome: dict[str, httpx.Response] = {}
    bomb = threading.Thread(target=lambda: outcome.setdefault("bomb", client.post("/v1/check", json=STUCK)))
    started = time.monotonic()
    bomb.start()
    time.sleep(0.3)
    for _ in range(5):
        response = client.post("/v1/check", json=PLAIN)
        assert response.status_code == 200, response.text
        assert response.json()["findings"], response.text
    health = time.monotonic()
    assert client.get("/healthz").status_code == 200
    assert time.monotonic() - health < 1.0
    bomb.join(60)
    assert outcome["bomb"].status_code == 503, outcome["bomb"].text
    assert "longer than 3 s" in outcome["bomb"].json()["message"]
    assert outcome["bomb"].headers["retry-after"]
    assert time.monotonic() - started < 15
    # the killed worker was replaced: both still answer
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all(client.post("/v1/check", json=PLAIN).status_code == 200 for _ in range(4)):
            break
    else:
        pytest.fail("the pool did not recover after a deadline")


def test_a_huge_body_returns_what_it_has_within_the_check_budget(client: httpx.Client) -> None:
    """1 MB with no sentence end: minutes of honest work; the server's budget (half of --timeout 3) cuts it."""
    text = ("the council reportedly met on Monday and said nothing about Tuesday " * 16000)[:1_000_000]
    started = time.monotonic()
    response = client.post("/v1/check", json={"text": text, "date": "2024-03-15"})
    assert response.status_code == 200, response.text[:300]
    assert "time-budget" in [error["kind"] for error in response.json()["errors"]]
    assert time.monotonic() - started < 3 + 5  # the budget, the reading and the report, on a shared machine


def test_large_bodies_use_at_most_half_the_workers(stall: tuple[list[str], dict[str, str | None]]) -> None:
    """Two clients stuck on large drafts hold one of the two workers; small drafts still get the other."""
    large = {"text": "STALL " + "padding words " * 30000}
    with ServerProcess(["--workers", "2", "--timeout", "4", *stall[0]], env=stall[1]) as server:
        with httpx.Client(base_url=server.url, timeout=60, headers=JSON) as http:
            results: list[httpx.Response] = []
            threads = [threading.Thread(target=lambda: results.append(http.post("/v1/check", json=large)))
                       for _ in range(2)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            for _ in range(3):
                started = time.monotonic()
                assert http.post("/v1/check", json=PLAIN).status_code == 200
                assert time.monotonic() - started < 3
            for thread in threads:
                thread.join(60)
            assert sorted(r.status_code for r in results) == [503, 503]


def test_busy_workers_answer_503_past_the_deadline(stall: tuple[list[str], dict[str, str | None]]) -> None:
    with ServerProcess(["--workers", "1", "--timeout", "2", *stall[0]], env=stall[1]) as server:
        with httpx.Client(base_url=server.url, timeout=60, headers=JSON) as http:
            results: list[httpx.Response] = []
            threads = [threading.Thread(target=lambda: results.append(http.post("/v1/check", json=STUCK)))
                       for _ in range(3)]
            for thread in threads:
                thread.start()
                time.sleep(0.2)
            for thread in threads:
                thread.join(60)
            assert sorted(r.status_code for r in results) == [503, 503, 503]
            messages = " ".join(r.json()["message"] for r in results)
            assert "busy for 2 s" in messages and "longer than 2 s" in messages


@pytest.mark.parametrize(("body", "field", "words"), [
    (SELECTOR_BOMB, "select", "longer than 200"),
    ({"text": "x", "ignore": ["y"] * 1001}, "ignore", "longer than 1000 items"),
    ({"text": "x", "select": [f"h{n}*" for n in range(65)]}, "select", "64 glob"),
])
def test_selectors_past_their_limits_are_422_at_once(client: httpx.Client, body: dict, field: str,
                                                     words: str) -> None:
    started = time.monotonic()
    response = client.post("/v1/check", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field and words in response.json()["message"], response.text
    assert len(response.json()["message"]) < 200
    assert time.monotonic() - started < 2


def test_checks_run_in_worker_processes_that_die_with_the_server() -> None:
    server = ServerProcess(["--workers", "2"], env={"FACTRULES_TOKEN": None})
    server.start()
    try:
        assert server.process is not None
        workers = children(server.process.pid)
        assert len(workers) >= 2, workers  # the two check workers (and multiprocessing's resource tracker)
        assert httpx.post(server.url + "/v1/check", json=PLAIN).status_code == 200
        # the check workers yield to the web process when the cores are short
        nice = {pid: int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
                for pid in [server.process.pid, *workers]}
        assert sum(1 for pid in workers if nice[pid] == nice[server.process.pid] + 3) == 2, nice
        server.process.kill()  # no chance to clean up: the workers must go by themselves
        server.process.wait(10)
        assert not wait_gone(workers, 15), "check workers outlived a kill -9 of the server"
    finally:
        server.stop()


def test_sigterm_stops_the_server_while_a_check_is_stuck(stall: tuple[list[str], dict[str, str | None]]) -> None:
    with ServerProcess(["--workers", "1", "--timeout", "120", *stall[0]], env=stall[1]) as server:
        assert server.process is not None
        workers = children(server.process.pid)
        bomb = threading.Thread(target=lambda: _quietly(lambda: httpx.post(
            server.url + "/v1/check", json=STUCK, timeout=120)), daemon=True)
        bomb.start()
        time.sleep(1.5)
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(30)
        assert time.monotonic() - started < 10
        assert not wait_gone(workers, 10)


def _quietly(call: object) -> None:
    try:
        call()  # type: ignore[operator]
    except httpx.HTTPError:
        pass


# -- connections -------------------------------------------------------------------------------------------------


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=10)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_a_silent_connection_is_closed_after_the_header_timeout(server: ServerProcess) -> None:
    with _connect(server.url) as idle:
        assert _closed_within(idle, 8)


def test_trickled_headers_are_cut_off(server: ServerProcess) -> None:
    with _connect(server.url) as slow:
        started = time.monotonic()
        try:
            for char in b"POST /v1/check HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 100:
                slow.sendall(bytes([char]))
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert _closed_within(slow, 8)
        assert time.monotonic() - started < 12


def test_a_body_that_never_ends_is_cut_off(server: ServerProcess) -> None:
    with _connect(server.url) as slow:
        slow.sendall(b"POST /v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"text\": \"")
        assert _closed_within(slow, 8)


def test_headers_past_64_kib_are_refused_and_the_connection_closed(server: ServerProcess) -> None:
    """The HTTP parser is given no more than 64 KiB of headers (``MAX_HEADER_BYTES``)."""
    with _connect(server.url) as greedy:
        pad = b"".join(b"X-Pad-%d: %s\r\n" % (number, b"a" * 500) for number in range(140))
        greedy.sendall(b"POST /v1/check HTTP/1.1\r\nHost: localhost\r\n" + pad)  # 70 KB that never end
        greedy.settimeout(0.8)  # before the 1 s header timeout could be what closes it
        answer = greedy.recv(4096)
        assert answer.split(b" ", 2)[1] in (b"400", b"431"), answer[:200]
        assert _closed_within(greedy, 8)
    assert httpx.post(server.url + "/v1/check", json=PLAIN, timeout=30).status_code == 200


def test_connections_past_the_limit_are_closed_and_the_server_recovers() -> None:
    with ServerProcess(["--workers", "1", "--max-connections", "8", "--header-timeout", "30"],
                       env={"FACTRULES_TOKEN": None}) as server:
        held = [_connect(server.url) for _ in range(20)]
        try:
            refused = sum(_closed_within(sock, 1) for sock in held)
            assert refused >= 10
        finally:
            for sock in held:
                sock.close()
        time.sleep(0.5)
        assert httpx.post(server.url + "/v1/check", json=PLAIN).status_code == 200
        log = server.stderr_text()
    assert log.count("refused connections") <= 2, log


def test_a_burst_of_identical_errors_is_logged_once() -> None:
    now = [0.0]
    burst = BurstFilter(window=10, clock=lambda: now[0])
    record = lambda: logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "accept failed", None, None)  # noqa: E731
    passed = [burst.filter(record()) for _ in range(1000)]
    assert passed.count(True) == 1
    now[0] = 11.0
    later = record()
    assert burst.filter(later) and "999 more like it" in later.getMessage()
    other = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "something else", None, None)
    assert burst.filter(other)


def test_a_worker_killed_mid_check_is_503_and_replaced(stall: tuple[list[str], dict[str, str | None]]) -> None:
    with ServerProcess(["--workers", "1", "--timeout", "60", *stall[0]], env=stall[1]) as server:
        assert server.process is not None
        with httpx.Client(base_url=server.url, timeout=60, headers=JSON) as http:
            outcome: list[httpx.Response] = []
            stuck = threading.Thread(target=lambda: outcome.append(http.post("/v1/check", json=STUCK)))
            stuck.start()
            time.sleep(1.5)
            workers = [pid for pid in children(server.process.pid)
                       if "factrules" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                       or "multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
            check_workers = [pid for pid in workers if "resource_tracker" not in
                             Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
            assert len(check_workers) == 1, workers
            os.kill(check_workers[0], signal.SIGKILL)  # a worker this test's server started
            stuck.join(30)
            assert outcome[0].status_code == 503 and "stopped unexpectedly" in outcome[0].json()["message"]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if http.post("/v1/check", json=PLAIN).status_code == 200:
                    break
                time.sleep(0.5)
            else:
                pytest.fail("the pool did not replace the killed worker")


def test_the_app_checks_in_process_when_embedded() -> None:
    """``create_app(service)`` without a pool (embedding, tests) checks in a thread, with the same rules."""
    from starlette.testclient import TestClient

    from factrules.server.app import create_app
    from factrules.server.check import CheckService

    with TestClient(create_app(CheckService.load()), base_url="http://localhost") as http:
        response = http.post("/v1/check", json=PLAIN)
        assert response.status_code == 200 and response.json()["findings"]
        assert http.post("/v1/check", content=b'{"text": "x"}', headers={"Content-Type": "text/plain"}).status_code \
            == 415
        assert http.get("/healthz", headers={"Host": "rebound.example"}).status_code == 403


def test_running_out_of_file_descriptors_is_logged_once_per_burst(tmp_path: Path) -> None:
    """With 64 file descriptors, 120 held connections make every accept fail: a few lines, not one per try."""
    wrapper = tmp_path / "lowfd-python"
    wrapper.write_text(f"#!/bin/sh\nulimit -n 64\nexec {sys.executable} \"$@\"\n", encoding="utf-8")
    wrapper.chmod(0o755)
    with ServerProcess(["--workers", "1"], env={"FACTRULES_TOKEN": None}, python=str(wrapper)) as server:
        held: list[socket.socket] = []
        try:
            for _ in range(120):
                try:
                    held.append(_connect(server.url))
                except OSError:
                    break
            time.sleep(5)  # asyncio retries the accept every second while the table is full
        finally:
            for sock in held:
                sock.close()
        time.sleep(1)
        assert httpx.post(server.url + "/v1/check", json=PLAIN, headers=JSON, timeout=30).status_code == 200
        log = server.stderr_text()
    assert "Too many open files" in log or "out of system resource" in log, log[-2000:]
    assert log.count("Traceback") <= 1 and len(log) < 20_000, log[-3000:]
