"""Every hook of the plugin contract, exercised through a plugin that implements it (``hook_plugin.py``).

``test_every_hookspec_has_a_test_and_docs`` keeps it so, as datasette's
``test_plugin_hooks_have_tests`` does: a new hookspec without a
``test_hook_<name>`` here, or without a mention in ``docs/``, fails the
suite.  The strict loading rules of ``factrules.plugins`` (a plugin that
raises on import, a misspelt hook) and ``factrules plugins`` are tested here
too.
"""

from __future__ import annotations

import ast
import json
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from factrules import check_paths, check_text, hookspecs
from factrules.cli.commands import load_manager
from factrules.cli.parser import build_parser
from factrules.errors import ConfigError, PluginError
from factrules.plugins import make_manager, plugin_infos
from factrules.selectors import UnknownSelectorError

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ("hook_plugin",)
SHOUTED = "The mayor called the plan a DISGRACE on Monday."


def hookspec_names() -> list[str]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return sorted(name for name, value in vars(hookspecs).items() if callable(value) and hasattr(value, marker))


def test_every_hookspec_has_a_test_and_docs() -> None:
    names = hookspec_names()
    assert "factrules_add_commands" in names and len(names) >= 7  # the marker lookup finds the specs
    tests = {
        node.name
        for path in (ROOT / "tests").glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
    }
    docs = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md"))
    untested = [name for name in names if f"test_hook_{name}" not in tests]
    undocumented = [name for name in names if f"`{name}(" not in docs]
    assert not untested, f"hooks without a test_hook_<name> test: {untested}"
    assert not undocumented, f"hooks not documented in docs/ as `name(...)`: {undocumented}"


def test_hook_factrules_matchers() -> None:
    findings = check_text(SHOUTED, plugins=PLUGIN, select=["shouting"])
    assert [(f.rule, f.text) for f in findings] == [("shouting.all-caps", "DISGRACE")]


def test_hook_factrules_rule_packs(cli: Any) -> None:
    listing = cli("rules", "list", "--plugin", "hook_plugin")
    assert listing.code == 0, listing.err
    assert any(line.split()[:2] == ["shouting.all-caps", "all-caps"] for line in listing.out.splitlines())
    tested = cli("rules", "test", "--plugin", "hook_plugin", "--select", "shouting")
    assert tested.code == 0, tested.out
    assert "2 examples of 1 rules in 1 packs, 0 failed" in tested.out


def test_hook_factrules_readers(tmp_path: Path) -> None:
    draft = tmp_path / "draft.shout"
    draft.write_text("NOTES FOR THE DESK\n>>>\nThe council called it a SCANDAL.\n", encoding="utf-8")
    report = check_paths([str(draft)], plugins=PLUGIN, select=["shouting"])
    assert [f.text for f in report.findings] == ["SCANDAL"]  # the part before >>> is not read
    with pytest.raises(UnknownSelectorError):  # without the plugin: no such pack, and no silent green
        check_paths([str(draft)], select=["shouting"])


def test_hook_factrules_formatters(cli: Any, write: Any) -> None:
    draft = write("draft.txt", SHOUTED + " It was a FARCE.\n")
    result = cli("check", draft, "--plugin", "hook_plugin", "--select", "shouting", "--format", "count")
    assert (result.code, result.out) == (1, "2 findings\n")
    unknown = cli("check", draft, "--format", "count")
    assert unknown.code == 2 and "unknown format 'count'" in unknown.err


def test_hook_factrules_document_findings() -> None:
    assert check_text(SHOUTED, plugins=PLUGIN, select=["shouting"])
    assert check_text(SHOUTED + " HUSH.", plugins=PLUGIN, select=["shouting"]) == []


def test_hook_factrules_config_schema(tmp_path: Path) -> None:
    config = tmp_path / ".factrules.yaml"
    config.write_text("shouting_limit: 3\n", encoding="utf-8")
    assert check_text(SHOUTED, plugins=PLUGIN, select=["shouting"], config=str(config))
    with pytest.raises(ConfigError):  # the key is the plugin's: unknown without it
        check_text(SHOUTED, config=str(config))
    config.write_text("shouting_limit: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="shouting_limit"):
        check_text(SHOUTED, plugins=PLUGIN, config=str(config))


def test_hook_factrules_add_commands(cli: Any) -> None:
    result = cli("shout-count", "NO MORE DELAYS, the mayor said", "--plugin", "hook_plugin", "--select", "a,b")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"words": 2, "select": ["a", "b"]}
    helped = build_parser(load_manager(PLUGIN)).format_help()
    assert "count shouted words in TEXT" in helped
    assert "shout-count" not in build_parser(load_manager()).format_help()
    without = cli("shout-count", "LOUD")
    assert without.code == 2 and "invalid choice: 'shout-count'" in without.err


