"""The clocks of the domain as data: every deadline and reminder period of the domain brief.

A clock is an amount of time in a unit, counted from a start date (``due``) or back from an
event (``due_before``). Every amount, unit and flag is a dataclass field, so a later
per-municipality settings table can override a clock with ``dataclasses.replace``.

How a period is counted (the law's way; domain brief sections 3, 5 and 6):

- The start day itself is not counted: a period "starts on the day after" its start date
  (art. 6:8 Awb for the bezwaartermijn, EU Regulation 1182/71 art. 3 lid 1 for the AVG).
  ``due`` therefore returns the **last day** of the period: a bezwaartermijn for a decision
  published on Monday 5 January runs from Tuesday 6 January and ends on Monday 16 February.
- WORKING_DAYS: ``add_working_days`` (the n-th working day after the start).
  CALENDAR_DAYS and WEEKS: plain date arithmetic. MONTHS: the same date n calendar months
  later, or that month's last day when the date does not exist (31 January + 1 month =
  28/29 February).
- A clock with ``extends_on_holiday`` ends on the next working day when its last day is a
  Saturday, Sunday or Atw holiday (Algemene termijnenwet art. 1 lid 1; for the AVG's periods
  EU Regulation 1182/71 art. 3 lid 4 has the same effect). Clocks counted backwards never
  extend (Atw art. 1 lid 2), and neither does the maximum length of a measure.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from enum import StrEnum

from workflows.calendar import add_months, add_working_days, extend_legal_deadline

__all__ = [
    "CLOCKS",
    "Clock",
    "ClockUnit",
    "clock_get",
    "due",
    "due_before",
]


class ClockUnit(StrEnum):
    """The unit a clock counts in."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WEEKS = "weeks"
    MONTHS = "months"


@dataclasses.dataclass(frozen=True)
class Clock:
    """One deadline or reminder period.

    ``legal`` marks a period fixed by law (``legal_basis`` then names the article);
    ``extends_on_holiday`` applies the Algemene termijnenwet to the last day;
    ``counts_backwards`` marks a clock that ends before an event (use ``due_before``).
    Raises ValueError for a negative amount, a legal clock without a legal basis, or a
    backwards clock that would extend (Atw art. 1 lid 2 forbids it).
    """

    key: str
    label_nl: str
    amount: int
    unit: ClockUnit
    legal: bool = False
    legal_basis: str = ""
    extends_on_holiday: bool = False
    counts_backwards: bool = False

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"Clock {self.key!r}: amount must not be negative.")
        if self.legal and not self.legal_basis:
            raise ValueError(f"Clock {self.key!r}: a legal clock needs its legal basis.")
        if self.counts_backwards and self.extends_on_holiday:
            raise ValueError(
                f"Clock {self.key!r}: a period counted backwards is never extended "
                "(Algemene termijnenwet art. 1 lid 2)."
            )


def _shift(day: date, *, amount: int, unit: ClockUnit) -> date:
    if unit is ClockUnit.WORKING_DAYS:
        return add_working_days(day, days=amount)
    if unit is ClockUnit.CALENDAR_DAYS:
        return day + timedelta(days=amount)
    if unit is ClockUnit.WEEKS:
        return day + timedelta(weeks=amount)
    return add_months(day, months=amount)


def due(clock: Clock, *, start: date) -> date:
    """The last day of ``clock`` when it starts on ``start`` (the start day not counted).

    ``start`` is the day of the triggering event: the arrival of a melding or signal, the
    publication of a decision (bezwaartermijn, art. 6:8 Awb), the expiry of the
    bezwaartermijn (decision on objection, art. 7:10 Awb), the receipt of a request (AVG),
    the closing of a case (retention). For a clock with ``extends_on_holiday`` the result
    is a working day. Raises ValueError for a clock that counts backwards.
    """
    if clock.counts_backwards:
        raise ValueError(f"Clock {clock.key!r} counts back from an event: use due_before().")
    end = _shift(start, amount=clock.amount, unit=clock.unit)
    if clock.extends_on_holiday:
        end = extend_legal_deadline(end)
    return end


def due_before(clock: Clock, *, event: date) -> date:
    """The day ``clock`` falls due before ``event`` (a meeting, an action's deadline).

    Counts back like ``due`` counts forward: 5 working days before a Monday meeting is the
    Monday before; a working-day result is always a working day. Never extended (Atw art. 1
    lid 2). Raises ValueError for a clock that counts forward.
    """
    if not clock.counts_backwards:
        raise ValueError(f"Clock {clock.key!r} counts forward from a start: use due().")
    return _shift(event, amount=-clock.amount, unit=clock.unit)


_AWB_BEZWAAR = "art. 6:7 en 6:8 Awb"
_AWB_BESLISTERMIJN = "art. 7:10 lid 1 Awb"
_AVG_INZAGE = "art. 12 lid 3 AVG"

