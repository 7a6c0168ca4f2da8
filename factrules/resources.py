"""Where the built-in rule packs and JSON Schemas live, installed or in a checkout.

A wheel carries them as ``factrules/_data/{rules,schemas,lexicons}``; a source
checkout (or an editable install) has them at the top level of the project.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the directory ``rules``, ``schemas`` or ``lexicons``, wherever this install keeps it."""
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"factrules is missing its '{name}' directory (looked in {installed} and {checkout})")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Load ``schemas/<name>.schema.json``."""
    path = data_dir("schemas") / f"{name}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))
