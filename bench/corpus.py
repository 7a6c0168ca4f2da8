"""Benchmark corpora: read real news text given as arguments, or generate news-like text.

Real text (e.g. the shared corpus, when a machine has it) is passed as
paths: ``.txt``/``.md`` files, directories of them, or ``.jsonl`` files of
``{"id", "text"}`` records.  Without paths, ``generate(megabytes)`` writes
wire-style paragraphs with the density of hedges, figures, dates and
sourcing that real copy has, deterministically (a fixed seed).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable

SUBJECTS = ["The ministry", "A spokesman for the army", "Police", "The company", "Rebel commanders",
            "The mayor's office", "Local officials", "The United Nations", "Witnesses", "The central bank"]
VERBS = ["said", "told reporters", "announced", "confirmed", "added", "wrote in a statement"]
CLAIMS = [
    "that {num} {noun} had been {event} in the {place} {when}",
    "the {noun} were {hedge} {event} near {place} {when}",
    "it had nothing to do with the {event2} {when}",
    "{num} {noun} {hedge2} crossed into {place} {when}",
    "talks on the budget would resume {when}",
    "the figures could not be independently verified",
    "the {noun} {hedge3} among those {event} in {place}",
]
NUMS = ["as many as 300", "about 40", "dozens of", "hundreds of", "at least 12", "between 20 and 30", "15",
        "more than 2,000", "nearly 90", "several", "an estimated 1.2 million", "two hundred", "up to 500"]
NOUNS = ["fighters", "civilians", "workers", "protesters", "soldiers", "migrants", "residents", "students"]
EVENTS = ["killed", "wounded", "detained", "evacuated", "displaced", "arrested"]
EVENTS2 = ["attack", "explosion", "strike", "fire", "raid"]
PLACES = ["Deir el-Zour", "the northern province", "Mosul", "the capital", "Kharkiv", "the border town of Rafah",
          "Aleppo", "the port city", "al-Raqqa", "the eastern suburbs"]
WHENS = ["last week", "on Sunday", "on Feb. 7, 2018", "earlier this week", "yesterday", "in 2017", "two days ago",
         "on Wednesday", "this month", "recently", "late last year", "", "", ""]
HEDGES = ["reportedly", "allegedly", "believed to have been", "apparently", "possibly", "thought to have been"]
HEDGES2 = ["may have", "are said to have", "apparently", "probably"]
HEDGES3 = ["are believed to be", "were thought to be", "are understood to be", "were"]
TAILS = ["", "", ", according to people familiar with the matter", ", sources said", ", a monitor said",
         ", according to Reuters", ". The claims could not be verified", ", officials who spoke on condition of "
         "anonymity said", ", the ministry insisted its troops weren't involved"]
#: neutral sentences: real copy is mostly these, with the claims an editor must check in between
FILLER = [
    "The government controls the western side of the river and the opposition holds the east.",
    "Aid groups have asked for safe passage for convoys carrying food and medicine.",
    "The council meets on the first Monday of every month in the old town hall.",
    "Prices for bread and fuel have doubled since the start of the year, according to the statistics office.",
    "The bridge, built in 1962, carries most of the traffic between the two halves of the city.",
    "Schools reopened after the holiday with new timetables and smaller classes.",
    "The harbour was dredged in 2019 so that larger container ships could dock.",
    "Farmers in the valley grow wheat, barley and olives on terraces cut into the hills.",
    "The minister arrived at the summit with a delegation of trade officials and engineers.",
    "Voters will elect a new parliament under rules adopted by the electoral commission.",
    "The museum's collection includes manuscripts, coins and textiles from the Ottoman period.",
    "Rail services between the capital and the coast run every hour during the summer.",
    "The company employs 4,200 people at its plant on the edge of the city.",
    "Engineers inspected the dam and found the spillway in good condition.",
]


def _sentence(rng: random.Random) -> str:
    claim = rng.choice(CLAIMS).format(
        num=rng.choice(NUMS), noun=rng.choice(NOUNS), event=rng.choice(EVENTS), event2=rng.choice(EVENTS2),
        place=rng.choice(PLACES), when=rng.choice(WHENS), hedge=rng.choice(HEDGES), hedge2=rng.choice(HEDGES2),
        hedge3=rng.choice(HEDGES3),
    )
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {claim}{rng.choice(TAILS)}."
    return " ".join(text.split()).replace(" .", ".").replace(" ,", ",")


def generate(megabytes: float, *, document_kb: int = 4, seed: int = 2018, claim_share: float = 0.35) -> list[str]:
    """Deterministic news-like documents adding up to ``megabytes`` of UTF-8 text.

    ``claim_share`` is the share of sentences built from claims (hedged, sourced, counted, dated);
    the rest are neutral sentences.
    """
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    documents, total = [], 0
    while total < target:
        paragraphs, size = [], 0
        while size < document_kb * 1000:
            # about one sentence in three carries something to check, as in wire copy
            sentences = [_sentence(rng) if rng.random() < claim_share else rng.choice(FILLER)
                         for _ in range(rng.randint(1, 4))]
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
        document = "\n\n".join(paragraphs)
        documents.append(document)
        total += len(document.encode("utf-8"))
    return documents


def read(paths: Iterable[str]) -> list[str]:
    """Documents from files, directories (``.txt``, ``.md``) and ``.jsonl`` corpora."""
    documents: list[str] = []
    for given in paths:
        files = [given]
        if os.path.isdir(given):
            files = sorted(os.path.join(folder, name) for folder, _, names in os.walk(given) for name in names
                           if name.endswith((".txt", ".md", ".jsonl")))
        for path in files:
            if path.endswith(".jsonl"):
                with open(path, encoding="utf-8") as handle:
                    documents.extend(json.loads(line)["text"] for line in handle if line.strip())
            else:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    documents.append(handle.read())
    return documents
