"""The entry-point cache: the scan's result is reused only while the installed distributions are unchanged,
and a corrupt or foreign cache file is never trusted (the scan just runs again)."""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import pytest

from factrules import entrypoints, packcache

GROUP = "factrules"


@pytest.fixture
def cache(factrules_cache: Path) -> Path:
    return factrules_cache


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory on ``sys.path`` where the tests install distributions by hand, as pip leaves them."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every real scan of the installed metadata (a cache miss)."""
    seen: list[str] = []
    original = entrypoints.scan

    def counting(group: str) -> list[entrypoints.EntryRecord]:
        seen.append(group)
        return original(group)

    monkeypatch.setattr(entrypoints, "scan", counting)
    return seen


def install(site: Path, name: str, points: str, version: str = "1.0") -> Path:
    """A distribution ``name`` with ``points`` as its ``[factrules]`` entry points."""
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{points}\n", encoding="utf-8")
    bump(site)
    return info


def bump(path: Path) -> None:
    """Move a modification time on by a second: a file system's clock may be too coarse to see a quick change."""
    info = os.stat(path)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def mine(records: list[entrypoints.EntryRecord]) -> list[tuple[str, str, str | None, str | None]]:
    return [(r.name, r.value, r.dist_name, r.dist_version) for r in records if r.name.startswith("desk")]


def test_second_run_reuses_the_scan(cache: Path, site: Path, scans: list[str]) -> None:
    install(site, "desk-plugin", "desk = desk_module:hooks")
    first = entrypoints.entry_points(GROUP, remember=True)
    assert mine(first) == [("desk", "desk_module:hooks", "desk-plugin", "1.0")]
    assert entrypoints.entry_points(GROUP, remember=True) == first
    # a report written into a folder on sys.path (the working directory often is) is no new distribution
    (site / "report.txt").write_text("findings\n", encoding="utf-8")
    bump(site)
    assert entrypoints.entry_points(GROUP, remember=True) == first
    assert len(scans) == 1
    assert list(cache.glob("entry-points-*.bin"))


def test_installing_upgrading_or_removing_a_distribution_scans_again(cache: Path, site: Path,
                                                                     scans: list[str]) -> None:
    entrypoints.entry_points(GROUP, remember=True)
    info = install(site, "desk-plugin", "desk = desk_module:hooks")
    assert mine(entrypoints.entry_points(GROUP, remember=True)) == [("desk", "desk_module:hooks", "desk-plugin",
                                                                     "1.0")]
    # edited in place (an editable install's entry points changed), the folder's listing unchanged
    (info / "entry_points.txt").write_text(f"[{GROUP}]\ndesk_two = desk_module:other\n", encoding="utf-8")
    bump(info / "entry_points.txt")
    assert mine(entrypoints.entry_points(GROUP, remember=True)) == [("desk_two", "desk_module:other",
                                                                     "desk-plugin", "1.0")]
    for path in info.iterdir():
        path.unlink()
    info.rmdir()
    bump(site)
    assert mine(entrypoints.entry_points(GROUP, remember=True)) == []
    assert len(scans) == 4


def test_a_corrupt_or_foreign_cache_file_is_rescanned_without_error(cache: Path, site: Path,
                                                                    scans: list[str]) -> None:
    install(site, "desk-plugin", "desk = desk_module:hooks")
    entrypoints.entry_points(GROUP, remember=True)
    [entry] = cache.glob("entry-points-*.bin")
    entry.write_bytes(entry.read_bytes()[:-7] + b"garbage")
    assert mine(entrypoints.entry_points(GROUP, remember=True))[0][0] == "desk"

    class Bomb:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (pytest.fail, ("a foreign cache file was unpickled",))

    # a file with the right layout but another MAC (another user, another fingerprint): never unpickled
    entry.write_bytes(packcache.MAGIC + b"\0" * 32 + pickle.dumps(Bomb()))
    assert mine(entrypoints.entry_points(GROUP, remember=True))[0][0] == "desk"
    assert len(scans) == 3


def test_no_cache_when_caching_is_off_or_a_finder_finds_distributions(cache: Path, site: Path, scans: list[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTRULES_NO_CACHE", "1")
    entrypoints.entry_points(GROUP, remember=True)
    entrypoints.entry_points(GROUP, remember=True)
    assert len(scans) == 2 and not cache.exists()
    monkeypatch.delenv("FACTRULES_NO_CACHE")

    class Finder:
        """Finds distributions of its own, where no fingerprint can see them."""

        def find_spec(self, *args: object) -> None:
            return None

        def find_distributions(self, *args: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    entrypoints.entry_points(GROUP, remember=True)
    entrypoints.entry_points(GROUP, remember=True)
    assert len(scans) == 4


def test_a_cached_entry_point_loads_like_importlib_metadata(cache: Path, site: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "desk_module_for_cache.py").write_text("class hooks:\n    marker = 'loaded'\n", encoding="utf-8")
    install(site, "desk-plugin", "desk = desk_module_for_cache:hooks.marker")
    monkeypatch.delitem(sys.modules, "desk_module_for_cache", raising=False)
    entrypoints.entry_points(GROUP, remember=True)
    [record] = [r for r in entrypoints.entry_points(GROUP, remember=True) if r.name == "desk"]
    assert record.load() == "loaded"
