"""Retention over a case's whole life, on the clock of the job (``now``): nothing before the
term, a proposal after it, nothing destroyed without approval, and after approval no trace
of the person in any table while the tombstone and the figures stay."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from casework.models import Case, CaseHistory, CasePerson, HistoryKind, Note, Person
from casework.services import case_transition, note_add
from casework.tests.factories import invite, make_case
from permissions.constants import FieldGroup
from permissions.crypto import DecryptionError, blind_index, data_key_cache_clear, decrypt_value
from permissions.models import AccessLog, DataKey
from permissions.tests.factories import signed_in
from privacy.models import DestructionProposal, ProposalStatus
from privacy.services import (
    PrivacyError,
    PrivacyForbidden,
    destruction_proposal_approve,
    destruction_proposal_reject,
    destruction_proposals_execute,
    destruction_proposals_make,
    retention_run,
)
from signals.models import Signal, SignalPerson
from signals.services import PersonInput, signal_triage
from signals.tests.factories import make_signal
from workflows.calendar import add_months

from .scan import raw_scan

NAME = "Veldkamp"
GIVEN = "Pieternella"
BSN = "271828183"  # fictitious; passes the elfproef
ADDRESS = "Wilgenhof 7"
NOTE = "Veldkamp zegt dat de buurman haar bedreigt met een mes."
DESCRIPTION = "Veldkamp schreeuwt elke nacht in het trappenhuis van Wilgenhof 7."
OTHER = "Zonneveld"


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(3, 0)))


def _life(actors, orgs):
    """A signal triaged into a woonoverlast case with a note and a partner, then closed."""
    signal = make_signal(
        actors["boa"],
        address=ADDRESS,
        postcode="9999AB",
        description=DESCRIPTION,
        persons=(
            PersonInput(
                role="subject",
                name=f"{GIVEN} {NAME}",
                birth_date=datetime.date(1979, 5, 4),
                bsn=BSN,
            ),
        ),
    )
    signal = signal_triage(
        signal=signal, actor=actors["coordinator"], decision="new_case", case_type="woonoverlast"
    )
    case = signal.case
    assert case is not None
    note_add(case=case, author=actors["coordinator"], field_group=FieldGroup.CARE, body=NOTE)
    invite(case, orgs["ggz"], actors["coordinator"])
    for transition, inputs in (
        ("quickscan_starten", {}),
        ("sluiten", {"closing_reason": "verminderd"}),
    ):
        case = case_transition(
            user=actors["coordinator"],
            case_id=case.uuid,
            transition=transition,
            reason=f"{NAME} is verhuisd" if transition == "sluiten" else "",
            inputs=inputs,
        )
    return signal, case


def _someone_else(actors):
    """Another person's open case: retention must leave it alone."""
    case = make_case(owner=actors["coordinator"].organisation, coordinator=actors["coordinator"])
    note_add(case=case, author=actors["coordinator"], field_group=FieldGroup.NUISANCE, body=OTHER)
    return case


