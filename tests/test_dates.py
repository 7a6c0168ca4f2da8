"""The ``date`` matcher and the ``dates`` pack: what is flagged, what it resolves to, what it says.

Sentences are written for these tests (none comes from the shared seed).
Each finding is also validated against the finding schema here, on top of
the suite-wide audit in ``conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from factrules import dates_resolve as cal
from factrules.api import check_text
from factrules.document import Document
from factrules.findings import validator
from factrules.matchers.date import CANDIDATES, DateMatcher, _run_start, candidates, lowered
from factrules.packs import PackError, load_pack
from factrules.plugins import registry

ROOT = Path(__file__).resolve().parent.parent
FRIDAY = "2018-02-16"  # a Friday: the week is Mon 12 - Sun 18 Feb 2018


def dates(text: str, date: str | dt.date | None = FRIDAY) -> list:
    """The dates pack's findings on ``text``, each checked against the finding schema."""
    findings = [f for f in check_text(text, date, select=["dates"])]
    for finding in findings:
        errors = list(validator("finding").iter_errors(finding.to_dict()))
        assert not errors, errors
        assert finding.category == "date"
    return findings


def resolved(text: str, date: str | dt.date | None = FRIDAY) -> list[tuple[str, str | None, str | None]]:
    return [(f.text, f.data["resolved_start"], f.data["resolved_end"]) for f in dates(text, date)]


def one(text: str, date: str | dt.date | None = FRIDAY) -> tuple[str | None, str | None]:
    found = resolved(text, date)
    assert len(found) == 1, found
    return found[0][1], found[0][2]


# -- each family is found and resolved ---------------------------------------------
@pytest.mark.parametrize(
    ("text", "span", "start", "end"),
    [
        # relative days
        ("The minister resigned yesterday.", "yesterday", "2018-02-15", "2018-02-15"),
        ("The result is due today.", "today", "2018-02-16", "2018-02-16"),
        ("He will speak tonight.", "tonight", "2018-02-16", "2018-02-16"),
        ("The court rules tomorrow.", "tomorrow", "2018-02-17", "2018-02-17"),
        ("Police raided the flat this morning.", "this morning", "2018-02-16", "2018-02-16"),
        ("Two men were arrested last night.", "last night", "2018-02-15", "2018-02-15"),
        ("Rebels shelled the city overnight.", "overnight", "2018-02-15", "2018-02-16"),
        ("The bridge reopened the day before yesterday.", "the day before yesterday", "2018-02-14", "2018-02-14"),
        # weekdays
        ("Talks broke down last Thursday.", "last Thursday", "2018-02-15", "2018-02-15"),
        ("The council will vote next Tuesday.", "next Tuesday", "2018-02-20", "2018-02-20"),
        ("The meeting took place on Thursday of last week.", "on Thursday of last week", "2018-02-08", "2018-02-08"),
        ("The strike began Saturday night.", "Saturday night", "2018-02-10", "2018-02-10"),
        # periods: weeks are Monday-Sunday
        ("The army said last week it had pulled back.", "last week", "2018-02-05", "2018-02-11"),
        ("Reporters learned earlier this week that the deal was off.", "earlier this week", "2018-02-12",
         "2018-02-15"),
        ("Prices have risen this week.", "this week", "2018-02-12", "2018-02-18"),
        ("The plant closed this month.", "this month", "2018-02-01", "2018-02-28"),
        ("The plant closed last month.", "last month", "2018-01-01", "2018-01-31"),
        ("The plant will reopen next month.", "next month", "2018-03-01", "2018-03-31"),
        ("Sales fell last year.", "last year", "2017-01-01", "2017-12-31"),
        ("Sales will recover next year.", "next year", "2019-01-01", "2019-12-31"),
        ("The firm was sold late last year.", "late last year", "2017-09-01", "2017-12-31"),
        ("Exports grew earlier this year.", "earlier this year", "2018-01-01", "2018-02-15"),
        ("Protesters gathered over the weekend.", "over the weekend", "2018-02-10", "2018-02-11"),
        ("Protesters plan to gather this weekend.", "this weekend", "2018-02-17", "2018-02-18"),
        ("The deal was signed at the end of last month.", "the end of last month", "2018-01-21", "2018-01-31"),
        ("The talks stalled earlier in the week.", "earlier in the week", "2018-02-12", "2018-02-15"),
        ("Prices rose last May.", "last May", "2017-05-01", "2017-05-31"),
        ("The ruling came down last autumn.", "last autumn", "2017-09-01", "2017-11-30"),
        # counted offsets (dateparser reads the count and unit)
        ("The convoy was attacked two days ago.", "two days ago", "2018-02-14", "2018-02-14"),
        ("The plant closed 3 weeks ago.", "3 weeks ago", "2018-01-26", "2018-01-26"),
        ("The ship sank a week ago.", "a week ago", "2018-02-09", "2018-02-09"),
        ("The talks collapsed a fortnight ago.", "a fortnight ago", "2018-02-02", "2018-02-02"),
        ("The mine closed twenty-five years ago.", "twenty-five years ago", "1993-01-01", "1993-12-31"),
        ("The rules changed two months ago.", "two months ago", "2017-12-01", "2017-12-31"),
        ("The verdict is expected in two weeks.", "in two weeks", "2018-03-02", "2018-03-02"),
        ("Forty people died over the past two weeks.", "over the past two weeks", "2018-02-02", "2018-02-16"),
    ],
)
def test_expression_families_resolve(text: str, span: str, start: str, end: str) -> None:
    assert resolved(text) == [(span, start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "The company recently changed its policy.",
        "Fighting has intensified in recent days.",
        "Fighting has intensified in recent weeks.",
        "More troops will arrive in the coming weeks.",
        "A few days ago, the army moved in.",
        "Only days ago, the army moved in.",
        "I saw him the other day.",
        "The rules changed not long ago.",
    ],
)
def test_vague_references_are_flagged_unresolved(text: str) -> None:
    findings = dates(text)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.rule == "dates.vague"
    assert finding.data["vague"] is True
    assert finding.data["resolved_start"] is None and finding.data["resolved_end"] is None
    assert finding.message == f"'{finding.text}' is vague: give the date."


