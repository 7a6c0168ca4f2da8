"""The example plugin (plugins/factrules-example) as a user gets it: pip-installed, found by entry point.

The plugin is installed into a throw-away venv that sees the system
packages (so factrules and its dependencies are there) but whose own
site-packages holds the plugin, and the venv's ``factrules`` CLI must then
show the plugin's matcher kind and pack at work.  The main environment must
not have it: otherwise the test would pass without the entry point.

The matcher's behaviour is tested in-process too, loading the plugin module
with ``plugins=`` (the API's ``--plugin``) from its source tree.
"""

from __future__ import annotations

import json
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from conftest import run_outside

import factrules
from factrules import check_text
from factrules.findings import validator
from factrules.packs import PackError

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_DIR = ROOT / "plugins" / "factrules-example"
PLUGIN_MODULE = "factrules_example.plugin"
RULE = "attribution.unattributed-quote"

DRAFT = textwrap.dedent(
    """\
    Flood barriers on the Ouse held overnight, the Environment Agency said.

    The pumping station at Naburn failed twice before midnight. "Nobody told us the pumps were off." Crews
    restored power by dawn.

    "We had sandbags ready for every street," the council leader said.
    """
)
UNATTRIBUTED = '"Nobody told us the pumps were off."'


def _validate_report(report: dict) -> None:
    errors = [e.message for e in validator("report").iter_errors(report)]
    assert not errors, errors
    for finding in report["findings"]:
        assert not list(validator("finding").iter_errors(finding)), finding


def _validate_findings(findings) -> None:
    for finding in findings:
        problems = [e.message for e in validator("finding").iter_errors(finding.to_dict())]
        assert not problems, (finding, problems)


# -- the main environment does not have the plugin -----------------------------------------


