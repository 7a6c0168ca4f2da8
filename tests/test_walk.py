"""Directory checks read what a desk means (issue 13.6): .gitignore honoured, factrules' own reports skipped,
and a same-line suppression comment."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from factrules import check_text

HEDGED = "The mayor reportedly resigned.\n"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "desk"
    (repo / "drafts").mkdir(parents=True)
    (repo / ".git").mkdir()  # a repository root, as far as .gitignore is concerned
    (repo / "drafts" / "story.md").write_text(HEDGED, encoding="utf-8")
    (repo / "node_modules" / "pkg").mkdir(parents=True)
    (repo / "node_modules" / "pkg" / "README.md").write_text(HEDGED, encoding="utf-8")
    (repo / "drafts" / "scratch.txt").write_text(HEDGED, encoding="utf-8")
    (repo / "drafts" / "keep.txt").write_text(HEDGED, encoding="utf-8")
    (repo / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    (repo / "drafts" / ".gitignore").write_text("*.txt\n!keep.txt\n", encoding="utf-8")
    return repo


def _checked(cli, *args) -> set[str]:
    result = cli("check", *args, "--format", "json")
    return {Path(f["path"]).as_posix() for f in result.json["findings"]}


def test_directory_checks_honour_gitignore_at_every_level(cli, tmp_path, monkeypatch) -> None:
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    assert _checked(cli, ".") == {"drafts/story.md", "drafts/keep.txt"}
    # the root's .gitignore applies to a subdirectory checked on its own
    monkeypatch.chdir(repo / "node_modules")
    assert _checked(cli, ".") == set()
    # a file named on the command line is read whatever .gitignore says
    monkeypatch.chdir(repo)
    assert _checked(cli, "drafts/scratch.txt") == {"drafts/scratch.txt"}


def test_gitignore_matches_what_git_itself_ignores(tmp_path) -> None:
    repo = _repo(tmp_path)
    subprocess.run(["git", "init", "-q", str(repo)], check=False, capture_output=True)
    git = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
                         capture_output=True, text=True)
    if git.returncode != 0:  # no git here: the other test covers the behaviour
        return
    seen = {line[3:] for line in git.stdout.splitlines()}
    from factrules.api import iter_files

    files = {Path(p).relative_to(repo).as_posix() for p in iter_files([str(repo)], [".md", ".txt"])}
    assert files == {name for name in seen if name.endswith((".md", ".txt"))}


def test_own_output_files_are_not_read_back(cli, tmp_path, monkeypatch) -> None:
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    wanted = {"drafts/story.md", "drafts/keep.txt"}
    first = cli("check", ".", "-o", "findings.txt")
    assert first.code == 1 and "reportedly" in (repo / "findings.txt").read_text(encoding="utf-8")
    # the text report quotes the drafts' hedges; reading it back would flag them again
    assert _checked(cli, ".") == wanted
    # the run's own -o target is never read, whatever it holds (JSON in a .md file here)
    for _ in range(2):
        assert cli("check", ".", "--format", "json", "-o", "drafts/report.md").code == 1
        data = json.loads((repo / "drafts" / "report.md").read_text(encoding="utf-8"))
        assert {Path(f["path"]).as_posix() for f in data["findings"]} == wanted


def test_a_scan_html_report_is_recognised_as_ours(tmp_path) -> None:
    from factrules.walk import generated_by_factrules

    report = tmp_path / "report.html"
    report.write_text('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
                      '<meta name="generator" content="factrules">\n<title>x</title>', encoding="utf-8")
    draft = tmp_path / "draft.html"
    draft.write_text("<p>The mayor reportedly resigned.</p>", encoding="utf-8")
    assert generated_by_factrules(str(report)) and not generated_by_factrules(str(draft))


def test_disable_line_suppresses_the_comment_line_only() -> None:
    text = ("The mayor reportedly resigned. <!-- factrules-disable-line hedges -- the agency's word -->\n"
            "The aide reportedly stayed.\n")
    found = [(f.rule, f.range["start"]["line"]) for f in check_text(text, format="markdown", select=["hedges"])]
    assert found == [("hedges.reportedly", 2)]


def test_an_unused_disable_line_is_reported() -> None:
    text = "The mayor resigned. <!-- factrules-disable-line hedges -->\n"
    found = [f.rule for f in check_text(text, format="markdown")]
    assert found == ["factrules.unused-suppression"]
