"""CI integrations: the pre-commit hook (run for real with ``pre-commit try-repo``), the GitHub Action, docs/ci.md.

``pre-commit try-repo`` installs the project into a fresh virtual environment
(pip fetches its dependencies from the package index, or pip's cache), so
each run takes some 30 seconds. try-repo checks out a commit, and the working
tree here may hold uncommitted work, so the project is first copied (tracked
and untracked, non-ignored files) into a temporary git repository and
committed there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PROJECT_ROOT
from test_formatters import assert_valid_sarif

HEDGED = "# Council budget\n\nThe mayor reportedly approved the budget.\n"
CLEAN = "# Council budget\n\nThe mayor approved the budget, the council's minutes show.\n"
GIT = ["git", "-c", "user.name=factrules tests", "-c", "user.email=tests@factrules.invalid",
       "-c", "commit.gpgsign=false"]


def git(*args: str, cwd: Path) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def project_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as it is on disk, committed in a repository of its own (try-repo installs a commit)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=PROJECT_ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    target = tmp_path_factory.mktemp("project")
    for name in filter(None, listed):
        if name.startswith(("tests/", "bench/")):
            continue  # not needed to install the hook; keeps the copy small
        source = PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "snapshot for pre-commit try-repo", cwd=target)
    return target


def sample_repo(root: Path, draft: str) -> Path:
    """A desk's repository with one draft (tracked, as ``--all-files`` runs on tracked files)."""
    root.mkdir()
    (root / "drafts").mkdir()
    (root / "drafts" / "story.md").write_text(draft, encoding="utf-8")
    (root / "notes.py").write_text("print('reportedly')\n", encoding="utf-8")  # not a draft: the hook skips it
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    return root


def try_repo(project: Path, sample: Path, home: Path) -> subprocess.CompletedProcess[str]:
    # try-repo keeps its environments in a temporary store of its own; PRE_COMMIT_HOME only keeps its log out of ~.
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        ["pre-commit", "try-repo", str(project), "factrules", "--all-files", "--color", "never"],
        cwd=sample, env=env, capture_output=True, text=True, timeout=900,
    )


def test_precommit_hook_fails_on_a_hedged_draft(project_repo: Path, tmp_path: Path) -> None:
    sample = sample_repo(tmp_path / "desk", HEDGED)
    result = try_repo(project_repo, sample, tmp_path / "pre-commit-home")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(r"factrules \(fact-check drafts\)\.+Failed", output), output
    assert "drafts/story.md:3:11: warning [hedges.reportedly]" in output, output
    assert "notes.py" not in output


def test_precommit_hook_passes_a_clean_draft(project_repo: Path, tmp_path: Path) -> None:
    sample = sample_repo(tmp_path / "desk", CLEAN)
    result = try_repo(project_repo, sample, tmp_path / "pre-commit-home")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"factrules \(fact-check drafts\)\.+Passed", output), output


