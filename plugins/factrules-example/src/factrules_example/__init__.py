"""An example factrules plugin: flags quotations nobody is credited with.

It shows the two things a third-party plugin usually adds: a matcher kind
written in Python (``unattributed-quote``) and a YAML pack that uses it
(``attribution``), both registered through factrules' pluggy hooks.
"""

__version__ = "0.1.0"
