"""Segmentation (paragraphs, sentences, quotations) and the source map (offset -> line/column)."""

from __future__ import annotations

import random

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from factrules import segment
from factrules.document import Document


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in segment.sentences(text)]


def quotes(text: str) -> list[str]:
    return [text[a:b] for a, b in segment.quotations(text)]


def paragraphs(text: str) -> list[str]:
    return [text[a:b] for a, b in segment.paragraphs(text)]


# -- sentences ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. military said it struck back. Nobody was hurt.",
         ["The U.S. military said it struck back.", "Nobody was hurt."]),
        ("The attack on Feb. 7 killed dozens. It lasted hours.",
         ["The attack on Feb. 7 killed dozens.", "It lasted hours."]),
        ("Lt. Gen. Jeffrey Harrigian spoke. Then he left.",
         ["Lt. Gen. Jeffrey Harrigian spoke.", "Then he left."]),
        ("John F. Kennedy was there. So was J. R. R. Tolkien.",
         ["John F. Kennedy was there.", "So was J. R. R. Tolkien."]),
        ("Mr. Smith met Dr. Jones at 9 a.m. Monday. They talked.",
         ["Mr. Smith met Dr. Jones at 9 a.m. Monday.", "They talked."]),
        ("The U.N. Security Council met. It adjourned.",
         ["The U.N. Security Council met.", "It adjourned."]),
    ],
)
def test_abbreviations_and_initials_do_not_end_a_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_question_exclamation_and_closing_quotes_end_sentences() -> None:
    text = 'He said "It is over." Then he left. Did it work? Yes! "Who knows?" she asked.'
    assert sentences(text) == ['He said "It is over."', "Then he left.", "Did it work?", "Yes!",
                               '"Who knows?" she asked.']


def test_curly_closing_quote_after_period_ends_sentence() -> None:
    assert sentences("“It is over.” The war went on.") == ["“It is over.”", "The war went on."]


def test_initialism_at_end_of_sentence_before_a_pronoun_splits() -> None:
    assert sentences("He was born in the U.S. He moved to Paris.") == [
        "He was born in the U.S.", "He moved to Paris."]


def test_number_abbreviations_only_before_numbers() -> None:
    assert sentences("He lives at No. 10 Downing Street. Fig. 2 shows it.") == [
        "He lives at No. 10 Downing Street.", "Fig. 2 shows it."]
    assert sentences("She said no. Then she left.") == ["She said no.", "Then she left."]


def test_lowercase_after_period_does_not_split() -> None:
    assert sentences("The vote was 3 vs. 2 in favor. Done.") == ["The vote was 3 vs. 2 in favor.", "Done."]


def test_sentences_never_cross_paragraphs() -> None:
    text = "First paragraph has no period\n\nSecond paragraph. Two sentences."
    assert sentences(text) == ["First paragraph has no period", "Second paragraph.", "Two sentences."]


def test_sentence_spans_exclude_surrounding_whitespace() -> None:
    text = "  One.   Two.  "
    assert segment.sentences(text) == [(2, 6), (9, 13)]


# -- paragraphs -----------------------------------------------------------------
def test_paragraphs_split_on_blank_lines_for_every_line_ending() -> None:
    assert paragraphs("a\n\nb\r\n\r\nc\r\rd\n \t\n e") == ["a", "b", "c", "d", "e"]


def test_paragraph_breaks_match_the_regex_module_pattern_they_replace() -> None:
    """The ``re`` pattern spells out the ``regex`` module's ``\\s``: the same breaks on text made of every kind
    of space and line break, including the separators only ``str.isspace`` counts (\\x1c) and those only
    Unicode counts (\\x85, no-break and ideographic spaces)."""
    original = regex.compile(r"\n[ \t\f\v\r]*\n\s*|\r[ \t]*\r\s*")
    alphabet = "ab. \n\r\t\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2007\u2028\u2029\u3000"
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert ([m.span() for m in segment._PARAGRAPH_BREAK.finditer(text)]
                == [m.span() for m in original.finditer(text)]), repr(text)


def test_single_line_break_stays_in_paragraph() -> None:
    assert paragraphs("one line\nwrapped here\n\nnext") == ["one line\nwrapped here", "next"]


def test_empty_text_has_no_segments() -> None:
    assert segment.paragraphs("") == [] and segment.sentences("") == [] and segment.quotations("") == []
    assert segment.paragraphs(" \n\n \n") == []


# -- quotations --------------------------------------------------------------------
def test_straight_double_quotes() -> None:
    assert quotes('He said "we won" and "they lost" today.') == ['"we won"', '"they lost"']


def test_curly_quotes_double_and_single() -> None:
    assert quotes("“It is over,” he said. ‘Maybe,’ she said.") == ["“It is over,”", "‘Maybe,’"]


def test_straight_single_quotes_versus_apostrophes() -> None:
    text = "Syria's leader said 'we won' and the troops weren't there."
    assert quotes(text) == ["'we won'"]


def test_apostrophes_alone_open_no_quotation() -> None:
    assert quotes("Syria's army and Russia's contractors weren't involved; the players' union agreed.") == []


def test_elided_years_are_not_quotations() -> None:
    assert quotes("The '90s were rough, and the players' union agreed.") == []
    assert quotes("In ’17 and ‘18 prices rose.") == []


def test_curly_apostrophe_inside_curly_quote_does_not_close_it() -> None:
    assert quotes("“Russia’s troops weren’t there,” he said.") == ["“Russia’s troops weren’t there,”"]
    assert quotes("‘Russia’s troops weren’t there,’ he said.") == ["‘Russia’s troops weren’t there,’"]


