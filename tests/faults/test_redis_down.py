"""Fault: the Redis broker stops while people file signals, and comes back.

A throwaway ``redis-server`` on a free loopback port (never the shared one) is the broker of a
production-profile gunicorn and of a real Celery worker; the database is the test database.
While Redis is down, filing a signal still answers 201 and stores the signal with its
reminders (the outbox), ``/healthz`` answers 503 naming the broker, and a dispatcher run
claims due reminders it cannot enqueue. When Redis is back, the dispatcher (as beat runs it
every minute) hands every due reminder to the worker, and each is delivered exactly once.
"""

from __future__ import annotations

import datetime
import json
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Channel, Delivery, Reminder, ReminderStatus
from notifications.services import reminders_release_stuck
from notifications.tests.mail import message_ids
from permissions.services import api_token_issue
from signals.models import Signal
from tests.test_celery_worker import running, wait_until
from tests.test_reminder_worker import PAST, all_sent, worker

from .services import (
    dispatch_in_a_process,
    free_port,
    gunicorn,
    production_env,
    stop,
)

pytestmark = [pytest.mark.fault, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _call(
    method: str, url: str, token: str = "", body: Any = None, key: str = ""
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if key:
        headers["Idempotency-Key"] = key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _signal(n: int) -> dict[str, Any]:
    return {
        "category": "WO-GELUID",
        "description": f"Geluidsoverlast, melding {n}",
        "observed_at": "2026-05-01T22:00:00+02:00",
        "location": {"address": f"Kerkstraat {n}", "postcode": "1234 AB"},
        "persons": [{"role": "subject", "name": f"Persoon {n}"}],
    }


def test_redis_down_signals_accepted_health_degraded_reminders_catch_up_once(
    outbox, broker, tmp_path
):
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    keys = settings.KETENREGIE_KEYS
    web_env = production_env(
        database_url=database_url,
        redis_url=broker.url,
        field_kek=keys.field_kek,
        blind_index=keys.blind_index,
        CONN_MAX_AGE="0",
    )
    worker_env = {**outbox["env"], "TEST_REDIS_URL": broker.url}
    token = api_token_issue(user=outbox["actors"]["boa"])
    port = free_port()
    web = gunicorn(web_env, port, tmp_path / "gunicorn.log", workers=1)
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "worker.log"
    try:
        with running(worker(outbox), worker_env, log):
            assert _call("GET", f"{base}/healthz")[0] == 200

            # Given Redis stops outright,
            broker.stop()
            # when /healthz is asked, it answers 503 and names the broker, not the database;
            status, health = _call("GET", f"{base}/healthz")
            assert status == 503
            assert health["status"] == "unavailable"
            assert health["broker"] == "unavailable"
            assert health["database"] == "ok"

            # when people file signals, each is accepted and stored with its reminders;
            keys_sent = [f"fault-redis-{uuid.uuid4()}" for _ in range(4)]
            for n, key in enumerate(keys_sent[:2]):
                started = time.monotonic()
                status, filed = _call("POST", f"{base}/api/v1/signals/", token, _signal(n), key)
                assert status == 201, filed
                assert time.monotonic() - started < 10
            # when their reminders fall due and the dispatcher runs while the broker is down,
            Reminder.objects.update(due_at=PAST)
            dispatch_in_a_process(worker_env)
            assert not Reminder.objects.filter(status=ReminderStatus.SENT).exists()
            # and two more signals come in whose reminders fall due before Redis is back,
            for n, key in enumerate(keys_sent[2:], start=2):
                status, filed = _call("POST", f"{base}/api/v1/signals/", token, _signal(n), key)
                assert status == 201, filed
            Reminder.objects.filter(status=ReminderStatus.PENDING).update(due_at=PAST)
            reminders = list(Reminder.objects.values_list("pk", flat=True))
            assert len(reminders) == 4 * 2  # coordinators and team leads, per signal
            assert Signal.objects.filter(idempotency_key__in=keys_sent).count() == 4

            # then, when Redis is back on its port,
            broker.start()
            wait_until(
                lambda: _call("GET", f"{base}/healthz")[0] == 200, 30, "/healthz to recover", log
            )
            # and the dispatcher runs (after the stuck claims were released: minutes, here at
            # once), every reminder is delivered exactly once.
            assert reminders_release_stuck(older_than=datetime.timedelta(0)) > 0
            dispatch_in_a_process(worker_env)
            wait_until(lambda: all_sent(reminders), 90, "every reminder sent", log)
            time.sleep(1)
    finally:
        stop(web)

    sent = Counter(message_ids(outbox["folder"]))
    # Two coordinators per not-triaged reminder and one team lead per escalation.
    assert len(sent) == 4 * (2 + 1)
    assert set(sent.values()) == {1}
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == 4 * 3
