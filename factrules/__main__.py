"""``python -m factrules``."""

import sys

from factrules.cli import main

sys.exit(main())
