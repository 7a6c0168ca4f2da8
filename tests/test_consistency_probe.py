"""Recall and false alarms of ``consistency`` on stories written for this test, with planted misspellings.

The planting follows the shared consistency probe's method (one later occurrence of a repeated
capitalised word of five letters or more, not first in its sentence, gets two letters swapped, a letter
dropped, doubled or changed), written out here because CI does not have the shared tools.  The floors
are what the check reaches today: a change that loses recall or adds false alarms fails.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from factrules.api import check_text

STORIES = Path(__file__).parent / "fixtures" / "consistency_stories.jsonl"
WORD = re.compile(r"(?<![\w'’-])([A-Z][a-z]{4,})(?![\w'’-])")
VOWELS = "aeiou"
SEEDS = (1, 2, 3)
#: Floors reached: planted misspellings found of all planted, and findings on the untouched stories.
MIN_RECALL = 1.0
MAX_FALSE_ALARMS = 0


def misspell(word: str, rng: random.Random) -> str | None:
    inner = list(range(1, len(word) - 1))
    for _ in range(20):
        kind = rng.choice(["swap", "drop", "double", "vowel"])
        i = rng.choice(inner)
        if kind == "swap" and i + 1 < len(word) and word[i] != word[i + 1]:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif kind == "drop":
            out = word[:i] + word[i + 1 :]
        elif kind == "double":
            out = word[:i] + word[i] + word[i:]
        elif kind == "vowel" and word[i] in VOWELS:
            out = word[:i] + rng.choice([v for v in VOWELS if v != word[i]]) + word[i + 1 :]
        else:
            continue
        if out != word:
            return out
    return None


def plant(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    counts: dict[str, list[int]] = {}
    for match in WORD.finditer(text):
        before = text[max(0, match.start() - 2) : match.start()]
        if match.start() == 0 or re.search(r"[.!?\n]\s*$", before):
            continue
        counts.setdefault(match.group(1), []).append(match.start())
    names = sorted(w for w, at in counts.items() if len(at) >= 2)
    if not names:
        return None
    word = rng.choice(names)
    at = rng.choice(counts[word][1:])
    bad = misspell(word, rng)
    if not bad:
        return None
    return text[:at] + bad + text[at + len(word) :], at, at + len(bad)


def spans(text: str) -> list[tuple[int, int]]:
    return [(f.span["start"], f.span["end"]) for f in check_text(text, "2024-03-01", select=["consistency"])]


def test_the_fixture_has_a_dozen_stories_nearly_all_with_a_repeated_name():
    stories = [json.loads(line)["text"] for line in STORIES.read_text(encoding="utf-8").splitlines()]
    assert len(stories) >= 12
    assert sum(plant(text, random.Random(0)) is not None for text in stories) >= 11


def test_planted_misspellings_are_found_and_untouched_stories_stay_quiet():
    stories = [json.loads(line)["text"] for line in STORIES.read_text(encoding="utf-8").splitlines()]
    alarms = sum(len(spans(text)) for text in stories)
    hits = planted = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        for text in stories:
            result = plant(text, rng)
            if result is None:
                continue
            copy, start, end = result
            planted += 1
            hits += any(s < end and e > start for s, e in spans(copy))
    assert planted >= 30
    assert hits / planted >= MIN_RECALL, f"recall {hits}/{planted}"
    assert alarms <= MAX_FALSE_ALARMS, f"{alarms} findings on untouched stories"
