"""Every CI output format is parsed back and checked against the findings of ``--format json``.

SARIF is validated against the official OASIS SARIF 2.1.0 schema shipped in
``tests/fixtures`` (see its PROVENANCE note), with format checking on so
artifact URIs are real URI references.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, validate_finding_dict
from jsonschema import Draft4Validator, FormatChecker

from factrules.formatters.github import escape_data, escape_property, format_github
from factrules.formatters.junit import build_junit
from factrules.formatters.sarif import build_sarif

HOUSE_PACK = """\
pack: house
version: 2.0.0
description: House style.
defaults: {category: style, severity: error, scope: sentence}
link: https://example.org/house
rules:
  - id: wordy
    kind: phrase
    description: Wordy phrasing. Say it in fewer words.
    phrases: [in excess of]
    message: "'{text}' is wordy: say 'more than'."
    suggestion: more than
    link: https://example.org/house#wordy
    examples:
      match: ["It cost in excess of $5."]
"""

# Line 3 has curly quotes before the hedge, so code-point and UTF-8 byte columns differ there.
DRAFT_A = (
    "A headline\n"
    "\n"
    "The \u201cdeal\u201d was allegedly signed, officials said.\n"
    "It cost in excess of $5 million, and the rebels reportedly fled.\n"
)
DRAFT_B = "The council approved the budget, its published minutes show.\n"


@pytest.fixture
def drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of drafts, checked from its parent with relative paths, as CI does from a checkout."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a.txt").write_text(DRAFT_A, encoding="utf-8")
    (tmp_path / "drafts" / "b.txt").write_text(DRAFT_B, encoding="utf-8")
    (tmp_path / "house.yaml").write_text(HOUSE_PACK, encoding="utf-8")
    return tmp_path


ARGS = ("drafts", "--rules", "house.yaml")


def reference(cli: Any) -> list[dict[str, Any]]:
    """The findings as the JSON report has them (validated against the report schema by the fixture)."""
    result = cli("check", *ARGS, "--format", "json")
    assert result.code == 1, result.err
    findings = result.json["findings"]
    assert {f["rule"] for f in findings} >= {"house.wordy", "hedges.reportedly"}
    return findings


def run(cli: Any, fmt: str, *extra: str) -> str:
    result = cli("check", *ARGS, "--format", fmt, *extra)
    assert result.code == 1, result.err
    return result.out


# -- SARIF ------------------------------------------------------------------

def sarif_validator() -> Draft4Validator:
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json") and schema["$schema"].startswith("http://json-schema.org/draft-04")
    checker = FormatChecker()
    assert "uri-reference" in checker.checkers and "uri" in checker.checkers, "install rfc3986-validator (test extra)"
    return Draft4Validator(schema, format_checker=checker)


def assert_valid_sarif(log: dict[str, Any]) -> None:
    problems = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in sarif_validator().iter_errors(log)]
    assert not problems, problems[:5]


def test_the_sarif_schema_rejects_what_it_should() -> None:
    """The validator is live: a log without a version, or with a bad level or URI, fails."""
    validator = sarif_validator()
    assert not validator.is_valid({"runs": []})
    bad_level = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                               "results": [{"message": {"text": "m"}, "level": "warning!"}]}]}
    assert not validator.is_valid(bad_level)
    bad_uri = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b\\c"}}}]}]}]}
    assert not validator.is_valid(bad_uri)


def test_sarif_is_valid_and_carries_every_finding(cli: Any, drafts: Path) -> None:
    findings = reference(cli)
    log = json.loads(run(cli, "sarif"))
    assert_valid_sarif(log)
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "factrules" and driver["version"] and driver["informationUri"].startswith("https://")
    assert run_["columnKind"] == "unicodeCodePoints"
    rules = driver["rules"]
    assert len(run_["results"]) == len(findings)
    for finding, result in zip(findings, run_["results"], strict=True):
        assert result["ruleId"] == finding["rule"]
        assert rules[result["ruleIndex"]]["id"] == finding["rule"]
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == finding["path"].replace("\\", "/")
        region = location["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            finding["range"]["start"]["line"], finding["range"]["start"]["column"],
            finding["range"]["end"]["line"], finding["range"]["end"]["column"])
        assert region["snippet"]["text"] == finding["text"]
        assert result["partialFingerprints"] == {"factrules/v1": finding["fingerprint"]}
    # The hedge after curly quotes: the region's code-point columns select exactly the flagged words.
    line = DRAFT_A.splitlines()[2]
    hedge = next(r for r in run_["results"] if r["properties"]["text"] == "allegedly")
    region = hedge["locations"][0]["physicalLocation"]["region"]
    assert line[region["startColumn"] - 1: region["endColumn"] - 1] == "allegedly"


def test_sarif_rules_describe_every_rule_of_the_run_with_help(cli: Any, drafts: Path) -> None:
    log = json.loads(run(cli, "sarif"))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    # Rules that found nothing are described too (code scanning lists them), and --rules packs are included.
    assert "hedges.probability" in rules and "house.wordy" in rules
    wordy = rules["house.wordy"]
    assert wordy["shortDescription"]["text"] == "Wordy phrasing."
    assert wordy["fullDescription"]["text"] == "Wordy phrasing. Say it in fewer words."
    assert "Say it in fewer words." in wordy["help"]["text"] and "say 'more than'" in wordy["help"]["text"]
    assert wordy["helpUri"] == "https://example.org/house#wordy"
    assert wordy["defaultConfiguration"]["level"] == "error"
    assert wordy["properties"]["category"] == "style"
    from factrules.api import Options, build_engine
    from factrules.config import Config

    builtin = build_engine(Options(), Config())
    reportedly = next(r for r in builtin.rules if r.full_id == "hedges.reportedly")
    assert rules["hedges.reportedly"]["fullDescription"]["text"] == " ".join(reportedly.description.split())
    # The result with a suggestion carries it as a SARIF fix over the same region.
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "house.wordy")
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "more than"
    assert replacement["deletedRegion"]["snippet"]["text"] == "in excess of"


def test_sarif_rules_follow_select(cli: Any, drafts: Path) -> None:
    log = json.loads(run(cli, "sarif", "--select", "hedges"))
    assert_valid_sarif(log)
    assert {r["id"].split(".")[0] for r in log["runs"][0]["tool"]["driver"]["rules"]} == {"hedges"}


def test_sarif_reports_input_errors_and_encodes_uris(cli: Any, drafts: Path) -> None:
    (drafts / "drafts" / "with space #1.txt").write_text("It reportedly happened.\n", encoding="utf-8")
    result = cli("check", "drafts", "missing.txt", "--format", "sarif")
    assert result.code == 2
    log = json.loads(result.out)
    assert_valid_sarif(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notification = invocation["toolExecutionNotifications"][0]
    assert notification["level"] == "error" and "missing.txt" in notification["message"]["text"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "drafts/with%20space%20%231.txt" in uris


def test_sarif_without_a_catalog_describes_rules_from_findings(cli: Any, drafts: Path) -> None:
    """API callers that pass only a report still get a valid log with a rule per finding."""
    findings = reference(cli)
    report = {"tool": {"name": "factrules", "version": "0"}, "findings": findings, "errors": []}
    log = build_sarif(report)
    assert_valid_sarif(log)
    assert {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]} == {f["rule"] for f in findings}


def test_sarif_rule_tags_stay_unique_when_pack_and_category_share_a_name() -> None:
    catalog = {"consistency.names": {"pack": "consistency", "category": "consistency", "severity": "warning",
                                     "description": "Names spelled two ways.", "message": "'{text}'"}}
    log = build_sarif({"tool": {}, "findings": [], "errors": []}, catalog)
    assert_valid_sarif(log)
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"] == ["consistency"]


# -- GitHub workflow commands ----------------------------------------------

COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>.*?))?::(?P<message>.*)$")


def unescape(value: str) -> str:
    """GitHub's runner: %3A, %2C, %0D, %0A and %25 decoded, in an order that keeps '%253A' as '%3A'."""
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m[1]],
                  value)


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    props = {}
    for pair in (match["props"] or "").split(","):
        if pair:
            key, _, value = pair.partition("=")
            props[key] = unescape(value)
    return match["name"], props, unescape(match["message"])


