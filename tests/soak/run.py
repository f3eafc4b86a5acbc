"""The soak: ten minutes of mixed traffic against gunicorn + PostgreSQL + Redis + Celery.

``make soak`` (``SOAK_SECONDS=600`` by default) runs ``python -m tests.soak.run``, which

1. creates a fresh database of its own (``SOAK_DATABASE_URL``, default ``kr_soak`` on the
   test PostgreSQL), migrates and seeds the demo, and issues a token per demo user;
2. starts a throwaway redis-server on a free loopback port (or uses ``SOAK_REDIS_URL``),
   gunicorn with the production profile (``SOAK_WEB_WORKERS``, 3), a Celery worker and beat;
3. runs virtual users, one per demo role: the boa and the wijkagent file signals with unique
   Idempotency-Keys (and now and then send one again, as a client that lost the answer);
   the coordinator lists, reads, triages signals into cases, moves cases on and plans
   meetings; the team lead and the partners list and read cases and meetings;
4. samples the resident memory of the gunicorn workers and the Celery worker every 10 s;
5. prints requests per kind, the 5xx and 4xx counts, memory at the end of warm-up and at the
   end, and signals sent against stored (lost, duplicated); and exits non-zero unless there
   were no 5xx, memory grew at most ``SOAK_MAX_GROWTH`` (10 %) after warm-up, and no signal
   was lost or duplicated.

Traffic goes to 127.0.0.1 only. Every loop is bounded by ``SOAK_SECONDS``.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg

from tests.faults.services import (
    ROOT,
    PrivateRedis,
    descendants,
    free_port,
    gunicorn,
    manage,
    production_env,
    stop,
)

SECONDS = int(os.environ.get("SOAK_SECONDS", 600))
DATABASE_URL = os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kr_soak")
WEB_WORKERS = int(os.environ.get("SOAK_WEB_WORKERS", 3))
MAX_GROWTH = float(os.environ.get("SOAK_MAX_GROWTH", 0.10))
SAMPLE_SECONDS = 10
# Memory is compared from the end of warm-up: a fifth of the run, at least a minute (or all
# but the last sample in very short runs).
WARMUP_SECONDS = max(60, SECONDS // 5) if SECONDS >= 180 else SECONDS // 3
# Each virtual user waits this long between requests: about 1.5 requests a second per user,
# below the API's per-user throttle (6000 an hour).
THINK = (0.3, 0.9)
KEY_PREFIX = "soak-"


# --- HTTP ---------------------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    status: int
    seconds: float


@dataclass
class Stats:
    records: list[Record] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    samples_5xx: list[str] = field(default_factory=list)

    def add(self, kind: str, status: int, seconds: float, body: str) -> None:
        with self.lock:
            self.records.append(Record(kind, status, seconds))
            if (status >= 500 or status == 0) and len(self.samples_5xx) < 10:
                self.samples_5xx.append(f"{kind} {status}: {body[:300]}")


class Api:
    def __init__(self, base: str, token: str, stats: Stats) -> None:
        self.base = base
        self.token = token
        self.stats = stats

    def call(
        self, kind: str, method: str, path: str, body: Any = None, key: str = ""
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        url = path if path.startswith("http") else f"{self.base}{path}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        started = time.monotonic()
        text = ""
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            status, text = 0, repr(error)
        self.stats.add(kind, status, time.monotonic() - started, text)
        try:
            payload = json.loads(text) if text else None
        except ValueError:
            payload = None
        return status, payload


# --- virtual users ------------------------------------------------------------------------


@dataclass
class Shared:
    """What the virtual users learn from each other, and what was sent."""

    street: tuple[str, str, str]  # name, postcode, wijk code
    sent: dict[str, int] = field(default_factory=dict)  # idempotency key -> last status
    bodies: dict[str, tuple[Api, dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _signal_body(shared: Shared, n: int) -> dict[str, Any]:
    name, postcode, wijk = shared.street
    return {
        "category": random.choice(["WO-GELUID", "WO-VERVUILING", "JO-HANGEN"]),
        "description": f"Soak-melding {n}: overlast gemeld door een buurtbewoner.",
        "observed_at": (
            datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=random.randint(1, 48))
        ).isoformat(),
        "location": {"address": f"{name} {n % 60 + 1}", "postcode": postcode, "wijk": wijk},
        "persons": [
            {"role": "subject", "name": f"Soak Persoon {n % 500}", "birth_date": "1985-03-04"},
            {"role": "witness", "name": f"Getuige {n}"},
        ],
    }


def filer(api: Api, shared: Shared, stop_at: float, seed: int) -> None:
    """A boa or wijkagent: files signals; one in twenty is sent again with the same key."""
    n = seed
    earlier: list[tuple[str, dict[str, Any]]] = []
    while time.monotonic() < stop_at:
        if earlier and random.random() < 0.05:
            key, body = random.choice(earlier)
            status, _ = api.call("signal.file.replay", "POST", "/api/v1/signals/", body, key)
        else:
            key, body = f"{KEY_PREFIX}{uuid.uuid4()}", _signal_body(shared, n)
            status, _ = api.call("signal.file", "POST", "/api/v1/signals/", body, key)
            earlier.append((key, body))
            n += 1
        with shared.lock:
            if status == 201 or key not in shared.sent:
                shared.sent[key] = status
            shared.bodies[key] = (api, body)
        if random.random() < 0.2:
            api.call("signal.list.own", "GET", "/api/v1/signals/?page_size=10")
        time.sleep(random.uniform(*THINK))


def _results(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("results"), list):
        return payload["results"]
    return []


def coordinator(api: Api, shared: Shared, stop_at: float, seed: int) -> None:
    """Lists and reads signals, triages some into cases, moves cases on, plans meetings."""
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        roll = rng.random()
        if roll < 0.25:
            _, page = api.call("signal.list", "GET", "/api/v1/signals/?status=new&page_size=20")
            rows = _results(page)
            if rows:
                row = rng.choice(rows)
                api.call("signal.detail", "GET", f"/api/v1/signals/{row['id']}/")
                if rng.random() < 0.5:
                    api.call(
                        "signal.triage",
                        "POST",
                        f"/api/v1/signals/{row['id']}/triage/",
                        {"decision": "new_case", "case_type": "woonoverlast"},
                    )
        elif roll < 0.55:
            _, page = api.call("case.list", "GET", "/api/v1/cases/?page_size=25")
            rows = _results(page)
            if rows:
                case = rng.choice(rows)
                api.call("case.detail", "GET", f"/api/v1/cases/{case['id']}/")
                api.call("case.history", "GET", f"/api/v1/cases/{case['id']}/history/")
        elif roll < 0.8:
            _, page = api.call("case.list", "GET", "/api/v1/cases/?page_size=25")
            rows = _results(page)
            if rows:
                case = rng.choice(rows)
                _, options = api.call(
                    "case.transitions", "GET", f"/api/v1/cases/{case['id']}/transitions/"
                )
                listed = options.get("results", []) if isinstance(options, dict) else []
                simple = [
                    t
                    for t in listed
                    if t.get("available") and not any(i.get("required") for i in t["inputs"])
                ]
                if simple:
                    choice = rng.choice(simple)
                    api.call(
                        "case.transition",
                        "POST",
                        f"/api/v1/cases/{case['id']}/transitions/",
                        {
                            "transition": choice["name"],
                            "reason": "Besproken in het soak-overleg.",
                            "expected_state": options["state"],
                        },
                    )
        elif roll < 0.95:
            api.call("meeting.list", "GET", "/api/v1/meetings/?page_size=25")
        else:
            starts = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
                days=rng.randint(1, 60), hours=rng.randint(0, 8)
            )
            api.call(
                "meeting.create",
                "POST",
                "/api/v1/meetings/",
                {"meeting_type": "zvt", "starts_at": starts.isoformat(), "location": "Stadhuis"},
            )
        time.sleep(rng.uniform(*THINK))


def reader(api: Api, shared: Shared, stop_at: float, seed: int) -> None:
    """A team lead or partner: lists and reads the cases and meetings it may see."""
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        roll = rng.random()
        if roll < 0.6:
            _, page = api.call("case.list", "GET", "/api/v1/cases/?page_size=25")
            rows = _results(page)
            if rows:
                case = rng.choice(rows)
                api.call("case.detail", "GET", f"/api/v1/cases/{case['id']}/")
        elif roll < 0.9:
            api.call("meeting.list", "GET", "/api/v1/meetings/?page_size=25")
        else:
            api.call("me", "GET", "/api/v1/me/")
        time.sleep(rng.uniform(*THINK))


ROLES: dict[str, Callable[[Api, Shared, float, int], None]] = {
    "boa": filer,
    "wijkagent": filer,
    "coordinator": coordinator,
    "teamlead": reader,
    "corporatie": reader,
    "ggz": reader,
    "jongerenwerk": reader,
}


# --- processes and memory -----------------------------------------------------------------


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Sample:
    at: float
    web: int  # KiB, all gunicorn workers
    worker: int  # KiB, the Celery worker and its pool


def sample(web_master: int, worker_main: int, started: float) -> Sample:
    return Sample(
        at=time.monotonic() - started,
        web=sum(rss_kib(pid) for pid in descendants(web_master)),
        worker=rss_kib(worker_main) + sum(rss_kib(pid) for pid in descendants(worker_main)),
    )


def celery(env: dict[str, str], args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


# --- the run ------------------------------------------------------------------------------


def database_fresh(url: str) -> None:
    """Drop and create the soak's own database (never any other)."""
    parts = dj_database_url.parse(url)
    name = str(parts["NAME"])
    if not name.startswith(("kr_soak", "soak")):
        raise SystemExit(
            f"refusing to recreate database {name!r}: its name must start with kr_soak"
        )
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def growth(first: int, last: int) -> float:
    return (last - first) / first if first else 0.0


