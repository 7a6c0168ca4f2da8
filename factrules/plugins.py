"""The plugin manager: built-ins first, then entry points of group ``factrules``, then ``--plugin``.

Registries (matcher kinds, readers, formatters, pack paths) are collected
from the hooks once per manager, so the rest of the code asks the
``Registry`` instead of calling hooks itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pluggy

from factrules import hookspecs
from factrules.errors import ConfigError
from factrules.matchers.base import Matcher


@dataclass
class Registry:
    """What the loaded plugins provide, merged; later plugins override earlier ones by name."""

    manager: pluggy.PluginManager
    matchers: dict[str, type[Matcher]] = field(default_factory=dict)
    readers: dict[str, Any] = field(default_factory=dict)
    formatters: dict[str, Any] = field(default_factory=dict)
    pack_paths: list[Path] = field(default_factory=list)
    config_properties: dict[str, Any] = field(default_factory=dict)

    def post_process(self, document: Any, findings: list[Any]) -> list[Any]:
        """Run every ``factrules_document_findings`` hook in turn."""
        for impl in reversed(self.manager.hook.factrules_document_findings.get_hookimpls()):
            result = impl.function(document=document, findings=findings)
            if result is not None:
                findings = result
        return findings


def _merge(results: Iterable[dict[str, Any] | None]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for result in reversed(list(results)):  # pluggy returns last-registered first
        merged.update(result or {})
    return merged


def make_manager(extra_plugins: Iterable[str] = ()) -> pluggy.PluginManager:
    """Create a manager with the built-ins, installed entry points and named modules."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    from factrules import builtin

    manager.register(builtin, name="factrules.builtin")
    from factrules import suppressions

    manager.register(suppressions, name="factrules.suppressions")
    manager.load_setuptools_entrypoints(hookspecs.PROJECT_NAME)
    for name in extra_plugins:
        try:
            module = importlib.import_module(name)
        except ImportError as error:
            raise ConfigError(f"plugin '{name}' cannot be imported: {error}") from None
        if not manager.is_registered(module):
            manager.register(module, name=name)
    return manager


@cache
def registry(extra_plugins: tuple[str, ...] = ()) -> Registry:
    """The registry for a set of plugins, built once per process."""
    manager = make_manager(extra_plugins)
    hook = manager.hook
    paths: list[Path] = []
    for result in reversed(hook.factrules_rule_packs()):
        paths.extend(Path(p) for p in result or [])
    return Registry(
        manager=manager,
        matchers=_merge(hook.factrules_matchers()),
        readers=_merge(hook.factrules_readers()),
        formatters=_merge(hook.factrules_formatters()),
        pack_paths=paths,
        config_properties=_merge(hook.factrules_config_schema()),
    )