def test_github_annotations_round_trip(cli: Any, drafts: Path) -> None:
    findings = reference(cli)
    lines = run(cli, "github").splitlines()
    assert len(lines) == len(findings)
    for finding, line in zip(findings, lines, strict=True):
        name, props, message = parse_command(line)
        assert name == {"error": "error", "warning": "warning", "info": "notice"}[finding["severity"]]
        assert props["file"] == finding["path"]
        start, end = finding["range"]["start"], finding["range"]["end"]
        assert (int(props["line"]), int(props["col"]), int(props["endLine"]), int(props["endColumn"])) == (
            start["line"], start["column"], end["line"], end["column"])
        assert props["title"] == f"factrules ({finding['rule']})"
        assert message == finding["message"]


def test_github_escaping_follows_the_runner_rules() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    finding = {
        "rule": "x.y", "severity": "warning", "path": "drafts/a, b: c%.md", "message": "50% of it:\nsaid, 'x'",
        "range": {"start": {"line": 2, "column": 3}, "end": {"line": 4, "column": 1}},
    }
    stream = io.StringIO()
    format_github({"findings": [finding], "errors": []}, stream)
    line = stream.getvalue().rstrip("\n")
    assert "\n" not in line
    name, props, message = parse_command(line)
    assert props["file"] == "drafts/a, b: c%.md" and message == "50% of it:\nsaid, 'x'"
    # A multi-line finding gets no columns: GitHub ignores them unless line == endLine.
    assert props["line"] == "2" and props["endLine"] == "4" and "col" not in props and "endColumn" not in props


