"""Misspelt names, one finding per variant, related places, vague figures and event dates.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factrules.api import check_text
from factrules.document import Document
from factrules.findings import validator
from factrules.formatters.sarif import build_sarif
from factrules.matchers.consistency_spelling import spelling_matches
from factrules.matchers.name_evidence import Lexicon, inflected


def consistency(text: str, date: str = "2024-03-06") -> list:
    findings = check_text(text, date, select=["consistency"])
    for finding in findings:
        assert not list(validator("finding").iter_errors(finding.to_dict()))
    return findings


def spelling(text: str) -> list:
    return [f for f in consistency(text) if f.rule == "consistency.spelling"]


OKONKWO = ("Maria Okonkwo chairs the water board. The board, said Maria Okonkwo, needs money.\n"
           "Later Maria Okonkow told staff the plan was ready.")


def test_a_misspelt_surname_after_the_same_first_name_is_flagged_once_with_the_majority_form():
    found = spelling(OKONKWO)
    assert [(f.text, f.suggestion) for f in found] == [("Okonkow", "Okonkwo")]
    assert found[0].data["count"] == 1
    assert [(p["line"], p["text"]) for p in found[0].data["related"]] == [(1, "Okonkwo"), (1, "Okonkwo")]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Lars Petersen runs the port. Ships wait, Lars Petersen said. Lars Peterson spoke later.", "Peterson"),
        ("The hall was built by Edwin Marsh in 1902. Marsh also built the station. Edwin Marsch died poor.",
         "Marsch"),
        ("Officials in Tegucigalpa met on Monday. Traffic in Tegucigalpa stopped. Tegucigapla was quiet.",
         "Tegucigapla"),
    ],
)
def test_ordinary_misspellings_of_a_name_are_found(text, flagged):
    assert [f.text for f in spelling(text)] == [flagged]


@pytest.mark.parametrize(
    "text",
    [
        "Argentina cut export taxes on Monday. Argentine farmers cheered the cut.",  # country and demonym
        "Louisa Brandt and Louise Okafor joined the board.",  # two given names
        "Alan Ferris met Allen Cho in the lobby.",  # two given names, different surnames
        "The Ministry said on Friday that the Minister would resign.",  # one stem, two parts of speech
        "Democrats in the Senate backed the Democratic plan.",
        "Banca Italiana sold bonds. Later Societa Italiane di Credito bought shares.",  # an inflected ending
        "Donald Reagan and Ronald Regan were never related.",  # two surnames, two first names
        "Spending rose in March. Speaking in April, the mayor said so.",  # two dictionary words
        "Kiichi Tanaka met Koichi Ishida in Osaka.",  # different surnames after each first name
        "Snow fell across Kashmir. Many Kashmiris stayed at home.",  # a demonym's plural
        # two letters apart and only a function word ("of") in common: two firms, however unevenly named
        "Ostromark Corp will buy Ostrobank. A unit of Ostromark, the parent of Ostrobank, will run it.",
    ],
)
def test_different_words_that_look_alike_are_left_alone(text):
    assert spelling(text) == []


def test_a_pack_can_add_places_and_given_names():
    text = "Buses from Castelmora reach Castelnora in an hour."
    document = Document(path="x", text=text, metadata={})
    assert [m.data["variant"] for m in spelling_matches(document, Lexicon())]  # unknown towns: flagged
    assert list(spelling_matches(document, Lexicon(places=("Castelmora", "Castelnora")))) == []
    names = Document(path="x", text="Oriel Banks met Oriol Smith.", metadata={})
    assert list(spelling_matches(names, Lexicon(given=("Oriel", "Oriol")))) == []


def test_each_minority_variant_gets_one_finding_even_when_it_occurs_twice():
    text = ("Governor Hrabanek spoke first. Hrabanek said rates would hold. Reporters asked Hrabanek why.\n"
            "Governor Hrabaenk left early. Aides said Hrabaenk was tired. Governor Hrabanke returned.")
    found = spelling(text)
    assert sorted((f.text, f.data["count"], f.suggestion) for f in found) == [
        ("Hrabaenk", 2, "Hrabanek"), ("Hrabanke", 1, "Hrabanek")]
    assert all(len(f.data["related"]) == 3 for f in found)


def test_with_no_majority_each_form_is_flagged_once_without_a_suggestion():
    found = spelling("Inspector Wieczorek opened the inquiry. Inspector Wiezcorek closed it.")
    assert sorted(f.text for f in found) == ["Wieczorek", "Wiezcorek"]
    assert all(f.suggestion is None and f.data["name"] is None for f in found)
    assert "no spelling is in the majority" in found[0].message


def test_sarif_carries_the_majority_places_as_related_locations():
    findings = [f.to_dict() for f in spelling(OKONKWO)]
    sarif = build_sarif({"findings": findings, "errors": [], "files": 1})
    result = sarif["runs"][0]["results"][0]
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["region"]["snippet"]["text"] for r in related] == ["Okonkwo", "Okonkwo"]
    assert related[0]["physicalLocation"]["region"]["startLine"] == 1
    assert related[0]["physicalLocation"]["region"]["charLength"] == len("Okonkwo")
    assert [r["id"] for r in related] == [1, 2]


def test_inflection_needs_a_shared_stem_and_real_endings():
    assert inflected("commission", "commissioner")
    assert not inflected("kidder", "kiddor")  # a vowel changed inside
    assert not inflected("insurance", "insurancce")  # a letter doubled


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Twenty-eight protesters were arrested on Monday. Several were arrested near the square.", []),
        ("Twenty-eight protesters were arrested. A number of people were arrested, police said.", []),
        ("Twenty-eight protesters were arrested. Police said several protesters were arrested.",
         ["Twenty-eight", "several"]),
        ("About 30 people were injured in the blast. Seven people were still being treated in hospital.", []),
    ],
)
def test_vague_words_are_compared_only_with_a_count_of_the_same_group(text, expected):
    assert [f.text for f in consistency(text) if f.rule == "consistency.figures"] == expected


def test_one_vote_on_two_weekdays_is_flagged_with_the_resolved_days():
    text = "The council vote is on Wednesday. Aides expect Thursday's vote to be close."
    found = [f for f in consistency(text) if f.rule == "consistency.event-dates"]
    assert [(f.text, f.data["resolved"]) for f in found] == [("Wednesday", "2024-03-06"), ("Thursday", "2024-03-07")]
    assert found[0].data["related"][0]["text"] == "Thursday"


def test_one_death_on_two_weekdays_is_flagged_and_the_majority_day_is_kept():
    text = ("Pedro Almeida died on Sunday, his family said. Almeida, 71, died on Sunday in hospital.\n"
            "Almeida's death on Monday was announced by the mayor.")
    found = [f for f in consistency(text) if f.rule == "consistency.event-dates"]
    assert [(f.line, f.text, f.data["resolved"]) for f in found] == [(2, "Monday", "2024-03-04")]
    assert [p["resolved"] for p in found[0].data["related"]] == ["2024-03-03", "2024-03-03"]


@pytest.mark.parametrize(
    "text",
    [
        "Almeida died on Monday. Costa died on Sunday.",  # two people
        "The vote is on Wednesday and the meeting is on Thursday.",  # two events
        "The vote is on Wednesday. Wednesday's vote will be close.",
    ],
)
def test_different_events_or_the_same_day_are_not_date_conflicts(text):
    assert [f for f in consistency(text) if f.rule == "consistency.event-dates"] == []


def test_copy_naming_one_weekday_is_not_searched_for_events():
    from factrules.matchers.consistency_dates import _windows

    # one weekday, however often and in whatever case: no conflict is possible, nothing is searched
    assert _windows("The vote is on Wednesday. Aides expect WEDNESDAY's vote to be close.") == []
    assert _windows("The vote is on Wednesday. Aides expect Thursday's vote to be close.") != []
    assert consistency("Talks ended on Friday; the summit is on Friday too.") == []


#: pieces of made-up copy around weekdays: every case, the long s, words that end in "day" but name none
DAY_WORDS = ["Monday", "MONDAY", "tuesday", "TuesDay", "Wednesday's", "thursday", "Friday,", "ſaturday", "Sunday.",
             "sunday", "today", "holiday", "days", "daytime", "the", "vote", "is", "on", "died", "Almeida", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(DAY_WORDS), max_size=25))
def test_the_weekday_gate_clears_only_copy_the_scan_finds_no_two_weekdays_in(words):
    from factrules.matchers.consistency_dates import _windows, names_two_weekdays

    text = " ".join(words)
    document = Document(path="d", text=text)
    if not names_two_weekdays(document):
        assert _windows(text) == []


@pytest.mark.parametrize(
    ("text", "two"),
    [
        ("The vote is on Wednesday. Aides expect WEDNESDAY's vote today, a holiday.", False),
        ("The vote is on Wednesday. Aides expect THURSDAY's vote to be close.", True),
        ("The vote is on ſunday. Aides expect Monday's vote to be close.", True),  # "ſ" folds to "s"
        ("Holidays and days off: none today.", False),
    ],
)
def test_the_weekday_gate_on_written_sentences(text, two):
    from factrules.matchers.consistency_dates import _windows, names_two_weekdays

    assert names_two_weekdays(Document(path="d", text=text)) is two
    assert bool(_windows(text)) is two


def _pack(tmp_path, options: str):
    from factrules.packs import load_pack
    from factrules.plugins import registry

    path = tmp_path / "towns.yaml"
    path.write_text("pack: towns\ndefaults: {category: consistency}\nrules:\n  - id: spelling\n"
                    f"    kind: consistency\n    options: {options}\n"
                    "    examples: {match: ['Castelmora, Castelmora, Castelmorra.'],\n"
                    "               no_match: ['Castelmora or Castelnora.']}\n", encoding="utf-8")
    return load_pack(path, registry().matchers)


def test_places_in_pack_options_extend_the_list(tmp_path):
    plain = _pack(tmp_path, "{check: spelling}").rules[0].matcher
    towns = _pack(tmp_path, "{check: spelling, places: [Castelmora, Castelnora]}").rules[0].matcher
    document = Document(path="x", text="Buses from Castelmora reach Castelnora in an hour.", metadata={})
    assert list(plain.find(document)) and not list(towns.find(document))


def test_places_on_another_check_is_a_clear_error(tmp_path):
    from factrules.packs import PackError

    with pytest.raises(PackError) as error:
        _pack(tmp_path, "{check: figures, places: [Castelmora]}")
    assert "options.places applies to check: spelling only" in str(error.value)


def test_a_name_wrapped_across_a_line_is_one_name_and_the_message_stays_on_one_line():
    text = "The Budget\nCommittee met on Monday. The Budget Commitee left. The Budget\nCommittee voted."
    found = spelling(text)
    assert [(f.text, f.suggestion) for f in found] == [("Budget Commitee", "Budget Committee")]
    assert "\n" not in found[0].message and "'Budget Committee' (lines 1, 2)" in found[0].message
