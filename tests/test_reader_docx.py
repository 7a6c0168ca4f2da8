"""The Word reader: line = paragraph, column = character in it; broken files fail alone, clearly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from factrules.api import check_paths, read_document
from factrules.errors import InputError
from factrules.plugins import registry


def make_docx(path: Path) -> Path:
    """A draft whose matches sit across runs, in a table, after an empty paragraph and a line break."""
    word = docx.Document()
    word.core_properties.title = "Raid"
    word.core_properties.language = "en-US"
    word.add_paragraph("Headline about the raid")                         # line 1
    paragraph = word.add_paragraph("The minister ")                      # line 2
    paragraph.add_run("report").bold = True
    paragraph.add_run("edly").italic = True
    paragraph.add_run(" resigned.")
    word.add_paragraph("")                                                # line 3
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Killed"                                      # line 4
    table.cell(0, 1).text = "as many as 100, officials allegedly said"    # line 5
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "merged cell, reportedly once"                          # line 6
    breaking = word.add_paragraph("He was")                               # line 7
    breaking.add_run().add_break()
    breaking.add_run("reportedly seen.")
    word.save(str(path))
    return path


def test_line_is_the_paragraph_and_column_the_character(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "draft.docx")
    report = check_paths([str(path)], select=["hedges"], keep_sources=True)
    assert report.errors == []
    assert [(f.rule, f.text, f.range, f.path) for f in report.findings] == [
        ("hedges.reportedly", "reportedly",
         {"start": {"line": 2, "column": 14}, "end": {"line": 2, "column": 24}}, str(path)),
        ("hedges.reportedly", "allegedly",
         {"start": {"line": 5, "column": 27}, "end": {"line": 5, "column": 36}}, str(path)),
        ("hedges.reportedly", "reportedly",
         {"start": {"line": 6, "column": 14}, "end": {"line": 6, "column": 24}}, str(path)),
        ("hedges.reportedly", "reportedly",
         {"start": {"line": 7, "column": 8}, "end": {"line": 7, "column": 18}}, str(path)),
    ]
    document = report.sources[str(path)]
    assert document.source.split("\n") == [
        "Headline about the raid", "The minister reportedly resigned.", "", "Killed",
        "as many as 100, officials allegedly said", "merged cell, reportedly once", "He was reportedly seen.",
    ]
    for finding in report.findings:
        assert document.source[finding.span["start"]:finding.span["end"]] == finding.text
    assert document.metadata == {"title": "Raid", "language": "en-US"}


def test_paragraphs_are_separated_by_blank_lines_in_the_text(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "draft.docx")
    document = read_document(path.read_bytes(), str(path), registry())
    paragraphs = [document.text[s:e] for s, e in document.paragraphs]
    assert paragraphs[:3] == ["Headline about the raid", "The minister reportedly resigned.", "Killed"]
    assert len(paragraphs) == 6  # the empty paragraph adds no paragraph to the text


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"This is plain text saved as .docx; reportedly.", "not a Word .docx file (not a zip archive)"),
        (b"", "empty file"),
        (_zip({"hello.txt": b"hi"}), "a zip file but not a Word document"),
    ],
)
def test_broken_docx_is_one_clear_error_and_other_files_are_checked(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(content)
    good = make_docx(tmp_path / "good.docx")
    report = check_paths([str(bad), str(good)], select=["hedges"])
    assert [e["path"] for e in report.errors] == [str(bad)]
    assert message in report.errors[0]["message"] and "\n" not in report.errors[0]["message"]
    assert {f.path for f in report.findings} == {str(good)}


def test_truncated_docx_is_an_input_error(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "good.docx").read_bytes()
    with pytest.raises(InputError, match=r"cut\.docx: .*(zip|Word|corrupt)"):
        read_document(data[: len(data) // 2], str(tmp_path / "cut.docx"), registry())


def test_broken_docx_through_the_command_line(cli_proc, tmp_path: Path) -> None:
    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"<html>not a zip</html>")
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(_zip({"[Content_Types].xml": b"<not xml", "word/document.xml": b"<<<"}))
    good = make_docx(tmp_path / "good.docx")
    result = cli_proc("check", bad, corrupt, good, "--format", "json", "--select", "hedges")
    assert result.code == 2
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 2  # one line per broken file
    assert f"{bad}: not a Word .docx file (not a zip archive), skipped" in lines[0]
    assert f"{corrupt}: corrupt .docx" in lines[1]
    report = result.json
    assert {e["path"] for e in report["errors"]} == {str(bad), str(corrupt)}
    assert len([f for f in report["findings"] if f["path"] == str(good)]) == 4
