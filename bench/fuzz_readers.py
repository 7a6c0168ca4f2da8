"""Coverage-guided fuzzing of the readers and the engine behind them (atheris / libFuzzer).

Each reader (text, markdown, html, docx) gets bytes; whatever it returns goes through the built-in rule
set. The only acceptable failure is ``InputError`` (a clear "skipped" message for that file); any other
exception, a ``RuleCrash`` (a matcher that raised), or a finding whose span leaves the source or whose
line/column disagrees with its span is a bug. Bugs are recorded (input saved under the artifacts
directory, one entry per distinct exception site) and fuzzing goes on, so one run counts them all.

The reader is called directly, not through ``factrules.api.read_document``: that wrapper turns any
reader exception into an ``InputError`` ("could not be read"), which is right for users and would hide
every reader bug from a fuzzer.

For .docx, raw bytes are almost never a zip, so the input is also used structurally: its bytes become
``word/document.xml`` (and ``docProps/core.xml``) inside a well-formed package.

    python bench/fuzz_readers.py --seconds 60                 # every reader, 60 s each, summary table
    python bench/fuzz_readers.py --seconds 60 --reader html   # one reader
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any

READERS = {"text": ".txt", "markdown": ".md", "html": ".html", "docx": ".docx"}

SEEDS = {
    "text": [
        "It reportedly fell on Sunday, officials said.\r\n\r\nAs many as 100 fighters were killed last week.",
        "The ministry denied any involvement. “It was a mistake,” a source said.\n\u202eمرحبا reportedly\x00",
    ],
    "markdown": [
        "---\ndate: 2018-02-16\n---\n# Title\n\n> It *reportedly* fell on Sunday.\n\n- as many as 100\n- last week\n",
        "| a | b |\n|---|---|\n| about 3.5 million | allegedly |\n\n```\ncode reportedly\n```\n[x](http://y) "
        "<b>officials said</b> &amp; <!-- factrules-disable -->",
    ],
    "html": [
        "<html><head><title>T</title><meta name='date' content='2018-02-16'></head><body><p>It <b>reportedly</b>"
        " fell &amp; as many as 100 died last week.</p><script>x</script><pre> a\n b </pre></body></html>",
        "<div><div><p>The ministry denied any involvement &#x2014; officials said<br>on Sunday</div>&bogus; <!--",
    ],
    "docx": [
        '<w:p><w:r><w:t>It reportedly fell on Sunday, officials said.</w:t></w:r></w:p>'
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>as many as 100</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
    ],
}

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>'
)


def docx_package(body: bytes, core: bytes) -> bytes:
    """A well-formed .docx around fuzzed XML: ``body`` inside ``w:body``, ``core`` as the core properties."""
    document = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
                + body + b"</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr("word/document.xml", document)
        package.writestr("docProps/core.xml", core)
    return buffer.getvalue()


def docx_input(data: bytes) -> bytes:
    """Raw bytes (first byte even: the reader must refuse non-zips cleanly) or a package around them."""
    if not data or data[0] % 2 == 0:
        return data[1:]
    body, _, core = data[1:].partition(b"\x00\x00")
    core = core or (b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
                    b'2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T'
                    b"</dc:title></cp:coreProperties>")
    return docx_package(body, core)


class Target:
    """One reader plus the built-in engine; ``check(data)`` returns a bug description or ``None``."""

    def __init__(self, reader: str) -> None:
        from factrules.engine import Engine, Settings
        from factrules.packs import load_packs
        from factrules.plugins import registry

        plugins = registry()
        self.name = reader
        self.extension = READERS[reader]
        self.read = plugins.readers[self.extension]
        packs = load_packs(plugins.pack_paths, plugins.matchers)
        self.engine = Engine(packs, plugins, Settings(default_date=dt.date(2018, 2, 16)))

    def check(self, data: bytes) -> str | None:
        from factrules.engine import RuleCrash
        from factrules.errors import InputError

        if self.name == "docx":
            data = docx_input(data)
        try:
            document = self.read(data, "fuzz" + self.extension)
        except InputError:
            return None
        except RecursionError:
            return "RecursionError in the reader"
        except Exception:  # noqa: BLE001 - what the fuzzer is looking for
            return "reader raised:\n" + traceback.format_exc(limit=12)
        try:
            findings, _errors = self.engine.check(document)
        except RuleCrash as error:
            return f"a matcher crashed: {error}\n{''.join(traceback.format_exception(error.__cause__))}"
        except Exception:  # noqa: BLE001
            return "engine raised:\n" + traceback.format_exc(limit=12)
        return located(findings, document.source or "")


def located(findings: list[Any], source: str) -> str | None:
    """Why a finding is not where it says it is, or ``None``."""
    for finding in findings:
        start, end = finding.span["start"], finding.span["end"]
        if not 0 <= start <= end <= len(source):
            return f"span {start}..{end} outside a source of {len(source)} code points ({finding.rule})"
        for key, offset in (("start", start), ("end", end)):
            line = len(re.findall(r"\r\n|\r|\n", source[:offset])) + 1
            breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", source[:offset])]
            column = offset - (breaks[-1] if breaks else 0) + 1
            if finding.range[key] != {"line": line, "column": column}:
                return f"range {key} {finding.range[key]} but the span says line {line}, column {column}"
    return None


def bug_site(description: str) -> str:
    """A key for "the same bug": the exception type and the innermost factrules/library frame."""
    frames = re.findall(r'File "([^"]+)", line (\d+)', description)
    last = frames[-1] if frames else ("", "")
    kind = description.strip().splitlines()[-1].split(":")[0] if description.strip() else "?"
    return f"{kind} at {os.path.basename(last[0])}:{last[1]}" if frames else description.splitlines()[0][:120]


def fuzz_one(reader: str, seconds: int, artifacts: Path, libfuzzer_args: list[str]) -> None:
    """Run atheris on one reader in this process (libFuzzer ends the process when time is up)."""
    import atheris

    with atheris.instrument_imports(include=["factrules", "markdown_it", "mdit_py_plugins", "docx", "html"]):
        target = Target(reader)
    bugs: dict[str, str] = {}
    artifacts.mkdir(parents=True, exist_ok=True)
    summary = artifacts / f"{reader}.bugs.json"

    def one_input(data: bytes) -> None:
        problem = target.check(data)
        if problem is None:
            return
        site = bug_site(problem)
        if site not in bugs:
            bugs[site] = problem
            (artifacts / f"{reader}-bug-{len(bugs)}{READERS[reader]}").write_bytes(data)
            summary.write_text(json.dumps(bugs, indent=1, ensure_ascii=False), encoding="utf-8")
            print(f"\nBUG ({reader}) {site}\n{problem}", file=sys.stderr, flush=True)

    summary.write_text("{}", encoding="utf-8")
    seeds = artifacts / f"seeds-{reader}"
    seeds.mkdir(exist_ok=True)
    for index, seed in enumerate(SEEDS[reader]):
        payload = b"\x01" + seed.encode() if reader == "docx" else seed.encode()
        (seeds / f"seed{index}").write_bytes(payload)
    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", "-max_len=8192", "-print_final_stats=1",
                   *libfuzzer_args, str(seeds)], one_input)
    atheris.Fuzz()


def run_all(readers: list[str], seconds: int, artifacts: Path) -> int:
    """Fuzz each reader in its own process and print a table of runs and distinct bugs."""
    rows, failed = [], False
    for reader in readers:
        began = time.perf_counter()
        completed = subprocess.run([sys.executable, __file__, "--reader", reader, "--seconds", str(seconds),
                                    "--artifacts", str(artifacts), "--child"], capture_output=True, text=True)
        wall = time.perf_counter() - began
        runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", completed.stderr)
        coverage = re.findall(r"\bcov: (\d+)", completed.stderr)
        summary = artifacts / f"{reader}.bugs.json"
        bugs = json.loads(summary.read_text(encoding="utf-8")) if summary.exists() else None
        if bugs is None or not runs:
            failed = True
            print(completed.stderr[-3000:], file=sys.stderr)
        rows.append((reader, runs[-1] if runs else "?", coverage[-1] if coverage else "?", f"{wall:.0f}",
                     len(bugs) if bugs is not None else "?"))
        for site in bugs or {}:
            print(f"{reader}: {site}", file=sys.stderr)
    print("| reader | runs | coverage (edges) | seconds | distinct bugs |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(map(str, row)) + " |")
    print(f"artifacts: {artifacts}")
    return 1 if failed or any(row[4] not in (0, "0") for row in rows) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", choices=sorted(READERS), action="append", help="default: all")
    parser.add_argument("--seconds", type=int, default=60, help="fuzzing time per reader")
    parser.add_argument("--artifacts", type=Path, default=None, help="where bug inputs go (default: a temp dir)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args, libfuzzer_args = parser.parse_known_args(argv)
    artifacts = args.artifacts or Path(tempfile.mkdtemp(prefix="factrules-fuzz-"))
    if args.child:
        fuzz_one(args.reader[0], args.seconds, artifacts, libfuzzer_args)
        return 0
    return run_all(args.reader or sorted(READERS), args.seconds, artifacts)


if __name__ == "__main__":
    sys.exit(main())
