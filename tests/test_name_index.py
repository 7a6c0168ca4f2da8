"""The name scan behind the spelling check: runs of name words and the particles before them.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- the ``re`` twin of the name scan, for ASCII text ------------------------------------------------

#: pieces of made-up ASCII copy: names, particles and connectors in every case, compounds, possessives,
#: acronyms, digits and the function words that split runs
TWIN_WORDS = [
    "Omar", "Hamdan", "Deir", "Qamar", "Zayid", "O'Malley", "Karim's", "Okonkwo", "US", "NATO", "X", "The", "In",
    "Abu-Faris", "Port-au-Prince", "Lagos-based", "al", "Al", "AL", "el", "El", "ez", "Ez", "adh", "Adh", "ash",
    "ASH", "dh", "as", "ad", "ut", "bin", "ibn", "della", "de", "van", "von", "der", "abd", "said", "and", "in",
    "3", "42nd", "x9", "it's", "'", "re", "Re", "Bo", "dhow",
    # past ASCII, what the twin reads too: the curly apostrophe, U+2010 HYPHEN and typeset punctuation
    "Karim’s", "O’Malley", "al‐", "el‐", "Adh‐", "“Omar”", "—", "Zayid…", "£3", "«Qamar»",
]
#: what stands between them: spaces, newlines, hyphens (a particle's), punctuation, nothing
TWIN_JOINERS = [" ", " ", "  ", "\n", " \n ", "\n\n", "-", "--", "'", ". ", ", ", "(", ") ", "", "\t", "/",
                "’", "‐", "\u00a0", " — ", "“", "”"]


def _twin_text(words: list[str], joiners: list[str]) -> str:
    return "".join(word + joiners[index % len(joiners)] for index, word in enumerate(words))


def _twin_hits(text: str) -> list[tuple[tuple[int, int], tuple[str, str]]]:
    return [(hit.span(), (hit.group("lead") or hit.group("lead4") or "", hit.group("run")))
            for hit in name_index._ASCII_NAME.finditer(text)]


def _regex_hits(text: str) -> list[tuple[tuple[int, int], tuple[str, str]]]:
    return [(hit.span(), (hit.group("lead") or "", hit.group("run"))) for hit in name_index._NAME.finditer(text)]


def _regex_spans(text: str) -> list[tuple[int, int]]:
    """What ``raw_runs`` tokenised before the twin: each ``_NAME`` hit from its particle when it has one."""
    return [(hit.start("lead") if hit.group("lead") else hit.start(), hit.end())
            for hit in name_index._NAME.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TWIN_WORDS), max_size=30),
       st.lists(st.sampled_from(TWIN_JOINERS), min_size=1, max_size=5))
def test_the_ascii_twin_finds_the_runs_and_particles_of_the_regex_scan(words: list[str], joiners: list[str]) -> None:
    text = _twin_text(words, joiners)
    assert name_index._twin_reads(text)
    assert _twin_hits(text) == _regex_hits(text)
    assert name_index.distinct_names(text) == set(name_index._NAME.findall(text))
    assert list(name_index.name_spans(text)) == _regex_spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "Crowds loyal to al-Hamdan marched past Omar al-Hamdan in Deir el-Qamar.",
        "Pilgrims came from ash-Shuruq, adh-Dhafra and x adh-Dhafra; a dh-Zayid sign and regional-Hamdan.",
        "AL-Hamdan, El Farouk (el Farouk) and 3al-Hamdan met Ahmed bin\nKarim and Maria della  Rosa.",
        "Ahmed ibn Karim's O'Malley-Faris said the Lagos-based Abu-Faris Port-au-Prince office closed, said el-Faris.",
        "“We met al‐Hamdan,” said Omar al-Hamdan’s aide — Maria della Rosa’s office — at £3 a head…",
    ],
)
def test_the_ascii_twin_on_written_sentences(text: str) -> None:
    assert name_index._twin_reads(text)
    assert _twin_hits(text) == _regex_hits(text)
    assert list(name_index.name_spans(text)) == _regex_spans(text)
    assert any(lead for _, (lead, _) in _twin_hits(text))  # the particles are found, not only the runs


def test_the_twin_reads_only_punctuation_past_ascii() -> None:
    """Past ASCII the twin knows the curly apostrophe and U+2010, which ``_NAME`` names, and characters that
    are no letter, mark or digit to ``regex`` (so every class of ``_NAME`` reads them as ASCII punctuation)."""
    import regex

    for char in name_index.TWIN_PUNCTUATION:
        assert regex.match(r"[\p{L}\p{M}\p{N}'’‐-]", char) is None, repr(char)
        assert name_index._twin_reads(f"Omar{char}Karim")
    for text in ("Zoë Ñúñez met Omar.", "Omar ſaid", "Omar ﬁled", "Kelvin \u212a", "İstanbul", "x²", "Omar\u0301"):
        assert not name_index._twin_reads(text)


def test_the_ascii_twin_knows_every_particle_length() -> None:
    """The twin looks behind for particles of two and three letters only: a longer one needs a third width."""
    assert {len(particle) for particle in name_index.PARTICLES} <= {2, 3}


def test_a_text_with_letters_past_ascii_keeps_the_regex_scan() -> None:
    text = "Crowds loyal to al‐Hamdan met Zoë Ñúñez and Omar al-Hamdan."
    assert name_index.distinct_names(text) == set(name_index._NAME.findall(text))
    assert ("al‐", "Hamdan") in name_index.distinct_names(text)
