"""GET /healthz: 200 when the database and the broker answer, 503 otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import Heartbeat
from notifications.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_authentication(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["beat"]["status"] == "never"


def test_healthz_reports_the_beat_heartbeat(client):
    heartbeat_record()
    beat = client.get("/healthz").json()["beat"]
    assert beat["status"] == "ok"
    assert beat["age_seconds"] < 60


def test_healthz_reports_a_stale_heartbeat_but_stays_up(client):
    heartbeat_record()
    Heartbeat.objects.update(last_seen_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["beat"]["status"] == "stale"


def test_healthz_answers_503_when_the_broker_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["status"] == "unavailable"


def test_healthz_answers_503_when_the_database_does_not_answer(client, monkeypatch):
    from config import views

    def broken() -> str:
        return "unavailable"

    monkeypatch.setattr(views, "_check_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_is_not_cached_and_rejects_writes(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405
