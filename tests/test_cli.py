"""The command line: check (files, directories, stdin, formats, options, exit status) and the rules commands."""

from __future__ import annotations

import io
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from factrules import __version__
from factrules.cli.commands.check import use_color

DRAFT = "Headline\n\nThe minister reportedly resigned. The ministry denied the reports.\n"

#: A plugin module with a matcher kind that reports the article date the engine gave the document.
DATE_PLUGIN = '''
from factrules.hookspecs import hookimpl
from factrules.matchers.base import Match, Matcher


class DateProbe(Matcher):
    kind = "date-probe"

    def find(self, document, prior=()):
        yield Match(0, 1, data={"seen": str(document.metadata.get("date"))})


@hookimpl
def factrules_matchers():
    return {"date-probe": DateProbe}
'''

DATE_PACK = """\
pack: probe
defaults: {category: probe, severity: error}
rules:
  - id: date
    kind: date-probe
    message: "date is {seen}"
    examples: {match: [x]}
"""

EXTRA_PACK = """\
pack: house
defaults: {category: style, severity: error}
rules:
  - id: utilize
    kind: phrase
    phrases: [utilize]
    message: "Use 'use', not '{text}'."
    examples: {match: [We utilize it.], no_match: [We use it.]}
  - id: quietly
    kind: phrase
    enabled: false
    phrases: [quietly]
    examples: {match: [quietly]}
"""


# -- check: text format -----------------------------------------------------------------
def test_text_format_is_ruff_like_with_source_line_and_caret(cli, write) -> None:
    draft = write("draft.txt", DRAFT)
    result = cli("check", draft)
    assert result.code == 1
    expected = textwrap.dedent(f"""\
        {draft}:3:14: warning [hedges.reportedly] 'reportedly' hedges the claim: say who reported it, or confirm it.
          |
        3 | The minister reportedly resigned. The ministry denied the reports.
          |              ^^^^^^^^^^
        """)
    assert result.out.startswith(expected)
    assert f"{draft}:3:48: info [denials.denied]" in result.out
    assert "                                               ^^^^^^\n" in result.out
    assert result.out.rstrip().endswith("Found 2 findings (1 denial, 1 hedge).")
    assert "\x1b[" not in result.out and result.err == ""


def test_text_format_caret_counts_terminal_cells_for_wide_characters(cli, write) -> None:
    """Columns count code points, but an emoji or a CJK character takes two cells on a terminal."""
    draft = write("wide.txt", "🇸🇾 東京 It reportedly fell.\n")
    result = cli("check", draft)
    assert f"{draft}:1:10: warning [hedges.reportedly]" in result.out  # 9 code points before it
    lines = result.out.splitlines()
    source_line = next(line for line in lines if line.startswith("1 | "))
    caret_line = lines[lines.index(source_line) + 1]
    # the flag 🇸🇾 is 2 cells, 東京 is 4: 'reportedly' starts after 2+1+4+1+2+1 = 11 cells, not 9
    assert caret_line == "  | " + " " * 11 + "^" * 10


def test_text_format_clean_file(cli, write) -> None:
    result = cli("check", write("clean.txt", "The minister resigned, her office said.\n"))
    assert (result.code, result.out.strip()) == (0, "No findings.")


