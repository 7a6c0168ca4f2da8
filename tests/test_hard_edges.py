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

from factrules import check_text
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
    [error] = [e for e in report["errors"] if e["kind"] != "long-sentence"]  # 30,000 a's: cut into pieces
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


# -- bytes that are not text ---------------------------------------------------------------------------------


def check_json(tmp_path: Path, *paths: Path, extra: tuple[str, ...] = ()) -> tuple[int, dict[str, Any], str]:
    """``check --format json`` in a subprocess; the report is validated against its schema."""
    result = run_cli("check", *paths, "--format", "json", "--date", "2018-02-16", *extra, cwd=tmp_path, timeout=280)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    report = json.loads(result.stdout)
    validate_report_dict(report)
    return result.returncode, report, result.stderr


def findings_of(report: dict[str, Any], path: Path) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["path"] == str(path)]


@pytest.mark.parametrize("name", ["draft.txt", "draft.md", "draft.html"])
def test_nul_bytes_near_the_start_mean_binary_and_the_file_is_skipped_by_name(tmp_path: Path, name: str) -> None:
    binary = tmp_path / name
    binary.write_bytes(b"PK\x03\x04\x00\x00 It reportedly fell." + bytes(range(256)))
    good = tmp_path / "good.txt"
    good.write_text("It reportedly fell.\n", encoding="utf-8")
    code, report, stderr = check_json(tmp_path, binary, good)
    assert code == 2
    [error] = report["errors"]
    assert error["kind"] == "input-error" and error["path"] == str(binary)
    assert "binary file (NUL bytes), skipped" in error["message"]
    assert f"factrules: {binary}: binary file (NUL bytes), skipped" in stderr.splitlines()
    assert [f["rule"] for f in findings_of(report, good)] == ["hedges.reportedly"]


@pytest.mark.parametrize("name", ["draft.txt", "draft.md", "draft.html"])
def test_a_nul_after_the_sniff_window_of_a_long_utf8_file_is_read_around(tmp_path: Path, name: str) -> None:
    """Past the first 8 KB a NUL is one odd character in a text file, not a reason to drop 100 KB of it."""
    before = "Fine text about the harbour. " * 400  # about 11,600 characters
    source = before + "It reportedly fell.\x00 Ürün 🙂 allegedly\n\nas many as 100 fighters.\n"
    draft = tmp_path / name
    draft.write_text(source, encoding="utf-8")
    code, report, _ = check_json(tmp_path, draft)
    assert code == 1 and report["errors"] == []
    found = findings_of(report, draft)
    assert {f["text"] for f in found} >= {"reportedly", "allegedly"}
    for finding in found:
        located(finding, source)


@pytest.mark.parametrize("name", ["draft.txt", "draft.md", "draft.html"])
def test_invalid_utf8_is_skipped_with_byte_and_line(tmp_path: Path, name: str) -> None:
    draft = tmp_path / name
    draft.write_bytes("Line one reportedly.\nLine two \u00e9\n".encode() + b"bad \xc3\x28 byte\n")
    code, report, _ = check_json(tmp_path, draft)
    assert code == 2 and report["findings"] == []
    [error] = report["errors"]
    offset = len("Line one reportedly.\nLine two \u00e9\n".encode()) + 4
    assert error["message"] == (f"{draft}: not valid UTF-8 (byte {offset}, line 3); convert the file to UTF-8, "
                                "skipped")


def test_lone_surrogates_in_a_string_are_read_as_replacement_characters_with_spans_on_the_string() -> None:
    text = "\ud800It reportedly fell \udfff, allegedly.\ud83d"
    findings = check_text(text)
    assert [f.text for f in findings] == ["reportedly", "allegedly"]
    for finding in findings:
        assert text[finding.span["start"] : finding.span["end"]] == finding.text
        located(finding.to_dict(), text)


def test_a_leading_byte_order_mark_in_a_string_keeps_spans_on_the_string() -> None:
    text = "\ufeffIt reportedly fell."
    [finding] = check_text(text)
    assert text[finding.span["start"] : finding.span["end"]] == "reportedly"
    assert finding.range["start"] == {"line": 1, "column": 5}


def test_lone_surrogates_encoded_in_a_file_are_invalid_utf8(tmp_path: Path) -> None:
    draft = tmp_path / "cesu.txt"
    draft.write_bytes(b"It reportedly fell \xed\xa0\x80 there.\n")
    code, report, _ = check_json(tmp_path, draft)
    assert code == 2 and "not valid UTF-8 (byte 19, line 1)" in report["errors"][0]["message"]


