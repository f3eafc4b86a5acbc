"""A database that does not answer gives a clean 503 to retry, never a 500 traceback page.

Found by the PostgreSQL-restart fault test (tests/faults/test_postgres_restart.py): while the
database restarted, the API answered 500 with the HTML error page.
"""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from config.views import server_error


def _cut(*args, **kwargs):
    raise OperationalError("terminating connection due to administrator command")


@pytest.mark.django_db
def test_an_api_view_whose_database_is_gone_answers_503_json(
    token_client, coordinator, monkeypatch
):
    monkeypatch.setattr("signals.api.views.signal_list_for", _cut)
    response = token_client(coordinator).get("/api/v1/signals/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_error_handler_answers_503_json_on_api_paths(error):
    request = RequestFactory().get("/api/v1/cases/")
    try:
        raise error("connection already closed")
    except error:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert b"service_unavailable" in response.content
    assert response["Retry-After"]


def test_the_error_handler_answers_a_503_page_for_pages():
    request = RequestFactory().get("/zaken/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"]


def test_other_errors_stay_500_and_json_on_api_paths():
    request = RequestFactory().get("/api/v1/cases/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b"server_error" in response.content
    assert not response.has_header("Retry-After")
