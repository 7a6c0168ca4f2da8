"""The number scan's shortcuts against its plain way, on generated copy.

With event cues ``_hits`` passes over bare numbers that count no event, most of them without trying
``SCAN``; ``_ascii_digit_starts`` finds where figures in digits start without a regex.  Each must give what the
plain way gives (``test_numbers.py`` checks the plain way against ``SCAN`` on written sentences).  The
words are written for these tests (figures, approximators, range words, event words, and the odd
characters that trip case folding or ``str.split``).
"""

from __future__ import annotations

import random
import re

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from factrules.matchers import number

WORDS = [
    "12", "1,000", "12.5", "4,351", "0.5", "1987", "1987/88", "11-1/2", "1/4", "4th", "7-eleven", "5-7", "3–4",
    "$5", "US$5", "a$300", "£3m", "25bn", "80p", "45%", "2+", "100-odd", "200-plus", "$", "mh17", "f-16",
    "a", "an", "A", "from", "between", "in", "the", "range", "of", "to", "and", "or", "so", "more", "than",
    "about", "some", "over", "up", "nearly", "at", "least", "as", "many", "estimated", "half", "third",
    "quarter", "year", "month", "a year", "million", "mln", "billion", "thousand", "hundred", "dozen",
    "dozens", "hundreds", "several", "few", "number", "two", "twenty-five", "five", "one", "pct", "dlrs",
    "six", "ten", "tens", "seventeen", "ninety", "five-six", "one-time", "—", "–",
    "per", "cent", "people", "killed", "were", "injured", "dead", "bodies", "died", "rose", "fell", "shares",
    "said", ",", ".", ";", "(", ")", '"', "-", "ſ", "İzmir", "Kilo", "\u212a",
]
JOINERS = [" ", " ", " ", "  ", "\n", "\t", "\u00a0", "\x1c", ""]


def _text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(WORDS) + rng.choice(JOINERS) for _ in range(size))


def _eventless_bare(hit, cues) -> bool:
    return hit.lastgroup == "num" and hit.start("num") == hit.start() and number._no_event_near(
        cues, hit.start(), hit.end())


def _check(text: str) -> None:
    """With cues, ``_hits`` finds what it finds without them, less only bare numbers with no event near."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return  # ``scan`` asks for no shortcut then
    cues = number._event_cue_starts(lowered)
    plain = [m.span() for m in number._hits(text) if not _eventless_bare(m, cues)]
    assert [m.span() for m in number._hits(text, lowered, cues) if not _eventless_bare(m, cues)] == plain, text


def test_the_shortcuts_are_taken() -> None:
    """Bare numbers in digits or words, and digits where no number starts, are decided without ``SCAN`` when no
    event is near."""
    text = "Profit rose 12 pct to 5.5 mln dlrs in the 4th qtr, a 55 pct stake, from 1.27 billion dlrs; two units."
    lowered = text.lower()
    calls = []

    class Counting:
        def __init__(self, real) -> None:
            self.real = real

        def match(self, *args, **kwargs):
            if not kwargs:  # not ``_may_open``'s partial match of two words
                calls.append(args[1])
            return self.real.match(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(number, "SCAN", Counting(number.SCAN))
        patch.setattr(number, "_ASCII_SCAN", Counting(number._ASCII_SCAN))  # the text is ASCII
        assert list(number._hits(text, lowered, number._event_cue_starts(lowered))) != []  # "12 pct to"
    assert not {text.index(figure) for figure in ("5.5", "4th", "55", "1.27", "a 55", "two", "from")} & set(calls)
    assert text.index("12") in calls  # "to" after it: it may be a range


def _plain_openers(text: str) -> None:
    """``_hits`` finds the same with every lead word tried as without ``_may_open``'s pruning."""
    lowered = text.lower()
    cues = number._event_cue_starts(lowered) if len(lowered) == len(text) else None
    pruned = [m.span() for m in number._hits(text)]
    pruned_cues = [m.span() for m in number._hits(text, lowered, cues)] if cues is not None else []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(number, "_may_open", lambda lead, following, spaced: True)
        patch.setattr(number, "_range_may_open", lambda *args: True)
        assert [m.span() for m in number._hits(text)] == pruned, text
        if cues is not None:
            assert [m.span() for m in number._hits(text, lowered, cues)] == pruned_cues, text


