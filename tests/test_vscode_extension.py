"""The VS Code extension in plugins/vscode-factrules: it builds from its lock file, and agrees with the server.

The build runs ``npm ci && npm run compile`` in a copy of the directory (so
a developer's node_modules/out are neither used nor touched), as CI does.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from factrules.lsp.settings import KNOWN_KEYS

EXTENSION = Path(__file__).resolve().parent.parent / "plugins" / "vscode-factrules"
#: settings that start the server (or trace it) rather than being passed to it
CLIENT_ONLY = {"path", "args", "trace.server"}


def _package() -> dict:
    return json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


@pytest.mark.timeout(600)
def test_npm_ci_and_compile_produce_the_extension(tmp_path: Path) -> None:
    npm = shutil.which("npm")
    assert npm, "npm (Node.js) is needed to build plugins/vscode-factrules"
    work = tmp_path / "vscode-factrules"
    shutil.copytree(EXTENSION, work, ignore=shutil.ignore_patterns("node_modules", "out", "*.vsix"))
    for step in (["ci", "--no-audit", "--no-fund"], ["run", "compile"]):
        done = subprocess.run([npm, *step], cwd=work, capture_output=True, text=True, timeout=540)
        assert done.returncode == 0, f"npm {' '.join(step)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    compiled = work / "out" / "extension.js"
    assert compiled.is_file()
    code = compiled.read_text(encoding="utf-8")
    assert "exports.activate = activate" in code and "exports.deactivate = deactivate" in code
    assert "factrules/explainRule" in code
    assert _package()["main"] == "./out/extension.js"


def test_lock_file_matches_package_json() -> None:
    package = _package()
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    root = lock["packages"][""]
    assert root["dependencies"] == package["dependencies"]
    assert root["devDependencies"] == package["devDependencies"]
    assert "node_modules/vscode-languageclient" in lock["packages"]


def test_settings_are_the_servers_initialization_options() -> None:
    """Every setting the extension passes on is one the server reads, and the other way round."""
    properties = _package()["contributes"]["configuration"]["properties"]
    settings = {key.removeprefix("factrules.") for key in properties}
    passed = settings - CLIENT_ONLY
    assert passed == set(KNOWN_KEYS) - {"plugins"}  # plugins are Python modules: set them in the server's config
    source = (EXTENSION / "src" / "extension.ts").read_text(encoding="utf-8")
    body = source.split("export function initializationOptions", 1)[1].split("\n}\n", 1)[0]
    assert set(re.findall(r"^\s+(\w+):", body, re.M)) == passed


def test_activation_covers_the_languages_the_server_checks() -> None:
    from factrules.lsp.check import LANGUAGE_READERS

    events = {e.removeprefix("onLanguage:") for e in _package()["activationEvents"]}
    assert events == set(LANGUAGE_READERS) - {"text"}  # "text" is Helix's id for plain text
    source = (EXTENSION / "src" / "extension.ts").read_text(encoding="utf-8")
    assert re.search(r'const LANGUAGES = \["markdown", "plaintext", "html"\]', source)


def test_build_outputs_are_not_committed() -> None:
    ignored = (EXTENSION / ".gitignore").read_text(encoding="utf-8").split()
    assert {"node_modules/", "out/"} <= set(ignored)
    tracked = subprocess.run(
        ["git", "ls-files", str(EXTENSION)], capture_output=True, text=True, cwd=EXTENSION, check=False
    ).stdout.split()
    assert not [f for f in tracked if "/node_modules/" in f or "/out/" in f]
