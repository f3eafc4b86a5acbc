"""Subject access (export, clock), objection and restriction (the sharing stop), and who
must hear of a correction."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casework.models import Person
from casework.selectors import case_file_get_for
from casework.services import CaseworkError, note_add
from casework.tests.factories import invite
from permissions.constants import FieldGroup
from permissions.models import AccessAction, AccessLog
from permissions.tests.factories import signed_in
from privacy.models import RestrictionKind, RestrictionRequest, SubjectAccessRequest
from privacy.selectors import person_recipients
from privacy.services import (
    PrivacyError,
    PrivacyForbidden,
    person_export,
    restriction_decide,
    restriction_register,
    subject_access_extend,
    subject_access_register,
)
from signals.services import PersonInput, signal_triage
from signals.tests.factories import make_signal
from workflows.calendar import add_months

from .scan import raw_scan

SUBJECT = "Hendrika Wolters"
SUBJECT_BSN = "314159265"
REPORTER = "Bartholomeus Jansma"
CARE_NOTE = "Wolters heeft een verslaving en weigert hulp."
REPORTER_NOTE = "Jansma wil niet dat de buurvrouw weet wie belde."


@pytest.fixture
def demo(actors, orgs):
    """A signal about Wolters, reported by Jansma (a resident), triaged into a case with a
    care note and a reporter note, shared with the GGZ; plus a case about someone else."""
    signal = make_signal(
        actors["boa"],
        description="Wolters roept scheldwoorden naar voorbijgangers.",
        persons=(
            PersonInput(
                role="subject",
                name=SUBJECT,
                birth_date=datetime.date(1966, 2, 3),
                bsn=SUBJECT_BSN,
            ),
            PersonInput(role="reporter", name=REPORTER, birth_date=datetime.date(1950, 6, 7)),
        ),
    )
    signal = signal_triage(
        signal=signal, actor=actors["coordinator"], decision="new_case", case_type="woonoverlast"
    )
    case = signal.case
    assert case is not None
    note_add(case=case, author=actors["coordinator"], field_group=FieldGroup.CARE, body=CARE_NOTE)
    note_add(
        case=case,
        author=actors["coordinator"],
        field_group=FieldGroup.REPORTER,
        body=REPORTER_NOTE,
    )
    invite(case, orgs["ggz"], actors["coordinator"])
    case_file_get_for(user=actors["ggz"], case_id=case.uuid)  # the GGZ reads the file
    other = make_signal(
        actors["boa"],
        description="Overlast van een ander: Kornelis Dijkstra.",
        persons=(PersonInput(role="subject", name="Kornelis Dijkstra"),),
    )
    subject = Person.objects.get(signal_roles__signal=signal, signal_roles__role="subject")
    reporter = Person.objects.get(signal_roles__signal=signal, signal_roles__role="reporter")
    return {
        "signal": signal,
        "case": case,
        "subject": subject,
        "reporter": reporter,
        "other": other,
    }


def test_the_export_holds_every_signal_case_note_and_access_of_the_person(actors, demo):
    export = person_export(person=demo["subject"], actor=actors["privacy"])

    assert export["person"]["surname"] == "Wolters"
    assert export["person"]["bsn"] == SUBJECT_BSN
    assert [s["reference"] for s in export["signals"]] == [demo["signal"].reference]
    assert export["signals"][0]["description"].startswith("Wolters roept")
    assert [c["reference"] for c in export["cases"]] == [demo["case"].reference]
    notes = [n["text"] for n in export["cases"][0]["notes"]]
    assert CARE_NOTE in notes
    assert any("Wolters roept" in n for n in notes)  # the signal became a note
    logged = AccessLog.objects.filter(person_uuid=demo["subject"].uuid).count()
    assert len(export["access_log"]) == logged  # including this export itself
    assert {"ggz", "privacy"} <= {e["actor_username"] for e in export["access_log"]}
    assert export["recipients"][0]["organisation"] == "GGZ Testwaard"


def test_the_export_says_nothing_about_anyone_else(actors, demo):
    export = person_export(person=demo["subject"], actor=actors["privacy"])
    text = repr(export)

    for other in (REPORTER, "Jansma", "Bartholomeus", REPORTER_NOTE, "Dijkstra"):
        assert other not in text
    assert str(demo["reporter"].uuid) not in text


def test_a_reporter_gets_the_reporter_notes_only(actors, demo):
    export = person_export(person=demo["reporter"], actor=actors["privacy"])

    assert [n["text"] for n in export["cases"][0]["notes"]] == [REPORTER_NOTE]
    assert "Wolters" not in repr(export["cases"]) and SUBJECT_BSN not in repr(export)


def test_every_export_is_logged(actors, demo):
    person_export(person=demo["subject"], actor=actors["privacy"])
    person_export(person=demo["subject"], actor=actors["privacy"], export_format="html")

    rows = AccessLog.objects.filter(action=AccessAction.EXPORT, person_uuid=demo["subject"].uuid)
    assert sorted(r.detail["format"] for r in rows) == ["html", "json"]
    assert {r.actor_username for r in rows} == {"privacy"}


@pytest.mark.parametrize(
    ("who", "status"),
    [("privacy", 200), ("coordinator", 403), ("teamlead", 403), ("beheer", 403), ("ggz", 403)],
)
def test_only_the_privacy_officer_exports(actors, demo, token_client, who, status):
    response = token_client(actors[who]).get(f"/api/v1/persons/{demo['subject'].uuid}/export/")

    assert response.status_code == status
    if status == 200:
        assert response.json()["person"]["surname"] == "Wolters"


def test_an_unknown_person_is_not_found(actors, token_client):
    client = token_client(actors["privacy"])
    assert client.get("/api/v1/persons/not-a-uuid/export/").status_code == 404
    assert (
        client.get("/api/v1/persons/00000000-0000-0000-0000-000000000000/export/").status_code
        == 404
    )


def test_the_print_view_is_dutch_and_logged(actors, demo):
    client = signed_in(actors["privacy"])
    response = client.get(f"/privacy/personen/{demo['subject'].uuid}/inzage/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Overzicht van persoonsgegevens" in body and CARE_NOTE in body
    assert REPORTER not in body
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, detail__format="html").exists()


def test_the_search_page_finds_a_person_by_bsn_or_name_and_birth_date(actors, demo):
    client = signed_in(actors["privacy"])
    target = f"/privacy/personen/{demo['subject'].uuid}/"
    assert client.get("/privacy/inzage/", {"bsn": SUBJECT_BSN})["Location"] == target
    found = client.get("/privacy/inzage/", {"achternaam": "Wolters", "geboortedatum": "1966-02-03"})
    assert found["Location"] == target
    assert (
        "Geen persoon gevonden"
        in client.get("/privacy/inzage/", {"bsn": "123456782"}).content.decode()
    )
    assert AccessLog.objects.filter(action=AccessAction.SEARCH, object_type="person").count() == 3


def test_a_subject_access_request_runs_one_month_and_three_when_told_in_time(actors, demo):
    received = timezone.localdate() - datetime.timedelta(days=3)
    request = subject_access_register(
        person=demo["subject"], received_on=received, actor=actors["privacy"]
    )
    assert request.due_on >= add_months(received, months=1)

    with pytest.raises(PrivacyError):
        subject_access_extend(
            request=request,
            notified_on=add_months(received, months=1) + datetime.timedelta(days=5),
            actor=actors["privacy"],
        )
    extended = subject_access_extend(
        request=request, notified_on=timezone.localdate(), actor=actors["privacy"]
    )
    assert extended.due_on >= add_months(received, months=3)
    assert person_export(person=demo["subject"], actor=actors["privacy"])["request"]["extended"]


def test_a_coordinator_cannot_register_a_request(actors, demo):
    with pytest.raises(PrivacyForbidden):
        subject_access_register(
            person=demo["subject"], received_on=timezone.localdate(), actor=actors["coordinator"]
        )
    assert not SubjectAccessRequest.objects.exists()


def test_an_objection_stops_new_sharing_until_it_is_rejected(actors, orgs, demo):
    request = restriction_register(
        person=demo["subject"],
        kind=RestrictionKind.OBJECTION,
        received_on=timezone.localdate(),
        actor=actors["privacy"],
    )
    with pytest.raises(CaseworkError, match="bezwaar"):
        invite(demo["case"], orgs["corporatie"], actors["coordinator"])

    restriction_decide(
        request=request,
        upheld=False,
        reason="Zwaarwegend belang: acute veiligheidsrisico's voor de buren.",
        actor=actors["privacy"],
    )

    invite(demo["case"], orgs["corporatie"], actors["coordinator"])
    stored = RestrictionRequest.objects.get(pk=request.pk)
    assert stored.status == RestrictionRequest.Status.REJECTED
    assert (stored.decision_reason or "").startswith("Zwaarwegend belang")
    assert raw_scan(texts=["Zwaarwegend belang"]) == []  # encrypted at rest


def test_an_upheld_restriction_keeps_stopping_new_sharing(actors, orgs, demo):
    request = restriction_register(
        person=demo["subject"],
        kind=RestrictionKind.RESTRICTION,
        received_on=timezone.localdate(),
        actor=actors["privacy"],
    )
    restriction_decide(
        request=request, upheld=True, reason="Juistheid betwist.", actor=actors["privacy"]
    )

    with pytest.raises(CaseworkError):
        invite(demo["case"], orgs["corporatie"], actors["coordinator"])
    with pytest.raises(PrivacyError):
        restriction_decide(request=request, upheld=False, reason="x", actor=actors["privacy"])


def test_a_correction_names_every_organisation_that_received_the_data(actors, orgs, demo):
    invite(demo["case"], orgs["politie"], actors["coordinator"], ended=True)

    recipients = person_recipients(person=demo["subject"])

    names = [r["organisation"] for r in recipients]
    assert names == sorted(names)
    assert {"GGZ Testwaard", "Politie Testwaard"} <= set(names)
    ggz = next(r for r in recipients if r["organisation"] == "GGZ Testwaard")
    assert ggz["cases"] == [demo["case"].reference]
    assert ggz["via"] == ["access_log", "participation"]


def test_the_privacy_officer_registers_extends_and_answers_a_request_on_its_page(actors, demo):
    client = signed_in(actors["privacy"])
    page = f"/privacy/personen/{demo['subject'].uuid}/"
    received = timezone.localdate() - datetime.timedelta(days=2)

    client.post(page, {"action": "register", "received_on": received.isoformat()})
    request = SubjectAccessRequest.objects.get(person=demo["subject"])
    client.post(
        page,
        {"action": "extend", "request": str(request.uuid), "notified_on": received.isoformat()},
    )
    body = client.get(page).content.decode()
    assert "Inzageverzoeken" in body and "verlengd" in body
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()  # no content shown
    client.post(page, {"action": "answered", "request": str(request.uuid)})

    request.refresh_from_db()
    assert request.status == SubjectAccessRequest.Status.ANSWERED
    assert request.due_on >= add_months(received, months=3)
    assert signed_in(actors["coordinator"]).get(page).status_code == 403


def test_the_privacy_officer_registers_and_decides_an_objection_on_the_persons_page(
    actors, orgs, demo
):
    client = signed_in(actors["privacy"])
    page = f"/privacy/personen/{demo['subject'].uuid}/"

    client.post(
        page,
        {
            "action": "restriction",
            "kind": "objection",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    body = client.get(page).content.decode()
    assert "Verwerking is beperkt sinds" in body, body[body.find("<main") :]
    with pytest.raises(CaseworkError):
        invite(demo["case"], orgs["corporatie"], actors["coordinator"])

    objection = RestrictionRequest.objects.get(person=demo["subject"])
    client.post(
        page,
        {"action": "reject", "restriction": str(objection.uuid), "reason": "Wettelijke taak"},
    )
    objection.refresh_from_db()
    assert objection.status == RestrictionRequest.Status.REJECTED
    invite(demo["case"], orgs["corporatie"], actors["coordinator"])
