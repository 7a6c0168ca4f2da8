"""The built-in subcommands, one module each, registered through ``factrules_add_commands`` like a plugin's.

Each module holds the argparse wiring of one command and a handler
``run(args, stdout) -> int`` that calls the front-end or ``factrules.api``
it drives; the work itself lives outside ``factrules.cli``.
"""

from __future__ import annotations

from collections.abc import Iterable

from factrules.plugins import DEFAULT_PLUGINS, PluginManager, make_manager

#: the command modules, in the order ``factrules --help`` lists them
COMMAND_MODULES: tuple[str, ...] = tuple(
    f"factrules.cli.commands.{name}" for name in ("check", "rules", "eval", "baseline", "scan", "serve", "lsp",
                                                  "plugins")
)


def load_manager(extra_plugins: Iterable[str] = ()) -> PluginManager:
    """The command line's plugin manager: the core's plugins, the command modules, entry points, ``--plugin``.

    The command modules are registered right after the core's own plugins, so the built-in commands come
    first in ``--help`` and an installed plugin's come after them.
    """
    return make_manager(extra_plugins, internal=(*DEFAULT_PLUGINS, *COMMAND_MODULES))