_CLOCK_LIST: tuple[Clock, ...] = (
    # Woonoverlast (domain 3.1)
    Clock("acknowledge_melding", "Ontvangst melding bevestigen", 5, ClockUnit.WORKING_DAYS),
    Clock("quickscan_done", "Quickscan afronden", 10, ClockUnit.WORKING_DAYS),
    # The Awb gives the right to a zienswijze (art. 4:8) but no period: the municipality sets
    # the date in its letter, so it is no statutory clock. It still rolls past a closed day,
    # so that a gedragsaanwijzing never comes before the person had the full period.
    Clock(
        "zienswijze_deadline",
        "Termijn zienswijze",
        2,
        ClockUnit.WEEKS,
        legal_basis="art. 4:8 Awb",
        extends_on_holiday=True,
    ),
    Clock(
        "bezwaartermijn",
        "Bezwaartermijn",
        6,
        ClockUnit.WEEKS,
        legal=True,
        legal_basis=_AWB_BEZWAAR,
        extends_on_holiday=True,
    ),
    # Counted from the expiry of the bezwaartermijn (art. 7:10 lid 1 Awb), not from receipt.
    Clock(
        "objection_decision",
        "Beslissen op bezwaar",
        6,
        ClockUnit.WEEKS,
        legal=True,
        legal_basis=_AWB_BESLISTERMIJN,
        extends_on_holiday=True,
    ),
    Clock(
        "objection_decision_with_committee",
        "Beslissen op bezwaar (met adviescommissie)",
        12,
        ClockUnit.WEEKS,
        legal=True,
        legal_basis=_AWB_BESLISTERMIJN,
        extends_on_holiday=True,
    ),
    # A maximum length of a measure, not a period for someone to act in: rolling it past a
    # weekend would keep a person out of their home longer than the law allows.
    Clock(
        "huisverbod_maximum",
        "Einde tijdelijk huisverbod (uiterlijk)",
        10,
        ClockUnit.CALENDAR_DAYS,
        legal=True,
        legal_basis="art. 151d Gemeentewet",
    ),
    Clock("monitoring_review", "Evaluatie naleving", 4, ClockUnit.WEEKS),
    Clock("nazorg_check", "Nazorgcontrole", 3, ClockUnit.MONTHS),
    # Jeugdoverlast (domain 3.2) and multiproblem (3.3)
    Clock("groepsscan_answer", "Antwoord groepsscan politie", 3, ClockUnit.WEEKS),
    Clock("execution_review", "Evaluatie uitvoering plan van aanpak", 6, ClockUnit.WEEKS),
    Clock("triage_outcome_to_referrer", "Uitkomst triage aan aanmelder", 2, ClockUnit.WORKING_DAYS),
    Clock("partner_answers", "Antwoord partners (informatie verrijken)", 5, ClockUnit.WORKING_DAYS),
    Clock(
        "wvggz_verkennend_onderzoek",
        "Verkennend onderzoek Wvggz",
        14,
        ClockUnit.CALENDAR_DAYS,
        legal=True,
        legal_basis="art. 5:3 Wvggz",
        extends_on_holiday=True,
    ),
    # RIEC escalation (domain 3.4)
    Clock("riec_weging", "Gemeentelijke weging", 2, ClockUnit.WEEKS),
    # Privacy rights and retention (domain 5)
    Clock(
        "subject_access",
        "Inzageverzoek beantwoorden",
        1,
        ClockUnit.MONTHS,
        legal=True,
        legal_basis=_AVG_INZAGE,
        extends_on_holiday=True,
    ),
    # One month plus the two-month extension, counted from the same receipt of the request.
    Clock(
        "subject_access_extended",
        "Inzageverzoek beantwoorden (verlengd)",
        3,
        ClockUnit.MONTHS,
        legal=True,
        legal_basis=_AVG_INZAGE,
        extends_on_holiday=True,
    ),
    Clock("destruction_proposal", "Vernietigingsvoorstel", 24, ClockUnit.MONTHS),
    Clock("signal_anonymise", "Signaal anonimiseren", 12, ClockUnit.MONTHS),
    Clock(
        "referral_anonymise",
        "Afgewezen of doorgeleide aanmelding anonimiseren",
        12,
        ClockUnit.MONTHS,
    ),
    # Zorg- en Veiligheidstafel and reminders (domain 6)
    Clock("signal_not_triaged", "Signaal niet getrieerd", 5, ClockUnit.WORKING_DAYS),
    Clock(
        "agenda_invitations",
        "Agenda en uitnodigingen versturen",
        5,
        ClockUnit.WORKING_DAYS,
        counts_backwards=True,
    ),
    Clock(
        "agenda_frozen",
        "Agenda vastgezet",
        2,
        ClockUnit.WORKING_DAYS,
        counts_backwards=True,
    ),
    Clock("minutes_missing", "Verslag ontbreekt", 2, ClockUnit.WORKING_DAYS),
    # Referrals complete before noon on this day go to the weekly triage (domain 3.3).
    Clock(
        "triage_cutoff",
        "Cut-off wekelijkse triage",
        1,
        ClockUnit.WORKING_DAYS,
        counts_backwards=True,
    ),
    # The domain brief says "days" for the reminders before an action's deadline: calendar days.
    Clock(
        "action_due_soon",
        "Actie bijna verlopen",
        3,
        ClockUnit.CALENDAR_DAYS,
        counts_backwards=True,
    ),
    Clock(
        "action_due_today",
        "Actie verloopt vandaag",
        0,
        ClockUnit.CALENDAR_DAYS,
        counts_backwards=True,
    ),
    # Escalation is work for the coordinator and reads as working days (5 working days after
    # the deadline: a deadline on a Friday escalates the next Friday, not on Wednesday).
    Clock("action_overdue_escalation", "Actie verlopen: escalatie", 5, ClockUnit.WORKING_DAYS),
)

CLOCKS: dict[str, Clock] = {clock.key: clock for clock in _CLOCK_LIST}
if len(CLOCKS) != len(_CLOCK_LIST):  # pragma: no cover - guards the table above
    raise RuntimeError("Two clocks share a key.")


def clock_get(key: str) -> Clock:
    """The clock registered under ``key``.

    Raises KeyError naming the unknown key and the known ones.
    """
    try:
        return CLOCKS[key]
    except KeyError:
        known = ", ".join(sorted(CLOCKS))
        raise KeyError(f"No clock {key!r}; known clocks: {known}.") from None
