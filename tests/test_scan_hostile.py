"""``factrules scan`` against hostile corpora (issue 15, item 7): bad records, odd ids, dying parents, the report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from factrules.cli import main
from factrules.scan.corpus import escape_id
from factrules.scan.report_html import write_report

pytestmark = pytest.mark.timeout(180)

STORY = "The mayor reportedly resigned on Tuesday, sources said."


def run(*argv: str) -> int:
    return main(["scan", *argv, "--no-progress"])


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


def test_a_malformed_line_is_an_error_record_and_the_scan_goes_on(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "' + STORY + '"}\n'
                      '{"id": "b", "text": \n'
                      '[1, 2]\n'
                      '{"id": "c", "text": 5}\n'
                      + "[" * 100_000 + "\n"
                      '{"id": "d", "text": "' + STORY + '"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(str(corpus), "--out", str(out)) == 0
    written = records(out)
    assert [r["id"] for r in written] == ["a", f"{corpus}:2", f"{corpus}:3", f"{corpus}:4", f"{corpus}:5", "d"]
    assert written[0]["findings"] and written[-1]["findings"]
    for bad in written[1:5]:
        assert bad["findings"] == [] and bad["errors"][0]["kind"] == "input-error"
        assert "line" in bad["errors"][0]["message"]
    # and a resume neither repeats nor loses them
    assert run(str(corpus), "--out", str(out), "--resume") == 0
    assert len(records(out)) == 6


def test_a_lone_surrogate_in_an_id_is_escaped_and_resumes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "x\\ud800y", "text": "' + STORY + '"}\n{"id": "ok", "text": "' + STORY + '"}\n',
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(str(corpus), "--out", str(out)) == 0
    written = records(out)
    assert [r["id"] for r in written] == ["x\\ud800y", "ok"]
    assert written[0]["findings"] and written[0]["errors"][0]["kind"] == "input-warning"
    assert run(str(corpus), "--out", str(out), "--resume") == 0
    assert len(records(out)) == 2


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
def test_a_non_utf8_file_name_is_escaped(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "good.txt").write_text(STORY, encoding="utf-8")
    with open(os.path.join(os.fsencode(drafts), b"caf\xe9.txt"), "w", encoding="utf-8") as handle:
        handle.write(STORY)
    out = tmp_path / "out.jsonl"
    assert run(str(drafts), "--out", str(out)) == 0
    by_id = {r["id"]: r for r in records(out)}
    assert set(by_id) == {"good.txt", "caf\\xe9.txt"}
    assert by_id["caf\\xe9.txt"]["findings"]
    assert run(str(drafts), "--out", str(out), "--resume") == 0
    assert len(records(out)) == 2
    # and a glob
    out2 = tmp_path / "glob.jsonl"
    assert run(str(drafts / "*.txt"), "--out", str(out2)) == 0
    assert len(records(out2)) == 2


def test_escape_id_is_stable_and_leaves_good_ids_alone() -> None:
    assert escape_id("plain/é.txt") == ("plain/é.txt", False)
    assert escape_id("a\udce9b") == ("a\\xe9b", True)
    assert escape_id("a\ud800b") == escape_id("a\ud800b")


def test_repeated_ids_are_renamed_never_dropped_on_resume(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    lines = [{"id": "same", "text": STORY + f" Item {n}."} for n in range(3)] + [{"id": "same#2", "text": STORY}]
    corpus.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(str(corpus), "--out", str(out)) == 0
    full = records(out)
    assert [r["id"] for r in full] == ["same", "same#2", "same#3", "same#2#2"]
    assert "repeats the id" in full[1]["errors"][0]["message"]
    # interrupted after the first record: a resume writes the other three, exactly once each
    out.write_text(json.dumps(full[0]) + "\n", encoding="utf-8")
    assert run(str(corpus), "--out", str(out), "--resume") == 0
    assert [r["id"] for r in records(out)] == ["same", "same#2", "same#3", "same#2#2"]


def test_out_in_a_missing_directory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    assert run(str(corpus), "--out", str(tmp_path / "nowhere" / "out.jsonl")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]
    assert run(str(corpus), "--out", str(tmp_path)) == 2
    assert run(str(corpus), "--out", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "no" / "r.html")) == 2
    assert not (tmp_path / "o.jsonl").exists()


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


@pytest.mark.parametrize("hostile", ["<!--<script>", "</script><b>", "a\u2028b", "<!-- -->&amp;"])
def test_the_report_embeds_hostile_ids_inside_its_script(tmp_path: Path, hostile: str) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": hostile, "text": STORY}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(str(corpus), "--out", str(out)) == 0
    page_path = tmp_path / "report.html"
    write_report(out, page_path)
    page = page_path.read_text(encoding="utf-8")
    script = page[page.index("const rows = "):]
    data = script[len("const rows = "):script.index(";\nconst body")]
    # nothing the HTML tokenizer reacts to inside the script: no "<", so no "<!--" or "</script"
    assert "<" not in data and ">" not in data and "\u2028" not in data
    assert json.loads(data)[0]["doc"] == hostile
    parser = _Cells()
    parser.feed(page)
    assert len(parser.scripts) == 1 and "show(\"\")" in parser.scripts[0]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_die_with_a_killed_scan(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as handle:
        for number in range(4000):
            handle.write(json.dumps({"id": f"d{number}", "text": (STORY + " ") * 40}) + "\n")
    scan = subprocess.Popen([sys.executable, "-m", "factrules", "scan", str(corpus), "--out",
                             str(tmp_path / "out.jsonl"), "--jobs", "2", "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers: list[int] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            path = Path(f"/proc/{scan.pid}/task/{scan.pid}/children")
            workers = [int(pid) for pid in path.read_text().split()] if path.exists() else []
            time.sleep(0.2)
        assert len(workers) >= 2, "the scan never started its workers"
        scan.send_signal(signal.SIGKILL)
        scan.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
            time.sleep(0.1)
        left = [pid for pid in workers if Path(f"/proc/{pid}/stat").exists()
                and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
        assert not left, f"scan workers outlived the scan: {left}"
    finally:
        if scan.poll() is None:
            scan.kill()
            scan.wait()
