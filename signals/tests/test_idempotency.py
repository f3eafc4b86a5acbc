"""Idempotency-Key: a retried request files nothing new, even when the retries race."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from casework.models import Person
from signals.models import Signal

from .factories import body

URL = "/api/v1/signals/"


def post(client, data, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, data, format="json", **extra)


@pytest.mark.django_db
def test_same_key_and_body_return_the_first_response_and_create_nothing(actors, token_client):
    client = token_client(actors["boa"])
    data = body()

    first = post(client, data, key="telefoon-42-0001")
    again = post(client, data, key="telefoon-42-0001")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Signal.objects.count() == 1
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_the_first_response_is_replayed_even_after_triage(actors, token_client):
    client = token_client(actors["boa"])
    data = body()
    first = post(client, data, key="k-1")
    Signal.objects.update(status="dismissed")
    again = post(client, data, key="k-1")
    assert again.json() == first.json()
    assert again.json()["status"] == "new"


@pytest.mark.django_db
def test_key_order_and_spacing_of_the_json_do_not_matter(actors, token_client):
    client = token_client(actors["boa"])
    data = body()
    reordered = dict(reversed(list(data.items())))
    first = post(client, data, key="k-2")
    again = post(client, reordered, key="k-2")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert Signal.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_409(actors, token_client):
    client = token_client(actors["boa"])
    post(client, body(), key="k-3")

    response = post(client, body(description="Iets heel anders."), key="k-3")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Signal.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_user(actors, token_client):
    data = body()
    one = post(token_client(actors["boa"]), data, key="gedeeld")
    other = post(token_client(actors["boa2"]), data, key="gedeeld")
    assert one.status_code == other.status_code == 201
    assert one.json()["id"] != other.json()["id"]
    assert Signal.objects.count() == 2


@pytest.mark.django_db
def test_without_a_key_every_request_files_a_signal(actors, token_client):
    client = token_client(actors["boa"])
    post(client, body())
    post(client, body())
    assert Signal.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["x" * 101, "met\ttab", "sleutel-ü"])
def test_an_unusable_key_is_400(actors, token_client, key):
    response = post(token_client(actors["boa"]), body(), key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert Signal.objects.count() == 0


@pytest.mark.django_db
def test_a_key_of_100_characters_is_fine(actors, token_client):
    assert post(token_client(actors["boa"]), body(), key="x" * 100).status_code == 201


@pytest.mark.django_db
def test_an_invalid_first_request_does_not_claim_the_key(actors, token_client):
    client = token_client(actors["boa"])
    assert post(client, body(category="NOPE"), key="k-4").status_code == 400
    assert post(client, body(), key="k-4").status_code == 201


@pytest.mark.django_db(transaction=True)
def test_identical_requests_arriving_together_file_exactly_one_signal(actors, token_client):
    clients = [token_client(actors["boa"]) for _ in range(4)]
    data = body()
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)

    def send(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = post(clients[index], data, key="gelijktijdig-1")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [r.status_code for r in responses] == [201] * len(clients)
    assert len({r.json()["id"] for r in responses}) == 1
    assert Signal.objects.count() == 1
    assert Person.objects.count() == 2
