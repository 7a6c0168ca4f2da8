"""Hatch build hook: compile the checking core with mypyc, or install pure Python when that cannot be done.

Why: on real copy the time goes to Python doing small things once per figure, reporting verb, date word,
name and sentence; no stage dominates.  mypyc turns the same type-annotated modules into C extensions,
so there is one source and the pure-Python package stays the fallback: a machine with no C compiler,
``FACTRULES_COMPILE=0``, or a failed build installs the plain modules (with one line saying so) and
gives the same findings, only slower.

The modules compiled are the ``modules`` of this hook's table in ``pyproject.toml``.  Each build
writes ``factrules/_compiled_manifest.py``, the sha256 of every compiled module's source: at import,
``factrules.compiled`` loads the plain modules instead when a source no longer matches (an edited
checkout), so an editable install never runs code older than its files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MANIFEST = Path("factrules") / "_compiled_manifest.py"


def check_mypy(pinned: list[str]) -> None:
    """Refuse any mypy but the one the hook's dependencies pin (a build without isolation uses whatever is
    installed): another release's mypyc has made modules that crash at import."""
    from mypy.version import __version__ as found

    wanted = next(d.split("==", 1)[1] for d in pinned if d.startswith("mypy=="))
    if found != wanted:
        raise RuntimeError(f"mypy {found} is installed, the compiled core is built with mypy {wanted}")


def write_manifest(root: Path, sources: list[str], built: bool, target: Path) -> None:
    """Write to ``target`` which modules are compiled and the hash of each one's source (``built`` False:
    none)."""
    lines = ['"""Written by build_compiled.py at install: compiled module -> sha256 of its source."""', "",
             "SOURCES: dict[str, str] = {"]
    if built:
        for source in sources:
            module = source.removesuffix(".py").replace("/", ".")
            digest = hashlib.sha256((root / source).read_bytes()).hexdigest()
            lines.append(f"    {module!r}: {digest!r},")
    lines.append("}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _remove_old_extensions(root: Path) -> None:
    """Drop extension files a previous in-place build left, so a failed or skipped build leaves none."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    for path in [*root.glob(f"*__mypyc*{suffix}"), *(root / "factrules").rglob(f"*{suffix}")]:
        path.unlink()


def build(root: Path, sources: list[str], out: Path | None, pinned: list[str]) -> list[Path]:
    """Compile ``sources``; in place (next to the sources) when ``out`` is None, else under ``out``.

    Returns the extension files written.
    """
    check_mypy(pinned)
    from mypyc.build import mypycify
    from setuptools import Distribution

    work = Path(tempfile.mkdtemp(prefix="factrules-mypyc-"))
    here = os.getcwd()
    os.chdir(root)  # mypy reads [tool.mypy] from pyproject.toml here, and the paths are relative to it
    try:
        extensions = mypycify(sources, opt_level="3", target_dir=str(work / "c"))
        distribution = Distribution({"name": "factrules", "ext_modules": extensions})
        command = distribution.get_command_obj("build_ext")
        command.inplace = out is None
        command.build_lib = str(out) if out is not None else str(root)
        command.build_temp = str(work / "temp")
        command.ensure_finalized()
        command.run()
        return [Path(path) for path in command.get_outputs()]
    finally:
        os.chdir(here)
        shutil.rmtree(work, ignore_errors=True)


class CompiledCoreHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compiles the core for wheels and editable installs; falls back to pure Python with one line why."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        sources = list(self.config["modules"])
        editable = version == "editable"
        # an editable install reads the manifest in the checkout; a wheel carries its own (the checkout's
        # copy is git-ignored, so the wheel builder leaves it out)
        out = None if editable else Path(tempfile.mkdtemp(prefix="factrules-wheel-"))
        manifest = root / MANIFEST if out is None else out / MANIFEST
        manifest.parent.mkdir(parents=True, exist_ok=True)
        if editable:
            _remove_old_extensions(root)
        # until a build succeeds, no module counts as compiled
        write_manifest(root, sources, built=False, target=manifest)
        if os.environ.get("FACTRULES_COMPILE", "1") == "0":
            print("factrules: FACTRULES_COMPILE=0, installing the pure-Python core", file=sys.stderr)
            return
        try:
            outputs = build(root, sources, out, list(self.config["dependencies"]))
        except (Exception, SystemExit) as error:  # no compiler, no headers, a mypyc error: still installable
            if isinstance(error, SystemExit):
                reason = f"mypyc stopped with status {error.code}, its messages are above"
            else:
                reason = " ".join(f"{type(error).__name__}: {error}".split())[:200]
            print(f"factrules: compiled core not built ({reason}); installing the pure-Python core",
                  file=sys.stderr)
            return
        write_manifest(root, sources, built=True, target=manifest)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if out is not None:
            for path in outputs:
                build_data["force_include"][str(path)] = str(path.relative_to(out))
            build_data["force_include"][str(manifest)] = str(MANIFEST)
