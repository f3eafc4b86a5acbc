"""The signal pages: the phone form without JavaScript, the receipt, "Mijn signalen", the
triage inbox and the signal page with its decisions, each for the roles that may use them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casework.models import Case
from permissions.tests.factories import signed_in
from signals.models import Signal, SignalStatus
from signals.services import PersonInput, signal_triage

from .factories import DESCRIPTION, SUBJECT_BSN, make_signal

pytestmark = pytest.mark.django_db

NEW = "/signalen/nieuw/"
INBOX = "/signalen/triage/"


def form(**overrides):
    data = {
        "idempotency_key": "9a1f4c1e-5d1b-4a8e-9a43-0c6c0ad1c001",
        "category": "WO-GELUID",
        "observed_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "postcode": "9999 xy",
        "house_number": "31",
        "street": "Meidoornlaan",
        "description": DESCRIPTION,
        "persons_0_role": "subject",
        "persons_0_name": "Ria van der Steeg",
        "persons_0_birth_date": "1984-11-23",
        "persons_0_bsn": SUBJECT_BSN,
        "persons_1_role": "reporter",
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_categories_and_a_fresh_key(actors):
    page = signed_in(actors["boa"]).get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nieuw signaal" in html
    assert 'value="WO-GELUID"' in html
    assert 'name="idempotency_key"' in html
    assert "js/signal-form.js" in html
    assert "<script>" not in html  # no inline script: the Content-Security-Policy forbids it
    # A boa's menu offers the signal pages, not the case pages it may not open.
    assert 'href="/signalen/mijn/"' in html
    assert 'href="/casussen/"' not in html and 'href="/overleggen/"' not in html


def test_without_javascript_the_form_files_once_and_shows_the_receipt(actors):
    client = signed_in(actors["boa"])
    first = client.post(NEW, form())
    assert first.status_code == 302
    signal = Signal.objects.get()
    assert first["Location"] == f"/signalen/{signal.uuid}/ontvangen/"
    assert signal.address == "Meidoornlaan 31"
    assert signal.postcode == "9999XY"
    assert signal.signal_persons.count() == 1  # the empty second block names nobody
    # The page reloaded and sent again: the same key files nothing new.
    again = client.post(NEW, form())
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Signal.objects.count() == 1
    receipt = client.get(first["Location"])
    assert signal.reference in receipt.content.decode()
    assert "ontvangen" in receipt.content.decode()


def test_the_same_key_with_other_content_asks_to_check_and_send_again(actors):
    client = signed_in(actors["boa"])
    client.post(NEW, form())
    answer = client.post(NEW, form(description="Iets anders gezien."))
    assert answer.status_code == 400
    assert "eerder verstuurd" in answer.content.decode()
    assert Signal.objects.count() == 1
    assert answer.context["values"]["idempotency_key"] != form()["idempotency_key"]


def test_invalid_fields_are_marked_in_dutch_and_nothing_is_written(actors):
    answer = signed_in(actors["boa"]).post(
        NEW,
        form(
            category="XX-ONBEKEND",
            postcode="12",
            persons_0_bsn="123456789",
            persons_1_name="Piet",
            persons_1_birth_date="2999-01-01",
        ),
    )
    assert answer.status_code == 400
    errors = answer.context["errors"]
    assert "Onbekende categorie" in errors["category"][0]
    assert set(errors) >= {"category", "postcode", "persons_0_bsn"}
    assert "persons_1_birth_date" in errors
    assert 'aria-invalid="true"' in answer.content.decode()
    assert not Signal.objects.exists()


def test_an_empty_form_asks_for_what_is_missing(actors):
    answer = signed_in(actors["boa"]).post(NEW, {"idempotency_key": "k-1"})
    assert answer.status_code == 400
    assert {"category", "description", "observed_at"} <= set(answer.context["errors"])
    assert not Signal.objects.exists()


def test_someone_who_may_not_file_gets_403(actors):
    assert signed_in(actors["privacy"]).get(NEW).status_code == 403


def test_the_receipt_is_the_reporters_and_the_coordinators_only(actors):
    signal = make_signal(actors["boa"])
    url = f"/signalen/{signal.uuid}/ontvangen/"
    assert signed_in(actors["boa"]).get(url).status_code == 200
    assert signed_in(actors["coordinator"]).get(url).status_code == 200
    for other in ("ggz", "wijkagent", "buurcoordinator"):
        assert signed_in(actors[other]).get(url).status_code == 404, other


def test_my_signals_shows_status_only_never_case_content(actors):
    received = make_signal(actors["boa"])
    in_case = make_signal(actors["boa"], category="JO-HANGEN")
    signal_triage(signal=in_case, actor=actors["coordinator"], decision="new_case")
    page = signed_in(actors["boa"]).get("/signalen/mijn/")
    html = page.content.decode()
    assert received.reference in html and in_case.reference in html
    assert "ontvangen" in html and "in behandeling" in html
    assert DESCRIPTION not in html
    assert Case.objects.get().reference not in html
    assert "Meidoornlaan" not in html
    assert (
        received.reference
        not in signed_in(actors["wijkagent"]).get("/signalen/mijn/").content.decode()
    )


def test_the_inbox_lists_new_signals_oldest_first_with_clock_and_known(
    actors, django_assert_max_num_queries
):
    old = make_signal(actors["boa"])
    Signal.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    known = make_signal(actors["boa"], address="Elders 1", postcode="9999ZZ")  # same BSN as old
    stranger = make_signal(
        actors["boa"],
        address="Nergens 2",
        postcode="9999QQ",
        persons=(PersonInput(role="subject", name="Kees Hoekstra"),),
    )
    client = signed_in(actors["coordinator"])
    with django_assert_max_num_queries(20):
        page = client.get(INBOX)
    rows = page.context["rows"]
    assert [row.signal.pk for row, _labels in rows] == [old.pk, known.pk, stranger.pk]
    assert rows[0][0].overdue and rows[0][0].age_days == 10
    assert list(rows[1][1]) == ["zelfde BSN", "zelfde achternaam en geboortedatum"]
    assert rows[2][1] == []
    html = page.content.decode()
    assert "verlopen" in html and "bekend" in html
    assert DESCRIPTION not in html  # the list decrypts nothing


def test_the_inbox_query_count_does_not_grow_with_the_signals(
    actors, django_assert_max_num_queries
):
    for number in range(12):
        make_signal(actors["boa"], address=f"Straat {number}", postcode="9999AB")
    client = signed_in(actors["coordinator"])
    with django_assert_max_num_queries(20):
        assert len(client.get(INBOX).context["rows"]) == 12


def test_only_the_municipalitys_coordinators_have_an_inbox(actors):
    signal = make_signal(actors["boa"])
    for name in ("boa", "ggz", "wijkagent", "corporatie", "privacy"):
        assert signed_in(actors[name]).get(INBOX).status_code == 404, name
    other = signed_in(actors["buurcoordinator"]).get(INBOX)
    assert other.status_code == 200 and signal.reference not in other.content.decode()


def test_the_signal_page_shows_content_and_matches_to_its_coordinator_only(actors):
    earlier = make_signal(actors["boa"])
    signal = make_signal(actors["boa"], address="Elders 1", postcode="9999ZZ")
    url = f"/signalen/{signal.uuid}/"
    page = signed_in(actors["coordinator"]).get(url)
    html = page.content.decode()
    assert "Harde muziek en gebonk" in html and "Ria" in html
    assert earlier.reference in html and "zelfde BSN" in html
    for name in ("boa", "ggz", "wijkagent", "buurcoordinator"):
        assert signed_in(actors[name]).get(url).status_code == 404, name


def test_triage_from_the_page_opens_a_case_and_goes_there(actors):
    signal = make_signal(actors["boa"])
    client = signed_in(actors["coordinator"])
    answer = client.post(
        f"/signalen/{signal.uuid}/triage/", {"decision": "new_case", "case_type": "woonoverlast"}
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/casussen/{case.uuid}/"
    signal.refresh_from_db()
    assert signal.status == SignalStatus.TRIAGED and signal.case == case


def test_dismissing_without_a_reason_says_so_and_changes_nothing(actors):
    signal = make_signal(actors["boa"])
    client = signed_in(actors["coordinator"])
    answer = client.post(f"/signalen/{signal.uuid}/triage/", {"decision": "dismiss"}, follow=True)
    assert "Geef een reden" in answer.content.decode()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.NEW


def test_a_partner_cannot_triage_through_the_page(actors):
    signal = make_signal(actors["boa"])
    answer = signed_in(actors["ggz"]).post(
        f"/signalen/{signal.uuid}/triage/", {"decision": "dismiss", "reason": "x"}
    )
    assert answer.status_code == 404
    signal.refresh_from_db()
    assert signal.status == SignalStatus.NEW


def test_three_signals_at_one_address_are_proposed_and_taken_into_one_case(actors):
    signals = [make_signal(actors["boa"], description=f"Overlast, keer {n}.") for n in range(3)]
    client = signed_in(actors["coordinator"])
    page = client.get(INBOX)
    assert len(page.context["proposals"]) == 1
    answer = client.post(
        "/signalen/triage/bundelen/",
        {"signal": [str(s.uuid) for s in signals], "case_type": "woonoverlast"},
    )
    case = Case.objects.get()
    assert answer["Location"] == f"/casussen/{case.uuid}/"
    assert set(Signal.objects.values_list("case_id", flat=True)) == {case.pk}
    assert case.signal_count == 3


def test_a_bundle_with_a_signal_already_triaged_changes_nothing(actors):
    signals = [make_signal(actors["boa"]) for _ in range(3)]
    signal_triage(
        signal=signals[2], actor=actors["coordinator"], decision="dismiss", reason="dubbel"
    )
    client = signed_in(actors["coordinator"])
    answer = client.post(
        "/signalen/triage/bundelen/", {"signal": [str(s.uuid) for s in signals]}, follow=True
    )
    assert "al besloten" in answer.content.decode()
    assert not Case.objects.exists()
    assert Signal.objects.filter(status=SignalStatus.NEW).count() == 2
