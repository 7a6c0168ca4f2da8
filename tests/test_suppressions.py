"""Inline suppressions in Markdown and HTML comments, and the report of suppressions that suppress nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from factrules.api import check_paths
from factrules.suppressions import parse_directive


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (" factrules-disable hedges.reportedly, sourcing ", ("disable", ["hedges.reportedly", "sourcing"])),
        (" factrules-disable hedges -- quoting the court ruling ", ("disable", ["hedges"])),
        ("factrules-enable", ("enable", [])),
        (" factrules-enable hedges.reportedly ", ("enable", ["hedges.reportedly"])),
        (" factrules-disable-next-line all ", ("disable-next-line", ["all"])),
        (" factrules-disabel hedges ", ("invalid", ["disabel"])),
        (" an ordinary comment ", None),
    ],
)
def test_parse_directive(body: str, expected: tuple[str, list[str]] | None) -> None:
    assert parse_directive(body) == expected


def run(tmp_path: Path, name: str, source: str, **kwargs) -> list[tuple[str, int, str]]:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    report = check_paths([str(path)], select=kwargs.pop("select", ["hedges", "sourcing"]), **kwargs)
    assert report.errors == []
    return [(f.rule, f.line, f.text) for f in report.findings]


def test_disable_enable_range_by_rule_pack_and_all(tmp_path: Path) -> None:
    source = (
        "He reportedly left.\n"                                  # 1 kept
        "\n"
        "<!-- factrules-disable hedges.reportedly -->\n"         # 3
        "He reportedly left. He probably left.\n"                # 4 reportedly dropped, probably kept
        "<!-- factrules-enable hedges.reportedly -->\n"          # 5
        "\n"
        "He reportedly left.\n"                                  # 7 kept
        "\n"
        "<!-- factrules-disable hedges -->\n"                    # 9
        "He reportedly left, probably.\n"                        # 10 both dropped
        "<!-- factrules-enable -->\n"                            # 11
        "\n"
        "<!-- factrules-disable hedge -->\n"                     # 13, a category; never closed: runs to the end
        "He reportedly left, probably.\n"                        # 14 dropped
    )
    assert run(tmp_path, "draft.md", source) == [
        ("hedges.reportedly", 1, "reportedly"),
        ("hedges.probability", 4, "probably"),
        ("hedges.reportedly", 7, "reportedly"),
    ]


def test_enable_one_rule_inside_a_pack_wide_disable(tmp_path: Path) -> None:
    source = (
        "<!-- factrules-disable hedges -->\n"
        "He reportedly left, probably.\n"                        # 2 both dropped
        "<!-- factrules-enable hedges.probability -->\n"
        "\n"
        "He reportedly left, probably.\n"                        # 5 probability back on
    )
    assert run(tmp_path, "draft.md", source) == [("hedges.probability", 5, "probably")]


def test_disable_next_line_only_covers_the_next_line(tmp_path: Path) -> None:
    source = (
        "<!-- factrules-disable-next-line hedges.reportedly, hedges.probability -->\n"
        "He reportedly left, probably.\n"                        # 2 dropped
        "He reportedly left.\n"                                  # 3 kept (same paragraph, next line)
    )
    assert run(tmp_path, "draft.md", source) == [("hedges.reportedly", 3, "reportedly")]


def test_html_comments_suppress_too(tmp_path: Path) -> None:
    source = (
        "<p>He reportedly left.</p>\n"
        "<!-- factrules-disable-next-line all -->\n"
        "<p>He reportedly left.</p>\n"
        "<p>He <!-- factrules-disable hedges -->reportedly left. <!-- factrules-enable -->He allegedly left.</p>\n"
    )
    assert run(tmp_path, "draft.html", source) == [
        ("hedges.reportedly", 1, "reportedly"),
        ("hedges.reportedly", 4, "allegedly"),
    ]


def test_comments_in_plain_text_are_not_directives(tmp_path: Path) -> None:
    source = "<!-- factrules-disable all -->\nHe reportedly left.\n"
    assert run(tmp_path, "draft.txt", source) == [("hedges.reportedly", 2, "reportedly")]


def test_a_suppression_that_suppresses_nothing_is_reported(tmp_path: Path, cli) -> None:
    source = (
        "Intro.\n"
        "\n"
        "<!-- factrules-disable sourcing, hedges -->\n"          # 3: hedges used, sourcing not
        "He reportedly left.\n"
        "<!-- factrules-enable -->\n"
        "\n"
        "<!-- factrules-disable-next-line hedges.reportedly -->\n"  # 7: nothing on line 8 to suppress
        "Nothing to see.\n"
        "<!-- factrules-disabel hedges -->\n"                    # 9: a typo
    )
    path = tmp_path / "draft.md"
    path.write_text(source, encoding="utf-8")
    result = cli("check", path, "--format", "json", "--select", "hedges,sourcing")
    assert result.code == 0  # info findings do not fail the default --fail-on warning
    findings = result.json["findings"]  # validated against the report (and finding) schema
    assert [(f["rule"], f["severity"], f["category"], f["range"], f["text"]) for f in findings] == [
        ("factrules.unused-suppression", "info", "suppression",
         {"start": {"line": 3, "column": 1}, "end": {"line": 3, "column": 44}},
         "<!-- factrules-disable sourcing, hedges -->"),
        ("factrules.unused-suppression", "info", "suppression",
         {"start": {"line": 7, "column": 1}, "end": {"line": 7, "column": 55}},
         "<!-- factrules-disable-next-line hedges.reportedly -->"),
        ("factrules.invalid-suppression", "info", "suppression",
         {"start": {"line": 9, "column": 1}, "end": {"line": 9, "column": 34}},
         "<!-- factrules-disabel hedges -->"),
    ]
    assert "'sourcing'" in findings[0]["message"] and "'hedges'" not in findings[0]["message"]
    assert findings[0]["span"] == {"start": source.index("<!-- factrules-disable sourcing"),
                                   "end": source.index("He reportedly")-1}


PLUGIN = '''
import re

from factrules.findings import Finding
from factrules.hookspecs import hookimpl


@hookimpl
def factrules_document_findings(document, findings):
    """Adds findings after the matchers ran, as a consistency post-processor would."""
    added = []
    for match in re.finditer("late(?= word)", document.source):
        line, column = document.position(match.start())
        added.append(Finding(
            rule="late.word", pack="late", category="consistency", severity="warning", message="late",
            path=document.path, span={"start": match.start(), "end": match.end()},
            range={"start": {"line": line, "column": column}, "end": {"line": line, "column": column + 4}},
            text="late"))
    return [*findings, *added]
'''


def test_findings_added_by_other_post_processors_are_suppressed_too(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "late_plugin_for_suppressions.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    source = "<!-- factrules-disable-next-line late -->\nA late word.\n\nAnother late word.\n"
    try:
        found = run(tmp_path, "draft.md", source, plugins=["late_plugin_for_suppressions"])
    finally:
        sys.modules.pop("late_plugin_for_suppressions", None)
    # line 2's finding is suppressed (so the directive is used and not reported), line 4's is kept
    assert found == [("late.word", 4, "late")]


def test_suppressions_run_after_the_builtin_post_processors(monkeypatch: pytest.MonkeyPatch) -> None:
    """A built-in post-processor (registered before this plugin) still has its findings suppressed."""
    from factrules import builtin
    from factrules.api import read_document
    from factrules.findings import Finding
    from factrules.hookspecs import hookimpl
    from factrules.plugins import Registry, make_manager, registry

    def late(document):
        at = document.source.index("late word")
        line, column = document.position(at)
        return Finding(rule="late.word", pack="late", category="consistency", severity="warning", message="late",
                       path=document.path, span={"start": at, "end": at + 4},
                       range={"start": {"line": line, "column": column}, "end": {"line": line, "column": column + 4}},
                       text="late")

    @hookimpl
    def factrules_document_findings(document, findings):
        return [*findings, late(document)]

    source = b"<!-- factrules-disable-next-line late -->\nA late word.\n"
    document = read_document(source, "x.md", registry())
    assert [f.rule for f in Registry(manager=make_manager()).post_process(document, [])] == [
        "factrules.unused-suppression"
    ]
    monkeypatch.setattr(builtin, "factrules_document_findings", factrules_document_findings, raising=False)
    assert Registry(manager=make_manager()).post_process(document, []) == []
