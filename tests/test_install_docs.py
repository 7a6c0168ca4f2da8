"""Every install instruction in the docs works as written (issue 13.3), each in a fresh venv.

factrules is not on the package index, so an instruction such as ``pip install 'factrules[lsp]'`` fails
with "No matching distribution" for every reader who tries it.  This test collects every ``pip install``
command of README.md, docs/*.md and the plugins' READMEs (in code blocks and inline code), and runs each as
written in a fresh venv, from a checkout of the project: a git URL of the docs
(``https://github.com/your-org/factrules``, the GitLab one) is pointed at a git repository holding this
checkout, with the ``main`` branch the docs name.  The venvs see the system's packages, so the commands
need the index only for what the build itself asks for.  The documented pre-commit config runs too, its
``rev:`` resolved in that repository.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md")),
        *sorted((PROJECT_ROOT / "plugins").glob("*/README.md"))]
#: documented commands that install the reader's own package, built in the text around them
NOT_OURS = {"pip install ./factrules-house"}
GIT_URLS = ("https://github.com/your-org/factrules", "https://gitlab.com/your-org/factrules.git")
GIT = ["git", "-c", "user.name=factrules tests", "-c", "user.email=tests@factrules.invalid",
       "-c", "commit.gpgsign=false"]

pytestmark = pytest.mark.timeout(1200)


def documented_installs() -> dict[str, list[str]]:
    """Each distinct ``pip install`` command of the docs, and the files that give it."""
    found: dict[str, list[str]] = {}
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        blocks = re.findall(r"```[a-z]*\n(.*?)```", text, re.S)
        inline = re.findall(r"`([^`\n]*pip install[^`\n]*)`", re.sub(r"```.*?```", "", text, flags=re.S))
        lines = [line for block in blocks for line in block.splitlines()] + inline
        for line in lines:
            match = re.search(r"(?:python3? -m )?pip install [^#&|]*", line.removeprefix("$ ").removeprefix("- "))
            if not match:
                continue
            command = match.group(0).strip().rstrip("\\").strip()
            if command.startswith("run: "):
                command = command.removeprefix("run: ")
            found.setdefault(command, []).append(doc.relative_to(PROJECT_ROOT).as_posix())
    return found


def test_the_docs_name_no_install_that_cannot_work() -> None:
    commands = documented_installs()
    assert len(commands) >= 6, commands
    for command in commands:
        words = shlex.split(command)
        targets = [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
        for target in targets:  # a bare name asks the index, where factrules is not
            assert target.startswith((".", "/", "git+", "plugins/")) or " @ git+" in target, (command, target)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout as a user's clone: tracked and untracked (non-ignored) files, committed on ``main``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=PROJECT_ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    target = tmp_path_factory.mktemp("clone") / "factrules"
    for name in filter(None, listed):
        source = PROJECT_ROOT / name
        if source.is_file() and not name.startswith(("bench/", "plugins/vscode-factrules/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=target, check=True, capture_output=True)
    subprocess.run([*GIT, "add", "-A"], cwd=target, check=True, capture_output=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "snapshot"], cwd=target, check=True, capture_output=True)
    return target


def _fresh_venv(where: Path) -> Path:
    """A venv over the system's packages whose ``pip`` is its own ``python -m pip`` (never the system's)."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(where)],
                   check=True, capture_output=True)
    shim = where / "bin" / "pip"
    shim.write_text(f'#!/bin/sh\nexec "{where}/bin/python" -m pip "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return where


def _run_install(command: str, checkout: Path, venv: Path) -> tuple[str, subprocess.CompletedProcess[str], str]:
    local = command
    for url in GIT_URLS:
        local = local.replace(url, f"file://localhost{checkout}")  # file:///… is no PEP 508 URL
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_INPUT="1")
    done = subprocess.run(["bash", "-c", local], cwd=checkout, env=env, capture_output=True, text=True, timeout=900)
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import factrules; print(factrules.__file__)"],
                           cwd=venv, env=env, capture_output=True, text=True).stdout.strip()
    return command, done, where


def test_every_documented_install_command_works_in_a_fresh_venv(checkout: Path, tmp_path: Path) -> None:
    commands = [c for c in documented_installs() if c not in NOT_OURS]
    venvs = [_fresh_venv(tmp_path / f"venv{i}") for i in range(len(commands))]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda c, v: _run_install(c, checkout, v), commands, venvs))
    for (command, done, where), venv in zip(results, venvs, strict=True):
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        if "plugins/" not in command:  # the command installed factrules itself, into this venv
            assert where.startswith((str(venv), str(checkout))), (command, where)


def test_the_documented_precommit_config_runs_with_its_rev(checkout: Path, tmp_path: Path) -> None:
    text = (PROJECT_ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    config = re.search(r"<!-- validate: pre-commit-config -->\n```yaml\n(.*?)```", text, re.S).group(1)
    assert "rev: main" in config
    desk = tmp_path / "desk"
    (desk / "drafts").mkdir(parents=True)
    (desk / "drafts" / "story.md").write_text("The mayor reportedly resigned.\n", encoding="utf-8")
    (desk / ".pre-commit-config.yaml").write_text(config.replace(GIT_URLS[0], str(checkout)), encoding="utf-8")
    subprocess.run([*GIT, "init", "-q"], cwd=desk, check=True, capture_output=True)
    subprocess.run([*GIT, "add", "-A"], cwd=desk, check=True, capture_output=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    ran = subprocess.run(["pre-commit", "run", "--all-files", "--color", "never"], cwd=desk, env=env,
                         capture_output=True, text=True, timeout=900)
    assert ran.returncode == 1, ran.stdout + ran.stderr  # the hook ran, and found the hedge
    assert "hedges.reportedly" in ran.stdout, ran.stdout
