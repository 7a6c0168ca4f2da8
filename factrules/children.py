"""Child processes that die with their parent.

A worker (a ``scan`` batch process, a server check process) must not
outlive a ``kill -9`` of the process that started it: nobody would read
its output, and it would keep a core busy or a file open. On Linux the
kernel does it (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); elsewhere a daemon
thread polls ``getppid()`` and exits when the parent is gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.5


def die_with_parent() -> None:
    """Make this process end when its parent does; call it first thing in a worker process."""
    parent = os.getppid()
    if sys.platform.startswith("linux") and _prctl_deathsig():
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), name="factrules-parent-watch", daemon=True).start()


def _prctl_deathsig() -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    os._exit(1)


def ignore_interrupts() -> None:
    """Leave Ctrl-C to the parent: it stops the workers itself, without a traceback from each of them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
