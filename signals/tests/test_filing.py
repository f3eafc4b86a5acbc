"""Filing a signal: who may, what is checked, and that nothing is half-written."""

from __future__ import annotations

import datetime
import importlib
import io
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from casework.models import Person, ReferenceCounter
from config.api import PayloadTooLarge
from permissions.models import AccessLog
from signals.api.parsers import BoundedJSONParser
from signals.models import Category, Signal, SignalPerson, SignalSource, SignalStatus
from signals.services import DEFAULT_CATEGORIES, months_later, name_split

from .factories import DESCRIPTION, SUBJECT_BSN, body, buurt_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/signals/"


def post(client, data, **extra):
    return client.post(URL, data, format="json", **extra)


def test_the_data_migration_seeds_the_twenty_categories_of_the_brief():
    migration = importlib.import_module("signals.migrations.0002_categories")
    assert [tuple(c) for c in migration.CATEGORIES] == list(DEFAULT_CATEGORIES)
    codes = list(Category.objects.values_list("code", flat=True))
    assert len(codes) == 20
    assert codes[0] == "WO-GELUID"
    assert Category.objects.get(code="JO-HANGEN").case_type == "jeugdoverlast"
    assert Category.objects.get(code="OM-HENNEP").case_type == "riec"


def test_boa_files_a_signal_and_gets_id_reference_and_status(actors, orgs, token_client):
    response = post(token_client(actors["boa"]), body())

    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == {"id", "reference", "status"}
    assert data["status"] == "new"
    assert re.fullmatch(rf"S-{timezone.localdate().year}-\d{{6}}", data["reference"])
    signal = Signal.objects.get(uuid=data["id"])
    assert signal.municipality == orgs["gemeente"].municipality
    assert signal.source == SignalSource.BOA
    assert signal.reporter == actors["boa"]
    assert signal.reporter_organisation == orgs["gemeente"]
    assert signal.description == DESCRIPTION
    assert signal.postcode == "9999XY"
    assert signal.postcode_area == "9999"
    assert signal.address_index is not None
    assert signal.status == SignalStatus.NEW
    assert signal.data_key.purpose == "signal"
    roles = {sp.role: sp.person for sp in SignalPerson.objects.filter(signal=signal)}
    assert roles["subject"].given_names == "Ria"
    assert roles["subject"].surname == "van der Steeg"
    assert roles["subject"].bsn == SUBJECT_BSN
    assert roles["reporter"].surname == "Oldenhof"
    assert AccessLog.objects.filter(
        object_type="signal", object_id=data["id"], action="change"
    ).exists()


def test_personal_data_is_kept_twelve_months_from_filing(actors, token_client):
    response = post(token_client(actors["boa"]), body())
    signal = Signal.objects.get(uuid=response.json()["id"])
    assert signal.personal_data_until == months_later(signal.created_at, 12)
    assert (
        signal.personal_data_until.date()
        > (signal.created_at + datetime.timedelta(days=364)).date()
    )


@pytest.mark.parametrize(
    ("username", "source"),
    [
        ("boa", SignalSource.BOA),
        ("wijkagent", SignalSource.WIJKAGENT),
        ("corporatie", SignalSource.PARTNER),
        ("coordinator", SignalSource.DESK),
        ("teamlead", SignalSource.DESK),
    ],
)
def test_source_follows_the_reporters_role(actors, wijk, token_client, username, source):
    data = body(location={"address": "Meidoornlaan 31", "postcode": "9999XY", "wijk": wijk})
    response = post(token_client(actors[username]), data)
    assert response.status_code == 201, response.json()
    assert Signal.objects.get(uuid=response.json()["id"]).source == source


@pytest.mark.parametrize("username", ["privacy", "beheer"])
def test_roles_without_file_signal_are_refused(actors, token_client, username):
    response = post(token_client(actors[username]), body())
    assert response.status_code == 403
    assert Signal.objects.count() == 0


