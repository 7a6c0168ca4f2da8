"""The ``number`` matcher and the ``numbers`` pack: what is a figure to check, and what it means.

Every sentence here is written for these tests.  Findings are validated
against the finding schema here as well as by the suite-wide audit.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from factrules.api import check_text
from factrules.document import Document
from factrules.findings import validator
from factrules.matchers.number import NumberMatcher, scan
from factrules.numbers_text import parse_number
from factrules.packs import PackError, load_pack
from factrules.plugins import registry


def numbers(text: str, **kwargs) -> list:
    """The numbers pack's findings on ``text``, each checked against the finding schema."""
    kwargs.setdefault("select", ["numbers"])
    findings = check_text(text, "2018-02-16", **kwargs)
    for finding in findings:
        assert not list(validator("finding").iter_errors(finding.to_dict()))
        assert finding.category == "number"
    return findings


def flagged(text: str, **kwargs) -> list[str]:
    return [f.text for f in numbers(text, **kwargs)]


def interval(text: str) -> tuple:
    found = numbers(text)
    assert len(found) == 1, [f.text for f in found]
    data = found[0].data
    return found[0].text, data["low"], data["high"], data["approximate"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Fifteen", 15), ("twenty-five", 25), ("two hundred and fifty", 250), ("a dozen", 12),
        ("half a million", 500_000), ("1,500", 1500), ("2.3 million", 2_300_000), ("$4bn", 4_000_000_000),
        ("three thousand four hundred", 3400), ("ninety nine", 99),
    ],
)
def test_parse_number_reads_digits_and_words(text, words):
    assert parse_number(text) == words


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Police say as many as 80 miners were trapped.", ("as many as 80", None, 80, True)),
        ("Up to 300 families lost their homes.", ("Up to 300", None, 300, True)),
        ("At least 12 sailors were rescued.", ("At least 12", 12, None, True)),
        ("More than 1,000 ballots were spoiled.", ("More than 1,000", 1000, None, True)),
        ("Over 40 trucks crossed the border.", ("Over 40", 40, None, True)),
        ("Fewer than 20 delegates stayed.", ("Fewer than 20", None, 20, True)),
        ("Less than 30 seats were filled.", ("Less than 30", None, 30, True)),
        ("Upwards of 5,000 fans came.", ("Upwards of 5,000", 5000, None, True)),
        ("About 200 nurses joined the strike.", ("About 200", 180, 220, True)),
        ("Around 60 boats sank.", ("Around 60", 54, 66, True)),
        ("Roughly 3,000 jobs are at risk.", ("Roughly 3,000", 2700, 3300, True)),
        ("Approximately 70 lorries were stuck.", ("Approximately 70", 63, 77, True)),
        ("Some 400 teachers signed the letter.", ("Some 400", 360, 440, True)),
        ("An estimated 2.3 million voters stayed home.", ("An estimated 2.3 million", 2_070_000, 2_530_000, True)),
        ("Nearly fifty houses burned.", ("Nearly fifty", 45, 50, True)),
        ("Almost 90 pupils fell ill.", ("Almost 90", 81, 90, True)),
        ("Close to 700 climbers were stranded.", ("Close to 700", 630, 700, True)),
        ("The crash left 100 or so passengers injured.", ("100 or so", 90, 110, True)),
        ("The count reached 40 or more bodies.", ("40 or more", 40, None, True)),
    ],
)
def test_each_approximator_gives_its_interval(sentence, expected):
    assert interval(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Between 100 and 200 rebels surrendered.", ("Between 100 and 200", 100, 200, True)),
        ("The flood displaced 300-400 households.", ("300-400", 300, 400, True)),
        ("The flood displaced 300–400 households.", ("300–400", 300, 400, True)),
        ("Two to three thousand troops stayed.", ("Two to three thousand", 2000, 3000, True)),
        ("Three or four gunmen escaped.", ("Three or four", 3, 4, True)),
        ("Between 2 and 3 million barrels leaked.", ("Between 2 and 3 million", 2_000_000, 3_000_000, True)),
    ],
)
def test_ranges_including_en_dash_and_shared_scale(sentence, expected):
    assert interval(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Hundreds of miners walked out.", ("Hundreds", 200, 999, True)),
        ("Dozens of cars were torched.", ("Dozens", 24, 99, True)),
        ("Thousands of pilgrims arrived.", ("Thousands", 2000, 9999, True)),
        ("Tens of thousands of people marched.", ("Tens of thousands", 20000, 99999, True)),
        ("Hundreds of thousands of people fled.", ("Hundreds of thousands", 200000, 999999, True)),
        ("Scores of shops were looted.", ("Scores", 40, 199, True)),
        ("Several hundred prisoners escaped.", ("Several hundred", 200, 999, True)),
        ("A handful of guards remained.", ("A handful", 2, 9, True)),
        ("Numerous villagers were detained.", ("Numerous", 2, None, True)),
        ("Several soldiers were wounded.", ("Several", 3, 9, True)),
        ("An unknown number of workers were trapped.", ("An unknown number", None, None, True)),
        ("At least several hundred homes were damaged.", ("At least several hundred", 200, None, True)),
    ],
)
def test_vague_quantities_carry_an_interval(sentence, expected):
    assert interval(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Twenty-two Syrian volunteers were wounded.",  # exact, spelled out
        "Police arrested 31 protesters.",  # exact, digits
        "The attack happened on Feb. 7, 2018.",  # a date
        "The vote was held on 12 March.",  # a date, day first
        "The convoy left at 6:45 and arrived at 9 p.m.",  # times
        "The blast happened at around 7 in the morning.",  # a time of day, approximated
        "A 45-year-old man was charged.",  # an age
        "The driver, aged about 60, was unhurt.",  # an approximate age
        "She was 34 years old.",  # an age
        "He finished 3rd, then second.",  # ordinals
        "The rebels held the town between 2014 and 2016.",  # a span of years
        "In 1998 the border was closed.",  # a year
        "The bill cost $4.5 million.",  # money, exact
        "Turnout was 52%.",  # a percentage, exact
        "Call 020 7946 0958 or 202-555-0143.",  # phone numbers
        "The F-16 crashed near Route 66 in the Covid-19 era.",  # identifiers
        "The home side won 3-1; the court split 5-4.",  # scores and votes
        "Prices rose from 5 to 10 dollars.",  # a change, not a range
        "The siege lasted two years.",  # an exact duration
        "Talks were held over two days.",  # "over" a span of time means during it
        "Half the staff voted and a third of them abstained.",  # shares stated, not approximated
        "Under one plan, the fund would be split under three headings.",  # "under" as a preposition
        "Under 1999 rules the tax was lower.",  # a year after a bound
        "Wales 21-24 Ireland",  # a result line: a team on each side
        "She won 4-6 6-3 7-5 in the final.",  # a tennis score, set by set
        "The rig count was up 12 to 150 this week.",  # a change and a new level
        "The board raised its payout 3 cts to 15 cts a share.",  # the same, with a unit on each figure
        "Output rose in 1986 to 2.5 million tonnes.",  # a year, then a figure
        "Several ministers attended and numerous engagements followed.",  # no figure, no casualties
        "A group of 14-16 year olds took the test.",  # an age band
        "The temple has stood for hundreds of years.",  # a duration
        "He gave several reasons and cited a number of concerns.",  # abstract counts
        "Several officials said the plan would fail.",  # weasel attribution, not a count
        "He talked about one of them.",  # a pronoun
        "The 30-year sentence was upheld.",  # a compound modifier
    ],
)
def test_not_number_findings(sentence):
    assert flagged(sentence) == []


