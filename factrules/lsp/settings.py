"""The language server's settings: ``initializationOptions`` and ``workspace/didChangeConfiguration``.

They are the editor's equivalents of ``factrules check`` options (``--date``,
``--select``, ``--ignore``, ``--enable``, ``--rules``, ``--config``,
``--plugin``) plus the debounce delay.  Editors send what users typed, so
parsing is forgiving about shape (a list or a comma-separated string) and
reports each unusable value as one message instead of failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from factrules.api import Options

#: the section editors nest the settings under in ``didChangeConfiguration``
SECTION = "factrules"
DEFAULT_DEBOUNCE_MS = 300
KNOWN_KEYS = ("date", "select", "ignore", "enable", "rules", "config", "plugins", "debounceMs")


@dataclass(frozen=True)
class LspSettings:
    """What the editor asked for; ``select=None`` means "every rule that is on by default"."""

    date: dt.date | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    config: str | None = None
    plugins: tuple[str, ...] = ()
    debounce_ms: int = DEFAULT_DEBOUNCE_MS

    def options(self, root: Path | None) -> Options:
        """The API options for a check; relative paths are taken from the workspace root."""
        base = root or Path.cwd()
        return Options(
            rules=tuple(str(base / r) for r in self.rules),
            select=self.select,
            ignore=self.ignore,
            enable=self.enable,
            date=self.date,
            config=str(base / self.config) if self.config else None,
            plugins=self.plugins,
        )


def _names(value: Any, key: str, problems: list[str]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        problems.append(f"setting '{key}' must be a list of rule ids or a comma-separated string")
        return None
    return tuple(v.strip() for v in value if v.strip())


def section_of(raw: Any) -> Mapping[str, Any] | None:
    """The factrules settings inside what a client sent (nested under ``factrules`` or flat)."""
    if not isinstance(raw, Mapping):
        return None
    nested = raw.get(SECTION)
    if isinstance(nested, Mapping):
        return nested
    return raw if any(key in raw for key in KNOWN_KEYS) else None


def parse_settings(raw: Any, base: LspSettings | None = None) -> tuple[LspSettings, list[str]]:
    """Merge the keys present in ``raw`` over ``base``; return the settings and one line per problem."""
    settings = base or LspSettings()
    problems: list[str] = []
    values = section_of(raw)
    if values is None:
        return settings, problems
    changes: dict[str, Any] = {}
    if "date" in values:
        date = values["date"]
        if date in (None, ""):
            changes["date"] = None
        else:
            try:
                changes["date"] = dt.date.fromisoformat(str(date))
            except ValueError:
                problems.append(f"setting 'date': '{date}' is not an ISO date (YYYY-MM-DD); no date is used")
                changes["date"] = None
    if "select" in values:
        select = _names(values["select"], "select", problems)
        # An empty list in an editor's settings UI means "not set", not "no rule at all".
        changes["select"] = select or None
    for key in ("ignore", "enable", "rules", "plugins"):
        if key in values:
            changes[key] = _names(values[key], key, problems) or ()
    if "config" in values:
        config = values["config"]
        if config is not None and not isinstance(config, str):
            problems.append("setting 'config' must be a path to a config file")
        else:
            changes["config"] = config or None
    if "debounceMs" in values:
        delay = values["debounceMs"]
        if isinstance(delay, int | float) and not isinstance(delay, bool) and 0 <= delay <= 60_000:
            changes["debounce_ms"] = int(delay)
        else:
            problems.append(f"setting 'debounceMs' must be a number of milliseconds (0-60000), not {delay!r}")
    return replace(settings, **changes), problems
