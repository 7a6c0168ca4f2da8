"""The compiled-pack cache: used when verified, rebuilt silently when not, never unpickles a foreign file."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from factrules import packcache, packs
from factrules.document import Document
from factrules.engine import Engine
from factrules.packs import load_packs
from factrules.plugins import registry

PACK = """\
pack: house
rules:
  - id: slated
    kind: phrase
    category: hedge
    message: "'{text}' is vague"
    phrases: [is slated to, is poised to]
    examples:
      match: ["The mayor is slated to speak."]
      no_match: ["The mayor will speak."]
  - id: sources-say
    kind: pattern
    category: unverified
    pattern: '\\bsources\\s+(?:say|said)\\b'
    examples:
      match: ["Sources said the talks failed."]
      no_match: ["The talks failed."]
"""
TEXT = "The mayor is slated to speak on Monday. Sources said the talks failed."


@pytest.fixture
def cache(factrules_cache: Path) -> Path:
    return factrules_cache


@pytest.fixture
def pack_file(tmp_path: Path) -> Path:
    path = tmp_path / "house.yaml"
    path.write_text(PACK, encoding="utf-8")
    return path


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every pack compiled from YAML (a cache miss), by file name."""
    seen: list[str] = []
    original = packs.load_pack

    def counting(path: Path, *args: Any, **kwargs: Any) -> Any:
        seen.append(Path(path).name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(packs, "load_pack", counting)
    return seen


def findings_of(pack_path: Path) -> list[dict[str, Any]]:
    loaded = load_packs([pack_path], registry().matchers)
    engine = Engine(loaded, registry())
    found, _ = engine.check(Document(path="d.txt", text=TEXT, metadata={}))
    return [f.to_dict() for f in found]


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("pack-*.bin"))


def test_second_load_comes_from_the_cache_with_the_same_findings(cache: Path, pack_file: Path,
                                                                  compiles: list[str]) -> None:
    first = findings_of(pack_file)
    assert compiles == ["house.yaml"] and len(entries(cache)) == 1
    second = findings_of(pack_file)
    assert compiles == ["house.yaml"]  # not compiled again
    assert second == first and len(first) == 2


def test_an_edited_pack_is_compiled_again(cache: Path, pack_file: Path, compiles: list[str]) -> None:
    findings_of(pack_file)
    pack_file.write_text(PACK.replace("is poised to", "is set to"), encoding="utf-8")
    findings_of(pack_file)
    assert compiles == ["house.yaml", "house.yaml"]
    assert len(entries(cache)) == 2  # a new key; the stale entry is never read


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_a_corrupt_entry_is_rebuilt_silently(cache: Path, pack_file: Path, compiles: list[str],
                                             damage: str) -> None:
    expected = findings_of(pack_file)
    (entry,) = entries(cache)
    data = entry.read_bytes()
    broken = {"truncate": data[: len(data) // 2], "flip": data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:],
              "empty": b"", "garbage": os.urandom(200)}[damage]
    entry.write_bytes(broken)
    assert findings_of(pack_file) == expected
    assert compiles == ["house.yaml", "house.yaml"]
    assert entry.read_bytes() == data  # rewritten with the same verified content
    findings_of(pack_file)
    assert compiles == ["house.yaml", "house.yaml"]


_UNPICKLED: list[str] = []


def _record() -> str:
    _UNPICKLED.append("ran")
    return "ran"


class _Trap:
    def __reduce__(self) -> tuple[Any, ...]:
        return (_record, ())


def test_a_foreign_file_is_never_unpickled(cache: Path, pack_file: Path, compiles: list[str]) -> None:
    expected = findings_of(pack_file)
    (entry,) = entries(cache)
    payload = pickle.dumps(_Trap())
    other_secret = b"x" * 32
    key = b"anything"
    entry.write_bytes(packcache.MAGIC + packcache._mac(other_secret, key, payload) + payload)
    assert findings_of(pack_file) == expected
    assert _UNPICKLED == []
    assert compiles == ["house.yaml", "house.yaml"]


def test_a_secret_others_may_write_turns_the_cache_off(cache: Path, pack_file: Path, compiles: list[str]) -> None:
    findings_of(pack_file)
    (cache / "secret.key").chmod(0o666)
    findings_of(pack_file)
    findings_of(pack_file)
    assert compiles == ["house.yaml"] * 3


def test_the_cache_can_be_turned_off(cache: Path, pack_file: Path, compiles: list[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTRULES_NO_CACHE", "1")
    findings_of(pack_file)
    findings_of(pack_file)
    assert compiles == ["house.yaml"] * 2
    assert not cache.exists()


def test_a_broken_pack_is_never_cached(cache: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(PACK.replace("kind: phrase", "kind: nosuchkind"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(packs.PackError, match="unknown kind 'nosuchkind'"):
            load_packs([broken], registry().matchers)
    assert entries(cache) == []


def test_a_kind_from_outside_factrules_is_not_cached(cache: Path, pack_file: Path, compiles: list[str]) -> None:
    kinds = dict(registry().matchers)
    kinds["phrase"] = type("HousePhrase", (kinds["phrase"],), {"__module__": "house_plugin"})
    load_packs([pack_file], kinds)
    load_packs([pack_file], kinds)
    assert compiles == ["house.yaml"] * 2
    assert entries(cache) == []


def test_the_built_in_packs_round_trip(cache: Path, compiles: list[str]) -> None:
    plugins = registry()
    cold = load_packs(plugins.pack_paths, plugins.matchers)
    count = len(compiles)
    warm = load_packs(plugins.pack_paths, plugins.matchers)
    assert len(compiles) == count  # every built-in pack came from the cache
    text = ("Officials said on Tuesday that about 300 people were killed, according to a source "
            "who asked not to be named. The company denied the report, and the minister reportedly resigned.")
    results = []
    for loaded in (cold, warm):
        found, _ = Engine(loaded, plugins).check(Document(path="d.txt", text=text, metadata={}))
        results.append([f.to_dict() for f in found])
    assert results[0] == results[1] and results[0]


def test_old_entries_are_pruned(cache: Path, pack_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packcache, "MAX_ENTRIES", 5)
    for n in range(8):
        pack_file.write_text(PACK.replace("is poised to", f"is poised {n} to"), encoding="utf-8")
        findings_of(pack_file)
    assert 1 <= len(entries(cache)) <= 5
    assert findings_of(pack_file)  # the newest is still there and loads


def test_the_key_covers_the_schemas_a_pack_is_validated_against() -> None:
    """An edited schema (in a checkout) changes the key, so packs compiled under the old one are not reused."""
    from factrules.resources import data_dir

    packcache._code_state.cache_clear()
    try:
        state = packcache._code_state()
    finally:
        packcache._code_state.cache_clear()
    schema = data_dir("schemas") / "rule-pack.schema.json"
    assert schema.is_file() and str(schema) in state
