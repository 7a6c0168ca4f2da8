"""Subcommands beyond check/rules/eval (baseline, scan, lsp, serve), each in its own module.

Kept apart from ``cli.py`` so each feature registers its parser in one place.
"""

from __future__ import annotations

import argparse


def register_extra_commands(commands: argparse._SubParsersAction) -> None:
    """Add the optional subcommands; each sets ``handler(args, stdout) -> int``."""
    from factrules import baseline, scan

    scan.register(commands)
    baseline.register(commands)

    from factrules.server_cli import add_serve_arguments, run_serve

    serve = commands.add_parser("serve", help="HTTP API and browser playground (needs factrules[server])")
    add_serve_arguments(serve)
    serve.set_defaults(handler=run_serve)

    from factrules.lsp import add_lsp_parser

    add_lsp_parser(commands)
