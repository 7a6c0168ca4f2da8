"""An example factrules plugin: flags quotations nobody is credited with.

It shows what a third-party plugin usually adds: a matcher kind written in
Python (``unattributed-quote``), a YAML pack that uses it (``attribution``)
and a subcommand (``factrules quotes``), all registered through factrules'
pluggy hooks.
"""

__version__ = "0.1.0"
