"""Pack and config errors an author can act on (issue 13.5): the key's own line, every problem, every file."""

from __future__ import annotations

import textwrap

import pytest

from factrules.errors import PackError, PackErrors
from factrules.packs import load_pack
from factrules.plugins import registry

TYPOS = textwrap.dedent(
    """\
    pack: house
    defaults: {category: hedge}
    rules:
      - id: surely
        kind: phrase
        phrases: [surely]
        sevrity: error
        examples:
          match: ["It was surely fine."]
      - id: maybe
        kind: phrase
        phrases: [maybe]
        mesage: "'{text}' hedges."
        examples:
          match: ["It was maybe fine."]
    """
)

GOOD = textwrap.dedent(
    """\
    pack: good
    defaults: {category: hedge}
    rules:
      - id: perhaps
        kind: phrase
        phrases: [perhaps]
        examples:
          match: ["It was perhaps fine."]
    """
)


def test_a_typod_key_is_reported_at_its_own_line_with_did_you_mean(tmp_path) -> None:
    path = tmp_path / "house.yaml"
    path.write_text(TYPOS, encoding="utf-8")
    with pytest.raises(PackErrors) as caught:
        load_pack(path, registry(()).matchers)
    lines = [(e.line, e.rule, e.detail) for e in caught.value.errors]
    assert lines == [
        (7, "surely", "schema: unknown key 'sevrity' (did you mean 'severity'?)"),
        (13, "maybe", "schema: unknown key 'mesage' (did you mean 'message'?)"),
    ]


def test_a_typod_option_is_reported_at_its_line(tmp_path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(textwrap.dedent(
        """\
        pack: d
        defaults: {category: date}
        rules:
          - id: vague
            kind: date
            options:
              famlies: [vague]
            examples:
              match: ["We will act in the coming weeks."]
        """), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path, registry(()).matchers)
    assert caught.value.line == 7 and "unknown key 'famlies' (did you mean 'families'?)" in str(caught.value)


def test_cli_shows_every_error_of_a_file_one_line_each(cli, write) -> None:
    pack = write("house.yaml", TYPOS)
    result = cli("check", "--rules", pack, write("d.txt", "It was fine.\n"))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("factrules: error: ") for line in lines)
    assert "house.yaml:7:" in lines[0] and "house.yaml:13:" in lines[1]


def test_rules_validate_goes_on_past_a_bad_file(cli, write) -> None:
    bad = write("house.yaml", TYPOS)
    broken = write("broken.yaml", "pack: [\n")
    good = write("good.yaml", GOOD)
    result = cli("rules", "validate", bad, broken, good)
    assert result.code == 2
    assert f"{good}: ok" in result.out
    assert "house.yaml:7:" in result.err and "house.yaml:13:" in result.err and "broken.yaml:1:" in result.err
    assert "2 of 3 pack files invalid" in result.err


UNKNOWN_FIELD = GOOD.replace("    examples:", "    message: \"'{text}' from {sourse}\"\n    examples:")


def test_an_unknown_template_field_is_an_error_in_check_validate_and_test(cli, write) -> None:
    pack = write("good.yaml", UNKNOWN_FIELD)
    checked = cli("check", "--rules", pack, write("d.txt", "It was perhaps fine.\n"))
    assert checked.code == 2 and "{sourse}" in checked.err and "good.yaml:7:" in checked.err
    assert "from {sourse}" not in checked.out
    validated = cli("rules", "validate", pack)
    assert validated.code == 2 and "{sourse}" in validated.err
    tested = cli("rules", "test", pack)
    assert tested.code == 1 and "{sourse}" in tested.out


def test_template_fields_a_kind_fills_are_accepted(cli, write) -> None:
    pack = write("n.yaml", textwrap.dedent(
        """\
        pack: n
        defaults: {category: number}
        rules:
          - id: approx
            kind: number
            message: "'{text}' means {meaning}."
            examples:
              match: ["As many as 300 people came."]
        """))
    assert cli("rules", "validate", pack).code == 0
    assert cli("check", "--rules", pack, write("d.txt", "As many as 300 people came.\n")).code == 1


def test_explain_shows_the_message_a_vague_date_rule_really_uses(cli, write) -> None:
    pack = write("d.yaml", textwrap.dedent(
        """\
        pack: d
        defaults: {category: date}
        rules:
          - id: vague
            kind: date
            message: "never shown for a vague date"
            options: {families: [vague], message_vague: "'{text}' is vague: pin it down."}
            examples:
              match: ["We will act in the coming weeks."]
        """))
    explained = cli("rules", "explain", "d.vague", "--rules", pack)
    assert explained.code == 0
    assert "pin it down" in explained.out and "never shown" not in explained.out
    checked = cli("check", "--rules", pack, "--select", "d", write("x.txt", "We will act in the coming weeks.\n"))
    assert "pin it down" in checked.out


def test_explain_a_house_rule_with_one_rules_option_or_a_configured_pack(cli_proc, write, tmp_path) -> None:
    """The docs' "Start here" sequence, as a user runs it (a process per command, in the pack's directory)."""
    assert cli_proc("rules", "new", "house", cwd=tmp_path).code == 0
    alone = cli_proc("rules", "explain", "house.example-phrase", cwd=tmp_path)
    assert alone.code == 2 and "no pack 'house' is loaded" in alone.err and "--rules house.yaml" in alone.err
    assert cli_proc("rules", "explain", "--rules", "house.yaml", "house.example-phrase", cwd=tmp_path).code == 0
    write(".factrules.yaml", "rules: [house.yaml]\n")
    assert cli_proc("rules", "explain", "house.example-phrase", cwd=tmp_path).code == 0
    both = cli_proc("rules", "explain", "house.example-phrase", "--rules", "house.yaml", cwd=tmp_path)
    assert both.code == 0, both.err


def test_a_typod_config_key_names_its_line_and_the_nearest_key(cli, write, tmp_path) -> None:
    config = write("c.yaml", "date: 2026-01-01\nignor: [hedges]\n")
    result = cli("check", "--config", config, write("d.txt", "It was fine.\n"))
    assert result.code == 2
    assert "c.yaml:2: unknown key 'ignor' (did you mean 'ignore'?)" in result.err