def test_anonymous_is_refused(api_client):
    assert post(api_client, body()).status_code == 401


def test_regional_police_files_for_the_municipality_of_the_wijk(
    actors, orgs, buurwijk, token_client
):
    data = body(location={"address": "Kerkstraat 4", "postcode": "9998AA", "wijk": buurwijk})
    response = post(token_client(actors["wijkagent"]), data)
    assert response.status_code == 201, response.json()
    signal = Signal.objects.get(uuid=response.json()["id"])
    assert signal.municipality == orgs["buurgemeente"].municipality
    assert signal.wijk == buurwijk


def test_a_buurt_code_also_names_the_municipality(actors, orgs, token_client):
    buurt = buurt_of(orgs["buurgemeente"].municipality)
    data = body(location={"address": "Kerkstraat 4", "postcode": "9998AA", "buurt": buurt})
    response = post(token_client(actors["corporatie"]), data)
    assert response.status_code == 201, response.json()
    signal = Signal.objects.get(uuid=response.json()["id"])
    assert signal.municipality == orgs["buurgemeente"].municipality


@pytest.mark.parametrize("wijk", ["", "WK123401"])  # none, or of no municipality we know
def test_regional_reporter_needs_a_wijk_of_a_known_municipality(actors, token_client, wijk):
    data = body(location={"address": "Kerkstraat 4", "postcode": "9998AA", "wijk": wijk})
    response = post(token_client(actors["wijkagent"]), data)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["location.wijk"]
    assert Signal.objects.count() == 0


def test_municipal_reporter_cannot_file_in_another_municipalitys_wijk(
    actors, buurwijk, token_client
):
    data = body(location={"address": "Kerkstraat 4", "postcode": "9998AA", "wijk": buurwijk})
    response = post(token_client(actors["boa"]), data)
    assert response.status_code == 400
    assert "location.wijk" in response.json()["errors"]


# Parameters are computed when the module is collected, minutes before a long suite runs the
# test: a value meant to be in the future keeps a margin far beyond the clock-skew allowance.
def _future(minutes: int) -> str:
    return (timezone.now() + datetime.timedelta(minutes=minutes)).isoformat()


PERSON = {"role": "subject", "name": "Ria van der Steeg"}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category": "XX-ONBEKEND"}, "category", "Onbekende categorie: XX-ONBEKEND."),
        ({"category": 12}, "category", None),
        ({"observed_at": _future(24 * 60)}, "observed_at", "toekomst"),
        ({"observed_at": "2020-01-01T10:00:00+01:00"}, "observed_at", "jaar"),
        ({"observed_at": "gisteren"}, "observed_at", None),
        ({"description": ""}, "description", None),
        ({"description": "   "}, "description", None),
        ({"description": 42}, "description", None),
        ({"description": ["tekst"]}, "description", None),
        ({"description": "x" * 10_001}, "description", "10000"),
        (
            {"location": {"address": "Meidoornlaan 31", "postcode": "999 XY"}},
            "location.postcode",
            "postcode",
        ),
        (
            {"location": {"address": "Meidoornlaan 31", "postcode": "9999SS"}},
            "location.postcode",
            None,
        ),
        ({"location": {"address": "Meidoornlaan 31"}}, "location.postcode", None),
        ({"location": "Meidoornlaan 31"}, "location", None),
        (
            {"location": {"address": "Meidoornlaan 31", "postcode": "9999XY", "lat": "52.1"}},
            "location.lat",
            None,
        ),
        (
            {"location": {"address": "Meidoornlaan 31", "postcode": "9999XY", "lat": True}},
            "location.lat",
            None,
        ),
        (
            {"location": {"address": "Meidoornlaan 31", "postcode": "9999XY", "lat": 152.0}},
            "location.lat",
            None,
        ),
        (
            {"location": {"address": "Meidoornlaan 31", "postcode": "9999XY", "wijk": "W12"}},
            "location.wijk",
            None,
        ),
        ({"persons": {"role": "subject"}}, "persons", None),
        ({"persons": "Ria"}, "persons", None),
        ({"persons": [{**PERSON, "bsn": "123456789"}]}, "persons.0.bsn", "elfproef"),
        ({"persons": [{**PERSON, "bsn": "12345"}]}, "persons.0.bsn", "9 cijfers"),
        ({"persons": [PERSON, {**PERSON, "role": "dader"}]}, "persons.1.role", "dader"),
        ({"persons": [{**PERSON, "birth_date": "2999-01-01"}]}, "persons.0.birth_date", None),
        ({"persons": [{**PERSON, "birth_date": "23-11-1984"}]}, "persons.0.birth_date", None),
        ({"persons": [{**PERSON, "name": 7}]}, "persons.0.name", None),
        ({"persons": [{"role": "witness"}]}, "persons.0", None),
        ({"persons": [PERSON] * 21}, "persons", "20"),
    ],
)
def test_invalid_input_is_400_with_the_field_and_a_dutch_message(
    actors, token_client, overrides, field, message
):
    response = post(token_client(actors["boa"]), body(**overrides))

    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert field in errors, errors
    assert all(isinstance(m, str) and m for m in errors[field])
    if message:
        assert any(message in m for m in errors[field]), errors[field]
    assert Signal.objects.count() == 0


