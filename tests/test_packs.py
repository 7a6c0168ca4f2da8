"""Rule-pack loading: safe YAML, schema validation, compilation, and error messages that point at the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from factrules.packs import PackError, load_pack, load_packs, pack_files
from factrules.plugins import registry

GOOD = """\
pack: house
version: 1.2.0
description: A house pack.
defaults: {category: house, severity: info}
rules:
  - id: phrase-rule
    kind: phrase
    phrases: [allegedly]
    examples: {match: [allegedly], no_match: [plainly]}
  - id: pattern-rule
    kind: pattern
    severity: error
    scope: paragraph
    enabled: false
    pattern: '\\bsources? said\\b'
    unless: ['x']
    unless_sentence: ['y']
    link: https://example.org/style#sources
    suggestion: name them
    examples: {match: [sources said]}
"""


def load(tmp_path: Path, text: str, name: str = "pack.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_pack(path, registry().matchers)


def error_of(tmp_path: Path, text: str) -> PackError:
    with pytest.raises(PackError) as caught:
        load(tmp_path, text)
    return caught.value


def test_good_pack_compiles_with_defaults_and_overrides(tmp_path: Path) -> None:
    pack = load(tmp_path, GOOD)
    assert (pack.name, pack.version, pack.description) == ("house", "1.2.0", "A house pack.")
    first, second = pack.rules
    assert (first.full_id, first.kind, first.category, first.severity, first.scope, first.enabled) == (
        "house.phrase-rule", "phrase", "house", "info", "sentence", True)
    assert (second.severity, second.scope, second.enabled, second.link, second.suggestion) == (
        "error", "paragraph", False, "https://example.org/style#sources", "name them")
    assert len(second.unless) == 1 and len(second.unless_sentence) == 1
    assert first.line == 6 and second.line == 10
    assert first.examples == {"match": ["allegedly"], "no_match": ["plainly"]}


def test_yaml_words_on_off_yes_no_stay_strings(tmp_path: Path) -> None:
    pack = load(tmp_path, "pack: p\ndefaults: {category: c}\nrules:\n  - id: off\n    kind: phrase\n"
                          "    phrases: [yes, no, on]\n    examples: {match: [no]}\n")
    assert pack.rules[0].id == "off" and pack.rules[0].matcher.phrases == ["yes", "no", "on"]


@pytest.mark.parametrize(
    ("text", "line", "rule", "words"),
    [
        ("pack: p\nrules:\n  - id: a\n    kind: phrase\n    phrases: [foo\n", 5, "a", "invalid YAML"),
        ("pack: p\nrules:\n  - id: a\n    kind: phrase\n\tphrases: [foo]\n", 5, "a", "invalid YAML"),
        ("pack: p\nrules:\n  - id: a\n    kind: phrase\n    phrases: [foo]\n", 3, "a", "'examples' is a required"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n    severity: fatal\n"
         "    phrases: [foo]\n    examples: {match: [foo]}\n", 6, "a", "'fatal' is not one of"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n    scope: everywhere\n"
         "    phrases: [foo]\n    examples: {match: [foo]}\n", 6, "a", "'everywhere' is not one of"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: pattern\n    pattern: '(foo'\n"
         "    examples: {match: [foo]}\n", 6, "a", "does not compile"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: pattern\n    pattern:\n"
         "      - 'foo'\n      - {regex: '(bar', prefilter: [bar]}\n    examples: {match: [foo]}\n", 6, "a",
         "pattern 2 does not compile"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: pattern\n    pattern:\n"
         "      - {regex: 'foo', prefilters: [foo]}\n    examples: {match: [foo]}\n", 7, "a",
         "unknown key 'prefilters' (did you mean 'prefilter'?)"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n    phrases: [foo]\n"
         "    unless: ['[z-a]']\n    examples: {match: [foo]}\n", 7, "a", "'unless' pattern does not compile"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: frobnicate\n"
         "    examples: {match: [foo]}\n", 5, "a", "unknown kind 'frobnicate'"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n    phrases: [foo]\n"
         "    examples: {match: [foo]}\n  - id: a\n    kind: phrase\n    phrases: [bar]\n"
         "    examples: {match: [bar]}\n", 8, "a", "used twice"),
        ("pack: p\nrules:\n  - id: a\n    kind: phrase\n    phrases: [foo]\n    examples: {match: [foo]}\n",
         3, "a", "no 'category'"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n    phrases: [foo]\n"
         "    examples: {match: []}\n", 7, "a", "should be non-empty"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: phrase\n    phrases: [foo]\n"
         "    colour: red\n    examples: {match: [foo]}\n", 7, "a", "unknown key 'colour'"),
        ("pack: p\ndefaults: {category: c}\nrules:\n  - id: a\n    kind: near\n    a: [x]\n"
         "    examples: {match: [foo]}\n", 4, "a", "'b' is a required property"),
    ],
    ids=["unclosed-list", "tab", "no-examples", "bad-severity", "bad-scope", "bad-regex", "bad-regex-in-mapping",
         "unknown-key-in-pattern-mapping", "bad-unless",
         "unknown-kind", "duplicate-id", "no-category", "empty-match", "unknown-key", "near-without-b"],
)
def test_pack_errors_name_file_line_and_rule(tmp_path: Path, text: str, line: int, rule: str, words: str) -> None:
    error = error_of(tmp_path, text)
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'pack.yaml'}:{line}: rule '{rule}':"), message
    assert words in message
    assert (error.line, error.rule) == (line, rule)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("rules: []\n", "'rules': [] should be non-empty"),
        ("rules:\n  - {id: a, kind: phrase, phrases: [x], examples: {match: [x]}}\n", "'pack' is a required property"),
        ("pack: 'bad name!'\nrules:\n  - {id: a, kind: phrase, phrases: [x], examples: {match: [x]}}\n",
         "does not match"),
    ],
)
def test_pack_level_errors(tmp_path: Path, text: str, words: str) -> None:
    message = str(error_of(tmp_path, text))
    # every problem of the file, one line each, each naming the file
    assert all(line.startswith(str(tmp_path / "pack.yaml")) for line in message.splitlines()) and words in message


def test_unsafe_yaml_tags_are_refused(tmp_path: Path) -> None:
    message = str(error_of(tmp_path, "pack: !!python/object/apply:os.system ['echo hacked']\nrules: []\n"))
    assert "invalid YAML" in message and "hacked" not in message.split("invalid YAML")[0]


def test_undecodable_pack(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"pack: caf\xe9\n")
    with pytest.raises(PackError, match="not valid UTF-8"):
        load_pack(path, registry().matchers)


def test_pack_files_and_duplicate_pack_names(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    body = "defaults: {category: c}\nrules:\n  - {id: a, kind: phrase, phrases: [x], examples: {match: [x]}}\n"
    (tmp_path / "one.yaml").write_text("pack: one\n" + body)
    (tmp_path / "sub" / "two.yml").write_text("pack: two\n" + body)
    (tmp_path / "notes.txt").write_text("not a pack")
    assert [p.name for p in pack_files(tmp_path)] == ["one.yaml", "two.yml"]
    assert [p.name for p in load_packs([tmp_path], registry().matchers)] == ["one", "two"]
    (tmp_path / "sub" / "three.yaml").write_text("pack: one\n" + body)
    with pytest.raises(PackError, match="pack 'one' is already defined"):
        load_packs([tmp_path], registry().matchers)
    with pytest.raises(PackError, match="no such rule pack"):
        pack_files(tmp_path / "missing.yaml")


def test_same_pack_file_given_twice_loads_once(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(
        "pack: one\ndefaults: {category: c}\nrules:\n  - {id: a, kind: phrase, phrases: [x], examples: {match: [x]}}\n")
    packs = load_packs([tmp_path / "one.yaml", tmp_path], registry().matchers)
    assert [p.name for p in packs] == ["one"]


def test_builtin_packs_load_and_cover_the_three_categories() -> None:
    plugins = registry()
    packs = load_packs(plugins.pack_paths, plugins.matchers)
    names = {p.name for p in packs}
    assert {"hedges", "sourcing", "denials"} <= names
    categories = {r.category for p in packs for r in p.rules}
    assert {"hedge", "unverified", "denial"} <= categories
    assert all(r.examples.get("match") for p in packs for r in p.rules)


def test_the_fast_yaml_parser_reads_every_built_in_pack_as_the_python_one_does() -> None:
    """libyaml parses the packs when PyYAML has it; rules, values and remembered lines must not change."""
    import yaml

    from factrules.packs import _FastLineLoader, _LineLoader, pack_files
    from factrules.plugins import registry

    paths = [file for path in registry().pack_paths for file in pack_files(Path(path))]
    paths += sorted((Path(__file__).resolve().parent.parent / "plugins" / "factrules-example").rglob("*.yaml"))
    assert len(paths) >= 7
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        assert yaml.load(raw, Loader=_FastLineLoader) == yaml.load(raw, Loader=_LineLoader), path  # noqa: S506
