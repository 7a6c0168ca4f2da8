"""Reading LSP messages from a stream, so that no input leaves the server silent.

pygls's own reader waits for a body that starts with ``{`` and for a
``Content-Length`` it can parse; a JSON-RPC body that is an array or a
number, or a header like ``Content-Length: abc``, made it wait forever
while the client waited for an answer. Here every message is framed by its
own headers; what cannot be used gets a JSON-RPC error response (``id``
null: the request's id is unknown) and a line in the log, and reading goes
on with the next message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import IO, Any

log = logging.getLogger(__name__)

#: JSON-RPC 2.0 error codes
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
#: the largest body accepted; a longer Content-Length is refused without reading it
MAX_BODY = 256 * 1024 * 1024
_HEADER = re.compile(rb"(?i)^content-length:[ \t]*(?P<value>[^\r\n]*?)[ \t]*\r?\n?$")
_RESYNC = re.compile(rb"(?i)content-length:")

_KINDS = {list: "an array (batches are not supported)", int: "a number", float: "a number", str: "a string",
          bool: "a boolean", type(None): "null"}

Deliver = Callable[[bytes], None]
Reply = Callable[[bytes], None]


def error_response(code: int, message: str) -> bytes:
    """A framed JSON-RPC error response with a null id."""
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}).encode()
    return b"Content-Length: %d\r\n\r\n%b" % (len(body), body)


def check_body(body: bytes) -> tuple[int, str] | None:
    """``None`` for a JSON object; else the JSON-RPC error code and message for what the body is."""
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return PARSE_ERROR, "Parse error: the message body is not UTF-8"
    except (ValueError, RecursionError) as error:
        return PARSE_ERROR, f"Parse error: the message body is not JSON ({getattr(error, 'msg', error)})"
    if not isinstance(value, dict):
        kind = _KINDS.get(type(value), "not an object")
        return INVALID_REQUEST, f"Invalid Request: the message body is {kind}, not a JSON object"
    return None


async def read_messages(loop: asyncio.AbstractEventLoop, executor: Executor, stop: threading.Event,
                        rfile: IO[bytes], deliver: Deliver, reply: Reply) -> None:
    """Read framed messages until end of input; good ones go to ``deliver`` (as pygls expects them)."""
    pending: bytes | None = None  # a header line found glued to the end of a previous, unframed body
    while not stop.is_set() and not rfile.closed:
        length: int | None = None
        problem: str | None = None
        headers = 0
        while True:  # headers, up to the empty line
            line = pending if pending is not None else await loop.run_in_executor(executor, rfile.readline)
            pending = None
            if not line:
                return
            if not line.strip():
                if not headers:
                    continue  # stray blank lines between messages
                break
            found = _HEADER.match(line)
            if found is not None:
                value = found.group("value")
                if value.isdigit() and int(value) <= MAX_BODY:
                    length = int(value)
                else:
                    shown = value[:40].decode("ascii", "replace")
                    problem = f"Content-Length '{shown}' is not a length up to {MAX_BODY} bytes"
            elif not headers and _RESYNC.search(line):
                # the tail of a body sent without a usable length, then the next message's header
                pending = line[_RESYNC.search(line).start():]  # type: ignore[union-attr]
                continue
            headers += 1
        if problem is None and length is None:
            problem = "a message without a Content-Length header"
        if problem is not None:
            log.error("factrules lsp: %s; skipped", problem)
            reply(error_response(PARSE_ERROR, f"Parse error: {problem}"))
            continue
        assert length is not None
        body = await loop.run_in_executor(executor, _read_exactly, rfile, length)
        if len(body) < length:
            return
        bad = check_body(body)
        if bad is not None:
            log.error("factrules lsp: %s", bad[1])
            reply(error_response(*bad))
            continue
        body = body.strip()
        deliver(b"Content-Length: %d\r\n\r\n%b" % (len(body), body))


def _read_exactly(rfile: IO[bytes], length: int) -> bytes:
    chunks: list[bytes] = []
    left = length
    while left:
        chunk = rfile.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def run_io(server: Any, stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> None:
    """pygls's ``LanguageServer.start_io``, reading with ``read_messages``."""
    import sys

    from pygls.server import StdOutTransportAdapter

    server._stop_event = stop = threading.Event()
    rfile = stdin or sys.stdin.buffer
    transport = StdOutTransportAdapter(rfile, stdout or sys.stdout.buffer)
    server.lsp.connection_made(transport)
    try:
        server.loop.run_until_complete(read_messages(server.loop, server.thread_pool_executor, stop, rfile,
                                                     server.lsp.data_received, transport.write))
    except BrokenPipeError:
        log.error("factrules lsp: the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()
