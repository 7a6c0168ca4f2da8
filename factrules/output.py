"""Writing output files without ever leaving a half-written one behind, or replacing what is not a file.

``-o /dev/null`` run as root used to rename a temporary file over ``/dev/null``: the rename that makes a
report appear whole is only right for a regular file (or a new path).  ``write_atomically`` therefore
looks at the target first:

- a new path, or a regular file: written to a temporary file beside it and renamed into place (a symlink
  to a regular file is followed, so the link stays a link);
- a character device (``/dev/null``, a terminal) or a FIFO (``-o >(gzip > x)``): written in place, as a
  shell redirection would;
- anything else (a directory, a socket, a missing directory on the way): an ``OutputError``, one line.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from factrules.errors import OutputError


def output_target(path: Path) -> tuple[Path, bool]:
    """Where to write ``path`` and whether to write it atomically; ``OutputError`` when it cannot be written.

    Callers may call this before a long run, to fail before the work rather than after it.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        directory = target.parent if str(target.parent) else Path(".")
        if not directory.is_dir():
            raise OutputError(f"{path}: cannot write output: directory '{directory}' does not exist") from None
        return target, True
    except OSError as error:
        raise OutputError(f"{path}: cannot write output: {error.strerror or error}") from None
    if stat.S_ISREG(mode):
        return target, True
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return target, False
    what = "a directory" if stat.S_ISDIR(mode) else "not a regular file, device or pipe"
    raise OutputError(f"{path}: cannot write output: {what}")


@contextlib.contextmanager
def write_atomically(path: Path, mode: str = "w") -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    A device or FIFO is written in place instead (see the module docstring); an existing file keeps its
    permissions.
    """
    target, atomic = output_target(path)
    if not atomic:
        try:
            stream = open(target, mode, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as error:
            raise OutputError(f"{path}: cannot write output: {error.strerror or error}") from None
        with stream:
            yield stream
        return
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as error:
        raise OutputError(f"{path}: cannot write output: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, mode, encoding="utf-8") as stream:
            yield stream
        try:
            permissions = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            permissions = 0o666 & ~umask  # mkstemp's 0600 would surprise a user sharing the file
        os.chmod(temporary, permissions)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
