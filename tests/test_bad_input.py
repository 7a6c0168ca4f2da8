"""Bad input never ends in a traceback: one line naming file, line and rule, exit 2, other files still checked."""

from __future__ import annotations

from pathlib import Path

import pytest

PACKS = {
    "broken-yaml": ("pack: x\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n    phrases: [foo\n",
                    6, "invalid YAML"),
    "schema-missing-examples": ("pack: x\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n"
                                "    phrases: [foo]\n", 4, "'examples' is a required property"),
    "schema-bad-severity": ("pack: x\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n"
                            "    severity: fatal\n    phrases: [foo]\n    examples: {match: [foo]}\n", 6, "'fatal'"),
    "regex-does-not-compile": ("pack: x\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: pattern\n"
                               "    pattern: '(?<word>foo'\n    examples: {match: [foo]}\n", 6, "does not compile"),
    "unknown-kind": ("pack: x\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: frobnicate\n"
                     "    examples: {match: [foo]}\n", 5, "unknown kind 'frobnicate'"),
}


def assert_one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("case", sorted(PACKS))
@pytest.mark.parametrize("command", ["check", "rules test", "rules validate"])
def test_bad_pack_in_process(cli, write, case: str, command: str) -> None:
    text, line, words = PACKS[case]
    pack = write("bad.yaml", text)
    draft = write("draft.txt", "It reportedly fell.")
    if command == "check":
        result = cli("check", draft, "--rules", pack)
    elif command == "rules test":
        result = cli("rules", "test", pack)
    else:
        result = cli("rules", "validate", pack)
    assert result.code == 2
    message = assert_one_line(result.err)
    assert f"{pack}:{line}: rule 'a':" in message and words in message
    assert result.out == ""


@pytest.mark.parametrize("case", sorted(PACKS))
def test_bad_pack_as_subprocess(cli_proc, write, case: str) -> None:
    text, line, words = PACKS[case]
    pack = write("bad.yaml", text)
    draft = write("draft.txt", "It reportedly fell.")
    result = cli_proc("check", draft, "--rules", pack, "--format", "json")
    assert result.code == 2
    message = assert_one_line(result.err)
    assert message.startswith("factrules: error: ")
    assert f"{pack}:{line}: rule 'a':" in message and words in message


SLOW_PACK = r"""pack: slow
defaults: {category: test}
rules:
  - id: catastrophic
    kind: pattern
    timeout: 0.1
    pattern: '(a+)+$'
    examples: {match: [aaa]}
"""


def test_regex_past_its_time_limit_is_skipped_with_an_error(cli_proc, write) -> None:
    pack = write("slow.yaml", SLOW_PACK)
    big = write("big.txt", "It reportedly fell.\n\n" + "a" * 30_000 + "!\n")
    small = write("small.txt", "It allegedly said aaa")
    result = cli_proc("check", big, small, "--rules", pack, "--format", "json")
    report = result.json
    assert result.code == 1  # findings at warning level; a timeout is a warning, not a usage error
    timeouts = [e for e in report["errors"] if e["kind"] == "rule-timeout"]
    assert [(e["path"], e["rule"]) for e in timeouts] == [(str(big), "slow.catastrophic")]
    found = {(f["path"], f["rule"]) for f in report["findings"]}
    assert (str(big), "hedges.reportedly") in found  # the rest of the findings still come
    assert (str(small), "slow.catastrophic") in found  # the rule still runs on the next document
    assert (str(small), "hedges.reportedly") in found
    assert "slow.catastrophic" in result.err and "Traceback" not in result.err


def test_bad_inputs_are_reported_and_other_files_still_checked(cli_proc, write) -> None:
    good = write("good.txt", "The minister reportedly resigned.")
    undecodable = write("latin1.txt", "caf\xe9 allegedly".encode("latin-1"))
    binary = write("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR allegedly")
    empty = write("empty.txt", "")
    missing = Path(good.parent / "missing.txt")
    result = cli_proc("check", undecodable, binary, empty, missing, good, "--format", "json")
    report = result.json
    assert result.code == 2
    assert {f["path"] for f in report["findings"]} == {str(good)}
    kinds = {e["path"]: e["kind"] for e in report["errors"]}
    assert kinds == {str(undecodable): "input-error", str(binary): "input-error", str(empty): "empty-file",
                     str(missing): "input-error"}
    messages = {e["path"]: e["message"] for e in report["errors"]}
    assert "not valid UTF-8" in messages[str(undecodable)] and "line 1" in messages[str(undecodable)]
    assert "binary" in messages[str(binary)]
    assert "empty" in messages[str(empty)]
    assert "no such file" in messages[str(missing)]
    assert "Traceback" not in result.err
    err_lines = result.err.strip().splitlines()
    assert len(err_lines) == 3 and all(line.startswith("factrules: ") for line in err_lines)
    assert report["summary"]["files"] == 4


