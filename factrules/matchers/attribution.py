"""The ``attribution`` kind: reporting clauses whose source the reader cannot identify.

"Analysts said", "said a source", "according to reports", "it is understood":
each clause is found from its reporting verb (or "according to", or a
no-source construction), its source phrase read in whichever order the clause
uses (``factrules.attribution``), and classified.  Vague groups, anonymous
single sources and no source at all are reported; named people and bodies are
not, and a pronoun ("they said") takes the kind of the source it refers to.

Cheap by construction: one Aho–Corasick pass finds the verbs and cue words,
and only the sentences holding one are tokenised.  All word lists are the
rule's ``options``, validated by ``options_schema``.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import islice, repeat
from operator import gt, sub
from typing import Any, ClassVar

import ahocorasick
import regex

from factrules.acscan import iter_text
from factrules.attribution import (
    ANONYMOUS,
    NAMED_PERSON,
    NO_SOURCE,
    PRONOUN,
    PRONOUNS,
    UNVERIFIED_KINDS,
    VAGUE_GROUP,
    Analyzer,
    Lexicon,
    Source,
    Tokens,
    bare_word,
    plural,
    tokenize,
)
from factrules.matchers.base import Match, Matcher, RuleError
from factrules.segment import MAX_SENTENCE

#: The kind of a clause not analysed because no vague word is near it (see ``AttributionMatcher._worth``).
ATTRIBUTED = "attributed"
#: The record of a sentence holding a clause not read (no vague word near it): one object for them all, since
#: ``_resolve`` reads only its kind and source, and nothing changes it.
_UNREAD = Source(0, 0, "", "", ATTRIBUTED)
#: How many characters before and after its cue a clause is read in.
_BEFORE = 110
_AFTER = 80

#: A word list: single words (a source phrase is read word by word); ``no_source`` templates are phrases.
_WORDS = {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": r"^\S+$"}}
_PHRASES = {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": r"^\s*\S(?:.*\S)?\s*$"}}
#: Option name -> what the list holds (the schema's descriptions; ``docs/rule-packs.md`` repeats them).
LISTS: dict[str, str] = {
    "verbs": "reporting verbs, every form written out (say, says, said, told, expect, expected, ...)",
    "group_nouns": "plural sources that are vague unless a name qualifies them (analysts, officials, dealers)",
    "unnamed_nouns": "sources that stay unnamed even with a body or a person before them (sources, aides, people)",
    "single_nouns": "singular roles, anonymous after a/an/one with no name (official, analyst, diplomat)",
    "spokesman_nouns": "roles that speak for a body and count as attributed (spokesman, spokeswoman)",
    "vague_determiners": "words that make a group vague on their own (some, many, others, most, other)",
    "generic_modifiers": "capitalised words that do not name a body (Government, Western, U.S.)",
    "report_nouns": "nouns that are no source at all after 'according to' or as a subject (reports, rumours)",
    "org_suffixes": "words that make a name an organisation (ministry, bank, corp, inc, party)",
    "titles": "titles that make a name a person (mr, mrs, dr, president, minister)",
    "auxiliaries": "words skipped between a source and its verb (have, had, been, also, privately)",
    "boundaries": "words that end a source phrase going left (that, which, and, but, while)",
    "passive_verbs": "participles that take their source after 'by' (considered, regarded, seen)",
    "prepositions": "words after which a noun is an object, not a source (of, to, by, with)",
    "modals": "auxiliaries that make a clause a possibility, not a report (may, might, could)",
}
NO_SOURCE_HELP = ("constructions with no source at all, as word templates: {be} is any form of 'to be' "
                  "('is', 'has been', ...), {have} any form of 'to have', * one optional word")
PRONOUN_WINDOW_HELP = "how many sentences back a pronoun may look for the source it refers to"


def options_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {name: {**_WORDS, "description": help_} for name, help_ in LISTS.items()}
    properties["verbs"] = {**properties["verbs"], "minItems": 1}
    properties["no_source"] = {**_PHRASES, "description": NO_SOURCE_HELP}
    properties["pronoun_window"] = {"type": "integer", "minimum": 0, "maximum": 20, "description": PRONOUN_WINDOW_HELP}
    return {"type": "object", "additionalProperties": False, "required": ["verbs"], "properties": properties}


_BE = (r"(?:(?:is|was|are|were|be|been|being|has|have|had|will|would|['’]s|['’]re)"
       r"(?:\s+(?:also|already|now|still|even|long|been|be|increasingly|widely))*)")
_HAVE = r"(?:has|have|had|['’]ve|['’]s)"
_PLACEHOLDERS = {"{be}": _BE, "{have}": _HAVE, "*": ""}


#: Words too common to find a template by ("there {be} * speculation" is found by "speculation").
_WEAK_ANCHORS = frozenset("i am we are it its there is was the a an to of".split())


def template_regex(template: str, avoid: Iterable[str] = ()) -> tuple[str, str]:
    """(regex source, the word to find it by) for one ``no_source`` template; ``RuleError`` if it cannot be one.

    The word is the template's longest literal, preferring one that is neither in ``avoid`` nor a function
    word: the fewer places it occurs, the fewer windows the template is tried in."""
    words = template.split()
    literals = [w.lower() for w in words if w not in _PLACEHOLDERS]
    bad = [w for w in literals if not regex.fullmatch(r"[\p{L}\p{N}'’-]+", w)]
    if bad or not literals or words[0] == "*" or words[-1] == "*":
        raise RuleError(f"options: no_source: '{template}': a template holds words, {{be}}, {{have}} and * "
                        "(not first or last), and at least one word")
    source = ""
    for index, word in enumerate(words):
        if word == "*":
            source += r"(?:[\p{L}\p{N}'’-]+\s+)?"  # the optional word takes its space with it
            continue
        source += _PLACEHOLDERS.get(word) or regex.escape(word.lower()).replace("'", "['’]")
        if index < len(words) - 1:
            source += r"\s+"
    avoided = set(avoid) | _WEAK_ANCHORS
    return source, max(literals, key=lambda w: (w not in avoided, len(w)))


def _template_pattern(sources: list[str]) -> regex.Pattern[str]:
    """The no-source templates' regex sources as one pattern: whole words, any case."""
    return regex.compile(r"(?<![\p{L}\p{N}])(?:" + "|".join(sources) + r")(?![\p{L}\p{N}])", regex.IGNORECASE)


