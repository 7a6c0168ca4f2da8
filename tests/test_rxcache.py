"""The table of module-level regexes: the same patterns back from it, written only when something is new."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import regex

from factrules import packcache, rxcache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FACTRULES_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FACTRULES_NO_CACHE", raising=False)
    rxcache._reset()
    yield tmp_path
    rxcache._reset()


SOURCE = r"(?<![\p{L}])\p{Lu}\w+(?:\s+\p{Lu}\w+)*"


def test_a_pattern_comes_back_from_the_table_and_matches_the_same(cache: Path) -> None:
    first = rxcache.compile(SOURCE, regex.IGNORECASE)
    rxcache._save()
    (table,) = cache.glob("regex-*.bin")
    rxcache._reset()
    second = rxcache.compile(SOURCE, regex.IGNORECASE)
    assert not rxcache._new  # found in the table, not compiled again
    assert second.pattern == first.pattern and second.flags == first.flags
    text = "The Port Authority met Ana Silva in Lisbon."
    assert [m.span() for m in second.finditer(text)] == [m.span() for m in first.finditer(text)]
    assert table.exists()


def test_a_foreign_table_is_ignored(cache: Path) -> None:
    rxcache.compile(SOURCE)
    rxcache._save()
    (table,) = cache.glob("regex-*.bin")
    payload = pickle.dumps({(SOURCE, 0): regex.compile("nothing like it")})
    table.write_bytes(packcache.MAGIC + packcache._mac(b"y" * 32, b"k", payload) + payload)
    rxcache._reset()
    assert rxcache.compile(SOURCE).pattern == SOURCE
    assert rxcache._new == {(SOURCE, 0)}


def test_nothing_is_written_when_the_cache_is_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTRULES_NO_CACHE", "1")
    assert rxcache.compile(SOURCE).pattern == SOURCE
    rxcache._save()
    assert list(cache.iterdir()) == []


def test_the_table_does_not_grow_without_end(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rxcache, "MAX_PATTERNS", 3)
    for n in range(6):
        assert rxcache.compile(f"a{{{n}}}").pattern == f"a{{{n}}}"
    assert len(rxcache._table) == 3


RE_SOURCE = r"(?x) (?P<word> \b[a-z]+ ) \s+ (?:last|next)\s+(?P<unit>week|month) | (?P<n>\d+)\s+days?"


def test_a_standard_re_pattern_comes_back_equal_from_the_table(cache: Path) -> None:
    """``re.Pattern`` equality compares the compiled code, so an equal pattern behaves the same."""
    import re

    first = rxcache.compile_re(RE_SOURCE, re.IGNORECASE)
    assert ("re", RE_SOURCE, int(re.IGNORECASE)) in rxcache._new
    rxcache._save()
    rxcache._reset()
    second = rxcache.compile_re(RE_SOURCE, re.IGNORECASE)
    assert not rxcache._new  # built from the table, not compiled again
    assert second == re.compile(RE_SOURCE, re.IGNORECASE) == first
    assert second.groupindex == first.groupindex and second.flags == first.flags
    text = "It rained LAST week; Ana came back 3 days later, Tom next Month."
    assert [m.groupdict() for m in second.finditer(text)] == [m.groupdict() for m in first.finditer(text)]


def test_a_bad_standard_re_entry_means_compiling_as_usual(cache: Path) -> None:
    import re

    rxcache.compile_re("a+b")
    rxcache._table[("re", "a+b", 0)] = ("not", "what", "the", "engine", "takes")
    assert rxcache.compile_re("a+b") == re.compile("a+b")
