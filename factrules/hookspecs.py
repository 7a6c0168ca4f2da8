"""The whole plugin contract of factrules, in one module.

Built-in readers, matcher kinds, rule packs and formatters are registered
through exactly these hooks (see ``factrules/builtin.py``), and so are the
subcommands of the command line (``factrules/cli/commands/``), so a
third-party plugin has the same powers as the core.  Plugins are found through the
entry-point group ``factrules``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # pragma: no cover - imports for annotations only
    import argparse

    from factrules.document import Document
    from factrules.findings import Finding

PROJECT_NAME = "factrules"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def factrules_matchers() -> dict[str, type]:
    """Return matcher kinds as ``{kind: MatcherClass}``.

    A matcher class is built from one rule's YAML mapping (see
    ``factrules.matchers.base.Matcher``) and yields matches over a document.
    """


@hookspec
def factrules_rule_packs() -> list[str]:
    """Return paths of YAML rule packs (files or directories) this plugin ships."""


@hookspec
def factrules_readers() -> dict[str, Any]:
    """Return readers as ``{".ext": reader}``.

    A reader is a callable ``reader(data: bytes, path: str) -> Document`` that
    decodes the file (bytes, because ``.docx`` is a zip), extracts the plain
    text to check and keeps a map back to the source file.  It raises
    ``factrules.errors.InputError`` for a file it cannot read.
    """


@hookspec
def factrules_formatters() -> dict[str, Any]:
    """Return output formats as ``{name: formatter}``.

    A formatter is a callable ``formatter(report: dict, stream, *, color: bool, sources: dict, **extra) -> None``;
    ``sources`` maps a path to its ``Document`` when the formatter sets ``needs_sources = True``
    (the text format shows the flagged line), and ``rules`` (the loaded rules' descriptions)
    is passed when it sets ``needs_rules = True`` (SARIF's rule metadata).
    """


@hookspec
def factrules_document_findings(document: Document, findings: list[Finding]) -> list[Finding] | None:
    """Post-process one document's findings (suppressions, consistency, ...).

    Return a new list to replace the findings, or ``None`` to leave them as they are.
    Implementations run in registration order; each sees the previous one's result.
    """


@hookspec
def factrules_config_schema() -> dict[str, Any]:
    """Return JSON Schema ``properties`` for config keys the plugin adds."""


@hookspec
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    """Add subcommands to the ``factrules`` command line.

    ``commands`` is argparse's subparsers object.  Add a parser with
    ``parser = commands.add_parser(name, help=...)`` and give it a handler,
    ``parser.set_defaults(handler=run)``, where ``run(args, stdout) -> int``
    returns the exit status (0 clean, 1 findings, 2 errors).  Raise a
    ``factrules.errors.FactrulesError`` for a user error: it is printed as one
    line and the exit status is 2.  ``factrules.cli.options.add_rule_options``
    adds ``--rules/--select/--ignore/--enable/--config/--plugin`` and
    ``options_from_args`` turns them into ``factrules.api.Options``.  The
    built-in commands (``check``, ``rules``, ``eval``, ...) are registered
    through this same hook by the modules of ``factrules/cli/commands/``.
    """
