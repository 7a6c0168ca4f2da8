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

from collections.abc import Iterable
from typing import Any, ClassVar

import ahocorasick
import regex

from factrules.attribution import (
    ANONYMOUS,
    NO_SOURCE,
    PRONOUN,
    PRONOUNS,
    UNVERIFIED_KINDS,
    VAGUE_GROUP,
    Analyzer,
    Lexicon,
    Source,
    Token,
    _bare,
    _singular,
    tokenize,
)
from factrules.matchers.base import Match, Matcher, RuleError

_WORDS = {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": r"^\s*\S(?:.*\S)?\s*$"}}
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
    properties["no_source"] = {**_WORDS, "description": NO_SOURCE_HELP}
    properties["pronoun_window"] = {"type": "integer", "minimum": 0, "maximum": 20, "description": PRONOUN_WINDOW_HELP}
    return {"type": "object", "additionalProperties": False, "required": ["verbs"], "properties": properties}


_BE = (r"(?:(?:is|was|are|were|be|been|being|has|have|had|will|would|['’]s|['’]re)"
       r"(?:\s+(?:also|already|now|still|even|long|been|be|increasingly|widely))*)")
_HAVE = r"(?:has|have|had|['’]ve|['’]s)"
_PLACEHOLDERS = {"{be}": _BE, "{have}": _HAVE, "*": ""}


def template_regex(template: str) -> tuple[str, str]:
    """(regex source, its longest literal word) for one ``no_source`` template; ``RuleError`` if it cannot be one."""
    words = template.split()
    literals = [w.lower() for w in words if w not in _PLACEHOLDERS]
    bad = [w for w in literals if not regex.fullmatch(r"[\p{L}\p{N}'’-]+", w)]
    if bad or not literals or words[0] == "*" or words[-1] == "*":
        raise RuleError(f"options.no_source: '{template}': a template holds words, {{be}}, {{have}} and * "
                        "(not first or last), and at least one word")
    source = ""
    for index, word in enumerate(words):
        if word == "*":
            source += r"(?:[\p{L}\p{N}'’-]+\s+)?"  # the optional word takes its space with it
            continue
        source += _PLACEHOLDERS.get(word) or regex.escape(word.lower()).replace("'", "['’]")
        if index < len(words) - 1:
            source += r"\s+"
    return source, max(literals, key=len)


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
        for template in templates:
            source, anchor = template_regex(template)
            sources.append(source)
            anchors.add(anchor)
        self.no_source = (regex.compile(r"(?<![\p{L}\p{N}])(?:" + "|".join(sources) + r")(?![\p{L}\p{N}])",
                                        regex.IGNORECASE) if sources else None)
        self.keywords = {*self.lexicon.verbs, *self.lexicon.passive_verbs, "according", *anchors}
        self._automaton = ahocorasick.Automaton()
        for word in self.keywords:
            self._automaton.add_word(word, word)
        self._automaton.make_automaton()

    # -- the pass --------------------------------------------------------------------------------------------
    def _sentences_with_cues(self, document) -> list[tuple[int, int]]:
        """The sentences holding a whole cue word, in order (one Aho–Corasick pass over the folded text)."""
        text = document.folded
        if text is None:
            return list(document.sentences)
        found: set[tuple[int, int]] = set()
        covered = (-1, -1)
        size = len(text)
        for end, word in self._automaton.iter(text):
            start = end - len(word) + 1
            if covered[0] <= start < covered[1]:
                continue
            if start and (text[start - 1].isalnum()) or end + 1 < size and text[end + 1].isalnum():
                continue
            covered = document.sentence_at(start)
            found.add(covered)
        return sorted(found)

    def find(self, document, prior=()) -> Iterable[Match]:
        records: list[tuple[int, Source]] = []
        sentence_index = {span: i for i, span in enumerate(document.sentences)}
        common: dict[str, bool] = {}

        def is_common(word: str) -> bool:
            known = common.get(word)
            if known is None:
                pattern = r"(?<!\p{L})" + regex.escape(word) + r"(?!\p{L})"
                known = common[word] = regex.search(pattern, document.text) is not None
            return known

        for span in self._sentences_with_cues(document):
            number = sentence_index.get(span, 0)
            for found in self.sources_in(document.text, span, is_common):
                if found.kind == PRONOUN:
                    self._resolve(found, records, number)
                records.append((number, found))
                if found.kind in UNVERIFIED_KINDS:
                    data = {"verb": found.verb, "source": found.source, "source_kind": found.kind}
                    if found.pronoun:
                        data["pronoun"] = found.pronoun
                        data["antecedent"] = found.antecedent or ""
                    yield Match(found.start, found.end, data=data)

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
            if want is None:  # "the aide", "the official": the same noun introduced before
                if _singular(earlier.head) != _singular(found.head):
                    continue
            elif want == "singular" and earlier.head.endswith("s") and earlier.kind != "named-person":
                continue
            elif want == "plural" and earlier.kind in ("named-person", "anonymous"):
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
    def sources_in(self, text: str, span: tuple[int, int], is_common) -> list[Source]:
        """Every reporting clause in one sentence, in order."""
        tokens = tokenize(text, *span)
        if not tokens:
            return []
        letters = [c for c in text[span[0]:span[1]] if c.isalpha()]
        all_caps = len(letters) > 8 and sum(c.isupper() for c in letters) > 0.8 * len(letters)
        lex = self.lexicon
        out: list[Source] = []
        taken: list[tuple[int, int]] = []
        if self.no_source is not None:
            for hit in self.no_source.finditer(text, *span):
                out.append(Source(hit.start(), hit.end(), hit.group(), "", NO_SOURCE, head=hit.group().lower()))
                taken.append(hit.span())
        for index, token in enumerate(tokens):
            low = token.lower
            if low == "according" and index + 1 < len(tokens) and tokens[index + 1].lower == "to":
                phrase = self.analyzer.according(tokens, index + 1)
                if phrase:
                    out.append(self._source(tokens, phrase, token, tokens[phrase[1] - 1], token.text + " to",
                                            all_caps, is_common))
                continue
            if low in lex.passive_verbs:
                by = next((i for i in range(index + 1, min(index + 5, len(tokens))) if tokens[i].lower == "by"),
                          None)
                if by is not None:
                    phrase = self.analyzer.according(tokens, by)
                    if phrase:
                        out.append(self._source(tokens, phrase, token, tokens[phrase[1] - 1], token.text,
                                                all_caps, is_common))
                continue
            if low not in lex.verbs:
                continue
            if index > 0 and _bare(tokens[index - 1].text) != tokens[index - 1].lower:
                continue  # "the analysts' estimates", "Brown's claims": a noun, not a verb
            phrase = self.analyzer.before(tokens, index)
            if phrase and self._disagrees(tokens[phrase[1] - 1], low):
                continue  # "a poll of voters suggests": the plural is not the subject of "suggests"
            if phrase:
                out.append(self._source(tokens, phrase, tokens[phrase[0]], token, token.text, all_caps, is_common))
                continue
            phrase = self.analyzer.after(tokens, index)
            if phrase:
                out.append(self._source(tokens, phrase, token, tokens[phrase[1] - 1], token.text, all_caps,
                                        is_common))
        out = [s for s in out if s.kind == NO_SOURCE or not any(a < s.end and s.start < b for a, b in taken)]
        out.sort(key=lambda s: s.start)
        return out

    def _disagrees(self, last: Token, verb: str) -> bool:
        """A plural noun before a verb of the third person singular ("people suggests") is not its subject."""
        low = last.lower
        plural = (low.endswith("s") or low == "people") and low not in PRONOUNS and not last.text.isupper()
        return plural and verb.endswith("s") and verb[:-1] in self.lexicon.verbs

    def _source(self, tokens: list[Token], phrase: tuple[int, int], first: Token, last: Token, verb: str,
                all_caps: bool, is_common) -> Source:
        words = tokens[phrase[0]:phrase[1]]
        starts_sentence = phrase[0] == 0 or all(not t.is_word for t in tokens[:phrase[0]])
        common = {w.lower for w in words[:1] if starts_sentence and is_common(w.lower)}
        kind, head = self.analyzer.classify(words, starts_sentence, all_caps, common)
        source = " ".join(w.text for w in words)
        return Source(first.start, last.end, verb, source, kind, head=head)
