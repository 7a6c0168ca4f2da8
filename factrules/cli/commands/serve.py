"""``factrules serve``: the HTTP API and browser playground (the server is ``factrules.server``)."""

from __future__ import annotations

import argparse
from typing import IO

from factrules.hookspecs import hookimpl
from factrules.server.workers import DEFAULT_HOST, DEFAULT_PORT, serve

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
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes sharing the port (default 1; checks are CPU-bound, so up to the CPUs)")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false",
                        help="do not log every request")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stdout: IO[str]) -> int:
    return serve(args.host, args.port, rules=tuple(args.rules), config=args.config, plugins=tuple(args.plugin),
                 max_body=args.max_body, cors_origins=tuple(args.cors_origin), workers=args.workers,
                 access_log=args.access_log, stdout=stdout)