# -- weekdays: tense, week boundary, month boundary ----------------------------------
@pytest.mark.parametrize(
    ("text", "date", "expected", "tense"),
    [
        # article on Tuesday 2018-02-13: Sunday and Wednesday lie in the previous week (past tense) ...
        ("The rebels attacked the base on Sunday.", "2018-02-13", "2018-02-11", "past"),
        ("A monitor said on Wednesday that the toll had risen.", "2018-02-13", "2018-02-07", "past"),
        # ... and Monday in the next week (future tense)
        ("The ministers will meet on Monday.", "2018-02-13", "2018-02-19", "future"),
        ("The vote is due to take place on Sunday.", "2018-02-13", "2018-02-18", "future"),
        # month boundary: article on Thursday 2018-03-01, past tense goes back into February ...
        ("Police arrested the suspect on Monday.", "2018-03-01", "2018-02-26", "past"),
        ("The court adjourned the case on Wednesday.", "2018-03-01", "2018-02-28", "past"),
        # ... and on Tuesday 2018-02-27, future tense goes forward into March
        ("The company plans to announce its results on Friday.", "2018-02-27", "2018-03-02", "future"),
        ("The minister will resign on Thursday.", "2018-02-27", "2018-03-01", "future"),
        # year boundary: article on Tuesday 2018-01-02
        ("The blaze started on Friday.", "2018-01-02", "2017-12-29", "past"),
        # the article's own weekday: a week before (past) or after (future), never the day itself
        ("The mayor resigned on Friday.", FRIDAY, "2018-02-09", "past"),
        ("The mayor will resign on Friday.", FRIDAY, "2018-02-23", "future"),
    ],
)
def test_bare_weekday_follows_the_tense(text: str, date: str, expected: str, tense: str) -> None:
    findings = dates(text, date)
    assert len(findings) == 1, [f.text for f in findings]
    assert findings[0].data["resolved_start"] == findings[0].data["resolved_end"] == expected
    assert findings[0].data["tense"] == tense