def test_no_colour_when_not_a_tty_colour_on_a_terminal(cli_proc, write) -> None:
    draft = write("draft.txt", DRAFT)
    plain = cli_proc("check", draft)
    assert plain.code == 1 and "\x1b[" not in plain.out and "[hedges.reportedly]" in plain.out
    forced = cli_proc("check", draft, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.out


def test_use_color_follows_the_stream_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert use_color(Tty()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())


# -- check: json, inputs ------------------------------------------------------------------
def test_json_format_report(cli, write) -> None:
    draft = write("draft.txt", DRAFT)
    result = cli("check", draft, "--format", "json")
    report = result.json
    assert result.code == 1
    assert report["tool"] == {"name": "factrules", "version": __version__}
    assert [(f["rule"], f["text"], f["path"]) for f in report["findings"]] == [
        ("hedges.reportedly", "reportedly", str(draft)), ("denials.denied", "denied", str(draft))]
    assert report["summary"] == {"files": 1, "findings": 2, "by_severity": {"info": 1, "warning": 1, "error": 0},
                                 "by_category": {"denial": 1, "hedge": 1}, "errors": 0}
    source = draft.read_text()
    assert all(source[f["span"]["start"]:f["span"]["end"]] == f["text"] for f in report["findings"])


def test_directories_are_checked_recursively_by_extension(cli, write, tmp_path: Path) -> None:
    write("drafts/a.txt", "It reportedly fell.")
    write("drafts/deep/er/b.text", "It allegedly fell.")
    write("drafts/notes.dat", "It apparently fell.")  # no reader for .dat: skipped in a directory
    write("drafts/.hidden/c.txt", "It supposedly fell.")  # hidden folders are skipped
    write("drafts/.d.txt", "It purportedly fell.")  # hidden files are skipped
    explicit = write("other.dat", "It reputedly fell.")  # a file named explicitly is read as text
    report = cli("check", tmp_path / "drafts", explicit, "--format", "json").json
    assert sorted((Path(f["path"]).name, f["text"]) for f in report["findings"]) == [
        ("a.txt", "reportedly"), ("b.text", "allegedly"), ("other.dat", "reputedly")]
    assert report["summary"]["files"] == 3


def test_stdin(cli) -> None:
    result = cli("check", "-", "--format", "json", stdin="It reportedly fell.\n")
    assert [(f["path"], f["text"]) for f in result.json["findings"]] == [("-", "reportedly")]
    text = cli("check", "-", stdin="It allegedly fell.\n")
    assert text.out.startswith("-:1:4: warning [hedges.reportedly]") and "1 | It allegedly fell." in text.out


def test_stdin_as_subprocess(cli_proc) -> None:
    result = cli_proc("check", "-", "--format", "json", stdin="Sources said it fell.")
    assert result.code == 1
    assert [f["rule"] for f in result.json["findings"]] == ["sourcing.vague-attribution"]


def test_output_file(cli, write, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    result = cli("check", write("d.txt", "It reportedly fell."), "--format", "json", "--output", out)
    assert result.code == 1 and result.out == ""
    import json

    from conftest import validate_report_dict

    report = json.loads(out.read_text())
    validate_report_dict(report)
    assert report["summary"]["findings"] == 1


# -- check: options ----------------------------------------------------------------------------
def test_date_option_reaches_the_document(cli, write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dateprobe_plugin.py").write_text(DATE_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    pack = write("probe.yaml", DATE_PACK)
    draft = write("d.txt", "Anything.")
    common = ("--rules", pack, "--plugin", "dateprobe_plugin", "--select", "probe", "--format", "json")
    dated = cli("check", draft, "--date", "2018-02-16", *common).json
    assert [f["message"] for f in dated["findings"]] == ["date is 2018-02-16"]
    undated = cli("check", draft, *common).json
    assert [f["message"] for f in undated["findings"]] == ["date is None"]
    write(".factrules.yaml", "date: 2017-01-02\n")
    from_config = cli("check", draft, *common).json
    assert [f["message"] for f in from_config["findings"]] == ["date is 2017-01-02"]
    overridden = cli("check", draft, "--date", "2018-02-16", *common).json
    assert [f["message"] for f in overridden["findings"]] == ["date is 2018-02-16"]


def test_rules_option_adds_packs(cli, write) -> None:
    pack = write("house.yaml", EXTRA_PACK)
    draft = write("d.txt", "We utilize it, reportedly, quietly.")
    report = cli("check", draft, "--rules", pack, "--format", "json").json
    assert [f["rule"] for f in report["findings"]] == ["house.utilize", "hedges.reportedly"]
    assert report["findings"][0]["message"] == "Use 'use', not 'utilize'."
    with_off = cli("check", draft, "--rules", pack, "--enable", "house.quietly", "--format", "json").json
    assert "house.quietly" in [f["rule"] for f in with_off["findings"]]


def test_rules_option_with_a_directory(cli, write, tmp_path: Path) -> None:
    write("packs/house.yaml", EXTRA_PACK)
    report = cli("check", write("d.txt", "We utilize it."), "--rules", tmp_path / "packs", "--format", "json").json
    assert [f["rule"] for f in report["findings"]] == ["house.utilize"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], ["hedges.reportedly", "sourcing.vague-attribution", "denials.denied"]),
        (["--select", "hedges"], ["hedges.reportedly"]),
        (["--select", "hedges,denial"], ["hedges.reportedly", "denials.denied"]),
        (["--select", "hedges", "--select", "sourcing.vague-attribution"],
         ["hedges.reportedly", "sourcing.vague-attribution"]),
        (["--select", "*.denied"], ["denials.denied"]),
        (["--ignore", "unverified,hedges.reportedly"], ["denials.denied"]),
        (["--select", "hedges,denials", "--ignore", "denials"], ["hedges.reportedly"]),
    ],
)
def test_select_and_ignore(cli, write, options: list[str], expected: list[str]) -> None:
    draft = write("d.txt", "It reportedly fell, sources said. The ministry denied it.")
    report = cli("check", draft, *options, "--format", "json").json
    assert [f["rule"] for f in report["findings"]] == expected