def test_approximate_money_and_percentages_are_flagged_with_their_unit():
    text = "It cost some $200 million. Almost 40 per cent of the staff quit."
    found = {f.text: f.data["unit"] for f in numbers(text)}
    assert found == {"some $200 million": "money", "Almost 40 per cent": "percent"}


def test_counted_noun_is_the_head_noun_that_follows():
    found = {f.text: f.data.get("noun") for f in numbers(
        "As many as 70 Russian military contractors were hurt. Hundreds of private security guards left. "
        "Dozens of Vladimir Putin’s soldiers died. Up to 40 children were rescued. The toll rose to about 150."
    )}
    assert found == {"As many as 70": "contractor", "Hundreds": "guard", "Dozens": "soldier",
                     "Up to 40": "child", "about 150": None}


def test_event_verb_nearby_is_recorded():
    events = {f.text: f.data.get("event") for f in numbers(
        "Troops killed as many as 80 fighters. About 30 civilians were reportedly wounded in the shelling. "
        "Some 200 people were arrested. Hundreds of workers marched. The death toll rose to about 150. "
        "They were among the 100 or so dead."
    )}
    assert events == {"as many as 80": "killed", "About 30": "wounded", "Some 200": "arrested",
                      "Hundreds": None, "about 150": "killed", "100 or so": "killed"}


