"""Baselines: ``baseline create`` records findings by fingerprint; ``check --baseline`` shows only new ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from factrules.api import check_text
from factrules.baseline import load_baseline
from factrules.errors import BaselineError

#: other packs evolve; these tests are about hedges only
HEDGES = ("--select", "hedges")
DRAFT = "The council met on Monday.\nUSA reportedly killed as many as 100 fighters.\n"


def fingerprints(text: str) -> dict[str, str]:
    return {f.text: f.fingerprint for f in check_text(text, select=["hedges"])}


def test_fingerprint_survives_lines_added_above() -> None:
    before = fingerprints(DRAFT)
    after = fingerprints("A new first paragraph.\n\nAnd another line, unrelated.\n" + DRAFT)
    assert before["reportedly"] and before == after


def test_fingerprint_changes_when_the_flagged_words_change() -> None:
    before = fingerprints(DRAFT)["reportedly"]
    assert fingerprints(DRAFT.replace("reportedly", "allegedly"))["allegedly"] != before
    # ... and when the claim the hedge sits in changes, the editor must look again.
    assert fingerprints(DRAFT.replace("100 fighters", "200 fighters"))["reportedly"] != before


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a.txt").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "drafts" / "b.txt").write_text("It allegedly happened.\n", encoding="utf-8")
    return tmp_path


def test_check_with_baseline_reports_only_the_new_finding(cli: Any, desk: Path) -> None:
    created = cli("baseline", "create", *HEDGES, "drafts", "-o", "baseline.json")
    assert created.code == 0, created.err
    assert "Wrote 2 findings in 2 files to baseline.json" in created.out
    data = json.loads((desk / "baseline.json").read_text(encoding="utf-8"))
    assert set(data["files"]) == {"drafts/a.txt", "drafts/b.txt"}

    assert cli("check", *HEDGES, "drafts", "--baseline", "baseline.json").code == 0  # nothing new

    # Lines added above the accepted finding, and one new hedge.
    (desk / "drafts" / "a.txt").write_text("Update, 5pm.\n\n" + DRAFT + "Rebels probably fled.\n", encoding="utf-8")
    result = cli("check", *HEDGES, "drafts", "--baseline", "baseline.json", "--format", "json")
    assert result.code == 1
    report = result.json
    assert [(f["path"], f["text"]) for f in report["findings"]] == [(str(Path("drafts/a.txt")), "probably")]
    assert report["summary"]["findings"] == 1
    assert len(cli("check", *HEDGES, "drafts", "--format", "json").json["findings"]) == 3  # without the baseline


def test_a_second_copy_of_an_accepted_finding_is_new(cli: Any, desk: Path) -> None:
    assert cli("baseline", "create", *HEDGES, "drafts/b.txt", "-o", "baseline.json").code == 0
    (desk / "drafts" / "b.txt").write_text("It allegedly happened.\nIt allegedly happened.\n", encoding="utf-8")
    result = cli("check", *HEDGES, "drafts/b.txt", "--baseline", "baseline.json", "--format", "json")
    assert [f["range"]["start"]["line"] for f in result.json["findings"]] == [2]


def test_paths_match_however_they_are_spelled(cli: Any, desk: Path) -> None:
    assert cli("baseline", "create", *HEDGES, "./drafts/", "-o", "baseline.json").code == 0
    absolute = str(desk / "drafts" / "b.txt")
    assert cli("check", *HEDGES, "drafts/a.txt", absolute, "--baseline", "baseline.json").code == 0


def test_a_finding_in_another_file_is_new(cli: Any, desk: Path) -> None:
    assert cli("baseline", "create", *HEDGES, "drafts/a.txt", "-o", "baseline.json").code == 0
    result = cli("check", *HEDGES, "drafts", "--baseline", "baseline.json", "--format", "json")
    assert [f["path"] for f in result.json["findings"]] == [str(Path("drafts/b.txt"))]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "baseline file not found"),
        ("{not json", "invalid JSON"),
        ('{"version": 1, "files": {"a.txt": [{"rule": "x"}]}}', "'fingerprint' is a required property"),
        ('{"version": 7, "files": {}}', "not a factrules baseline"),
        ("[]", "not a factrules baseline"),
    ],
)
def test_a_missing_or_corrupt_baseline_is_one_line_and_exit_2(
    cli_proc: Any, desk: Path, content: str | None, expected: str
) -> None:
    if content is not None:
        (desk / "baseline.json").write_text(content, encoding="utf-8")
    result = cli_proc("check", *HEDGES, "drafts", "--baseline", "baseline.json", cwd=desk)
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "baseline.json" in lines[0] and expected in lines[0], result.err
    assert "Traceback" not in result.err
    with pytest.raises(BaselineError):
        load_baseline(desk / "baseline.json")


def test_create_refuses_to_write_over_input_errors(cli: Any, desk: Path) -> None:
    result = cli("baseline", "create", *HEDGES, "drafts", "missing.txt", "-o", "baseline.json")
    assert result.code == 2 and "missing.txt" in result.err
    assert not (desk / "baseline.json").exists()
    assert [p.name for p in desk.iterdir() if p.name.startswith(".baseline")] == []  # no temporary file left


def test_create_replaces_an_existing_baseline(cli: Any, desk: Path) -> None:
    (desk / "baseline.json").write_text("old", encoding="utf-8")
    assert cli("baseline", "create", *HEDGES, "drafts/b.txt", "-o", "baseline.json").code == 0
    assert set(load_baseline(desk / "baseline.json").files) == {"drafts/b.txt"}


def test_baseline_without_subcommand_is_a_usage_error(cli: Any, desk: Path) -> None:
    result = cli("baseline")
    assert result.code == 2 and "create" in result.err


# -- issue 13.4: path-independent, counted, maintainable, in SARIF ---------------------------------------------


def test_a_baseline_matches_from_another_working_directory(cli: Any, desk: Path, monkeypatch) -> None:
    """Run from the repository root, then from a subdirectory: the same entries must match (it matched none)."""
    (desk / "ci").mkdir()
    assert cli("baseline", "create", *HEDGES, "drafts", "-o", "ci/baseline.json").code == 0
    data = json.loads((desk / "ci" / "baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 2 and set(data["files"]) == {"../drafts/a.txt", "../drafts/b.txt"}
    monkeypatch.chdir(desk / "drafts")
    result = cli("check", *HEDGES, ".", "--baseline", "../ci/baseline.json", "--format", "json")
    assert result.code == 0, result.out
    assert result.json["summary"]["baseline"] == {"file": "../ci/baseline.json", "hidden": 2, "stale": 0}


def test_a_format_1_baseline_is_still_read_relative_to_the_working_directory(cli: Any, desk: Path) -> None:
    assert cli("baseline", "create", *HEDGES, "drafts", "-o", "baseline.json").code == 0
    data = json.loads((desk / "baseline.json").read_text(encoding="utf-8"))
    data["version"] = 1
    (desk / "baseline.json").write_text(json.dumps(data), encoding="utf-8")
    assert cli("check", *HEDGES, "drafts", "--baseline", "baseline.json").code == 0


def test_check_says_how_many_findings_it_hid_and_how_many_entries_are_stale(cli: Any, desk: Path) -> None:
    assert cli("baseline", "create", *HEDGES, "drafts", "-o", "baseline.json").code == 0
    (desk / "drafts" / "b.txt").write_text("It happened.\n", encoding="utf-8")  # its accepted hedge was fixed
    result = cli("check", *HEDGES, "drafts", "--baseline", "baseline.json")
    assert result.code == 0
    assert "baseline baseline.json: 1 known finding hidden; 1 stale entry" in result.err
    assert "baseline prune" in result.err
    # a file outside the run is not stale while it exists ...
    only_a = cli("check", *HEDGES, "drafts/a.txt", "--baseline", "baseline.json", "--format", "json")
    assert only_a.json["summary"]["baseline"]["stale"] == 0
    # ... and is once it is gone
    (desk / "drafts" / "b.txt").unlink()
    gone = cli("check", *HEDGES, "drafts/a.txt", "--baseline", "baseline.json", "--format", "json")
    assert gone.json["summary"]["baseline"]["stale"] == 1


def test_baseline_prune_drops_stale_entries_only(cli: Any, desk: Path) -> None:
    assert cli("baseline", "create", *HEDGES, "drafts", "-o", "baseline.json").code == 0
    (desk / "drafts" / "b.txt").write_text("It happened. Rebels probably fled.\n", encoding="utf-8")
    pruned = cli("baseline", "prune", *HEDGES, "drafts", "--baseline", "baseline.json")
    assert pruned.code == 0, pruned.err
    assert "1 stale entry removed" in pruned.out
    assert set(load_baseline(desk / "baseline.json").files) == {"drafts/a.txt"}
    result = cli("check", *HEDGES, "drafts", "--baseline", "baseline.json", "--format", "json")
    assert [f["text"] for f in result.json["findings"]] == ["probably"]  # prune accepts nothing new
    assert result.json["summary"]["baseline"]["stale"] == 0


def test_baseline_update_accepts_new_findings_and_drops_stale_ones(cli: Any, desk: Path) -> None:
    assert cli("baseline", "create", *HEDGES, "drafts", "-o", "baseline.json").code == 0
    (desk / "drafts" / "b.txt").write_text("It happened. Rebels probably fled.\n", encoding="utf-8")
    updated = cli("baseline", "update", *HEDGES, "drafts/b.txt", "--baseline", "baseline.json")
    assert updated.code == 0, updated.err
    assert "1 added, 1 removed" in updated.out
    files = load_baseline(desk / "baseline.json").files
    assert set(files) == {"drafts/a.txt", "drafts/b.txt"}  # a.txt was not checked: kept
    result = cli("check", *HEDGES, "drafts", "--baseline", "baseline.json", "--format", "json")
    assert result.code == 0 and result.json["summary"]["baseline"] == {
        "file": "baseline.json", "hidden": 2, "stale": 0}


def test_sarif_marks_results_new_against_a_baseline(cli: Any, desk: Path) -> None:
    assert cli("baseline", "create", *HEDGES, "drafts/a.txt", "-o", "baseline.json").code == 0
    result = cli("check", *HEDGES, "drafts", "--baseline", "baseline.json", "--format", "sarif")
    run = json.loads(result.out)["runs"][0]
    assert [r["baselineState"] for r in run["results"]] == ["new"]
    assert run["properties"]["baseline"]["hidden"] == 1
    plain = json.loads(cli("check", *HEDGES, "drafts", "--format", "sarif").out)["runs"][0]
    assert all("baselineState" not in r for r in plain["results"])