def test_messages_are_dutch(actors, token_client):
    client = token_client(actors["boa"])
    errors = post(client, body(category="X")).json()["errors"]
    assert errors == {"category": ["Onbekende categorie: X."]}
    errors = post(client, body(description="")).json()["errors"]
    assert errors == {"description": ["Dit veld mag niet leeg zijn."]}  # DRF's own Dutch


def test_inactive_category_is_unknown(actors, token_client):
    Category.objects.filter(code="WO-DIEREN").update(active=False)
    response = post(token_client(actors["boa"]), body(category="WO-DIEREN"))
    assert response.status_code == 400
    assert response.json()["errors"]["category"] == ["Onbekende categorie: WO-DIEREN."]


def test_a_few_minutes_of_clock_skew_are_allowed(actors, token_client):
    response = post(token_client(actors["boa"]), body(observed_at=_future(3)))
    assert response.status_code == 201, response.json()
    signal = Signal.objects.get(uuid=response.json()["id"])
    assert signal.observed_at <= signal.created_at


def test_several_errors_come_together(actors, token_client):
    data = body(
        category="NOPE",
        location={"address": "Meidoornlaan 31", "postcode": "1"},
        persons=[{"role": "subject", "bsn": "111111111"}],
    )
    errors = post(token_client(actors["boa"]), data).json()["errors"]
    assert {"category", "location.postcode", "persons.0.bsn"} <= set(errors)