@pytest.mark.parametrize(
    ("text", "fail_on", "code"),
    [
        ("The minister resigned.", None, 0),
        ("It reportedly fell.", None, 1),  # a warning, default --fail-on warning
        ("The ministry denied it.", None, 0),  # info only
        ("The ministry denied it.", "info", 1),
        ("It reportedly fell.", "error", 0),
        ("It reportedly fell.", "never", 0),
        ("It reportedly fell.", "warning", 1),
    ],
)
def test_fail_on_and_exit_status(cli, write, text: str, fail_on: str | None, code: int) -> None:
    args = ["check", write("d.txt", text)] + (["--fail-on", fail_on] if fail_on else [])
    assert cli(*args).code == code


def test_fail_on_error_with_a_severity_override(cli, write) -> None:
    write(".factrules.yaml", "severity: {hedges.reportedly: error}\n")
    draft = write("d.txt", "It reportedly fell.")
    result = cli("check", draft, "--fail-on", "error", "--format", "json")
    assert result.code == 1 and result.json["findings"][0]["severity"] == "error"


def test_exit_2_beats_findings(cli, write, tmp_path: Path) -> None:
    result = cli("check", write("d.txt", "It reportedly fell."), tmp_path / "missing.txt", "--fail-on", "never")
    assert result.code == 2


def test_config_option(cli, write, tmp_path: Path) -> None:
    config = write("conf/custom.yaml", "ignore: [hedges]\n")
    draft = write("d.txt", "It reportedly fell, sources said.")
    report = cli("check", draft, "--config", config, "--format", "json").json
    assert [f["rule"] for f in report["findings"]] == ["sourcing.vague-attribution"]


def test_version(cli) -> None:
    with pytest.raises(SystemExit) as caught:
        cli("--version")
    assert caught.value.code == 0


def test_no_command_prints_help_and_exits_2(cli) -> None:
    result = cli()
    assert result.code == 2 and "check" in result.out


# -- rules commands ---------------------------------------------------------------------------
def test_rules_list(cli, write) -> None:
    result = cli("rules", "list", "--rules", write("house.yaml", EXTRA_PACK))
    assert result.code == 0
    lines = result.out.splitlines()
    assert any(line.startswith("hedges.reportedly ") and "phrase" in line and "hedge" in line for line in lines)
    assert any(line.startswith("denials.insisted-not ") and "near" in line for line in lines)
    assert any(line.startswith("house.quietly ") and "(off by default)" in line for line in lines)


def test_rules_explain(cli) -> None:
    result = cli("rules", "explain", "hedges.reportedly")
    assert result.code == 0
    assert result.out.startswith("hedges.reportedly (phrase, hedge, warning)")
    assert "flags:     USA reportedly killed as many as 100 fighters." in result.out
    assert "not flags:" in result.out
    assert "Defined in " in result.out and "hedges.yaml:" in result.out


def test_rules_test_builtin_packs_pass(cli) -> None:
    result = cli("rules", "test")
    assert result.code == 0, result.out
    assert result.out.strip().splitlines()[-1].endswith("0 failed: passed")


