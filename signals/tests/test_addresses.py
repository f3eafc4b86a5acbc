"""The postcode table: filling in street, wijk and buurt, and the category picker's order."""

from __future__ import annotations

from typing import Any

import pytest

from signals.models import Street
from signals.selectors import address_lookup, categories_for_reporter
from signals.services import StreetRow, streets_load

from .factories import body, make_signal

pytestmark = pytest.mark.django_db


def rows_for(municipality, **overrides) -> list[StreetRow]:
    digits = municipality.code[2:]
    row: dict[str, Any] = {
        "wijk_code": f"WK{digits}01",
        "wijk_name": "Centrum",
        "buurt_code": f"BU{digits}0102",
        "buurt_name": "Lindehof",
        "postcode": f"{digits}XY",
        "name": "Meidoornlaan",
        "place": "Testwaard",
    }
    row.update(overrides)
    return [StreetRow(**row)]


@pytest.fixture
def streets(orgs):
    municipality = orgs["gemeente"].municipality
    digits = municipality.code[2:]
    streets_load(
        municipality=municipality,
        rows=[
            *rows_for(municipality, number_to=29, numbers=Street.Numbers.ODD),
            *rows_for(
                municipality,
                number_from=31,
                buurt_code=f"BU{digits}0103",
                buurt_name="Hoek",
            ),
        ],
    )
    return municipality


def test_loading_streets_twice_adds_nothing_the_second_time(orgs):
    municipality = orgs["gemeente"].municipality
    assert streets_load(municipality=municipality, rows=rows_for(municipality)) == 1
    assert streets_load(municipality=municipality, rows=rows_for(municipality)) == 0
    assert Street.objects.count() == 1


def test_a_street_of_another_municipality_is_refused_before_anything_is_written(orgs):
    municipality = orgs["gemeente"].municipality
    other = orgs["buurgemeente"].municipality
    rows = rows_for(municipality) + rows_for(other, name="Elders")
    with pytest.raises(ValueError):
        streets_load(municipality=municipality, rows=rows)
    assert not Street.objects.exists()


def test_lookup_by_postcode_and_house_number_respects_odd_even_and_ranges(streets):
    postcode = f"{streets.code[2:]}XY"

    def found(number: int | None) -> Any:
        return address_lookup(postcode=postcode, house_number=number)

    assert found(7).buurt.endswith("0102")
    assert found(8) is None  # the odd side only
    assert found(31).buurt.endswith("0103")
    assert found(None).street == "Meidoornlaan"
    assert address_lookup(postcode="1000AA") is None


def test_a_filed_signal_gets_wijk_and_buurt_from_its_address(actors, streets):
    signal = make_signal(actors["boa"], address="Meidoornlaan 31", postcode=f"{streets.code[2:]}XY")
    assert signal.wijk == f"WK{streets.code[2:]}01"
    assert signal.buurt == f"BU{streets.code[2:]}0103"


def test_a_wijk_given_by_the_reporter_is_kept(actors, streets):
    wijk = f"WK{streets.code[2:]}05"
    signal = make_signal(
        actors["boa"], address="Meidoornlaan 31", postcode=f"{streets.code[2:]}XY", wijk=wijk
    )
    assert (signal.wijk, signal.buurt) == (wijk, "")


def test_an_address_of_another_municipality_gets_no_areas_of_it(actors, orgs):
    other = orgs["buurgemeente"].municipality
    streets_load(municipality=other, rows=rows_for(other))
    signal = make_signal(actors["boa"], address="Meidoornlaan 3", postcode=f"{other.code[2:]}XY")
    assert signal.municipality == orgs["gemeente"].municipality
    assert (signal.wijk, signal.buurt) == ("", "")


def test_a_regional_partner_files_for_the_municipality_of_the_address(actors, orgs):
    other = orgs["buurgemeente"].municipality
    streets_load(municipality=other, rows=rows_for(other))
    signal = make_signal(
        actors["corporatie"], address="Meidoornlaan 3", postcode=f"{other.code[2:]}XY"
    )
    assert signal.municipality == other
    assert signal.buurt == f"BU{other.code[2:]}0102"


def test_address_lookup_api(actors, streets, token_client, client):
    api = token_client(actors["boa"])
    postcode = f"{streets.code[2:]} xy"
    found = api.get("/api/v1/addresses/", {"postcode": postcode, "number": "31"})
    assert found.status_code == 200
    assert found.json()["street"] == "Meidoornlaan"
    assert found.json()["buurt_name"] == "Hoek"
    assert api.get("/api/v1/addresses/", {"postcode": "1000AA"}).status_code == 404
    bad = api.get("/api/v1/addresses/", {"postcode": "12"})
    assert bad.status_code == 400 and "postcode" in bad.json()["errors"]
    bad = api.get("/api/v1/addresses/", {"postcode": postcode, "number": "twaalf"})
    assert bad.status_code == 400 and "number" in bad.json()["errors"]
    assert token_client(actors["privacy"]).get(
        "/api/v1/addresses/", {"postcode": postcode}
    ).status_code in (403, 404)
    assert client.get("/api/v1/addresses/", {"postcode": postcode}).status_code == 401


def test_the_category_picker_puts_the_organisations_usual_categories_first(actors, wijk):
    for _ in range(2):
        make_signal(actors["boa"], category="JO-HANGEN")
    make_signal(actors["boa"], category="MP-VERWARD")
    # another organisation's habits do not count
    make_signal(actors["wijkagent"], category="OM-HENNEP", wijk=wijk)
    codes = [c.code for c in categories_for_reporter(user=actors["boa"])]
    assert codes[:3] == ["JO-HANGEN", "MP-VERWARD", "WO-GELUID"]
    assert len(codes) == 20


def test_the_api_body_factory_is_unaffected(actors, token_client):
    # The standard body's postcode is in no street table: filed as typed, without areas.
    response = token_client(actors["boa"]).post("/api/v1/signals/", body(), format="json")
    assert response.status_code == 201
