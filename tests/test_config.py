"""Configuration: .factrules.yaml and [tool.factrules], found from the checked path upwards, validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from factrules.config import Config, find_config_file, load_config
from factrules.errors import ConfigError

DRAFT = "It reportedly fell, sources said. The ministry denied it."
HOUSE = """\
pack: house
defaults: {category: style, severity: error}
rules:
  - id: utilize
    kind: phrase
    phrases: [utilize]
    examples: {match: [utilize]}
"""


def rules_of(report: dict) -> list[str]:
    return [f["rule"] for f in report["findings"]]


def test_yaml_config_found_from_the_checked_path_upwards(cli, write, tmp_path: Path) -> None:
    write("newsroom/.factrules.yaml", "ignore: [denials]\nseverity: {hedge: error}\n")
    draft = write("newsroom/metro/2018/story.txt", DRAFT)
    outside = write("elsewhere/story.txt", DRAFT)
    report = cli("check", draft, "--format", "json").json
    assert rules_of(report) == ["hedges.reportedly", "sourcing.vague-attribution"]
    assert report["findings"][0]["severity"] == "error"
    assert rules_of(cli("check", outside, "--format", "json").json) == [
        "hedges.reportedly", "sourcing.vague-attribution", "denials.denied"]


def test_each_file_uses_its_own_nearest_config(cli, write, tmp_path: Path) -> None:
    write("a/.factrules.yaml", "select: [hedges]\n")
    write("b/.factrules.yaml", "select: [denials]\n")
    first = write("a/story.txt", DRAFT)
    second = write("b/story.txt", DRAFT)
    report = cli("check", first, second, "--format", "json").json
    assert [(Path(f["path"]).parent.name, f["rule"]) for f in report["findings"]] == [
        ("a", "hedges.reportedly"), ("b", "denials.denied")]


def test_pyproject_tool_section(cli, write) -> None:
    write("proj/pyproject.toml", '[project]\nname = "drafts"\n\n[tool.factrules]\nselect = ["sourcing"]\n'
                                 'fail-on = "never"\n')
    draft = write("proj/drafts/story.txt", DRAFT)
    result = cli("check", draft, "--format", "json")
    assert rules_of(result.json) == ["sourcing.vague-attribution"]
    assert result.code == 0  # fail-on never, spelled with a dash as TOML users do


def test_pyproject_without_tool_section_is_passed_over(write, tmp_path: Path) -> None:
    write("outer/.factrules.yaml", "ignore: [hedges]\n")
    write("outer/inner/pyproject.toml", '[project]\nname = "x"\n')
    draft = write("outer/inner/story.txt", DRAFT)
    assert find_config_file(draft) == tmp_path / "outer" / ".factrules.yaml"


def test_yaml_config_wins_over_pyproject_in_one_folder(write, tmp_path: Path) -> None:
    write("both/pyproject.toml", "[tool.factrules]\nignore = []\n")
    write("both/.factrules.yaml", "ignore: []\n")
    assert find_config_file(write("both/s.txt", "x")) == tmp_path / "both" / ".factrules.yaml"


def test_rules_enable_and_extra_pack_paths_relative_to_config(cli, write) -> None:
    write("desk/packs/house.yaml", HOUSE.replace("    examples", "    enabled: false\n    examples"))
    write("desk/.factrules.yaml", "rules: [packs]\nenable: [house.utilize]\nignore: [hedges, sourcing]\n")
    draft = write("desk/story.txt", "We utilize it. " + DRAFT)
    assert rules_of(cli("check", draft, "--format", "json").json) == ["house.utilize", "denials.denied"]


def test_cli_options_combine_with_config(cli, write) -> None:
    write("c/.factrules.yaml", "ignore: [denials]\n")
    draft = write("c/story.txt", DRAFT)
    assert rules_of(cli("check", draft, "--ignore", "hedges", "--format", "json").json) == [
        "sourcing.vague-attribution"]
    assert rules_of(cli("check", draft, "--select", "hedges,denials", "--format", "json").json) == [
        "hedges.reportedly"]


def test_explicit_config_replaces_discovery(cli, write) -> None:
    write("d/.factrules.yaml", "ignore: [hedges, sourcing, denials]\n")
    explicit = write("explicit.yaml", "select: [hedges]\n")
    draft = write("d/story.txt", DRAFT)
    assert rules_of(cli("check", draft, "--config", explicit, "--format", "json").json) == ["hedges.reportedly"]


def test_config_fail_on(cli, write) -> None:
    write("e/.factrules.yaml", "fail_on: error\n")
    draft = write("e/story.txt", DRAFT)
    assert cli("check", draft).code == 0
    assert cli("check", draft, "--fail-on", "warning").code == 1  # the command line wins


def test_config_timeout_reaches_the_rules(cli, write) -> None:
    write("t/.factrules.yaml", "timeout: 0.05\nrules: [slow.yaml]\n")
    write("t/slow.yaml", "pack: slow\ndefaults: {category: c}\nrules:\n  - id: s\n    kind: pattern\n"
                         "    pattern: '(a+)+$'\n    examples: {match: [aaa]}\n")
    draft = write("t/story.txt", "It reportedly fell.\n\n" + "a" * 30_000 + "!")
    report = cli("check", draft, "--format", "json").json
    assert [e["rule"] for e in report["errors"] if e["kind"] == "rule-timeout"] == ["slow.s"]
    assert "hedges.reportedly" in rules_of(report)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (".factrules.yaml", "severity: {hedges: fatal}\n", "config key 'severity/hedges'"),
        (".factrules.yaml", "colour: red\n", "'colour' was unexpected"),
        (".factrules.yaml", "select: hedges\n", "config key 'select'"),
        (".factrules.yaml", "ignore: [unclosed\n", "invalid YAML"),
        (".factrules.yaml", "timeout: -1\n", "config key 'timeout'"),
        ("pyproject.toml", "[tool.factrules]\nselect = 3\n", "config key 'select'"),
        ("pyproject.toml", "[tool.factrules\nselect = 3\n", "invalid TOML"),
    ],
)
def test_invalid_config_is_one_line_exit_2(cli, write, tmp_path: Path, name: str, content: str, words: str) -> None:
    config = write(f"bad/{name}", content)
    draft = write("bad/story.txt", DRAFT)
    if name == "pyproject.toml" and "invalid TOML" in words:
        result = cli("check", draft, "--config", config)  # unreadable pyproject is skipped in discovery
    else:
        result = cli("check", draft)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    assert str(config) in lines[0] and words in lines[0], lines[0]


def test_invalid_config_as_subprocess(cli_proc, write) -> None:
    write("bad/.factrules.yaml", "fail_on: sometimes\n")
    result = cli_proc("check", write("bad/story.txt", DRAFT))
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "fail_on" in result.err


def test_load_config_values(write) -> None:
    path = write("cfg/.factrules.yaml", "date: 2018-02-16\nrules: [packs, /abs/pack.yaml]\n")
    config = load_config(path)
    assert config.values["date"] == "2018-02-16"
    assert config.date is not None and config.date.isoformat() == "2018-02-16"
    assert config.rule_paths == [path.parent / "packs", Path("/abs/pack.yaml")]
    assert Config().rule_paths == [] and Config().date is None
    assert hash(config) == hash(load_config(path))


def test_empty_config_file_is_valid(write) -> None:
    assert load_config(write("cfg/.factrules.yaml", "")).values == {}


def test_plugin_config_properties_are_accepted(write) -> None:
    path = write("cfg/.factrules.yaml", "house_style: strict\n")
    with pytest.raises(ConfigError):
        load_config(path)
    assert load_config(path, {"house_style": {"enum": ["strict", "loose"]}}).values == {"house_style": "strict"}
