"""factrules: a fact-check linter for news drafts.

The public Python API is ``check_text`` and ``check_paths`` (see
``factrules.api``); ``Finding`` is what both return.
"""

from __future__ import annotations

__version__ = "0.1.0"

from factrules.api import Report, check_paths, check_text  # noqa: E402
from factrules.findings import Finding  # noqa: E402

__all__ = ["Finding", "Report", "__version__", "check_paths", "check_text"]
