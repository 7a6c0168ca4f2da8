"""``--format text``: ruff-style lines, the source line and a caret under the match.

Colour only when writing to a terminal (and ``NO_COLOR`` is unset); rich
does the styling so Windows terminals work too. The report's errors go to
``errors_stream`` when given (the CLI passes standard error, as the README
promises: findings on stdout, problems on stderr), else with the findings.

Without colour a line is written directly, as the text rich would have
printed, whenever that text is plain enough to say so for certain (see
``_Lines``): importing rich's console and rendering a few hundred lines
through it was a third of a short ``factrules check``.  The output is the
same bytes either way (``tests/test_text_plain.py`` holds the two paths to
that).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.console import Console

_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}

#: rich reads these in text as markup or escapes, or drops, expands or reflows them: a line holding one goes
#: through rich (every C0 control character and DEL, tab and newline included, not only the ones rich changes)
_NOT_PLAIN = frozenset("[]\\\x7f" + "".join(map(chr, range(32))))

#: off only for the tests, which compare the two paths
PLAIN_FAST_PATH = True


def format_text(report: dict[str, Any], stream: IO[str], *, color: bool = False, sources: dict | None = None,
                errors_stream: IO[str] | None = None, **_: Any) -> None:
    out = _Lines(stream, color)
    problems = out if errors_stream is None else _Lines(errors_stream, color and _is_tty(errors_stream), out)
    sources = sources or {}
    for finding in report["findings"]:
        start, end = finding["range"]["start"], finding["range"]["end"]
        style = _SEVERITY_STYLE.get(finding["severity"], "bold")
        path, severity, rule, message = finding["path"], finding["severity"], finding["rule"], finding["message"]
        where = f":{start['line']}:{start['column']}: "
        out.line((path, where, severity, " ", f"[{rule}]", f" {message}"), (path, severity, rule, message),
                 _header_markup, path, where, style, severity, rule, message)
        document = sources.get(finding["path"])
        if document is not None:
            line_text = document.source_line(start["line"]).expandtabs(1)
            end_column = end["column"] if end["line"] == start["line"] else len(line_text) + 1
            # columns count code points; the caret must count terminal cells (an emoji or a CJK character is two)
            before = cell_len(line_text[: start["column"] - 1])
            caret = "^" * max(cell_len(line_text[start["column"] - 1 : end_column - 1]), 1)
            gutter = str(start["line"])
            blank = f"{' ' * len(gutter)} |"
            out.line((blank,), (), _fixed_markup, f"[blue]{blank}[/]")
            out.line((f"{gutter} |", f" {line_text}"), (line_text,), _source_markup, gutter, line_text)
            out.line((blank, " " * (before + 1), caret), (), _fixed_markup,
                     f"[blue]{blank}[/] {' ' * before}[{style}]{caret}[/]")
            out.line(("",), (), _fixed_markup, "")
    for error in report["errors"]:
        level, text = error.get("severity", "error"), error["message"]
        problems.line((level, f": {text}"), (level, text), _error_markup, level, text)
    count = len(report["findings"])
    if count:
        categories = Counter(f["category"] for f in report["findings"])
        detail = ", ".join(f"{n} {c}" for c, n in sorted(categories.items()))
        summary = f"Found {count} finding{'s' if count != 1 else ''} ({detail})."
        out.line((summary,), (summary,), _fixed_markup, summary)
    elif not report["errors"]:
        out.line(("No findings.",), (), _fixed_markup, "[green]No findings.[/]")
    out.flush()  # what the caller writes next (a baseline's summary on stderr) comes after the report
    problems.flush()


class _Lines:
    """One output stream: a line is given as its rich markup (built only if needed), and, for the plain path,
    as the pieces rich's markup parser would cut it into (the text between tags, in order) and the strings in
    it that came from outside (paths, messages, the draft's own line).

    rich, with colour off, emoji codes off, a width of 10,000 and soft wrapping, prints such a line as its
    pieces joined when no outside string holds a character of ``_NOT_PLAIN``; otherwise the line goes through
    rich itself.  Emoji codes stay off on both paths: with them on, rich printed the ``:100:`` of line 100 as
    an emoji ("a.txt💯2:") and turned a draft's ``:smile:`` into one, shifting the caret under it.
    """

    def __init__(self, stream: IO[str], color: bool, partner: _Lines | None = None) -> None:
        self.stream = stream
        self.color = color
        #: the other stream of the report (findings and errors), and whether plain lines wait in this one's
        #: buffer: rich flushes after every line, so lines of the two streams reach a shared terminal or
        #: ``2>&1`` in the order written; the plain path flushes one stream before the other is written to
        self.partner = partner
        if partner is not None:
            partner.partner = self
        self.pending = False
        self._console: Console | None = None
        self.plain = PLAIN_FAST_PATH and not color

    def line(self, pieces: Sequence[str], outside: Sequence[str], markup: Callable[..., str], *args: str) -> None:
        """Write one line: ``pieces`` joined on the plain path, else ``markup(*args)`` through rich."""
        if self.partner is not None and self.partner.pending:
            self.partner.flush()
        if self.plain and not any(_NOT_PLAIN.intersection(text) for text in outside):
            self.stream.write("".join(pieces) + "\n")
            self.pending = True
            return
        if self._console is None:
            self._console = _console(self.stream, self.color)
        self._console.print(markup(*args))  # rich flushes the stream, plain lines before it included
        self.pending = False

    def flush(self) -> None:
        """Flush plain lines still in the stream's buffer (as rich would have after each)."""
        if self.pending:
            self.stream.flush()
            self.pending = False


def _header_markup(path: str, where: str, style: str, severity: str, rule: str, message: str) -> str:
    from rich.markup import escape

    return f"[bold]{escape(path)}[/]{where}[{style}]{severity}[/] [cyan]\\[{escape(rule)}][/] {escape(message)}"


def _source_markup(gutter: str, line_text: str) -> str:
    from rich.markup import escape

    return f"[blue]{gutter} |[/] {escape(line_text)}"


def _error_markup(level: str, message: str) -> str:
    from rich.markup import escape

    return f"[{_SEVERITY_STYLE.get(level, 'bold')}]{level}[/]: {escape(message)}"


def _fixed_markup(markup: str) -> str:
    """A line whose markup is all factrules' own (or, the summary, not escaped before either)."""
    return markup


def _console(stream: IO[str], color: bool) -> Console:
    from rich.console import Console

    return Console(file=stream, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True,
                   width=10_000, emoji=False)


def _is_tty(stream: IO[str]) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()
