"""factrules scan: inputs, parallel equality, exact resume, bounded memory, Dask."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factrules import scan as scan_module
from factrules.cli import main
from factrules.findings import validator

DRAFTS = [
    "The army reportedly killed as many as 100 fighters, sources said.",
    "The ministry denied the reports. Officials said nothing else.",
    "Nothing here needs checking at all.",
    "Critics say the law is probably unconstitutional.",
]


def write_corpus(path: Path, count: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for index in range(count):
            record = {"id": f"doc-{index}", "text": DRAFTS[index % len(DRAFTS)] + f" Story {index}."}
            if index % 2:
                record["date"] = f"2018-0{1 + index % 9}-15"
            handle.write(json.dumps(record) + "\n")
    return path


def read_records(path: Path) -> dict[str, dict]:
    records: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert record["id"] not in records, f"document {record['id']} written twice"
        records[record["id"]] = record
    return records


def comparable(records: dict[str, dict]) -> dict[str, list]:
    return {key: sorted((f["rule"], f["span"]["start"], f["span"]["end"]) for f in r["findings"])
            for key, r in records.items()}


def run(*argv: str) -> int:
    return main(["scan", *argv, "--no-progress"])


def test_jsonl_scan_writes_one_valid_record_per_document(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 20)
    out = tmp_path / "out.jsonl"
    assert run(str(corpus), "--out", str(out)) == 0
    records = read_records(out)
    assert set(records) == {f"doc-{i}" for i in range(20)}
    finding_validator = validator("finding")
    for record in records.values():
        for finding in record["findings"]:
            finding_validator.validate(finding)
    assert {f["rule"] for f in records["doc-0"]["findings"]} >= {"hedges.reportedly", "sourcing.vague-attribution"}
    assert records["doc-1"]["date"] == "2018-02-15"
    assert records["doc-2"]["findings"] == []


def test_directory_and_glob_inputs(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    (drafts / "sub").mkdir(parents=True)
    (drafts / "a.txt").write_text(DRAFTS[0], encoding="utf-8")
    (drafts / "sub" / "b.txt").write_text(DRAFTS[1], encoding="utf-8")
    (drafts / "skip.bin").write_bytes(b"\x00\x01")
    out = tmp_path / "dir.jsonl"
    assert run(str(drafts), "--out", str(out)) == 0
    assert set(read_records(out)) == {"a.txt", str(Path("sub") / "b.txt")}
    out_glob = tmp_path / "glob.jsonl"
    assert run(str(drafts / "**" / "*.txt"), "--out", str(out_glob)) == 0
    assert len(read_records(out_glob)) == 2


def test_parallel_scan_writes_the_same_findings_as_one_process(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 60)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run(str(corpus), "--out", str(one)) == 0
    assert run(str(corpus), "--out", str(two), "--jobs", "2") == 0
    assert comparable(read_records(one)) == comparable(read_records(two))


def test_resume_after_interruption_neither_loses_nor_duplicates(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 40)
    full = tmp_path / "full.jsonl"
    assert run(str(corpus), "--out", str(full)) == 0
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    interrupted = tmp_path / "interrupted.jsonl"
    # 13 complete records, then a record torn in the middle of its line, as a killed run leaves it
    interrupted.write_text("".join(lines[:13]) + lines[13][: len(lines[13]) // 2], encoding="utf-8")
    assert run(str(corpus), "--out", str(interrupted), "--resume") == 0
    assert comparable(read_records(interrupted)) == comparable(read_records(full))


def test_existing_output_is_not_overwritten_without_asking(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 3)
    out = tmp_path / "out.jsonl"
    out.write_text("precious\n", encoding="utf-8")
    assert run(str(corpus), "--out", str(out)) == 2
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert "--resume" in capsys.readouterr().err


def test_bad_records_and_files_are_errors_of_their_document_only(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "good.txt").write_text(DRAFTS[0], encoding="utf-8")
    (drafts / "bad.txt").write_bytes(b"caf\xe9 reportedly")
    out = tmp_path / "out.jsonl"
    assert run(str(drafts), "--out", str(out)) == 0
    records = read_records(out)
    assert records["good.txt"]["findings"]
    assert records["bad.txt"]["errors"][0]["kind"] == "input-error"
    assert "UTF-8" in records["bad.txt"]["errors"][0]["message"]


def test_lone_surrogates_in_a_corpus_are_replaced_with_a_warning(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "s", "text": "It reportedly \\ud800 fell."}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(str(corpus), "--out", str(out)) == 0
    record = read_records(out)["s"]
    assert record["findings"][0]["text"] == "reportedly"
    assert record["errors"][0]["kind"] == "input-warning"


def test_scan_date_is_for_undated_documents_only(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        '{"id": "dated", "text": "The mayor resigned last week.", "date": "2018-02-16"}\n'
        '{"id": "undated", "text": "The mayor resigned last week."}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(str(corpus), "--out", str(out), "--date", "2020-06-10") == 0
    records = read_records(out)
    resolved = {key: r["findings"][0]["data"]["resolved_start"] for key, r in records.items()}
    assert resolved == {"dated": "2018-02-05", "undated": "2020-06-01"}
    assert records["undated"]["date"] == "2020-06-10"


def test_process_runner_keeps_a_bounded_window_in_flight() -> None:
    """Memory stays flat: the runner must not read the corpus ahead of what it has written."""
    pulled = 0

    def endless() -> object:
        nonlocal pulled
        for index in range(10_000):
            pulled += 1
            yield [scan_module.Item(id=str(index), text="It reportedly fell.")]

    options = scan_module.ScanOptions()
    results = scan_module.run_processes(endless(), options, 2)
    for consumed in range(1, 41):
        next(results)
        assert pulled - consumed <= 2 * 3 + 1
    results.close()


def test_dask_scan_writes_the_same_findings_as_the_local_scan(tmp_path: Path) -> None:
    import distributed
    corpus = write_corpus(tmp_path / "corpus.jsonl", 30)
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    assert run(str(corpus), "--out", str(local)) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert run(str(corpus), "--out", str(remote), "--engine", "dask", "--scheduler", cluster.scheduler_address) == 0
    assert comparable(read_records(remote)) == comparable(read_records(local))


def test_dask_engine_needs_a_scheduler(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 1)
    assert run(str(corpus), "--out", str(tmp_path / "o.jsonl"), "--engine", "dask") == 2
    assert "--scheduler" in capsys.readouterr().err
