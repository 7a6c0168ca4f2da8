"""``factrules lsp``: the language server over standard input and output (the server is ``factrules.lsp``).

pygls is an optional extra (``pip install 'factrules[lsp]'``), so it is
imported only when the command runs, and a missing install is one line on
stderr and exit status 2, like any other usage error.
"""

from __future__ import annotations

import argparse
from typing import IO

from factrules.errors import UsageError
from factrules.hookspecs import hookimpl

INSTALL_HINT = "the language server needs pygls: pip install 'factrules[lsp]'"


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("lsp", help="run the language server over stdio (needs factrules[lsp])")
    parser.add_argument("--stdio", action="store_true",
                        help="talk LSP over standard input/output (the default and only transport)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stdout: IO[str]) -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    from factrules.lsp.server import serve_stdio

    serve_stdio()
    return 0
