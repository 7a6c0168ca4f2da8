"""factrules: a fact-check linter for news drafts.

The public Python API is ``check_text`` and ``check_paths`` (see
``factrules.api``); ``Finding`` is what both return.
"""

from __future__ import annotations

from factrules._version import __version__
from factrules.api import Report, check_paths, check_text
from factrules.findings import Finding

__all__ = ["Finding", "Report", "__version__", "check_paths", "check_text"]
