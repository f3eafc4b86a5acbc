"""Reminders about meetings, actions, plan reviews and legal clocks: what each service
schedules or cancels, on which working day, to whom, and what the message says."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from casework import reminders as r
from casework.models import ActionStatus, CaseType, MeetingType
from casework.services import (
    agenda_item_add,
    agenda_item_remove,
    case_clock_start,
    meeting_agenda_freeze,
    meeting_minutes_complete,
    meeting_plan,
    meeting_reschedule,
    minutes_record,
    plan_action_add,
    plan_action_close,
    plan_action_due_date_set,
)
from notifications.kinds import ObjectRef, ReminderCode
from notifications.models import Delivery, Notification, Reminder, ReminderStatus
from notifications.selectors import reminders_for
from notifications.services import reminder_deliver
from workflows.calendar import add_working_days

from .factories import invite, make_case

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OPEN = (ReminderStatus.PENDING, ReminderStatus.DISPATCHING)


def monday_in(days: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=AMSTERDAM)


def open_reminders(obj, kind=None) -> dict[str, Reminder]:
    return {x.step: x for x in reminders_for(obj=obj, kind=kind).filter(status__in=OPEN)}


def local_day(reminder: Reminder) -> datetime.date:
    moment = timezone.localtime(reminder.due_at)
    assert (moment.hour, moment.minute) == (6, 0)
    return moment.date()


def deliver(reminder: Reminder) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.DISPATCHING)
    reminder_deliver(reminder_id=reminder.pk)


@pytest.fixture
def addressed(actors):
    for user in actors.values():
        user.email = f"{user.username}@testwaard.example"
        user.save(update_fields=["email"])
    return actors


@pytest.fixture
def table(orgs, addressed):
    """A woonoverlast case with GGZ and the corporation, a jeugd case with the police and
    the youth workers, and a Zorg- en Veiligheidstafel type."""
    coordinator = addressed["coordinator"]
    woon = make_case(owner=orgs["gemeente"], coordinator=coordinator)
    jeugd = make_case(
        owner=orgs["gemeente"], coordinator=coordinator, case_type=CaseType.JEUGDOVERLAST
    )
    for name in ("ggz", "corporatie"):
        invite(woon, orgs[name], coordinator)
    for name in ("politie", "jongerenwerk"):
        invite(jeugd, orgs[name], coordinator)
    zvt = MeetingType.objects.get(municipality=woon.municipality, code="zvt")
    return {"woon": woon, "jeugd": jeugd, "zvt": zvt}


def plan(table, actors, day: datetime.date):
    return meeting_plan(
        actor=actors["coordinator"],
        meeting_type=table["zvt"],
        starts_at=at(day),
        cases=[table["woon"], table["jeugd"]],
    )


# --- meetings -----------------------------------------------------------------------------


def test_planning_a_meeting_schedules_invitations_freeze_and_minutes_missing(table, actors):
    day = monday_in(21)

    meeting = plan(table, actors, day)

    at_meeting = open_reminders(meeting)
    assert set(at_meeting) == {r.FREEZE, ""}
    assert local_day(at_meeting[r.FREEZE]) == add_working_days(day, days=-2)
    assert at_meeting[r.FREEZE].kind == ReminderCode.AGENDA
    assert local_day(at_meeting[""]) == add_working_days(day, days=2)
    assert at_meeting[""].kind == ReminderCode.MINUTES_MISSING
    for item in meeting.items.all():
        invitation = open_reminders(item)[r.INVITATION]
        assert local_day(invitation) == add_working_days(day, days=-5)
        assert invitation.municipality_id == meeting.municipality_id


def test_invitations_skip_the_dutch_holidays():
    # Thursday 9 April 2026: back over Tweede Paasdag and Goede Vrijdag to Tuesday 31 March.
    meeting_day = datetime.date(2026, 4, 9)
    clock = r.clock_for(key="agenda_invitations", municipality_id=None)
    assert r.due_before(clock, event=meeting_day) == datetime.date(2026, 3, 31)


def test_moving_a_meeting_moves_its_reminders(table, actors):
    meeting = plan(table, actors, monday_in(21))
    later = monday_in(28)

    meeting_reschedule(meeting=meeting, actor=actors["coordinator"], starts_at=at(later))

    assert local_day(open_reminders(meeting)[r.FREEZE]) == add_working_days(later, days=-2)
    assert local_day(open_reminders(meeting)[""]) == add_working_days(later, days=2)
    for item in meeting.items.all():
        rows = reminders_for(obj=item)
        assert rows.filter(status=ReminderStatus.CANCELLED).count() == 1
        assert local_day(open_reminders(item)[r.INVITATION]) == add_working_days(later, days=-5)


def test_an_item_added_late_is_announced_at_once_and_a_removed_one_not_at_all(table, actors, orgs):
    meeting = plan(table, actors, timezone.localdate() + datetime.timedelta(days=2))
    extra = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])

    item = agenda_item_add(meeting=meeting, case=extra, actor=actors["coordinator"])

    assert open_reminders(item)[r.INVITATION].due_at <= timezone.now()
    ref = ObjectRef.of(item)
    agenda_item_remove(item=item, actor=actors["coordinator"])
    assert set(
        Reminder.objects.filter(object_type=ref.type, object_id=ref.id)
        .values_list("status", flat=True)
        .distinct()
    ) == {ReminderStatus.CANCELLED}


def test_each_partner_is_invited_to_its_own_item_only(table, actors):
    meeting = plan(table, actors, monday_in(21))
    items = {i.case_id: i for i in meeting.items.select_related("case")}

    for item in items.values():
        deliver(open_reminders(item)[r.INVITATION])

    by_person: dict[str, list[str]] = {}
    for message in mail.outbox:
        by_person.setdefault(message.to[0].split("@")[0], []).append(str(message.subject))
    woon, jeugd = table["woon"].reference, table["jeugd"].reference
    assert set(by_person) == {"ggz", "corporatie", "wijkagent", "jongerenwerk"}
    for name in ("ggz", "corporatie"):
        assert len(by_person[name]) == 1 and woon in by_person[name][0]
        assert jeugd not in by_person[name][0]
    for name in ("wijkagent", "jongerenwerk"):
        assert len(by_person[name]) == 1 and jeugd in by_person[name][0]
    for message in mail.outbox:
        assert "Brinkers" not in message.body and "muziek" not in message.body


def test_freezing_cancels_the_freeze_reminder_and_tells_each_item_now(table, actors):
    meeting = plan(table, actors, monday_in(21))

    meeting_agenda_freeze(meeting=meeting, actor=actors["coordinator"])

    assert r.FREEZE not in open_reminders(meeting)
    for item in meeting.items.all():
        frozen = open_reminders(item)[r.FROZEN]
        assert frozen.due_at <= timezone.now()
        assert r.INVITATION in open_reminders(item)


def test_the_chair_is_told_when_minutes_are_missing_and_not_once_they_are_complete(table, actors):
    meeting = plan(table, actors, monday_in(21))
    missing = open_reminders(meeting, ReminderCode.MINUTES_MISSING)[""]
    assert r.minutes_missing_recipients(ObjectRef.of(meeting), "") == [actors["coordinator"]]
    first, second = meeting.items.order_by("order")

    minutes_record(item=first, actor=actors["coordinator"], decision="Huisbezoek.")
    assert r.minutes_missing_still_due(ObjectRef.of(meeting), "")
    assert open_reminders(meeting, ReminderCode.MINUTES_MISSING)
    minutes_record(item=second, actor=actors["coordinator"], decision="Groepsaanpak.")

    missing.refresh_from_db()
    assert missing.status == ReminderStatus.CANCELLED
    meeting_minutes_complete(meeting=meeting, actor=actors["coordinator"])
    assert not r.minutes_missing_still_due(ObjectRef.of(meeting), "")


def test_minutes_schedule_the_plan_review_for_the_coordinator(table, actors):
    meeting = plan(table, actors, monday_in(21))
    item = meeting.items.order_by("order").first()
    review = monday_in(70)

    entry = minutes_record(
        item=item, actor=actors["coordinator"], picture="Beeld.", next_review_on=review
    )

    reminder = open_reminders(entry, ReminderCode.PLAN_REVIEW_DUE)[""]
    assert local_day(reminder) == review
    assert r.plan_review_recipients(ObjectRef.of(entry), "") == [actors["coordinator"]]
    text = r.plan_review_text(ObjectRef.of(entry), "")
    assert item.case.reference in text.title and str(item.case.uuid) in text.link
    later = review + datetime.timedelta(days=7)
    minutes_record(item=item, actor=actors["coordinator"], picture="x", next_review_on=later)
    assert local_day(open_reminders(entry, ReminderCode.PLAN_REVIEW_DUE)[""]) == later


# --- actions ------------------------------------------------------------------------------


@pytest.fixture
def action(table, actors, orgs):
    return plan_action_add(
        case=table["woon"],
        actor=actors["coordinator"],
        title="Gesprek met de heer Brinkers over zijn drankgebruik",
        owner_organisation=orgs["ggz"],
        due_date=monday_in(21) + datetime.timedelta(days=3),  # a Thursday
    )


def test_an_action_reminds_the_owner_then_the_coordinator_then_the_team_leads(action):
    deadline = action.due_date

    steps = open_reminders(action, ReminderCode.ACTION_DUE)

    assert {step: local_day(x) for step, x in steps.items()} == {
        r.SOON: deadline - datetime.timedelta(days=3),
        r.TODAY: deadline,
        r.COORDINATOR: add_working_days(deadline, days=5),
        r.TEAM_LEAD: add_working_days(deadline, days=10),
    }


def test_who_is_reminded_of_an_action_at_each_step(action, actors):
    ref = ObjectRef.of(action)

    assert r.action_recipients(ref, r.SOON) == [actors["ggz"]]
    assert r.action_recipients(ref, r.TODAY) == [actors["ggz"]]
    assert r.action_recipients(ref, r.COORDINATOR) == [actors["coordinator"]]
    assert r.action_recipients(ref, r.TEAM_LEAD) == [actors["teamlead"]]


def test_an_owner_person_is_reminded_instead_of_the_whole_organisation(table, actors, orgs):
    action = plan_action_add(
        case=table["jeugd"],
        actor=actors["coordinator"],
        title="Gesprek",
        owner_organisation=orgs["politie"],
        owner=actors["wijkagent"],
        due_date=monday_in(21),
    )
    assert r.action_recipients(ObjectRef.of(action), r.SOON) == [actors["wijkagent"]]


def test_the_action_reminder_names_the_case_and_deadline_never_the_title(action):
    deliver(open_reminders(action, ReminderCode.ACTION_DUE)[r.SOON])

    (message,) = mail.outbox
    assert message.to == ["ggz@testwaard.example"]
    assert action.case.reference in message.subject
    text = f"{message.subject}\n{message.body}"
    assert "Brinkers" not in text and "drank" not in text
    (notice,) = Notification.objects.filter(recipient__username="ggz")
    assert "Brinkers" not in notice.title and notice.link == "/acties/"


def test_a_moved_deadline_moves_the_reminders_and_closing_cancels_them(action, actors):
    later = action.due_date + datetime.timedelta(days=7)

    plan_action_due_date_set(action=action, actor=actors["coordinator"], due_date=later)

    assert local_day(open_reminders(action)[r.TODAY]) == later
    plan_action_close(
        action=action, actor=actors["ggz"], status=ActionStatus.DONE, note="Gesprek gevoerd."
    )
    assert open_reminders(action) == {}
    assert not r.action_still_due(ObjectRef.of(action), r.COORDINATOR)


def test_reminders_before_a_deadline_that_has_passed_are_not_scheduled(table, actors, orgs):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    action = plan_action_add(
        case=table["woon"],
        actor=actors["coordinator"],
        title="Bellen",
        owner_organisation=orgs["ggz"],
        due_date=tomorrow,
    )

    assert set(open_reminders(action)) == {r.TODAY, r.COORDINATOR, r.TEAM_LEAD}


# --- legal clocks -------------------------------------------------------------------------


def test_a_legal_clock_reminds_the_coordinator_before_and_on_its_last_day(table, actors):
    deadline = case_clock_start(
        case=table["woon"], actor=actors["coordinator"], key="wvggz_verkennend_onderzoek"
    )

    steps = open_reminders(deadline, ReminderCode.LEGAL_CLOCK)

    assert local_day(steps[r.TODAY]) == deadline.due_on
    assert local_day(steps[r.BEFORE]) == add_working_days(deadline.due_on, days=-3)
    ref = ObjectRef.of(deadline)
    assert r.legal_clock_recipients(ref, r.TODAY) == [actors["coordinator"]]
    assert "Verkennend onderzoek Wvggz" in r.legal_clock_text(ref, r.TODAY).title


def test_a_met_or_cancelled_legal_clock_cancels_its_reminders(table, actors):
    deadline = case_clock_start(
        case=table["woon"], actor=actors["coordinator"], key="wvggz_verkennend_onderzoek"
    )

    r.deadline_reminders_cancel(deadlines=table["woon"].deadlines.all())

    assert open_reminders(deadline) == {}


def test_only_clocks_with_a_legal_basis_are_legal_clocks():
    assert r.is_legal_clock("bezwaartermijn")
    assert r.is_legal_clock("zienswijze_deadline")
    assert r.is_legal_clock("huisverbod_maximum")
    assert not r.is_legal_clock("quickscan_done")
    assert not r.is_legal_clock("no_such_clock")


def test_a_batch_of_action_reminders_is_planned_in_a_constant_number_of_queries(
    table, actors, orgs
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications import services as outbox

    def batch(count: int) -> list[int]:
        ids = []
        for n in range(count):
            action = plan_action_add(
                case=table["woon"],
                actor=actors["coordinator"],
                title=f"Actie {n}",
                owner_organisation=orgs["ggz"],
                due_date=monday_in(21),
            )
            steps = open_reminders(action, ReminderCode.ACTION_DUE)
            ids += [steps[r.COORDINATOR].pk, steps[r.TEAM_LEAD].pk, steps[r.SOON].pk]
        Reminder.objects.filter(pk__in=ids).update(status=ReminderStatus.DISPATCHING)
        return ids

    def planning(ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as captured:
            plans = outbox._reminders_plan(reminder_ids=ids)
        assert len(plans) == len(ids)
        return len(captured.captured_queries)

    assert planning(batch(2)) == planning(batch(8))
    recipients = Delivery.objects.values_list("recipient__username", flat=True).distinct()
    assert set(recipients) == {"coordinator", "teamlead", "ggz"}
