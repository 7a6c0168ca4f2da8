"""``factrules serve``: the HTTP API and browser playground (the server is ``factrules.server``)."""

from __future__ import annotations

import argparse
from typing import IO

from factrules.hookspecs import hookimpl
from factrules.server.workers import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_HOST,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    serve,
)

_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(value: str) -> int:
    """``2097152``, ``512K``, ``2MB`` -> bytes (binary units); argparse turns ValueError into a usage error."""
    text = value.strip().lower()
    digits = text.rstrip("kmgb")
    unit = text[len(digits):]
    if not digits.isdigit() or unit not in _UNITS or int(digits) <= 0:
        raise argparse.ArgumentTypeError(f"'{value}' is not a size (e.g. 2097152, 512K, 2MB)")
    return int(digits) * _UNITS[unit]


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("serve", help="HTTP API and browser playground (needs factrules[server])")
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
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes running the checks (default: the CPUs; checks are CPU-bound)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"wait for a worker, then for the check; past it 503 (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--header-timeout", type=float, default=DEFAULT_HEADER_TIMEOUT, metavar="SECONDS",
                        help=f"a request's headers must arrive within this (default {DEFAULT_HEADER_TIMEOUT:g})")
    parser.add_argument("--body-timeout", type=float, default=DEFAULT_BODY_TIMEOUT, metavar="SECONDS",
                        help=f"and then its body within this (default {DEFAULT_BODY_TIMEOUT:g})")
    parser.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS, metavar="N",
                        help=f"open connections at once; more are closed (default {DEFAULT_MAX_CONNECTIONS})")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="without a token, also answer requests for this host name (default: localhost "
                             "and IP addresses only, against DNS rebinding)")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false",
                        help="do not log every request")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stdout: IO[str]) -> int:
    return serve(args.host, args.port, rules=tuple(args.rules), config=args.config, plugins=tuple(args.plugin),
                 max_body=args.max_body, cors_origins=tuple(args.cors_origin), workers=args.workers,
                 access_log=args.access_log, timeout=args.timeout, header_timeout=args.header_timeout,
                 body_timeout=args.body_timeout, max_connections=args.max_connections,
                 allowed_hosts=tuple(args.allow_host), stdout=stdout)