@pytest.mark.django_db(transaction=True)
def test_a_case_is_proposed_after_its_term_and_destroyed_only_after_approval(actors, orgs):
    signal, case = _life(actors, orgs)
    other = _someone_else(actors)
    person = Person.objects.get(case_roles__case=case)
    person_key = person.data_key.uuid
    keys = [case.data_key.uuid, person_key, signal.data_key.uuid]
    bsn_index = blind_index(kind="bsn", value=BSN)
    closed_on = timezone.localdate(case.closed_at)
    term_end = add_months(closed_on, months=24)
    cases_before = Case.objects.filter(case_type="woonoverlast").count()
    transitions_before = CaseHistory.objects.filter(case=case, kind=HistoryKind.TRANSITION).count()

    # Up to and on the last day of the term nothing happens.
    for day in (closed_on, add_months(closed_on, months=12), term_end):
        report = retention_run(now=_at(day))
        assert report.proposals_made == 0
        assert report.cases_destroyed == 0
    assert not DestructionProposal.objects.exists()

    # The day after, one proposal; running again does not make a second one.
    retention_run(now=_at(term_end + datetime.timedelta(days=1)))
    retention_run(now=_at(term_end + datetime.timedelta(days=2)))
    proposal = DestructionProposal.objects.get()
    assert proposal.case_id == case.pk
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.term_ended_on == term_end

    # Without approval nothing is destroyed, however long the job runs.
    retention_run(now=_at(term_end + datetime.timedelta(days=400)))
    case.refresh_from_db()
    assert case.destroyed_at is None
    assert Person.objects.filter(pk=person.pk).exists()
    assert DataKey.objects.get(uuid=case.data_key.uuid).wrapped is not None
    assert raw_scan(texts=[NAME], key_uuids=keys)  # still there

    # Approved by the privacy officer: the next run destroys it.
    destruction_proposal_approve(proposal=proposal, actor=actors["privacy"])
    report = retention_run(now=_at(term_end + datetime.timedelta(days=401)))
    assert report.cases_destroyed == 1
    assert report.persons_forgotten == 1
    data_key_cache_clear()

    # No trace of the person in any table: names, BSN, address, note, description, reason,
    # the blind index, or a ciphertext that any of the keys can still open.
    hits = raw_scan(
        texts=[NAME, GIVEN, BSN, ADDRESS, "bedreigt met een mes", "trappenhuis"],
        blobs=[bsn_index],
        key_uuids=keys,
    )
    assert hits == []
    assert set(DataKey.objects.filter(uuid__in=keys).values_list("wrapped", flat=True)) == {None}
    closing = CaseHistory.objects.get(case=case, name="sluiten")
    stored = CaseHistory._meta.get_field("reason").stored_ciphertext(closing)
    assert stored is not None
    with pytest.raises(DecryptionError):
        decrypt_value(ciphertext=stored, aad="irrelevant: the key is gone")
    assert closing.readable_reason is None

    # The tombstone and the figures stay.
    tomb = Case.objects.get(pk=case.pk)
    assert tomb.destroyed_at is not None
    assert (tomb.reference, tomb.case_type, tomb.state, tomb.closing_reason) == (
        case.reference,
        "woonoverlast",
        "gesloten",
        "verminderd",
    )
    assert tomb.opened_at == case.opened_at and tomb.closed_at == case.closed_at
    assert Case.objects.filter(case_type="woonoverlast").count() == cases_before
    assert (
        CaseHistory.objects.filter(case=case, kind=HistoryKind.TRANSITION).count()
        == transitions_before
    )
    assert not CaseHistory.objects.filter(case=case, kind=HistoryKind.EVENT).exists()
    assert not Note.objects.filter(case=case).exists()
    assert not CasePerson.objects.filter(case=case).exists()
    kept = Signal.objects.get(pk=signal.pk)
    assert kept.anonymised_at is not None and kept.case_id == case.pk
    assert (kept.category_id, kept.wijk, kept.postcode_area) == (
        signal.category_id,
        signal.wijk,
        signal.postcode_area,
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DESTROYED

    # Someone else's open case is untouched, and a second run changes nothing.
    other.refresh_from_db()
    assert other.destroyed_at is None
    assert [n.body for n in Note.objects.filter(case=other, body__isnull=False)][-1] == OTHER
    assert CasePerson.objects.filter(case=other).count() == 2
    again = retention_run(now=_at(term_end + datetime.timedelta(days=402)))
    assert (again.cases_destroyed, again.proposals_made, again.persons_forgotten) == (0, 0, 0)


def test_a_person_in_another_case_is_kept_when_one_case_is_destroyed(actors, orgs):
    _signal, case = _life(actors, orgs)
    person = Person.objects.get(case_roles__case=case)
    second = make_signal(
        actors["boa"],
        persons=(PersonInput(role="subject", name=f"{GIVEN} {NAME}", bsn=BSN),),
    )
    after = _at(add_months(timezone.localdate(case.closed_at), months=24) + datetime.timedelta(1))
    destruction_proposals_make(now=after)
    destruction_proposal_approve(
        proposal=DestructionProposal.objects.get(), actor=actors["privacy"]
    )
    destruction_proposals_execute(now=after)

    assert Case.objects.get(pk=case.pk).destroyed_at is not None
    person.refresh_from_db()  # still named in the second signal (its own term not ended)
    assert SignalPerson.objects.filter(signal=second, person=person).exists()
    assert DataKey.objects.get(pk=person.data_key_id).wrapped is not None


def test_a_case_reopened_after_approval_is_not_destroyed(actors, orgs):
    _signal, case = _life(actors, orgs)
    term_end = add_months(timezone.localdate(case.closed_at), months=24)
    retention_run(now=_at(term_end + datetime.timedelta(days=1)))
    proposal = DestructionProposal.objects.get()
    destruction_proposal_approve(proposal=proposal, actor=actors["privacy"])
    case_transition(
        user=actors["coordinator"], case_id=case.uuid, transition="heropenen", reason="terug"
    )

    report = destruction_proposals_execute(now=_at(term_end + datetime.timedelta(days=1)))

    assert report.proposals_withdrawn == 1 and report.cases_destroyed == 0
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert Case.objects.get(pk=case.pk).destroyed_at is None


def test_a_rejected_proposal_postpones_the_next_one(actors, orgs):
    _signal, case = _life(actors, orgs)
    term_end = add_months(timezone.localdate(case.closed_at), months=24)
    retention_run(now=_at(term_end + datetime.timedelta(days=1)))
    proposal = DestructionProposal.objects.get()
    destruction_proposal_reject(
        proposal=proposal, actor=actors["privacy"], reason="Lopende bezwaarprocedure"
    )
    # As if decided on the day of the proposal, for six months.
    postponed = term_end + datetime.timedelta(days=183)
    DestructionProposal.objects.filter(pk=proposal.pk).update(postponed_until=postponed)

    destruction_proposals_make(now=_at(postponed))
    assert DestructionProposal.objects.count() == 1
    destruction_proposals_make(now=_at(postponed + datetime.timedelta(days=1)))
    assert DestructionProposal.objects.filter(status=ProposalStatus.PENDING).count() == 1


def test_only_the_destruction_approvers_decide_and_only_once(actors, orgs):
    _signal, case = _life(actors, orgs)
    term_end = add_months(timezone.localdate(case.closed_at), months=24)
    retention_run(now=_at(term_end + datetime.timedelta(days=1)))
    proposal = DestructionProposal.objects.get()
    for who in ("coordinator", "beheer", "ggz"):
        with pytest.raises(PrivacyForbidden):
            destruction_proposal_approve(proposal=proposal, actor=actors[who])
    destruction_proposal_approve(proposal=proposal, actor=actors["privacy"])
    with pytest.raises(PrivacyError):
        destruction_proposal_approve(proposal=proposal, actor=actors["teamlead"])


def test_a_signal_without_a_case_is_anonymised_after_twelve_months(actors):
    signal = make_signal(actors["boa"], description=DESCRIPTION)
    person = Person.objects.get(signal_roles__signal=signal)
    filed_on = timezone.localdate(signal.created_at)

    retention_run(now=_at(add_months(filed_on, months=12) - datetime.timedelta(days=1)))
    signal.refresh_from_db()
    assert signal.anonymised_at is None

    report = retention_run(now=_at(add_months(filed_on, months=12) + datetime.timedelta(days=1)))

    assert report.signals_anonymised == 1 and report.persons_forgotten == 1
    data_key_cache_clear()
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.anonymised_at is not None
    assert stored.personal_data_until is None and stored.address_index is None
    assert stored.category_id == signal.category_id  # the figures keep their facts
    assert not SignalPerson.objects.filter(signal=signal).exists()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert raw_scan(texts=["trappenhuis"], key_uuids=[signal.data_key.uuid]) == []


def test_the_signal_retention_of_a_municipality_can_be_shorter(actors):
    from privacy.services import retention_rule_approve, retention_rule_propose

    signal = make_signal(actors["boa"])
    rule = retention_rule_propose(
        actor=actors["beheer"], subject="signal", months=6, municipality=signal.municipality
    )
    retention_rule_approve(rule=rule, actor=actors["privacy"])

    filed_on = timezone.localdate(signal.created_at)
    retention_run(now=_at(add_months(filed_on, months=6) + datetime.timedelta(days=1)))

    signal.refresh_from_db()
    assert signal.anonymised_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_run_stopped_halfway_resumes_without_missing_or_repeating(actors, monkeypatch):
    signals = [make_signal(actors["boa"], address=f"Esdoornlaan {n}") for n in range(1, 6)]
    late = _at(add_months(timezone.localdate(signals[0].created_at), months=13))
    from privacy.services import retention as job

    assert len(signals) == 5
    real = job.signal_anonymise
    calls = {"n": 0}

    def crash_on_the_third(*, signal_id):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker lost")
        return real(signal_id=signal_id)

    monkeypatch.setattr(job, "signal_anonymise", crash_on_the_third)
    with pytest.raises(RuntimeError):
        job.signals_anonymise_due(now=late, batch_size=2)
    assert Signal.objects.filter(anonymised_at__isnull=False).count() == 2  # committed

    monkeypatch.setattr(job, "signal_anonymise", real)
    report = job.signals_anonymise_due(now=late, batch_size=2)

    assert report.signals_anonymised == 3
    assert Signal.objects.filter(anonymised_at__isnull=True).count() == 0


def test_the_access_log_is_pruned_after_its_term_and_only_by_retention(actors, settings):
    settings.KETENREGIE_ACCESS_LOG_RETENTION_DAYS = 30
    make_signal(actors["boa"])
    old = AccessLog.objects.count()
    assert old > 0

    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AccessLog.objects.all().delete()

    report = retention_run(now=timezone.now() + datetime.timedelta(days=31))

    assert report.access_log_pruned == old
    remaining = list(AccessLog.objects.values_list("action", "detail"))
    assert remaining == [
        ("retention", {"change": "pruned", "rows": old, "before": remaining[0][1]["before"]})
    ]
    with connection.cursor() as cursor:  # the door closed again with the transaction
        cursor.execute("SELECT current_setting('ketenregie.retention', true)")
        assert cursor.fetchone()[0] in (None, "", "off")


def test_the_destruction_page_lists_proposals_and_records_decisions(actors, orgs):
    _signal, case = _life(actors, orgs)
    term_end = add_months(timezone.localdate(case.closed_at), months=24)
    destruction_proposals_make(now=_at(term_end + datetime.timedelta(days=1)))
    proposal = DestructionProposal.objects.get()
    officer = signed_in(actors["privacy"])

    page = officer.get("/privacy/vernietiging/").content.decode()
    assert case.reference in page and "24 maanden" in page and "Vernietiging goedkeuren" in page
    assert signed_in(actors["coordinator"]).get("/privacy/vernietiging/").status_code == 403

    officer.post(
        "/privacy/vernietiging/",
        {"proposal": str(proposal.uuid), "action": "reject", "reason": "Lopende procedure"},
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.rejection_reason == "Lopende procedure"
    assert "Er wachten geen voorstellen" in officer.get("/privacy/vernietiging/").content.decode()
