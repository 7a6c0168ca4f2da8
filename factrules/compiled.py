"""Which core runs: the mypyc-compiled modules, or their plain sources when those are newer or asked for.

``build_compiled.py`` compiles the checking core at install and records the sha256 of each compiled
module's source in ``_compiled_manifest.py``.  Python would load a compiled module before its ``.py``
even after the source was edited (an editable install, a ``git pull``), and compiled modules call one
another directly, so one stale module could mix old and new code.  So when any source differs from
the manifest, or ``FACTRULES_PURE_PYTHON=1`` is set, every compiled module is loaded from its source,
and a stale build says so once on stderr.

The decision is made when the first compiled module is imported, not when ``factrules`` is: a command
that needs no matcher (``factrules --version``) reads no source and imports no hashing.

What the compiled modules must keep to (mypyc's limits, each met by a test that fails without it):

- ``Matcher``, ``MatcherGroup`` and the built-in kinds are ``@mypyc_attr(allow_interpreted_subclasses=True)``:
  a plugin may subclass them (a compiled class otherwise refuses an instance of a Python subclass);
- a matcher calls its base's ``__init__`` by name: mypyc's ``super().__init__(rule, **kwargs)`` passed
  the rule as the timeout;
- every other class a pack holds (indexes, lexicons) is ``allow_interpreted_subclasses=True`` too: without
  it a compiled class's ``__new__`` asks for ``__init__``'s arguments and the pack cache cannot unpickle
  it; a frozen dataclass a pack holds is ``native_class=False`` (unpickling sets its fields);
- a matcher holds no compiled function or bound method as data (it would not pickle): it keeps a name
  and dispatches on it;
- the code is built with the pinned mypy: 1.20's compiled ``str.lower`` lower-cases a capital sigma
  without its final form, unlike Python's, and changed findings in Greek text.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent

#: "compiled", "pure" or "stale" once decided (``mode()``)
_decided: list[str] = []


def _manifest() -> dict[str, str]:
    try:
        from factrules._compiled_manifest import SOURCES  # type: ignore[import-not-found]
    except ImportError:
        return {}
    return dict(SOURCES)


def _source_of(module: str) -> Path:
    return _PACKAGE_ROOT.joinpath(*module.split(".")).with_suffix(".py")


def _stale(manifest: dict[str, str]) -> list[str]:
    """The compiled modules whose source no longer has the hash it was compiled from."""
    import hashlib

    stale = []
    for module, digest in manifest.items():
        try:
            current = hashlib.sha256(_source_of(module).read_bytes()).hexdigest()
        except OSError:
            continue  # a wheel may ship no source for a module: then the compiled one is all there is
        if current != digest:
            stale.append(module)
    return stale


class _Gate:
    """A meta-path finder ahead of the others, for the compiled modules only.

    On the first import of one it decides between the compiled and the plain core; from then on it
    either finds the listed modules' ``.py`` files (plain) or finds nothing (compiled: the normal
    finders load the extension modules).
    """

    def __init__(self, modules: dict[str, str]) -> None:
        self.modules = modules
        self.sources_first: bool | None = None

    def decide(self) -> str:
        if self.sources_first is None:
            if os.environ.get("FACTRULES_PURE_PYTHON", "") not in ("", "0"):
                mode = "pure"
            else:
                stale = _stale(self.modules)
                mode = "stale" if stale else "compiled"
                if stale:
                    print(f"factrules: the compiled core is older than {stale[0].replace('.', '/')}.py; running "
                          "the pure-Python core (rebuild with `pip install -e .`)", file=sys.stderr)
            self.sources_first = mode != "compiled"
            _decided.append(mode)
        return _decided[0]

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if fullname not in self.modules:
            return None
        self.decide()
        if not self.sources_first:
            return None
        import importlib.util

        source = _source_of(fullname)
        return importlib.util.spec_from_file_location(fullname, source) if source.is_file() else None


def mode() -> str:
    """``"compiled"``, ``"pure"`` (nothing compiled, or plain sources asked for) or ``"stale"``."""
    return _GATE.decide() if _GATE is not None else "pure"


def is_compiled(module: ModuleType) -> bool:
    """Whether ``module`` is running as a compiled extension."""
    return not str(getattr(module, "__file__", "")).endswith(".py")


def _install() -> _Gate | None:
    manifest = _manifest()
    if not manifest:
        return None
    gate = _Gate(manifest)
    sys.meta_path.insert(0, gate)
    return gate


_GATE = _install()
