"""The version alone, so internal modules can import it without importing the package's public API.

``factrules/__init__.py`` imports ``api``, which imports the core; a core
module that took ``__version__`` from ``factrules`` would import the package
that is still importing it.
"""

__version__ = "0.1.0"
