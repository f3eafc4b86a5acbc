"""The clocks of the domain: the registry, and when each kind of clock falls due."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.calendar import is_working_day
from workflows.clocks import CLOCKS, Clock, ClockUnit, clock_get, due, due_before

PROPERTIES = settings(max_examples=300, database=None, deadline=None)
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2095, 12, 31))

WD = ClockUnit.WORKING_DAYS
CD = ClockUnit.CALENDAR_DAYS
WK = ClockUnit.WEEKS
MO = ClockUnit.MONTHS

# Every clock of the domain brief (sections 3, 5 and 6): key, amount, unit, counts back.
DOMAIN_CLOCKS = [
    ("acknowledge_melding", 5, WD, False),
    ("quickscan_done", 10, WD, False),
    ("zienswijze_deadline", 2, WK, False),
    ("bezwaartermijn", 6, WK, False),
    ("objection_decision", 6, WK, False),
    ("objection_decision_with_committee", 12, WK, False),
    ("huisverbod_maximum", 10, CD, False),
    ("monitoring_review", 4, WK, False),
    ("nazorg_check", 3, MO, False),
    ("groepsscan_answer", 3, WK, False),
    ("execution_review", 6, WK, False),
    ("triage_outcome_to_referrer", 2, WD, False),
    ("partner_answers", 5, WD, False),
    ("riec_weging", 2, WK, False),
    ("wvggz_verkennend_onderzoek", 14, CD, False),
    ("subject_access", 1, MO, False),
    ("subject_access_extended", 3, MO, False),
    ("destruction_proposal", 24, MO, False),
    ("signal_anonymise", 12, MO, False),
    ("referral_anonymise", 12, MO, False),
    ("signal_not_triaged", 5, WD, False),
    ("agenda_invitations", 5, WD, True),
    ("agenda_frozen", 2, WD, True),
    ("minutes_missing", 2, WD, False),
    ("triage_cutoff", 1, WD, True),
    ("action_due_soon", 3, CD, True),
    ("action_due_today", 0, CD, True),
    ("action_overdue_escalation", 5, WD, False),
]

LEGAL = {
    "bezwaartermijn",
    "objection_decision",
    "objection_decision_with_committee",
    "huisverbod_maximum",
    "wvggz_verkennend_onderzoek",
    "subject_access",
    "subject_access_extended",
}
# The law's periods for acting, plus the zienswijze the municipality gives (see clocks.py).
EXTENDS_ON_HOLIDAY = (LEGAL - {"huisverbod_maximum"}) | {"zienswijze_deadline"}


# The registry


def test_the_registry_holds_every_clock_of_the_domain_and_nothing_else():
    assert set(CLOCKS) == {key for key, *_ in DOMAIN_CLOCKS}


@pytest.mark.parametrize(("key", "amount", "unit", "counts_backwards"), DOMAIN_CLOCKS)
def test_each_clock_has_the_domain_amount_and_unit(key, amount, unit, counts_backwards):
    clock = clock_get(key)
    assert (clock.key, clock.amount, clock.unit) == (key, amount, unit)
    assert clock.counts_backwards is counts_backwards
    assert clock.label_nl


def test_exactly_the_laws_clocks_are_legal_and_name_their_article():
    assert {key for key, clock in CLOCKS.items() if clock.legal} == LEGAL
    assert all(CLOCKS[key].legal_basis for key in LEGAL)
    assert clock_get("bezwaartermijn").legal_basis == "art. 6:7 en 6:8 Awb"
    assert clock_get("subject_access").legal_basis == "art. 12 lid 3 AVG"


def test_exactly_the_periods_for_acting_extend_on_a_closed_day():
    assert {key for key, clock in CLOCKS.items() if clock.extends_on_holiday} == (
        EXTENDS_ON_HOLIDAY
    )


def test_an_unknown_clock_is_a_key_error_that_names_it():
    with pytest.raises(KeyError, match="no_such_clock"):
        clock_get("no_such_clock")


def test_a_settings_table_can_override_a_clock_without_touching_the_default():
    default = clock_get("zienswijze_deadline")
    three_weeks = dataclasses.replace(default, amount=3)

    assert due(three_weeks, start=date(2026, 3, 2)) == date(2026, 3, 23)
    assert due(default, start=date(2026, 3, 2)) == date(2026, 3, 16)
    with pytest.raises(dataclasses.FrozenInstanceError):
        default.amount = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": -1}, "negative"),
        ({"legal": True}, "legal basis"),
        ({"counts_backwards": True, "extends_on_holiday": True}, "art. 1 lid 2"),
    ],
)
def test_an_inconsistent_clock_is_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        Clock(key="broken", label_nl="Kapot", **{"amount": 1, "unit": CD, **fields})


def test_a_forward_clock_cannot_be_counted_back_and_the_reverse():
    with pytest.raises(ValueError, match="due_before"):
        due(clock_get("agenda_invitations"), start=date(2026, 3, 2))
    with pytest.raises(ValueError, match="due\\(\\)"):
        due_before(clock_get("bezwaartermijn"), event=date(2026, 3, 2))


# Awb: bezwaartermijn and the decision on an objection


def test_the_bezwaartermijn_runs_from_the_day_after_publication_for_six_weeks():
    # Published Monday 5 January 2026: runs from Tuesday 6 January, last day Monday 16 Feb.
    assert due(clock_get("bezwaartermijn"), start=date(2026, 1, 5)) == date(2026, 2, 16)


def test_a_bezwaartermijn_ending_on_tweede_kerstdag_ends_on_the_next_working_day():
    # Published Friday 14 November 2025; six weeks end on Friday 26 December.
    assert due(clock_get("bezwaartermijn"), start=date(2025, 11, 14)) == date(2025, 12, 29)


def test_a_bezwaartermijn_ending_on_a_saturday_ends_on_monday():
    assert due(clock_get("bezwaartermijn"), start=date(2026, 1, 3)) == date(2026, 2, 16)


def test_a_bezwaartermijn_ending_on_goede_vrijdag_runs_past_easter():
    # Six weeks from Friday 20 February 2026 end on Goede Vrijdag 3 April; Monday 6 April is
    # Tweede Paasdag, so the last day is Tuesday 7 April.
    assert due(clock_get("bezwaartermijn"), start=date(2026, 2, 20)) == date(2026, 4, 7)


def test_the_decision_on_an_objection_ending_on_bevrijdingsdag_moves_a_day():
    # Counted from the expiry of the bezwaartermijn, Tuesday 24 March 2026.
    assert due(clock_get("objection_decision"), start=date(2026, 3, 24)) == date(2026, 5, 6)


def test_an_advisory_committee_gives_twelve_weeks():
    start = date(2026, 3, 24)
    assert due(clock_get("objection_decision_with_committee"), start=start) == date(2026, 6, 16)


# Other legal clocks


def test_the_wvggz_investigation_ending_on_a_sunday_is_extended_to_monday():
    assert due(clock_get("wvggz_verkennend_onderzoek"), start=date(2026, 3, 1)) == date(2026, 3, 16)


def test_the_wvggz_investigation_ending_on_koningsdag_is_extended():
    start = date(2026, 4, 13)
    assert due(clock_get("wvggz_verkennend_onderzoek"), start=start) == date(2026, 4, 28)


def test_a_huisverbod_lasts_ten_calendar_days_and_is_never_lengthened():
    huisverbod = clock_get("huisverbod_maximum")
    assert due(huisverbod, start=date(2026, 3, 2)) == date(2026, 3, 12)
    # Ten days from Wednesday 16 December 2026 end on Saturday 26 December, Tweede Kerstdag.
    assert due(huisverbod, start=date(2026, 12, 16)) == date(2026, 12, 26)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # Friday
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year, Thursday
        (date(2026, 1, 31), date(2026, 3, 2)),  # 28 February 2026 is a Saturday
        (date(2026, 3, 15), date(2026, 4, 15)),  # same date next month
    ],
)
def test_a_subject_access_request_is_answered_within_one_month(received, expected):
    assert due(clock_get("subject_access"), start=received) == expected


def test_an_extended_subject_access_request_has_three_months_from_receipt():
    assert due(clock_get("subject_access_extended"), start=date(2025, 1, 31)) == date(2025, 4, 30)
    # 24 May 2026 is Eerste Pinksterdag and 25 May Tweede Pinksterdag.
    assert due(clock_get("subject_access_extended"), start=date(2026, 2, 24)) == date(2026, 5, 26)


# Non-legal clocks


def test_a_non_legal_clock_ending_on_a_sunday_is_not_extended():
    assert due(clock_get("monitoring_review"), start=date(2026, 3, 1)) == date(2026, 3, 29)
    assert due(clock_get("riec_weging"), start=date(2026, 3, 1)) == date(2026, 3, 15)


def test_the_zienswijze_deadline_ending_on_tweede_paasdag_moves_on():
    assert due(clock_get("zienswijze_deadline"), start=date(2026, 3, 23)) == date(2026, 4, 7)


def test_a_melding_received_on_christmas_eve_is_acknowledged_in_the_new_year():
    assert due(clock_get("acknowledge_melding"), start=date(2026, 12, 24)) == date(2027, 1, 4)


def test_the_quickscan_takes_ten_working_days_across_easter():
    # Tuesday 31 March 2026: Goede Vrijdag and Tweede Paasdag are skipped.
    assert due(clock_get("quickscan_done"), start=date(2026, 3, 31)) == date(2026, 4, 16)


def test_nazorg_is_checked_after_three_calendar_months_without_extension():
    assert due(clock_get("nazorg_check"), start=date(2026, 11, 30)) == date(2027, 2, 28)


def test_retention_counts_whole_months_from_closing():
    assert due(clock_get("destruction_proposal"), start=date(2024, 2, 29)) == date(2026, 2, 28)
    assert due(clock_get("signal_anonymise"), start=date(2026, 3, 10)) == date(2027, 3, 10)


def test_minutes_are_missing_two_working_days_after_a_friday_meeting():
    assert due(clock_get("minutes_missing"), start=date(2026, 3, 13)) == date(2026, 3, 17)


def test_an_overdue_action_escalates_five_working_days_after_its_deadline():
    start = date(2026, 3, 11)  # Wednesday
    assert due(clock_get("action_overdue_escalation"), start=start) == date(2026, 3, 18)
    # Over Koningsdag (Monday 27 April 2026): from Friday 24 April to Monday 4 May.
    assert due(clock_get("action_overdue_escalation"), start=date(2026, 4, 24)) == date(2026, 5, 4)


# Clocks counted back from an event


def test_invitations_go_out_five_working_days_before_a_monday_meeting():
    assert due_before(clock_get("agenda_invitations"), event=date(2026, 1, 12)) == date(2026, 1, 5)


def test_invitations_before_a_meeting_after_easter_skip_the_holidays():
    # Thursday 9 April 2026: back over Tweede Paasdag and Goede Vrijdag to Tuesday 31 March.
    assert due_before(clock_get("agenda_invitations"), event=date(2026, 4, 9)) == date(2026, 3, 31)


def test_the_agenda_is_frozen_two_working_days_before_the_meeting():
    assert due_before(clock_get("agenda_frozen"), event=date(2026, 1, 12)) == date(2026, 1, 8)


def test_action_reminders_count_calendar_days_back_and_are_never_moved():
    deadline = date(2026, 1, 7)  # Wednesday
    assert due_before(clock_get("action_due_soon"), event=deadline) == date(2026, 1, 4)  # Sunday
    assert due_before(clock_get("action_due_today"), event=deadline) == deadline


# Properties


@PROPERTIES
@given(start=DAYS, key=st.sampled_from(sorted(EXTENDS_ON_HOLIDAY)))
def test_a_clock_that_extends_always_ends_on_a_working_day_no_earlier_than_its_period(start, key):
    clock = clock_get(key)
    plain = due(dataclasses.replace(clock, extends_on_holiday=False), start=start)
    end = due(clock, start=start)
    assert is_working_day(end)
    assert plain <= end
    assert (plain == end) == is_working_day(plain)


@PROPERTIES
@given(start=DAYS)
def test_the_bezwaartermijn_is_six_weeks_unless_its_last_day_is_closed(start):
    end = due(clock_get("bezwaartermijn"), start=start)
    six_weeks = start + timedelta(weeks=6)
    assert end >= six_weeks
    assert (end == six_weeks) == is_working_day(six_weeks)


@PROPERTIES
@given(event=DAYS, key=st.sampled_from(["agenda_invitations", "agenda_frozen"]))
def test_agenda_reminders_fall_on_a_working_day_before_the_meeting(event, key):
    reminder = due_before(clock_get(key), event=event)
    assert reminder < event
    assert is_working_day(reminder)
