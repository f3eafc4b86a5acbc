"""Fault: PostgreSQL restarts while partners file signals.

A throwaway PostgreSQL cluster on a free loopback port (never the shared one), gunicorn with
the production profile in front of it, and clients that file signals with Idempotency-Keys at
a steady rate. Mid-load the cluster restarts (``pg_ctl restart -m fast``: every connection is
cut). Every answer must be a 201 or a clean 503 in JSON, never a 500; the clients then retry
the keys that failed, and every signal is stored exactly once, with its persons and its
reminders (no partial writes), by the same gunicorn (no restart of the application).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest

from .services import (
    PrivatePostgres,
    free_port,
    gunicorn,
    manage,
    production_env,
    stop,
)

pytestmark = [pytest.mark.fault]

PERSONS = 2  # persons named in every signal


@dataclass
class Answer:
    status: int
    content_type: str
    body: str
    seconds: float = 0.0


@dataclass
class Client:
    base: str
    token: str
    wijk: str
    street: tuple[str, str]
    answers: list[tuple[str, Answer]] = field(default_factory=list)

    def file(self, key: str, n: int) -> Answer:
        body = json.dumps(
            {
                "category": "WO-GELUID",
                "description": f"Harde muziek, melding {n}",
                "observed_at": "2026-05-01T22:00:00+02:00",
                "location": {
                    "address": f"{self.street[0]} {n % 50 + 1}",
                    "postcode": self.street[1],
                    "wijk": self.wijk,
                },
                "persons": [
                    {"role": "subject", "name": f"Persoon {n}", "birth_date": "1980-01-01"},
                    {"role": "reporter", "name": f"Melder {n}"},
                ],
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (a loopback http URL)
            f"{self.base}/api/v1/signals/",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                answer = Answer(
                    response.status,
                    response.headers.get("Content-Type", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            answer = Answer(
                error.code,
                error.headers.get("Content-Type", ""),
                error.read().decode(errors="replace"),
            )
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            answer = Answer(0, "", repr(error))
        answer.seconds = time.monotonic() - started
        self.answers.append((key, answer))
        return answer


@pytest.fixture
def cluster() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of the test's own; skips when PostgreSQL is not installed."""
    reason = PrivatePostgres.unavailable()
    if reason:
        pytest.skip(reason)
    pg = PrivatePostgres()
    try:
        pg.init()
        pg.start()
        pg.create_database("ketenregie")
        yield pg
    finally:
        pg.destroy()


def test_a_postgres_restart_under_load_gives_clean_errors_and_no_partial_writes(
    cluster, broker, tmp_path
):
    pg = cluster
    env = production_env(database_url=pg.url("ketenregie"), redis_url=broker.url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    tokens = {name: manage(env, "issue_token", name).strip() for name in ("boa", "wijkagent")}
    with psycopg.connect(pg.url("ketenregie")) as db:
        row = db.execute(
            "SELECT w.code, s.name, s.postcode FROM signals_street s "
            "JOIN signals_buurt b ON b.id = s.buurt_id JOIN signals_wijk w ON w.id = b.wijk_id "
            "WHERE s.numbers = 'all' AND w.code LIKE 'WK9999%%' ORDER BY s.postcode LIMIT 1"
        ).fetchone()
    assert row is not None
    wijk, street = row[0], (row[1], row[2])
    port = free_port()
    server = gunicorn(env, port, tmp_path / "gunicorn.log", workers=2)
    base = f"http://127.0.0.1:{port}"
    try:
        clients = [Client(base, token, wijk, street) for token in tokens.values()]
        keys: dict[str, tuple[Client, int]] = {}
        stop_load = threading.Event()

        def load(client: Client, offset: int) -> None:
            n = offset
            while not stop_load.is_set():
                key = f"fault-pg-{uuid.uuid4()}"
                keys[key] = (client, n)
                client.file(key, n)
                n += 1
                time.sleep(0.05)

        threads = [
            threading.Thread(target=load, args=(c, i * 100000)) for i, c in enumerate(clients)
        ]
        for t in threads:
            t.start()
        # Given steady filing, when PostgreSQL restarts (twice: fast, then immediate),
        time.sleep(2)
        pg.restart("fast")
        time.sleep(2)
        pg.restart("immediate")
        time.sleep(3)
        stop_load.set()
        for t in threads:
            t.join(60)

        answers = [answer for client in clients for _key, answer in client.answers]
        statuses = Counter(a.status for a in answers)
        # then every answer was a 201 or a clean JSON 503, never a 500 or a cut connection,
        assert set(statuses) <= {201, 503}, (
            statuses,
            [a for a in answers if a.status not in {201, 503}][:2],
        )
        for answer in answers:
            if answer.status == 503:
                assert answer.content_type.startswith("application/json"), answer
                assert json.loads(answer.body)["code"] == "service_unavailable"
        assert statuses[201] >= 10, statuses

        # and a retry of every key that failed succeeds on the same gunicorn,
        failed = {key for c in clients for key, a in c.answers if a.status != 201}
        for key in failed:
            client, n = keys[key]
            assert client.file(key, n).status == 201
        # and a replay of keys that succeeded files nothing new.
        some_done = [key for key in list(keys) if key not in failed][:5]
        for key in some_done:
            client, n = keys[key]
            assert client.file(key, n).status == 201
    finally:
        stop(server)

    with psycopg.connect(pg.url("ketenregie")) as db:
        stored: dict[str, int] = dict(
            db.execute(
                "SELECT idempotency_key, count(*) FROM signals_signal "
                "WHERE idempotency_key LIKE 'fault-pg-%%' GROUP BY idempotency_key"
            ).fetchall()
        )
        # Every key sent is stored, once.
        assert set(stored) == set(keys)
        assert set(stored.values()) == {1}
        # No signal without its persons or its two not-triaged reminders (the outbox rows).
        incomplete = db.execute(
            """
            SELECT s.reference,
                   (SELECT count(*) FROM signals_signalperson p WHERE p.signal_id = s.id),
                   (SELECT count(*) FROM notifications_reminder r
                     WHERE r.object_type = 'signals.signal' AND r.object_id = s.id::text)
            FROM signals_signal s WHERE s.idempotency_key LIKE 'fault-pg-%%'
            """
        ).fetchall()
        assert [row for row in incomplete if row[1] != PERSONS or row[2] != 2] == []
        # Nothing half-written either: no reminders or persons of a signal that is not there.
        orphans = db.execute(
            "SELECT count(*) FROM notifications_reminder r WHERE r.object_type = 'signals.signal' "
            "AND NOT EXISTS (SELECT 1 FROM signals_signal s WHERE s.id::text = r.object_id)"
        ).fetchone()
        assert orphans == (0,)
