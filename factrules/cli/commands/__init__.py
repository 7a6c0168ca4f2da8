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


def load_manager(extra_plugins: Iterable[str] = (), command: str | None = None) -> PluginManager:
    """The command line's plugin manager: the core's plugins, the command modules, entry points, ``--plugin``.

    The command modules are registered right after the core's own plugins, so the built-in commands come
    first in ``--help`` and an installed plugin's come after them.  ``command``: the built-in command being
    run, when the command line starts with one; then only its module is registered (the others, their
    imports and their parsers were a tenth of a short ``check``).  Installed and ``--plugin`` plugins are
    loaded either way, so a plugin that fails is the same error whatever the command.
    """
    modules = COMMAND_MODULES
    if command is not None and f"{__name__}.{command}" in COMMAND_MODULES:
        modules = (f"{__name__}.{command}",)
    return make_manager(extra_plugins, internal=(*DEFAULT_PLUGINS, *modules))


def unloaded_commands(manager: PluginManager) -> list[str]:
    """The built-in commands whose modules ``manager`` does not have (see ``load_manager``'s ``command``)."""
    return [module.rpartition(".")[2] for module in COMMAND_MODULES if manager.get_plugin(module) is None]
