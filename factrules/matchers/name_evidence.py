"""Evidence for and against two similar capitalised words being one name spelled two ways.

Edit distance alone finds as many different words as misspellings: "Argentina"/"Argentine",
"Minister"/"Ministry", "Allen"/"Alan", "Reagan"/"Regan".  A pair is kept only when nothing says they
are two words, and a pair of two real names (two given names, two surnames) or a pair two letters apart
needs something that says they are one: the same first name or title before both ("Maria Okonkwo" /
"Maria Okonkow"), the same name word after both, or the same ordinary word beside both.  How often
each form occurs decides which one is suggested, not whether they are one name: two firms
("Equibank", "Equimark") are often named unevenly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from factrules import lexicons

#: Endings of one stem in another part of speech or number ("Minister"/"Ministry", "Democrat"/"Democratic",
#: "Italiana"/"Italiane"): two forms that differ only in these after a shared stem are two words.
SUFFIXES = frozenset(
    """
    s es e a o i y n ns an ans ian ians ean eans ese ish ic ics ical al ial ally ed er ers ing ings ist ists
    ism ity ly ry ries ies ment ments ion ions ation ations or ors ive ia ias ite ites cy t ts ce ces
    """.split()
) | {""}
#: The stem two forms share must be at least this long for their endings to count as inflections.
MIN_STEM = 4
#: Titles and honorifics that stand before a surname and are not part of the name run.
TITLES = frozenset("mr mrs ms dr sir lord lady dame prof gen col maj capt lt sgt rev fr sen rep gov".split())


@dataclass(slots=True)
class Form:
    """One spelling of one name word in a document, with what surrounds its occurrences."""

    spelling: str  # lower case, particle included ("al-zour")
    bare: str  # lower case, particle left out
    folded: str  # bare without diacritics or punctuation: what distances are measured on
    key: str  # the transliteration key (``name_index.name_key``)
    particle: bool
    occurrences: list[tuple[int, int, int, int]] = field(default_factory=list)  # (start, end, run, index)
    before: set[str] = field(default_factory=set)  # first names or titles just before
    after: set[str] = field(default_factory=set)  # name words just after, in the same name
    beside: set[str] = field(default_factory=set)  # ordinary words next to it
    ordinary: bool = False  # the word also appears in lower case in the document


class Lexicon:
    """The word lists a spelling check consults; a pack adds places and given names through its options.

    The shipped lists load on first use (``factrules.lexicons`` caches them for the process), so a
    document with no similar names never reads them.
    """

    def __init__(self, places: tuple[str, ...] = (), given: tuple[str, ...] = ()) -> None:
        self._places = frozenset(word.lower() for entry in places for word in entry.split())
        self._given = frozenset(name.lower() for name in given)

    @cached_property
    def places(self) -> frozenset[str]:
        return lexicons.place_words() | self._places

    @cached_property
    def given(self) -> frozenset[str]:
        return lexicons.given_names() | self._given

    def is_place(self, word: str) -> bool:
        """A place or demonym, or the plural of one ("Kashmiris")."""
        places = self.places
        return word in places or (word.endswith("s") and (word[:-1] in places or word[:-2] in places))

    @property
    def surnames(self) -> frozenset[str]:
        return lexicons.surnames()

    @property
    def words(self) -> frozenset[str]:
        return lexicons.words()


def inflected(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` share a stem and differ only in grammatical endings ("Democrat"/"Democratic")?"""
    stem = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        stem += 1
    x, y = sorted((a[stem:], b[stem:]), key=len)
    if stem < MIN_STEM or x not in SUFFIXES or y not in SUFFIXES:
        return False
    if len(x) == len(y) and x[-1:] == y[-1:]:
        return False  # "Kidder"/"Kiddor": a letter changed inside the word, not its ending
    return not (len(y) == len(x) + 1 and y[1:] == x and y[0] == a[stem - 1])  # "Insurancce": a letter doubled


def unlike_words(x: str, y: str, lexicon: Lexicon) -> bool:
    """Evidence against from two folded words alone, whatever the document says about them: two places,
    two inflections of one stem, two dictionary words.  The document-level test (``spelling_gate``) asks
    this without looking at any occurrence."""
    if lexicon.is_place(x) and lexicon.is_place(y):
        return True  # "Argentina"/"Argentine", "Austria"/"Australia", "Kashmir"/"Kashmiris"
    if inflected(x, y):
        return True  # "Commission"/"Commissioner", "Italiana"/"Italiane"
    return x in lexicon.words and y in lexicon.words  # "Salmon"/"Salomon", "Spending"/"Speaking"


def settled_by_words(a: Form, b: Form, lexicon: Lexicon) -> bool | None:
    """``one_name``'s answer when the two spellings alone give it, None when it needs their context.

    Gathering what stands around every occurrence is the costly part of a comparison, and most pairs
    are settled here: the same letters, or ``unlike_words``.
    """
    if a.folded == b.folded:
        return True  # diacritics, a hyphen or a particle's joint: the same letters
    if unlike_words(a.folded, b.folded, lexicon):
        return False
    return None


def same_holder(a: Form, b: Form) -> bool:
    """The same first name or title before both, or the same name word after both."""
    return bool(a.before & b.before) or bool(a.after & b.after)


def different_companions(a: Form, b: Form, lexicon: Lexicon) -> bool:
    """Each form has other name words beside it and none in common: two people or two firms.

    "John Petersen" / "Anna Peterson" (different first names), "Kiichi Miyazawa" / "Koichi Kato"
    (different surnames).  Only given names count before a word: "Mr Okonkwo" and "Maria Okonkow", or
    "Finance Minister Okonkwo", may be one person.
    """
    first_a, first_b = a.before & lexicon.given, b.before & lexicon.given
    if first_a and first_b and not first_a & first_b:
        return True
    if not (a.after and b.after) or a.after & b.after or a.before & b.before:
        return False
    # an ordinary word ("Technology", "European") heads many names: only a name's own words count here
    return not any(word in lexicon.words or lexicon.is_place(word) for word in (a.folded, b.folded))


def some_support(a: Form, b: Form) -> bool:
    """Weaker evidence for: the same ordinary word beside both ("governor Hrabanek", "governor Hrabaenk").

    Counts alone (one form once, the other several times) are not enough: two firms ("Equibank",
    "Equimark") are often named unevenly.
    """
    return bool(a.beside & b.beside)


def one_name(a: Form, b: Form, distance: int, lexicon: Lexicon) -> bool:
    """Weigh the evidence: are ``a`` and ``b`` one name spelled two ways?"""
    settled = settled_by_words(a, b, lexicon)
    if settled is not None:
        return settled
    if (a.ordinary and b.ordinary) or different_companions(a, b, lexicon):
        return False  # both also used as ordinary words in this very document ("World"/"would"), or two holders
    holder = same_holder(a, b)
    x, y = a.folded, b.folded
    if (x in lexicon.given and y in lexicon.given) or (x in lexicon.surnames and y in lexicon.surnames):
        return holder  # "Louisa"/"Louise", "Reagan"/"Regan": two people unless the same one is named
    if distance > 1 and a.key != b.key:
        return holder or some_support(a, b)
    return True
