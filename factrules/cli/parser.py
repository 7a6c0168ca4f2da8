"""The top-level parser: one-line errors, and every subcommand added through ``factrules_add_commands``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import IO, NoReturn

from factrules._version import __version__
from factrules.errors import PluginError, UsageError
from factrules.plugins import PluginManager


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so errors stay one line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def choose_subcommand(parser: argparse.ArgumentParser, choices: str) -> None:
    """Make ``factrules NAME`` without its SUBCOMMAND a one-line usage error listing ``choices``."""

    def missing(args: argparse.Namespace, stdout: IO[str]) -> int:
        raise UsageError(f"{parser.prog}: choose {choices}")

    parser.set_defaults(handler=missing)


def build_parser(manager: PluginManager, reserved: Sequence[str] = ()) -> argparse.ArgumentParser:
    """``factrules`` with the subcommands every registered plugin adds (built-in ones first).

    ``reserved``: names of built-in commands whose modules are not loaded for this run; each gets an empty
    parser of that name, so a plugin adding a command of the same name fails as it would with every
    built-in command loaded (argparse's "conflicting subparser").
    """
    parser = Parser(prog="factrules", description="A fact-check linter for news drafts.")
    parser.add_argument("--version", action="version", version=f"factrules {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in reserved:
        commands.add_parser(name)
    impls = manager.hook.factrules_add_commands.get_hookimpls()  # registration order: built-ins first
    for impl in impls:
        try:
            impl.function(commands=commands)
        except Exception as error:  # a plugin's parser code failing is that plugin's error, in one line
            detail = " ".join(str(error).split())
            raise PluginError(f"{manager.describe(impl.plugin_name)} cannot add its commands: "
                              f"{type(error).__name__}: {detail}") from None
    return parser
