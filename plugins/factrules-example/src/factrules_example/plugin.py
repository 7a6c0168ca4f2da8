"""The hook implementations factrules finds through the entry point ``factrules = example``.

Nothing here is special to this plugin: the core registers its own
matchers and packs through exactly these hooks (``factrules/builtin.py``),
and its own subcommands through ``factrules_add_commands``
(``factrules/cli/commands/``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from factrules.hookspecs import hookimpl

PACKS_DIR = Path(__file__).resolve().parent / "packs"


@hookimpl
def factrules_matchers() -> dict[str, type]:
    from factrules_example.matcher import UnattributedQuoteMatcher

    return {UnattributedQuoteMatcher.kind: UnattributedQuoteMatcher}


@hookimpl
def factrules_rule_packs() -> list[str]:
    return [str(PACKS_DIR)]


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    from factrules_example.command import add_quotes_command

    add_quotes_command(commands)