def test_bad_inputs_in_text_format(cli, write) -> None:
    good = write("good.txt", "The minister reportedly resigned.")
    binary = write("blob.txt", b"\x00\x01\x02")
    result = cli("check", binary, good, good.parent / "nope.txt")
    assert result.code == 2
    assert f"{good}:1:14: warning [hedges.reportedly]" in result.out
    # findings on stdout, problems on stderr (README, issue 15 item 8), in the text format as in the others
    assert f"{binary}: binary file" in result.err and "nope.txt: no such file" in result.err
    assert "binary file" not in result.out and "no such file" not in result.out
    assert "Traceback" not in result.out + result.err


def test_empty_file_alone_is_not_an_error(cli, write) -> None:
    result = cli("check", write("empty.txt", "  \n\n"), "--format", "json")
    assert result.code == 0
    assert [e["kind"] for e in result.json["errors"]] == ["empty-file"]


def test_utf16_and_bom_files_are_decoded(cli, write) -> None:
    utf16 = write("utf16.txt", "It reportedly fell.".encode("utf-16"))
    bom = write("bom.txt", "\ufeffIt allegedly fell.".encode())
    report = cli("check", utf16, bom, "--format", "json").json
    assert sorted(f["text"] for f in report["findings"]) == ["allegedly", "reportedly"]
    assert report["errors"] == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "--bogus", "x.txt"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["check"], "the following arguments are required: PATH"),
        (["check", "x.txt", "--fail-on", "fatal"], "invalid choice: 'fatal'"),
        (["check", "x.txt", "--format", "yaml"], "unknown format 'yaml'"),
        (["check", "x.txt", "--date", "2018-13-45"], "not an ISO date"),
        (["rules"], "choose list, explain, test, validate or new"),
        (["rules", "explain", "hedges.nope"], "no rule 'hedges.nope'"),
        (["check", "x.txt", "--config", "no-such-config.yaml"], "no such config file"),
        (["check", "x.txt", "--rules", "no-such-pack.yaml"], "no such rule pack"),
        (["eval", "no-such-gold.jsonl"], "cannot read gold file"),
    ],
)
def test_usage_errors_are_one_line_exit_2(cli, write, args: list[str], words: str) -> None:
    write("x.txt", "It reportedly fell.")
    result = cli(*[str(Path(write("x.txt", "x").parent) / a) if a == "x.txt" else a for a in args])
    assert result.code == 2
    message = assert_one_line(result.err)
    assert message.startswith("factrules: error: ") and words in message, message


def test_unknown_option_as_subprocess(cli_proc) -> None:
    result = cli_proc("check", "--no-such-option", "x.txt")
    assert result.code == 2
    assert "unrecognized arguments: --no-such-option" in assert_one_line(result.err)
    assert result.out == ""


CRASHING_PLUGIN = """
from factrules.hookspecs import hookimpl
from factrules.matchers.base import Matcher


class Crash(Matcher):
    kind = "crash"

    def find(self, document, prior=()):
        raise ZeroDivisionError("plugin bug")


@hookimpl
def factrules_matchers():
    return {"crash": Crash}
"""


def test_a_crashing_plugin_rule_is_one_error_per_file(cli, write, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "crashing_plugin.py").write_text(CRASHING_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    pack = write("crash.yaml", "pack: crash\ndefaults: {category: c}\nrules:\n  - id: boom\n    kind: crash\n"
                               "    examples: {match: [x]}\n")
    first = write("one.txt", "It reportedly fell.")
    second = write("two.txt", "It allegedly fell.")
    common = ("--rules", pack, "--plugin", "crashing_plugin", "--format", "json")
    result = cli("check", first, second, *common)
    assert result.code == 2
    report = result.json
    errors = [(e["path"], e["kind"], e["rule"]) for e in report["errors"]]
    assert errors == [(str(first), "rule-error", "crash.boom"), (str(second), "rule-error", "crash.boom")]
    assert f"{pack}:4" in report["errors"][0]["message"] and "ZeroDivisionError" in report["errors"][0]["message"]
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 2
    # the other rules still run wherever the broken rule is left out
    clean = cli("check", first, second, *common, "--ignore", "crash")
    assert clean.code == 1 and sorted(f["text"] for f in clean.json["findings"]) == ["allegedly", "reportedly"]
