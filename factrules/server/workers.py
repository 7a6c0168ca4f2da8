"""Running the HTTP server: uvicorn on a socket bound here, checks in a pool of worker processes.

This module imports neither Starlette nor uvicorn at import time, so the CLI
works without the ``server`` extra and ``serve`` can say what to install.
The socket is bound before uvicorn starts so that a busy port is one line
and exit 2, and ``--port 0`` can announce the port the system chose.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING

from factrules.errors import UsageError

if TYPE_CHECKING:  # socket and ipaddress are imported by serve's own functions: every command line imports this
    import socket  # module for the defaults in ``serve --help``

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: seconds a request may wait for a check worker, and then for its check, before it is answered 503
DEFAULT_TIMEOUT = 30.0
DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_BODY_TIMEOUT = 30.0
DEFAULT_MAX_CONNECTIONS = 4096
#: a request's headers together; h11's own default is 16 KiB
MAX_HEADER_BYTES = 64 * 1024
#: on SIGTERM, requests in flight get this long before they are cancelled and the workers killed
GRACE_SECONDS = 3
#: the listen queue, and how many connections asyncio accepts in one turn of the event loop: a storm of
#: reconnecting idle clients is taken in slices, with /healthz and answers in between
ACCEPT_BATCH = 256
#: asyncio's own loop, even where uvloop is installed (uvicorn would pick it): uvloop saved 0.2-0.4 ms of the
#: web process's ~1 ms a request, but libuv drops connections silently when file descriptors run out (no
#: "Too many open files" for the operator) and accepts differently from the slices ACCEPT_BATCH sets
EVENT_LOOP = "asyncio"
#: CPU seconds a check of the largest body may take before it returns what it has (a time-budget error); a
#: 1,000-word draft takes about 10 ms, so only a hostile body meets it, and it costs a worker this long, not
#: the --timeout that stops a stuck check by killing its worker
CHECK_BUDGET = 5.0


def bind(host: str, port: int) -> socket.socket:
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise UsageError(f"serve: cannot resolve host '{host}': {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise UsageError(f"serve: cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.set_inheritable(True)
    return sock


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_token(token: str) -> None:
    """Refuse a token no client could send: it travels in an HTTP header, so printable ASCII without spaces."""
    if not token.isascii() or not token.isprintable() or any(char.isspace() for char in token):
        raise UsageError("serve: FACTRULES_TOKEN must be printable ASCII without spaces "
                         "(it is sent in the Authorization header)")


def default_workers() -> int:
    """The CPUs this process may run on: checks are CPU-bound."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, rules: tuple[str, ...] = (),
          config: str | None = None, plugins: tuple[str, ...] = (), max_body: int = 2 * 1024 * 1024,
          cors_origins: tuple[str, ...] = (), workers: int | None = None, access_log: bool = True,
          timeout: float = DEFAULT_TIMEOUT, header_timeout: float = DEFAULT_HEADER_TIMEOUT,
          body_timeout: float = DEFAULT_BODY_TIMEOUT, max_connections: int = DEFAULT_MAX_CONNECTIONS,
          allowed_hosts: tuple[str, ...] = (), stdout: IO[str] | None = None) -> int:
    """Load the rule set (failing fast on a bad pack or config), start the check workers, bind, announce, serve.

    One event loop answers HTTP; ``workers`` processes (default: the CPUs) run the checks, each request
    with ``timeout`` seconds (503 past it). The announcement line (``serving on http://HOST:PORT/``) goes to
    ``stdout``; with ``port=0`` it is how a caller learns the port the system chose
    (``factrules.testing.ServerProcess`` reads it). SIGTERM stops the server within a few seconds, a
    stuck check included: its worker is killed.
    """
    stdout = stdout or sys.stdout
    try:
        import uvicorn

        from factrules.server.app import ServerSettings, create_app
        from factrules.server.connections import GuardedH11, limit_log_bursts
    except ImportError as error:
        raise UsageError(f"serve needs the server extra ({error.name} is missing): "
                         "pip install 'factrules[server]'") from None
    from factrules.server.check import CheckService
    from factrules.server.pool import CheckPool

    if not 0 <= port <= 65535:
        raise UsageError(f"serve: port {port} is not between 0 and 65535")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise UsageError("serve: --workers must be at least 1")
    for name, value in (("--timeout", timeout), ("--header-timeout", header_timeout),
                        ("--body-timeout", body_timeout), ("--max-connections", max_connections)):
        if not value > 0:
            raise UsageError(f"serve: {name} must be more than 0")
    token = os.environ.get("FACTRULES_TOKEN") or None
    if token is not None:
        check_token(token)
    load = {"rules": tuple(rules), "config": config, "plugins": tuple(plugins),
            "check_budget": min(CHECK_BUDGET, timeout / 2), "max_body": max_body}
    service = CheckService.load(**load)
    settings = ServerSettings(token=token, max_body=max_body, cors_origins=tuple(cors_origins),
                              allowed_hosts=tuple(allowed_hosts))
    sock = bind(host, port)
    pool = CheckPool(load, workers, timeout)
    try:
        pool.start()
    except RuntimeError as error:
        sock.close()
        raise UsageError(f"serve: {error}") from None
    app = create_app(service, settings, pool)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if not is_loopback(host) and not token:
        print(f"factrules: warning: listening on {host} without FACTRULES_TOKEN: anyone who can reach it can use it",
              file=sys.stderr)
    print(f"factrules: serving on http://{shown}:{port}/ (playground /, API /v1, OpenAPI /openapi.json)"
          f"{'; token required' if token else ''}; {workers} check worker{'s' if workers > 1 else ''}",
          file=stdout, flush=True)
    protocol = GuardedH11.configured(header_timeout=header_timeout, body_timeout=body_timeout,
                                     max_connections=max_connections)
    config_obj = uvicorn.Config(app, log_level="info", access_log=access_log, lifespan="off", server_header=False,
                                loop=EVENT_LOOP,
                                http=protocol, timeout_keep_alive=5, timeout_graceful_shutdown=GRACE_SECONDS,
                                h11_max_incomplete_event_size=MAX_HEADER_BYTES, backlog=ACCEPT_BATCH)
    server = uvicorn.Server(config_obj)
    try:
        config_obj.load()  # uvicorn's own logging setup first, so the burst filters land on its loggers
        limit_log_bursts()
        server.run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
    return 0