def test_unclosed_quote_runs_to_end_of_paragraph_only() -> None:
    text = 'He said "this runs on\nacross a line\n\nNew paragraph "closed" here.'
    assert quotes(text) == ['"this runs on\nacross a line', '"closed"']


def test_guillemets() -> None:
    assert quotes("Il a dit «non» hier.") == ["«non»"]


def test_document_in_quotes() -> None:
    document = Document(path="x", text='They said "no comment" today.')
    start = document.text.index("no comment")
    assert document.in_quotes(start, start + 10)
    assert not document.in_quotes(0, 4)


# -- source map ----------------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_position_for_each_line_ending(newline: str) -> None:
    source = newline.join(["first line", "second line", "", "fourth"])
    document = Document(path="x", text=source)
    assert document.position(0) == (1, 1)
    assert document.position(source.index("second")) == (2, 1)
    assert document.position(source.index("line", 12)) == (2, 8)
    assert document.position(source.index("fourth")) == (4, 1)
    assert document.source_line(2) == "second line"
    assert document.source_line(3) == ""


def test_mixed_line_endings() -> None:
    source = "a\r\nb\rc\nd"
    document = Document(path="x", text=source)
    assert [document.position(source.index(c)) for c in "abcd"] == [(1, 1), (2, 1), (3, 1), (4, 1)]


def test_columns_count_code_points_not_utf16_units() -> None:
    source = "🙂🙂 é reportedly\n𝔘𝔖 said"
    document = Document(path="x", text=source)
    offset = source.index("reportedly")
    assert offset == 5
    assert document.position(offset) == (1, 6)
    assert document.position(source.index("said")) == (2, 4)


def test_source_span_maps_through_offsets() -> None:
    source = "<p>Hello <b>world</b></p>"
    text = "Hello world"
    offsets = [source.index("Hello") + i for i in range(6)] + [source.index("world") + i for i in range(5)]
    document = Document(path="x.html", text=text, source=source, offsets=offsets)
    assert document.source_span(6, 11) == (12, 17)
    assert source[12:17] == "world"
    assert document.source_span(0, 11) == (3, 17)


def test_offsets_must_cover_every_code_point() -> None:
    with pytest.raises(ValueError):
        Document(path="x", text="abc", source="abc", offsets=[0, 1])


def test_sentence_and_paragraph_lookup() -> None:
    text = "One. Two.\n\nThree."
    document = Document(path="x", text=text)
    assert document.sentence_at(text.index("Two")) == (5, 9)
    assert document.paragraph_at(text.index("Three")) == (11, 17)


# -- quotations: the search-based scan against its character-by-character definition ----------------
def quotations_by_character(text: str) -> list[tuple[int, int]]:
    """The definition the fast scan must keep: step through every character of each paragraph."""
    spans = []
    for para_start, para_end in segment.paragraphs(text):
        index = para_start
        while index < para_end:
            char = text[index]
            closer = segment._OPENERS.get(char)
            if closer and segment._can_open(text, index, char, para_start):
                close_at = None
                for candidate in range(index + 1, para_end):
                    if text[candidate] != closer:
                        continue
                    if closer in "'’":
                        after = text[candidate + 1] if candidate + 1 < para_end else " "
                        if after.isalnum() or text[candidate - 1].isspace():
                            continue
                    close_at = candidate
                    break
                end = close_at + 1 if close_at is not None else para_end
                spans.append((index, end))
                index = end
                continue
            index += 1
    return spans


QUOTE_TEXT = st.lists(
    st.sampled_from(["\"", "'", "“", "”", "‘", "’", "«", "»", " ", "\n\n", "a", "B", "9", "'90s", "em", "n't",
                     "Syria's", ".", ","]) | st.text(max_size=3),
    max_size=40,
).map("".join)


@given(QUOTE_TEXT)
@settings(max_examples=400, deadline=None)
def test_quotation_scan_equals_its_character_by_character_definition(text: str) -> None:
    assert segment.quotations(text) == quotations_by_character(text)


@given(st.lists(st.sampled_from(["U.S", "Feb", "etc", "é", "e\u0301", " ", "\t", "\n", "a", "Zq", "9", "'", "."])
                | st.text(max_size=2), max_size=12).map("".join))
@settings(max_examples=400, deadline=None)
def test_the_word_before_a_period_is_what_the_regex_finds(text: str) -> None:
    """The shortcut for "a plain word after a space" must agree with ``_WORD_BEFORE`` everywhere."""
    text += "."
    match = segment._WORD_BEFORE.search(text, 0, len(text))
    assert segment._word_before(text, len(text) - 1, 0) == (match.group(1) if match else None)


@pytest.mark.parametrize("word", ["Mr", "mr", "Gen", "Jan", "sept", "etc", "Inc", "No", "nos", "Fig", "word", "said",
                                  "Reuters", "al", "vs", "Nov", "Ltd", "ES", "Zürich", "Ōita"])
@pytest.mark.parametrize("after", [" 10 more", " Then more"])
def test_word_before_a_period_is_judged_alike_after_a_space_and_elsewhere(word: str, after: str) -> None:
    """A plain word after a space is decided on a short path; after a bracket it takes ``_word_before``'s regex:
    both must give the same answer for every kind of word (abbreviation, number abbreviation, plain)."""
    spaced = f"It was {word}.{after}"
    bracketed = f"It was ({word}.{after}"
    assert (segment._ends_with_abbreviation(spaced, spaced.index("."), 0)
            == segment._ends_with_abbreviation(bracketed, bracketed.index("."), 0))
