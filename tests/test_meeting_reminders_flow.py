"""Issue 6 end to end: a Zorg- en Veiligheidstafel and its reminders, from planning to an
overdue action escalated to the team lead.

Time is driven through the outbox: the dispatcher's claim runs with a fixed "now" (each
reminder's due moment), and the send task's body runs directly, as a worker would run it.
The real-worker behaviour of the outbox (duplicates, killed workers) is covered by
``test_reminder_worker.py``; here it is about who hears what, and when.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from casework import reminders as r
from casework.models import ActionStatus, CaseType, MeetingType
from casework.services import (
    meeting_agenda_freeze,
    meeting_minutes_complete,
    meeting_plan,
    minutes_record,
    plan_action_add,
    plan_action_close,
)
from casework.tests.factories import invite, make_case
from notifications import services as outbox
from notifications.models import Notification, ReminderStatus
from notifications.selectors import reminders_for
from notifications.services import reminders_claim_due
from notifications.tasks import reminder_send
from permissions.tests.factories import signed_in
from workflows.calendar import add_working_days

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PARTNERS = {"ggz", "corporatie", "wijkagent", "jongerenwerk"}


def six_am(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=AMSTERDAM)


@pytest.fixture
def clock(monkeypatch):
    """``clock(day)`` runs the dispatcher at 06:00 that day and the send task for every
    reminder it claims; returns the subjects of the e-mails sent, per username."""
    monkeypatch.setattr(outbox, "_enqueue", lambda ids: None)  # the test is the worker

    def run(day: datetime.date) -> dict[str, list[str]]:
        mail.outbox.clear()
        for reminder_id in reminders_claim_due(now=six_am(day), limit=1000):
            reminder_send.run(reminder_id=reminder_id)
        sent: dict[str, list[str]] = defaultdict(list)
        for message in mail.outbox:
            sent[message.to[0].split("@")[0]].append(str(message.subject))
        return dict(sent)

    return run


@pytest.fixture
def region(orgs, actors):
    for user in actors.values():
        user.email = f"{user.username}@testwaard.example"
        user.save(update_fields=["email"])
    coordinator = actors["coordinator"]
    woon = make_case(owner=orgs["gemeente"], coordinator=coordinator)
    jeugd = make_case(
        owner=orgs["gemeente"], coordinator=coordinator, case_type=CaseType.JEUGDOVERLAST
    )
    for name in ("ggz", "corporatie"):
        invite(woon, orgs[name], coordinator)
    for name in ("politie", "jongerenwerk"):
        invite(jeugd, orgs[name], coordinator)
    return {"woon": woon, "jeugd": jeugd}


def test_a_table_from_invitation_to_an_escalated_action(region, actors, orgs, clock):
    coordinator = actors["coordinator"]
    woon, jeugd = region["woon"], region["jeugd"]
    # A Monday four weeks ahead, at ten.
    day = timezone.localdate() + datetime.timedelta(days=28)
    day += datetime.timedelta(days=-day.weekday())
    zvt = MeetingType.objects.get(municipality=woon.municipality, code="zvt")

    # Given a meeting with two cases whose partners differ
    meeting = meeting_plan(
        actor=coordinator,
        meeting_type=zvt,
        starts_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=AMSTERDAM),
        cases=[woon, jeugd],
    )
    invitation_day = add_working_days(day, days=-5)

    # Nothing before the invitations are due
    assert clock(invitation_day - datetime.timedelta(days=1)) == {}

    # Five working days before: each partner is invited to its own item, and to nothing else
    sent = clock(invitation_day)
    assert set(sent) == PARTNERS
    for name in ("ggz", "corporatie"):
        (subject,) = sent[name]
        assert woon.reference in subject and jeugd.reference not in subject
    for name in ("wijkagent", "jongerenwerk"):
        (subject,) = sent[name]
        assert jeugd.reference in subject and woon.reference not in subject
    # ... and what each sees behind the link holds its own item only
    for name, own, other in (("ggz", woon, jeugd), ("jongerenwerk", jeugd, woon)):
        client = signed_in(actors[name])
        html = client.get(f"/overleggen/{meeting.uuid}/").content.decode()
        assert own.reference in html and other.reference not in html
        notices = client.get("/meldingen/").content.decode()
        assert own.reference in notices and other.reference not in notices

    # Two working days before, the chair is asked to freeze the agenda
    freeze_day = add_working_days(day, days=-2)
    sent = clock(freeze_day)
    assert list(sent) == ["coordinator"]
    assert "Zet de agenda vast van Zorg- en Veiligheidstafel" in sent["coordinator"][0]
    meeting_agenda_freeze(meeting=meeting, actor=coordinator)
    # Frozen: each partner hears that its own item is final
    sent = clock(freeze_day)
    assert set(sent) == PARTNERS
    assert all("staat vast" in s for subjects in sent.values() for s in subjects)
    assert woon.reference not in sent["jongerenwerk"][0]

    # At the table: minutes for both items, and actions for two partners
    items = {i.case_id: i for i in meeting.items.all()}
    deadline = day + datetime.timedelta(days=10)  # a Thursday
    for case in (woon, jeugd):
        minutes_record(item=items[case.pk], actor=coordinator, decision="Besluit.")
    ggz_action = plan_action_add(
        case=woon,
        actor=coordinator,
        title="Huisbezoek bij meneer Brinkers",
        owner_organisation=orgs["ggz"],
        due_date=deadline,
        agenda_item=items[woon.pk],
    )
    youth_action = plan_action_add(
        case=jeugd,
        actor=coordinator,
        title="Groep benaderen",
        owner_organisation=orgs["jongerenwerk"],
        owner=actors["jongerenwerk"],
        due_date=deadline,
        agenda_item=items[jeugd.pk],
    )
    meeting_minutes_complete(meeting=meeting, actor=coordinator)
    # Minutes complete: the chair is not told they are missing
    assert clock(add_working_days(day, days=2)) == {}
    assert {x.status for x in reminders_for(obj=meeting, kind="minutes_missing")} == {
        ReminderStatus.CANCELLED
    }

    # The youth workers finish in time: their reminders are cancelled
    plan_action_close(
        action=youth_action,
        actor=actors["jongerenwerk"],
        status=ActionStatus.DONE,
        note="Gedaan.",
    )

    # Three days before the deadline, and on the day: the owner organisation
    sent = clock(deadline - datetime.timedelta(days=3))
    assert set(sent) == {"ggz"}
    assert woon.reference in sent["ggz"][0] and "Brinkers" not in sent["ggz"][0]
    sent = clock(deadline)
    assert set(sent) == {"ggz"} and "verloopt vandaag" in sent["ggz"][0]

    # The deadline passes. Five working days later: the coordinator, not earlier
    escalation = add_working_days(deadline, days=5)
    assert clock(add_working_days(deadline, days=4)) == {}
    sent = clock(escalation)
    assert set(sent) == {"coordinator"} and "verlopen sinds" in sent["coordinator"][0]
    # Five working days after that: the team lead, not earlier
    assert clock(add_working_days(escalation, days=4)) == {}
    sent = clock(add_working_days(escalation, days=5))
    assert set(sent) == {"teamlead"} and woon.reference in sent["teamlead"][0]
    assert {x.step: x.status for x in reminders_for(obj=ggz_action)} == {
        step: ReminderStatus.SENT for step in (r.SOON, r.TODAY, r.COORDINATOR, r.TEAM_LEAD)
    }

    # The next review date the minutes set (six weeks after the table): the coordinator
    review = day + datetime.timedelta(weeks=zvt.review_weeks)
    sent = clock(review)
    assert set(sent) == {"coordinator"} and len(sent["coordinator"]) == 2
    assert all("geëvalueerd" in subject for subject in sent["coordinator"])
    assert clock(review + datetime.timedelta(days=60)) == {}

    # Everyone who was told also finds it under Meldingen, and nobody else's
    titles = defaultdict(list)
    for notice in Notification.objects.select_related("recipient"):
        titles[notice.recipient.username].append(notice.title)
    assert all(jeugd.reference not in t for t in titles["ggz"] + titles["corporatie"])
    assert all(woon.reference not in t for t in titles["wijkagent"] + titles["jongerenwerk"])
    assert not [t for ts in titles.values() for t in ts if "Brinkers" in t]
    assert "boa" not in titles and "buurcoordinator" not in titles
