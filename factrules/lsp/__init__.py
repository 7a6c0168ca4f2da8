"""The language server (``factrules lsp``): pygls wiring, buffer checks, LSP content, positions, settings.

``server`` needs the ``lsp`` extra (pygls) and so does ``content``;
``check``, ``positions`` and ``settings`` are plain Python and importable
without it. This package imports none of them itself, so importing it
costs nothing and needs no extra.
"""
