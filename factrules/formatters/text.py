"""``--format text``: ruff-style lines, the source line and a caret under the match.

Colour only when writing to a terminal (and ``NO_COLOR`` is unset); rich
does the styling so Windows terminals work too. The report's errors go to
``errors_stream`` when given (the CLI passes standard error, as the README
promises: findings on stdout, problems on stderr), else with the findings.
"""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape

_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}


def format_text(report: dict[str, Any], stream: IO[str], *, color: bool = False, sources: dict | None = None,
                errors_stream: IO[str] | None = None, **_: Any) -> None:
    console = _console(stream, color)
    problems = console if errors_stream is None else _console(errors_stream, color and _is_tty(errors_stream))
    sources = sources or {}
    for finding in report["findings"]:
        start, end = finding["range"]["start"], finding["range"]["end"]
        style = _SEVERITY_STYLE.get(finding["severity"], "bold")
        console.print(
            f"[bold]{escape(finding['path'])}[/]:{start['line']}:{start['column']}: "
            f"[{style}]{finding['severity']}[/] [cyan]\\[{escape(finding['rule'])}][/] {escape(finding['message'])}"
        )
        document = sources.get(finding["path"])
        if document is not None:
            line_text = document.source_line(start["line"]).expandtabs(1)
            end_column = end["column"] if end["line"] == start["line"] else len(line_text) + 1
            # columns count code points; the caret must count terminal cells (an emoji or a CJK character is two)
            before = cell_len(line_text[: start["column"] - 1])
            caret = "^" * max(cell_len(line_text[start["column"] - 1 : end_column - 1]), 1)
            gutter = str(start["line"])
            console.print(f"[blue]{' ' * len(gutter)} |[/]")
            console.print(f"[blue]{gutter} |[/] {escape(line_text)}")
            console.print(f"[blue]{' ' * len(gutter)} |[/] {' ' * before}[{style}]{caret}[/]")
            console.print()
    for error in report["errors"]:
        level = error.get("severity", "error")
        problems.print(f"[{_SEVERITY_STYLE.get(level, 'bold')}]{level}[/]: {escape(error['message'])}")
    count = len(report["findings"])
    if count:
        categories = Counter(f["category"] for f in report["findings"])
        detail = ", ".join(f"{n} {c}" for c, n in sorted(categories.items()))
        console.print(f"Found {count} finding{'s' if count != 1 else ''} ({detail}).")
    elif not report["errors"]:
        console.print("[green]No findings.[/]")


def _console(stream: IO[str], color: bool) -> Console:
    return Console(file=stream, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True,
                   width=10_000)


def _is_tty(stream: IO[str]) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()
