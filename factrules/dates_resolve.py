"""Calendar arithmetic for relative dates: what "last week" or "on Sunday" means on a given day.

The ``date`` matcher finds the expressions; this module turns them into an
interval of days ``(start, end)``, both inclusive.  The choices (documented in
``docs/rule-packs.md``) follow newsroom usage:

* weeks run Monday to Sunday; "last week" is the whole previous Monday-Sunday;
* a bare weekday resolves to the most recent such day *before* the article's
  date in the past tense and the next one *after* it in the future tense;
* "early / mid / late" split a year into Jan-Apr / May-Aug / Sep-Dec, a month
  into days 1-10 / 11-20 / 21-end, a week into Mon-Wed / Tue-Thu / Thu-Sun;
* seasons are the northern meteorological ones (winter = Dec-Feb, named by
  the year of its December).

Counted offsets ("two days ago", "in three weeks", "a fortnight ago") are
read by ``dateparser``, which knows number words and unit spellings; its
answer is cached per phrase (relative to a fixed base day) and turned into a
day or month offset, so a corpus with many article dates costs one
``dateparser`` call per distinct phrase, not per document.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from factrules.memo import Memo, package_files_state

Interval = tuple[dt.date, dt.date]


def _relativedelta(**kwargs: int) -> Any:
    """``dateutil``'s ``relativedelta``, imported on first use: only a check with a known date needs it."""
    from dateutil.relativedelta import relativedelta

    return relativedelta(**kwargs)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month of each season