def test_hook_manifest_is_valid_and_covers_every_reader() -> None:
    manifest = PROJECT_ROOT / ".pre-commit-hooks.yaml"
    result = subprocess.run(["pre-commit", "validate-manifest", str(manifest)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (hook,) = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    assert hook["id"] == "factrules" and hook["entry"] == "factrules check" and hook["language"] == "python"
    from factrules.plugins import registry

    files = re.compile(hook["files"])
    for extension in registry().readers:
        assert files.search(f"drafts/story{extension}"), f"the hook's files pattern misses {extension} drafts"
    assert not files.search("notes.py")


# -- the GitHub Action ------------------------------------------------------

ACTION = PROJECT_ROOT / "action.yml"


def test_action_metadata_is_valid() -> None:
    result = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.github-actions", str(ACTION)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"paths", "date", "fail-on", "format"} <= set(action["inputs"])
    uses = [step.get("uses", "") for step in action["runs"]["steps"]]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)


def _expand(value: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    """The two kinds of ``${{ }}`` expression the action's env blocks use."""
    def replace(match: re.Match[str]) -> str:
        expression = match[1].strip()
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        if expression.startswith("steps.check.outputs."):
            return outputs.get(expression.removeprefix("steps.check.outputs."), "")
        raise AssertionError(f"unexpected expression {expression}")

    return re.sub(r"\$\{\{(.*?)\}\}", replace, value)


def run_action_step(step_name: str, given: dict[str, str], cwd: Path, outputs: dict[str, str]) -> Any:
    """Run one ``run:`` step of the composite action with bash, as the runner would, ``factrules`` on PATH."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()} | given
    step = next(s for s in action["runs"]["steps"] if s.get("name") == step_name)
    bin_dir = cwd / ".bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "factrules"  # this checkout's factrules, whatever is installed
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m factrules "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    github_output = cwd / ".github_output"
    github_output.write_text("", encoding="utf-8")
    runner_temp = cwd / ".runner_temp"  # the runner's per-job temporary directory, shared by the steps
    runner_temp.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(github_output),
           "GITHUB_STEP_SUMMARY": str(cwd / ".step_summary.md"), "RUNNER_TEMP": str(runner_temp),
           "PYTHONPATH": str(PROJECT_ROOT), "NO_COLOR": "1"}
    env.update({key: _expand(str(value), inputs, outputs) for key, value in step.get("env", {}).items()})
    assert step["shell"] == "bash"
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=300)
    produced = dict(line.split("=", 1) for line in github_output.read_text(encoding="utf-8").splitlines() if line)
    return result, produced


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "story.md").write_text(HEDGED, encoding="utf-8")
    (tmp_path / "extra.txt").write_text("It allegedly happened.\n", encoding="utf-8")
    return tmp_path


def test_action_writes_sarif_and_fails_on_findings(workspace: Path) -> None:
    result, outputs = run_action_step("Run factrules", {"paths": "drafts"}, workspace, {})
    assert result.returncode == 0, result.stderr  # the check step records the status; a later step fails the job
    assert outputs == {"exit-code": "1", "sarif-file": "factrules.sarif"}
    log = json.loads((workspace / "factrules.sarif").read_text(encoding="utf-8"))
    assert_valid_sarif(log)
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]
            if r["ruleId"] == "hedges.reportedly"] == ["drafts/story.md"]
    failed, _ = run_action_step("Fail on findings", {}, workspace, outputs)
    assert failed.returncode == 1 and "::error title=factrules::findings" in failed.stdout


def test_action_annotates_with_github_format_and_passes_inputs(workspace: Path) -> None:
    given = {"paths": "drafts\nextra.txt", "format": "github", "args": "--select hedges", "date": "2026-03-13",
             "fail-on": "error"}
    result, outputs = run_action_step("Run factrules", given, workspace, {})
    assert result.returncode == 0, result.stderr
    assert outputs == {"exit-code": "0"}  # warnings only, and fail-on is error
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::warning ")]
    assert {re.search(r"file=([^,]+)", a)[1] for a in annotations} == {"drafts/story.md", "extra.txt"}
    assert all("title=factrules (hedges." in a for a in annotations)


def test_action_caches_pip_and_has_summary_and_fallback_steps() -> None:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert "~/.cache/pip" in cache["with"]["path"] and action["inputs"]["cache"]["default"] == "true"
    names = [s.get("name") for s in steps]
    assert names.index("Cache pip downloads") < names.index("Install factrules")
    upload = next(s for s in steps if s.get("id") == "upload")
    assert upload["continue-on-error"] is True
    fallback = next(s for s in steps if "instead" in s.get("name", ""))
    assert "steps.upload.outcome == 'failure'" in fallback["if"]


def test_action_args_are_split_as_a_shell_would(workspace: Path) -> None:
    house = workspace / "house style"
    house.mkdir()
    (house / "house.yaml").write_text(
        "pack: house\ndefaults: {category: style}\nrules:\n  - id: alot\n    kind: phrase\n    phrases: [alot]\n"
        "    examples:\n      match: [\"He spoke alot.\"]\n", encoding="utf-8")
    (workspace / "drafts" / "story.md").write_text("The mayor spoke alot, reportedly.\n", encoding="utf-8")
    args = "--rules 'house style/house.yaml' --select \"house, hedges\""
    given = {"paths": "drafts", "format": "github", "args": args}
    result, outputs = run_action_step("Run factrules", given, workspace, {})
    assert outputs["exit-code"] == "1", result.stdout + result.stderr
    titles = {re.search(r"title=factrules \(([^)]+)\)", line)[1] for line in result.stdout.splitlines()
              if line.startswith("::warning ")}
    assert titles == {"house.alot", "hedges.reportedly"}
    broken, outputs = run_action_step("Run factrules", {"args": "--select 'hedges"}, workspace, {})
    assert broken.returncode == 2 and "input 'args' cannot be split" in broken.stdout and outputs == {}


def test_action_writes_the_checklist_to_the_job_summary(workspace: Path) -> None:
    result, outputs = run_action_step("Run factrules", {"paths": "drafts", "format": "github"}, workspace, {})
    assert outputs["exit-code"] == "1"
    summary, _ = run_action_step("Write the fact-check checklist to the job summary", {}, workspace, outputs)
    assert summary.returncode == 0, summary.stderr
    text = (workspace / ".step_summary.md").read_text(encoding="utf-8")
    assert "## Fact-check checklist" in text and "- [ ] **hedge**" in text


def test_action_annotates_when_the_sarif_upload_cannot_write(workspace: Path) -> None:
    result, outputs = run_action_step("Run factrules", {"paths": "drafts"}, workspace, {})
    assert outputs["exit-code"] == "1"
    step = "Annotate the run instead (the SARIF upload could not write)"
    fallback, _ = run_action_step(step, {}, workspace, outputs)
    assert fallback.returncode == 0
    lines = fallback.stdout.splitlines()
    assert lines[0].startswith("::warning title=factrules::the SARIF upload failed")
    assert any(line.startswith("::warning file=drafts/story.md") for line in lines)


def test_action_rejects_an_unknown_format(workspace: Path) -> None:
    result, outputs = run_action_step("Run factrules", {"format": "xml"}, workspace, {})
    assert result.returncode == 2 and "must be sarif or github" in result.stdout
    assert outputs == {}


def test_action_reports_input_errors_as_exit_2(workspace: Path) -> None:
    result, outputs = run_action_step("Run factrules", {"paths": "missing.md", "format": "github"}, workspace, {})
    assert outputs["exit-code"] == "2"
    failed, _ = run_action_step("Fail on findings", {}, workspace, outputs)
    assert failed.returncode == 2 and "could not check" in failed.stdout


# -- docs/ci.md -------------------------------------------------------------

SCHEMAS = {"github-workflow": "vendor.github-workflows", "gitlab-ci": "vendor.gitlab-ci"}


def doc_recipes() -> list[tuple[str, str]]:
    text = (PROJECT_ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    return re.findall(r"<!-- validate: ([a-z-]+) -->\n```yaml\n(.*?)```", text, re.S)


def validate_recipe(kind: str, block: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if kind == "pre-commit-config":
        path = tmp_path / ".pre-commit-config.yaml"
        path.write_text(block, encoding="utf-8")
        return subprocess.run(["pre-commit", "validate-config", str(path)], capture_output=True, text=True)
    path = tmp_path / f"{kind}.yml"
    path.write_text(block, encoding="utf-8")
    return subprocess.run(["check-jsonschema", "--builtin-schema", SCHEMAS[kind], str(path)],
                          capture_output=True, text=True)


def test_every_recipe_in_the_docs_is_valid(tmp_path: Path) -> None:
    recipes = doc_recipes()
    assert {kind for kind, _ in recipes} == {"github-workflow", "gitlab-ci", "pre-commit-config"}
    for kind, block in recipes:
        result = validate_recipe(kind, block, tmp_path)
        assert result.returncode == 0, f"{kind} recipe invalid:\n{block}\n{result.stdout}{result.stderr}"


def test_the_recipe_validators_catch_mistakes(tmp_path: Path) -> None:
    broken = {
        "github-workflow": lambda b: b.replace("runs-on:", "run-on:"),
        "gitlab-ci": lambda b: b.replace("when: always", "when: sometimes"),
        "pre-commit-config": lambda b: b.replace("rev:", "revision:"),
    }
    seen = set()
    for kind, block in doc_recipes():
        if kind in seen:
            continue
        seen.add(kind)
        mutated = broken[kind](block)
        assert mutated != block
        assert validate_recipe(kind, mutated, tmp_path).returncode != 0, kind
