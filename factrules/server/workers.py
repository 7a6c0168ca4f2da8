"""Running the HTTP server: uvicorn on a socket bound here, in one process or several workers.

This module imports neither Starlette nor uvicorn at import time, so the CLI
works without the ``server`` extra and ``serve`` can say what to install.
The socket is bound before uvicorn starts so that a busy port is one line
and exit 2, and ``--port 0`` can announce the port the system chose.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
from typing import IO

from factrules.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def bind(host: str, port: int) -> socket.socket:
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
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, rules: tuple[str, ...] = (),
          config: str | None = None, plugins: tuple[str, ...] = (), max_body: int = 2 * 1024 * 1024,
          cors_origins: tuple[str, ...] = (), workers: int = 1, access_log: bool = True,
          stdout: IO[str] | None = None) -> int:
    """Load the rule set (failing fast on a bad pack or config), bind, announce, serve until interrupted.

    The announcement line (``serving on http://HOST:PORT/``) goes to ``stdout``; with ``port=0`` it is how a
    caller learns the port the system chose (``factrules.testing.ServerProcess`` reads it).
    """
    stdout = stdout or sys.stdout
    try:
        import uvicorn

        from factrules.server.app import ServerSettings, create_app
    except ImportError as error:
        raise UsageError(f"serve needs the server extra ({error.name} is missing): "
                         "pip install 'factrules[server]'") from None
    from factrules.server.check import CheckService

    if not 0 <= port <= 65535:
        raise UsageError(f"serve: port {port} is not between 0 and 65535")
    if workers < 1:
        raise UsageError("serve: --workers must be at least 1")
    load = {"rules": list(rules), "config": config, "plugins": list(plugins)}
    service = CheckService.load(**{k: tuple(v) if isinstance(v, list) else v for k, v in load.items()})
    token = os.environ.get("FACTRULES_TOKEN") or None
    settings = ServerSettings(token=token, max_body=max_body, cors_origins=tuple(cors_origins))
    app = create_app(service, settings)
    sock = bind(host, port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if not is_loopback(host) and not token:
        print(f"factrules: warning: listening on {host} without FACTRULES_TOKEN: anyone who can reach it can use it",
              file=sys.stderr)
    print(f"factrules: serving on http://{shown}:{port}/ (playground /, API /v1, OpenAPI /openapi.json)"
          f"{'; token required' if token else ''}", file=stdout, flush=True)
    options = {"log_level": "info", "access_log": access_log, "lifespan": "off", "server_header": False}
    try:
        if workers == 1:
            uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
        else:
            _run_workers(workers, load, settings, options, sock)
    finally:
        sock.close()
    return 0


_WORKER_ENV = "FACTRULES_SERVE_WORKER"


def _run_workers(workers: int, load: dict[str, object], settings: object, options: dict[str, object],
                 sock: socket.socket) -> None:
    """Several processes on one socket (uvicorn's supervisor spawns them; each loads the packs again).

    The packs were already loaded once in this process, so a broken pack
    has failed before any worker starts.
    """
    import dataclasses

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    os.environ[_WORKER_ENV] = json.dumps({"load": load, "settings": dataclasses.asdict(settings)})  # type: ignore
    config = uvicorn.Config("factrules.server.workers:worker_app", factory=True, workers=workers, **options)
    Multiprocess(config, sockets=[sock]).run()


def worker_app() -> object:
    """The app of one ``--workers`` process, rebuilt from what the parent put in the environment."""
    from factrules.server.app import ServerSettings, create_app
    from factrules.server.check import CheckService

    spec = json.loads(os.environ[_WORKER_ENV])
    load = {key: tuple(value) if isinstance(value, list) else value for key, value in spec["load"].items()}
    settings = spec["settings"]
    settings["cors_origins"] = tuple(settings["cors_origins"])
    return create_app(CheckService.load(**load), ServerSettings(**settings))
