"""Configuration: ``.factrules.yaml`` or ``[tool.factrules]`` in ``pyproject.toml``, found upwards.

A newsroom keeps one config at the root of its drafts repository; checking
any file below it picks that config up, as ruff does with ``ruff.toml``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from factrules.errors import ConfigError
from factrules.memo import Memo
from factrules.packs import unknown_key_message
from factrules.resources import load_schema

CONFIG_NAMES = (".factrules.yaml", ".factrules.yml", "pyproject.toml")
#: validated config values by (file name, text, schema), kept between runs (see ``load_config``)
VALIDATED = Memo("config", lambda: "")


@dataclass(frozen=True)
class Config:
    """A validated configuration and the file it came from (``None``: defaults)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    @property
    def rule_paths(self) -> list[Path]:
        base = self.path.parent if self.path else Path.cwd()
        return [(base / p).resolve() for p in self.values.get("rules", [])]

    @property
    def date(self) -> dt.date | None:
        value = self.values.get("date")
        return dt.date.fromisoformat(str(value)) if value else None

    def __hash__(self) -> int:  # values are validated JSON-like data; hash their repr
        return hash((self.path, repr(sorted(self.values.items()))))


def _schema(extra_properties: dict[str, Any] | None) -> dict[str, Any]:
    schema = dict(load_schema("config"))
    if extra_properties:
        schema["properties"] = {**schema["properties"], **extra_properties}
    return schema


def load_config(path: Path, extra_properties: dict[str, Any] | None = None) -> Config:
    """Read and validate one config file; errors name the file and the key.

    A config that validated before (the same text, name and schema, plugins' keys included) is taken
    from ``VALIDATED`` without parsing or validating it again: PyYAML and jsonschema were more than the
    rest of a short ``check`` in a project with a config file.  A config with an error is never
    remembered, so its error is reported, the same, on every run.
    """
    shown = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: cannot read config: {error}") from None
    schema = json.dumps(_schema(extra_properties), sort_keys=True, default=repr)
    key = hashlib.sha256("\0".join((path.name, raw, schema)).encode("utf-8", "surrogatepass")).hexdigest()
    values = VALIDATED.get(key, lambda: _read_values(path, raw, extra_properties))
    if values is None:
        return Config()
    return Config(path=path, values=copy.deepcopy(values))


def _read_values(path: Path, raw: str, extra_properties: dict[str, Any] | None) -> dict[str, Any] | None:
    """The validated values of a config file's text; None for a pyproject.toml without [tool.factrules]."""
    shown = str(path)
    if path.name == "pyproject.toml":
        import tomllib

        try:
            values = tomllib.loads(raw).get("tool", {}).get("factrules")
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{shown}: invalid TOML: {error}") from None
        if values is None:
            return None
        values = {key.replace("-", "_"): value for key, value in values.items()}
    else:
        import yaml  # here, not at the top: a run with no config file never parses YAML

        from factrules.safeyaml import safe_load

        try:
            values = safe_load(raw) or {}
        except yaml.MarkedYAMLError as error:
            line = error.problem_mark.line + 1 if error.problem_mark else "?"
            raise ConfigError(f"{shown}:{line}: invalid YAML: {error.problem}") from None
        except yaml.YAMLError as error:
            raise ConfigError(f"{shown}: invalid YAML: {' '.join(str(error).split())}") from None
        except (ValueError, OverflowError) as error:  # "date: 2026-02-30" reads as a timestamp that is no date
            raise ConfigError(f"{shown}{_line_of(raw, 'date')}: invalid date: {error}") from None
    if not isinstance(values, dict):
        raise ConfigError(f"{shown}: a config must be a mapping of keys to values, not {type(values).__name__}")
    if isinstance(values.get("date"), dt.date):
        values["date"] = values["date"].isoformat()
    import jsonschema  # here, not at the top: a run with no config file never needs it

    try:
        jsonschema.Draft202012Validator(_schema(extra_properties)).validate(values)
    except jsonschema.ValidationError as error:
        unknown = unknown_key_message(error)
        if unknown is not None and not error.absolute_path:  # a typo'd key: its line and the nearest known key
            key, message = unknown
            raise ConfigError(f"{shown}{_line_of(raw, key)}: {message}") from None
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        line = _line_of(raw, str(error.absolute_path[0])) if error.absolute_path else ""
        raise ConfigError(f"{shown}{line}: config key '{where}': {error.message}") from None
    if values.get("date"):
        try:
            dt.date.fromisoformat(values["date"])
        except ValueError:
            raise ConfigError(f"{shown}{_line_of(raw, 'date')}: config key 'date': '{values['date']}' is not a "
                              "date (YYYY-MM-DD)") from None
    return values


def _line_of(raw: str, key: str) -> str:
    """``:LINE`` of the first line setting ``key`` (for messages), or nothing when it cannot be told."""
    for number, line in enumerate(raw.splitlines(), 1):
        if line.lstrip().startswith((f"{key}:", f"{key} =", f"{key}=")):
            return f":{number}"
    return ""


@cache
def find_config_file(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` (a pyproject.toml counts only with [tool.factrules])."""
    directory = start if start.is_dir() else start.parent
    directory = directory.resolve()
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml":
                import tomllib  # only where a pyproject.toml is found

                try:
                    if "factrules" not in tomllib.loads(candidate.read_text(encoding="utf-8")).get("tool", {}):
                        continue
                except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                    continue
            return candidate
    return None
