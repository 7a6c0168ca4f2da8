"""``check --fix``: apply the findings' suggestions to the files, atomically, or show them as a diff.

A finding with a ``suggestion`` (a consistency spelling's preferred form, a pack rule's ``suggestion``
template) says what its words should be; its ``span`` is in code points of the decoded source file.  A
file's replacements are applied from its end backwards, so earlier spans stay valid; a replacement that
overlaps one already taken is left for the next run.  A file is rewritten only when its bytes still decode
to the text that was checked (UTF-8, a BOM kept), through ``output.write_atomically``: a crash leaves the
old file or the new one, never half of each.  Nothing outside the suggested spans changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factrules.output import write_atomically

_BOM = b"\xef\xbb\xbf"


@dataclass
class FilePlan:
    """The fixed text of one file and how many findings it fixes."""

    path: str
    before: str
    after: str
    fixed: int
    bom: bool

    def diff(self) -> str:
        import difflib  # imported here, not at module load: only a diff needs it
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True),
                                            self.after.splitlines(keepends=True),
                                            fromfile=f"a/{self.path.lstrip('/')}",
                                            tofile=f"b/{self.path.lstrip('/')}"))


def apply_spans(text: str, replacements: list[tuple[int, int, str]]) -> tuple[str, int]:
    """``text`` with the non-overlapping ``(start, end, new)`` replacements made; and how many were made."""
    pieces: list[str] = []
    position = len(text)
    made = 0
    for start, end, new in sorted(replacements, key=lambda r: (r[0], r[1]), reverse=True):
        if end > position or start < 0 or end > len(text):  # overlaps one already taken
            continue
        pieces.append(text[end:position])
        pieces.append(new)
        position = start
        made += 1
    pieces.append(text[:position])
    return "".join(reversed(pieces)), made


def _replacements(finding: Any) -> list[tuple[int, int, str]]:
    """Every place the finding's suggestion replaces: its own span and, for a document-level finding that
    stands for several occurrences (a minority spelling: ``data.locations``), each occurrence of the same text.
    """
    places = {(finding.span["start"], finding.span["end"])}
    data = getattr(finding, "data", None)
    for place in data.get("locations", []) if isinstance(data, dict) else []:
        if isinstance(place, dict) and place.get("text") == finding.text and "offset" in place and "length" in place:
            places.add((place["offset"], place["offset"] + place["length"]))
    return [(start, end, finding.suggestion) for start, end in sorted(places)]


def plan_fixes(findings: list[Any], sources: dict[str, Any] | None = None) -> tuple[list[FilePlan], list[str]]:
    """The files the findings' suggestions would change, and one note per file that cannot be fixed.

    ``sources`` (path to the checked ``Document``) lets a file be fixed only when it still holds the text
    that was checked.
    """
    by_path: dict[str, list[tuple[int, int, str]]] = {}
    for finding in findings:
        if finding.suggestion is None or finding.path == "-" or finding.suggestion == finding.text:
            continue
        by_path.setdefault(finding.path, []).extend(_replacements(finding))
    plans: list[FilePlan] = []
    notes: list[str] = []
    for path, replacements in by_path.items():
        try:
            data = Path(path).read_bytes()
            bom = data.startswith(_BOM)
            text = data[len(_BOM):].decode("utf-8") if bom else data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            notes.append(f"{path}: not fixed: {getattr(error, 'strerror', None) or error}")
            continue
        checked = sources.get(path) if sources else None
        if (checked is not None and getattr(checked, "source", text) != text) or any(
                end > len(text) for _, end, _ in replacements):
            notes.append(f"{path}: not fixed: the file changed since it was checked")
            continue
        after, made = apply_spans(text, replacements)
        if made and after != text:
            plans.append(FilePlan(path, text, after, made, bom))
    return plans, notes


def write_fix(plan: FilePlan) -> None:
    """Replace the file with its fixed text, atomically, keeping a UTF-8 BOM it had."""
    with write_atomically(Path(plan.path)) as stream:
        stream.write(("\ufeff" if plan.bom else "") + plan.after)
