"""``factrules plugins``: every loaded plugin, where it came from and the hooks it implements.

The list is the command line's own plugin manager: the core's plugins, the
built-in command modules, installed entry points and ``--plugin`` modules,
in registration order (later ones override earlier ones by name).
"""

from __future__ import annotations

import argparse
import json
from typing import IO

from factrules.cli.commands import load_manager
from factrules.hookspecs import hookimpl
from factrules.plugins import plugin_infos


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("plugins", help="list the loaded plugins and the hooks each implements")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE", help="load a plugin module")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stdout: IO[str]) -> int:
    infos = plugin_infos(load_manager(args.plugin))
    if args.format == "json":
        json.dump({"plugins": [info.to_dict() for info in infos]}, stdout, indent=2)
        stdout.write("\n")
        return 0
    for info in infos:
        print(f"{info.name} ({info.origin})", file=stdout)
        print(f"  {', '.join(info.hooks) if info.hooks else '(no hooks)'}", file=stdout)
    return 0

