"""Every error a user can cause and fix, as one tree under ``FactrulesError``.

Each carries a one-line message meant for the user: the command line prints
``factrules: error: <message>`` and exits 2 for any of them, the language
server shows it in the editor, the HTTP server answers with it.
"""

from __future__ import annotations


class FactrulesError(Exception):
    """Base of every error factrules reports to a user instead of a traceback."""


class InputError(FactrulesError):
    """A file that cannot be checked (missing, binary, undecodable, malformed)."""

    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(f"{path}: {message}")


class ConfigError(FactrulesError):
    """A configuration file or option that is invalid."""


class UsageError(FactrulesError):
    """A command-line usage error (unknown option, bad value)."""


class PackError(FactrulesError):
    """A rule pack that cannot be used; ``str()`` is the one-line message for the user."""

    def __init__(self, path: str, message: str, *, line: int | None = None, rule: str | None = None):
        self.path, self.line, self.rule, self.detail = path, line, rule, message
        where = f"{path}:{line}" if line else path
        what = f" rule '{rule}':" if rule else ""
        super().__init__(f"{where}:{what} {message}")


class BaselineError(FactrulesError):
    """A baseline file that is missing, unreadable or not a factrules baseline."""


class PluginError(FactrulesError):
    """A plugin that cannot be loaded or registered: its import raised, or it implements an unknown hook."""


class OutputError(FactrulesError):
    """An output file that cannot be written where asked (missing directory, a directory, a socket, ...)."""