def test_lone_surrogates_in_a_jsonl_corpus_are_replaced_with_a_warning_and_spans_hold(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    text = "\ud800It reportedly fell \udfff, allegedly."
    corpus.write_text(json.dumps({"id": "s1", "text": text}) + "\n", encoding="utf-8")  # escaped as \ud800
    out = tmp_path / "out.jsonl"
    result = run_cli("scan", corpus, "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [e["kind"] for e in record["errors"]] == ["input-warning"]
    assert "lone surrogates replaced by U+FFFD" in record["errors"][0]["message"]
    assert [f["text"] for f in record["findings"]] == ["reportedly", "allegedly"]
    for finding in record["findings"]:
        located(finding, text.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd"))


# -- right-to-left text, long lines, deep markup, big files ----------------------------------------------------

RTL_SOURCE = (
    "\u200fقال مسؤولون إن 100 مقاتل قتلوا. The ministry reportedly denied it.\n"
    "שלום עולם \u202eIt allegedly fell\u202c on Sunday, officials said.\r\n"
    "مرحبا e\u0301 it was thought to be true, أ as many as 300 fighters.\n"
)


@pytest.mark.parametrize("name", ["rtl.txt", "rtl.md"])
def test_right_to_left_text_keeps_code_point_columns(tmp_path: Path, name: str) -> None:
    draft = tmp_path / name
    draft.write_text(RTL_SOURCE, encoding="utf-8", newline="")
    code, report, _ = check_json(tmp_path, draft)
    assert code == 1 and report["errors"] == []
    found = findings_of(report, draft)
    assert {"reportedly", "allegedly"} <= {f["text"] for f in found}
    for finding in found:
        located(finding, RTL_SOURCE)
    allegedly = next(f for f in found if f["text"] == "allegedly")
    assert allegedly["range"]["start"] == {"line": 2, "column": RTL_SOURCE.split("\n")[1].index("allegedly") + 1}


@pytest.mark.parametrize("name", ["long.txt", "long.md", "long.html"])
def test_a_finding_at_the_end_of_a_100000_character_line_has_the_right_column(tmp_path: Path, name: str) -> None:
    line = ("word " * 20_000)[:100_000]
    source = "Title\n" + line + " It reportedly fell.\n"
    draft = tmp_path / name
    draft.write_text(source, encoding="utf-8")
    code, report, _ = check_json(tmp_path, draft)
    [finding] = findings_of(report, draft)
    assert finding["range"]["start"] == {"line": 2, "column": 100_005}
    located(finding, source)


@pytest.mark.parametrize("tag", ["div", "b"])
def test_100000_nested_html_elements_neither_recurse_nor_lose_the_finding(tmp_path: Path, tag: str) -> None:
    source = f"<{tag}>" * 100_000 + "It reportedly fell." + f"</{tag}>" * 100_000 + "\n<p>as many as 100</p>\n"
    draft = tmp_path / "deep.html"
    draft.write_text(source, encoding="utf-8")
    code, report, _ = check_json(tmp_path, draft)
    assert code == 1 and report["errors"] == []
    found = findings_of(report, draft)
    assert [f["text"] for f in found] == ["reportedly", "as many as 100"]
    for finding in found:
        assert source[finding["span"]["start"] : finding["span"]["end"]] == finding["text"]
        validate_finding_dict(finding)


def test_100000_nested_markdown_quotes_are_read_and_located(tmp_path: Path) -> None:
    source = ">" * 100_000 + " It reportedly fell.\n\n- as many as 100\n"
    draft = tmp_path / "deep.md"
    draft.write_text(source, encoding="utf-8")
    code, report, _ = check_json(tmp_path, draft)
    found = findings_of(report, draft)
    assert [f["text"] for f in found] == ["reportedly", "as many as 100"]
    for finding in found:
        located(finding, source)


@pytest.mark.parametrize("shape", ["table", "list"])
def test_a_5_mb_markdown_table_or_list_is_read_to_the_end(tmp_path: Path, shape: str) -> None:
    """Measured in bench/RESULTS.md ("Hard edges"); here only: read whole, the last finding located."""
    if shape == "table":
        head, row, tail = "| a | b | c |\n|---|---|---|\n", "| The bridge | carries traffic | across |\n", \
            "| It reportedly fell | x | y |\n"
    else:
        head, row, tail = "", "- The bridge carries traffic across the river\n", "- It reportedly fell\n"
    source = head + row * (5_000_000 // len(row)) + tail
    draft = tmp_path / "big.md"
    draft.write_text(source, encoding="utf-8")
    code, report, _ = check_json(tmp_path, draft)
    assert report["errors"] == []
    [finding] = findings_of(report, draft)
    assert finding["range"]["start"]["line"] == source.count("\n")
    located(finding, source)


@pytest.mark.parametrize("source", [
    "<p>It <![;> reportedly fell.</p>",                     # no keyword: the stdlib raised AssertionError
    "<p>It <![olvemes 101]> reportedly fell.</p>",          # an unknown keyword (found by bench/fuzz_readers.py)
    "<p>It <![ reportedly fell, allegedly",                 # unterminated at the end of the file
    "<p>a\n<![x\ny]> It reportedly fell.</p>",              # across lines
    "<![if !supportLists]>It reportedly fell<![endif]>",    # Word's HTML export
])
def test_html_marked_sections_are_bogus_comments_and_offsets_do_not_drift(source: str) -> None:
    findings = check_text(source, format="html", path="draft.html")
    assert "reportedly" in [f.text for f in findings]
    for finding in findings:
        assert source[finding.span["start"] : finding.span["end"]] == finding.text
        located(finding.to_dict(), source)


@pytest.mark.parametrize("front", ["date: 2018-32-16", "date: 2018-02-30", "a: " + "[" * 5000 + "]" * 5000])
def test_front_matter_that_yaml_cannot_construct_leaves_the_draft_checkable(front: str) -> None:
    """PyYAML raised ValueError/RecursionError here, which lost the whole file (found by the fuzzer)."""
    source = f"---\n{front}\n---\nIt reportedly fell.\n"
    [finding] = check_text(source, format="markdown", path="draft.md")
    assert finding.text == "reportedly" and finding.range["start"] == {"line": 4, "column": 4}


# -- the fuzz target, bounded, in the suite --------------------------------------------------------------------

def fuzz_target(reader: str) -> Any:
    """``bench/fuzz_readers.py``'s target for one reader (the atheris run lives in bench/, this is its smoke)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        import fuzz_readers
    finally:
        sys.path.pop(0)
    return fuzz_readers.Target(reader)


@pytest.mark.parametrize("reader", ["text", "markdown", "html", "docx"])
def test_readers_and_engine_take_arbitrary_bytes(reader: str) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    target = fuzz_target(reader)
    seeds = [b"<![; x>It reportedly fell", b"---\ndate: 2018-02-30\n---\nIt reportedly fell.", b"\x01<w:p>x</w:p>"]

    @settings(max_examples=150, deadline=None, database=None)
    @given(st.one_of(st.binary(max_size=2048), st.text(max_size=800).map(str.encode), st.sampled_from(seeds)))
    def reads(data: bytes) -> None:
        assert target.check(data) is None

    reads()


def test_the_fuzz_target_reports_a_reader_that_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """The target must not swallow bugs: a reader raising anything but InputError is reported."""
    target = fuzz_target("text")

    def broken(data: bytes, path: str) -> Document:
        raise IndexError("boom")

    monkeypatch.setattr(target, "read", broken)
    problem = target.check(b"It reportedly fell.")
    assert problem is not None and "IndexError: boom" in problem


def test_the_expansion_estimate_never_fails_on_any_pattern_text() -> None:
    """It runs on every pack regex before the compiler sees it, so it must take anything (the compiler judges)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from factrules.matchers.regex_limits import MAX_EXPANDED, expanded_size

    pieces = st.sampled_from(["(", ")", "(?:", "(?P<n>", "(?#c)", "[", "]", "\\", "\\p{L}", "{", "}", "{3}", "{2,}",
                              "{,9}", "{99999}", "|", "*", "+", "?", "a", "[a-z]", "\\d"])

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.one_of(st.text(max_size=60), st.lists(pieces, max_size=30).map("".join)))
    def estimate(pattern: str) -> None:
        size = expanded_size(pattern)
        assert isinstance(size, int) and size >= 0
        if "{" not in pattern:
            assert size <= MAX_EXPANDED  # nothing counted, nothing expanded

    estimate()