#: each check of ``_hits``' shortcuts against its plain path: the cues (``_check``: only eventless bare numbers
#: are lost) and the opener pruning (``_plain_openers``: pruned lead words open nothing)
SHORTCUT_CHECKS = pytest.mark.parametrize("check", [_check, _plain_openers], ids=["cues", "openers"])


@SHORTCUT_CHECKS
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from(JOINERS))
def test_shortcuts_on_generated_copy(check, words: list[str], joiner: str) -> None:
    check(joiner.join(words))


@SHORTCUT_CHECKS
def test_shortcuts_on_mixed_spacing(check) -> None:
    rng = random.Random(7)
    for _ in range(300):
        check(_text(rng, rng.randint(1, 50)))


def test_from_and_between_open_only_a_range() -> None:
    text = "Sales rose from 1.27 billion dlrs, from 5 pct to 6 pct, between 50 mln and 75 mln; from 3 -- 4."
    lowered = text.lower()

    def opens(figure: str, nth: int = 0) -> bool:
        core_start = [m.start() for m in re.finditer(re.escape(figure), text)][nth]
        words = lowered[:core_start].split()[-5:]
        return words.index("from" if "from" in words else "between") in number._openers(
            words, lowered, core_start, text)

    assert not opens("1.27") and opens("5 pct") and opens("50 mln") and not opens("3 --")
    assert number._range_may_open("12 and 14", 0) and not number._range_may_open("12 pct, and 14", 0)


def test_a_dash_goes_on_only_before_a_number_or_a_word() -> None:
    """"4.65 --" in a table is a bare number; "5-7", "5 - seven", "40-odd" may be more."""
    for text, more in [("4.65 --", False), ("4.65 -", False), ("5-7", True), ("5 - seven", True),
                       ("40-odd", True), ("5 - $6", True), ("5+", True)]:
        bare = number._BARE_NUMBER.match(text)
        assert (bare.lastindex is not None) is more, text
        if not more:
            full = number.SCAN.match(text)
            assert full.lastgroup == "num" and full.span() == bare.span()


def test_two_words_that_open_nothing_are_pruned() -> None:
    assert not number._may_open("a", "proposed", True)
    assert not number._may_open("from", "last", True)
    assert number._may_open("a", "few", True) and number._may_open("from", "12", True)
    assert number._may_open("a", "$5", False)  # "A$5": Australian dollars, the lead joined to the figure
    assert not number._may_open("a", "$5", True)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789,. ab_\n", max_size=60), st.integers(min_value=1, max_value=8))
