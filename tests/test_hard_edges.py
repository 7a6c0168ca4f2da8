"""Bad input that cannot hurt: careless regexes, binary and broken encodings, huge lines, deep markup.

Each test feeds one hostile input through the path a user would take (the CLI as a subprocess where a
hang or a crash would show, the API elsewhere) and checks the outcome: findings still located exactly,
or a one-line message that names what was skipped. Timings are measured by ``bench/``, not here; the
only time bounds below are hang guards far above the expected figure.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import validate_finding_dict, validate_report_dict

from factrules.document import Document

pytestmark = pytest.mark.timeout(300)


def write_pack(path: Path, rules: str, name: str = "careless") -> Path:
    """A rule pack of our own, with ``rules`` given as YAML list items."""
    path.write_text(
        textwrap.dedent(f"""\
        pack: {name}
        version: 1.0.0
        description: A desk's pack with a careless regex in it.
        defaults: {{category: hedge, severity: warning}}
        rules:
        """) + textwrap.indent(textwrap.dedent(rules), "  "),
        encoding="utf-8",
    )
    return path


def run_cli(*args: str | Path, cwd: Path, memory_limit: int | None = None, timeout: float = 120) -> Any:
    """``python -m factrules ARGS`` in a subprocess (optionally with an address-space limit)."""

    def limit() -> None:
        if memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return subprocess.run([sys.executable, "-m", "factrules", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=timeout, preexec_fn=limit)


def located(finding: dict[str, Any], source: str) -> None:
    """A finding's span covers its text in ``source`` and its range agrees with the span."""
    validate_finding_dict(finding)
    start, end = finding["span"]["start"], finding["span"]["end"]
    assert source[start:end] == finding["text"]
    for key, offset in (("start", start), ("end", end)):
        line = source.count("\n", 0, offset) + 1
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        assert finding["range"][key] == {"line": line, "column": column}


# -- careless regexes ----------------------------------------------------------------------------------------

REDOS_RULES = """\
- id: redos
  kind: pattern
  pattern: '(a+)+$'
  message: "runs of a"
  examples: {match: [aaa]}
- id: claimed
  kind: phrase
  phrases: [claimed]
  examples: {match: [He claimed it.]}
"""


def test_catastrophic_pattern_times_out_through_the_cli_and_other_rules_still_report(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "careless.yaml", REDOS_RULES)
    source = "It reportedly fell, he claimed.\n\n" + "a" * 30_000 + "!\n"
    draft = tmp_path / "draft.txt"
    draft.write_text(source, encoding="utf-8")
    result = run_cli("check", "--rules", pack, "--format", "json", draft, cwd=tmp_path, timeout=60)
    report = json.loads(result.stdout)
    validate_report_dict(report)
    assert result.returncode == 1, result.stderr  # findings at warning; a timeout is not a fatal error
    [error] = report["errors"]
    assert error["kind"] == "rule-timeout" and error["rule"] == "careless.redos"
    assert "draft.txt" in error["message"] and "time limit" in error["message"]
    assert {f["rule"] for f in report["findings"]} == {"hedges.reportedly", "careless.claimed"}
    for finding in report["findings"]:
        located(finding, source)
    # the message reaches the terminal as one line, without a traceback
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if "careless.redos" in line] == [error_line(error)]


def error_line(error: dict[str, Any]) -> str:
    return f"factrules: {error['message']}"


def test_unless_patterns_share_one_time_budget_per_rule_and_document(engine_for) -> None:
    """Each ``unless`` call stays under the limit, but 300 hits of them must not add up to minutes."""
    engine = engine_for(textwrap.dedent(r"""
        pack: slowunless
        version: 1.0.0
        description: An unless pattern that backtracks on every hit.
        defaults: {category: hedge, severity: warning}
        rules:
          - id: ex
            kind: pattern
            pattern: '\bx\b'
            timeout: 0.5
            unless: ['(a|aa)+$']
            examples: {match: [x]}
          - id: fine
            kind: phrase
            phrases: [reportedly]
            examples: {match: [reportedly]}
        """))
    text = "It reportedly fell.\n\n" + "x " * 300 + "a" * 20 + "!"
    findings, errors = engine.check(Document(path="u.txt", text=text))
    assert [f.rule for f in findings] == ["slowunless.fine"]
    assert [(e["kind"], e["rule"]) for e in errors] == [("rule-timeout", "slowunless.ex")]
    assert "unless" in errors[0]["message"]


@pytest.mark.parametrize("pattern", ["x{4294967294}", "(?:(?:a{1000}){1000}){100}", "(?:ab|cd){200000}"])
def test_a_pattern_that_would_expand_when_compiled_is_refused_with_its_line(tmp_path: Path, pattern: str) -> None:
    """Compiling has no time limit: without the guard these exhaust memory or never finish (2 GB cap here)."""
    pack = write_pack(tmp_path / "huge.yaml", f"""\
        - id: fine
          kind: phrase
          phrases: [reportedly]
          examples: {{match: [reportedly]}}
        - id: huge
          kind: pattern
          pattern: '{pattern}'
          examples: {{match: [a]}}
        """)
    result = run_cli("rules", "validate", pack, cwd=tmp_path, memory_limit=2 << 30)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert f"{pack.name}:12:" in line and "'huge'" in line and "counted repeats expand" in line


@pytest.mark.parametrize("pattern", [r"\d{1,3}(?:,\d{3})+", r"\p{L}{2,}", r"a{1,100000}", r"(?:\w+\s){0,500}said",
                                     r"(?:(?:a{10}){10}){100}", r"[{]{3}x{e<=1}"])
def test_ordinary_counted_repeats_still_compile(engine_for, pattern: str) -> None:
    engine = engine_for(textwrap.dedent(f"""
        pack: counts
        version: 1.0.0
        description: ordinary counts
        defaults: {{category: number, severity: info}}
        rules:
          - id: c
            kind: pattern
            pattern: '{pattern}'
            examples: {{match: [a]}}
        """))
    assert [r.full_id for r in engine.rules] == ["counts.c"]
