"""A plugin implementing every hook of ``factrules/hookspecs.py``, for ``test_plugin_hooks.py``.

Loaded by name (``plugins=("hook_plugin",)`` / ``--plugin hook_plugin``),
never installed, so it changes nothing for the rest of the suite.  Each hook
does one visible thing a test can look for.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

import regex

from factrules.cli.options import add_rule_options, options_from_args
from factrules.document import Document
from factrules.findings import Finding
from factrules.hookspecs import hookimpl
from factrules.matchers.base import Match, Matcher

#: the pack this plugin ships: one rule of its own kind
PACK_DIR = Path(__file__).resolve().parent / "fixtures" / "hook_plugin"


class AllCapsMatcher(Matcher):
    """Words of four capitals or more: a kind no built-in pack has."""

    kind = "all-caps"
    options_schema = {"type": "object", "additionalProperties": False}
    _WORD = regex.compile(r"\b\p{Lu}{4,}\b")

    def find(self, document: Document, prior: Sequence[Finding] = ()) -> Iterable[Match]:
        for found in self._WORD.finditer(document.text):
            yield Match(found.start(), found.end())


@hookimpl
def factrules_matchers() -> dict[str, type]:
    return {AllCapsMatcher.kind: AllCapsMatcher}


@hookimpl
def factrules_rule_packs() -> list[str]:
    return [str(PACK_DIR)]


def read_shout(data: bytes, path: str) -> Document:
    """``.shout`` files: the draft follows a ``>>>`` line; everything before it is not checked."""
    text = data.decode("utf-8")
    head, _, body = text.partition(">>>\n")
    return Document(path=path, text=body if body else head)


@hookimpl
def factrules_readers() -> dict[str, Any]:
    return {".shout": read_shout}


def format_count(report: dict[str, Any], stream: IO[str], *, color: bool, sources: dict, **extra: Any) -> None:
    """``--format count``: one line, the number of findings."""
    print(f"{len(report['findings'])} findings", file=stream)


@hookimpl
def factrules_formatters() -> dict[str, Any]:
    return {"count": format_count}


@hookimpl
def factrules_document_findings(document: Document, findings: list[Finding]) -> list[Finding] | None:
    """A draft whose text says ``HUSH`` keeps no finding of the shouting pack."""
    if "HUSH" in document.text:
        return [f for f in findings if f.pack != "shouting"]
    return None


@hookimpl
def factrules_config_schema() -> dict[str, Any]:
    return {"shouting_limit": {"type": "integer", "minimum": 1}}


def run_shout_count(args: argparse.Namespace, stdout: IO[str]) -> int:
    """``factrules shout-count TEXT``: the rule options of the command reach the Options."""
    options = options_from_args(args)
    print(json.dumps({"words": len(AllCapsMatcher._WORD.findall(args.text)), "select": options.select}),
          file=stdout)
    return 0


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("shout-count", help="count shouted words in TEXT")
    parser.add_argument("text", metavar="TEXT")
    add_rule_options(parser, date=False)
    parser.set_defaults(handler=run_shout_count)
