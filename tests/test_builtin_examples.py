"""Every example of every rule of every built-in pack, one test case each.

Packs are discovered through the plugin registry (the same hook the CLI uses),
so packs other engineers add later are covered without editing this file.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import pytest

from factrules.document import Document
from factrules.engine import Engine, Settings
from factrules.packs import Pack, PackError, load_packs
from factrules.plugins import registry


def _builtin_packs() -> tuple[list[Pack], str | None]:
    plugins = registry()
    try:
        return load_packs(plugins.pack_paths, plugins.matchers), None
    except PackError as error:
        return [], str(error)


PACKS, LOAD_ERROR = _builtin_packs()


def _cases() -> list[Any]:
    cases = []
    for pack in PACKS:
        for rule in pack.rules:
            for expectation in ("match", "no_match"):
                for index, example in enumerate(rule.examples.get(expectation) or []):
                    cases.append(pytest.param(rule.full_id, expectation, example, rule.examples.get("date"),
                                              id=f"{rule.full_id}-{expectation}-{index + 1}"))
    return cases


@cache
def _engine(date: str | None) -> Engine:
    """All built-in rules (default-off ones too), as `rules test` runs them, with the examples' date."""
    settings = Settings(enable=("all",), date=dt.date.fromisoformat(date) if date else None)
    return Engine(PACKS, registry(), settings)


def test_builtin_packs_load() -> None:
    assert LOAD_ERROR is None, LOAD_ERROR
    assert {"hedges", "sourcing", "denials"} <= {p.name for p in PACKS}


def test_every_rule_has_examples_of_both_kinds() -> None:
    missing = [(r.full_id, kind) for p in PACKS for r in p.rules for kind in ("match", "no_match")
               if not r.examples.get(kind)]
    assert missing == []


@pytest.mark.parametrize(("rule_id", "expectation", "example", "date"), _cases())
def test_builtin_example(rule_id: str, expectation: str, example: str, date: str | None) -> None:
    findings, errors = _engine(date).check(Document(path="<example>", text=example))
    found = [f.text for f in findings if f.rule == rule_id]
    assert not [e for e in errors if e.get("rule") == rule_id], errors
    if expectation == "match":
        assert found, f"{rule_id} should flag: {example!r}"
    else:
        assert not found, f"{rule_id} should not flag {found} in: {example!r}"


def test_rules_test_command_passes(cli_proc) -> None:
    result = cli_proc("rules", "test")
    assert result.code == 0, result.out + result.err
    assert result.out.strip().splitlines()[-1].endswith("0 failed: passed")
