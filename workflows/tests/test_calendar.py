"""The Dutch working-day calendar: Atw holidays, working-day arithmetic, legal extension."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from holidays.constants import OPTIONAL, PUBLIC
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows import calendar
from workflows.calendar import (
    add_months,
    add_working_days,
    atw_holidays,
    extend_legal_deadline,
    is_working_day,
    next_working_day,
    working_days_between,
)

# Property tests write no example database into the working tree.
PROPERTIES = settings(max_examples=300, database=None, deadline=None)
# Far enough inside the package's years (1966 to 2100) to add 400 working days either way.
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2097, 12, 31))

# Atw art. 3 lid 1 and 2, by the names the holidays package gives them in Dutch. Eerste
# Paasdag and Eerste Pinksterdag are always Sundays and come along with the package.
ATW_NAMES = {
    "Nieuwjaarsdag",
    "Goede vrijdag",
    "Eerste paasdag",
    "Tweede paasdag",
    "Koningsdag",
    "Bevrijdingsdag",
    "Hemelvaartsdag",
    "Eerste pinksterdag",
    "Tweede pinksterdag",
    "Eerste kerstdag",
    "Tweede kerstdag",
}


def _holiday_names(year: int) -> set[str]:
    named = holidays.country_holidays(
        "NL", years=year, categories=(PUBLIC, OPTIONAL), language="nl"
    )
    return {name for day in atw_holidays(year) for name in named.get_list(day)}


# The set of days


def test_the_2026_holidays_are_the_days_the_algemene_termijnenwet_names():
    assert atw_holidays(2026) == {
        date(2026, 1, 1),  # Nieuwjaarsdag
        date(2026, 4, 3),  # Goede Vrijdag (art. 3 lid 2)
        date(2026, 4, 5),  # Eerste Paasdag (a Sunday)
        date(2026, 4, 6),  # Tweede Paasdag
        date(2026, 4, 27),  # Koningsdag
        date(2026, 5, 5),  # Bevrijdingsdag, though 2026 is no lustrum year
        date(2026, 5, 14),  # Hemelvaartsdag
        date(2026, 5, 24),  # Eerste Pinksterdag (a Sunday)
        date(2026, 5, 25),  # Tweede Pinksterdag
        date(2026, 12, 25),  # Eerste Kerstdag
        date(2026, 12, 26),  # Tweede Kerstdag
    }


@pytest.mark.parametrize("year", [2014, *range(2020, 2041), 2099])
def test_every_year_holds_exactly_the_atw_days_by_name(year):
    assert _holiday_names(year) == ATW_NAMES


def test_before_2014_the_queens_birthday_counts_instead_of_koningsdag():
    assert _holiday_names(2013) == (ATW_NAMES - {"Koningsdag"}) | {"Koninginnedag"}
    assert not is_working_day(date(2013, 4, 30))


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028, 2029, 2030])
def test_bevrijdingsdag_counts_every_year_not_only_every_fifth(year):
    assert date(year, 5, 5) in atw_holidays(year)


def test_bevrijdingsdag_on_a_weekday_is_no_working_day():
    assert not is_working_day(date(2026, 5, 5))  # Tuesday
    assert not is_working_day(date(2027, 5, 5))  # Wednesday
    assert add_working_days(date(2026, 5, 4), days=1) == date(2026, 5, 6)


def test_bevrijdingsdag_on_hemelvaartsdag_is_one_day_off():
    # 5 May 2016 was both; the package joins the names on one date.
    assert _holiday_names(2016) == ATW_NAMES
    assert add_working_days(date(2016, 5, 4), days=1) == date(2016, 5, 6)


def test_goede_vrijdag_is_no_working_day_because_atw_art_3_lid_2_equates_it():
    good_friday = date(2026, 4, 3)
    assert good_friday.weekday() == 4
    assert not is_working_day(good_friday)


def test_koningsdag_on_a_weekday_is_no_working_day():
    assert not is_working_day(date(2023, 4, 27))  # Thursday
    assert not is_working_day(date(2026, 4, 27))  # Monday
    assert add_working_days(date(2026, 4, 24), days=1) == date(2026, 4, 28)


def test_koningsdag_moves_to_saturday_26_april_when_27_april_is_a_sunday():
    assert date(2025, 4, 26) in atw_holidays(2025)
    assert date(2025, 4, 27) not in atw_holidays(2025)
    assert is_working_day(date(2025, 4, 28))
    assert add_working_days(date(2025, 4, 25), days=1) == date(2025, 4, 28)


def test_ascension_day_is_skipped():
    assert not is_working_day(date(2026, 5, 14))
    # Friday 15 May 2026 is equated with a holiday by royal decree (Atw art. 3 lid 3). The
    # package has no such days, so the calendar counts it as a working day; see the module.
    assert add_working_days(date(2026, 5, 13), days=1) == date(2026, 5, 15)


def test_whit_monday_is_skipped():
    assert add_working_days(date(2026, 5, 22), days=1) == date(2026, 5, 26)


def test_an_ordinary_weekday_is_a_working_day_and_a_weekend_day_is_not():
    assert is_working_day(date(2026, 3, 11))
    assert not is_working_day(date(2026, 3, 14))
    assert not is_working_day(date(2026, 3, 15))


def test_the_holidays_of_a_year_are_built_once():
    atw_holidays.cache_clear()
    for _ in range(3):
        is_working_day(date(2031, 6, 2))
    assert atw_holidays.cache_info().misses == 1


def test_a_package_that_no_longer_names_bevrijdingsdag_fails_loudly(monkeypatch):
    def without_bevrijdingsdag(country, **kwargs):
        return holidays.HolidayBase()

    monkeypatch.setattr(calendar.holidays, "country_holidays", without_bevrijdingsdag)
    with pytest.raises(RuntimeError, match="Bevrijdingsdag"):
        atw_holidays.__wrapped__(2026)


@pytest.mark.parametrize("year", [1965, 2101])
def test_a_year_without_holiday_data_is_refused_rather_than_counted_as_weekdays(year):
    with pytest.raises(ValueError, match=str(year)):
        is_working_day(date(year, 6, 1))


# add_working_days


def test_friday_plus_one_working_day_is_monday():
    assert add_working_days(date(2026, 3, 13), days=1) == date(2026, 3, 16)


def test_the_start_day_is_not_counted_even_on_a_weekend():
    assert add_working_days(date(2026, 3, 14), days=1) == date(2026, 3, 16)  # Saturday
    assert add_working_days(date(2026, 3, 15), days=1) == date(2026, 3, 16)  # Sunday
    assert add_working_days(date(2026, 3, 15), days=-1) == date(2026, 3, 13)


def test_zero_working_days_is_the_start_itself_or_the_next_working_day():
    assert add_working_days(date(2026, 3, 11), days=0) == date(2026, 3, 11)
    assert add_working_days(date(2026, 3, 14), days=0) == date(2026, 3, 16)
    # Goede Vrijdag, the weekend and Tweede Paasdag
    assert add_working_days(date(2026, 4, 3), days=0) == date(2026, 4, 7)


def test_christmas_2026_christmas_eve_plus_one_is_the_monday_after():
    assert add_working_days(date(2026, 12, 24), days=1) == date(2026, 12, 28)


def test_working_days_cross_the_year_end_past_nieuwjaarsdag():
    assert add_working_days(date(2026, 12, 24), days=4) == date(2026, 12, 31)
    assert add_working_days(date(2026, 12, 24), days=5) == date(2027, 1, 4)
    assert add_working_days(date(2027, 1, 4), days=-1) == date(2026, 12, 31)
    assert working_days_between(start=date(2026, 12, 24), end=date(2027, 1, 4)) == 5


def test_easter_2026_skips_goede_vrijdag_and_tweede_paasdag():
    # Thursday 2 April: Friday 3 and Monday 6 April are holidays, Tuesday 7 is the first
    # working day and Wednesday 8 the second.
    assert add_working_days(date(2026, 4, 2), days=1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), days=2) == date(2026, 4, 8)


def test_negative_working_days_count_back_over_the_weekend_and_holidays():
    assert add_working_days(date(2026, 3, 16), days=-1) == date(2026, 3, 13)
    assert add_working_days(date(2026, 4, 7), days=-1) == date(2026, 4, 2)
    assert add_working_days(date(2026, 3, 16), days=-5) == date(2026, 3, 9)


# next_working_day and extend_legal_deadline


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 11), date(2026, 3, 11)),  # a Wednesday stays
        (date(2026, 3, 14), date(2026, 3, 16)),  # Saturday → Monday
        (date(2025, 12, 26), date(2025, 12, 29)),  # Tweede Kerstdag (Friday) → Monday
        (date(2026, 12, 25), date(2026, 12, 28)),  # Eerste Kerstdag, Tweede on Saturday
        (date(2026, 4, 3), date(2026, 4, 7)),  # Goede Vrijdag → Tuesday after Pasen
        (date(2026, 5, 5), date(2026, 5, 6)),  # Bevrijdingsdag
        (date(2027, 1, 1), date(2027, 1, 4)),  # Nieuwjaarsdag on a Friday
    ],
)
def test_a_legal_deadline_on_a_closed_day_runs_on_to_the_next_working_day(day, expected):
    assert extend_legal_deadline(day) == expected
    assert next_working_day(day) == expected


def test_every_week_holds_two_working_days_so_atw_art_2_never_extends_our_clocks():
    first, last = date(1982, 1, 1), date(2100, 12, 31)
    working = [is_working_day(first + timedelta(days=n)) for n in range((last - first).days + 1)]
    fewest = min(sum(working[n : n + 7]) for n in range(len(working) - 6))
    assert fewest >= 2


# add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2024, 2, 29), 24, date(2026, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 10), -1, date(2024, 12, 10)),
        (date(2025, 5, 31), 0, date(2025, 5, 31)),
    ],
)
def test_a_month_later_is_the_same_date_or_the_last_day_of_a_shorter_month(start, months, expected):
    assert add_months(start, months=months) == expected


# Properties


@PROPERTIES
@given(day=DAYS, days=st.integers(min_value=-400, max_value=400))
def test_adding_working_days_always_lands_on_a_working_day(day, days):
    assert is_working_day(add_working_days(day, days=days))


@PROPERTIES
@given(day=DAYS, days=st.integers(min_value=1, max_value=400))
def test_working_days_between_inverts_add_working_days_forwards(day, days):
    assert working_days_between(start=day, end=add_working_days(day, days=days)) == days


@PROPERTIES
@given(day=DAYS, days=st.integers(min_value=-400, max_value=400))
def test_working_days_between_inverts_add_working_days_from_a_working_day(day, days):
    start = next_working_day(day)
    assert working_days_between(start=start, end=add_working_days(start, days=days)) == days


@PROPERTIES
@given(
    day=DAYS,
    fewer=st.integers(min_value=-200, max_value=200),
    more=st.integers(min_value=-200, max_value=200),
)
def test_more_working_days_is_never_earlier(day, fewer, more):
    fewer, more = sorted((fewer, more))
    assert add_working_days(day, days=fewer) <= add_working_days(day, days=more)
    if fewer < more and is_working_day(day):
        assert add_working_days(day, days=fewer) < add_working_days(day, days=more)


@PROPERTIES
@given(first=DAYS, second=DAYS, third=DAYS)
def test_working_days_between_is_antisymmetric_and_adds_up(first, second, third):
    assert working_days_between(start=first, end=second) == -working_days_between(
        start=second, end=first
    )
    assert working_days_between(start=first, end=second) + working_days_between(
        start=second, end=third
    ) == working_days_between(start=first, end=third)
    assert working_days_between(start=first, end=first) == 0


@PROPERTIES
@given(day=DAYS, span=st.integers(min_value=0, max_value=120))
def test_working_days_between_counts_the_working_days_after_start_up_to_end(day, span):
    expected = sum(is_working_day(day + timedelta(days=n)) for n in range(1, span + 1))
    assert working_days_between(start=day, end=day + timedelta(days=span)) == expected


@PROPERTIES
@given(day=DAYS)
def test_a_legal_deadline_is_extended_only_when_it_falls_on_a_closed_day(day):
    extended = extend_legal_deadline(day)
    assert is_working_day(extended)
    assert extended >= day
    assert (extended == day) == is_working_day(day)
    assert all(not is_working_day(day + timedelta(days=n)) for n in range((extended - day).days))


@PROPERTIES
@given(day=DAYS, months=st.integers(min_value=-36, max_value=36))
def test_add_months_moves_whole_months_and_never_past_the_month_end(day, months):
    result = add_months(day, months=months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + timedelta(1)).day == 1)
