"""The ``consistency`` matcher and pack: variant spellings of a name and counts that contradict each other.

The documents are written for these tests.  Findings are validated against
the finding schema here as well as by the suite-wide audit.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from factrules.api import check_text
from factrules.findings import validator
from factrules.matchers.consistency import ConsistencyMatcher, name_key
from factrules.packs import PackError, load_pack
from factrules.plugins import registry

DRAFT = textwrap.dedent("""\
    Rebels said they had taken Dayr az-Zawr after a night of shelling.

    Government troops killed as many as 60 fighters near the airport, a commander said.

    Residents of Deir ez-Zor said hundreds of fighters were killed in the battle.

    An unknown number of civilians were wounded.

    About 40 civilians were wounded, the hospital said.

    Some 200 soldiers were deployed to Deir ez-Zor on Friday.
    """)


def consistency(text: str) -> list:
    findings = check_text(text, "2018-02-16", select=["consistency"])
    for finding in findings:
        assert not list(validator("finding").iter_errors(finding.to_dict()))
        assert finding.category == "consistency"
    return findings


def test_the_minority_spelling_is_flagged_once_with_the_majority_as_suggestion_and_related_places():
    found = [f for f in consistency(DRAFT) if f.rule == "consistency.spelling"]
    assert [(f.line, f.text) for f in found] == [(1, "Dayr az-Zawr")]  # the majority form is not flagged
    first = found[0]
    assert first.suggestion == "Deir ez-Zor"
    assert first.data["name"] == "Deir ez-Zor"
    assert first.data["count"] == 1
    assert [(p["line"], p["column"], p["text"]) for p in first.data["related"]] == [
        (5, 14, "Deir ez-Zor"), (11, 36, "Deir ez-Zor")]
    assert first.data["related"][0]["end_column"] == 25
    assert "'Deir ez-Zor' (lines 5, 11)" in first.message


def test_conflicting_counts_are_flagged_and_name_each_other():
    found = {f.line: f for f in consistency(DRAFT) if f.rule == "consistency.figures"}
    # 60 vs hundreds of fighters (killed); unknown vs about 40 civilians (wounded); 200 soldiers deployed: no event
    assert sorted(found) == [3, 5, 7, 9]
    assert found[3].text == "as many as 60"
    assert [c["line"] for c in found[3].data["conflicts"]] == [5]
    assert found[3].data["event"] == "killed" and found[3].data["high"] == 60
    assert [c["text"] for c in found[5].data["conflicts"]] == ["as many as 60"]
    assert found[7].text == "An unknown number" and [c["line"] for c in found[7].data["conflicts"]] == [9]
    assert "line 5" in found[3].message


@pytest.mark.parametrize(
    "text",
    [
        # overlapping intervals for the same count
        "As many as 100 fighters were killed. Later, about 90 fighters were killed, officials said.",
        # a group smaller than the total is not a contradiction
        "Fifteen Russians were killed. About 100 people died in the attack.",
        # different groups are not compared
        "Hundreds of fighters were killed. Twelve civilians were killed.",
        # parts of one list in one sentence
        "Hundreds of fighters were killed and dozens of fighters died.",
        # different events
        "About 200 people were wounded. Twelve people were killed.",
        # numerous says no figure, so it does not contradict an unknown number
        "An unknown number of guards were killed. Numerous guards were killed.",
        # another incident, a running total
        "A bomb killed 12 people on Monday. Last year a similar attack killed more than 100 people.",
        "Twelve people were killed on Monday. In total, some 3,000 people have been killed since the war began.",
    ],
)
def test_compatible_figures_are_not_conflicts(text):
    assert [f for f in consistency(text) if f.rule == "consistency.figures"] == []


def test_a_total_smaller_than_a_group_within_it_conflicts():
    found = consistency("Hundreds of fighters were killed. They were among the 100 or so dead.")
    assert [f.text for f in found] == ["Hundreds", "100 or so"]


def test_exact_figures_take_part_even_when_the_numbers_pack_is_not_selected():
    found = consistency("Twelve miners were killed on Monday. By Tuesday, about 40 miners were dead.")
    assert [f.text for f in found] == ["Twelve", "about 40"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Al Jazeera filmed it. An Al-Jazeera crew was held.", ["Al Jazeera", "Al-Jazeera"]),  # hyphen or space
        ("Sao Paulo voted. In São Paulo, turnout fell.", ["Sao Paulo", "São Paulo"]),  # diacritics
        ("Mohammed bin Salman spoke. Muhammad bin Salman left.", ["Mohammed bin Salman", "Muhammad bin Salman"]),
        ("The Qaddafi family fled. Qadafi himself stayed.", ["Qaddafi", "Qadafi"]),  # doubled letters
    ],
)
def test_variant_spellings(text, expected):
    assert [f.text for f in consistency(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Bashar al-Assad spoke on Monday. Assad said the war was over.",  # second reference drops the particle
        "Then the men left. Than anyone expected, they were back, and then they left.",  # ordinary words
        "Paris and Peres are different names.",
        "Ellen Price met Allen Price.",  # a different first vowel: two people, not one spelling
        "Ursula von der Leyen spoke. Von der Leyen left.",  # capitalisation only
    ],
)
def test_not_variant_spellings(text):
    assert consistency(text) == []


def test_name_key_reduces_transliterations_to_one_form():
    assert name_key("Zour") == name_key("Zor") == name_key("Zawr")
    assert name_key("Deir") == name_key("Dayr")
    assert name_key("Qaddafi") == name_key("Qadafi")
    assert name_key("Paris") != name_key("Peres")
    assert name_key("Ellen") != name_key("Allen")


def test_check_option_is_required_and_validated(tmp_path: Path):
    pack = tmp_path / "bad.yaml"
    pack.write_text(textwrap.dedent("""\
        pack: bad
        defaults: {category: consistency}
        rules:
          - id: wrong
            kind: consistency
            options: {check: colours}
            examples: {match: ["x"]}
        """), encoding="utf-8")
    with pytest.raises(PackError) as error:
        load_pack(pack, registry().matchers)
    assert "wrong" in str(error.value) and "options" in str(error.value)
    assert ConsistencyMatcher.stage == "document"


def test_split_words_gives_the_words_of_str_split_whatever_the_cuts() -> None:
    """The spelling check's lower-case word set is built a chunk at a time; the words are ``str.split``'s,
    Python-only spaces (\\x1c-\\x1f, U+0085) and words across a cut included."""
    import random

    from factrules.matchers.consistency_spelling import split_words

    chooser = random.Random(3)
    pieces = ["word", "Name", " ", "\n", "\x1c", "\x85", "\u00a0", "\u2003", "long-word", "x"]
    for _ in range(300):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 40)))
        for chunk in (1, 2, 3, 7, 64):
            assert list(split_words(text, chunk)) == text.split(), (text, chunk)
