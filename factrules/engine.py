"""Runs compiled rules over documents and turns matches into located findings.

Order per document: sentence-stage matchers (grouped by kind so a kind can
share one pass across rules), scope and ``unless`` filters, document-stage
matchers (which see the findings so far: consistency), then every plugin's
``factrules_document_findings`` hook (suppressions, ...), then fingerprints.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any

from factrules import rxcache
from factrules.document import SPACED_ATTRIBUTE, Document
from factrules.errors import FactrulesError
from factrules.findings import Finding, assign_fingerprints, order_key
from factrules.matchers.base import DEFAULT_TIMEOUT, Match, Matcher, MatcherGroup, RuleTimeout, time_budget
from factrules.packs import Pack, Rule
from factrules.plugins import Registry
from factrules.selectors import Selection, compile_selection


class RuleCrash(FactrulesError):
    """A matcher raised an unexpected exception on one document (a bug in a plugin kind, usually).

    The message names the document, the rule and where the rule is defined,
    so the CLI can report it as one line and go on with the other files.
    """

    def __init__(self, path: str, rules: list[Rule], error: BaseException) -> None:
        self.path = path
        self.rule = rules[0].full_id if len(rules) == 1 else ", ".join(r.full_id for r in rules)
        where = f" ({rules[0].path}:{rules[0].line})" if len(rules) == 1 else ""
        super().__init__(f"{path}: rule '{self.rule}'{where} failed: {type(error).__name__}: {error}")


@dataclass(frozen=True)
class Settings:
    """What a run may change about the rule set and its context (from CLI, config or API)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    date: dt.date | None = None
    #: used when neither ``date`` nor the document (front matter) gives one
    default_date: dt.date | None = None
    timeout: float = DEFAULT_TIMEOUT
    #: seconds (wall clock) a whole check of one document may take, per million characters, at least this much
    document_timeout: float = 30.0


#: sentences whose texts the engine keeps at a time (the strings themselves are shared in ``_shared``)
_SENTENCE_CACHE = 4096
#: a finding's ``sentence`` is its whole sentence up to this many characters ...
SENTENCE_FIELD_MAX = 1000
#: ... and past it, this many characters either side of the match (cut at whitespace, marked with "…")
SENTENCE_WINDOW = 200


def selector_matches(rule: Rule, selector: str) -> bool:
    """A selector names a rule by full id, pack, category, or a glob over the full id."""
    return compile_selection((selector,)).matches(rule.full_id, rule.pack, rule.category)


def _compile_settings(settings: Settings) -> tuple[Selection | None, frozenset[str], Selection, Selection]:
    """``select``, the ids ``select`` names as written, ``ignore`` and ``enable``, compiled."""
    select = compile_selection(tuple(settings.select), "select") if settings.select is not None else None
    return (select, frozenset(settings.select or ()), compile_selection(tuple(settings.ignore), "ignore"),
            compile_selection(tuple(settings.enable), "enable"))


#: what ``next`` gives for a group with no pair
_NO_PAIR: Any = object()

_compiled_settings = lru_cache(maxsize=16)(_compile_settings)


def _compiled(settings: Settings) -> tuple[Selection | None, frozenset[str], Selection, Selection]:
    """``_compile_settings`` once per settings (uncached when a caller built them with lists)."""
    try:
        return _compiled_settings(settings)
    except TypeError:  # unhashable: Settings(select=[...]) from an API caller
        return _compile_settings(settings)


def is_selected(rule: Rule, settings: Settings) -> bool:
    """Default-on rules follow ``select``/``ignore``; default-off rules run only when named.

    Linear in the selectors (``factrules.selectors``): names are set lookups, globs a bounded match.
    """
    select, select_ids, ignore, enable = _compiled(settings)
    names = (rule.full_id, rule.pack, rule.category)
    if ignore.matches(*names):
        return False
    if rule.enabled:
        return select is None or select.matches(*names)
    return rule.full_id in select_ids or enable.matches(*names)


def effective_severity(rule: Rule, settings: Settings) -> str:
    """The most specific override wins: full id, then pack, then category."""
    overrides = dict(settings.severity)
    for key in (rule.full_id, rule.pack, rule.category):
        if key in overrides:
            return overrides[key]
    return rule.severity


