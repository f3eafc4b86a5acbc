"""What is left after retention still shows without errors: an anonymised signal and a
destroyed case answer their pages and endpoints with what remains."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casework.models import Case
from permissions.crypto import data_key_cache_clear
from permissions.tests.factories import signed_in
from privacy.models import DestructionProposal
from privacy.services import (
    destruction_proposal_approve,
    destruction_proposals_execute,
    destruction_proposals_make,
    signals_anonymise_due,
)
from signals.tests.factories import make_signal
from workflows.calendar import add_months

from .test_retention import _at, _life


def test_an_anonymised_signal_leaves_the_inbox_and_shows_without_content(actors, token_client):
    signal = make_signal(actors["boa"])
    signals_anonymise_due(now=_at(add_months(timezone.localdate(signal.created_at), months=13)))
    data_key_cache_clear()

    coordinator = signed_in(actors["coordinator"])
    inbox = coordinator.get("/signalen/triage/")
    assert inbox.status_code == 200 and signal.reference not in inbox.content.decode()
    detail = token_client(actors["coordinator"]).get(f"/api/v1/signals/{signal.uuid}/")
    assert detail.status_code == 200
    assert detail.json()["description"] is None and detail.json()["anonymised_at"]
    page = coordinator.get(f"/signalen/{signal.uuid}/")
    assert page.status_code == 200 and "bewaartermijn" in page.content.decode()
    mine = signed_in(actors["boa"]).get("/signalen/mijn/")
    assert mine.status_code == 200 and signal.reference in mine.content.decode()


def test_a_destroyed_case_shows_as_a_tombstone(actors, orgs, token_client):
    _signal, case = _life(actors, orgs)
    after = _at(add_months(timezone.localdate(case.closed_at), months=24) + datetime.timedelta(1))
    destruction_proposals_make(now=after)
    destruction_proposal_approve(
        proposal=DestructionProposal.objects.get(), actor=actors["privacy"]
    )
    destruction_proposals_execute(now=after)
    data_key_cache_clear()
    assert Case.objects.get(pk=case.pk).destroyed_at is not None

    api = token_client(actors["coordinator"]).get(f"/api/v1/cases/{case.uuid}/")
    assert api.status_code == 200
    assert api.json()["reference"] == case.reference
    page = signed_in(actors["coordinator"]).get(f"/casussen/{case.uuid}/")
    assert page.status_code == 200
    history = token_client(actors["coordinator"]).get(f"/api/v1/cases/{case.uuid}/history/")
    assert history.status_code == 200
