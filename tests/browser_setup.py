"""The browser the playground tests drive: Debian's ``chromium``, installed by the suite itself when missing.

The README's test command (``pip install -e '.[test]' && pytest``) has to pass on a fresh machine, where
Chromium is not there at the start: Playwright's own ``playwright install`` downloads a browser build from
outside the package registries, which this project's machines cannot reach, so the suite installs the
distribution's package the way ``.ci/run`` used to, with ``apt-get`` (as root, or through ``sudo -n``).
If that is impossible the tests fail with the one command that fixes it; they never skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess

CHROMIUM = "/usr/bin/chromium"
#: waits for the dpkg lock another install may hold, instead of failing at once
LOCK = ["-o", "DPkg::Lock::Timeout=600"]
INSTALL = ["apt-get", *LOCK, "install", "-y", "-qq", "--no-install-recommends", "chromium"]


def ensure_chromium() -> str:
    """The path of a working ``chromium``, installing Debian's package first when it is missing."""
    if shutil.which(CHROMIUM):
        return CHROMIUM
    apt = shutil.which("apt-get")
    hint = f"{CHROMIUM} is missing and could not be installed: run `sudo {' '.join(INSTALL)}`"
    assert apt, hint + " (no apt-get here)"
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", *LOCK, "update", "-qq"], INSTALL):
        done = subprocess.run([*prefix, *command], env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{hint}\n{' '.join(command)}: {done.stderr[-2000:]}"
    assert shutil.which(CHROMIUM), hint
    return CHROMIUM
