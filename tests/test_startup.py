"""Start-up: with warm caches, ``factrules check FILE`` and ``--version`` do not import what they do not use.

Times are not asserted (they depend on the machine); what a run imports is.
Each command runs twice in a fresh interpreter with its own cache
directory: the first run fills the caches (compiled packs, the regex table,
the entry points), the second is the one every later run looks like.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: heavy modules a plain check of a named text file with the text format needs none of
NOT_FOR_A_PLAIN_CHECK = ("jsonschema", "referencing", "yaml", "pathspec", "rich.console", "importlib.metadata",
                         "tomllib", "socket", "dateparser", "dateutil",
                         # the other commands' modules: a command line that names one builds only its parser
                         "factrules.cli.commands.rules", "factrules.cli.commands.serve", "factrules.server.workers")
#: and ``--version`` needs none of the engine either
NOT_FOR_VERSION = (*NOT_FOR_A_PLAIN_CHECK, "factrules.api", "factrules.engine", "factrules.packs", "regex")

RUN = """\
import json, sys
from factrules.cli import main
try:
    code = main(sys.argv[2:])
except SystemExit as stop:
    code = stop.code
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""


def imported(tmp_path: Path, *arguments: str) -> tuple[int, set[str]]:
    """The exit status and the modules imported by the second of two runs of ``factrules ARGUMENTS``."""
    environment = {**os.environ, "FACTRULES_CACHE_DIR": str(tmp_path / "cache")}
    environment.pop("FACTRULES_NO_CACHE", None)
    report = tmp_path / "modules.json"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", RUN, str(report), *arguments], env=environment, cwd=tmp_path,
                       stdout=subprocess.DEVNULL, check=True)
    result = json.loads(report.read_text(encoding="utf-8"))
    return result["code"], set(result["modules"])


def bare_interpreter() -> set[str]:
    """What this Python imports before running anything (site hooks of the environment included)."""
    found = subprocess.run([sys.executable, "-c", "import sys; print(' '.join(sys.modules))"], check=True,
                           capture_output=True, text=True).stdout.split()
    return set(found)


@pytest.mark.parametrize(("arguments", "absent", "config"), [
    (("check", "draft.txt", "--fail-on", "never"), NOT_FOR_A_PLAIN_CHECK, None),
    # a config validated by an earlier run is neither parsed (PyYAML) nor validated (jsonschema) again
    (("check", "draft.txt", "--fail-on", "never"), NOT_FOR_A_PLAIN_CHECK,
     "ignore: [hedges.seen-as]\n"),
    # Markdown needs no YAML either: front matter read by an earlier run is remembered
    (("check", "draft.md", "--fail-on", "never"), NOT_FOR_A_PLAIN_CHECK, None),
    (("--version",), NOT_FOR_VERSION, None),
], ids=["check", "check-with-config", "check-markdown", "version"])
def test_a_warm_run_imports_only_what_it_uses(tmp_path: Path, arguments: tuple[str, ...],
                                              absent: tuple[str, ...], config: str | None) -> None:
    body = "The mayor *reportedly* said on Sunday that 40 people came.\n"
    (tmp_path / "draft.txt").write_text(body, encoding="utf-8")
    (tmp_path / "draft.md").write_text(f"---\ntitle: Turnout\ndate: 2025-03-14\n---\n{body}", encoding="utf-8")
    if config is not None:
        (tmp_path / ".factrules.yaml").write_text(config, encoding="utf-8")
    code, modules = imported(tmp_path, *arguments)
    assert code == 0
    unexpected = {name for name in absent if name in modules} - bare_interpreter()
    assert not unexpected, f"imported by `factrules {' '.join(arguments)}`: {sorted(unexpected)}"
