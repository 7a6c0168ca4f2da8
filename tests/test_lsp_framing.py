"""The language server answers malformed JSON-RPC input (issue 15, item 8) and keeps serving.

Raw bytes on the real server's stdin: pytest-lsp's client cannot send a
body that is not an object, which is exactly what these tests need.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from factrules.lsp.framing import INVALID_REQUEST, PARSE_ERROR, check_body

pytestmark = pytest.mark.timeout(120)


class RawClient:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "factrules", "lsp", "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffer = b""

    def send(self, raw: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(raw)
        self.process.stdin.flush()

    def request(self, number: int, method: str, params: object) -> None:
        body = json.dumps({"jsonrpc": "2.0", "id": number, "method": method, "params": params}).encode()
        self.send(b"Content-Length: %d\r\n\r\n%b" % (len(body), body))

    def read(self, timeout: float = 30) -> dict:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if sep:
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                if len(rest) >= length:
                    self.buffer = rest[length:]
                    return json.loads(rest[:length])
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    break
                self.buffer += chunk
        raise AssertionError("the language server said nothing")


@pytest.fixture
def client() -> Iterator[RawClient]:
    raw = RawClient()
    try:
        yield raw
    finally:
        raw.process.kill()
        raw.process.wait()


def assert_alive(client: RawClient, number: int = 1) -> None:
    client.request(number, "initialize", {"capabilities": {}, "processId": None, "rootUri": None})
    reply = client.read()
    assert reply["id"] == number and reply["result"]["serverInfo"]["name"] == "factrules", reply


@pytest.mark.parametrize(("raw", "code", "words"), [
    (b"Content-Length: 5\r\n\r\n[1,2]", INVALID_REQUEST, "array"),
    (b"Content-Length: 2\r\n\r\n42", INVALID_REQUEST, "number"),
    (b"Content-Length: 4\r\n\r\nnull", INVALID_REQUEST, "null"),
    (b"Content-Length: 3\r\n\r\n{x}", PARSE_ERROR, "not JSON"),
    (b"Content-Length: abc\r\n\r\n{}", PARSE_ERROR, "Content-Length 'abc'"),
    (b"Content-Length: -5\r\n\r\n{}", PARSE_ERROR, "Content-Length"),
    (b"Content-Type: x\r\n\r\n{}", PARSE_ERROR, "without a Content-Length"),
])
def test_a_malformed_message_gets_an_error_and_the_server_goes_on(client: RawClient, raw: bytes, code: int,
                                                                  words: str) -> None:
    client.send(raw)
    reply = client.read()
    assert reply["id"] is None and reply["error"]["code"] == code and words in reply["error"]["message"], reply
    assert_alive(client)


def test_the_error_is_logged(client: RawClient) -> None:
    client.send(b"Content-Length: 5\r\n\r\n[1,2]")
    client.read()
    assert_alive(client)
    client.process.kill()
    assert client.process.stderr is not None
    assert b"array" in client.process.stderr.read()


def test_check_body_accepts_objects_only() -> None:
    assert check_body(b' {"jsonrpc": "2.0"} ') is None
    assert check_body(b"\xff")[0] == PARSE_ERROR  # type: ignore[index]
    assert check_body(b"[" * 100000)[0] == PARSE_ERROR  # type: ignore[index]
    assert check_body(b'"text"')[0] == INVALID_REQUEST  # type: ignore[index]
