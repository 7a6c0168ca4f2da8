"""The table of remembered answers (dateparser's offsets): reused only by the same code and the same
dateparser, never trusted when corrupt or foreign, and never grown without end."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from factrules import dates_resolve, memo, packcache


@pytest.fixture
def cache(factrules_cache: Path) -> Path:
    return factrules_cache


def never() -> object:
    raise AssertionError("computed again: the remembered answer was not used")


def test_an_answer_is_remembered_by_the_next_run(cache: Path) -> None:
    table = memo.Memo("test", lambda: "dependency 1")
    assert table.get("two days ago", lambda: (-2, 0)) == (-2, 0)
    assert table.get("a few days ago", lambda: None) is None  # "cannot read it" is an answer too
    table.save()
    table.reset()  # as a new process
    assert table.get("two days ago", never) == (-2, 0)
    assert table.get("a few days ago", never) is None


def test_another_dependency_or_a_foreign_file_means_asking_again(cache: Path) -> None:
    table = memo.Memo("test", lambda: "dependency 1")
    table.get("phrase", lambda: 1)
    table.save()
    upgraded = memo.Memo("test", lambda: "dependency 2")
    assert upgraded.get("phrase", lambda: 2) == 2

    class Bomb:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (pytest.fail, ("a foreign table was unpickled",))

    for path in cache.glob("memo-test-*.bin"):
        path.write_bytes(packcache.MAGIC + b"\0" * 32 + pickle.dumps(Bomb()))
    for table in (memo.Memo("test", lambda: "dependency 1"), memo.Memo("test", lambda: "dependency 2")):
        assert table.get("phrase", lambda: 3) == 3


def test_nothing_is_written_when_the_cache_is_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTRULES_NO_CACHE", "1")
    table = memo.Memo("test", lambda: "")
    assert table.get("phrase", lambda: 1) == 1
    table.save()
    assert not cache.exists()


def test_the_table_does_not_grow_without_end(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "MAX_ENTRIES", 3)
    table = memo.Memo("test", lambda: "")
    assert [table.get(n, lambda n=n: n * 2) for n in range(6)] == [0, 2, 4, 6, 8, 10]
    assert len(table._table or {}) == 3


def test_package_state_changes_with_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "memo_probe_package"
    package.mkdir()
    (package / "__init__.py").write_text("__version__ = '1.0'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = memo.package_files_state("memo_probe_package")
    (package / "__init__.py").write_text("__version__ = '1.10'\n", encoding="utf-8")
    assert memo.package_files_state("memo_probe_package") not in ("", before)
    assert memo.package_files_state("no_such_package_anywhere") == ""


def test_a_counted_offset_comes_back_without_dateparser(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    offsets = memo.Memo("dateparser-offsets-test", lambda: memo.package_files_state("dateparser"))
    monkeypatch.setattr(dates_resolve, "OFFSETS", offsets)
    dates_resolve.parsed_offset.cache_clear()
    first = dates_resolve.parsed_offset("three weeks ago")
    assert first is not None and first[0] == -21
    offsets.save()
    offsets.reset()
    dates_resolve.parsed_offset.cache_clear()
    monkeypatch.setattr(dates_resolve, "_dateparser_offset", lambda phrase: never())
    assert dates_resolve.parsed_offset("three weeks ago") == first
    dates_resolve.parsed_offset.cache_clear()


def test_front_matter_read_before_is_not_parsed_again(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from factrules.readers import frontmatter

    table = memo.Memo("front-matter-test", lambda: "yaml 1")
    monkeypatch.setattr(frontmatter, "READ", table)
    text = "title: Council budget\ndate: 2025-03-14\nlang: en\n"
    first = frontmatter.metadata_from_yaml(text)
    assert first["date"].isoformat() == "2025-03-14" and first["title"] == "Council budget"
    table.save()
    table.reset()
    monkeypatch.setattr(frontmatter, "_read_metadata", lambda *args: never())
    assert frontmatter.metadata_from_yaml(text) == first


def test_front_matter_with_a_note_or_a_dateparser_date_is_never_remembered(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from factrules.readers import frontmatter

    table = memo.Memo("front-matter-test", lambda: "yaml 1")
    monkeypatch.setattr(frontmatter, "READ", table)
    recursive = "title: x\na: &x [1, *x]\n"
    for _ in range(2):  # the note is reported on every read, not only the first
        notes: list[str] = []
        assert frontmatter.metadata_from_yaml(recursive, notes, first_line=3) == {}
        assert len(notes) == 1 and notes[0].startswith("line 4: front matter not read")
    frontmatter.metadata_from_yaml("date: March 14, 2025\n")  # read by dateparser, which may use today
    assert table.lookup(hashlib_hex(recursive)) == (False, None)
    assert table.lookup(hashlib_hex("date: March 14, 2025\n")) == (False, None)


def hashlib_hex(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_answers_are_written_where_the_table_was_read(cache: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved at exit, when a test (or anything) may have pointed the cache elsewhere meanwhile."""
    table = memo.Memo("test", lambda: "")
    table.get("phrase", lambda: 1)
    monkeypatch.setenv("FACTRULES_CACHE_DIR", str(tmp_path / "elsewhere"))
    table.save()
    assert list(cache.glob("memo-test-*.bin")) and not (tmp_path / "elsewhere").exists()
