"""The text format's plain path (no colour: lines written directly) prints the very bytes rich prints.

Each report is formatted twice, with the fast path on and off, and the two
outputs must be equal: random strings from an alphabet that holds what rich
treats specially (markup brackets, backslashes, emoji codes such as
``:smile:`` and the ``:100:`` a line number makes, tabs and control
characters, wide and combining characters, trailing spaces, long lines).
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest

from factrules.formatters import text as text_format

ALPHABET = ["a", "Z", " ", "  ", ":", "::", "[", "]", "\\", "\t", "\r", "\x07", "\x1b", "\n", "\x7f", "字", "é",
            "e\u0301", "😀", ":smile:", ":100:", ":1234:", ":thumbs_up-text:", "[bold]", "[/]", "\\[x]", "[b]",
            "-", "'", "1", "0"]


class FakeDocument:
    """The one method the formatter asks of a document: a source line by its 1-based number."""

    def __init__(self, lines: dict[int, str]) -> None:
        self.lines = lines

    def source_line(self, number: int) -> str:
        return self.lines[number]


def random_text(rng: random.Random, plain: bool, longest: int = 12) -> str:
    """A string of up to ``longest`` alphabet entries; ``plain`` keeps to letters, spaces and colons, the
    strings that take the fast path, so both paths get exercised."""
    choices = ["a", "Z", " ", ":", "字", "😀", "e\u0301", "-", "1", ":smile:", ":100:"] if plain else ALPHABET
    return "".join(rng.choice(choices) for _ in range(rng.randint(0, longest)))


def random_report(rng: random.Random) -> tuple[dict[str, Any], dict[str, FakeDocument]]:
    findings, sources = [], {}
    for _ in range(rng.randint(0, 6)):
        plain = rng.random() < 0.6
        path = rng.choice(["a.txt", "dir/b c.md", random_text(rng, plain, 4) or "p"])
        line = rng.choice([1, 7, 100, 1234, 99, 1000])
        source = random_text(rng, plain, 30) if rng.random() < 0.9 else "x" * 12_000
        start = rng.randint(1, len(source) + 1)
        end_line = line if rng.random() < 0.8 else line + 1
        end = rng.randint(start, len(source) + 1)
        findings.append({
            "path": path, "severity": rng.choice(["error", "warning", "info", "note"]),
            "rule": rng.choice(["dates.relative-day", "Upper.case", "9.digits", random_text(rng, plain, 3)]),
            # a pack's category is [a-z0-9_-]: never markup (rich reads the summary line's categories as markup)
            "message": random_text(rng, plain), "category": rng.choice(["date", "number", random_text(rng, True, 2)]),
            "range": {"start": {"line": line, "column": start}, "end": {"line": end_line, "column": end}},
        })
        document = sources.setdefault(path, FakeDocument({}))
        document.lines[line] = source
    errors = [{"message": random_text(rng, rng.random() < 0.5), "severity": rng.choice(["error", "warning"])}
              for _ in range(rng.randint(0, 2))]
    return {"findings": findings, "errors": errors}, sources


def formatted(report: dict[str, Any], sources: dict[str, FakeDocument], *, fast: bool,
              monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.setattr(text_format, "PLAIN_FAST_PATH", fast)
    out, err = io.StringIO(), io.StringIO()
    text_format.format_text(report, out, color=False, sources=sources, errors_stream=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("seed", range(40))
def test_plain_path_prints_what_rich_prints(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    report, sources = random_report(random.Random(seed))
    assert formatted(report, sources, fast=True, monkeypatch=monkeypatch) == formatted(
        report, sources, fast=False, monkeypatch=monkeypatch)


def test_the_cases_rich_changes_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tab is expanded and markup in a category is read as markup, on both paths; line 100 and a draft's
    ``:smile:`` stay as written (rich's emoji codes are off: "a.txt💯2:" was the line-100 header)."""
    finding = {"path": "a.txt", "severity": "warning", "rule": "r.x", "message": "say :smile:\tnow",
               "category": "[bold]c[/]", "range": {"start": {"line": 100, "column": 2}, "end": {"line": 100,
                                                                                               "column": 4}}}
    sources = {"a.txt": FakeDocument({100: "ab:smile:cd"})}
    fast = formatted({"findings": [finding], "errors": []}, sources, fast=True, monkeypatch=monkeypatch)
    assert fast == formatted({"findings": [finding], "errors": []}, sources, fast=False, monkeypatch=monkeypatch)
    assert fast[0].startswith("a.txt:100:2: ") and "ab:smile:cd" in fast[0] and "say :smile:" in fast[0]
    assert "Found 1 finding (1 c)." in fast[0]


def test_plain_path_skips_rich_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the fast path: a plain report never builds a rich Console."""
    monkeypatch.setattr(text_format, "_console", lambda *a: pytest.fail("rich console built for plain text"))
    finding = {"path": "a.txt", "severity": "info", "rule": "r.x", "message": "m: n", "category": "c",
               "range": {"start": {"line": 1, "column": 1}, "end": {"line": 1, "column": 2}}}
    out = io.StringIO()
    text_format.format_text({"findings": [finding], "errors": []}, out, sources={"a.txt": FakeDocument({1: "ab"})})
    assert out.getvalue() == "a.txt:1:1: info [r.x] m: n\n  |\n1 | ab\n  | ^\n\nFound 1 finding (1 c).\n"


class Buffered:
    """A block-buffered stream: what is written reaches the shared ``log`` only when flushed (a pipe, a file)."""

    encoding = "utf-8"

    def __init__(self, name: str, log: list[tuple[str, str]]) -> None:
        self.name, self.log, self.pending = name, log, ""

    def write(self, text: str) -> int:
        self.pending += text
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.log.append((self.name, self.pending))
            self.pending = ""

    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize("seed", range(10))
def test_findings_and_errors_reach_a_shared_output_in_the_same_order(seed: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """rich flushes after every line, so with ``2>&1`` the errors come after the findings above them and
    before the summary; the plain path must not leave findings in stdout's buffer while errors go out."""
    report, sources = random_report(random.Random(seed))
    report["errors"] = [{"message": "missing.txt: no such file or directory", "severity": "error"}]

    def arrival(fast: bool) -> str:
        monkeypatch.setattr(text_format, "PLAIN_FAST_PATH", fast)
        log: list[tuple[str, str]] = []
        out, err = Buffered("out", log), Buffered("err", log)
        text_format.format_text(report, out, color=False, sources=sources, errors_stream=err)
        assert not out.pending and not err.pending  # nothing left behind for the caller's next line to pass
        return "".join(text for _, text in log)

    assert arrival(fast=True) == arrival(fast=False)


def test_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    """``factrules check ... | head``: the CLI's own rule for a closed pipe (exit 0, nothing on stderr) holds
    for the text format too, now that rich (which exited 1 on a broken pipe) no longer writes its lines."""
    import os
    import subprocess
    import sys

    sentence = "Officials reportedly said on Sunday that some 40 people, according to sources, came. "
    draft = tmp_path / "long.txt"
    draft.write_text((sentence * 8 + "\n\n") * 150, encoding="utf-8")  # ~130 KB of report: past a pipe's buffer
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    child = subprocess.Popen([sys.executable, "-m", "factrules", "check", str(draft), "--fail-on", "never"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.read(100)
    child.stdout.close()
    errors = child.stderr.read()
    assert child.wait(timeout=120) == 0 and errors == b""
