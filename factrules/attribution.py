"""Who says so: find the source phrase of a reporting clause and classify it.

News copy attributes a claim in a few fixed orders: "analysts said", "said
Mr Smith", "..., the aide said.", "according to reports", "say MPs".  This
module reads one sentence's tokens around a reporting verb, finds the source
phrase in whichever order the clause uses, and says what kind of source it
is: a named person or body (attributed), a pronoun (resolved by the caller to
an earlier source), a vague group, an anonymous single source, or none.

The word lists come from the rule's ``options`` (``Lexicon``), so a desk can
extend them without code; nothing here knows English beyond the shapes of
the clauses and the capitalisation of names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from factrules import rxcache

NAMED_PERSON = "named-person"
NAMED_BODY = "named-body"
PRONOUN = "pronoun"
VAGUE_GROUP = "vague-group"
ANONYMOUS = "anonymous"
NO_SOURCE = "no-source"
#: Kinds an editor must check: the claim rests on no one the reader can identify.
UNVERIFIED_KINDS = frozenset({VAGUE_GROUP, ANONYMOUS, NO_SOURCE})

#: Words, abbreviations ("U.S."), possessives and hyphenated words; any other non-space character alone.
#: (The standard ``re`` module: twice as fast as ``regex`` on this short pattern, which runs for every clause.)
TOKEN = rxcache.compile_re(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:[-'’&.][^\W_]+)*(?:['’]s?)?|[^\s\w]|_")
_OPEN_QUOTES = frozenset("\"“‘'«")
_CLOSE_QUOTES = frozenset("\"”’'»")
_QUOTES = _OPEN_QUOTES | _CLOSE_QUOTES
_AFTER_COMMA = frozenset({",", *_CLOSE_QUOTES})
_CLAUSE_END = frozenset({",", ".", ";", ":", "!", "?", *_QUOTES, "(", "-", "—", "–"})
#: Words that end an inverted source phrase ("said Mr Smith on Monday") or one after "according to".
_AFTER_NAME = frozenset("on in at today yesterday last this after when adding who that".split())
_AFTER_ACCORDING = frozenset("in on at that which who and to by with".split())
#: How far from the verb a source phrase may reach, in tokens.
MAX_PHRASE = 9


@dataclass(frozen=True)
class Lexicon:
    """The word lists of one attribution rule, lower-cased (see the kind's ``options_schema``)."""

    verbs: frozenset[str]
    group_nouns: frozenset[str] = frozenset()
    unnamed_nouns: frozenset[str] = frozenset()
    single_nouns: frozenset[str] = frozenset()
    spokesman_nouns: frozenset[str] = frozenset()
    vague_determiners: frozenset[str] = frozenset()
    generic_modifiers: frozenset[str] = frozenset()
    report_nouns: frozenset[str] = frozenset()
    org_suffixes: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    auxiliaries: frozenset[str] = frozenset()
    boundaries: frozenset[str] = frozenset()
    passive_verbs: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    modals: frozenset[str] = frozenset()

    @classmethod
    def build(cls, lists: dict[str, Iterable[str]]) -> Lexicon:
        return cls(**{name: frozenset(" ".join(word.lower().split()) for word in words)
                      for name, words in lists.items()})


#: Pronouns and what they can refer to; "i" is the speaker of a quotation and is never resolved.
PRONOUNS = {"he": "singular", "she": "singular", "they": "plural", "it": "body", "we": "plural", "one": "one",
            "i": "speaker"}
DETERMINERS = frozenset("a an the one two three four several some many most other others his her their its our "
                        "this that these those".split())
_SINGLE_DETERMINERS = frozenset({"a", "an", "one", "another"})


@dataclass(slots=True)
class Source:
    """A reporting clause: where its source phrase is, what it says, and what kind of source it is."""

    start: int
    end: int
    verb: str
    source: str
    kind: str
    head: str = ""
    pronoun: str | None = None
    antecedent: str | None = None
    #: the tokens and the (first, last) token of the clause, to find its exact span only when it is reported
    tokens: Tokens | None = None
    extent: tuple[int, int] | None = None

    def locate(self) -> tuple[int, int]:
        """The clause's character span: source phrase and verb."""
        if self.tokens is not None and self.extent is not None:
            self.start, self.end = self.tokens.span(*self.extent)
            self.tokens = None
        return self.start, self.end

    @property
    def unverified(self) -> bool:
        return self.kind in UNVERIFIED_KINDS


class Tokens:
    """The tokens of a stretch of a sentence as parallel lists: as written, and folded (lower case, straight
    apostrophes).  Lists of strings from two C-level ``findall`` calls: no object per token, which was most of
    the cost of reading a clause.  ``offset`` is where the stretch begins, for ``span``."""

    __slots__ = ("text", "low", "source", "offset", "end", "split", "pivot", "_rest")

    def __init__(self, source: str, start: int, end: int, pivot: int | None = None, *, whole: bool = True) -> None:
        self.source = source
        self.offset = start
        self.end = end
        #: where the cue word starts: tokens are found on either side of it, so it is token ``self.pivot``
        self.split = start if pivot is None else pivot
        before = TOKEN.findall(source, start, self.split)
        self.pivot = len(before)
        #: where the tokens not read yet begin (``complete``), or -1 when all are read
        self._rest = -1
        if not whole:
            cue = TOKEN.match(source, self.split, end)
            if cue is not None and "Σ" not in source[start:end]:  # a capital sigma folds by its neighbours
                self.text: list[str] = [*before, cue.group()]
                self.low: list[str] = _folded_tokens(self.text, source, start, end, self.split - start)
                self._rest = cue.end()
                return
        self.text = before + TOKEN.findall(source, self.split, end)
        self.low = _folded_tokens(self.text, source, start, end, self.split - start)

    def complete(self) -> None:
        """Read the tokens after the cue's, for a tokens made with ``whole=False``: the lists grow in place to
        what ``whole=True`` gives (findall goes on where its last match ended; with no capital sigma, folding
        the tokens joined is folding each part joined)."""
        if self._rest < 0:
            return
        rest = TOKEN.findall(self.source, self._rest, self.end)
        self._rest = -1
        if rest:
            self.text.extend(rest)
            self.low.extend(" ".join(rest).lower().replace("’", "'").split(" "))

    def __len__(self) -> int:
        return len(self.text)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Character span of tokens ``first`` to ``last`` (inclusive): found again only for a reported clause."""
        return self._token(first).start(), self._token(last).end()

    def _token(self, index: int) -> re.Match[str]:
        """Token ``index`` found again, by a scan that stops at it (its side of the cue only)."""
        if index < self.pivot:
            found = TOKEN.finditer(self.source, self.offset, self.split)
        else:
            found, index = TOKEN.finditer(self.source, self.split, self.end), index - self.pivot
        return next(islice(found, index, None))


def _folded_tokens(tokens: list[str], source: str, start: int, end: int, cut: int) -> list[str]:
    """``tokens`` folded (lower case, straight apostrophes), as tokenising the folded stretch gives them.

    No token holds whitespace, so the tokens joined by spaces, folded and split again are the folded tokens,
    with one C-level ``lower`` instead of a second tokenising pass.  Lower-casing is context-free except for
    the capital sigma (final or not by its neighbours in the stretch); a stretch holding one is tokenised again,
    folded, as before.
    """
    if not tokens:
        return []
    joined = " ".join(tokens)
    if "Σ" not in joined:
        return joined.lower().replace("’", "'").split(" ")
    folded = source[start:end].lower().replace("’", "'")
    low = TOKEN.findall(folded, 0, cut) + TOKEN.findall(folded, cut)
    if len(low) != len(tokens):  # folding changed a token's shape: fold each token instead
        low = [t.lower().replace("’", "'") for t in tokens]
    return low


def tokenize(text: str, start: int, end: int, pivot: int | None = None, *, whole: bool = True) -> Tokens:
    """The tokens of ``text[start:end]``; ``whole=False``: only up to the one at ``pivot`` until ``complete``
    (a clause whose subject stands before its verb never reads the rest)."""
    return Tokens(text, start, end, pivot, whole=whole)


def bare_word(word: str) -> str:
    """A token without its possessive ending: "Brown's" -> "brown"."""
    low = word.lower().replace("’", "'")
    if low.endswith("'s"):
        return low[:-2]
    return low.rstrip("'")


def plural(word: str) -> bool:
    """Is this head noun plural ("analysts", "people")?"""
    return word.endswith("s") and not word.endswith("ss") or word in ("people", "police", "staff")


def _singular(word: str) -> str:
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


class Analyzer:
    """Finds and classifies the source phrase of the reporting verb at one token of a sentence."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self._nouns = lexicon.group_nouns | lexicon.unnamed_nouns | lexicon.single_nouns | lexicon.spokesman_nouns

    # -- finding the phrase ------------------------------------------------------------------------------
    def before(self, tokens: Tokens, verb_index: int) -> tuple[int, int] | None:
        """Token span of the subject before the verb ("analysts [have] said"), skipping auxiliaries and one
        parenthetical (", who declined to be identified,")."""
        lex, low, text = self.lex, tokens.low, tokens.text
        index = verb_index - 1
        while index >= 0 and low[index] in lex.auxiliaries:
            if low[index] in lex.modals:
                return None  # "some may see this as": a possibility, not a report
            index -= 1
        if index >= 0 and text[index] == "," and index < verb_index - 1:
            return None  # "the claims, have said" is not a clause; "X, said" reads only with no auxiliary
        if index >= 0 and text[index] in (",", ")"):
            skipped = self._skip_parenthetical(tokens, index)
            if skipped is None and text[index] == "," and self._opens_sentence(tokens, index):
                skipped = index - 1  # "William Smith of Smith and Co, said": a subject with a stray comma
            if skipped is None:
                return None
            index = skipped
        end = index + 1
        start = end
        while index >= 0 and end - index <= MAX_PHRASE:
            word = low[index]
            if word == ")":
                skipped = self._skip_parenthetical(tokens, index)
                if skipped is None:
                    break
                index = skipped
                continue
            if not word[0].isalnum() and word not in ("&", "-"):
                break
            if word in lex.boundaries or word in lex.verbs or word in lex.auxiliaries:
                break
            if not word.isalpha() and any(char.isdigit() for char in word):  # a letter is never a digit
                break
            if index < end - 1 and word.endswith(("ing", "ed")) and text[index].islower() and word not in DETERMINERS:
                break  # "letting people tell": a verb before the noun, not a modifier of it
            start = index
            index -= 1
        if start >= end:
            return None
        if index >= 0 and not self._clause_opener(tokens, index):
            return None  # "a poll of people suggests", "letting people tell": the phrase is an object
        return start, end

    def apposition(self, tokens: Tokens, end: int, verb_index: int) -> tuple[int, int] | None:
        """The tokens between commas after the subject ("two officials, Otto Kahn and Ida Weiss, said")."""
        if end >= verb_index or tokens.text[end] != ",":
            return None
        close = verb_index - 1
        while close > end and tokens.text[close] != ",":
            close -= 1
        return (end + 1, close) if close > end + 1 else None

    def _opens_sentence(self, tokens: Tokens, index: int) -> bool:
        """Only words (a name, "of", "and") between the sentence start and ``index``: the subject opens it."""
        return index <= 12 and all(t[0].isalnum() or t in ("&", "-", ".") for t in tokens.text[:index])

    def _clause_opener(self, tokens: Tokens, index: int) -> bool:
        """Can a subject follow this token: punctuation, a clause word, a verb of saying, a figure?"""
        word = tokens.low[index]
        if not word[0].isalnum():
            return True
        if word in self.lex.prepositions or word in self.lex.auxiliaries:
            return False
        if tokens.text[index].islower() and word.endswith(("ing", "ed")) and word not in self.lex.verbs:
            return False
        return True

    def _skip_parenthetical(self, tokens: Tokens, index: int) -> int | None:
        """From a closing "," or ")" at ``index``, the index just before its opening one; ``None`` if none."""
        text = tokens.text
        closing = text[index]
        opening = "," if closing == "," else "("
        for back in range(index - 1, max(index - 14, -1), -1):
            if text[back] == opening:
                return back - 1 if back > 0 else None
            if text[back] in (".", ";", ":") or (closing == "," and text[back] in _QUOTES):
                return None
        return None

    def after(self, tokens: Tokens, verb_index: int) -> tuple[int, int] | None:
        """Token span of an inverted subject: '..., said Mr Smith.' / '... say MPs.'; only when the verb
        follows a comma or a quotation mark, and the phrase runs to the end of the clause."""
        lex, low, text = self.lex, tokens.low, tokens.text
        if verb_index == 0 or text[verb_index - 1] not in _AFTER_COMMA:
            return None
        start = index = verb_index + 1
        while index < len(text) and index - start < MAX_PHRASE:
            if not text[index][0].isalnum() and text[index] not in ("&", "-"):
                break
            index += 1
        if index == start:
            return None
        if any(w in lex.auxiliaries or w in lex.verbs or w in lex.boundaries for w in low[start:index]):
            return None  # '..., said Phelps has lowered costs': a clause, not a name
        if index < len(text) and text[index] not in _CLAUSE_END:
            return None
        # "said Mr Smith on Monday": drop what follows a preposition of time or place
        for cut in range(start + 1, index):
            if low[cut] in _AFTER_NAME:
                index = cut
                break
        return start, index

    def according(self, tokens: Tokens, to_index: int) -> tuple[int, int] | None:
        """Token span after "according to", up to the end of the clause or a following preposition phrase."""
        low = tokens.low
        start = index = to_index + 1
        while index < len(low) and index - start < MAX_PHRASE:
            word = low[index]
            if not word[0].isalnum() and word not in ("&", "-", "(", ")"):
                break
            if index > start and word in _AFTER_ACCORDING:
                break
            index += 1
        return (start, index) if index > start else None

    # -- classifying it ----------------------------------------------------------------------------------
    def classify(self, words: Sequence[str], sentence_start: bool, all_caps: bool,
                 common: frozenset[str] | set[str] = frozenset()) -> tuple[str, str]:
        """(kind, head) of a source phrase (its tokens as written); a pronoun is left to the caller to resolve.

        ``sentence_start``: the phrase opens its sentence, so a capital on its first word says nothing;
        ``common``: words the document also writes in lower case (a capital there is the sentence's).
        """
        lex = self.lex
        lows = [bare_word(w) for w in words]
        if not lows:
            return NO_SOURCE, ""
        if len(lows) == 1 and lows[0] in PRONOUNS:
            return PRONOUN, lows[0]
        # the head: the last word of the first noun phrase, before "of"/"for"/"at"/"from"
        cut = next((i for i, w in enumerate(lows) if w in ("of", "for", "at", "from", "in", "with") and i > 0),
                   len(lows))
        head_index = cut - 1
        head = lows[head_index]
        if lows[0] == "one" and cut == 1 and len(lows) > 2:  # "one of his aides": one of a group
            head = lows[-1]
            if head in self._nouns or _singular(head) in self._nouns:
                return ANONYMOUS, _singular(head)
        named = self._named(words, lows, sentence_start, all_caps, common)
        titled = any(w in lex.titles for w in lows)
        det = lows[0]
        if head in lex.unnamed_nouns or _singular(head) in lex.unnamed_nouns and head.endswith("s"):
            return (ANONYMOUS if det in _SINGLE_DETERMINERS or not head.endswith("s") else VAGUE_GROUP), head
        if head in lex.report_nouns and not named and det not in ("the", "its", "his", "her", "their", "this"):
            if cut < len(lows):
                return NAMED_BODY, head  # "figures from the central bank": whose figures, the phrase says
            return NO_SOURCE, head
        if head in lex.spokesman_nouns:
            # "a Treasury spokesman", "a spokesman for the ministry", and a bare "a spokesman", whom copy
            # writes only after it has named the body he speaks for: the desk knows who it is
            return NAMED_BODY, head
        if head in lex.group_nouns:
            if named or (cut < len(lows) and self._named(words[cut:], lows[cut:], False, all_caps, common)):
                return NAMED_BODY, head  # "MITI officials", "officials of the Commission"
            written = words[head_index]
            if written[:1].isupper() and written[1:2].islower() and not (head_index == 0 and sentence_start):
                return NAMED_BODY, head  # "Metal Traders said": a name that ends in a common noun
            return VAGUE_GROUP, head
        if head in lex.single_nouns:
            if named or cut < len(lows) and self._named(words[cut:], lows[cut:], False, all_caps, common):
                return NAMED_BODY, head
            if det in _SINGLE_DETERMINERS:
                return ANONYMOUS, head
            if det == "the":
                return PRONOUN, head  # "the aide": whoever was introduced before
            return NAMED_PERSON, head
        if det in lex.vague_determiners and (len(lows) == 1 or head.endswith("s")) and not named:
            return VAGUE_GROUP, head  # "some", "others", "many economists", "some firms"
        if named or titled:
            if any(w in lex.org_suffixes for w in lows[:cut]):
                return NAMED_BODY, head
            capitals = sum(1 for w in words[:cut] if w[:1].isupper())
            if titled or (1 <= cut <= 4 and capitals >= 2):
                return NAMED_PERSON, head
            return NAMED_BODY, head
        return NAMED_BODY if det == "the" else NAMED_PERSON, head

    def names(self, words: Sequence[str]) -> bool:
        """Do these words (an apposition, say) hold a name?"""
        return self._named(words, [bare_word(w) for w in words], False, False, frozenset())

    def _named(self, words: Sequence[str], lows: Sequence[str], sentence_start: bool, all_caps: bool,
               common: frozenset[str] | set[str]) -> bool:
        """Is a name among the words: a capitalised word that is not a nationality or a generic modifier?"""
        lex = self.lex
        for index, (word, low) in enumerate(zip(words, lows, strict=True)):
            if not word[:1].isupper():
                continue
            if low in lex.generic_modifiers or low in DETERMINERS or low in self._nouns or low in PRONOUNS:
                continue
            if low.endswith(("ese", "ian", "ean", "ish")) and low not in lex.org_suffixes:
                continue  # a nationality: "Japanese officials" are not named
            if all_caps and (low in lex.group_nouns or low in lex.verbs):
                continue
            if index == 0 and sentence_start and low in common:
                continue  # "Government officials said": the capital is the sentence's
            return True
        return False