def test_github_reports_input_errors(cli: Any, drafts: Path) -> None:
    result = cli("check", "drafts/b.txt", "missing.txt", "--format", "github")
    assert result.code == 2
    (line,) = [line for line in result.out.splitlines() if "missing.txt" in line]
    name, props, message = parse_command(line)
    assert name == "error" and props["file"] == "missing.txt" and "no such file" in message


# -- reviewdog --------------------------------------------------------------

def assert_diagnostic(diagnostic: dict[str, Any], finding: dict[str, Any]) -> None:
    assert diagnostic["message"] == finding["message"]
    assert diagnostic["location"]["path"] == finding["path"]
    assert diagnostic["severity"] == finding["severity"].upper()
    assert diagnostic["code"]["value"] == finding["rule"]
    assert diagnostic["source"]["name"] == "factrules"
    range_ = diagnostic["location"]["range"]
    assert range_["start"]["line"] == finding["range"]["start"]["line"]
    assert range_["end"]["line"] == finding["range"]["end"]["line"]
    # reviewdog columns are UTF-8 byte columns, end exclusive: they cut the flagged words out of the line's bytes.
    line = Path(finding["path"]).read_text(encoding="utf-8").splitlines()[range_["start"]["line"] - 1].encode()
    assert line[range_["start"]["column"] - 1: range_["end"]["column"] - 1].decode() == finding["text"]
    if finding.get("suggestion"):
        assert diagnostic["suggestions"] == [{"range": range_, "text": finding["suggestion"]}]
        assert diagnostic["code"]["url"] == finding["links"][0]
    else:
        assert "suggestions" not in diagnostic


def test_rdjson_round_trip_with_byte_columns_and_suggestions(cli: Any, drafts: Path) -> None:
    findings = reference(cli)
    result = json.loads(run(cli, "rdjson"))
    assert result["source"]["name"] == "factrules"
    assert len(result["diagnostics"]) == len(findings)
    for diagnostic, finding in zip(result["diagnostics"], findings, strict=True):
        assert_diagnostic(diagnostic, finding)
    hedge = next(d for d, f in zip(result["diagnostics"], findings, strict=True) if f["text"] == "allegedly")
    code_point_column = next(f for f in findings if f["text"] == "allegedly")["range"]["start"]["column"]
    assert hedge["location"]["range"]["start"]["column"] == code_point_column + 4  # 2 curly quotes, +2 bytes each
    assert any("suggestions" in d for d in result["diagnostics"])


