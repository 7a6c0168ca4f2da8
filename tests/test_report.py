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