def test_message_shows_the_interval():
    (finding,) = numbers("Officials said as many as 100 fighters died.")
    assert finding.message == "'as many as 100' — an upper bound (≤100): give the sourced figure."
    (finding,) = numbers("Hundreds of fighters died.")
    assert "200–999" in finding.message


def test_every_figure_rule_is_off_by_default_and_lists_exact_figures_when_enabled():
    text = "Fifteen Russians and 25 volunteers were hurt on Feb. 7, 2018, at 9 p.m. About 40 fled."
    default = [f.text for f in check_text(text, "2018-02-16") if f.category == "number"]
    assert default == ["About 40"]
    enabled = {f.text: f.rule for f in check_text(text, "2018-02-16", enable=["numbers.every-figure"])
               if f.rule == "numbers.every-figure"}
    assert enabled == {"Fifteen": "numbers.every-figure", "25": "numbers.every-figure",
                       "About 40": "numbers.every-figure"}
    selected = flagged(text, select=["numbers.every-figure"])
    assert selected == ["Fifteen", "25", "About 40"]
    (fifteen,) = [f for f in numbers(text, select=["numbers.every-figure"]) if f.text == "Fifteen"]
    assert fifteen.data["approximate"] is False and fifteen.data["low"] == fifteen.data["high"] == 15
    assert fifteen.severity == "info"


def test_one_scan_is_shared_by_every_number_rule():
    document = Document(path="-", text="About 40 fled. Hundreds stayed.")
    assert scan(document) is scan(document)
    other = Document(path="-", text="About 40 fled. Hundreds stayed.")
    assert scan(other) is not scan(document)


def test_rule_options_choose_classes_and_units(tmp_path: Path):
    pack = tmp_path / "money.yaml"
    pack.write_text(textwrap.dedent("""\
        pack: money
        defaults: {category: money}
        rules:
          - id: rough-money
            kind: number
            options: {classes: [approximate, bound], units: [money]}
            examples: {match: ["It cost about $5 million."], no_match: ["About 40 fled."]}
        """), encoding="utf-8")
    found = check_text("It cost about $5 million. About 40 fled. Up to £3m was lost.", rules=[str(pack)],
                       select=["money"])
    assert [f.text for f in found] == ["about $5 million", "Up to £3m"]


def test_bad_options_are_a_pack_error_naming_the_rule(tmp_path: Path):
    pack = tmp_path / "bad.yaml"
    pack.write_text(textwrap.dedent("""\
        pack: bad
        defaults: {category: number}
        rules:
          - id: wrong
            kind: number
            options: {classes: [approximately]}
            examples: {match: ["About 40 fled."]}
        """), encoding="utf-8")
    with pytest.raises(PackError) as error:
        load_pack(pack, registry().matchers)
    assert "wrong" in str(error.value) and "options" in str(error.value)
    assert NumberMatcher.kind == "number"


def test_prefilter_finds_exactly_what_the_full_pattern_finds():
    """The scan starts the full regex only near prefilter hits; it must lose nothing by doing so."""
    from factrules.matchers.number import SCAN, _hits

    text = (
        "At least 12 died and 40 others were hurt. About 3,000 marched. US$5 was paid, then some A$300 million. "
        "Officials expect 2 to 3 million visitors. Between 2014 and 2016 rebels ruled. An unknown number of "
        "workers died; a large number of pupils left; tens of thousands fled; several hundred stayed; as many as "
        "100 or so; no fewer than twenty-five; the best part of 300 people; a handful of men; 100-odd militants; "
        "200-plus migrants; from 5 to 10; 3–4 days; half a million; a dozen eggs; at least several hundred homes; "
        "well over a thousand; £3m; 45%; nearly 40 per cent; Numerous guards; scores of shops; dozens upon dozens. "
        "Nearly half left, more than a third stayed, about two-thirds of them, the first quarter, a third of it; "
        "in the range of 2 to 3 billion, ranging from 3.80 to 4.80 dlrs, 2.10 dlrs to 2.25 dlrs, between 50 mln and "
        "75 mln dlrs; a clutch of men; multi-billion deals; below $700m; about 80p; 25bn rupees or thereabouts. "
        'A year ago, less than a month, as long as a year, "more than half" of them, (about 40) left, a day.'
    )
    assert [m.span() for m in _hits(text)] == [m.span() for m in SCAN.finditer(text)]


