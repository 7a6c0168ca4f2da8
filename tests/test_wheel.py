"""The built wheel is complete: installed non-editable into a fresh venv, it checks a draft from anywhere.

The trap this guards against is a wheel that works only because the
editable checkout is importable: the built-in packs (``rules/``) and the
schemas (``schemas/``) live at the top of the project, outside the
``factrules`` package, and must be carried into the wheel as
``factrules/_data``.  So the test runs the venv's CLI from a directory
outside the checkout and asserts that what it imported, and the data it
read, are inside the venv.
"""

from __future__ import annotations

import json
import shlex
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import run_outside

from factrules.findings import validator

ROOT = Path(__file__).resolve().parent.parent

DRAFT = (
    "The mayor reportedly approved the contract, sources said.\n"
    "\n"
    "The company denied any wrongdoing in a statement.\n"
)


def _builtin_pack_names() -> set[str]:
    names = set()
    for path in sorted((ROOT / "rules").glob("*.y*ml")):
        names.add(yaml.safe_load(path.read_text(encoding="utf-8"))["pack"])
    return names


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = run_outside(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
         "--no-input", "-q", str(ROOT), "-w", str(out)],
        out,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = list(out.glob("factrules-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv over the system packages (for the dependencies) with the wheel installed into it."""
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    made = run_outside([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                       venv.parent)
    assert made.returncode == 0, made.stderr
    installed = run_outside(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "--force-reinstall",
         "--disable-pip-version-check", "--no-input", "-q", str(wheel)],
        venv.parent,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory outside the checkout, so ``import factrules`` cannot find it through the cwd."""
    directory = tmp_path / "newsroom"
    directory.mkdir()
    assert ROOT not in directory.parents
    return directory


def test_wheel_carries_every_rule_pack_schema_and_lexicon(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    packs = {p.name for p in (ROOT / "rules").iterdir() if p.suffix in (".yaml", ".yml")}
    schemas = {p.name for p in (ROOT / "schemas").glob("*.json")}
    assert packs and schemas
    assert {f"factrules/_data/rules/{name}" for name in packs} <= names
    assert {f"factrules/_data/schemas/{name}" for name in schemas} <= names
    lexicons = {p.name for p in (ROOT / "lexicons").glob("*.txt")}
    assert {"places.txt", "given_names.txt", "surnames.txt", "words.txt"} <= lexicons
    assert {f"factrules/_data/lexicons/{name}" for name in lexicons} <= names
    assert "factrules/__init__.py" in names
    assert not any(name.startswith(("tests/", "plugins/")) for name in names)


def test_venv_imports_the_installed_copy_not_the_checkout(venv: Path, elsewhere: Path) -> None:
    probe = (
        "import json, factrules, factrules.resources as r;"
        "print(json.dumps([factrules.__file__, str(r.data_dir('rules')), str(r.data_dir('schemas'))]))"
    )
    result = run_outside([str(venv / "bin" / "python"), "-c", probe], elsewhere)
    assert result.returncode == 0, result.stderr
    module, rules, schemas = (Path(p) for p in json.loads(result.stdout))
    assert venv in module.parents and ROOT not in module.parents, module
    package = module.parent
    assert rules == package / "_data" / "rules"
    assert schemas == package / "_data" / "schemas"
    assert {p.name for p in rules.iterdir()} >= {p.name for p in (ROOT / "rules").glob("*.yaml")}


def test_venv_console_script_checks_a_draft_from_another_directory(venv: Path, elsewhere: Path) -> None:
    (elsewhere / "draft.txt").write_text(DRAFT, encoding="utf-8")
    factrules = venv / "bin" / "factrules"
    assert factrules.is_file()
    result = run_outside([str(factrules), "check", "draft.txt", "--format", "json", "--date", "2026-03-13"], elsewhere)
    assert result.returncode == 1, result.stderr  # hedge and sourcing findings are warnings
    report = json.loads(result.stdout)
    assert not list(validator("report").iter_errors(report))
    for finding in report["findings"]:
        assert not list(validator("finding").iter_errors(finding)), finding
    categories = {f["category"] for f in report["findings"]}
    assert {"hedge", "unverified", "denial"} <= categories
    assert all(f["path"] == "draft.txt" for f in report["findings"])

    text = run_outside([str(factrules), "check", "draft.txt"], elsewhere)
    assert text.returncode == 1
    assert "draft.txt:1:" in text.stdout and "reportedly" in text.stdout


def test_venv_rules_list_and_test_use_the_packaged_packs(venv: Path, elsewhere: Path) -> None:
    factrules = str(venv / "bin" / "factrules")
    listing = run_outside([factrules, "rules", "list"], elsewhere)
    assert listing.returncode == 0, listing.stderr
    listed = {line.split()[0].split(".")[0] for line in listing.stdout.splitlines() if line.strip()}
    assert _builtin_pack_names() <= listed
    explain = run_outside([factrules, "rules", "explain", "hedges.reportedly"], elsewhere)
    assert explain.returncode == 0, explain.stderr
    assert "_data" in explain.stdout and str(venv) in explain.stdout  # "Defined in <installed pack>"


def test_venv_reports_bad_input_without_a_traceback(venv: Path, elsewhere: Path) -> None:
    result = run_outside([str(venv / "bin" / "factrules"), "check", "missing.txt"], elsewhere)
    assert result.returncode == 2
    assert "missing.txt" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


QUICK_START_INSTALL = "python3 -m pip install . && factrules check examples/draft.txt --date 2026-03-13"
QUICK_START_TEST = "python3 -m pip install -e '.[test]' && python3 -m pytest"


def test_readme_quick_start_is_what_these_tests_and_ci_run() -> None:
    """The README's two commands: the first is exercised below against the wheel, the second is .ci/run's."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in quick_start.splitlines() if line.startswith("python3 ")]
    assert commands == [QUICK_START_INSTALL, QUICK_START_TEST]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert QUICK_START_TEST in ci_lines


def test_quick_start_draft_shows_every_category_whose_pack_is_installed(venv: Path, elsewhere: Path) -> None:
    """The README's first Quick start command, against the installed wheel: the example draft shows each category.

    The categories are the six of the guidelines that some installed rule declares, so a pack that
    ships without the draft exercising it fails here; hedge, unverified, denial and date always ship.
    """
    factrules = str(venv / "bin" / "factrules")
    listing = run_outside([factrules, "rules", "list"], elsewhere)
    installed = {line.split()[2] for line in listing.stdout.splitlines() if line.strip()}
    expected = installed & {"hedge", "unverified", "denial", "number", "date", "consistency"}
    assert {"hedge", "unverified", "denial", "date"} <= expected
    (elsewhere / "examples").mkdir()
    (elsewhere / "examples" / "draft.txt").write_bytes((ROOT / "examples" / "draft.txt").read_bytes())
    program, *arguments = shlex.split(QUICK_START_INSTALL.split(" && ", 1)[1])
    assert program == "factrules"
    result = run_outside([factrules, *arguments, "--format", "json"], elsewhere)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert not list(validator("report").iter_errors(report))
    for finding in report["findings"]:
        assert not list(validator("finding").iter_errors(finding)), finding
    assert report["errors"] == []
    assert expected <= {f["category"] for f in report["findings"]}
    resolved = {f["text"]: f["data"]["resolved_start"] for f in report["findings"] if f["category"] == "date"}
    assert resolved["on Tuesday"] == "2026-03-10"
    assert resolved["last week"] == "2026-03-02"