def test_rdjsonl_is_one_diagnostic_per_line(cli: Any, drafts: Path) -> None:
    findings = reference(cli)
    lines = run(cli, "rdjsonl").splitlines()
    assert len(lines) == len(findings)
    for line, finding in zip(lines, findings, strict=True):
        assert_diagnostic(json.loads(line), finding)


# -- JUnit and Checkstyle -----------------------------------------------------

def test_junit_has_a_testcase_per_file_and_a_failure_per_finding(cli: Any, drafts: Path) -> None:
    findings = reference(cli)
    root = ET.fromstring(run(cli, "junit"))
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    paths = {f["path"] for f in findings}
    assert set(cases) == paths | {str(Path("drafts/b.txt"))}  # the clean draft is a passing test case
    assert cases[str(Path("drafts/b.txt"))].findall("failure") == []
    assert int(suite.get("tests")) == len(cases) and int(suite.get("failures")) == len(findings)
    for path in paths:
        expected = [f for f in findings if f["path"] == path]
        failures = cases[path].findall("failure")
        assert [f.get("type") for f in failures] == [f["rule"] for f in expected]
        for failure, finding in zip(failures, expected, strict=True):
            start = finding["range"]["start"]
            assert failure.get("message") == f"{path}:{start['line']}:{start['column']}: {finding['message']}"
            assert finding["sentence"] in failure.text


def test_junit_marks_unreadable_files_as_errors(cli: Any, drafts: Path) -> None:
    result = cli("check", "drafts/b.txt", "missing.txt", "--format", "junit")
    assert result.code == 2
    suite = ET.fromstring(result.out).find("testsuite")
    missing = next(c for c in suite.findall("testcase") if c.get("name") == "missing.txt")
    assert missing.find("error").get("type") == "input-error" and suite.get("errors") == "1"


def test_junit_stays_well_formed_with_control_characters() -> None:
    finding = {"rule": "x.y", "severity": "warning", "path": "a.txt", "message": "bad \x0b char \x00",
               "range": {"start": {"line": 1, "column": 1}, "end": {"line": 1, "column": 2}}, "sentence": "s\x0c"}
    stream = io.StringIO()
    from factrules.formatters.xmlutil import write_xml

    write_xml(build_junit({"findings": [finding], "errors": []}), stream)
    failure = ET.fromstring(stream.getvalue()).find("testsuite/testcase/failure")
    assert failure.get("message").startswith("a.txt:1:1: bad \ufffd char")


def test_checkstyle_round_trip(cli: Any, drafts: Path) -> None:
    findings = reference(cli)
    root = ET.fromstring(run(cli, "checkstyle"))
    assert root.tag == "checkstyle"
    parsed = [(file.get("name"), error) for file in root.findall("file") for error in file.findall("error")]
    assert len(parsed) == len(findings)
    for (name, error), finding in zip(parsed, findings, strict=True):
        assert name == finding["path"]
        assert int(error.get("line")) == finding["range"]["start"]["line"]
        assert int(error.get("column")) == finding["range"]["start"]["column"]
        assert error.get("severity") == finding["severity"]
        assert error.get("message") == finding["message"]
        assert error.get("source") == f"factrules.{finding['rule']}"


# -- JSON Lines -------------------------------------------------------------

def test_jsonl_is_one_valid_finding_per_line(cli: Any, drafts: Path) -> None:
    findings = reference(cli)
    lines = run(cli, "jsonl").splitlines()
    parsed = [json.loads(line) for line in lines]
    for finding in parsed:
        validate_finding_dict(finding)
    assert parsed == findings


def test_jsonl_writes_each_file_as_it_is_checked_and_keeps_nothing(drafts: Path) -> None:
    """The API behind the CLI's streaming: one call per file, in order; the report keeps only the counts."""
    from factrules.api import check_paths

    calls: list[list[str]] = []

    def on_findings(findings: list[Any]) -> list[Any]:
        calls.append([f.path for f in findings])
        return findings

    report = check_paths(["drafts"], rules=["house.yaml"], on_findings=on_findings)
    whole = check_paths(["drafts"], rules=["house.yaml"])
    assert [set(paths) for paths in calls] == [{"drafts/a.txt"}, set()]  # b.txt: checked, nothing found
    assert report.findings == [] and report.streamed == len(whole.findings) > 0
    assert report.exit_code == whole.exit_code == 1


