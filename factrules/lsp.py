"""``factrules lsp``: the language server, over standard input and output.

pygls is an optional extra (``pip install 'factrules[lsp]'``), so this
module imports it only when the command runs, and a missing install is one
line on stderr and exit status 2, like any other usage error.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO

INSTALL_HINT = "factrules: error: the language server needs pygls: pip install 'factrules[lsp]'"


def add_lsp_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``factrules lsp`` (called from ``factrules.commands``)."""
    parser = commands.add_parser("lsp", help="run the language server over stdio (needs factrules[lsp])")
    parser.add_argument("--stdio", action="store_true",
                        help="talk LSP over standard input/output (the default and only transport)")
    parser.set_defaults(handler=run_lsp)


def run_lsp(args: argparse.Namespace, stdout: IO[str]) -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    from factrules.lsp_server import serve_stdio

    serve_stdio()
    return 0
