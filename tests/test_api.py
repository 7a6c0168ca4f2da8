"""The Python API: factrules.check_text and factrules.check_paths."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import validate_finding_dict, validate_report_dict

import factrules
from factrules import Finding, Report, check_paths, check_text
from factrules.errors import ConfigError
from factrules.packs import PackError

DRAFT = "The minister reportedly resigned. Sources said so. The ministry denied it."


def test_check_text_returns_valid_findings() -> None:
    findings = check_text(DRAFT)
    assert all(isinstance(f, Finding) for f in findings)
    assert [(f.rule, f.text) for f in findings] == [
        ("hedges.reportedly", "reportedly"), ("sourcing.vague-attribution", "Sources said"),
        ("denials.denied", "denied")]
    for finding in findings:
        validate_finding_dict(finding.to_dict())
        assert finding.path == "-"
        assert DRAFT[finding.span["start"]:finding.span["end"]] == finding.text
    assert findings[0].line == 1 and findings[0].column == 14
    assert findings[0].sentence == "The minister reportedly resigned."


def test_check_text_is_what_the_package_exports() -> None:
    assert factrules.check_text is check_text and factrules.check_paths is check_paths
    assert {"check_text", "check_paths", "Finding"} <= set(factrules.__all__)


def test_check_text_options() -> None:
    assert [f.rule for f in check_text(DRAFT, select=["hedges"])] == ["hedges.reportedly"]
    assert [f.rule for f in check_text(DRAFT, ignore=["hedges", "unverified"])] == ["denials.denied"]
    assert check_text(DRAFT, path="story.txt")[0].path == "story.txt"


def test_check_text_date_accepts_string_or_date() -> None:
    as_text = check_text("It reportedly fell last week.", date="2018-02-16")
    as_date = check_text("It reportedly fell last week.", date=dt.date(2018, 2, 16))
    assert [f.to_dict() for f in as_text] == [f.to_dict() for f in as_date]
    with pytest.raises(ConfigError, match="not an ISO date"):
        check_text("x", date="16/02/2018")


def test_check_text_extra_rules_and_bad_pack(tmp_path: Path) -> None:
    pack = tmp_path / "house.yaml"
    pack.write_text("pack: house\ndefaults: {category: style}\nrules:\n  - id: utilize\n    kind: phrase\n"
                    "    phrases: [utilize]\n    examples: {match: [utilize]}\n")
    assert [f.rule for f in check_text("We utilize it.", rules=[str(pack)])] == ["house.utilize"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack: [\n")
    with pytest.raises(PackError, match="broken.yaml:1"):
        check_text("x", rules=[str(broken)])


def test_check_text_with_crlf_reports_source_positions() -> None:
    text = "Title\r\n\r\nIt reportedly fell."
    finding = check_text(text)[0]
    assert finding.range["start"] == {"line": 3, "column": 4}
    assert text[finding.span["start"]:finding.span["end"]] == "reportedly"


def test_check_text_empty() -> None:
    assert check_text("") == [] and check_text("   \n\n") == []


def test_check_paths_report(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a.txt").write_text("It reportedly fell.")
    (tmp_path / "drafts" / "b.txt").write_text("The minister resigned.")
    report = check_paths([str(tmp_path / "drafts")])
    assert isinstance(report, Report)
    assert report.files == 2 and [f.text for f in report.findings] == ["reportedly"]
    assert report.errors == [] and report.exit_code == 1
    data = report.to_dict()
    validate_report_dict(data)
    assert data["summary"]["findings"] == 1


def test_check_paths_options_and_exit_codes(tmp_path: Path) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text("The ministry denied it.")
    assert check_paths([str(draft)]).exit_code == 0  # info is below the default fail-on warning
    assert check_paths([str(draft)], fail_on="info").exit_code == 1
    assert check_paths([str(draft)], select=["hedges"]).findings == []
    missing = check_paths([str(draft), str(tmp_path / "missing.txt")])
    assert missing.exit_code == 2 and [f.rule for f in missing.findings] == ["denials.denied"]
    assert missing.errors[0]["kind"] == "input-error"


def test_check_paths_stdin_and_sources(tmp_path: Path) -> None:
    report = check_paths(["-"], stdin=io.BytesIO(b"It allegedly fell."), keep_sources=True)
    assert [(f.path, f.text) for f in report.findings] == [("-", "allegedly")]
    assert report.sources["-"].source_line(1) == "It allegedly fell."


def test_check_paths_config_file(tmp_path: Path) -> None:
    (tmp_path / "conf.yaml").write_text("ignore: [hedges]\n")
    draft = tmp_path / "d.txt"
    draft.write_text("It reportedly fell, sources said.")
    report = check_paths([str(draft)], config=str(tmp_path / "conf.yaml"))
    assert [f.rule for f in report.findings] == ["sourcing.vague-attribution"]
    with pytest.raises(ConfigError, match="no such config file"):
        check_paths([str(draft)], config=str(tmp_path / "nope.yaml"))


def test_an_edited_pack_is_reloaded_and_an_unchanged_one_is_not(tmp_path) -> None:
    """Long-running servers (LSP, HTTP) must see a desk's edit of its house pack without a restart."""
    import os

    from factrules.api import Options, build_engine
    from factrules.config import Config

    pack = tmp_path / "house.yaml"

    def write(word: str, mtime: int) -> None:
        pack.write_text(
            "pack: house\nrules:\n  - id: w\n    kind: phrase\n    category: house\n"
            f"    phrases: [{word}]\n    examples: {{match: ['{word}']}}\n",
            encoding="utf-8",
        )
        os.utime(pack, (mtime, mtime))

    write("allegedly", 1_700_000_000)
    options = Options(rules=(str(pack),), select=("house",))
    first = build_engine(options, Config())
    assert build_engine(options, Config()) is first  # compiled once while nothing changes
    found = check_text("It allegedly fell; it supposedly rose.", rules=[str(pack)], select=["house"])
    assert [f.text for f in found] == ["allegedly"]
    write("supposedly", 1_700_000_100)
    assert build_engine(options, Config()) is not first
    found = check_text("It allegedly fell; it supposedly rose.", rules=[str(pack)], select=["house"])
    assert [f.text for f in found] == ["supposedly"]
