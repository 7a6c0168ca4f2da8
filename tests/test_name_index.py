"""The name scan behind the spelling check: runs of name words and the particles before them.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import pytest

from factrules.matchers import name_index
from factrules.matchers.name_index import raw_runs


def spellings(text: str) -> list[list[str]]:
    return [[token[3] for _, token in run] for run in raw_runs(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a particle that stands alone before a run belongs to its first name word
        ("Crowds loyal to al-Hamdan marched.", [["crowds"], ["al-hamdan"]]),
        ("al-Hamdan spoke first.", [["al-hamdan"]]),  # at the very start of the text
        ("Near (el Farouk) the road ends.", [["near"], ["el farouk"]]),  # after punctuation, spaced
        ("Trucks crossed at al‐Qamar.", [["trucks"], ["al-qamar"]]),  # U+2010 HYPHEN, spelled with "-"
        ("Pilgrims came from ash-Shuruq and adh-Dhafra.", [["pilgrims"], ["ash-shuruq"], ["adh-dhafra"]]),
        ("They met with al-The.", [["al-the"]]),  # with a particle, even a function word counts
        # not a particle: the end of a longer word, after a digit, a spaced particle other than al/el
        ("A regional-Hamdan link.", [["hamdan"]]),
        ("Plot 3al-Hamdan was sold.", [["plot"], ["hamdan"]]),
        ("He saw as Farouk left.", [["farouk"]]),
        # inside a run the particle is part of the run itself
        ("Omar al-Hamdan said so.", [["omar", "al-hamdan"]]),
        ("Flights to El Salvador resumed.", [["flights"], ["el salvador"]]),
    ],
)
def test_a_leading_particle_is_part_of_the_first_name_word(text, expected):
    assert spellings(text) == expected


def test_distinct_names_are_the_same_whether_listed_or_streamed(monkeypatch):
    text = ("Crowds loyal to al-Hamdan marched past Omar al-Hamdan and the Hague office. "
            "In Deir el-Qamar, Maria Okonkwo met Maria Okonkwo's brother.\n") * 3
    listed = name_index.distinct_names(text)
    assert ("al-", "Hamdan") in listed and ("", "Omar al-Hamdan") in listed
    monkeypatch.setattr(name_index, "STREAM_NAMES_FROM", 0)
    assert name_index.distinct_names(text) == listed


def test_name_runs_split_one_name_as_raw_runs_splits_it_in_the_text():
    text = "The Hague court heard In Re Hamdan. Crowds loyal to al-Hamdan met The Times of London."
    in_text = [[token for _, token in run] for run in raw_runs(text)]
    by_name = [run for lead, name in name_index._NAME.findall(text) for run in name_index.name_runs(lead + name)]
    assert by_name == in_text
    assert [[token[3] for token in run] for run in by_name] == [
        ["hague"], ["re", "hamdan"], ["crowds"], ["al-hamdan"], ["times"], ["london"]]


@pytest.mark.parametrize("connector", sorted(name_index.CONNECTORS))
def test_every_connector_continues_a_run(connector):
    assert spellings(f"Ahmed {connector} Karim spoke.") == [["ahmed", connector, "karim"]]


@pytest.mark.parametrize("particle", sorted(name_index.PARTICLES))
def test_every_particle_continues_a_run_in_either_case(particle):
    assert spellings(f"Ahmed {particle}-Karim spoke.") == [["ahmed", f"{particle}-karim"]]
    assert spellings(f"Ahmed {particle.capitalize()}-Karim spoke.") == [["ahmed", f"{particle}-karim"]]
