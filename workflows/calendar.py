"""The Dutch working-day calendar: working days and the Algemene termijnenwet.

A working day is a Monday to Friday that is not an *algemeen erkende feestdag* (a generally
recognised holiday) of the Algemene termijnenwet (Atw). One calendar serves both the legal
clocks and the operational reminders (domain brief, section 6).

Which days count, and why:

- Atw art. 3 lid 1 names Nieuwjaarsdag, the Christian Tweede Paasdag and Tweede Pinksterdag,
  both Christmas days (25 and 26 December), Hemelvaartsdag, the day on which the King's
  birthday is celebrated (Koningsdag; Koninginnedag before 2014) and 5 May (Bevrijdingsdag).
- Atw art. 3 lid 2 equates Goede Vrijdag with those days "voor de toepassing van deze wet".
  Goede Vrijdag is therefore **not** a working day here, even though many offices are open.
- Eerste Paasdag and Eerste Pinksterdag are Sundays and not working days anyway.

The dates come from the maintained ``holidays`` package, never from a list kept here. Its
``PUBLIC`` category for NL holds exactly the days above (Goede Vrijdag included, the
Koningsdag rule included: 27 April moves to Saturday 26 April when the 27th is a Sunday),
except that it lists Bevrijdingsdag only every fifth year, as many CAOs give the day off only
then. The Atw names 5 May every year (since the 1982 amendment), so the calendar adds the day
named "Bevrijdingsdag" from the package's ``OPTIONAL`` category, which has it every year.

Not modelled: days equated by royal decree under Atw art. 3 lid 3 (usually the Friday after
Hemelvaartsdag and bridge days, published in the Staatscourant a few years ahead). No package
provides them. Until they are kept as data, a legal deadline ending on such a day comes out
too early. Local closing days (carnaval, a biddag) are working days, in law as here.

A year the package does not cover (1966 to 2100 in the current version) raises ValueError
rather than quietly counting weekends only.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.constants import OPTIONAL, PUBLIC

__all__ = [
    "add_months",
    "add_working_days",
    "atw_holidays",
    "calendar_covers",
    "calendar_first_and_last_day",
    "extend_legal_deadline",
    "is_working_day",
    "next_working_day",
    "working_days_between",
]

# Names in the package's default language (Dutch), pinned so a locale cannot change them.
_HOLIDAY_LANGUAGE = "nl"
_BEVRIJDINGSDAG = "Bevrijdingsdag"
# The Atw lists 5 May from the 1982 amendment on; the package's OPTIONAL set starts then too.
_BEVRIJDINGSDAG_SINCE = 1982
_SATURDAY = 5


@lru_cache(maxsize=512)
def atw_holidays(year: int) -> frozenset[date]:
    """The algemeen erkende feestdagen of one year (Atw art. 3 lid 1 and 2), from ``holidays``.

    Cached per year. Includes the Sundays Eerste Paasdag and Eerste Pinksterdag. Raises
    ValueError for a year outside the package's range, and RuntimeError when the package no
    longer names Bevrijdingsdag, so that an upgrade that renames it fails loudly instead of
    silently making 5 May a working day.
    """
    first, last = holidays.NL.start_year, holidays.NL.end_year
    if not first <= year <= last:
        raise ValueError(
            f"No Dutch holiday data for {year}: the holidays package covers {first} to {last}."
        )
    public = holidays.country_holidays(
        "NL", years=year, categories=(PUBLIC,), language=_HOLIDAY_LANGUAGE
    )
    optional = holidays.country_holidays(
        "NL", years=year, categories=(OPTIONAL,), language=_HOLIDAY_LANGUAGE
    )
    liberation_days = {day for day in optional if _BEVRIJDINGSDAG in optional.get_list(day)}
    if year >= _BEVRIJDINGSDAG_SINCE and not liberation_days:
        raise RuntimeError(
            f"The holidays package no longer names {_BEVRIJDINGSDAG!r} for NL in {year}; "
            "check workflows.calendar against the package's Netherlands calendar."
        )
    return frozenset(public) | frozenset(liberation_days)


# Reminders and clocks count on from a date (an escalation after a deadline, a review after
# a meeting); this many years past it must still be in the calendar.
_COUNTING_MARGIN_YEARS = 2


def calendar_covers(day: date) -> bool:
    """Whether deadlines and reminders can be counted from ``day``: the calendar holds its
    year and the next ``_COUNTING_MARGIN_YEARS``. Dates people give (a deadline, a meeting,
    a review) are checked with this before anything is scheduled from them."""
    return (
        holidays.NL.start_year <= day.year
        and day.year + _COUNTING_MARGIN_YEARS <= holidays.NL.end_year
    )


def calendar_first_and_last_day() -> tuple[date, date]:
    """The first and last day ``calendar_covers``."""
    return (
        date(holidays.NL.start_year, 1, 1),
        date(holidays.NL.end_year - _COUNTING_MARGIN_YEARS, 12, 31),
    )


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day: Monday to Friday and not an Atw holiday."""
    return day.weekday() < _SATURDAY and day not in atw_holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day on or after ``day``: ``day`` itself when it is a working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, *, days: int) -> date:
    """The day ``days`` working days after ``start`` (before it when ``days`` is negative).

    ``start`` itself is never counted, whether or not it is a working day: Friday + 1 is
    Monday, Sunday + 1 is Monday, Sunday - 1 is Friday. ``days == 0`` gives
    ``next_working_day(start)``. The result is always a working day.
    """
    if days == 0:
        return next_working_day(start)
    step = timedelta(days=1 if days > 0 else -1)
    remaining = abs(days)
    day = start
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def _weekdays_up_to(day: date) -> int:
    """Mondays to Fridays from an arbitrary fixed origin up to and including ``day``."""
    ordinal = day.toordinal()  # ordinal 1 (1 January of year 1) is a Monday
    full_weeks, rest = divmod(ordinal, 7)
    return full_weeks * 5 + min(rest, 5)


