"""The scan report renders its charts in a real browser (headless Debian Chromium)."""

from __future__ import annotations

import json
from pathlib import Path

from factrules.scan.report_html import render, summarise

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def scan_output(path: Path) -> Path:
    def finding(rule: str, category: str, text: str) -> dict:
        return {"rule": rule, "pack": rule.split(".")[0], "category": category, "severity": "warning",
                "message": f"'{text}'", "path": "x", "span": {"start": 0, "end": len(text)},
                "range": {"start": {"line": 1, "column": 1}, "end": {"line": 1, "column": 1 + len(text)}},
                "text": text}

    records = [
        {"id": "a", "date": "2018-01-03", "words": 500, "errors": [],
         "findings": [finding("hedges.reportedly", "hedge", "reportedly"),
                      finding("numbers.approx", "number", "up to 5")]},
        {"id": "b", "date": "2018-02-03", "words": 1000, "errors": [],
         "findings": [finding("hedges.reportedly", "hedge", "allegedly")]},
        {"id": "c", "date": None, "words": 10, "errors": [], "findings": []},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_summary_counts(tmp_path: Path) -> None:
    summary = summarise(scan_output(tmp_path / "out.jsonl"))
    assert summary.documents == 3 and summary.findings == 3 and summary.words == 1510
    assert summary.by_category == {"hedge": 2, "number": 1}
    assert summary.by_month == {"2018-01": [2, 500], "2018-02": [1, 1000]}


def test_report_charts_render_in_headless_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_path = tmp_path / "report.html"
    page_path.write_text(render(summarise(scan_output(tmp_path / "out.jsonl"))), encoding="utf-8")
    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(page_path.as_uri())
            bars = {}
            for chart in ("chart-category", "chart-rule", "chart-time", "chart-docs"):
                boxes = [bar.bounding_box() for bar in page.locator(f"#{chart} rect.bar").all()]
                assert boxes and all(box and box["width"] > 0 and box["height"] > 0 for box in boxes), chart
                bars[chart] = len(boxes)
            assert bars == {"chart-category": 2, "chart-rule": 2, "chart-time": 2, "chart-docs": 2}
            assert page.locator("#findings tbody tr").count() == 3
            page.fill("#filter", "allegedly")
            assert page.locator("#findings tbody tr").count() == 1
            page.screenshot(path=str(artifacts / "scan-report.png"), full_page=True)
        finally:
            browser.close()


def test_a_finding_reads_and_assigns_its_place_as_dicts() -> None:
    """Stored compactly (packed integers), a finding still reads, compares, copies and pickles as before."""
    import pickle

    from factrules.findings import Finding

    finding = Finding(rule="p.r", pack="p", category="hedge", severity="warning", message="m", path="d.txt",
                      span={"start": 3, "end": 9}, range={"start": {"line": 1, "column": 4},
                                                          "end": {"line": 1, "column": 10}}, text="thing")
    assert finding.span == {"start": 3, "end": 9} and (finding.start, finding.end) == (3, 9)
    assert finding.range == {"start": {"line": 1, "column": 4}, "end": {"line": 1, "column": 10}}
    assert (finding.line, finding.column, finding.links, finding.plain_span) == (1, 4, [], (0, 0))
    copy = finding.span
    copy["start"] = 0  # a copy: the finding does not change
    assert finding.span["start"] == 3
    finding.span = {"start": 4, "end": 9}
    assert finding.to_dict()["span"] == {"start": 4, "end": 9}
    assert "links" not in finding.to_dict() and "sentence" not in finding.to_dict()
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert finding != pickle.loads(pickle.dumps(finding)).__class__(**{**_fields(finding), "text": "other"})


def test_a_finding_built_from_its_positions_equals_one_built_from_dicts() -> None:
    """``Finding.at`` (the engine's way) and the dict constructor give the same finding; each place setter
    changes only its own positions in the packed storage."""
    from factrules.findings import Finding

    by_dicts = Finding(rule="p.r", pack="p", category="hedge", severity="warning", message="m", path="d.txt",
                       span={"start": 300, "end": 309}, range={"start": {"line": 70000, "column": 4},
                                                               "end": {"line": 70001, "column": 2}},
                       text="thing", sentence="A thing.", links=["https://example.org/r"], plain_span=(280, 289))
    by_place = Finding.at("p.r", "p", "hedge", "warning", "m", "d.txt", (300, 309, 70000, 4, 70001, 2, 280, 289),
                          "thing", "A thing.", None, None, ("https://example.org/r",))
    assert by_place == by_dicts and by_place.to_dict() == by_dicts.to_dict()
    by_place.range = {"start": {"line": 2, "column": 1}, "end": {"line": 2, "column": 6}}
    assert (by_place.span, by_place.plain_span) == ({"start": 300, "end": 309}, (280, 289))
    by_place.plain_span = (1, 6)
    assert (by_place.span, by_place.line, by_place.column) == ({"start": 300, "end": 309}, 2, 1)
    assert by_place.range == {"start": {"line": 2, "column": 1}, "end": {"line": 2, "column": 6}}


def _fields(finding) -> dict:
    return {"rule": finding.rule, "pack": finding.pack, "category": finding.category, "severity": finding.severity,
            "message": finding.message, "path": finding.path, "span": finding.span, "range": finding.range,
            "text": finding.text}


def test_fingerprint_order_of_sorted_findings_is_the_order_of_a_full_sort() -> None:
    """One document's findings sorted by start are put in (path, start, rule) order run by run; anything
    else is sorted whole.  Ties keep their order either way, so occurrence numbers do not change."""
    import random

    from factrules.findings import Finding, _fingerprint_order

    chooser = random.Random(5)

    def finding(start: int, rule: str, path: str = "d.txt") -> Finding:
        return Finding.at(rule, "p", "hedge", "warning", "m", path, (start, start + chooser.randint(1, 4), 1, 1, 1, 2,
                          start, start + 1), "t", "s", None, None, ())

    for _ in range(50):
        findings = [finding(chooser.randint(0, 12), chooser.choice("cab")) for _ in range(chooser.randint(0, 40))]
        by_engine = sorted(findings, key=lambda f: (f.start, f.end, f.rule))
        for case in (by_engine, findings, [*by_engine, finding(3, "a", "e.txt")]):
            expected = sorted(case, key=lambda f: (f.path, f.start, f.rule))
            assert [id(f) for f in _fingerprint_order(case)] == [id(f) for f in expected]


def test_a_finding_past_two_billion_characters_keeps_its_offsets() -> None:
    """Positions are packed as 32-bit integers when they fit, 64-bit when one does not."""
    from factrules.findings import Finding

    big = 3_000_000_000
    finding = Finding.at("p.r", "p", "hedge", "warning", "m", "d.txt", (big, big + 5, 70_000_000, 3, 70_000_000, 8,
                         big - 10, big - 5), "thing", None, None, None, ())
    assert finding.span == {"start": big, "end": big + 5} and finding.plain_span == (big - 10, big - 5)
    finding.span = {"start": 4, "end": 9}
    finding.plain_span = (4, 9)
    assert (finding.start, finding.end, finding.line, finding.column) == (4, 9, 70_000_000, 3)


def test_to_dict_gives_a_fresh_copy_of_nested_data() -> None:
    """``to_dict`` copies ``data`` without ``copy.deepcopy``: editing the copy, at any depth, leaves the finding."""
    import datetime as dt

    from factrules.findings import Finding

    when = dt.date(2024, 3, 15)
    data = {"family": "weekday", "n": 3, "ratio": 0.5, "flag": True, "none": None,
            "range": {"low": [1, 2], "high": {"value": 3}}, "pair": (1, [2]), "when": when}
    finding = Finding(rule="p.r", pack="p", category="date", severity="info", message="m", path="-",
                      span={"start": 0, "end": 1}, range={"start": {"line": 1, "column": 1},
                                                         "end": {"line": 1, "column": 2}}, text="x", data=data)
    out = finding.to_dict()["data"]
    assert out == data
    out["range"]["low"].append(9)
    out["range"]["high"]["value"] = 0
    out["pair"][1].append(9)
    out["family"] = "other"
    assert data == {"family": "weekday", "n": 3, "ratio": 0.5, "flag": True, "none": None,
                    "range": {"low": [1, 2], "high": {"value": 3}}, "pair": (1, [2]), "when": when}