def test_ascii_digit_starts_are_the_regex_starts(text: str, piece: int) -> None:
    """In small pieces (a run may cross a piece's end), the starts of
    ``_CORE`` at digits are found without it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(number, "_RUN_PIECE", piece)
        starts = number._ascii_digit_starts(text)
    assert starts == [m.start() for m in number._CORE.finditer(text) if m.group()[0].isdigit()]


def test_core_starts_on_ascii_and_wider_text_agree() -> None:
    """The same figures, once in ASCII text and once with a wide character in it, start at the same places."""
    text = "Paid $5 and $ 7, US$12,000.50 then 3$4 and 1,000, 2.5, 12a, 7-8; a year, twenty-five, $x, 9"
    wide = text + " \u20ac"
    assert number._core_starts(wide.lower())[: len(number._core_starts(text.lower()))] == number._core_starts(
        text.lower())
    assert len(number._core_starts(text.lower())) >= 12


def test_number_words_open_no_other_quantity() -> None:
    """``_plain_number_words`` rests on this: no approximator starts with a number word."""
    assert not {phrase.split()[0] for phrase in number._BEFORE_KIND} & number._NUMBER_WORDS


@pytest.mark.parametrize("text", ["five - six were", "five-six were", "Seventeen to 20", "ninety or so",
                                  "two hundred and fifty", "one mln shares", "tens of units", "ten-odd units"])
def test_number_words_agree_with_the_full_pattern(text: str) -> None:
    """Where the shortcut calls a number in words bare, ``SCAN`` finds that bare number."""
    lowered = text.lower()
    bare = number._BARE_NUMBER.match(text, 0)
    if bare is not None and bare.group("more") is None and number._plain_number_words(lowered, 0, bare.end()):
        full = number.SCAN.match(text, 0)
        assert full is not None and full.lastgroup == "num" and full.span() == bare.span()


def _same_quantities(text: str) -> None:
    """``scan(exact=False)`` keeps every quantity of the full scan that is not an eventless exact figure, each
    the same, and nothing the full scan does not have."""
    from factrules.document import Document

    def shown(quantities):
        return {(q.start, q.end, q.kind, q.low, q.high, q.unit, q.noun, q.event) for q in quantities}

    full = shown(number.scan(Document(path="full", text=text)))
    partial = shown(number.scan(Document(path="partial", text=text), exact=False))
    assert partial <= full, text
    assert {q for q in full if q[2] != "exact" or q[7] is not None} <= partial, text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from([" ", "  ", "\n", " . "]))
def test_eventless_scan_on_generated_copy(words: list[str], joiner: str) -> None:
    _same_quantities(joiner.join(words))


def test_eventless_scan_on_sentences_with_events() -> None:
    rng = random.Random(3)
    events = ["killed", "were killed", "died", "injured", "bodies", "dead", "missing", "arrested", "fled"]
    for _ in range(200):
        words = [rng.choice(WORDS + events) for _ in range(rng.randint(5, 60))]
        _same_quantities(" ".join(words) + ".")


def test_scan_groups_are_in_the_order_interval_reads_them() -> None:
    assert tuple(sorted(number.SCAN.groupindex, key=number.SCAN.groupindex.__getitem__)) == number._SCAN_GROUPS
    assert number._BARE_NUMBER.groups == 1  # ``more``: ``lastindex`` says whether it matched


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["killing", "bodyguard", "toll-free", "sevens", "madeira"]), max_size=40),
       st.sampled_from(JOINERS))
def test_words_and_cues_in_one_pass(words: list[str], joiner: str) -> None:
    """One pass of the joint automaton finds the core words and the event cues the two passes find."""
    lowered = joiner.join(words).lower()
    word_starts, cues = number._word_and_cue_starts(lowered)
    assert word_starts == number._word_starts(lowered)
    assert list(cues) == list(number._event_cue_starts(lowered))


#: what separates the words of the ``re``-twin tests: spaces of every kind ``\s`` knows, and none
ASCII_JOINERS = [" ", "  ", "\n", "\t", "\x0b", "\x1c", "", "-", ", "]


def _joined(words: list[str], joiners: list[str]) -> str:
    """``words`` joined by ``joiners`` in turn (one after each word, the last included)."""
    return "".join(word + joiners[index % len(joiners)] for index, word in enumerate(words))


ASCII_WORDS = [word for word in WORDS if word.isascii() and "$" not in word] + [
    "TWO", "Hundred", "MLN", "Dlrs", "PCT", "To", "OR", "So", "Odd", "PLUS", "5m", "euros", "3M", "7p", "p.",
    "1.5.2", "10:30", "#3", "@4", "+5", "x_9", "1,0005", "12.34.56", "thousand", "and", "fifty", "seventy-two",
    "half", "a", "dozen", "bn", "tn", "k", "rupees", "-", "/", ":", "--", "+", "5%", "percent", "cts", "stg",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ASCII_WORDS), max_size=30),
       st.lists(st.sampled_from(ASCII_JOINERS), min_size=1, max_size=4))
def test_ascii_bare_number_is_the_bare_number(words: list[str], joiners: list[str]) -> None:
    """On ASCII text with no "$", the ``re`` twin over the lower-cased text matches where ``_BARE_NUMBER``
    matches over the text, with the same span and the same ``more``, at every letter and digit."""
    text = _joined(words, joiners)
    lowered = text.lower()
    for position, char in enumerate(text):
        if not char.isalnum():
            continue
        fast = number._ASCII_BARE_NUMBER.match(lowered, position)
        slow = number._BARE_NUMBER.match(text, position)
        assert (fast is None) == (slow is None), (text, position)
        if fast is not None:
            assert (fast.span(), fast.lastindex) == (slow.span(), slow.lastindex), (text, position)


def test_ascii_number_is_number() -> None:
    """``ASCII_NUMBER`` is ``NUMBER`` on ASCII text with no currency sign, written figures."""
    import regex

    from factrules.numbers_text import ASCII_NUMBER, NUMBER

    plain, ascii_ = regex.compile(NUMBER, regex.IGNORECASE), re.compile(ASCII_NUMBER)
    for text in ["12.3 mln dlrs", "1,000", "Twenty-Five people", "two hundred and fifty", "half a million",
                 "5m euros", "80p", "4th", "a dozen", "12 billion mln x", "3 Thousand", "7p.", "9 bn-x"]:
        slow, fast = plain.match(text), ascii_.match(text.lower())
        assert (slow and slow.span()) == (fast and fast.span()), text


SCAN_WORDS = ASCII_WORDS + [
    "about", "nearly", "more", "than", "at", "least", "most", "up", "to", "between", "from", "in", "the", "range",
    "of", "an", "estimated", "unknown", "number", "a", "large", "few", "couple", "handful", "tens", "hundreds",
    "thousands", "dozens", "several", "numerous", "multi-million", "third", "half", "quarter", "two-thirds",
    "year", "month", "or", "so", "thereabouts", "fewer", "less", "odd", "plus", "As", "Many", "ABOUT", "Some",
    "pct", "Pct", "dlrs", "%", "cents", "approx.", "well", "over", "no", "not", "under", "below", "ranging",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SCAN_WORDS), max_size=25),
       st.lists(st.sampled_from(ASCII_JOINERS), min_size=1, max_size=4))
def test_ascii_scan_is_scan(words: list[str], joiners: list[str]) -> None:
    """On ASCII text with no "$", ``_ASCII_SCAN`` matches where ``SCAN`` matches, with the same groups, at
    every letter and digit."""
    text = _joined(words, joiners)
    for position, char in enumerate(text):
        if not char.isalnum():
            continue
        fast = number._ASCII_SCAN.match(text, position)
        slow = number.SCAN.match(text, position)
        assert (fast is None) == (slow is None), (text, position)
        if fast is not None:
            assert (fast.span(), fast.lastgroup, fast.groups()) == (slow.span(), slow.lastgroup, slow.groups()), (
                text, position)


def test_ascii_dialect_refuses_what_it_cannot_write() -> None:
    assert number._ascii_dialect(r"[\s\p{L}]\s\p{N}") == r"[\t\n\v\f\r a-zA-Z][\t\n\v\f\r ][0-9]"
    with pytest.raises(ValueError):
        number._ascii_dialect(r"\p{Lu}")


BEFORE_WORDS = ["No.", "no", "NOS", "Flight", "flight", "season", "Seasonal", "March", "march", "Sept.", "Sepember",
                "May", "MAY", "Dec", "in", "the", "said", "5", "a-b", "x_y", "ſection", "\u212aing", "İtem", "rate",
                "Jan.", "jan", "Route", "route.", ".", "..", "(", "-"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(BEFORE_WORDS), max_size=6), st.sampled_from(JOINERS), st.sampled_from(JOINERS))
def test_tail_word_admits_every_id_and_date_before(words: list[str], joiner: str, trailing: str) -> None:
    """Where ``_ID_BEFORE`` or ``_DATE_BEFORE`` matches, ``_tail_word`` lets ``_count_context`` ask it."""
    before = joiner.join(words) + trailing
    word = number._tail_word(before)
    if number._DATE_BEFORE.search(before):
        assert word is None or word in number._MONTH_WORDS, before
    if number._ID_BEFORE.search(before):
        assert word is None or word.lower() in number._ID_WORDS, before


def test_tail_word_skips_ordinary_words() -> None:
    assert number._tail_word("profit rose ") == "rose"
    assert number._tail_word("Flight  ") == "Flight" and number._tail_word("in Sept. ") == "Sept"
    assert number._tail_word("up (") == "" and number._tail_word("ſection ") is None
    for before in ("on March ", "Flight ", "seat no. ", "in Sepember "):
        word = number._tail_word(before)
        assert word in number._MONTH_WORDS or word.lower() in number._ID_WORDS


def test_word_split_is_regex_non_space_runs() -> None:
    """``_WORD_SPLIT`` (``re``) finds the runs ``regex``'s ``\\S+`` finds, with every kind of space between words
    (the four that only Python counts as spaces included)."""
    plain = regex.compile(r"\S+")
    spaces = [chr(code) for code in range(0x3001) if chr(code).isspace() or plain.fullmatch(chr(code)) is None]
    rng = random.Random(11)
    for _ in range(300):
        text = "".join(rng.choice(WORDS) + rng.choice(spaces) * rng.randint(0, 2) for _ in range(rng.randint(1, 30)))
        start, end = sorted(rng.randint(0, len(text)) for _ in range(2))
        assert ([m.span() for m in number._WORD_SPLIT.finditer(text, start, end)]
                == [m.span() for m in plain.finditer(text, start, end)]), text


def test_phone_shape_is_in_every_phone_number() -> None:
    """Where ``_PHONE`` finds a number in ASCII text, ``_PHONE_SHAPE`` finds something too (``_count_context``
    asks ``_PHONE`` only then)."""
    rng = random.Random(3)
    pieces = ["1", "23", "456", "7890", "12345", "+", "+44", "(", ")", " ", ".", "-", "\t", "\n", "\x1c", "a", ","]
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        if number._PHONE.search(text):
            found += 1
            assert number._PHONE_SHAPE.search(text), text
    assert found > 300
    assert number._PHONE_SHAPE.search("call 020 7946 0000") and not number._PHONE_SHAPE.search("12.5 mln dlrs, 1,200")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.lists(st.sampled_from(JOINERS), min_size=1, max_size=12))
def test_range_may_open_on_ascii_is_the_regex_answer(words: list[str], joiners: list[str]) -> None:
    """``_range_may_open`` over lower-cased ASCII text with no "$" (the ``re`` twins) answers as over the text."""
    text = _joined(words, joiners)
    lowered = text.lower()
    if not (lowered.isascii() and "$" not in lowered and len(lowered) == len(text)):
        return
    for index, char in enumerate(text):
        if char.isdigit():
            assert number._range_may_open(text, index, lowered) == number._range_may_open(text, index), (text, index)


def test_range_may_open_on_ascii_examples() -> None:
    for text, opens in [("12 and 14", True), ("5 PCT TO 6 PCT", True), ("1.27 billion dlrs the", False),
                        ("12 pct, and 14", False), ("3\tto\x0b4", True), ("3\x1cto 4", False)]:
        assert number._range_may_open(text, 0, text.lower()) is opens is number._range_may_open(text, 0), text
