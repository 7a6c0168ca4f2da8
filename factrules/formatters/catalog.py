"""What a run's rules are, for formats that describe them beside the findings (SARIF's ``tool.driver.rules``).

A report only carries findings; code-scanning UIs also want each rule's
description and help text, including rules that found nothing.  The catalog
is built from the same engine ``check`` used (``build_engine`` is cached per
options and config), so custom packs from ``--rules`` and config appear too.
Formatters that want it set ``needs_rules = True`` and receive it as the
``rules`` keyword: ``{full_id: descriptor}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from factrules.engine import Engine, effective_severity


def describe_engine(engine: Engine) -> dict[str, dict[str, Any]]:
    """One descriptor per selected rule of an engine, in pack order."""
    packs = {pack.name: pack for pack in engine.packs}
    catalog: dict[str, dict[str, Any]] = {}
    for rule in engine.rules:
        pack = packs.get(rule.pack)
        catalog[rule.full_id] = {
            "id": rule.full_id,
            "pack": rule.pack,
            "pack_version": pack.version if pack else "",
            "pack_description": " ".join((pack.description if pack else "").split()),
            "category": rule.category,
            "severity": effective_severity(rule, engine.settings),
            "kind": rule.kind,
            "description": " ".join(rule.description.split()),
            "message": rule.message,
            "link": rule.link,
        }
    return catalog


def rule_catalog(
    paths: Iterable[str],
    *,
    date: str | None = None,
    rules: Iterable[str] = (),
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    enable: Iterable[str] = (),
    config: str | None = None,
    plugins: Iterable[str] = (),
) -> dict[str, dict[str, Any]]:
    """The rules a ``check`` over ``paths`` with these options runs, resolved as ``check_paths`` resolves them."""
    from factrules.api import Options, build_engine, run_config

    options = Options.from_values(date, rules, select, ignore, enable, config, plugins)
    paths = list(paths)
    base_config = run_config(options, paths)
    return describe_engine(build_engine(options, base_config))
