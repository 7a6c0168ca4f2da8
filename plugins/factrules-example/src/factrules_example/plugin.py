"""The hook implementations factrules finds through the entry point ``factrules = example``.

Nothing here is special to this plugin: the core registers its own
matchers and packs through exactly these hooks (``factrules/builtin.py``).
"""

from __future__ import annotations

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