def test_two_weekdays_in_one_sentence_take_the_nearest_tense() -> None:
    found = resolved("The talks, which began on Monday, will end on Friday.", "2018-02-14")
    assert found == [("on Monday", "2018-02-12", "2018-02-12"), ("on Friday", "2018-02-16", "2018-02-16")]


def test_same_weekday_option_can_mean_the_day_itself() -> None:
    rule = {"id": "w", "kind": "date", "options": {"families": ["weekday"], "same_weekday": "today"}}
    matcher = DateMatcher(rule)
    document = Document(path="-", text="The mayor resigned on Friday.", metadata={"date": dt.date(2018, 2, 16)})
    matches = list(matcher.find(document))
    assert [(m.data["resolved_start"], m.data["tense"]) for m in matches] == [("2018-02-16", "past")]


def test_last_week_across_a_year_boundary() -> None:
    assert one("The pipeline burst last week.", "2018-01-02") == ("2017-12-25", "2017-12-31")


# -- without the article's date: flagged, unresolved, message asks for the date ------
def test_unresolved_without_a_date() -> None:
    findings = dates("The army said last week it had pulled back on Sunday.", None)
    assert [f.text for f in findings] == ["last week", "on Sunday"]
    for finding in findings:
        assert finding.data["resolved_start"] is None and finding.data["resolved_end"] is None
        assert "when" not in finding.data
        assert finding.message == (
            f"'{finding.text}' is relative to the publication date, which is not known: give the date "
            "(or pass --date to resolve it)."
        )


# -- messages ---------------------------------------------------------------------
def test_message_says_the_interval() -> None:
    findings = dates("The army said last week it had pulled back.")
    assert findings[0].message == "'last week' — 5–11 Feb 2018: give the date."
    assert findings[0].data["when"] == "5–11 Feb 2018"


def test_message_names_the_day() -> None:
    findings = dates("The Pentagon said it destroyed a tank on Sunday.")
    assert findings[0].message == "'on Sunday' — Sun 11 Feb 2018: give the date."


def test_approximate_offset_says_about() -> None:
    findings = dates("The ship sank about two weeks ago.")
    assert findings[0].data["approximate"] is True
    assert findings[0].message == "'about two weeks ago' — about Fri 2 Feb 2018: give the date."


# -- not dates ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        # absolute dates
        "The ceasefire took effect on Feb. 7, 2018.",
        "The ceasefire took effect on 7 February.",
        "The company was founded in 2017.",
        "The company was sold on March 3.",
        "The ceasefire began on Sunday, Feb. 11.",
        "The ceasefire began on Sunday 11 February.",
        # durations
        "He was held for three weeks.",
        "A 30-day ceasefire was agreed.",
        "The army imposed an overnight curfew.",
        "She was sentenced to two years in prison.",
        "The trial lasted a week.",
        # times of day alone
        "The meeting is at 3 p.m.",
        "The blast happened at dawn.",
        # spans that are not dates
        "It was the second attack on the base in a week.",
        "It was the first time in two years that the index fell.",
        "The index fell in two years of turmoil.",
        # names and habits
        "The story ran in the Sunday Times.",
        "Sunday Times journalists declined to comment.",
        "Shops close early on Good Friday.",
        "Super Tuesday results came in.",
        "The market opens every Monday.",
        "She taught Sunday school for years.",
        "Saturday Night Live mocked the senator.",
        "The shop is closed on Sundays.",
        "The article appeared in USA Today.",
        # "last" meaning final, "may" the verb
        "The last week of January was the coldest.",
        "In the last week of January, snow fell.",
        "He spent his last year in office abroad.",
        "It was the company's last year as a public firm.",
        "This may be the end of the talks.",
        "The next year was difficult.",
        # seasons that are kinds of things or carry a year
        "The winter wheat crop was damaged.",
        "In the summer of 1999 the dam burst.",
        "She spoke at the party's spring conference.",
        # "soon" and "within" counted from another event, "of late" meaning dead
        "He will leave as soon as the vote ends.",
        "Soon after the vote, the talks collapsed.",
        "Police arrived within two hours of the attack.",
        "The son of late poet John Smith spoke.",
        # newspaper titles
        "The claim appeared in the Mail on Sunday.",
        "The Independent on Sunday ran the story.",
        "The last quarter of the match was dull.",
        "The jet could fly to Tokyo in two hours.",  # a duration, though the sentence looks ahead
        "Output rose 0.6 pct from the previous three months.",  # counted from the period reported
    ],
)
def test_not_a_relative_date(text: str) -> None:
    assert dates(text) == []


