"""factrules: a fact-check linter for news drafts.

The public Python API is ``check_text`` and ``check_paths`` (see
``factrules.api``); ``Finding`` is what both return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factrules._version import __version__

if TYPE_CHECKING:
    from factrules.api import Report, check_paths, check_text
    from factrules.findings import Finding

#: public name -> the module it lives in; imported on first use (PEP 562), so ``factrules --version``
#: and every ``factrules.x`` import do not pay for the engine
_LAZY = {"Report": "factrules.api", "check_paths": "factrules.api", "check_text": "factrules.api",
         "Finding": "factrules.findings"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'factrules' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

__all__ = ["Finding", "Report", "__version__", "check_paths", "check_text"]