def main() -> int:
    run_dir = Path(os.environ.get("SOAK_DIR", ROOT / "var" / "soak"))
    run_dir.mkdir(parents=True, exist_ok=True)
    # One soak at a time per folder: a second one would drop the first one's database.
    lock = (run_dir / "lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"soak: another soak is running (lock in {run_dir})") from None
    print(f"soak: {SECONDS} s, logs in {run_dir}", flush=True)
    redis: PrivateRedis | None = None
    redis_url = os.environ.get("SOAK_REDIS_URL", "")
    if not redis_url:
        reason = PrivateRedis.unavailable()
        if reason:
            raise SystemExit(f"soak: {reason}; or set SOAK_REDIS_URL")
        redis = PrivateRedis()
        redis.start()
        redis_url = redis.url
    database_fresh(DATABASE_URL)
    env = production_env(
        database_url=DATABASE_URL,
        redis_url=redis_url,
        CELERY_BEAT_SCHEDULE_FILENAME=str(run_dir / "celerybeat-schedule"),
        KETENREGIE_LOG_LEVEL="WARNING",
    )
    print("soak: migrating and seeding", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    tokens = {name: manage(env, "issue_token", name).strip() for name in ROLES}
    with psycopg.connect(DATABASE_URL) as db:
        row = db.execute(
            "SELECT s.name, s.postcode, w.code FROM signals_street s "
            "JOIN signals_buurt b ON b.id = s.buurt_id JOIN signals_wijk w ON w.id = b.wijk_id "
            "WHERE s.numbers = 'all' AND w.code LIKE 'WK9999%%' ORDER BY s.postcode LIMIT 1"
        ).fetchone()
    assert row is not None, "the demo seed has no streets"
    shared = Shared(street=(row[0], row[1], row[2]))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes: list[subprocess.Popen[bytes]] = []
    stats = Stats()
    samples: list[Sample] = []
    try:
        web = gunicorn(env, port, run_dir / "gunicorn.log", workers=WEB_WORKERS)
        processes.append(web)
        worker = celery(
            env,
            [
                "worker",
                "--loglevel",
                "WARNING",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
            ],
            run_dir / "worker.log",
        )
        processes.append(worker)
        beat = celery(
            env,
            ["beat", "--loglevel", "WARNING", "--schedule", str(run_dir / "celerybeat-schedule")],
            run_dir / "beat.log",
        )
        processes.append(beat)
        time.sleep(5)

        started = time.monotonic()
        stop_at = started + SECONDS
        threads = [
            threading.Thread(
                target=role,
                args=(Api(base, tokens[name], stats), shared, stop_at, i * 1_000_000),
                name=name,
                daemon=True,
            )
            for i, (name, role) in enumerate(ROLES.items())
        ]
        for t in threads:
            t.start()
        next_report = started + 60
        while time.monotonic() < stop_at:
            samples.append(sample(web.pid, worker.pid, started))
            if time.monotonic() >= next_report:
                with stats.lock:
                    done = len(stats.records)
                    errors = sum(r.status >= 500 or r.status == 0 for r in stats.records)
                last = samples[-1]
                print(
                    f"soak: {int(time.monotonic() - started)} s, {done} requests, "
                    f"{errors} 5xx, web {last.web // 1024} MiB, worker {last.worker // 1024} MiB",
                    flush=True,
                )
                next_report += 60
            time.sleep(min(SAMPLE_SECONDS, max(0.0, stop_at - time.monotonic())))
        for t in threads:
            t.join(90)
        samples.append(sample(web.pid, worker.pid, started))
        elapsed = time.monotonic() - started

        # Keys whose answer was lost (a 5xx or a cut connection) are sent again, as a client
        # does; then every key sent must be stored exactly once.
        retried = [key for key, status in shared.sent.items() if status != 201]
        for key in retried:
            api, body = shared.bodies[key]
            shared.sent[key], _ = api.call(
                "signal.file.retry", "POST", "/api/v1/signals/", body, key
            )
        _, health = Api(base, "", stats).call("healthz", "GET", "/healthz")
    finally:
        for proc in reversed(processes):
            stop(proc, signal.SIGTERM)
        if redis is not None:
            redis.stop()

    with psycopg.connect(DATABASE_URL) as db:
        stored: dict[str, int] = dict(
            db.execute(
                "SELECT idempotency_key, count(*) FROM signals_signal "
                "WHERE idempotency_key LIKE %s GROUP BY idempotency_key",
                (f"{KEY_PREFIX}%",),
            ).fetchall()
        )
    sent_ok = {key for key, status in shared.sent.items() if status == 201}
    lost = sorted(sent_ok - set(stored))
    duplicated = sorted(key for key, count in stored.items() if count > 1)
    unknown = sorted(set(stored) - set(shared.sent))

    records = stats.records
    kinds = Counter(r.kind for r in records)
    five = [r for r in records if r.status >= 500 or r.status == 0]
    four = Counter(r.status for r in records if 400 <= r.status < 500)
    four_by_kind: dict[str, Counter[int]] = defaultdict(Counter)
    for r in records:
        if 400 <= r.status < 500:
            four_by_kind[r.kind][r.status] += 1
    after_warmup = [s for s in samples if s.at >= WARMUP_SECONDS] or samples
    base_sample, last_sample = after_warmup[0], samples[-1]
    web_growth = growth(base_sample.web, last_sample.web)
    worker_growth = growth(base_sample.worker, last_sample.worker)
    durations = sorted(r.seconds for r in records)

    def pct(p: float) -> float:
        return (
            durations[min(len(durations) - 1, int(p * len(durations)))] * 1000 if durations else 0
        )

    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seconds": round(elapsed),
        "requests": len(records),
        "requests_per_second": round(len(records) / elapsed, 1) if elapsed else 0,
        "latency_ms": {"p50": round(pct(0.5)), "p95": round(pct(0.95)), "p99": round(pct(0.99))},
        "by_kind": dict(sorted(kinds.items())),
        "5xx": len(five),
        "5xx_samples": stats.samples_5xx,
        "4xx": dict(sorted(four.items())),
        "4xx_by_kind": {k: dict(v) for k, v in sorted(four_by_kind.items())},
        "memory_kib": {
            "warmup_end_at_s": round(base_sample.at),
            "web_start": base_sample.web,
            "web_end": last_sample.web,
            "web_growth_pct": round(web_growth * 100, 1),
            "worker_start": base_sample.worker,
            "worker_end": last_sample.worker,
            "worker_growth_pct": round(worker_growth * 100, 1),
            "web_first_sample": samples[0].web if samples else 0,
            "worker_first_sample": samples[0].worker if samples else 0,
        },
        "signals": {
            "keys_sent": len(shared.sent),
            "accepted": len(sent_ok),
            "retried": len(retried),
            "stored": len(stored),
            "lost": len(lost),
            "duplicated": len(duplicated),
            "stored_but_never_sent": len(unknown),
        },
        "health_at_end": health,
    }
    (run_dir / "report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))

    failures = []
    if five:
        failures.append(f"{len(five)} answers were 5xx or a cut connection")
    if web_growth > MAX_GROWTH:
        failures.append(f"gunicorn workers' memory grew {web_growth:.1%} after warm-up")
    if worker_growth > MAX_GROWTH:
        failures.append(f"the Celery worker's memory grew {worker_growth:.1%} after warm-up")
    never = [key for key, status in shared.sent.items() if status != 201]
    if lost or duplicated or unknown or never:
        failures.append(
            f"signals: {len(lost)} lost, {len(duplicated)} duplicated, {len(unknown)} unknown, "
            f"{len(never)} never accepted"
        )
    if failures:
        print("SOAK FAILED: " + "; ".join(failures))
        return 1
    print(
        f"SOAK PASSED: {len(records)} requests in {round(elapsed)} s, 0 5xx, "
        f"{sum(four.values())} 4xx, memory web {web_growth:+.1%} worker {worker_growth:+.1%}, "
        f"{len(sent_ok)} signals sent and stored once"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
