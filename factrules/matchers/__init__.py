"""Built-in matcher kinds, one module each; registered by ``factrules.builtin``."""