_FIELD = rxcache.compile(r"\{(\w+)(?:!([rsa]))?(?::([^{}]*))?\}")
#: template -> its literal text and fields, parsed once: messages are rendered for every finding
_TEMPLATES: dict[str, list[tuple[str, str | None, str | None, str | None, str]]] = {}
_CONVERSIONS = {"r": repr, "s": str, "a": ascii}


def _template_parts(template: str) -> list[tuple[str, str | None, str | None, str | None, str]]:
    """(literal before, name, conversion, spec, field as written) for each field; a last part with no name."""
    parts = _TEMPLATES.get(template)
    if parts is None:
        parts = []
        position = 0
        for field in _FIELD.finditer(template):
            parts.append((template[position : field.start()], field.group(1), field.group(2), field.group(3),
                          field.group(0)))
            position = field.end()
        parts.append((template[position:], None, None, None, ""))
        if len(_TEMPLATES) < 4096:  # pack messages are few; a plugin's per-match messages must not grow it
            _TEMPLATES[template] = parts
    return parts


def render_message(template: str, values: dict[str, Any]) -> str:
    """Fill ``{name}``, ``{name!r}``, ``{name:spec}``; unknown names stay as written (a typo shows, not crashes).

    The template is parsed once (a regex over it) and cached, rather than run through
    ``string.Formatter`` or a substitution per finding: messages are rendered for every finding,
    and that machinery was a measurable share of a large scan.
    """
    if "{" not in template:
        return template
    pieces: list[str] = []
    for literal, name, conversion, spec, written in _template_parts(template):
        pieces.append(literal)
        if name is None:
            continue
        if name not in values:
            pieces.append(written)
            continue
        value = values[name]
        if conversion:
            value = _CONVERSIONS[conversion](value)
        if spec:
            try:
                pieces.append(format(value, spec))
            except (ValueError, TypeError):
                pieces.append(str(value))
            continue
        pieces.append(str(value))
    return "".join(pieces)