# -- the pack, the CLI and the options schema ---------------------------------------
def test_pack_examples_pass(cli) -> None:
    result = cli("rules", "test", ROOT / "rules" / "dates.yaml")
    assert result.code == 0, result.out
    assert "0 failed" in result.out


def test_cli_with_date(cli) -> None:
    result = cli("check", "-", "--format", "json", "--date", "2018-02-16", "--select", "dates", "--fail-on", "never",
                 stdin="The army said last week it had pulled back.\n")
    findings = result.json["findings"]
    assert [(f["rule"], f["data"]["resolved_start"], f["data"]["resolved_end"]) for f in findings] == [
        ("dates.relative-period", "2018-02-05", "2018-02-11")
    ]


def test_front_matter_date_resolves() -> None:
    text = "---\ntitle: Draft\ndate: 2018-02-16\n---\n\nThe army said last week it had pulled back.\n"
    findings = check_text(text, format="markdown", select=["dates"])
    assert [(f.text, f.data["resolved_start"], f.data["resolved_end"]) for f in findings] == [
        ("last week", "2018-02-05", "2018-02-11")
    ]
    assert findings[0].range["start"] == {"line": 6, "column": 15}


def test_unknown_family_is_a_clear_pack_error(tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text(
        "pack: bad\ndefaults: {category: date}\nrules:\n"
        "  - id: d\n    kind: date\n    options: {families: [fortnightly]}\n"
        "    examples: {match: ['yesterday']}\n",
        encoding="utf-8",
    )
    with pytest.raises(PackError) as error:
        load_pack(pack, registry(()).matchers)
    assert str(error.value).startswith(f"{pack}:6: rule 'd': options:")  # the line of the option at fault


def test_rules_share_one_scan_and_keep_their_families() -> None:
    text = "Yesterday the army said last week it had pulled back, two days ago."
    rules = {f.text: f.rule for f in dates(text)}
    assert rules == {"Yesterday": "dates.relative-day", "last week": "dates.relative-period",
                     "two days ago": "dates.offset"}


def test_prefilter_finds_candidates() -> None:
    found = [m.group() for m in candidates(lowered("On Sunday, last week, two days ago and recently"))]
    assert found == ["on sunday", "last week", "two days ago", "recently"]


def test_keyed_prefilter_finds_what_a_full_scan_finds() -> None:
    """The ``str.find`` keys and windows must not lose or change a candidate of the full regex."""
    pieces = [
        "yesterday", "today", "tonight", "tomorrow morning", "this evening", "last night", "the day after tomorrow",
        "on Sunday", "last Thursday", "next Tuesday", "Friday night", "on Monday of next week", "this past Saturday",
        "last week", "earlier this week", "late last year", "the end of last month", "this coming weekend",
        "last March", "next autumn", "earlier in the month", "over the weekend", "two days ago", "3 weeks ago",
        "a fortnight ago", "some twenty-five years ago", "a couple of months from now", "in two weeks' time",
        "in the past 24 hours", "over the next few days", "within the previous decade", "recently", "lately",
        "of late", "in recent times", "the other day", "not so long ago", "a short while ago", "in the near future",
        "in the coming weeks", "days ago", "last weekend", "in a year", "shelled overnight.", "for three weeks",
        "Feb. 7, 2018",
    ]
    filler = ["the army said", "in the city", "as many as 100", "according to officials", "of the", "and"]
    rng = random.Random(3)
    text = " ".join(rng.choice(pieces) if rng.random() < 0.4 else rng.choice(filler) for _ in range(4000))
    low = lowered(text)
    assert [m.span() for m in candidates(low)] == [m.span() for m in CANDIDATES.finditer(low)]


def test_candidate_reaching_back_over_several_words_is_found_whole() -> None:
    """The scan starts at the first word of the run of candidate words before a key, so a long candidate
    ("about twenty-five years ago") is found from its start, and a stop ("officials," / "army") ends the run."""
    text = ("Officials, about twenty-five years ago, met; mid-last year the army some 25 years ago said "
            "that in the past two and a half years, troops, within roughly three or four weeks, left.")
    low = lowered(text)
    found = [m.group() for m in candidates(low)]
    assert found == [m.group() for m in CANDIDATES.finditer(low)]
    assert found == ["about twenty-five years ago", "mid-last year", "some 25 years ago",
                     "in the past two and a half years", "within roughly three or four weeks"]
    key = low.index("years ago")
    assert _run_start(low, key, 0) == low.index("about")  # "officials," is not a candidate word
    assert _run_start(low, low.index("last year"), 0) == low.index("mid-last")


def _run_start_by_characters(low: str, at: int, floor: int) -> int:
    """The definition of ``_run_start``: the run of candidate words read back a character at a time."""
    from factrules.matchers.date import _CANDIDATE_WORDS

    start = at
    while start > floor:
        cut = start
        while cut > floor and (low[cut - 1].isspace() or low[cut - 1] == "-"):
            cut -= 1
        if cut == start or cut == floor:
            return start if cut == start else floor
        word_start = cut
        while word_start > floor and low[word_start - 1].isalnum():
            word_start -= 1
        if word_start == floor:
            return floor
        word = low[word_start:cut]
        if word not in _CANDIDATE_WORDS and not word.isdigit():
            return start
        start = word_start
    return floor


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["last", "week", "some", "25", "twenty-five", "years", "ago", "in", "the", "past",
                                 "army", "officials,", "(about", "mid-", "-", "\u00a0", "\n", "  ", "²", "x_y",
                                 "about", "a", "few", "days", "é", "."]),
                min_size=1, max_size=14),
       st.lists(st.sampled_from([" ", "", "-", "  ", "\t"]), min_size=14, max_size=14))
