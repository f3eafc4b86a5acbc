"""Referrals (aanmeldingen) of multiproblem cases: who may complete them, what is missing, and
the reminder to referrers of incomplete referrals before the weekly triage cut-off."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from casework import reminders as r
from casework.models import Case, CaseType, MeetingType, Referral
from casework.selectors import referrals_incomplete
from casework.services import (
    CaseworkError,
    case_open,
    meeting_plan,
    meeting_reschedule,
    referral_set,
)
from notifications.kinds import ObjectRef, ReminderCode
from notifications.models import Notification, Reminder, ReminderStatus
from notifications.selectors import reminders_for
from notifications.services import reminder_deliver
from permissions.models import AccessLog
from permissions.tests.factories import signed_in
from workflows.calendar import add_working_days

from .factories import make_case

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OPEN = (ReminderStatus.PENDING, ReminderStatus.DISPATCHING)


def tuesday_in(days: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=AMSTERDAM)


@pytest.fixture
def referral_case(orgs, actors) -> Case:
    """A multiproblem case opened by the coordinator on behalf of the GGZ worker."""
    return case_open(
        owner=orgs["gemeente"],
        case_type=CaseType.MULTIPROBLEM,
        opened_by=actors["coordinator"],
        referred_by=actors["ggz"],
    )


def complete(case: Case, actor, orgs) -> Referral:
    return referral_set(
        case=case,
        actor=actor,
        reason="Schulden en overlast",
        goal="Stabiliseren",
        discussed_with_person=False,
        not_discussed_reason="Niet bereikbaar",
        proposed_partners=[orgs["ggz"], orgs["corporatie"]],
    )


def plan_triage(actors, municipality_id: int, day: datetime.date):
    triage = MeetingType.objects.get(municipality_id=municipality_id, code=r.TRIAGE_MEETING_CODE)
    return meeting_plan(
        actor=actors["coordinator"], meeting_type=triage, starts_at=at(day, 9), cases=[]
    )


def page_without_noise(response, asked) -> str:
    html = response.content.decode().replace(str(asked), "ID")
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# --- the referral and who may complete it -------------------------------------------------


def test_a_multiproblem_case_starts_with_an_empty_referral_of_its_referrer(referral_case, actors):
    referral = Referral.objects.get(case=referral_case)
    assert referral.referred_by == actors["ggz"]
    assert [
        v.case for v in referrals_incomplete(municipality_id=referral_case.municipality_id)
    ] == [referral_case]


def test_other_case_types_have_no_referral(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    assert not Referral.objects.filter(case=case).exists()


def test_the_referrer_completes_the_referral_on_the_page(referral_case, actors, orgs):
    client = signed_in(actors["ggz"])

    listing = client.get("/aanmeldingen/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert referral_case.reference in html
    assert "onvolledig" in html

    page = client.get(f"/aanmeldingen/{referral_case.uuid}/")
    assert page.status_code == 200
    response = client.post(
        f"/aanmeldingen/{referral_case.uuid}/",
        {
            "reason": "Schulden, dreigende huisuitzetting",
            "goal": "Woning behouden",
            "proposed_partners": [str(orgs["corporatie"].uuid)],
            "discussed_with_person": "yes",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=referral_case)
    assert referral.reason == "Schulden, dreigende huisuitzetting"
    assert referral.discussed_with_person is True
    assert referral.referred_by == actors["ggz"]
    assert referrals_incomplete(municipality_id=referral_case.municipality_id) == []
    assert "volledig" in client.get(f"/aanmeldingen/{referral_case.uuid}/").content.decode()
    # Reading the referral is logged like any read of case content.
    assert AccessLog.objects.filter(
        actor=actors["ggz"], object_id=str(referral_case.uuid), action="read_case", result="ok"
    ).exists()


def test_the_coordinator_who_runs_the_case_completes_it_too(referral_case, actors, orgs):
    complete(referral_case, actors["coordinator"], orgs)
    page = signed_in(actors["coordinator"]).get(f"/casussen/{referral_case.uuid}/")
    assert f"/aanmeldingen/{referral_case.uuid}/" in page.content.decode()


@pytest.mark.parametrize("name", ["corporatie", "boa", "buurcoordinator", "wijkagent"])
def test_anyone_else_gets_the_same_404_as_for_an_absent_case(referral_case, actors, name):
    client = signed_in(actors[name])
    forbidden = client.get(f"/aanmeldingen/{referral_case.uuid}/")
    absent = client.get("/aanmeldingen/00000000-0000-4000-8000-000000000000/")
    assert forbidden.status_code == absent.status_code == 404
    # The same page but for the address asked for and the per-response tokens.
    assert page_without_noise(forbidden, referral_case.uuid) == page_without_noise(
        absent, "00000000-0000-4000-8000-000000000000"
    )
    posted = client.post(f"/aanmeldingen/{referral_case.uuid}/", {"reason": "x"})
    assert posted.status_code == 404
    assert Referral.objects.get(case=referral_case).reason is None
    assert referral_case.reference not in client.get("/aanmeldingen/").content.decode()


def test_the_referrer_cannot_change_it_after_triage(referral_case, actors, orgs):
    complete(referral_case, actors["ggz"], orgs)
    Case.objects.filter(pk=referral_case.pk).update(state="triage")
    referral_case.refresh_from_db()

    assert signed_in(actors["ggz"]).get(f"/aanmeldingen/{referral_case.uuid}/").status_code == 404
    with pytest.raises(CaseworkError):
        complete(referral_case, actors["ggz"], orgs)
    complete(referral_case, actors["coordinator"], orgs)  # whoever runs it still may


def test_a_too_long_reason_is_refused_with_a_message_and_nothing_changes(referral_case, actors):
    response = signed_in(actors["ggz"]).post(
        f"/aanmeldingen/{referral_case.uuid}/", {"reason": "x" * 5001, "goal": "Doel"}
    )
    assert response.status_code == 200
    assert "5000" in response.content.decode()
    assert Referral.objects.get(case=referral_case).goal is None


# --- the triage cut-off reminder ----------------------------------------------------------


def test_planning_the_weekly_triage_schedules_the_cut_off_reminder(referral_case, actors):
    day = tuesday_in(14)
    meeting = plan_triage(actors, referral_case.municipality_id, day)

    reminder = reminders_for(obj=meeting, kind=ReminderCode.TRIAGE_CUTOFF).get(status__in=OPEN)
    moment = timezone.localtime(reminder.due_at)
    assert moment.date() == add_working_days(day, days=-1)
    assert (moment.hour, moment.minute) == (6, 0)

    # A moved triage moves the reminder: the old moment is cancelled.
    meeting_reschedule(
        meeting=meeting,
        actor=actors["coordinator"],
        starts_at=at(day + datetime.timedelta(days=7), 9),
    )
    [moved] = reminders_for(obj=meeting, kind=ReminderCode.TRIAGE_CUTOFF).filter(status__in=OPEN)
    assert timezone.localtime(moved.due_at).date() == add_working_days(
        day + datetime.timedelta(days=7), days=-1
    )


def test_other_meetings_have_no_cut_off(referral_case, actors):
    zvt = MeetingType.objects.get(municipality_id=referral_case.municipality_id, code="zvt")
    meeting = meeting_plan(
        actor=actors["coordinator"], meeting_type=zvt, starts_at=at(tuesday_in(14)), cases=[]
    )
    assert not reminders_for(obj=meeting, kind=ReminderCode.TRIAGE_CUTOFF).exists()


def test_the_cut_off_reminder_goes_to_referrers_of_incomplete_referrals_only(
    referral_case, actors, orgs
):
    done = case_open(
        owner=orgs["gemeente"],
        case_type=CaseType.MULTIPROBLEM,
        opened_by=actors["coordinator"],
        referred_by=actors["corporatie"],
    )
    complete(done, actors["corporatie"], orgs)
    # A referral without a known referrer: its coordinator is reminded instead.
    orphan = case_open(
        owner=orgs["gemeente"], case_type=CaseType.MULTIPROBLEM, opened_by=actors["colleague"]
    )
    Referral.objects.filter(case=orphan).update(referred_by=None)
    # The other municipality's incomplete referral is not this triage's business.
    case_open(
        owner=orgs["buurgemeente"],
        case_type=CaseType.MULTIPROBLEM,
        opened_by=actors["buurcoordinator"],
    )
    meeting = plan_triage(actors, referral_case.municipality_id, tuesday_in(14))
    reminder = reminders_for(obj=meeting, kind=ReminderCode.TRIAGE_CUTOFF).get()

    recipients = r.triage_cutoff_recipients(ObjectRef.of(meeting), "")
    assert {u.username for u in recipients} == {"ggz", "colleague"}

    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.DISPATCHING)
    reminder_deliver(reminder_id=reminder.pk)
    notes = Notification.objects.filter(delivery__reminder=reminder)
    assert {n.recipient.username for n in notes} == {"ggz", "colleague"}
    [note] = notes.filter(recipient=actors["ggz"])
    assert note.link == "/aanmeldingen/"
    # The message names the dates, never a case or its content.
    assert referral_case.reference not in note.title
    assert "12:00" in note.title


def test_no_cut_off_reminder_when_every_referral_is_complete(referral_case, actors, orgs):
    meeting = plan_triage(actors, referral_case.municipality_id, tuesday_in(14))
    complete(referral_case, actors["ggz"], orgs)
    reminder = reminders_for(obj=meeting, kind=ReminderCode.TRIAGE_CUTOFF).get()

    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.DISPATCHING)
    reminder_deliver(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CANCELLED
    assert not Notification.objects.filter(delivery__reminder=reminder).exists()