@dataclass
class Engine:
    """A rule set, ready to run: selected rules grouped by matcher kind and stage."""

    packs: list[Pack]
    registry: Registry
    settings: Settings = field(default_factory=Settings)

    def __post_init__(self) -> None:
        self.rules: list[Rule] = [r for p in self.packs for r in p.rules if is_selected(r, self.settings)]
        self._rule_of: dict[int, Rule] = {id(r.matcher): r for r in self.rules}
        self._severity = {r.full_id: effective_severity(r, self.settings) for r in self.rules}
        #: each rule's full id, one string for all its findings (``Rule.full_id`` builds a new one per call)
        self._full_ids: dict[int, str] = {id(r): r.full_id for r in self.rules}
        #: each rule's links, one tuple for all its findings
        self._links: dict[int, tuple[str, ...]] = {id(r): (r.link,) if r.link else () for r in self.rules}
        self._stages: dict[str, list[MatcherGroup]] = {"sentence": [], "document": []}
        by_class: dict[tuple[str, type[Matcher]], list[Matcher]] = defaultdict(list)
        for rule in self.rules:
            by_class[(rule.matcher.stage, type(rule.matcher))].append(rule.matcher)
        for (stage, matcher_class), matchers in by_class.items():
            if matcher_class.group.__func__ is Matcher.group.__func__:
                # Independent matchers run one per group, so a timeout only costs its own rule.
                groups = [matcher_class.group([m]) for m in matchers]
            else:
                groups = [matcher_class.group(matchers)]
            self._stages.setdefault(stage, []).extend(groups)
        #: the document being checked, its sentences' texts by start offset, and one copy of each finding
        #: text and message (``_sentence_texts``, ``_shared``); replaced whole, so threads never mix documents
        self._sentences: tuple[Document | None, dict[int, Any], dict[str, str]] = (None, {}, {})

    def check(self, document: Document) -> tuple[list[Finding], list[dict[str, Any]]]:
        """Check one document; return its findings (sorted, fingerprinted) and its errors."""
        if self.settings.date is not None:
            document.metadata["date"] = self.settings.date
        elif document.metadata.get("date") is None and self.settings.default_date is not None:
            document.metadata["date"] = self.settings.default_date
        errors: list[dict[str, Any]] = []
        findings: list[Finding] = []
        budget = time_budget(self.settings.document_timeout, len(document.text))
        deadline = time.perf_counter() + budget
        #: rules not run, or cut short, because the document's time budget ran out
        unfinished: list[str] = []
        clock = time.perf_counter
        for stage in ("sentence", "document"):
            for group in self._stages.get(stage, ()):
                if clock() > deadline:
                    unfinished.extend(self._rule_of[id(m)].full_id for m in group.matchers)
                    continue
                # the group's first pair is asked for here: most groups on most documents have none, and are
                # then done without a call to ``_run_group`` and its bookkeeping (nine groups, every document)
                try:
                    pairs = iter(group.find(document, findings))
                    first = next(pairs, _NO_PAIR)
                except Exception as error:
                    self._group_failed(group, document, errors, error)
                    continue
                if first is not _NO_PAIR:
                    findings.extend(self._run_group(group, document, findings, errors, deadline, unfinished,
                                                    chain((first,), pairs)))
            if stage == "sentence":
                # only the phrase, pattern and near passes read the spaced copy (made again if a
                # document-stage plugin asks): the document stage, with every finding held, does without it
                document.release(SPACED_ATTRIBUTE)
        # only matchers read the folded copy: the rest of the check does without it
        document.release("folded")
        findings = self.registry.post_process(document, findings)
        document.release()  # the sentence, paragraph and line lists too: made again if anything reads them
        # the caches that made the findings go before fingerprinting, the last and fullest moment of a check;
        # and they must not keep a (possibly huge) document alive after it
        if self._sentences[0] is document:
            self._sentences = (None, {}, {})
        if findings:
            findings = _sorted_unique(findings)
            assign_fingerprints(findings)
        else:
            findings = []  # a new list, as sorting gave (a hook may have returned a tuple, or its own list)
        if document.notes:
            errors.extend(document.notes)
        if unfinished:
            errors.append(_budget_error(document, budget, unfinished))
        return findings, errors

    def _group_failed(self, group: MatcherGroup, document: Document, errors: list[dict[str, Any]],
                      error: Exception) -> list[Finding]:
        """A group's ``find`` raised ``error``: a timeout skips its rules (listed in ``errors``), no finding;
        anything else is a plugin matcher's bug, raised as a ``RuleCrash`` naming the rules (the caller decides)."""
        if isinstance(error, RuleTimeout):
            for matcher in group.matchers:
                errors.append(_timeout_error(self._rule_of[id(matcher)], document, str(error)))
            return []
        raise RuleCrash(document.path, [self._rule_of[id(m)] for m in group.matchers], error) from error

    def _run_group(
        self, group: MatcherGroup, document: Document, prior: list[Finding], errors: list[dict[str, Any]],
        deadline: float = float("inf"), unfinished: list[str] | None = None,
        found_pairs: Iterable[tuple[Matcher, Any]] | None = None,
    ) -> list[Finding]:
        """One group's findings; past ``deadline`` it stops taking matches and lists its rules in ``unfinished``.

        ``found_pairs``: what ``group.find(document, prior)`` gives, when the caller has already called it.
        """
        pairs: list[tuple[Matcher, Any]] = []
        cut_short = False
        try:
            for pair in group.find(document, prior) if found_pairs is None else found_pairs:
                pairs.append(pair)
                if time.perf_counter() > deadline:
                    cut_short = True
                    break
        except Exception as error:
            return self._group_failed(group, document, errors, error)
        if not pairs:  # most groups on most documents (and never cut short): none of the bookkeeping below
            return []
        found = []
        timed_out: set[str] = set()
        #: CPU seconds each rule's ``unless`` patterns have used on this document: one budget per rule and
        #: document, so thousands of hits each just under the limit cannot add up to hours
        spent: dict[str, float] = defaultdict(float)
        for matcher, match in pairs:
            rule = self._rule_of[id(matcher)]
            if rule.full_id in timed_out:
                continue
            if isinstance(match, RuleTimeout):  # a group reports one rule's timeout and goes on with the rest
                timed_out.add(rule.full_id)
                errors.append(_timeout_error(rule, document, str(match)))
                continue
            try:
                keep = self._keep(rule, document, match, spent)
            except TimeoutError:
                # ``unless`` patterns ran past the limit: the whole rule is skipped, as for its own pattern.
                timed_out.add(rule.full_id)
                budget = time_budget(rule.matcher.timeout, len(document.text))
                limit = f"its 'unless' patterns ran past their {budget:.3g} s time limit"
                errors.append(_timeout_error(rule, document, limit))
                continue
            if keep:
                found.append(self.make_finding(rule, document, match))
            if time.perf_counter() > deadline:
                cut_short = True
                break
        if cut_short and unfinished is not None:
            unfinished.extend(self._rule_of[id(m)].full_id for m in group.matchers)
        return [f for f in found if f.rule not in timed_out]

    def _keep(self, rule: Rule, document: Document, match: Match, spent: dict[str, float]) -> bool:
        start, end = match.start, match.end
        if document.skipped and document.is_skipped(start, end):
            return False
        scope = rule.scope
        if scope == "sentence" and rule.matcher.stage == "sentence":
            sentence = document.sentence_at(start)
            if end > sentence[1]:
                return False
        elif scope == "paragraph":
            paragraph = document.paragraph_at(start)
            if end > paragraph[1]:
                return False
        elif scope == "quotes" and not document.in_quotes(start, end):
            return False
        elif scope == "outside-quotes" and document.overlaps_quote(start, end):
            return False
        if rule.unless or rule.unless_sentence:
            s_start, s_end = document.sentence_at(start)
            s_start, s_end = min(s_start, start), max(s_end, end)
            text = document.text
            began = time.process_time()  # the clock the regex module's timeout counts (CPU, not wall)
            allowed = time_budget(rule.matcher.timeout, len(text))

            def budget() -> float:
                left = allowed - spent[rule.full_id] - (time.process_time() - began)
                if left <= 0:
                    raise TimeoutError
                return left

            try:
                for pattern in rule.unless:
                    for hit in pattern.finditer(text, s_start, s_end, timeout=budget()):
                        if hit.start() < end and start < hit.end():
                            return False
                for pattern in rule.unless_sentence:
                    if pattern.search(text, s_start, s_end, timeout=budget()):
                        return False
            finally:
                spent[rule.full_id] += time.process_time() - began
        return True

    def make_finding(self, rule: Rule, document: Document, match: Match) -> Finding:
        """Locate a match in the source file and explain it.

        The flagged text, message, suggestion and string data values (and sentences) are shared between the
        document's findings that have equal ones (``_shared``): a phrase flagged a thousand times is one
        string, not a thousand.
        """
        start, end = match.start, match.end
        src_start, src_end = document.source_span(start, end)
        start_line, start_column = document.position(src_start)
        end_line, end_column = document.position(src_end)
        sentence, normalised = self._sentence_texts(document, start, end)
        shared = self._shared(document)
        text = document.text[start:end]
        text = shared.setdefault(text, text)
        data = match.data
        if data:
            for key, value in data.items():  # "2018-02-15", "analysts", "said": data values repeat too
                if value.__class__ is str:
                    data[key] = shared.setdefault(value, value)
        values = {"text": text, "sentence": sentence, **data} if data else {"text": text, "sentence": sentence}
        full_id = self._full_ids.get(id(rule)) or rule.full_id
        message = render_message(match.message or rule.message, values)
        suggestion = match.suggestion or (render_message(rule.suggestion, values) if rule.suggestion else None)
        return Finding.at(
            full_id, rule.pack, rule.category, self._severity[full_id], shared.setdefault(message, message),
            document.path, (src_start, src_end, start_line, start_column, end_line, end_column, start, end),
            text, normalised, suggestion if suggestion is None else shared.setdefault(suggestion, suggestion),
            data or None, self._links.get(id(rule), (rule.link,) if rule.link else ()),
        )

    def _cache(self, document: Document) -> tuple[Document | None, dict[int, Any], dict[str, str]]:
        """This engine's per-document caches, new ones when ``document`` is not the one they were made for."""
        caches = self._sentences
        if caches[0] is not document:
            caches = self._sentences = (document, {}, {})
        return caches

    def _shared(self, document: Document) -> dict[str, str]:
        """One copy of each finding text, message and suggestion made for ``document`` so far."""
        return self._cache(document)[2]

    def _sentence_texts(self, document: Document, offset: int, end: int | None = None) -> tuple[str, str | None]:
        """The sentence around ``offset`` as written and whitespace-normalised (``None`` when blank).

        Cached per document and sentence: a sentence with several findings is sliced and normalised
        once.  The cache is one tuple, replaced whole, so threads sharing an engine never mix documents.
        A sentence longer than ``SENTENCE_FIELD_MAX`` gives only a window around the match
        (``sentence_window``): every finding in a long run of text must not carry the whole run.
        """
        cache = self._cache(document)[1]
        span = document.sentence_at(offset)
        if span[1] - span[0] > SENTENCE_FIELD_MAX:
            window = sentence_window(document.text, span, offset, offset if end is None else end)
            return window, " ".join(window.split()) or None
        # keyed by the sentence's start (sentences are disjoint), and the value is the one string when the
        # sentence needs no normalising (most do not): a huge draft has hundreds of thousands of entries
        texts = cache.get(span[0])
        if texts is None:
            if len(cache) >= _SENTENCE_CACHE:  # a group's matches come in order: recent sentences are enough
                cache.clear()
            shared = self._cache(document)[2]
            sentence = document.text[span[0] : span[1]]
            sentence = shared.setdefault(sentence, sentence)  # a sentence repeated in the draft: one string
            normalised = " ".join(sentence.split()) or None
            if normalised is not None and normalised != sentence:
                normalised = shared.setdefault(normalised, normalised)
            texts = cache[span[0]] = sentence if normalised == sentence else (sentence, normalised)
        return (texts, texts) if texts.__class__ is str else texts


