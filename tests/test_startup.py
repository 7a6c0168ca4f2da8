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
                         "tomllib", "socket", "dateparser", "dateutil", "difflib",
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


COMPILES = """\
import json, re, sys
from re import _compiler
from factrules.cli import main

seen = []
original = _compiler.compile


def recording(pattern, flags=0):
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(re.__path__[0]):
        frame = frame.f_back  # out of re's own frames, to the module that asked
    seen.append((frame.f_code.co_filename if frame else "?", str(pattern)))
    return original(pattern, flags)


_compiler.compile = recording
try:
    main(sys.argv[2:])
except SystemExit:
    pass
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump(seen, handle)
"""


def test_a_warm_check_compiles_none_of_factrules_own_standard_library_patterns(tmp_path: Path) -> None:
    """The modules' fixed ``re`` patterns come compiled from the regex table (``rxcache.compile_re``) on a
    warm run: each ``re.compile`` at import costs a parse in Python, paid by every pre-commit hook.

    The check's modules are imported before the recording starts only as far as ``factrules.cli``; the
    matcher modules load during the run, so a module-level ``re.compile`` in any of them is seen."""
    (tmp_path / "draft.txt").write_text("The mayor reportedly said on Sunday that about 40 people came.\n",
                                        encoding="utf-8")
    environment = {**os.environ, "FACTRULES_CACHE_DIR": str(tmp_path / "cache")}
    environment.pop("FACTRULES_NO_CACHE", None)
    report = tmp_path / "compiles.json"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COMPILES, str(report), "check", "draft.txt", "--fail-on", "never"],
                       env=environment, cwd=tmp_path, stdout=subprocess.DEVNULL, check=True)
    package = str(Path(__import__("factrules").__file__).parent)
    ours = [(Path(file).name, pattern[:60]) for file, pattern in json.loads(report.read_text(encoding="utf-8"))
            if file.startswith(package)]
    assert not ours, f"compiled with re.compile on a warm run: {ours}"
