"""``factrules scan --report report.html``: one self-contained HTML page about a scan.

The charts are inline SVG drawn here, not a JavaScript charting library from
a CDN: the page must open from an archive share or an e-mail attachment with
no network, and an SVG bar chart needs no more than rectangles and labels.
The findings table is a small embedded JSON array with a filter box.
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factrules.output import write_atomically

#: the browsable table holds at most this many findings, so the page stays small for a big archive
TABLE_LIMIT = 5000
CATEGORY_COLOURS = {
    "hedge": "#d97706", "unverified": "#dc2626", "denial": "#7c3aed", "number": "#2563eb",
    "date": "#059669", "consistency": "#db2777",
}


@dataclass
class Summary:
    """Aggregates of a scan output, gathered in one streaming pass."""

    documents: int = 0
    words: int = 0
    findings: int = 0
    errors: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_document: Counter[str] = field(default_factory=Counter)
    #: month -> (findings, words)
    by_month: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    table: list[dict[str, Any]] = field(default_factory=list)


def summarise(out: Path) -> Summary:
    summary = Summary()
    with open(out, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            findings = record.get("findings", [])
            summary.documents += 1
            summary.words += int(record.get("words") or 0)
            summary.findings += len(findings)
            summary.errors += len(record.get("errors", []))
            if findings:
                summary.by_document[str(record["id"])] = len(findings)
            date = record.get("date")
            if date:
                month = str(date)[:7]
                summary.by_month[month][0] += len(findings)
                summary.by_month[month][1] += int(record.get("words") or 0)
            for finding in findings:
                summary.by_category[finding["category"]] += 1
                summary.by_rule[finding["rule"]] += 1
                if len(summary.table) < TABLE_LIMIT:
                    summary.table.append({
                        "doc": str(record["id"]), "line": finding["range"]["start"]["line"],
                        "rule": finding["rule"], "category": finding["category"],
                        "text": finding["text"], "message": finding["message"],
                    })
    return summary


def bar_chart(title: str, items: list[tuple[str, float]], *, chart_id: str, unit: str = "") -> str:
    """A horizontal SVG bar chart; each bar is a <rect class="bar"> the test can measure."""
    if not items:
        caption = f"<figcaption>{html.escape(title)}</figcaption>"
        return f'<figure class="chart" id="{chart_id}">{caption}<p>none</p></figure>'
    width, bar_height, label_width = 640, 22, 230
    peak = max(value for _, value in items) or 1
    rows = []
    for index, (label, value) in enumerate(items):
        y = index * (bar_height + 6)
        length = max((width - label_width - 70) * value / peak, 1)
        colour = CATEGORY_COLOURS.get(label, "#475569")
        shown = f"{value:.2f}" if isinstance(value, float) and not value.is_integer() else f"{int(value)}"
        rows.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{html.escape(label[:34])}</text>'
            f'<rect class="bar" x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}">'
            f"<title>{html.escape(label)}: {shown}{unit}</title></rect>"
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}">{shown}{unit}</text>'
        )
    height = len(items) * (bar_height + 6)
    return (f'<figure class="chart" id="{chart_id}"><figcaption>{html.escape(title)}</figcaption>'
            f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">{"".join(rows)}</svg>'
            f"</figure>")


#: characters that mean something to the HTML parser inside <script> ("<!--<script>" changes its state so
#: "</script>" no longer ends the element) or to old JavaScript parsers; as JSON escapes they mean the same
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                 "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: object) -> str:
    """JSON safe to embed in an HTML ``<script>`` element, whatever its strings hold."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def render(summary: Summary, title: str = "factrules scan report") -> str:
    per_thousand = [
        (month, round(1000 * findings / words, 2) if words else 0.0)
        for month, (findings, words) in sorted(summary.by_month.items())
    ]
    charts = [
        bar_chart("Findings per category", summary.by_category.most_common(), chart_id="chart-category"),
        bar_chart("Findings per rule (top 20)", summary.by_rule.most_common(20), chart_id="chart-rule"),
        bar_chart("Findings per 1,000 words, by month", per_thousand, chart_id="chart-time"),
        bar_chart("Documents with the most findings", summary.by_document.most_common(15), chart_id="chart-docs"),
    ]
    rows = script_json(summary.table)
    shown = min(len(summary.table), summary.findings)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="factrules">
<title>{html.escape(title)}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #0f172a; }}
.totals span {{ margin-right: 2rem; }} .chart {{ margin: 1.5rem 0; }} figcaption {{ font-weight: 600; }}
svg text {{ font-size: 12px; fill: #0f172a; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border-bottom: 1px solid #e2e8f0; padding: 4px; }}
th {{ text-align: left; }} input {{ padding: 4px; width: 20rem; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="totals"><span>{summary.documents} documents</span><span>{summary.words:,} words</span>
<span>{summary.findings} findings</span><span>{summary.errors} errors</span></p>
{"".join(charts)}
<h2>Findings</h2>
<p>Showing {shown} of {summary.findings}. <input id="filter" placeholder="filter by document, rule, text..."></p>
<table id="findings"><thead><tr><th>document</th><th>line</th><th>rule</th><th>text</th><th>message</th></tr></thead>
<tbody></tbody></table>
<script>
const rows = {rows};
const body = document.querySelector("#findings tbody");
function show(filter) {{
  const needle = filter.toLowerCase();
  body.replaceChildren(...rows.filter(r => !needle || JSON.stringify(r).toLowerCase().includes(needle))
    .slice(0, 1000).map(r => {{
      const tr = document.createElement("tr");
      for (const key of ["doc", "line", "rule", "text", "message"]) {{
        const td = document.createElement("td"); td.textContent = r[key]; tr.append(td);
      }}
      return tr;
    }}));
}}
document.querySelector("#filter").addEventListener("input", e => show(e.target.value));
show("");
</script>
</body></html>
"""


def write_report(out: Path, report: Path) -> None:
    """Summarise a scan output and write the page atomically."""
    page = render(summarise(out))
    with write_atomically(report) as handle:
        handle.write(page)
