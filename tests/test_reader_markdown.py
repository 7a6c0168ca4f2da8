"""The Markdown reader: findings point at the source characters, markup is skipped, bad input never crashes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reader_probe import check, located

from factrules.api import check_paths, read_document
from factrules.plugins import registry


def test_findings_point_at_the_source_through_markup(tmp_path: Path, probe: Path) -> None:
    source = (
        "# Strike\n"                                              # 1
        "\n"                                                       # 2
        "USA killed as **many** as 100 fighters.\n"                # 3
        "Officials *reportedly* left.\n"                           # 4
        "\n"                                                       # 5
        "> The [reportedly](http://example.com/x \"t\") dead and\n"  # 6
        "> AT&amp;T staff.\n"                                      # 7
        "\n"                                                       # 8
        "- The toll is&nbsp;believed to\n"                         # 9
        "  rise, as many\n"                                        # 10
        "  as 300 more.\n"                                         # 11
    )
    path = tmp_path / "draft.md"
    path.write_text(source, encoding="utf-8")
    report = check(path, probe)
    assert located(report) == [
        ("as-many-as", "as many as", (3, 12), (3, 26)),
        ("reportedly", "reportedly", (4, 12), (4, 22)),
        ("reportedly", "reportedly", (6, 8), (6, 18)),
        ("att", "AT&T", (7, 3), (7, 11)),
        ("believed", "is believed to", (9, 12), (9, 31)),
        ("as-many-as", "as many as", (10, 9), (11, 5)),
    ]
    for finding in report.findings:  # span and range agree, and the span covers the source words
        start, end = finding.span["start"], finding.span["end"]
        assert source.count("\n", 0, start) + 1 == finding.range["start"]["line"]
        assert source.count("\n", 0, end) + 1 == finding.range["end"]["line"]
    assert [source[f.span["start"]:f.span["end"]] for f in report.findings] == [
        "as **many** as", "reportedly", "reportedly", "AT&amp;T", "is&nbsp;believed to", "as many\n  as",
    ]


def test_crlf_line_endings_and_table_cells(tmp_path: Path, probe: Path) -> None:
    source = "| a | b |\r\n|---|---|\r\n| x | He reportedly left |\r\n\r\nWe reportedly\r\nwon.\r\n"
    path = tmp_path / "table.md"
    path.write_bytes(source.encode("utf-8"))
    assert located(check(path, probe)) == [
        ("reportedly", "reportedly", (3, 10), (3, 20)),
        ("reportedly", "reportedly", (5, 4), (5, 14)),
    ]


def test_code_urls_comments_and_front_matter_are_not_checked(tmp_path: Path, probe: Path) -> None:
    source = (
        "---\ntitle: reportedly\n---\n"
        "Call `reportedly()` here, see <http://example.com/reportedly> and\n"
        "http://example.com/reportedly or [the site](http://example.com/reportedly \"reportedly\").\n"
        "![reportedly](pic.png) <!-- reportedly --> <span title=\"reportedly\">x</span>\n"
        "\n"
        "```\nreportedly\n```\n"
        "\n"
        "    reportedly in an indented code block\n"
        "\n"
        "<div class=\"reportedly\">\n<!-- as many as -->\n</div>\n"
    )
    path = tmp_path / "skip.md"
    path.write_text(source, encoding="utf-8")
    assert located(check(path, probe)) == []
    # the same words as prose are found: the skipping is not an accident of the pack
    path.write_text("The site reportedly fell.\n\n<div class=\"x\">\nAs many as 3.\n</div>\n", encoding="utf-8")
    assert [f.text for f in check(path, probe).findings] == ["reportedly", "As many as"]


def test_inline_code_keeps_its_place_but_is_skipped(tmp_path: Path, probe: Path) -> None:
    path = tmp_path / "code.md"
    path.write_text("as `many` as 100 and as many as 200\n", encoding="utf-8")
    document = read_document(path.read_bytes(), str(path), registry())
    assert document.text.startswith("as many as 100 and")
    assert located(check(path, probe)) == [("as-many-as", "as many as", (1, 22), (1, 32))]


def test_blocks_are_paragraphs(tmp_path: Path) -> None:
    source = "# Title\nText one.\n\n- item one\n- item two\n\n| a | b |\n|---|---|\n| c | d |\n"
    document = read_document(source.encode(), "x.md", registry())
    paragraphs = [document.text[s:e] for s, e in document.paragraphs]
    assert paragraphs == ["Title", "Text one.", "item one", "item two", "a", "b", "c", "d"]


def test_front_matter_gives_date_title_and_language() -> None:
    source = "---\ndate: 2018-02-16\ntitle: Raid in Deir ez-Zor\nlanguage: en\n---\nBody.\n"
    document = read_document(source.encode(), "x.md", registry())
    assert document.metadata["date"] == dt.date(2018, 2, 16)
    assert document.metadata["title"] == "Raid in Deir ez-Zor"
    assert document.metadata["language"] == "en"
    assert document.text.strip() == "Body."
    timestamp = read_document(b"---\ndate: 2018-02-16T09:30:00+01:00\n---\nBody.\n", "x.md", registry())
    assert timestamp.metadata["date"] == dt.date(2018, 2, 16)
    written = read_document(b"---\ndate: February 16, 2018\n---\nBody.\n", "x.md", registry())
    assert written.metadata["date"] == dt.date(2018, 2, 16)
    broken = read_document(b"---\ndate: [unclosed\n---\nBody reportedly.\n", "x.md", registry())
    assert "date" not in broken.metadata and broken.text.strip() == "Body reportedly."


def test_front_matter_date_drives_date_resolution(tmp_path: Path) -> None:
    path = tmp_path / "dated.md"
    path.write_text("---\ndate: 2018-02-16\n---\nThe attack happened on Tuesday, officials said.\n",
                    encoding="utf-8")
    report = check_paths([str(path)], select=["dates"], keep_sources=True)
    assert report.sources[str(path)].metadata["date"] == dt.date(2018, 2, 16)
    resolved = [f.data["resolved_start"] for f in report.findings if f.data and "resolved_start" in f.data]
    assert resolved == ["2018-02-13"]  # the Tuesday before Friday 16 February 2018
    overridden = check_paths([str(path)], date="2018-02-22", select=["dates"], keep_sources=True)
    assert overridden.sources[str(path)].metadata["date"] == dt.date(2018, 2, 22)
    assert [f.data["resolved_start"] for f in overridden.findings if f.data] == ["2018-02-20"]


MALFORMED = {
    "stray.md": "a < b and <div unclosed reportedly and </p> **bold [link( `tick \\",
    "entities.md": "&bogus; &#xZZ; &#99999999; &amp reportedly &",
    "nested-quotes.md": ">" * 10_000 + " reportedly\n",
    "nested-brackets.md": "[" * 10_000 + "reportedly" + "]" * 10_000 + "\n",
    "nested-emphasis.md": "*" * 10_000 + "reportedly" + "*" * 10_000 + "\n",
    "nested-mixed.md": "> - " * 3_000 + "reportedly\n",
    "nested-html.md": "<div>\n" + "<div>" * 10_000 + "reportedly" + "\n",
    "nested-lists.md": "".join("  " * i + "- x\n" for i in range(300)) + "reportedly\n",
}


def test_malformed_markdown_never_crashes(cli_proc, write) -> None:
    paths = [write(name, content) for name, content in MALFORMED.items()]
    result = cli_proc("check", *paths, "--format", "json", "--select", "hedges")
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    report = result.json
    assert [e for e in report["errors"] if e["kind"] != "long-sentence"] == []  # 20,000 brackets: a long run
    assert report["summary"]["files"] == len(MALFORMED)
    found = {f["path"] for f in report["findings"] if f["rule"] == "hedges.reportedly"}
    in_process = check_paths([str(p) for p in paths], select=["hedges"])
    assert [e for e in in_process.errors if e["kind"] != "long-sentence"] == []
    assert {f.path for f in in_process.findings if f.rule == "hedges.reportedly"} == found
    # the word survives the broken markup in every file (beyond markdown-it's nesting limit, as plain text)
    assert found == {str(p) for p in paths}
