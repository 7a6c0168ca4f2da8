"""Output formats; each is ``formatter(report: dict, stream, *, color: bool, sources: dict)``.

``sources`` maps a path to its ``Document`` so formats that show the
flagged line (text) need not read files again.
"""
