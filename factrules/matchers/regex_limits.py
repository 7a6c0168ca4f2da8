"""Refuse a pack's regex whose counted repeats would blow up when compiled, before compiling it.

The match timeout protects a run from catastrophic backtracking, but compiling comes first and has no
time limit. The ``regex`` module expands the *minimum* of a counted repeat into copies of its body
(measured: ``a{100000}`` compiles in 0.2 s and 40 MB, ``(?:ab|cd){100000}`` in 1 s and 190 MB,
``x{4294967294}`` exhausts memory, ``(?:(?:a{1000}){1000}){100}`` never finishes), and nested counts
multiply. So the loader estimates the expanded size with a small scanner and refuses patterns beyond
``MAX_EXPANDED`` with a message that says what to write instead. The scan is approximate (it does not
model every ``regex`` construct), but it only has to be right about counted repeats.
"""

from __future__ import annotations

from factrules import rxcache

#: expanded atoms a pattern may compile to (``a{100000}``: about 0.2 s and 40 MB to compile)
MAX_EXPANDED = 100_000

#: what opens a group, up to its contents: "(", "(?:", "(?P<name>", "(?<=", "(?i:", ...
_GROUP_PREFIX = rxcache.compile(r"\((?:\?(?:P?<\w+>|<[=!]|[=!>|]|[\w^-]*:))?")
_COUNT = rxcache.compile(r"\{(\d*)(?:,(\d*))?\}")
#: escapes whose argument sits in braces or angle brackets (``\p{L}``, ``\N{...}``, ``\x{41}``, ``\g<1>``)
_BRACED_ESCAPES = frozenset("pPNxuUgL")


def expanded_size(pattern: str, cap: int = MAX_EXPANDED) -> int:
    """Estimate how many atoms ``pattern`` compiles to once counted repeats are expanded (stops past ``cap``).

    Atoms add up along a sequence and over alternatives; a group is one atom as big as its contents;
    ``{m}``, ``{m,}`` and ``{m,n}`` multiply the atom before them by ``m`` (what ``regex`` expands).
    """
    frames: list[list[int]] = [[0, 0]]  # per open group: [total size so far, size of the last atom]
    index, length = 0, len(pattern)

    def atom(size: int) -> None:
        frames[-1][0] += size
        frames[-1][1] = size

    while index < length:
        char = pattern[index]
        if char == "\\":
            index += 2
            if pattern[index - 1 : index] in _BRACED_ESCAPES and pattern[index : index + 1] in ("{", "<"):
                closer = "}" if pattern[index] == "{" else ">"
                found = pattern.find(closer, index)
                index = length if found < 0 else found + 1
            atom(1)
            continue
        if char == "[":
            index += 1
            if pattern[index : index + 1] == "^":
                index += 1
            if pattern[index : index + 1] == "]":
                index += 1
            while index < length and pattern[index] != "]":
                index += 2 if pattern[index] == "\\" else 1
            index += 1
            atom(1)
            continue
        if char == "(":
            if pattern.startswith("(?#", index):
                found = pattern.find(")", index)
                index = length if found < 0 else found + 1
                continue
            frames.append([0, 0])
            prefix = _GROUP_PREFIX.match(pattern, index)
            index = prefix.end() if prefix else index + 1
            continue
        if char == ")" and len(frames) > 1:
            total = frames.pop()[0]
            atom(max(total, 1))
            index += 1
            continue
        if char == "{":
            count = _COUNT.match(pattern, index)
            if count and (count.group(1) or count.group(2)):
                minimum = int(count.group(1) or 0)
                frame = frames[-1]
                if minimum > 1 and frame[1]:
                    frame[0] += frame[1] * (minimum - 1)
                    frame[1] *= minimum
                    if frame[0] > cap:
                        return frame[0]
                index = count.end()
                continue
        if char not in "|*+?":
            atom(1)
        index += 1
    while len(frames) > 1:  # unbalanced: let the compiler report it
        total = frames.pop()[0]
        atom(total)
    return frames[0][0]


def check_expansion(pattern: str) -> str | None:
    """Why ``pattern`` must not be compiled, or ``None`` when its counted repeats are reasonable."""
    size = expanded_size(pattern)
    if size > MAX_EXPANDED and size > 2 * len(pattern):
        return (
            f"counted repeats expand to more than {MAX_EXPANDED:,} copies when compiled (a large or nested "
            "'{n}'); use '+', '*' or '{0,n}' instead"
        )
    return None