def test_run_start_reads_back_as_the_character_loop_did(words: list[str], joiners: list[str]) -> None:
    """``_run_start`` (a word at a time, on the reversed stretch) gives what the character loop gives, at every
    key offset and every floor before it."""
    low = "".join(word + joiner for word, joiner in zip(words, joiners, strict=False))
    for at in range(len(low) + 1):
        for floor in range(at + 1):
            assert _run_start(low, at, floor) == _run_start_by_characters(low, at, floor), (low, at, floor)


def test_the_last_group_of_a_candidate_names_its_alternative() -> None:
    """``interpret`` reads which alternative matched from ``lastgroup``: it must be the one top-level group set."""
    alternatives = {"span", "ago", "bare_ago", "in", "vague", "day", "period", "season", "prevweek", "inthe",
                    "weekend", "weekday"}
    text = ("In the past two weeks, troops came three days ago and left days ago; they leave in a month or two. "
            "Recently, yesterday morning, late last year, by the summer, the previous week, later in the year, "
            "over the weekend and on Friday night of last week.")
    seen = set()
    for hit in CANDIDATES.finditer(lowered(text)):
        matched = [name for name in alternatives if hit.group(name)]
        assert matched == [hit.lastgroup]
        seen.add(hit.lastgroup)
    assert seen == alternatives


# -- calendar helpers ----------------------------------------------------------------
def test_dateparser_offsets_are_cached_per_phrase() -> None:
    cal.parsed_offset.cache_clear()
    first = one("The convoy was attacked two days ago.", "2018-02-16")
    second = one("The convoy was attacked two days ago.", "2019-07-01")
    assert first == ("2018-02-14", "2018-02-14") and second == ("2019-06-29", "2019-06-29")
    info = cal.parsed_offset.cache_info()
    assert info.misses == 1 and info.hits >= 1


