"""docs/ci.md's walkthrough, from nothing to a blocking pull-request check, run command by command.

Each ``<!-- walkthrough -->`` block of the page is run in order, in a desk's repository made here, with
this checkout's ``factrules`` on PATH; a line's ``# exit N`` comment is the status it must end with (0
otherwise).  The install line is one of the documented install commands, which
``tests/test_install_docs.py`` runs in a fresh venv; here it is checked to be one of them.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT_ROOT
from test_install_docs import documented_installs

CI_DOC = PROJECT_ROOT / "docs" / "ci.md"
GIT = ["git", "-c", "user.name=factrules tests", "-c", "user.email=tests@factrules.invalid",
       "-c", "commit.gpgsign=false"]

#: the desk's archive: hedges, a relative date, and one name spelt two ways (in sentences of their own)
STORY = (
    "The fire reportedly began in a storage shed last week.\n\n"
    "Firefighters reached Tel el-Samra by noon.\n\n"
    "The road to Tel al-Samra stayed closed.\n\n"
    "Tel el-Samra had no power until dusk.\n"
)
BRIEF = "Officials said the bridge would probably reopen on Tuesday.\n"


def walkthrough() -> list[tuple[str, int]]:
    """(command, expected exit status) for every line of the walkthrough blocks, in order."""
    text = CI_DOC.read_text(encoding="utf-8")
    steps = []
    for block in re.findall(r"<!-- walkthrough -->\n```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if not line.strip():
                continue
            command, _, comment = line.partition("   #")
            expected = re.search(r"exit (\d+)", comment)
            steps.append((command.strip(), int(expected[1]) if expected else 0))
    return steps


def test_the_walkthrough_goes_from_install_to_a_blocking_check(tmp_path: Path) -> None:
    steps = walkthrough()
    assert len(steps) >= 10
    desk = tmp_path / "desk"
    (desk / "drafts").mkdir(parents=True)
    (desk / "drafts" / "story.md").write_text(STORY, encoding="utf-8")
    (desk / "drafts" / "brief.md").write_text(BRIEF, encoding="utf-8")
    subprocess.run([*GIT, "init", "-q"], cwd=desk, check=True, capture_output=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "factrules"  # this checkout's factrules, as the installed one would be
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m factrules "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(PROJECT_ROOT),
           "NO_COLOR": "1"}
    installs = documented_installs()
    outputs: list[str] = []
    for command, expected in steps:
        if " pip install " in f" {command}":
            assert command in installs  # run in a fresh venv by test_install_docs
            continue
        done = subprocess.run(["bash", "-c", command], cwd=desk, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == expected, f"{command}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout + done.stderr)
    # what the steps showed: the checklist, the baseline's counts, the new finding alone, the stale entries
    by_command = dict(zip([c for c, _ in steps if " pip install " not in f" {c}"], outputs, strict=True))
    first_checklist = next(v for c, v in by_command.items() if c.endswith("--format checklist"))
    assert "## Fact-check checklist" in first_checklist and "- [ ] **hedge**" in first_checklist
    hidden = next(v for c, v in by_command.items() if c.endswith("--baseline .factrules-baseline.json"))
    assert "known findings hidden" in hidden
    pr_checklist = [v for c, v in by_command.items() if "--baseline" in c and c.endswith("checklist")][0]
    assert pr_checklist.count("- [ ] ") == 1 and "Rebels reportedly fled" in pr_checklist
    assert "Tel al-Samra" not in (desk / "drafts" / "story.md").read_text(encoding="utf-8")
    pruned = next(v for c, v in by_command.items() if "baseline prune" in c)
    assert "stale entr" in pruned and "0 stale entries" not in pruned
