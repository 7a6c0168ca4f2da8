"""The ``factrules`` command line (``python -m factrules`` too); ``main`` is the console script.

Every subcommand is a plugin: the modules of ``factrules/cli/commands/``
add their parsers through the ``factrules_add_commands`` hook, as an
installed plugin does.  Every user error ends as one line on stderr and
exit status 2, never a traceback: argparse's own errors and plugin load
failures included.  Nothing outside this package imports it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import IO, NoReturn

from factrules.errors import FactrulesError, PluginError


def _version(stdout: IO[str]) -> NoReturn:
    """``--version`` without the parser, the command modules or the engine: only the installed plugins are
    loaded, so a broken one is still the same one-line error (exit 2) as for every other command."""
    from factrules._version import __version__
    from factrules.plugins import make_manager

    make_manager(internal=())
    print(f"factrules {__version__}", file=stdout)
    raise SystemExit(0)  # as argparse's version action does


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 clean, 1 findings, 2 errors)."""
    stdout = sys.stdout
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments == ["--version"]:
            _version(stdout)
        from factrules.cli.commands import load_manager, unloaded_commands
        from factrules.cli.options import plugins_named
        from factrules.cli.parser import build_parser

        # --plugin is read before parsing: a plugin named there may add the very subcommand being parsed;
        # a command line that starts with a built-in command builds only that command's parser
        command = arguments[0] if arguments and not arguments[0].startswith("-") else None
        manager = load_manager(plugins_named(arguments), command)
        parser = build_parser(manager, reserved=unloaded_commands(manager))
        args = parser.parse_args(arguments)
        if args.command is None:
            parser.print_help(stdout)
            return 2
        handler = getattr(args, "handler", None)
        if handler is None:  # a plugin's parser without set_defaults(handler=...)
            raise PluginError(f"command '{args.command}' sets no handler (parser.set_defaults(handler=...))")
        return handler(args, stdout)
    except FactrulesError as error:
        for line in str(error).splitlines() or [""]:  # several problems of one pack file: a line each
            print(f"factrules: error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("factrules: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


__all__ = ["main"]