def test_rules_test_names_pack_rule_and_example_of_a_failure(cli, write) -> None:
    pack = write("house.yaml", EXTRA_PACK.replace("no_match: [We use it.]", "no_match: [We use it., We utilize.]")
                 .replace("match: [We utilize it.]", "match: [We utilize it., We employ it.]"))
    result = cli("rules", "test", pack)
    assert result.code == 1
    failures = [line for line in result.out.splitlines() if "example" in line and "rules test:" not in line]
    assert len(failures) == 2
    assert f"{pack}:4: pack 'house' rule 'utilize': match example 2 should match but does not: 'We employ it.'" \
        in failures
    assert any("pack 'house' rule 'utilize': no_match example 2 should not match but flags 'utilize'" in line
               for line in failures)
    assert result.out.strip().splitlines()[-1] == "rules test: 5 examples of 2 rules in 1 packs, 2 failed: failed"


def test_rules_validate(cli, write) -> None:
    pack = write("house.yaml", EXTRA_PACK)
    result = cli("rules", "validate", pack)
    assert (result.code, result.out.strip()) == (0, f"{pack}: ok (pack 'house', 2 rules)")


def test_rules_new_skeleton_passes_rules_test_and_is_not_overwritten(cli, tmp_path: Path) -> None:
    result = cli("rules", "new", "metro-desk", "--dir", tmp_path)
    path = tmp_path / "metro-desk.yaml"
    assert result.code == 0 and path.is_file()
    data = yaml.safe_load(path.read_text())
    assert data["pack"] == "metro-desk" and all(r["examples"]["match"] for r in data["rules"])
    assert cli("rules", "validate", path).code == 0
    tested = cli("rules", "test", path)
    assert tested.code == 0 and tested.out.strip().endswith("0 failed: passed")
    path.write_text(path.read_text() + "# edited by hand\n")
    again = cli("rules", "new", "metro-desk", "--dir", tmp_path)
    assert again.code == 2 and "already exists" in again.err
    assert path.read_text().endswith("# edited by hand\n")
    assert cli("rules", "new", "Bad Name!", "--dir", tmp_path).code == 2


def test_rules_new_in_current_directory(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("rules", "new", "desk").code == 0
    assert (tmp_path / "desk.yaml").is_file()
    assert cli("rules", "test", "desk.yaml").code == 0


def test_main_module_entry_point(cli_proc) -> None:
    result = cli_proc("--version")
    assert result.code == 0 and __version__ in result.out
    assert sys.executable


# -- rules test honours the selection; the command line's shared options ---------------------------


def test_rules_test_honours_select_ignore_and_enable(cli: Callable[..., Any]) -> None:
    def counts(*args: str) -> tuple[int, int, int]:
        """(examples, rules, packs) of the summary line."""
        result = cli("rules", "test", *args)
        assert result.code == 0, result.out
        found = re.fullmatch(r"rules test: (\d+) examples of (\d+) rules in (\d+) packs, 0 failed: passed",
                             result.out.splitlines()[-1])
        assert found, result.out
        return int(found[1]), int(found[2]), int(found[3])

    everything = counts()
    numbers = counts("--select", "numbers")
    assert numbers[2] == 1 and numbers[1] < everything[1]
    # every-figure is off by default, so a check with --select numbers does not run it, nor does rules test
    assert counts("--select", "numbers", "--ignore", "numbers.every-figure") == numbers
    with_figure = counts("--select", "numbers", "--enable", "numbers.every-figure")
    assert with_figure[1] == numbers[1] + 1 and with_figure[0] > numbers[0]
    ignored = counts("--ignore", "numbers")
    assert ignored[2] == everything[2] - 1 and ignored[0] < everything[0]


def test_plugins_named_reads_plugin_options_before_parsing() -> None:
    from factrules.cli.options import plugins_named

    assert plugins_named(["check", "a.txt", "--plugin", "one", "--plugin=two", "--", "--plugin", "three"]) == (
        "one", "two")
    assert plugins_named(["check", "--plugin"]) == ()


def test_options_from_args_is_what_check_uses() -> None:
    import argparse

    from factrules.api import Options
    from factrules.cli.options import add_rule_options, options_from_args

    parser = argparse.ArgumentParser()
    add_rule_options(parser)
    args = parser.parse_args(["--select", "hedges,numbers", "--select", "dates", "--ignore", "x", "--rules", "p.yaml"])
    assert options_from_args(args, date="2024-03-01") == Options.from_values(
        "2024-03-01", rules=["p.yaml"], select=["hedges", "numbers", "dates"], ignore=["x"])
    assert options_from_args(args).select == ("hedges", "numbers", "dates")