class _WordPlaces:
    r"""Is any of some words a whole word in a short window of folded text?

    ``within`` answers what ``re.search(r"(?<![\w'])(?:words)(?!\w)", text, start, end)`` would: an
    Aho–Corasick pass over the window alone lists the occurrences inside it, each kept when its left edge is a
    word boundary (looking before ``start``, as the regex does) and its right edge is one or is ``end`` itself
    (``end`` is the end of the string to the regex).  Only the windows around reporting verbs are read, never
    the whole draft: a pass over all of it cost more than every window together ("he" stands in every "the"),
    and kept an array of places as long as the draft.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.automaton: Any = None
        words = [w for w in words if w]
        if words:
            self.automaton = ahocorasick.Automaton()
            for word in words:
                self.automaton.add_word(word, len(word))
            self.automaton.make_automaton()

    def within(self, text: str, start: int, end: int) -> bool:
        if self.automaton is None or start >= end:
            return False
        for last, length in self.automaton.iter(text[start:end]):
            begin = start + last + 1 - length
            if begin:
                before = text[begin - 1]
                if before.isalnum() or before in "_'":
                    continue
            after = start + last + 1
            if after == end or not (text[after].isalnum() or text[after] == "_"):
                return True
        return False


class _Places:
    """Where the words of a ``_WordPlaces`` stand in one whole text, found by the document's cue pass.

    ``within(start, end)`` answers as ``_WordPlaces.within(text, start, end)``: each occurrence kept here has a
    word boundary on its left (read before any window, as there), and knows whether it has one on its right;
    an occurrence without one still counts in a window that ends where it ends.  The words are found in the
    same Aho–Corasick pass as the cues (a few more states, ~3,000 more hits on 1,200 stories) instead of one
    pass per cue over its window.
    """

    __slots__ = ("starts", "ends", "bounded")

    def __init__(self) -> None:
        #: each occurrence's start, end and whether a word boundary follows it, in arrays (not a tuple each:
        #: a 50 MB draft holds some 500,000 of them)
        self.starts = array("q")
        self.ends = array("q")
        self.bounded = bytearray()

    def add(self, text: str, start: int, end: int) -> None:
        """Keep the occurrence ``text[start:end]`` if a word starts there (``end`` is past its last letter)."""
        if start:
            before = text[start - 1]
            if before.isalnum() or before in "_'":
                return
        self.starts.append(start)
        self.ends.append(end)
        self.bounded.append(end == len(text) or not (text[end].isalnum() or text[end] == "_"))

    def done(self) -> None:
        """Sort the occurrences by start (found by end, they are out of order only inside a hyphenated word)."""
        starts = self.starts
        if any(map(gt, starts, islice(starts, 1, None))):
            order = sorted(range(len(starts)), key=lambda index: (starts[index], self.ends[index]))
            self.starts = array("q", (starts[index] for index in order))
            self.ends = array("q", (self.ends[index] for index in order))
            self.bounded = bytearray(self.bounded[index] for index in order)

    def __bool__(self) -> bool:
        return bool(self.starts)

    def within(self, start: int, end: int) -> bool:
        starts, ends, bounded = self.starts, self.ends, self.bounded
        for index in range(bisect_left(starts, start), len(starts)):
            if starts[index] >= end:
                return False
            stop = ends[index]
            if stop <= end and (bounded[index] or stop == end):
                return True
        return False


class AttributionMatcher(Matcher):
    """Reports reporting clauses whose source is a vague group, an anonymous single source, or none."""

    kind = "attribution"
    options_schema: ClassVar[dict[str, Any]] = options_schema()

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        if "verbs" not in self.options:
            raise RuleError("an attribution rule needs options.verbs, the reporting verbs it looks for")
        self.lexicon = Lexicon.build({name: self.options.get(name, []) for name in LISTS})
        self.analyzer = Analyzer(self.lexicon)
        self.window = int(self.options.get("pronoun_window", 3))
        templates = [" ".join(t.split()) for t in self.options.get("no_source", [])]
        sources, anchors = [], set()
        #: an anchor that is also a reporting verb ("reported" in "widely reported") would be found in
        #: every clause with that verb; a template anchors on another of its words when it has one
        common = {*self.lexicon.verbs, *self.lexicon.passive_verbs}
        #: anchor -> the templates found by it, in the order of ``no_source``
        self._anchored: dict[str, list[int]] = {}
        for template in templates:
            source, anchor = template_regex(template, avoid=common)
            self._anchored.setdefault(anchor, []).append(len(sources))
            sources.append(source)
            anchors.add(anchor)
        self._sources = sources
        self.no_source = _template_pattern(sources) if sources else None
        self.anchors = frozenset(anchors)
        self._anchor_ends = tuple(anchors)
        #: the templates' regex for each set of anchors met in a window (``_no_source_in``)
        self._by_anchors: dict[frozenset[str], regex.Pattern[str]] = {}
        lex = self.lexicon
        #: a clause is analysed only when one of these words is near its cue; any other is attributed
        self.triggers = frozenset(
            word.split()[-1]
            for word in (*lex.group_nouns, *lex.unnamed_nouns, *lex.single_nouns, *lex.vague_determiners,
                         *lex.report_nouns)
        )
        #: pronouns are worth reading only when an unverified source is recent enough for them to refer to
        self.pronoun_triggers = frozenset(p for p, want in PRONOUNS.items() if want not in ("body", "speaker"))
        # pronouns: one Aho–Corasick pass over a short window per cue, and only near an unverified source
        self._pronoun = _WordPlaces(self.pronoun_triggers)
        self.clause_words = frozenset({*self.lexicon.verbs, *self.lexicon.passive_verbs, "according"})
        self.keywords = {*self.clause_words, *anchors}
        #: the document's one pass (and a sentence's, ``sources_in``): the cue words and the trigger words, each as
        #: (word, its length - 1, is a cue, is a trigger)
        self._scanner = ahocorasick.Automaton()
        for word in self.keywords | self.triggers:
            self._scanner.add_word(word, (word, len(word) - 1, word in self.keywords, word in self.triggers))
        self._scanner.make_automaton()

    # -- the pass --------------------------------------------------------------------------------------------
    def _scan(self, text: str) -> tuple[array[int], list[str], _Places]:
        """The (offsets, words) of the whole cue words in the folded text, and where its trigger words stand
        (``_Places``): one Aho–Corasick pass.

        The cues are held as two arrays until their sentence is read, not as a dict of every sentence's
        list: on a huge draft that dict was the largest thing the check held.
        """
        size = len(text)
        starts = array("q")
        words: list[str] = []
        places = _Places()
        for end, (word, back, cue, trigger) in iter_text(self._scanner, text):
            start = end - back
            if trigger:
                places.add(text, start, end + 1)
            if not cue or start and text[start - 1].isalnum() or end + 1 < size and text[end + 1].isalnum():
                continue
            starts.append(start)
            words.append(word)
        places.done()
        return starts, words, places

    @staticmethod
    def _cues(document, starts: array[int], words: list[str]) -> Iterator[tuple[int, tuple[int, int],
                                                                               list[tuple[int, str]]]]:
        """Each sentence with a cue word, in order, as (its number, its span, the (offset, word) of each cue
        word in it, in the order found), from what ``_scan`` found."""
        sentences = document.sentences
        if not sentences:  # ``sentence_at`` reads the whole text as one sentence
            if words:
                yield 0, (0, len(document.text)), list(zip(starts, words, strict=True))
            return
        sentence_starts = getattr(sentences, "starts", None) or array("q", (start for start, _ in sentences))
        # each cue's sentence, max(bisect_right(sentence_starts, start) - 1, 0), and whether they are in order,
        # with C-level maps instead of a Python step per cue
        numbers = array("q", map(max, map(sub, map(bisect_right, repeat(sentence_starts), starts), repeat(1)),
                                 repeat(0)))
        order: Iterable[int] = range(len(words))
        if any(map(gt, numbers, islice(numbers, 1, None))):
            order = sorted(order, key=numbers.__getitem__)  # stable: found order within a sentence
        current = -1
        cues: list[tuple[int, str]] = []
        for index in order:
            number = numbers[index]
            if number != current:
                if cues:
                    yield current, sentences[current], cues
                current, cues = number, []
            cues.append((starts[index], words[index]))
        if cues:
            yield current, sentences[current], cues

    def find(self, document, prior=()) -> Iterable[Match]:
        records: list[tuple[int, Source]] = []
        common: dict[str, bool] = {}
        text = document.text

        def is_common(word: str) -> bool:
            """Does the document write ``word`` in lower case somewhere (so a capital on it is the sentence's)?"""
            known = common.get(word)
            if known is None:
                known = False
                at = text.find(word)
                while at >= 0:
                    end = at + len(word)
                    if (not at or not text[at - 1].isalpha()) and (end >= len(text) or not text[end].isalpha()):
                        known = True
                        break
                    at = text.find(word, end)
                common[word] = known
            return known

        folded = document.folded
        clause_words, anchors = self.clause_words, self.anchors
        sentences: Iterable[tuple[int, tuple[int, int], list[tuple[int, str]] | None]]
        if folded is None:  # folding changes the text's length ("İ"): each sentence is searched on its own
            places = None
            sentences = ((number, span, None) for number, span in enumerate(document.sentences))
        else:
            starts, words, places = self._scan(folded)
            if not words or not places and anchors.isdisjoint(words):
                # no cue; or no clause worth reading (``_worth``): none has a trigger word near it, and a pronoun
                # counts only after an unverified source, which only a clause or a no-source template can give.
                # The sentences are found only where one can be long enough to add the "long-sentence" note.
                if len(folded) > MAX_SENTENCE:
                    document.sentences  # noqa: B018 - found as the full path would find them, for that note
                return
            sentences = self._cues(document, starts, words)
        last_unverified = -1_000_000
        for number, span, cues in sentences:
            if cues is not None and places is not None:
                pronouns = number - last_unverified <= self.window
                # one pass over the cues: which clauses are worth reading, whether one is not (then the sentence
                # holds an attributed clause), and which cues go on (those, and the no-source anchors)
                clauses = set()
                unread = False
                kept = []
                for cue in cues:
                    word = cue[1]
                    if word in clause_words:
                        if self._worth(folded, places, span, cue, pronouns):
                            clauses.add(cue[0])
                            kept.append(cue)
                            continue
                        unread = True
                    if word in anchors:
                        kept.append(cue)
                if unread:
                    records.append((number, _UNREAD))
                if not kept:
                    continue
                cues = kept
            else:
                clauses = None
            for found in self.sources_in(text, span, is_common, cues, clauses, folded):
                if found.kind == PRONOUN:
                    self._resolve(found, records, number)
                records.append((number, found))
                if found.kind in UNVERIFIED_KINDS:
                    last_unverified = number
                    found.locate()
                    data = {"verb": found.verb, "source": found.source, "source_kind": found.kind}
                    if found.pronoun:
                        data["pronoun"] = found.pronoun
                        data["antecedent"] = found.antecedent or ""
                    yield Match(found.start, found.end, data=data)
                else:  # kept in ``records`` to the end of the document, its tokens no longer needed
                    found.tokens = None

    def _worth(self, folded: str, places: _Places, span: tuple[int, int], cue: tuple[int, str],
               pronouns: bool) -> bool:
        """Is a word that can make a source unverified within a few words of this cue (a clause word)?  Most
        reporting clauses ("the company said", "Smith said") have none, and need not be tokenised at all."""
        offset, word = cue
        end = min(span[1], offset + len(word) + 30)
        if not pronouns and not places.within(max(span[0], offset - 80), end):
            return False  # no trigger word even in the widest window (and a window within it holds fewer)
        # the subject is the few words before the verb, or before a parenthetical that ends in a comma
        back = 80 if folded[max(span[0], offset - 3):offset].rstrip().endswith(",") else 40
        start = max(span[0], offset - back)
        if places.within(start, end):
            return True
        return pronouns and self._pronoun.within(folded, start, end)

    def _resolve(self, found: Source, records: list[tuple[int, Source]], number: int) -> None:
        """Give a pronoun (or "the aide") the kind of the latest earlier source it can refer to."""
        want = PRONOUNS.get(found.head)
        if want == "speaker":
            return
        for at, earlier in reversed(records):
            if want is not None and number - at > self.window:
                break  # a pronoun reaches a few sentences back; "the aide" reaches the noun that introduced it
            if earlier.kind in (PRONOUN, NO_SOURCE):
                continue
            if earlier.kind == ATTRIBUTED and want is not None:  # a clause with no vague word: a known source
                found.pronoun, found.antecedent, found.kind = found.source, earlier.source, ATTRIBUTED
                return
            if want is None:  # "the aide", "the official": the same noun introduced before
                if earlier.kind == ATTRIBUTED or earlier.head != found.head:
                    continue
            elif want == "singular" and plural(earlier.head) and earlier.kind != NAMED_PERSON:
                continue
            elif want == "plural" and earlier.kind in (NAMED_PERSON, ANONYMOUS):
                continue
            elif want == "body" and earlier.kind != "named-body":
                continue
            found.pronoun, found.antecedent, found.kind = found.source, earlier.source, earlier.kind
            if want == "one" and earlier.kind == VAGUE_GROUP:
                found.kind = ANONYMOUS  # "one said", after "analysts said": one of them
            return
        # unresolved: attributed for the purposes of this rule, as a reader takes it from context
        found.kind = "pronoun"

    # -- one sentence ------------------------------------------------------------------------------------------
    def sources_in(self, text: str, span: tuple[int, int], is_common, cues: list[tuple[int, str]] | None = None,
                   clauses: set[int] | None = None, folded: str | None = None) -> list[Source]:
        """Every reporting clause in one sentence, in order.  ``cues`` are the cue words found in it (offset,
        word; ``None``: find them here), ``clauses`` the offsets of those worth reading as a clause (``None``:
        all); only a short stretch around each is tokenised.  ``folded``: the document's folded text, when
        ``cues`` are every whole cue word of the sentence found in it (the templates are then searched for
        only by the anchors in each window: ``_no_source_in``)."""
        if cues is None:
            folded = text[span[0]:span[1]].lower().replace("’", "'")
            cues = [(span[0] + end - back, word) for end, (word, back, cue, _) in self._scanner.iter(folded)
                    if cue and (end + 1 == len(folded) or not folded[end + 1].isalnum())
                    and (end < len(word) or not folded[end - len(word)].isalnum())]
        out: list[Source] = []
        taken: list[tuple[int, int]] = []
        if self.no_source is not None:
            seen: set[tuple[int, int]] = set()
            for offset, word in cues:
                if word not in self.anchors:
                    continue
                # a template's longest word is its anchor, so a match lies within a few words of it
                window = (max(span[0], offset - 60), min(span[1], offset + len(word) + 40))
                pattern = self.no_source if folded is None else self._no_source_in(folded, *window, cues)
                if pattern is None:
                    continue
                for hit in pattern.finditer(text, *window):
                    if hit.span() not in seen and hit.start() <= offset < hit.end():
                        seen.add(hit.span())
                        out.append(Source(hit.start(), hit.end(), hit.group(), "", NO_SOURCE,
                                          head=hit.group().lower()))
                        taken.append(hit.span())
        for offset, word in cues:
            if word not in self.clause_words or any(a <= offset < b for a, b in taken):
                continue
            if clauses is not None and offset not in clauses:
                continue
            found = self._clause(text, span, offset, word, is_common)
            if found is not None:
                out.append(found)
        out.sort(key=lambda s: s.start)
        return out

    def _no_source_in(self, folded: str, start: int, end: int, cues: list[tuple[int, str]]) -> regex.Pattern | None:
        """The regex that finds in ``text[start:end]`` what ``no_source`` finds there: the templates whose anchor
        is among the window's cue words, in their order (``None``: no template can match there).

        A template's match holds its anchor as a whole word, so a template whose anchor is not in the window
        cannot match anywhere in it, and dropping it from the alternation changes no match.  The window's end is
        the end of the string to the regex, so an anchor cut by it ("rumour|s") counts as whole there: then,
        and where the window is not ASCII (the regex's case folding matches "ſ" to "s"; the fold keeps "ſ"),
        the full pattern is used.  Most windows hold one anchor, and its one to three templates are searched
        instead of all of them: a seventh of the time.
        """
        if not folded[max(start - 1, 0):end + 1].isascii() or folded.endswith(self._anchor_ends, start, end):
            return self.no_source
        met = frozenset(word for offset, word in cues
                        if word in self.anchors and start <= offset and offset + len(word) <= end)
        if not met:
            return None
        pattern = self._by_anchors.get(met)
        if pattern is None:
            if len(self._by_anchors) >= 256:  # a draft built to meet every set of anchors: stop caching
                return self.no_source
            chosen = sorted(index for anchor in met for index in self._anchored[anchor])
            pattern = self._by_anchors[met] = _template_pattern([self._sources[index] for index in chosen])
        return pattern

    def _clause(self, text: str, span: tuple[int, int], offset: int, word: str, is_common) -> Source | None:
        """The reporting clause of the cue word at ``offset``, if it heads one."""
        start = span[0]
        if offset - start > _BEFORE:  # the source phrase is near its verb: read only that far
            start = text.find(" ", offset - _BEFORE, offset) + 1 or offset
        end = min(span[1], offset + len(word) + _AFTER)
        tokens = tokenize(text, start, end, offset, whole=False)  # the rest only where a branch reads past the verb
        index = tokens.pivot
        if index >= len(tokens):
            return None
        opens = start == span[0]
        stretch = text[start:end]
        all_caps = len(stretch) > 8 and stretch.upper() == stretch
        lex, low = self.lexicon, tokens.low
        if word == "according":
            tokens.complete()
            if index + 1 < len(low) and low[index + 1] == "to":
                phrase = self.analyzer.according(tokens, index + 1)
                if phrase:
                    return self._source(tokens, phrase, (index, phrase[1] - 1), offset, "according to", all_caps,
                                        is_common, opens)
            return None
        if word in lex.passive_verbs:
            tokens.complete()
            by = next((i for i in range(index + 1, min(index + 5, len(low))) if low[i] == "by"), None)
            if by is not None:
                phrase = self.analyzer.according(tokens, by)
                if phrase:
                    return self._source(tokens, phrase, (index, phrase[1] - 1), offset, tokens.text[index],
                                        all_caps, is_common, opens)
            if word not in lex.verbs:
                return None
        if index > 0 and bare_word(tokens.text[index - 1]) != low[index - 1]:
            return None  # "the analysts' estimates", "Brown's claims": a noun, not a verb
        phrase = self.analyzer.before(tokens, index)
        if phrase and self._disagrees(tokens.text[phrase[1] - 1], word):
            return None  # "a poll of voters suggests": the plural is not the subject of "suggests"
        if phrase:
            found = self._source(tokens, phrase, (phrase[0], index), offset, tokens.text[index], all_caps,
                                 is_common, opens)
            if found.kind in UNVERIFIED_KINDS:
                between = self.analyzer.apposition(tokens, phrase[1], index)
                if between and self.analyzer.names(tokens.text[between[0]:between[1]]):
                    found.kind = NAMED_PERSON  # "two officials, Otto Kahn and Ida Weiss, said": named after all
            return found
        tokens.complete()
        phrase = self.analyzer.after(tokens, index)
        if phrase:
            return self._source(tokens, phrase, (index, phrase[1] - 1), offset, tokens.text[index], all_caps,
                                is_common, opens)
        return None

    def _disagrees(self, last: str, verb: str) -> bool:
        """A plural noun before a verb of the third person singular ("people suggests") is not its subject."""
        low = last.lower()
        plural = (low.endswith("s") or low == "people") and low not in PRONOUNS and not last.isupper()
        return plural and verb.endswith("s") and verb[:-1] in self.lexicon.verbs

    def _source(self, tokens: Tokens, phrase: tuple[int, int], extent: tuple[int, int], offset: int, verb: str,
                all_caps: bool, is_common, opens: bool = True) -> Source:
        words = tokens.text[phrase[0]:phrase[1]]
        starts_sentence = opens and all(not t[0].isalnum() for t in tokens.text[:phrase[0]])
        first = tokens.low[phrase[0]]
        common = {first} if starts_sentence and is_common(first) else set()
        kind, head = self.analyzer.classify(words, starts_sentence, all_caps, common)
        return Source(offset, offset, verb, " ".join(words), kind, head=head, tokens=tokens, extent=extent)
