"""Errors a user can cause and fix; each carries a one-line message meant for them."""

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


class OutputError(FactrulesError):
    """An output file that cannot be written where asked (missing directory, a directory, a socket, ...)."""