@pytest.mark.parametrize("text", [
    "In excess of 5,000 fled; in the 12 towns, the 40 dead, in 2019 the best part of 300 left.",
    "THE BEST  PART OF 300 left, In\nexcess of 20 stayed, the\tbest part of a dozen, the beſt part of 9.",
    "They stayed in excess, of 5 days; the best, 300; In 40 towns at most 3 died; in excess of\n\n12.",
    "Up to 40, up 40, well over 12, well 12, no more than 7, no 7, not less than 3, not 3, close to 9, close 9.",
])
def test_skipping_lead_words_that_only_open_longer_phrases_loses_nothing(text: str) -> None:
    """"the" / "in" before a figure are tried only when "best" / "excess" follow, and the result is unchanged."""
    from factrules.matchers.number import SCAN, _hits

    assert [m.span() for m in _hits(text)] == [m.span() for m in SCAN.finditer(text)]


def test_an_event_verb_across_a_clause_break_belongs_to_the_other_figure():
    events = {f.text: f.data.get("event") for f in numbers(
        "At least one person was killed and dozens more were injured.")}
    assert events == {"At least one": "killed", "dozens": "wounded"}


def test_a_dash_between_digits_and_a_word_is_a_name_not_a_range():
    assert flagged("The 7-Eleven store on the corner sold out.") == []


def test_years_are_ruled_out_before_the_noun_is_looked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """A figure read as a year by the words before it ("in 2019") never costs the counted-noun search,
    and the figures kept are the same as when every test saw the noun."""
    from factrules.document import Document
    from factrules.matchers import number

    text = ("In 2019, 40 people died. Since 1962 the bridge has stood; by 2030 there will be 2030 seats. "
            "The 1990 fighters (2001) left in 1,200 boats, from 1998 to 2004; about 2000 people, some 1850 "
            "workers and the class of 2010 graduates. Founded in 1870 people, 1870 people came.")
    looked_after: list[str] = []
    original = number.counted_noun

    def spying(text: str, end: int) -> tuple[str | None, str | None, int]:
        looked_after.append(text[:end].split()[-1])
        return original(text, end)

    monkeypatch.setattr(number, "counted_noun", spying)
    found = [(text[q.start:q.end], q.kind, q.noun, q.event) for q in number.scan(Document(path="a", text=text))]
    assert found == [("40", "exact", "person", "killed"), ("2030", "exact", "seat", None),
                     ("1,200", "exact", "boat", None), ("about 2000", "approximate", "person", None)]
    assert "40" in looked_after and not {"2019", "1962", "1870"} & set(looked_after)