@pytest.mark.parametrize(
    ("unit", "part", "start", "end"),
    [
        ("year", "early", "2017-01-01", "2017-04-30"),
        ("year", "mid", "2017-05-01", "2017-08-31"),
        ("year", "late", "2017-09-01", "2017-12-31"),
        ("month", "early", "2018-01-01", "2018-01-10"),
        ("month", "late", "2018-01-21", "2018-01-31"),
        ("week", "early", "2018-02-05", "2018-02-07"),
        ("week", "late", "2018-02-08", "2018-02-11"),
    ],
)
def test_early_mid_late(unit: str, part: str, start: str, end: str) -> None:
    day = dt.date(2018, 2, 16)
    interval = cal.narrow(cal.period(day, "last", unit), unit, part, day)
    assert (interval[0].isoformat(), interval[1].isoformat()) == (start, end)


def test_seasons_and_named_months() -> None:
    day = dt.date(2018, 2, 16)
    assert cal.season(day, "this", "winter") == (dt.date(2017, 12, 1), dt.date(2018, 2, 28))
    assert cal.season(day, "last", "winter") == (dt.date(2016, 12, 1), dt.date(2017, 2, 28))
    assert cal.season(day, "next", "summer") == (dt.date(2018, 6, 1), dt.date(2018, 8, 31))
    assert cal.named_month(day, "last", 1) == (dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    assert cal.named_month(day, "last", 2) == (dt.date(2017, 2, 1), dt.date(2017, 2, 28))
    assert cal.named_month(day, "next", 2) == (dt.date(2019, 2, 1), dt.date(2019, 2, 28))


def test_weekend_by_tense() -> None:
    sunday = dt.date(2018, 2, 18)
    assert cal.weekend(sunday, "past") == (dt.date(2018, 2, 17), sunday)
    assert cal.weekend(dt.date(2018, 2, 16), "future") == (dt.date(2018, 2, 17), sunday)
    assert cal.weekend(dt.date(2018, 2, 17), "future", "next") == (dt.date(2018, 2, 24), dt.date(2018, 2, 25))


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        ((2018, 2, 11), (2018, 2, 11), "Sun 11 Feb 2018"),
        ((2018, 2, 5), (2018, 2, 11), "5–11 Feb 2018"),
        ((2018, 2, 26), (2018, 3, 4), "26 Feb–4 Mar 2018"),
        ((2017, 12, 25), (2018, 1, 1), "25 Dec 2017–1 Jan 2018"),
    ],
)
def test_format_interval(start: tuple[int, int, int], end: tuple[int, int, int], text: str) -> None:
    assert cal.format_interval(dt.date(*start), dt.date(*end)) == text


# -- the past-tense markers: read word by word, as the regex defined them --------------------------------
ORIGINAL_PAST = regex.compile(
    r"(?<!\b(?:be|been|being|get|gets)\s+)\b(?:said|told|was|were|had|did|ago|began|came|went|took|made|met|held"
    r"|left|fell|saw|gave|got|won|lost|hit|struck|fought|shot|sent|spoke|wrote|ran|broke|(?!(?:need|seed|speed|feed"
    r"|bleed|breed|indeed|hundred|sacred|naked|wicked|kindred|planned|scheduled|expected)\b)[a-z]{2,}ed)\b"
)
PAST_PIECES = ["said", "Said", "was", "be", "been", "get", "gets", "being", "killed", "Killed", "needed", "need",
               "seed", "ed", "red", "bed", "reed", "re-elected", "planned", "killed2", "kill_ed", "naïved", "é",
               "e\u0301d", "tested\u0301", " ", "  ", "\n", "\t", "\x1c", ".", ",", "'", "-", "2", "ſaid", "SAID"]


@given(st.lists(st.sampled_from(PAST_PIECES) | st.text(max_size=2), max_size=25).map("".join),
       st.integers(0, 60), st.integers(0, 60))