def test_non_json_body_is_415(actors, token_client):
    client = token_client(actors["boa"])
    response = client.post(
        URL, "category=WO-GELUID", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response["Content-Type"].startswith("application/json")
    response = client.post(URL, json.dumps(body()), content_type="text/plain")
    assert response.status_code == 415
    assert Signal.objects.count() == 0


def test_malformed_json_is_400_not_500(actors, token_client):
    response = token_client(actors["boa"]).post(
        URL, '{"category": "WO-GELUID",', content_type="application/json"
    )
    assert response.status_code == 400
    # Found by the API fuzzer: a parse error came as {"detail", "code"}, not api.md's shape.
    errors = response.json()["errors"]
    assert list(errors) == ["non_field_errors"]
    assert all(isinstance(m, str) and m for m in errors["non_field_errors"])


@pytest.mark.parametrize("payload", [[], "tekst", 12, None])
def test_a_body_that_is_not_an_object_is_400(actors, token_client, payload):
    response = token_client(actors["boa"]).post(
        URL, json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    assert "errors" in response.json()


def test_an_oversized_body_is_413_json(actors, token_client):
    data = body(description="x" * 300_000)  # about 300 kB, over the 256 kB limit
    response = post(token_client(actors["boa"]), data)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert Signal.objects.count() == 0


def test_the_parser_stops_reading_at_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    with pytest.raises(PayloadTooLarge):
        BoundedJSONParser().parse(io.BytesIO(b'{"description": "te lang"}'))
    assert BoundedJSONParser().parse(io.BytesIO(b'{"a": 1}')) == {"a": 1}


def test_an_invalid_second_person_writes_nothing(actors, token_client):
    persons = [
        {"role": "subject", "name": "Ria van der Steeg", "bsn": SUBJECT_BSN},
        {"role": "witness", "name": "Kees Hoekstra", "bsn": "123456789"},
    ]
    counters = list(ReferenceCounter.objects.values_list("last", flat=True))

    response = post(token_client(actors["boa"]), body(persons=persons))

    assert response.status_code == 400
    assert Signal.objects.count() == 0
    assert Person.objects.count() == 0
    assert list(ReferenceCounter.objects.values_list("last", flat=True)) == counters


def test_a_failure_halfway_rolls_everything_back(actors, token_client, monkeypatch):
    import signals.services as services

    calls = {"n": 0}
    real = services.person_register

    def fail_on_second(*, details):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(details=details)

    monkeypatch.setattr(services, "person_register", fail_on_second)
    client = token_client(actors["boa"])
    client.raise_request_exception = False

    response = post(client, body())

    assert response.status_code == 500
    assert Signal.objects.count() == 0
    assert Person.objects.count() == 0
    assert not AccessLog.objects.filter(object_type="signal").exists()


def test_coordinates_are_rounded_to_three_decimals(actors, token_client):
    data = body(
        location={"address": "Meidoornlaan 31", "postcode": "9999XY", "lat": 52.123456, "lon": 4}
    )
    response = post(token_client(actors["boa"]), data)
    signal = Signal.objects.get(uuid=response.json()["id"])
    assert signal.lat == Decimal("52.123")
    assert signal.lon == Decimal("4.000")


def test_an_address_without_house_number_is_kept_but_not_indexed(actors, token_client):
    data = body(location={"address": "Winkelcentrum De Hoven", "postcode": "9999XY"})
    response = post(token_client(actors["boa"]), data)
    assert response.status_code == 201
    signal = Signal.objects.get(uuid=response.json()["id"])
    assert signal.address == "Winkelcentrum De Hoven"
    assert signal.address_index is None


def test_persons_are_registered_by_blind_index_not_duplicated(actors, token_client):
    client = token_client(actors["boa"])
    post(client, body())
    post(client, body())
    assert Signal.objects.count() == 2
    assert Person.objects.filter(signal_roles__role="subject").distinct().count() == 1


@pytest.mark.parametrize(
    ("name", "given", "surname"),
    [
        ("Ria van der Steeg", "Ria", "van der Steeg"),
        ("Jan de Vries", "Jan", "de Vries"),
        ("Anna Maria Jansen", "Anna Maria", "Jansen"),
        ("Kees 't Hart", "Kees", "'t Hart"),
        ("de Vries", "", "de Vries"),
        ("Jansen", "", "Jansen"),
        ("  Piet   van  Dam ", "Piet", "van Dam"),
        ("", "", ""),
    ],
)
def test_names_split_with_tussenvoegsels_in_the_surname(name, given, surname):
    assert name_split(name) == (given, surname)


def test_months_later_keeps_to_the_calendar():
    moment = datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC)
    assert months_later(moment, 12) == datetime.datetime(2025, 2, 28, 12, tzinfo=datetime.UTC)
    assert months_later(moment, -12).date() == datetime.date(2023, 2, 28)
    assert months_later(datetime.datetime(2026, 1, 31, tzinfo=datetime.UTC), 1).day == 28
