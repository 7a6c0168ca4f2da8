"""Suite-wide checks and helpers.

Every finding the engine produces in this process is validated against
``schemas/finding.schema.json`` (by wrapping ``Engine.check``), and every
report built in-process against ``schemas/report.schema.json`` (by wrapping
``Report.to_dict``).  A violation is recorded and fails the test that caused
it, whatever code path produced the finding (CLI, API, server, plugin), so
the schema check covers every test run, not a hand-picked sample.

Helpers: ``cli`` runs ``factrules.cli.main`` in-process (stdout/stderr
captured); ``cli_proc`` runs ``python -m factrules`` as a subprocess and
validates its JSON output against the report schema.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from factrules.api import Report
from factrules.engine import Engine
from factrules.findings import validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class SchemaAudit:
    """What the session-wide wrappers saw: how many findings/reports, and every violation."""

    findings: int = 0
    reports: int = 0
    violations: list[str] | None = None

    def __post_init__(self) -> None:
        self.violations = []


AUDIT = SchemaAudit()


def _violations(kind: str, instance: dict[str, Any]) -> list[str]:
    return [
        f"{kind} violates schemas/{kind}.schema.json at /{'/'.join(map(str, e.absolute_path))}: {e.message}"
        f" ({json.dumps(instance, ensure_ascii=False)[:300]})"
        for e in validator(kind).iter_errors(instance)
    ]


def validate_finding_dict(finding: dict[str, Any]) -> None:
    """Assert one finding dict is valid against the finding schema."""
    problems = _violations("finding", finding)
    assert not problems, problems


def validate_report_dict(report: dict[str, Any]) -> None:
    """Assert a report dict (``--format json``) is valid against the report schema."""
    problems = _violations("report", report)
    assert not problems, problems


@pytest.fixture(scope="session", autouse=True)
def _private_pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The compiled-pack cache of this session (and its subprocesses) in a temporary directory, not the user's."""
    before = os.environ.get("FACTRULES_CACHE_DIR")
    os.environ["FACTRULES_CACHE_DIR"] = str(tmp_path_factory.mktemp("pack-cache"))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("FACTRULES_CACHE_DIR", None)
        else:
            os.environ["FACTRULES_CACHE_DIR"] = before


@pytest.fixture(scope="session", autouse=True)
def _schema_checked_findings() -> Iterator[SchemaAudit]:
    """Wrap ``Engine.check`` and ``Report.to_dict`` for the whole session."""
    original_check = Engine.check
    original_to_dict = Report.to_dict

    def checked(self: Engine, document: Any) -> Any:
        findings, errors = original_check(self, document)
        for finding in findings:
            AUDIT.findings += 1
            AUDIT.violations.extend(_violations("finding", finding.to_dict()))
        return findings, errors

    def checked_report(self: Report) -> dict[str, Any]:
        report = original_to_dict(self)
        AUDIT.reports += 1
        AUDIT.violations.extend(_violations("report", report))
        return report

    Engine.check = checked  # type: ignore[method-assign]
    Report.to_dict = checked_report  # type: ignore[method-assign]
    try:
        yield AUDIT
    finally:
        Engine.check = original_check  # type: ignore[method-assign]
        Report.to_dict = original_to_dict  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_schema_violations(_schema_checked_findings: SchemaAudit) -> Iterator[None]:
    """Fail the test during which any finding or report broke its schema."""
    before = len(_schema_checked_findings.violations)
    yield
    new = _schema_checked_findings.violations[before:]
    if new:
        pytest.fail("schema violations:\n" + "\n".join(new[:10]), pytrace=False)


@pytest.fixture
def audit(_schema_checked_findings: SchemaAudit) -> SchemaAudit:
    """The session's schema audit (tests may check that their findings went through it)."""
    return _schema_checked_findings


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict[str, Any]:
        report = json.loads(self.out)
        validate_report_dict(report)
        return report


class _Stdin:
    """A stand-in for ``sys.stdin`` with a binary ``buffer``, as the CLI reads it."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def read(self) -> str:
        return self.buffer.read().decode("utf-8")

    def isatty(self) -> bool:
        return False


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run ``factrules.cli.main(args)`` in-process; ``stdin`` is bytes or str for ``-``."""
    from factrules.cli import main

    def run(*args: str | os.PathLike[str], stdin: bytes | str | None = None) -> CliResult:
        capsys.readouterr()
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", _Stdin(stdin.encode() if isinstance(stdin, str) else stdin))
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        result = CliResult(code, out, err)
        if "--format" in args and "json" in args and out.strip():
            result.json  # noqa: B018 - validates the report
        return result

    return run


@pytest.fixture
def cli_proc() -> Callable[..., CliResult]:
    """Run ``python -m factrules`` as a subprocess; JSON output is validated against the report schema."""

    def run(*args: str | os.PathLike[str], stdin: bytes | str | None = None, cwd: Path | str | None = None,
            env: dict[str, str] | None = None) -> CliResult:
        data = stdin.encode() if isinstance(stdin, str) else stdin
        full_env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "NO_COLOR")}
        full_env.update({"PYTHONIOENCODING": "utf-8", **(env or {})})
        completed = subprocess.run(
            [sys.executable, "-m", "factrules", *map(str, args)],
            input=data if data is not None else b"",
            capture_output=True,
            cwd=cwd,
            env=full_env,
            timeout=300,
        )
        result = CliResult(completed.returncode, completed.stdout.decode("utf-8"), completed.stderr.decode("utf-8"))
        if "--format" in args and "json" in args and result.out.strip():
            result.json  # noqa: B018 - validates the report
        return result

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a file under ``tmp_path`` (text or bytes) and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return _write


@pytest.fixture
def engine_for(tmp_path: Path) -> Callable[..., Engine]:
    """Build an ``Engine`` from pack YAML text (only that pack, unless ``builtin=True``)."""
    from factrules.engine import Settings
    from factrules.packs import load_pack, load_packs
    from factrules.plugins import registry

    def build(*pack_yaml: str, builtin: bool = False, **settings: Any) -> Engine:
        plugins = registry()
        packs = load_packs(plugins.pack_paths, plugins.matchers) if builtin else []
        for index, text in enumerate(pack_yaml):
            path = tmp_path / f"pack{index}-{len(list(tmp_path.iterdir()))}.yaml"
            path.write_text(text, encoding="utf-8")
            packs.append(load_pack(path, plugins.matchers))
        return Engine(packs, plugins, Settings(**settings))

    return build


def check(engine: Engine, text: str, path: str = "doc.txt") -> list[Any]:
    """Findings of ``engine`` on ``text`` as a plain-text document."""
    from factrules.document import Document

    findings, _errors = engine.check(Document(path=path, text=text))
    return findings


@pytest.fixture
def probe(tmp_path: Path) -> Path:
    """A pack of phrases to locate through markup (the reader tests); see ``reader_probe.py``."""
    from reader_probe import PROBE_PACK

    pack = tmp_path / "probe.yaml"
    pack.write_text(PROBE_PACK, encoding="utf-8")
    return pack


def run_outside(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command of an installed venv as a user would: without this checkout on PYTHONPATH, no colour."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["NO_COLOR"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def factrules_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory for factrules' own caches (``FACTRULES_CACHE_DIR``), with caching on, for one test."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("FACTRULES_CACHE_DIR", str(directory))
    monkeypatch.delenv("FACTRULES_NO_CACHE", raising=False)
    return directory
