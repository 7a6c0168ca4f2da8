"""The HTML reader: text content mapped to the source, markup and non-prose skipped, bad HTML never crashes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reader_probe import check, located

from factrules.api import check_paths, read_document
from factrules.plugins import registry


def test_findings_point_at_the_source_through_markup(tmp_path: Path, probe: Path) -> None:
    source = (
        "<!DOCTYPE html>\n"                                                     # 1
        "<html><body>\n"                                                       # 2
        "<p>USA killed as <b>many</b> as 100. They <em>reportedly</em> fled.</p>\n"  # 3
        "<p>He <i>report&shy;edly</i> said AT&amp;T is&nbsp;believed&#32;to\n"    # 4
        "   pay, as many\n"                                                    # 5
        "   as 300 more, report<span class=\"x\">edly</span>.</p>\n"             # 6
        "</body></html>\n"
    )
    path = tmp_path / "draft.html"
    path.write_text(source, encoding="utf-8")
    report = check(path, probe)
    assert located(report) == [
        ("as-many-as", "as many as", (3, 15), (3, 32)),
        ("reportedly", "reportedly", (3, 47), (3, 57)),
        ("reportedly", "reportedly", (4, 10), (4, 25)),
        ("att", "AT&T", (4, 35), (4, 43)),
        ("believed", "is believed to", (4, 44), (4, 67)),
        ("as-many-as", "as many as", (5, 9), (6, 6)),
        ("reportedly", "reportedly", (6, 17), (6, 43)),
    ]
    assert [source[f.span["start"]:f.span["end"]] for f in report.findings] == [
        "as <b>many</b> as", "reportedly", "report&shy;edly", "AT&amp;T", "is&nbsp;believed&#32;to",
        "as many\n   as", 'report<span class="x">edly',
    ]


def test_scripts_styles_attributes_comments_and_head_are_not_checked(tmp_path: Path, probe: Path) -> None:
    source = (
        "<html lang=\"en-GB\"><head><title>Reportedly &amp; more</title>\n"
        "<meta name=\"date\" content=\"2018-02-16\"><style>.reportedly { }</style></head>\n"
        "<body><script>var s = 'reportedly';</script><img alt=\"reportedly\" src=\"reportedly.png\">\n"
        "<a href=\"http://x/reportedly\" title=\"reportedly\">site</a><!-- reportedly -->\n"
        "<template>reportedly</template><noscript>reportedly</noscript></body></html>\n"
    )
    path = tmp_path / "skip.html"
    path.write_text(source, encoding="utf-8")
    assert located(check(path, probe)) == []
    document = read_document(source.encode(), "skip.html", registry())
    assert document.metadata["title"] == "Reportedly & more"
    assert document.metadata["language"] == "en-GB"
    assert document.metadata["date"] == dt.date(2018, 2, 16)
    assert document.text.split() == ["site"]


def test_block_elements_break_paragraphs_inline_elements_do_not(tmp_path: Path, probe: Path) -> None:
    source = "<ul><li>as many</li><li>as 100</li></ul><div>one<br>two</div><p>x<em>y</em>z</p><td>a</td><td>b</td>"
    document = read_document(source.encode(), "x.html", registry())
    assert [document.text[s:e] for s, e in document.paragraphs] == ["as many", "as 100", "one", "two", "xyz", "a", "b"]
    path = tmp_path / "blocks.html"
    path.write_text(source, encoding="utf-8")
    assert located(check(path, probe)) == []  # "as many" / "as 100" are different paragraphs


def test_pre_keeps_its_line_breaks() -> None:
    document = read_document(b"<p>a\nb</p><pre>c\nd</pre>", "x.html", registry())
    assert document.text.strip() == "a b\n\nc\nd"


MALFORMED = {
    "unclosed.html": "<p>one <b>two <i>three <div>He reportedly <span>left",
    "stray.html": "a < b > c <<p>> He reportedly left </ > <!-- unclosed comment",
    "entities.html": "&bogus; &#xZZ; &#; &#99999999; &amp He reportedly &#x110000; &",
    "attributes.html": "<p class=\"unclosed>He reportedly left</p><p title='x>y'>He reportedly left</p>",
    "nested.html": "<div>" * 10_000 + "He reportedly left" + "</div>" * 10_000,
    "nested-unclosed.html": "<span><b>" * 10_000 + "He reportedly left",
    "binary-ish.html": "<p>He reportedly left\x01\x02\x7f</p>",
}


def test_malformed_html_never_crashes(cli_proc, write) -> None:
    paths = [write(name, content) for name, content in MALFORMED.items()]
    result = cli_proc("check", *paths, "--format", "json", "--select", "hedges")
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    report = result.json
    assert report["errors"] == []
    found = {f["path"] for f in report["findings"] if f["rule"] == "hedges.reportedly"}
    in_process = check_paths([str(p) for p in paths], select=["hedges"])
    assert in_process.errors == []
    assert {f.path for f in in_process.findings if f.rule == "hedges.reportedly"} == found
    assert found == {str(p) for p in paths}


def test_read_as_html_through_the_api_and_input_format(cli) -> None:
    from factrules.api import check_text

    findings = check_text("<p>They <em>reportedly</em> fled.</p>", format="html", select=["hedges"])
    assert [(f.text, f.column) for f in findings] == [("reportedly", 13)]
    result = cli("check", "-", "--input-format", "html", "--format", "json", "--select", "hedges",
                 stdin="<p>They <em>reportedly</em> fled.</p>")
    assert [(f["text"], f["range"]["start"]["column"]) for f in result.json["findings"]] == [("reportedly", 13)]
