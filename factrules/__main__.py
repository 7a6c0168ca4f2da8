"""``python -m factrules``."""

import sys

from factrules.cli import main

# guarded: a spawned worker process (the server's check pool) imports this module as ``__mp_main__``
if __name__ == "__main__":
    sys.exit(main())