@settings(max_examples=500, deadline=None)
def test_past_markers_are_what_the_regex_finds(text: str, start: int, length: int) -> None:
    from factrules.matchers.date import _past_markers

    start = min(start, len(text))
    end = min(len(text), start + length)
    expected = [m.span() for m in ORIGINAL_PAST.finditer(text, start, end)]
    assert list(_past_markers(text, start, end)) == expected


def test_past_markers_on_news_copy() -> None:
    from factrules.matchers.date import _past_markers

    text = ("The army said on Sunday it had pulled back; the strikes will be held and were expected, "
            "officials reported. Talks resumed after they got delayed, and the bill was being debated. "
            "Needed repairs were planned; 300 people were killed and hundreds fled, a spokesman added.")
    assert list(_past_markers(text, 0, len(text))) == [m.span() for m in ORIGINAL_PAST.finditer(text)]
    assert len(list(_past_markers(text, 0, len(text)))) >= 8


# -- spans counted from publication, seasons, quarters (real copy) ----------------------------
@pytest.mark.parametrize(
    ("text", "span", "start", "end"),
    [
        ("Talks have dragged on for the past three weeks.", "for the past three weeks", "2018-01-26", "2018-02-16"),
        ("The firm has spent the past four months on the plan.", "the past four months", "2017-10-16", "2018-02-16"),
        ("Prices should climb over the next four to six quarters.", "over the next four to six quarters",
         "2018-02-16", "2019-08-16"),
        ("The plant should be profitable within two years.", "within two years", "2018-02-16", "2020-12-31"),
        ("The deal is due to close within 30 days.", "within 30 days", "2018-02-16", "2018-03-18"),
        ("Growth could return within three to five years.", "within three to five years", "2018-02-16",
         "2023-12-31"),
        ("The market will double in five years, the company said.", "in five years", "2023-01-01", "2023-12-31"),
        ("The phones will go on sale by the summer, the firm said.", "by the summer", "2018-06-01", "2018-08-31"),
        ("The vote is expected in the spring.", "in the spring", "2018-03-01", "2018-05-31"),
        ("The mill was shut in the autumn, after the strike.", "in the autumn", "2017-09-01", "2017-11-30"),
        ("Banks will not collect interest this quarter.", "this quarter", "2018-01-01", "2018-03-31"),
        ("Orders fell sharply last quarter.", "last quarter", "2017-10-01", "2017-12-31"),
        ("Grain exports rose 5 pct from the previous week.", "the previous week", "2018-02-05", "2018-02-11"),
        ("He will meet the president and the speaker, Monday in Rome.", "Monday", "2018-02-19", "2018-02-19"),
    ],
)
def test_spans_seasons_and_quarters_resolve(text: str, span: str, start: str, end: str) -> None:
    assert resolved(text) == [(span, start, end)]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("A recent survey found wide support.", "recent"),
        ("The court is expected to rule soon.", "soon"),
        ("Sales will rise next fiscal year.", "next fiscal year"),
        ("The club lost to them earlier this season.", "earlier this season"),
        ("It could all change in a few months' time.", "in a few months' time"),
    ],
)
def test_vague_times_and_uncalendared_periods_carry_no_interval(text: str, span: str) -> None:
    found = dates(text)
    assert [f.text for f in found] == [span]
    assert found[0].data["resolved_start"] is None and found[0].data.get("vague") is True


def test_a_season_without_a_date_to_resolve_against_is_still_flagged() -> None:
    assert resolved("The vote is expected in the spring.", None) == [("in the spring", None, None)]


def test_season_near_follows_the_tense() -> None:
    winter_day = dt.date(2018, 12, 20)
    assert cal.season_near(winter_day, "autumn", "future") == (dt.date(2019, 9, 1), dt.date(2019, 11, 30))
    assert cal.season_near(winter_day, "autumn", "past") == (dt.date(2018, 9, 1), dt.date(2018, 11, 30))
    february = dt.date(2018, 2, 16)
    assert cal.season_near(february, "summer", "past") == (dt.date(2017, 6, 1), dt.date(2017, 8, 31))
    assert cal.period(february, "next", "quarter") == (dt.date(2018, 4, 1), dt.date(2018, 6, 30))