def sentence_window(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """``SENTENCE_WINDOW`` characters of ``sentence`` either side of ``text[start:end]``, cut at whitespace.

    A cut end is marked with "…".  The window is at most the match plus twice ``SENTENCE_WINDOW``.
    """
    low = max(sentence[0], start - SENTENCE_WINDOW)
    high = min(sentence[1], max(end, start) + SENTENCE_WINDOW)
    if low > sentence[0]:
        space = text.find(" ", low, start)
        low = space + 1 if space >= 0 else low
    if high < sentence[1]:
        space = text.rfind(" ", max(end, start), high)
        high = space if space >= 0 else high
    window = text[low:high]
    return ("…" if low > sentence[0] else "") + window + ("…" if high < sentence[1] else "")


def _budget_error(document: Document, budget: float, rules: list[str]) -> dict[str, Any]:
    """The ``errors`` entry for a check that ran past the document's time budget and returned what it had."""
    named = ", ".join(rules[:10]) + (f" and {len(rules) - 10} more" if len(rules) > 10 else "")
    return {
        "path": document.path,
        "kind": "time-budget",
        "severity": "warning",
        "message": f"{document.path}: the check ran past its {budget:.3g} s time budget and returned the "
                   f"findings it had; not run or cut short: {named}",
    }


def _timeout_error(rule: Rule, document: Document, why: str) -> dict[str, Any]:
    """The ``errors`` entry for a rule skipped on one document because a regex hit its time limit."""
    return {
        "path": document.path,
        "kind": "rule-timeout",
        "rule": rule.full_id,
        "severity": "warning",
        "message": f"{document.path}: rule '{rule.full_id}' skipped for this document: {why}",
    }


def _rule_of(finding: Finding) -> str:
    return finding.rule


def _span_number(finding: Finding) -> int:
    """(start, end) as one integer that sorts the same way (the place unpacked once, not once per field)."""
    start, end = finding._span
    return start << 64 | end


def _sorted_unique(findings: list[Finding]) -> list[Finding]:
    """The findings by (start, end, rule), the first of those with one rule and span kept.

    What dropping repeats (with a set of every finding's key) and then sorting gave, without the set:
    the sort is stable, so repeats end up side by side in the order they were found.
    """
    # two stable sorts with keys that cost nothing or one integer, not a tuple and two integers a finding
    ordered = sorted(findings, key=_rule_of)
    ordered.sort(key=_span_number)
    unique: list[Finding] = []
    last: tuple[int, int, str] | None = None
    for finding in ordered:
        key = order_key(finding)
        if key != last:
            unique.append(finding)
            last = key
    return unique