def working_days_between(*, start: date, end: date) -> int:
    """The number of working days after ``start`` up to and including ``end``.

    Counts the half-open interval (start, end]; negative when ``end`` is before ``start``, so
    ``working_days_between(start=a, end=b) == -working_days_between(start=b, end=a)`` and
    counts add up over consecutive intervals. For any ``days >= 1``,
    ``working_days_between(start=d, end=add_working_days(d, days=days)) == days``.
    """
    if end < start:
        return -working_days_between(start=end, end=start)
    weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
    holidays_on_weekdays = sum(
        1
        for year in range(start.year, end.year + 1)
        for holiday in atw_holidays(year)
        if start < holiday <= end and holiday.weekday() < _SATURDAY
    )
    return weekdays - holidays_on_weekdays


def extend_legal_deadline(day: date) -> date:
    """The last day of a statutory period that would end on ``day`` (Atw art. 1 lid 1).

    A period that ends on a Saturday, Sunday or Atw holiday runs on to the next working day;
    any other day is returned unchanged. Not for periods counted backwards from an event
    (Atw art. 1 lid 2). Atw art. 2 (at least two working days in a period of three days or
    more) cannot change a period of a week or longer, as every seven consecutive days hold
    at least two working days; the clocks of this project are all that long.
    """
    return next_working_day(day)


def add_months(start: date, *, months: int) -> date:
    """The same date ``months`` calendar months after ``start`` (before it when negative).

    When that month is shorter, the period ends on its last day: 31 January + 1 month is
    28 February (29 in a leap year). This is how Dutch law reckons a period in months and
    what EU Regulation 1182/71 art. 3 lid 2 (c) prescribes for the AVG's periods.
    """
    month_index = start.year * 12 + start.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    last_day = (first_of_next - timedelta(days=1)).day
    return date(year, month, min(start.day, last_day))
