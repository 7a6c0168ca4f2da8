"""The compiled core (mypyc, ``build_compiled.py``) gives what its sources give, and is never stale.

The findings of the compiled modules and of their plain sources are compared byte for byte on drafts we
wrote and on every rule pack's examples; the plain sources run in a second process with
``FACTRULES_PURE_PYTHON=1``.  Tests that spy on a compiled module's internals (``monkeypatch`` of a
function another compiled function calls directly) carry the ``pure_python`` mark and run in such a
process too (``test_spying_tests_pass_on_the_plain_sources``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import factrules.matchers.number as number_module
from factrules import compiled

ROOT = Path(__file__).resolve().parent.parent

DRAFTS = [
    "Reportedly as many as 300 people were evacuated on Sunday, officials said, though the figure could not "
    "be verified.\n\nThe ministry denied that its troops had fired on the crowd.\n",
    "Police said about 40 people were hurt. A hospital official, who asked not to be named, put the number "
    "at nearly 60.\n\nThe mayor, Jon Smyth, said Mr Smith would resign last week. Mr Smythe declined to "
    "comment.\n",
    "Shares rose 4.5 pct to 12.3 dlrs on Tuesday after the company said it expected between 10 and 12 mln "
    "dlrs in profit, up from several million a year earlier.\n",
]


def _run(args: list[str], cwd: Path, pure: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("FACTRULES_PURE_PYTHON", None)
    if pure:
        env["FACTRULES_PURE_PYTHON"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_core_is_compiled_where_it_can_be() -> None:
    """With a C compiler and compiling not turned off, the install this suite runs on uses the compiled
    core: otherwise the comparisons below would compare the plain sources with themselves."""
    if shutil.which("cc") is None or os.environ.get("FACTRULES_COMPILE") == "0":
        assert compiled.mode() in ("pure", "compiled")
        return
    assert compiled.mode() == "compiled", "rebuild with `pip install -e .`"
    assert compiled.is_compiled(number_module)


def test_plain_sources_are_loaded_when_asked_for() -> None:
    code = "import factrules, factrules.matchers.number as n, factrules.compiled as c; print(c.mode(), n.__file__)"
    done = _run([sys.executable, "-c", code], ROOT, pure=True)
    assert done.returncode == 0, done.stderr
    mode, path = done.stdout.split()
    assert mode == "pure" and path.endswith("number.py")


def test_compiled_and_plain_cores_give_byte_identical_findings(tmp_path: Path) -> None:
    for index, draft in enumerate(DRAFTS):
        (tmp_path / f"draft{index}.txt").write_text(draft, encoding="utf-8")
    args = [sys.executable, "-m", "factrules", "check", "--format", "json", "--date", "2026-03-13", str(tmp_path)]
    compiled_run, plain_run = _run(args, ROOT, pure=False), _run(args, ROOT, pure=True)
    assert compiled_run.returncode == plain_run.returncode == 1, compiled_run.stderr + plain_run.stderr
    assert compiled_run.stdout == plain_run.stdout
    assert compiled_run.stdout.count('"rule"') >= 10


def test_compiled_and_plain_cores_pass_the_same_pack_examples() -> None:
    args = [sys.executable, "-m", "factrules", "rules", "test"]
    compiled_run, plain_run = _run(args, ROOT, pure=False), _run(args, ROOT, pure=True)
    assert compiled_run.returncode == plain_run.returncode == 0, compiled_run.stdout + plain_run.stdout
    assert compiled_run.stdout == plain_run.stdout


def test_a_source_edited_after_the_build_counts_as_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "factrules" / "segment.py"
    source.parent.mkdir()
    source.write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(compiled, "_PACKAGE_ROOT", tmp_path)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert compiled._stale({"factrules.segment": digest}) == []
    source.write_text("x = 2\n", encoding="utf-8")
    assert compiled._stale({"factrules.segment": digest}) == ["factrules.segment"]


def test_spying_tests_pass_on_the_plain_sources() -> None:
    """The ``pure_python`` tests, in a process that loads the plain sources (the suite deselects them in a
    compiled process, where their spies would not be called)."""
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "pure_python", "tests"]
    done = _run(args, ROOT, pure=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