def test_streamed_jsonl_reaches_a_pipe_file_by_file(drafts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file's lines are flushed before the next file is read, so ``| jq`` sees them during the run."""
    import sys

    from factrules import api
    from factrules.cli import main

    (drafts / "drafts" / "b.txt").write_text("It reportedly rained.\n", encoding="utf-8")
    events: list[str] = []

    class Pipe(io.StringIO):
        def flush(self) -> None:
            events.append("flush")

    read = api.read_document

    def reading(data: bytes, path: str, *args: Any, **kwargs: Any) -> Any:
        events.append(f"read {Path(path).name}")
        return read(data, path, *args, **kwargs)

    pipe = Pipe()
    monkeypatch.setattr(sys, "stdout", pipe)
    monkeypatch.setattr(api, "read_document", reading)
    assert main(["check", *ARGS, "--format", "jsonl"]) == 1
    assert events[:4] == ["read a.txt", "flush", "read b.txt", "flush"]
    assert {json.loads(line)["path"] for line in pipe.getvalue().splitlines()} == {"drafts/a.txt", "drafts/b.txt"}


@pytest.mark.parametrize(("extra", "code"), [
    ((), 1), (("--fail-on", "error"), 1), (("--fail-on", "never"), 0),
    (("--select", "hedges", "--fail-on", "error"), 0), (("--select", "hedges"), 1),
])
def test_streamed_jsonl_keeps_the_exit_status(cli: Any, drafts: Path, extra: tuple[str, ...], code: int) -> None:
    """Streamed findings are not kept, but still decide the exit status as the JSON report's do."""
    whole = cli("check", *ARGS, "--format", "json", *extra)
    result = cli("check", *ARGS, "--format", "jsonl", *extra)
    assert result.code == whole.code == code
    assert [json.loads(line) for line in result.out.splitlines()] == whole.json["findings"]


def test_streamed_jsonl_honours_a_baseline_across_files(cli: Any, drafts: Path) -> None:
    assert cli("baseline", "create", "drafts/a.txt", "--rules", "house.yaml", "-o", "base.json").code == 0
    (drafts / "drafts" / "a.txt").write_text(DRAFT_A + "It allegedly rained.\n", encoding="utf-8")
    result = cli("check", *ARGS, "--format", "jsonl", "--baseline", "base.json")
    new = [json.loads(line) for line in result.out.splitlines()]
    assert result.code == 1
    assert [(f["path"], f["text"]) for f in new if f["path"] == "drafts/a.txt"] == [("drafts/a.txt", "allegedly")]
    assert new == cli("check", *ARGS, "--format", "json", "--baseline", "base.json").json["findings"]


def test_streamed_jsonl_leaves_no_half_written_output_when_the_run_fails(cli: Any, drafts: Path) -> None:
    """The first file's lines are written before the second file's config turns out to be broken."""
    (drafts / "out.jsonl").write_text("previous run\n", encoding="utf-8")
    (drafts / "drafts" / "z").mkdir()
    (drafts / "drafts" / "z" / "c.txt").write_text("It reportedly fell.\n", encoding="utf-8")
    (drafts / "drafts" / "z" / ".factrules.yaml").write_text("select: [\n", encoding="utf-8")
    result = cli("check", *ARGS, "--format", "jsonl", "--output", "out.jsonl")
    assert result.code == 2 and ".factrules.yaml" in result.err and "Traceback" not in result.err
    assert (drafts / "out.jsonl").read_text(encoding="utf-8") == "previous run\n"
    assert [p.name for p in drafts.iterdir() if p.name.startswith(".out.jsonl")] == []


def test_formats_write_to_output_files(cli: Any, drafts: Path) -> None:
    result = cli("check", *ARGS, "--format", "sarif", "--output", "out.sarif")
    assert result.code == 1 and result.out == ""
    assert_valid_sarif(json.loads((drafts / "out.sarif").read_text(encoding="utf-8")))


def test_every_ci_format_is_registered() -> None:
    from factrules.plugins import registry

    assert {"sarif", "github", "rdjson", "rdjsonl", "junit", "checkstyle", "jsonl"} <= set(registry().formatters)
