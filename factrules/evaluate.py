"""``factrules eval``: score the engine on a gold file, by the rule in GUIDELINES.md.

Gold format (one JSON document per line): ``{"id", "date"?, "sentences":
[{"text", "labels": [category, ...]}]}``.  A sentence is predicted to carry
category C when a finding of category C overlaps its characters; precision,
recall and F1 are counted over (sentence, category) pairs.  ``consistency``
is scored per document, as the guidelines say.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factrules.api import Options, build_engine, parse_date
from factrules.config import Config
from factrules.document import Document
from factrules.errors import InputError

DOCUMENT_LEVEL = frozenset({"consistency"})


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class RuleScore:
    """How one rule's findings fell on a gold file, so a desk can see which rule is noisy.

    ``true_positive`` counts labelled sentences the rule hit, ``alone`` those of them no other rule
    of the category hit (what the category would lose without this rule), ``false_positive`` the
    sentences it hit that carry no label of its category.
    """

    category: str = ""
    true_positive: int = 0
    alone: int = 0
    false_positive: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    #: document-level categories the gold file does not annotate, so not scored
    unscored: list[str] = field(default_factory=list)
    false_alarms: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: per rule id: how its findings fell on the gold (``eval --by-rule``)
    rules: dict[str, RuleScore] = field(default_factory=lambda: defaultdict(RuleScore))

    @property
    def overall(self) -> Score:
        total = Score()
        for score in self.scores.values():
            total.true_positive += score.true_positive
            total.false_positive += score.false_positive
            total.false_negative += score.false_negative
        return total


def read_gold(path: Path) -> list[dict[str, Any]]:
    documents = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"cannot read gold file: {error}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
            assert isinstance(document.get("sentences"), list)
        except (ValueError, AssertionError, AttributeError):
            raise InputError(str(path), f"line {number}: not a gold document ({{'id', 'sentences': [...]}})") from None
        documents.append(document)
    return documents


def evaluate(gold: list[dict[str, Any]], options: Options | None = None, config: Config | None = None) -> Evaluation:
    """Run the engine on every gold document and count (sentence, category) agreements."""
    options = options or Options()
    config = config or Config()
    result = Evaluation()
    annotated = _annotated_document_categories(gold)
    result.unscored = sorted(DOCUMENT_LEVEL - annotated)
    for gold_document in gold:
        texts = [s["text"] for s in gold_document["sentences"]]
        spans, position = [], 0
        for text in texts:
            spans.append((position, position + len(text)))
            position += len(text) + 2
        document = Document(path=str(gold_document.get("id", "-")), text="\n\n".join(texts))
        if gold_document.get("date"):
            document.metadata["date"] = parse_date(gold_document["date"])
        engine = build_engine(options, config)
        findings, _ = engine.check(document)
        categories = {c for s in gold_document["sentences"] for c in s.get("labels", [])}
        categories |= {f.category for f in findings}
        for category in sorted(categories - DOCUMENT_LEVEL):
            for (start, end), sentence in zip(spans, gold_document["sentences"], strict=True):
                hits = [f for f in findings if f.category == category
                        and f.plain_span[0] < end and start < f.plain_span[1]]
                wanted = category in sentence.get("labels", [])
                _count_rules(result, category, wanted, {f.rule for f in hits})
                _count(result, category, wanted, bool(hits), document.path, sentence["text"],
                       ", ".join(sorted({f"{f.rule} '{f.text}'" for f in hits})))
        for category in sorted(categories & annotated):
            wanted = category in gold_document.get("labels", []) or any(
                category in s.get("labels", []) for s in gold_document["sentences"])
            hits = [f for f in findings if f.category == category]
            _count(result, category, wanted, bool(hits), document.path, "(document)",
                   ", ".join(sorted({f.rule for f in hits})))
    return result


def _annotated_document_categories(gold: list[dict[str, Any]]) -> set[str]:
    """Document-level categories this gold file annotates at all.

    A gold file that never labels ``consistency`` (no document-level
    ``labels`` key, no sentence carrying it) says nothing about it, so its
    findings are neither true nor false there: they are left unscored.
    """
    if any("labels" in document for document in gold):
        return set(DOCUMENT_LEVEL)
    return {c for d in gold for s in d["sentences"] for c in s.get("labels", []) if c in DOCUMENT_LEVEL}


def _count_rules(result: Evaluation, category: str, wanted: bool, rules: set[str]) -> None:
    for rule in rules:
        score = result.rules[rule]
        score.category = category
        if wanted:
            score.true_positive += 1
            score.alone += len(rules) == 1
        else:
            score.false_positive += 1


def _count(result: Evaluation, category: str, wanted: bool, found: bool, doc: str, text: str, why: str) -> None:
    score = result.scores[category]
    if wanted and found:
        score.true_positive += 1
    elif wanted:
        score.false_negative += 1
        result.misses.append((category, doc, text))
    elif found:
        score.false_positive += 1
        result.false_alarms.append((category, doc, text, why))


def format_evaluation(result: Evaluation, errors: int = 0, by_rule: bool = False) -> str:
    lines = [f"{'category':12} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}"]
    for category in sorted(result.scores):
        s = result.scores[category]
        lines.append(f"{category:12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                     f"{s.true_positive:4} {s.false_positive:4} {s.false_negative:4}")
    o = result.overall
    lines.append(f"{'overall':12} {o.precision:6.3f} {o.recall:6.3f} {o.f1:6.3f} "
                 f"{o.true_positive:4} {o.false_positive:4} {o.false_negative:4}")
    for category in result.unscored:
        lines.append(f"({category}: not annotated in this gold file, not scored)")
    if by_rule:
        lines.append("")
        lines.extend(format_rule_scores(result))
    if errors:
        for category, doc, text in result.misses[:errors]:
            lines.append(f"miss        {category:11} {doc}: {text[:140]}")
        for category, doc, text, why in result.false_alarms[:errors]:
            lines.append(f"false alarm {category:11} {doc}: {text[:140]}  <- {why}")
    return "\n".join(lines)


def format_rule_scores(result: Evaluation) -> list[str]:
    """One line per rule that fired on a sentence: noisiest (most false positives) first."""
    width = max((len(rule) for rule in result.rules), default=4)
    lines = [f"{'rule':{width}} {'category':11} {'TP':>4} {'alone':>5} {'FP':>4} {'P':>6}"]
    ranked = sorted(result.rules.items(), key=lambda item: (-item[1].false_positive, -item[1].true_positive, item[0]))
    for rule, score in ranked:
        lines.append(f"{rule:{width}} {score.category:11} {score.true_positive:4} {score.alone:5} "
                     f"{score.false_positive:4} {score.precision:6.3f}")
    return lines
