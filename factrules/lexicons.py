"""Word lists shipped with factrules (``lexicons/``): places and demonyms, given names, surnames, words.

The consistency check uses them as evidence that two similar capitalised words are two different
words ("Argentina"/"Argentine", "Louisa"/"Louise", "Reagan"/"Regan", "Salmon"/"Salomon") rather
than one name misspelt.  They load on first use: most documents never need them.  ``lexicons/README.md``
says where each list comes from.
"""

from __future__ import annotations

from functools import cache

from factrules.resources import data_dir


def _read(name: str) -> list[str]:
    text = (data_dir("lexicons") / name).read_text(encoding="utf-8")
    return [line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def place_groups() -> tuple[frozenset[str], ...]:
    """Each line of ``places.txt``: a country or region with its demonyms and adjectives."""
    return tuple(frozenset(line.split()) for line in _read("places.txt"))


@cache
def place_words() -> frozenset[str]:
    """Every word of every place line: two different ones are never one name misspelt."""
    return frozenset(word for group in place_groups() for word in group)


@cache
def given_names() -> frozenset[str]:
    """Common given names: two of them are two people ("Allen"/"Alan") unless more says otherwise."""
    return frozenset(_read("given_names.txt"))


@cache
def surnames() -> frozenset[str]:
    """Common surnames: two of them ("Reagan"/"Regan") are two families unless one first name fronts both."""
    return frozenset(_read("surnames.txt"))


@cache
def words() -> frozenset[str]:
    """Common English words (lower case, 4-20 letters): a misspelling is rarely one, two real words are two words."""
    return frozenset(_read("words.txt"))
