"""``factrules serve``: its options, and starting uvicorn on a socket bound here.

This module imports neither Starlette nor uvicorn at import time, so the CLI
works without the ``server`` extra and ``serve`` can say what to install.
The socket is bound before uvicorn starts so that a busy port is one line
and exit 2, and ``--port 0`` can announce the port the system chose.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import sys
from typing import IO

from factrules.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(value: str) -> int:
    """``2097152``, ``512K``, ``2MB`` -> bytes (binary units); argparse turns ValueError into a usage error."""
    text = value.strip().lower()
    digits = text.rstrip("kmgb")
    unit = text[len(digits):]
    if not digits.isdigit() or unit not in _UNITS or int(digits) <= 0:
        raise argparse.ArgumentTypeError(f"'{value}' is not a size (e.g. 2097152, 512K, 2MB)")
    return int(digits) * _UNITS[unit]


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST}: loopback only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT}; 0 picks a free one and prints it)")
    parser.add_argument("--max-body", type=parse_size, default="2MB", metavar="SIZE",
                        help="largest request body; bigger ones get 413 (default 2MB)")
    parser.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                        help="allow browser calls from this origin (repeatable; default: none)")
    parser.add_argument("--rules", action="append", default=[], metavar="PATH", help="extra rule packs")
    parser.add_argument("--config", default=None, metavar="FILE", help="config file (default: found upwards from .)")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE", help="load a plugin module")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes sharing the port (default 1; checks are CPU-bound, so up to the CPUs)")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false",
                        help="do not log every request")


def _bind(host: str, port: int) -> socket.socket:
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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(args: argparse.Namespace, stdout: IO[str]) -> int:
    """Load the rule set (failing fast on a bad pack or config), bind, announce, serve until interrupted."""
    try:
        import uvicorn

        from factrules.server import ServerSettings, create_app
    except ImportError as error:
        print(f"factrules: error: serve needs the server extra ({error.name} is missing): "
              "pip install 'factrules[server]'", file=sys.stderr)
        return 2
    from factrules.server_check import CheckService

    if not 0 <= args.port <= 65535:
        raise UsageError(f"serve: port {args.port} is not between 0 and 65535")
    if args.workers < 1:
        raise UsageError("serve: --workers must be at least 1")
    load = {"rules": list(args.rules), "config": args.config, "plugins": list(args.plugin)}
    service = CheckService.load(**{k: tuple(v) if isinstance(v, list) else v for k, v in load.items()})
    token = os.environ.get("FACTRULES_TOKEN") or None
    settings = ServerSettings(token=token, max_body=args.max_body, cors_origins=tuple(args.cors_origin))
    app = create_app(service, settings)
    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if not _is_loopback(host) and not token:
        print(f"factrules: warning: listening on {host} without FACTRULES_TOKEN: anyone who can reach it can use it",
              file=sys.stderr)
    print(f"factrules: serving on http://{shown}:{port}/ (playground /, API /v1, OpenAPI /openapi.json)"
          f"{'; token required' if token else ''}", file=stdout, flush=True)
    options = {"log_level": "info", "access_log": args.access_log, "lifespan": "off", "server_header": False}
    try:
        if args.workers == 1:
            uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
        else:
            _run_workers(args.workers, load, settings, options, sock)
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
    config = uvicorn.Config("factrules.server_cli:worker_app", factory=True, workers=workers, **options)
    Multiprocess(config, sockets=[sock]).run()


def worker_app() -> object:
    """The app of one ``--workers`` process, rebuilt from what the parent put in the environment."""
    from factrules.server import ServerSettings, create_app
    from factrules.server_check import CheckService

    spec = json.loads(os.environ[_WORKER_ENV])
    load = {key: tuple(value) if isinstance(value, list) else value for key, value in spec["load"].items()}
    settings = spec["settings"]
    settings["cors_origins"] = tuple(settings["cors_origins"])
    return create_app(CheckService.load(**load), ServerSettings(**settings))
