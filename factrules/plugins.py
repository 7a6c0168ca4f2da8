"""The plugin manager: ``DEFAULT_PLUGINS``, then entry points of group ``factrules``, then ``--plugin``.

Registries (matcher kinds, readers, formatters, pack paths) are collected
from the hooks once per manager, so the rest of the code asks the
``Registry`` instead of calling hooks itself.

Loading is strict, because a plugin problem found late is found by a
reader of the wrong report: a plugin whose import raises, or that
implements a hook that does not exist (a misspelt name pluggy would
otherwise ignore, see ``check_pending``), is one ``PluginError`` naming the
plugin and where it came from; the command line prints it as one line and
exits 2, which CI does not mistake for "findings".
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from factrules import hookspecs
from factrules.entrypoints import EntryRecord, entry_points
from factrules.errors import PluginError

if TYPE_CHECKING:  # annotations only: ``--version`` loads the plugins without the engine's modules
    from factrules.matchers.base import Matcher

#: the core's own plugins, registered first: every later plugin may override what they provide
DEFAULT_PLUGINS: tuple[str, ...] = ("factrules.builtin", "factrules.suppressions")
#: the entry-point group installed plugins declare (``[project.entry-points.factrules]``)
ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering where each plugin came from (for errors and ``factrules plugins``)."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        #: plugin name -> how it was found: "built-in", "entry point NAME = VALUE (DIST VERSION)", "--plugin"
        self.origins: dict[str, str] = {}

    def describe(self, name: str) -> str:
        """``plugin 'NAME' (ORIGIN)``: how errors name a plugin."""
        origin = self.origins.get(name)
        return f"plugin '{name}'" + (f" ({origin})" if origin else "")

    def add(self, plugin: object, name: str, origin: str) -> None:
        """Register ``plugin``; a hook with wrong arguments is a ``PluginError`` naming it."""
        self.origins[name] = origin
        try:
            self.register(plugin, name=name)
        except pluggy.PluginValidationError as error:
            raise PluginError(f"{self.describe(name)} cannot be registered: {_one_line(error)}") from None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def import_plugin(manager: PluginManager, name: str, origin: str) -> None:
    """Import the module ``name`` and register it (once) under that name."""
    try:
        module = importlib.import_module(name)
    except Exception as error:  # any failure of a plugin's import is the plugin's, reported as one line
        manager.origins.setdefault(name, origin)
        raise PluginError(f"{manager.describe(name)} cannot be imported: {_one_line(error)}") from None
    if not manager.is_registered(module):
        manager.add(module, name, origin)


#: (the discovery function, ``sys.path``) -> the group's entry points: the command line builds two managers
#: (its parser's and the registry's) and finding them twice was a tenth of a short ``check``; a new path or
#: a replaced discovery function (tests) finds them again.  Between processes ``factrules.entrypoints``
#: remembers them (and spares the import of ``importlib.metadata`` when no plugin is installed).
_ENTRY_POINTS: dict[tuple[Any, tuple[str, ...]], list[EntryRecord]] = {}


def _entry_points() -> list[EntryRecord]:
    metadata = sys.modules.get("importlib.metadata")
    key = (getattr(metadata, "entry_points", None), tuple(sys.path))
    found = _ENTRY_POINTS.get(key)
    if found is None:
        _ENTRY_POINTS.clear()
        found = entry_points(ENTRY_POINT_GROUP)
        key = (getattr(sys.modules.get("importlib.metadata"), "entry_points", None), tuple(sys.path))
        _ENTRY_POINTS[key] = found
    return found


def load_entry_points(manager: PluginManager) -> None:
    """Register every installed plugin of the entry-point group, as ``load_setuptools_entrypoints`` would."""
    for entry_point in _entry_points():
        if manager.get_plugin(entry_point.name) is not None or manager.is_blocked(entry_point.name):
            continue
        origin = f"entry point {entry_point.name} = {entry_point.value}"
        if entry_point.dist_name is not None:
            origin += f" in {entry_point.dist_name} {entry_point.dist_version}"
        manager.origins[entry_point.name] = origin
        try:
            plugin = entry_point.load()
        except Exception as error:
            raise PluginError(f"{manager.describe(entry_point.name)} cannot be loaded: {_one_line(error)}") from None
        manager.add(plugin, entry_point.name, origin)


def check_pending(manager: PluginManager) -> None:
    """Fail on a hook implementation no hookspec matches: a misspelt hook would otherwise never run."""
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        name = manager.get_name(error.plugin) or repr(error.plugin)
        unknown = sorted(
            caller.name
            for caller in vars(manager.hook).values()
            if isinstance(caller, pluggy.HookCaller) and not caller.has_spec()
            and any(impl.plugin is error.plugin and not impl.optionalhook for impl in caller.get_hookimpls())
        )
        raise PluginError(f"{manager.describe(name)} implements {', '.join(map(repr, unknown))}, which is not a "
                          "factrules hook (see factrules/hookspecs.py)") from None


def make_manager(extra_plugins: Iterable[str] = (), internal: Iterable[str] = DEFAULT_PLUGINS) -> PluginManager:
    """A manager with the ``internal`` plugins, the installed entry points and the ``--plugin`` modules, checked."""
    manager = PluginManager()
    for name in internal:  # the core's own modules: a failure here is a bug, so it keeps its traceback
        manager.add(importlib.import_module(name), name, "built-in")
    load_entry_points(manager)
    for name in extra_plugins:
        import_plugin(manager, name, "--plugin")
    check_pending(manager)
    return manager


@dataclass
class PluginInfo:
    """One loaded plugin, as ``factrules plugins`` shows it."""

    name: str
    origin: str
    hooks: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "origin": self.origin, "hooks": self.hooks}


def plugin_infos(manager: PluginManager) -> list[PluginInfo]:
    """Every registered plugin in registration order, with the hooks it implements."""
    infos = []
    for name, plugin in manager.list_name_plugin():
        hooks = sorted(caller.name for caller in manager.get_hookcallers(plugin) or [])
        infos.append(PluginInfo(name=name, origin=manager.origins.get(name, ""), hooks=hooks))
    return infos


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