def test_plugin_is_absent_from_the_main_environment(tmp_path: Path) -> None:
    names = {ep.value for ep in metadata.entry_points(group="factrules")}
    assert PLUGIN_MODULE not in names
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("factrules-example")
    listing = run_outside([sys.executable, "-m", "factrules", "rules", "list"], tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert RULE not in listing.stdout
    imported = run_outside([sys.executable, "-c", "import factrules_example"], tmp_path)
    assert imported.returncode != 0


# -- installed into a venv ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv over the system packages with the example plugin pip-installed (not editable)."""
    venv = tmp_path_factory.mktemp("plugin-venv") / "venv"
    work = venv.parent
    made = run_outside([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], work)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    # The venv must run the factrules under test, not whichever one the system site-packages hold: a .pth
    # in its own site-packages, read before the system's, puts this checkout's package first.
    site = run_outside([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work)
    (Path(site.stdout.strip()) / "factrules-under-test.pth").write_text(
        str(Path(factrules.__file__).resolve().parent.parent) + "\n", encoding="utf-8")
    installed = run_outside(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
         "--no-input", "-q", str(PLUGIN_DIR)],
        work,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv


def test_installed_plugin_is_the_venv_copy(plugin_venv: Path) -> None:
    python = plugin_venv / "bin" / "python"
    used = run_outside([str(python), "-c", "import factrules; print(factrules.__file__)"], plugin_venv.parent)
    assert Path(used.stdout.strip()) == Path(factrules.__file__).resolve()  # the factrules under test
    where = run_outside([str(python), "-c", "import factrules_example.plugin as p; print(p.PACKS_DIR)"],
                        plugin_venv.parent)
    assert where.returncode == 0, where.stderr
    packs_dir = Path(where.stdout.strip())
    assert plugin_venv in packs_dir.parents, packs_dir
    assert (packs_dir / "attribution.yaml").is_file()


def test_venv_cli_check_reports_the_plugin_rule(plugin_venv: Path, tmp_path: Path) -> None:
    draft = tmp_path / "flood.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    python = str(plugin_venv / "bin" / "python")
    result = run_outside([python, "-m", "factrules", "check", str(draft), "--format", "json"], tmp_path)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    _validate_report(report)
    ours = [f for f in report["findings"] if f["rule"] == RULE]
    assert [f["text"] for f in ours] == [UNATTRIBUTED]
    finding = ours[0]
    assert finding["category"] == "attribution"
    assert finding["severity"] == "info"
    assert finding["pack"] == "attribution"
    assert finding["range"]["start"] == {"line": 3, "column": DRAFT.splitlines()[2].index('"') + 1}
    assert DRAFT[finding["span"]["start"]:finding["span"]["end"]] == UNATTRIBUTED
    assert "who said it" in finding["message"]
    assert "7 words" in finding["message"]


def test_venv_cli_exit_status_follows_the_plugin_rule_severity(plugin_venv: Path, tmp_path: Path) -> None:
    draft = tmp_path / "flood.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    python = str(plugin_venv / "bin" / "python")
    base = [python, "-m", "factrules", "check", str(draft), "--select", "attribution", "--format", "json"]
    relaxed = run_outside(base, tmp_path)
    assert relaxed.returncode == 0, relaxed.stderr  # info is below the default --fail-on warning
    strict = run_outside([*base, "--fail-on", "info"], tmp_path)
    assert strict.returncode == 1, strict.stderr
    report = json.loads(strict.stdout)
    _validate_report(report)
    assert {f["rule"] for f in report["findings"]} == {RULE}


def test_venv_rules_list_and_explain_show_the_plugin(plugin_venv: Path, tmp_path: Path) -> None:
    python = str(plugin_venv / "bin" / "python")
    listing = run_outside([python, "-m", "factrules", "rules", "list"], tmp_path)
    assert listing.returncode == 0, listing.stderr
    line = next(line for line in listing.stdout.splitlines() if line.startswith(RULE))
    assert line.split()[1:4] == ["unattributed-quote", "attribution", "info"]
    explain = run_outside([python, "-m", "factrules", "rules", "explain", RULE], tmp_path)
    assert explain.returncode == 0, explain.stderr
    assert "speech verb" in explain.stdout


def test_venv_rules_test_runs_the_plugin_pack_examples(plugin_venv: Path, tmp_path: Path) -> None:
    python = str(plugin_venv / "bin" / "python")
    where = run_outside([python, "-c", "import factrules_example.plugin as p; print(p.PACKS_DIR)"], tmp_path)
    pack = Path(where.stdout.strip()) / "attribution.yaml"
    result = run_outside([python, "-m", "factrules", "rules", "test", str(pack)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 examples of 1 rules in 1 packs, 0 failed" in result.stdout


def test_venv_rules_test_names_a_failing_plugin_example(plugin_venv: Path, tmp_path: Path) -> None:
    """`rules test` really runs the kind: an example that cannot match is reported by pack and rule."""
    python = str(plugin_venv / "bin" / "python")
    broken = tmp_path / "house.yaml"
    broken.write_text(
        textwrap.dedent(
            """\
            pack: house
            rules:
              - id: quote-check
                kind: unattributed-quote
                category: attribution
                scope: quotes
                examples:
                  match: ['"We will not reopen it until the engineers sign off," the mayor said.']
            """
        ),
        encoding="utf-8",
    )
    result = run_outside([python, "-m", "factrules", "rules", "test", str(broken)], tmp_path)
    assert result.returncode == 1
    assert "pack 'house' rule 'quote-check': match example 1 should match but does not" in result.stdout


# -- the matcher's behaviour, in-process --------------------------------------------------------


@pytest.fixture
def plugin_path(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    monkeypatch.syspath_prepend(str(PLUGIN_DIR / "src"))
    return (PLUGIN_MODULE,)


def _pack(tmp_path: Path, options: str = "{}", name: str = "quotes") -> str:
    """A pack file of one rule of the plugin's kind; a new name per variant (engines are cached by path)."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            pack: quotes
            defaults: {{category: attribution, severity: info, scope: quotes}}
            rules:
              - id: q
                kind: unattributed-quote
                options: {options}
                message: "{{words}} words: {{preview}}"
                examples:
                  match: ['"This sentence has no speaker at all."']
            """
        ),
        encoding="utf-8",
    )
    return str(path)


def _quotes(text: str, plugins: tuple[str, ...], **kwargs) -> list[str]:
    findings = check_text(text, plugins=plugins, select=["attribution"], **kwargs)
    _validate_findings(findings)
    return [f.text for f in findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # attribution in the quote's sentence, before or after the quote
        ('"The pumps were off for an hour," a resident said.', []),
        ('A resident said: "The pumps were off for an hour."', []),
        # attribution in the next or previous sentence
        ('"The pumps were off for an hour." That is what the engineer told the inquiry.', []),
        ('She was blunt, the engineer recalled. "The pumps were off for an hour."', []),
        ('"The pumps were off for an hour," according to the station log.', []),
        # no attribution, or only inside the quotation itself
        ('The station flooded. "The pumps were off for an hour." Crews arrived at dawn.',
         ['"The pumps were off for an hour."']),
        ('The station flooded. "I said the pumps were off, and nobody listened."',
         ['"I said the pumps were off, and nobody listened."']),
        # short quoted phrases are scare quotes or titles, not quotations
        ('The council called it a "temporary fix" at the time.', []),
        # curly quotation marks too
        ("The station flooded. \u201cThe pumps were off for an hour.\u201d Crews arrived.",
         ["\u201cThe pumps were off for an hour.\u201d"]),
    ],
)
def test_unattributed_quote_cases(plugin_path: tuple[str, ...], text: str, expected: list[str]) -> None:
    assert _quotes(text, plugin_path) == expected


def test_attribution_two_sentences_away_does_not_count_by_default(plugin_path: tuple[str, ...]) -> None:
    text = 'The mayor spoke first, aides said. The hall was full. "We will rebuild every house on this street."'
    assert _quotes(text, plugin_path) == ['"We will rebuild every house on this street."']


def test_multi_sentence_quote_attributed_after_it(plugin_path: tuple[str, ...]) -> None:
    text = 'The hall was full. "We will rebuild. Every house, every street. Every one of them," the mayor said.'
    assert _quotes(text, plugin_path) == []


def test_options_neighbours_min_words_and_extra_verbs(plugin_path: tuple[str, ...], tmp_path: Path) -> None:
    text = 'The mayor spoke, aides said. "We will rebuild every house." The hall cheered.'
    assert _quotes(text, plugin_path) == []  # the shipped rule looks one sentence either side
    strict = _pack(tmp_path, "{neighbours: 0}")
    findings = check_text(text, plugins=plugin_path, rules=[strict], select=["quotes"])
    _validate_findings(findings)
    expected = [('"We will rebuild every house."', '5 words: "We will rebuild every house."')]
    assert [(f.text, f.message) for f in findings] == expected

    shortish = _pack(tmp_path, "{min_words: 2}", "short")
    assert [f.text for f in check_text('Called a "temporary fix" by all.', plugins=plugin_path, rules=[shortish],
                                       select=["quotes"])] == ['"temporary fix"']

    house = _pack(tmp_path, "{extra_verbs: [ventured], neighbours: 0}", "house")
    text = '"We may yet rebuild every house," the mayor ventured.'
    assert [f.text for f in check_text(text, plugins=plugin_path, rules=[strict], select=["quotes"])] == [
        '"We may yet rebuild every house,"'
    ]
    assert check_text(text, plugins=plugin_path, rules=[house], select=["quotes"]) == []


def test_bad_option_is_a_pack_error_naming_file_and_rule(plugin_path: tuple[str, ...], tmp_path: Path) -> None:
    bad = _pack(tmp_path, "{neighbours: 9}")
    with pytest.raises(PackError) as raised:
        check_text("Anything.", plugins=plugin_path, rules=[bad])
    message = str(raised.value)
    assert message.startswith(f"{bad}:6:") and "rule 'q'" in message and "options" in message  # the option's line


# -- the plugin's subcommand, from the installed venv -----------------------------------------------


def test_venv_plugin_adds_a_subcommand(plugin_venv: Path, tmp_path: Path) -> None:
    draft = tmp_path / "flood.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    quiet = tmp_path / "quiet.txt"
    quiet.write_text('"We had sandbags ready for every street," the council leader said.\n', encoding="utf-8")
    python = str(plugin_venv / "bin" / "python")
    helped = run_outside([python, "-m", "factrules", "--help"], tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert "quotes" in helped.stdout and "factrules-example" in helped.stdout
    listed = run_outside([python, "-m", "factrules", "quotes", "flood.txt", "quiet.txt"], tmp_path)
    assert listed.returncode == 1, listed.stderr
    column = DRAFT.splitlines()[2].index('"') + 1
    assert listed.stdout.splitlines() == [f"flood.txt:3:{column}: {UNATTRIBUTED}", "1 unattributed quotation in 1 file"]
    clean = run_outside([python, "-m", "factrules", "quotes", "quiet.txt"], tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "0 unattributed quotations in 0 files\n")
    bad = run_outside([python, "-m", "factrules", "quotes", "flood.txt", "--date", "soon"], tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("factrules: error: date 'soon'")


def test_venv_plugins_command_names_the_entry_point(plugin_venv: Path, tmp_path: Path) -> None:
    python = str(plugin_venv / "bin" / "python")
    text = run_outside([python, "-m", "factrules", "plugins"], tmp_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    at = lines.index("example (entry point example = factrules_example.plugin in factrules-example 0.1.0)")
    assert lines[at + 1] == "  factrules_add_commands, factrules_matchers, factrules_rule_packs"
    data = json.loads(run_outside([python, "-m", "factrules", "plugins", "--format", "json"], tmp_path).stdout)
    [example] = [p for p in data["plugins"] if p["name"] == "example"]
    assert example["hooks"] == ["factrules_add_commands", "factrules_matchers", "factrules_rule_packs"]


def test_installed_plugin_whose_import_raises_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """An entry-point plugin that fails to import names itself in one line and exits 2, never 1 ("findings")."""
    venv = tmp_path / "venv"
    made = run_outside([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(run_outside([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            tmp_path).stdout.strip())
    (site / "factrules-under-test.pth").write_text(
        str(Path(factrules.__file__).resolve().parent.parent) + "\n", encoding="utf-8")
    # an installed distribution as pip leaves it: a module and a dist-info with the entry point
    (site / "broken_desk_plugin.py").write_text("raise RuntimeError('house pack server unreachable')\n",
                                                encoding="utf-8")
    info = site / "broken_desk_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-desk-plugin\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text("[factrules]\nbroken_desk = broken_desk_plugin\n", encoding="utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("It reportedly fell.\n", encoding="utf-8")
    for command in (["check", str(draft)], ["rules", "list"]):
        result = run_outside([str(python), "-m", "factrules", *command], tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "broken_desk" in lines[0] and "house pack server unreachable" in lines[0]
