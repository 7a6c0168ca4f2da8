"""A typo'd selector is an error naming it and the nearest known ids, never a silent green run (issue 13.1)."""

from __future__ import annotations

import pytest

from factrules import check_text
from factrules.selectors import UnknownSelectorError

DRAFT = "It reportedly fell, sources said. The ministry denied it.\n"


@pytest.mark.parametrize(
    ("options", "where", "nearest"),
    [
        (["--select", "hedgez"], "--select: 'hedgez'", "'hedges'"),
        (["--ignore", "hedges.reportedy"], "--ignore: 'hedges.reportedy'", "'hedges.reportedly'"),
        (["--select", "hedgez.*"], "--select: 'hedgez.*' glob", "'hedges.*'"),
        (["--enable", "denail"], "--enable: 'denail'", "'denial'"),
    ],
)
def test_unknown_selector_on_the_command_line_is_exit_2(cli, write, options, where, nearest) -> None:
    result = cli("check", write("d.txt", DRAFT), *options)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert where in result.err and "did you mean" in result.err and nearest in result.err


def test_known_selectors_still_select(cli, write) -> None:
    result = cli("check", write("d.txt", DRAFT), "--select", "hedge,sourcing.*,all", "--format", "json")
    assert result.code == 1 and result.json["findings"]


def test_unknown_selector_in_config_names_the_config_file(cli, write, tmp_path) -> None:
    write(".factrules.yaml", "ignore: [hedgez]\n")
    draft = write("d.txt", DRAFT)
    result = cli("check", draft, "--config", tmp_path / ".factrules.yaml")
    assert result.code == 2
    assert "ignore in" in result.err and ".factrules.yaml" in result.err and "'hedgez'" in result.err


def test_command_line_select_replaces_a_config_select_that_is_not_checked(cli, write, tmp_path) -> None:
    """A config ``select`` that the command line overrides is not used, so it is not an error either."""
    write(".factrules.yaml", "select: [hedgez]\n")
    result = cli("check", write("d.txt", DRAFT), "--config", tmp_path / ".factrules.yaml", "--select", "hedges")
    assert result.code == 1


def test_api_raises_unknown_selector_error() -> None:
    with pytest.raises(UnknownSelectorError) as caught:
        check_text(DRAFT, select=["hedgez"])
    assert caught.value.field == "select" and "hedges" in caught.value.nearest


def test_rules_test_with_an_unknown_selector_is_an_error_not_zero_examples(cli) -> None:
    result = cli("rules", "test", "--select", "hedgez")
    assert result.code == 2 and "'hedgez'" in result.err and "'hedges'" in result.err
    assert cli("rules", "test", "--select", "hedges").code == 0