# -- loading is strict -----------------------------------------------------------------------------


def _module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str) -> str:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_a_plugin_whose_import_raises_is_one_line_and_exit_2(cli: Any, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    name = _module(tmp_path, monkeypatch, "raising_plugin", """\
        raise RuntimeError("the licence server
        is down")
        """.replace("\n        is", " is"))
    result = cli("check", "-", "--plugin", name, stdin="Anything.")
    assert result.code == 2 and result.out == ""
    assert result.err == ("factrules: error: plugin 'raising_plugin' (--plugin) cannot be imported: "
                          "RuntimeError: the licence server is down\n")


def test_an_entry_point_whose_import_raises_names_it(cli: Any, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _module(tmp_path, monkeypatch, "broken_entry", "import a_module_nobody_installed\n")
    point = metadata.EntryPoint(name="broken", value="broken_entry:hooks", group="factrules")
    real = metadata.entry_points
    monkeypatch.setattr(metadata, "entry_points",
                        lambda **kw: [point] if kw.get("group") == "factrules" else real(**kw))
    for args in (("plugins",), ("check", "-"), ("--version",)):
        result = cli(*args, stdin="Anything.")
        assert result.code == 2, args
        [line] = result.err.splitlines()
        assert line == ("factrules: error: plugin 'broken' (entry point broken = broken_entry:hooks) cannot be "
                        "loaded: ModuleNotFoundError: No module named 'a_module_nobody_installed'")


def test_a_misspelt_hook_is_an_error_not_ignored(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = _module(tmp_path, monkeypatch, "misspelt_plugin", """\
        from factrules.hookspecs import hookimpl

        @hookimpl
        def factrules_matcher():
            return {}
        """)
    with pytest.raises(PluginError, match="implements 'factrules_matcher', which is not a factrules hook"):
        make_manager([name])
    result = cli("rules", "list", "--plugin", name)
    assert result.code == 2
    assert result.err.startswith("factrules: error: plugin 'misspelt_plugin' (--plugin) implements 'factrules_matcher'")


def test_a_command_hook_that_raises_is_one_line(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = _module(tmp_path, monkeypatch, "clashing_plugin", """\
        from factrules.hookspecs import hookimpl

        @hookimpl
        def factrules_add_commands(commands):
            commands.add_parser("check")
        """)
    result = cli("rules", "list", "--plugin", name)
    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.startswith("factrules: error: plugin 'clashing_plugin' (--plugin) cannot add its commands: ")


# -- factrules plugins ---------------------------------------------------------------------------


def test_plugins_command_lists_each_plugin_with_its_hooks(cli: Any) -> None:
    result = cli("plugins", "--plugin", "hook_plugin")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[:2] == ["factrules.builtin (built-in)",
                         "  factrules_formatters, factrules_matchers, factrules_readers, factrules_rule_packs"]
    assert lines[-2:] == ["hook_plugin (--plugin)", "  " + ", ".join(hookspec_names())]
    assert "factrules.cli.commands.check (built-in)" in lines


def test_plugins_command_json(cli: Any) -> None:
    result = cli("plugins", "--format=json", "--plugin", "hook_plugin")  # not a report: the fixture validates those
    assert result.code == 0, result.err
    plugins = json.loads(result.out)["plugins"]
    by_name = {plugin["name"]: plugin for plugin in plugins}
    assert by_name["factrules.suppressions"] == {"name": "factrules.suppressions", "origin": "built-in",
                                                 "hooks": ["factrules_document_findings"]}
    assert by_name["hook_plugin"]["hooks"] == hookspec_names()
    assert [p["name"] for p in plugins][:2] == ["factrules.builtin", "factrules.suppressions"]
    assert [info.to_dict() for info in plugin_infos(make_manager(PLUGIN))] == [
        p for p in plugins if not p["name"].startswith("factrules.cli.")]


def test_a_command_without_a_handler_is_one_line(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = _module(tmp_path, monkeypatch, "handless_plugin", """\
        from factrules.hookspecs import hookimpl

        @hookimpl
        def factrules_add_commands(commands):
            commands.add_parser("idle").add_argument("--plugin")
        """)
    result = cli("idle", "--plugin", name)
    assert (result.code, result.err) == (2, "factrules: error: command 'idle' sets no handler "
                                            "(parser.set_defaults(handler=...))\n")