# -- figures in the forms real copy uses ----------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # bounds and approximations of time spans are figures to check; exact durations are not
        ("Offenders face up to 15 years in jail.", ("up to 15", None, 15, True)),
        ("The dispute has run for more than 40 years.", ("more than 40", 40, None, True)),
        ("The review will take about one year.", ("about one", 0.9, 1.1, True)),
        ("The remark was made some 30 years ago.", ("some 30", 27, 33, True)),
        ("Growth should resume within three to five years.", ("three to five", 3, 5, True)),
        ("The new plant makes almost four times as many cars.", ("almost four", 3.6, 4, True)),
        # bounds that are prepositions of place
        ("Firms valued below $500m are exempt.", ("below $500m", None, 500_000_000, True)),
        ("Crude could climb above 20 dlrs a barrel.", ("above 20", 20, None, True)),
        ("Stocks fell to under 300 mln tonnes.", ("under 300 mln", None, 300_000_000, True)),
        ("The index could drop as low as 12.", ("as low as 12", 12, None, True)),
        ("The hearing may last as long as 18 months.", ("as long as 18", None, 18, True)),
        # wire-copy scales and the units between the ends of a range
        ("Sales could reach as much as 40bn rupees.", ("as much as 40bn", None, 40_000_000_000, True)),
        ("The fund needs almost 45m euros.", ("almost 45m", 40_500_000, 45_000_000, True)),
        ("It will cost between 20 mln and 30 mln dlrs.", ("between 20 mln and 30 mln", 20_000_000, 30_000_000, True)),
        ("Profit should be 1.10 dlrs to 1.35 dlrs a share.", ("1.10 dlrs to 1.35", 1.1, 1.35, True)),
        ("Bids ranged from 4.20 to 4.90 dlrs.", ("from 4.20 to 4.90", 4.2, 4.9, True)),
        ("Costs will be in the range of 2 billion to 3 billion.", ("in the range of 2 billion to 3 billion",
                                                                   2_000_000_000, 3_000_000_000, True)),
        ("Sales of between 600,000 and one million units are forecast.",
         ("between 600,000 and one million", 600_000, 1_000_000, True)),
        ("A ticket costs about 60p.", ("about 60p", 54, 66, True)),
        ("The gap is £3 billion or thereabouts.", ("£3 billion or thereabouts", 2_700_000_000, 3_300_000_000, True)),
        ("With less than a month to go, the bill stalled.", ("less than a month", None, 1, True)),
        ("The inquiry could last as long as a year.", ("as long as a year", None, 1, True)),
        ('The survey found "more than half" of staff agreed.', ("more than half", 0.5, None, True)),
        # vague size words
        ("A clutch of new parties stood.", ("A clutch", 2, 9, True)),
        ("It signed a multi-billion dollar deal.", ("multi-billion", 2_000_000_000, None, True)),
    ],
)
def test_bounds_ranges_and_spans_in_wire_and_broadcast_copy(sentence, expected):
    assert interval(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Nearly half the members voted.", ("Nearly half", 0.45, 0.5, True)),
        ("More than a third of homes lack heating.", ("More than a third", 0.333333, None, True)),
        ("About two-thirds of the budget is spent.", ("About two-thirds", 0.6, 0.7333, True)),
        ("Just over half the seats changed hands.", ("Just over half", 0.5, None, True)),
        ("Less than a quarter of staff replied.", ("Less than a quarter", None, 0.25, True)),
    ],
)
def test_approximate_shares_are_fractions(sentence, expected):
    assert interval(sentence) == expected
    assert numbers(sentence)[0].data["unit"] == "fraction"


def test_a_unit_of_time_is_a_figure_only_after_an_approximator():
    assert flagged("A year ago the plant closed; a day later it reopened.") == []
    assert numbers("It took less than a week.")[0].data["noun"] == "week"


def test_half_a_million_is_still_a_number_not_a_share():
    assert interval("Nearly half a million people fled.") == ("Nearly half a million", 450_000, 500_000, True)


def test_vague_words_without_a_figure_count_only_for_casualties():
    assert flagged("Several protesters were killed and numerous others injured.") == ["Several", "numerous"]
    assert flagged("Several protesters marched and numerous others watched.") == []


# -- the scan without eventless exact figures ------------------------------------------
def test_scan_without_exact_keeps_every_figure_that_is_not_an_eventless_exact_one() -> None:
    """``scan(exact=False)`` (what the consistency check and the default rules ask for) may drop exact
    figures that count no event, and only those; every quantity it keeps is the same as in the full scan."""
    from factrules.matchers import number

    text = ("Profit rose to 12.5 mln dlrs from 9.1 mln in the year, and the board paid 4,000 workers a bonus "
            "of 300 dlrs each, the company said in a statement to its 1,500 shareholders on the exchange. "
            "The chairman thanked staff for a strong year, praised the new plant in the north of the country "
            "and told the meeting that the group would keep its dividend policy and its plans unchanged. "
            "In the city, at least 30 people were killed and 41 injured, police said; some 200 homes were damaged. "
            "Later, 35 bodies were found. Casualties reached 52 by the evening, officials said.")
    full = [(q.start, q.end, q.kind, q.noun, q.event) for q in number.scan(Document(path="a", text=text))]
    fresh = Document(path="b", text=text)
    partial = [(q.start, q.end, q.kind, q.noun, q.event) for q in number.scan(fresh, exact=False)]
    assert set(partial) <= set(full)
    assert {q for q in full if q[2] != "exact" or q[4] is not None} <= set(partial)
    shown = {text[q[0]:q[1]] for q in partial}
    assert {"41", "35", "at least 30", "some 200"} <= shown
    assert not {"12.5 mln", "9.1 mln", "4,000", "300", "1,500"} & shown
    # the partial scan is cached, but a caller that wants exact figures gets the full one
    assert [(q.start, q.end) for q in number.scan(fresh)] == [q[:2] for q in full]


