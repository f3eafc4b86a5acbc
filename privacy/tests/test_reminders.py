"""The privacy officer's reminders: a destruction proposal waiting for a decision, and a
subject-access request falling due, each moved or cancelled with its object."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from notifications.kinds import ObjectRef, ReminderCode
from notifications.models import ReminderStatus
from notifications.selectors import reminders_for
from privacy.models import DestructionProposal
from privacy.reminders import (
    proposal_recipients,
    proposal_text,
    subject_access_recipients,
    subject_access_text,
)
from privacy.services import (
    destruction_proposal_approve,
    destruction_proposals_make,
    subject_access_answered,
    subject_access_extend,
    subject_access_register,
)
from workflows.calendar import add_months

from .test_retention import _at, _life
from .test_rights import demo  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def pending(obj) -> list[tuple[str, datetime.date]]:
    return [
        (r.step, timezone.localdate(r.due_at))
        for r in reminders_for(obj=obj).filter(status=ReminderStatus.PENDING)
    ]


def test_a_destruction_proposal_reminds_who_approves_it_until_decided(actors, orgs):
    _signal, case = _life(actors, orgs)
    term_end = add_months(timezone.localdate(case.closed_at), months=24)
    destruction_proposals_make(now=_at(term_end + datetime.timedelta(days=1)))
    proposal = DestructionProposal.objects.get()
    rows = list(reminders_for(obj=proposal, kind=ReminderCode.RETENTION_PROPOSAL))
    assert len(rows) == 1 and rows[0].status == ReminderStatus.PENDING
    ref = ObjectRef(type=rows[0].object_type, id=rows[0].object_id)
    # Everyone whose role may approve a destruction (by default the privacy officer and
    # the team lead), of the case's municipality only.
    assert {u.username for u in proposal_recipients(ref, "")} == {"privacy", "teamlead"}
    text = proposal_text(ref, "")
    assert case.reference in text.title and text.link == "/privacy/vernietiging/"
    destruction_proposal_approve(proposal=proposal, actor=actors["privacy"])
    assert pending(proposal) == []


def test_a_subject_access_request_reminds_before_and_on_its_last_day(actors, demo):  # noqa: F811
    received = timezone.localdate() - datetime.timedelta(days=3)
    request = subject_access_register(
        person=demo["subject"], received_on=received, actor=actors["privacy"]
    )
    steps = dict(pending(request))
    assert steps["today"] == request.due_on
    assert steps["before"] < request.due_on and steps["before"].weekday() < 5
    ref = ObjectRef.of(request)
    assert [u.username for u in subject_access_recipients(ref, "today")] == ["privacy"]
    text = subject_access_text(ref, "today")
    assert "vandaag" in text.title and str(demo["subject"].uuid) in text.link
    assert "Wolters" not in text.title  # the person is never named in a mailbox

    extended = subject_access_extend(
        request=request, notified_on=timezone.localdate(), actor=actors["privacy"]
    )
    assert dict(pending(extended))["today"] == extended.due_on  # moved, not doubled
    assert len(pending(extended)) == 2

    subject_access_answered(request=extended, actor=actors["privacy"])
    assert pending(extended) == []