#: A fixed day (mid-month, mid-year, noon) that dateparser offsets are measured from.
_BASE = dt.datetime(2001, 6, 15, 12, 0)
#: dateparser's answers by phrase, kept between runs for as long as the same dateparser is installed
OFFSETS = Memo("dateparser-offsets", lambda: package_files_state("dateparser"))
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# -- days and weekdays -------------------------------------------------------
def week_of(day: dt.date) -> Interval:
    """The Monday-Sunday week containing ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def weekday_before(day: dt.date, weekday: int, *, include_today: bool = False) -> dt.date:
    """The most recent ``weekday`` (0 = Monday) strictly before ``day`` (or ``day`` itself if allowed)."""
    back = (day.weekday() - weekday) % 7
    if back == 0 and not include_today:
        back = 7
    return day - dt.timedelta(days=back)


def weekday_after(day: dt.date, weekday: int, *, include_today: bool = False) -> dt.date:
    """The next ``weekday`` strictly after ``day`` (or ``day`` itself if allowed)."""
    ahead = (weekday - day.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return day + dt.timedelta(days=ahead)


def weekday_in_week(day: dt.date, weekday: int, which: str) -> dt.date:
    """"Thursday of last week": the ``weekday`` of the last / this / next Monday-Sunday week."""
    monday, _ = week_of(day)
    shift = {"last": -7, "this": 0, "next": 7}[which]
    return monday + dt.timedelta(days=shift + weekday)


def weekend(day: dt.date, tense: str, which: str = "") -> Interval:
    """Saturday-Sunday: the last one (past), the coming one (future), or "next weekend".

    Past: the weekend whose Saturday is the most recent Saturday before ``day``
    (said on a Sunday, that is the weekend still running).  Future: the
    weekend containing ``day`` when it is a Saturday or Sunday, else the
    coming one.  "next weekend" is always one whose Saturday is after ``day``.
    """
    if which == "next":
        saturday = weekday_after(day, 5)
    elif tense == "future":
        saturday = day - dt.timedelta(days=1) if day.weekday() == 6 else weekday_after(day, 5, include_today=True)
    else:
        saturday = weekday_before(day, 5)
    return saturday, saturday + dt.timedelta(days=1)


# -- months, years, seasons ----------------------------------------------------
def month_of(year: int, month: int) -> Interval:
    first = dt.date(year, month, 1)
    return first, first + _relativedelta(months=1, days=-1)


def year_of(year: int) -> Interval:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _step(which: str) -> int:
    return {"last": -1, "this": 0, "next": 1}[which]


def period(day: dt.date, which: str, unit: str) -> Interval:
    """"last week", "this month", "next year": the calendar unit before, containing or after ``day``."""
    step = _step(which)
    if unit == "week":
        monday, sunday = week_of(day)
        shift = dt.timedelta(days=7 * step)
        return monday + shift, sunday + shift
    if unit == "month":
        first = dt.date(day.year, day.month, 1) + _relativedelta(months=step)
        return month_of(first.year, first.month)
    if unit == "year":
        return year_of(day.year + step)
    if unit == "quarter":  # calendar quarters: Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec
        first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1) + _relativedelta(months=3 * step)
        return first, first + _relativedelta(months=3, days=-1)
    raise ValueError(f"unknown unit {unit!r}")


def named_month(day: dt.date, which: str, month: int) -> Interval:
    """"last March": the most recent March before the current month; "next March" the first after it."""
    if which == "last":
        year = day.year if month < day.month else day.year - 1
    elif which == "next":
        year = day.year if month > day.month else day.year + 1
    else:
        year = day.year
    return month_of(year, month)


def _season_at(year: int, first_month: int) -> Interval:
    start = dt.date(year, first_month, 1)
    end = start + _relativedelta(months=3, days=-1)
    return start, end


def season(day: dt.date, which: str, name: str) -> Interval:
    """"last summer", "this winter": northern meteorological seasons (winter named by its December)."""
    first_month = SEASONS[name]
    candidates = [_season_at(year, first_month) for year in range(day.year - 2, day.year + 2)]
    if which == "last":
        return max(c for c in candidates if c[1] < day)
    if which == "next":
        return min(c for c in candidates if c[0] > day)
    for candidate in candidates:  # "this": the one running, else the one this year (winter: the coming one)
        if candidate[0] <= day <= candidate[1]:
            return candidate
    if first_month == 12:
        return min(c for c in candidates if c[0] > day)
    return _season_at(day.year, first_month)


def season_near(day: dt.date, name: str, tense: str) -> Interval:
    """"in the spring", "by the summer" (no year): this year's season of that name, unless the tense says it
    is already over ("the autumn" in a future sentence written in December is next year's) or still to come
    ("in the autumn" in a past sentence written in February is last year's)."""
    this = season(day, "this", name)
    if tense == "future" and this[1] < day:
        return season(day, "next", name)
    if tense == "past" and this[0] > day:
        return season(day, "last", name)
    return this


def narrow(interval: Interval, unit: str, part: str, day: dt.date) -> Interval:
    """Apply "early / mid / late / earlier / later" to an interval (see the module docstring)."""
    start, end = interval
    if part == "earlier" and start <= day <= end:
        return start, max(start, day - dt.timedelta(days=1))
    if part == "later" and start <= day <= end:
        return min(end, day + dt.timedelta(days=1)), end
    part = {"earlier": "early", "later": "late"}.get(part, part)
    if unit == "year":
        months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
        return dt.date(start.year, months[0], 1), month_of(start.year, months[1])[1]
    if unit == "month":
        days = {"early": (1, 10), "mid": (11, 20), "late": (21, None)}[part]
        last = end if days[1] is None else start.replace(day=days[1])
        return start.replace(day=days[0]), last
    if unit == "week":
        offsets = {"early": (0, 2), "mid": (1, 3), "late": (3, 6)}[part]
        return start + dt.timedelta(days=offsets[0]), start + dt.timedelta(days=offsets[1])
    length = (end - start).days + 1  # seasons, named months: thirds
    third = max(1, -(-length // 3))
    if part == "early":
        return start, start + dt.timedelta(days=third - 1)
    if part == "late":
        return end - dt.timedelta(days=third - 1), end
    return start + dt.timedelta(days=third), end - dt.timedelta(days=third)


# -- counted offsets, read by dateparser ---------------------------------------
@lru_cache(maxsize=4096)
def parsed_offset(phrase: str) -> tuple[int, int] | None:
    """(days, months) that ``phrase`` ("two days ago", "in 3 weeks") moves from a day, per dateparser.

    ``None`` when dateparser cannot read it ("a few days ago").  The result is
    measured once against a fixed base day, so it is cached per phrase, and
    remembered between runs (``OFFSETS``): importing dateparser and its first
    parse cost more than the rest of a short check.
    """
    return OFFSETS.get(phrase, lambda: _dateparser_offset(phrase))


def _dateparser_offset(phrase: str) -> tuple[int, int] | None:
    import dateparser  # imported here: a check with no date candidates never pays for it

    settings = {"RELATIVE_BASE": _BASE, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None:
        return None
    days = (parsed.date() - _BASE.date()).days
    months = (parsed.year - _BASE.year) * 12 + parsed.month - _BASE.month
    return days, months


#: Units (singular) whose offsets land on a whole year rather than a day or a month.
LONG_UNITS = frozenset({"year", "decade", "century"})


def apply_offset(day: dt.date, offset: tuple[int, int], unit: str) -> Interval:
    """The day, month or year an offset lands on (``unit`` singular): days and weeks give a day."""
    days, months = offset
    if unit == "month":
        target = day + _relativedelta(months=months)
        return month_of(target.year, target.month)
    if unit in LONG_UNITS:
        target = day + _relativedelta(months=months)
        return year_of(target.year)
    target = day + dt.timedelta(days=days)
    return target, target


def shift_back(day: dt.date, offset: tuple[int, int], unit: str) -> dt.date:
    """``day`` moved by an offset (``unit`` singular): by days for short units, by months for long ones."""
    days, months = offset
    if unit == "month" or unit in LONG_UNITS:
        return day + _relativedelta(months=months)
    return day + dt.timedelta(days=days)


# -- how a person reads it -------------------------------------------------------
def format_interval(start: dt.date, end: dt.date) -> str:
    """"Sun 11 Feb 2018", "5–11 Feb 2018", "26 Feb–4 Mar 2018", "29 Dec 2017–4 Jan 2018"."""
    if start == end:
        return f"{_DAY_ABBR[start.weekday()]} {start.day} {_MONTH_ABBR[start.month - 1]} {start.year}"
    if start.year != end.year:
        return (f"{start.day} {_MONTH_ABBR[start.month - 1]} {start.year}–"
                f"{end.day} {_MONTH_ABBR[end.month - 1]} {end.year}")
    if start.month != end.month:
        return f"{start.day} {_MONTH_ABBR[start.month - 1]}–{end.day} {_MONTH_ABBR[end.month - 1]} {end.year}"
    return f"{start.day}–{end.day} {_MONTH_ABBR[end.month - 1]} {end.year}"
