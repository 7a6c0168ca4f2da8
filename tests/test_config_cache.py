"""Validated configs remembered between runs: only the same text under the same schema, never an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from factrules import config
from factrules.errors import ConfigError


@pytest.fixture
def cache(factrules_cache: Path) -> Path:
    config.VALIDATED.reset()
    yield factrules_cache
    config.VALIDATED.reset()


def next_run() -> None:
    """What a new process sees: the table as written at exit, nothing in memory."""
    config.VALIDATED.save()
    config.VALIDATED.reset()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every config parsed and validated (not taken from the table)."""
    seen: list[str] = []
    original = config._read_values

    def counting(path: Path, raw: str, extra: Any) -> Any:
        seen.append(path.name)
        return original(path, raw, extra)

    monkeypatch.setattr(config, "_read_values", counting)
    return seen


def test_a_valid_config_is_not_parsed_again(cache: Path, tmp_path: Path, reads: list[str]) -> None:
    path = tmp_path / ".factrules.yaml"
    path.write_text("ignore: [hedges.seen-as]\ndate: 2025-03-14\n", encoding="utf-8")
    first = config.load_config(path)
    next_run()
    second = config.load_config(path)
    assert second == first and second.date is not None and second.date.isoformat() == "2025-03-14"
    assert reads == [".factrules.yaml"]
    second.values["ignore"].append("changed in memory")  # a caller's edit is its own
    assert config.load_config(path).get("ignore") == ["hedges.seen-as"]


def test_an_edit_or_another_schema_validates_again(cache: Path, tmp_path: Path, reads: list[str]) -> None:
    path = tmp_path / ".factrules.yaml"
    path.write_text("house_style: strict\n", encoding="utf-8")
    plugin_keys = {"house_style": {"enum": ["strict", "loose"]}}
    assert config.load_config(path, plugin_keys).get("house_style") == "strict"
    next_run()
    with pytest.raises(ConfigError, match="house_style"):  # the plugin that allowed the key is gone
        config.load_config(path)
    path.write_text("house_style: loose\n", encoding="utf-8")
    assert config.load_config(path, plugin_keys).get("house_style") == "loose"
    assert len(reads) == 3


def test_an_invalid_config_is_never_remembered(cache: Path, tmp_path: Path, reads: list[str]) -> None:
    path = tmp_path / ".factrules.yaml"
    path.write_text("selcet: [hedges]\n", encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(ConfigError) as error:
            config.load_config(path)
        messages.append(str(error.value))
        next_run()
    assert messages[0] == messages[1] and ":1:" in messages[0]
    assert len(reads) == 2


def test_a_pyproject_without_a_section_stays_default(cache: Path, tmp_path: Path, reads: list[str]) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert config.load_config(path) == config.Config()
    next_run()
    assert config.load_config(path) == config.Config()
    assert reads == ["pyproject.toml"]