def test_every_figure_rule_still_reports_eventless_exact_figures() -> None:
    """A rule that reports exact figures makes the group scan in full, whatever the other rules want."""
    findings = check_text("The city paid $5 million for 300 acres.", select=["numbers"],
                          enable=["numbers.every-figure"])
    assert {f.text for f in findings if f.rule == "numbers.every-figure"} >= {"$5 million", "300"}


_NUMBER_SHAPES = [
    "Sales were 12.5 mln dlrs, up from 9.1 mln, on 1,000 units and 250 stores.",
    "Shares rose 2.10 dlrs to 2.25 dlrs; 5-7 analysts expect 3 to 4 pct growth, or 30 or so deals.",
    "The 40-odd staff, 100-plus shops and 20+ sites cost $5m, 7bn yen and 3 million euros in 1987.",
    "About 45 people were killed, 1,200 hurt and 3 missing in 12 hours; 7.5% of 300 homes burned.",
    "Figures: 1,0005 and 12.34.56, F-16 jets, MH17, #3, 1.5.2 and 10:30 are not counts; 2019-2020 is not, 77 is.",
    "It costs 12 pence to 14 pence, 15 dollars or 16, 8 thousand or 9 hundred, and 4 to 5.",
    "Q4 fell 4th, 1987/88 crops, 11-1/2 pct and 7-3/4 pct notes, 3.5 mln or more, 2 billion-plus and 5 + 6.",
    "Between 40 and 45 mln, from 12 pct to 15 pct, from 1.27 billion dlrs, a 55 pct stake, an 8 pct coupon.",
    "Notes at 11-1/2 pct, a 13-bank group, 30 to exceed 4.65 -- and 12 or more, 5 - seven, 12 plus, 7 pct to 9.",
]


@pytest.mark.parametrize("text", _NUMBER_SHAPES)
def test_bare_number_shortcut_agrees_with_the_full_pattern(text: str) -> None:
    """At a digit, where ``_BARE_NUMBER`` finds nothing ``SCAN`` finds nothing either; where it matches with
    nothing after it that may go on (no ``more``), ``SCAN`` matches there too, as a bare number ending at the
    same place: the shortcut the eventless scan takes never hides a range, a scale or an approximation."""
    from factrules.matchers import number

    outcomes = set()
    for position in number._core_starts(text.lower()):
        if not text[position].isdigit():
            continue
        bare = number._BARE_NUMBER.match(text, position)
        full = number.SCAN.match(text, position)
        if bare is None:
            assert full is None, text[position:]
            outcomes.add("none")
        elif bare.group("more") is None:
            assert full is not None and full.lastgroup == "num" and full.start("num") == full.start() == position
            assert full.end() == bare.end(), text[position:]
            outcomes.add("bare")
        else:
            outcomes.add("more")
    assert "bare" in outcomes


def test_bare_number_shortcut_meets_every_outcome() -> None:
    """The shapes above meet a digit where no number starts, a bare number and one that may go on."""
    from factrules.matchers import number

    seen = set()
    for text in _NUMBER_SHAPES:
        for position in number._core_starts(text.lower()):
            if text[position].isdigit():
                bare = number._BARE_NUMBER.match(text, position)
                seen.add("none" if bare is None else "bare" if bare.group("more") is None else "more")
    assert seen == {"none", "bare", "more"}


@pytest.mark.parametrize("text", _NUMBER_SHAPES)
def test_eventless_scan_keeps_what_the_full_scan_keeps(text: str) -> None:
    """The shortcuts of ``scan(exact=False)`` change no quantity that is not an eventless exact figure."""
    from factrules.matchers import number

    full = {(q.start, q.end, q.kind, q.low, q.high, q.unit, q.noun, q.event)
            for q in number.scan(Document(path="a", text=text))}
    partial = {(q.start, q.end, q.kind, q.low, q.high, q.unit, q.noun, q.event)
               for q in number.scan(Document(path="b", text=text), exact=False)}
    assert partial <= full
    assert {q for q in full if q[2] != "exact" or q[7] is not None} <= partial
