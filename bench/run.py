"""Run the benchmark scenarios against the generated data and print their tables.

    python -m bench.run --scale 100000 [--only intake,list,detail,matching,reminders,memory]

Generates the data set first when the database does not hold this scale yet. Starts
gunicorn (production profile, bench URLconf) and, for the reminders, Celery workers; prints
each scenario's table with the data size, the machine and the load average; writes the raw
output to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import env
from bench.loadgen import Result, load

PORT = int(os.environ.get("BENCH_PORT", 8765))
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", 5))  # (2 x cores) + 1, as the image
CELERY_CONCURRENCY = int(os.environ.get("BENCH_CELERY_CONCURRENCY", 2))
INTAKE_CONCURRENCY = int(os.environ.get("BENCH_INTAKE_CONCURRENCY", 10))
INTAKE_SECONDS = float(os.environ.get("BENCH_INTAKE_SECONDS", 20))
LIST_SECONDS = float(os.environ.get("BENCH_LIST_SECONDS", 15))
REMINDERS = int(os.environ.get("BENCH_REMINDERS", 100_000))
REMINDERS_TIMEOUT = float(os.environ.get("BENCH_REMINDERS_TIMEOUT", 180))
SCENARIOS = ("intake", "list", "detail", "matching", "reminders", "memory")

Table = tuple[str, list[str], list[list[Any]]]  # title, header, rows


# --- printing -----------------------------------------------------------------------------


class Report:
    def __init__(self, scale: int) -> None:
        self.scale = scale
        self.lines: list[str] = []
        self.data: dict[str, Any] = {"scale": scale, "tables": []}

    def out(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def table(self, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        load1, load5, _load15 = os.getloadavg()
        self.out(f"\n### {title}")
        self.out(f"_{facts_line()}; load average {load1:.2f} / {load5:.2f} (1 / 5 min)_\n")
        cells = [[_cell(v) for v in row] for row in rows]
        self.out("| " + " | ".join(header) + " |")
        self.out("|" + "|".join("---" for _ in header) + "|")
        for row in cells:
            self.out("| " + " | ".join(row) + " |")
        self.data["tables"].append(
            {"title": title, "header": list(header), "rows": cells, "load": [load1, load5]}
        )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


_FACTS: dict[str, str] = {}


def facts_line() -> str:
    return (
        f"{_FACTS.get('cases', '?')} cases, {_FACTS.get('persons', '?')} persons; "
        f"{_FACTS.get('machine', '?')}"
    )


def machine() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = str(cursor.fetchone()[0]).split()[0]
    return (
        f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.0f} GB, "
        f"PostgreSQL {version} on the same machine, Python {platform.python_version()}"
    )


# --- processes ----------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    values = dict(os.environ)
    values.update(env.bench_environ())
    values["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    root = str(env.BENCH_DIR.parent)
    values["PYTHONPATH"] = root + os.pathsep + values.get("PYTHONPATH", "")
    return values


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@contextmanager
def gunicorn() -> Iterator[subprocess.Popen[bytes]]:
    env.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    log = (env.RESULTS_DIR / "gunicorn.log").open("ab")
    process = subprocess.Popen(  # noqa: S603
        [
            _bin("gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WEB_WORKERS),
            "--backlog",
            "2048",
            "--graceful-timeout",
            "10",
            "--timeout",
            "120",
        ],
        cwd=env.BENCH_DIR.parent,
        env=_child_env(),
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(
                        "gunicorn did not start; see bench/results/gunicorn.log"
                    ) from None
                time.sleep(0.5)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        log.close()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- helpers ------------------------------------------------------------------------------


def _tokens() -> dict[str, str]:
    from bench.fixtures import fixtures_ensure

    return fixtures_ensure()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


_LAST_QUERIES: list[dict[str, Any]] = []


def _queries_per_request(path: str, token: str, method: str = "get", body: Any = None) -> int:
    """How many SQL queries one request costs, measured in this process (warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    call: Callable[..., Any] = getattr(client, method)
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
    call(path, **kwargs)  # warm the caches as a running worker has them
    with CaptureQueriesContext(connection) as captured:
        response = call(path, **kwargs)
    assert response.status_code < 400, (path, response.status_code, response.content[:300])
    _LAST_QUERIES[:] = captured.captured_queries
    return len(captured.captured_queries)


def _explain_slowest(report: Report, label: str) -> None:
    """EXPLAIN ANALYZE of the last measured request's query of the case list, into the report."""
    from django.db import connection

    selects = [q for q in _LAST_QUERIES if 'FROM "casework_case"' in q["sql"]]
    if not selects:
        return
    slowest = max(selects, key=lambda q: len(q["sql"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = [str(row[0]) for row in cursor.fetchall()]
    report.out(f"\n{label}: EXPLAIN ANALYZE of its list query\n")
    report.out("```")
    for line in plan:
        report.out(line)
    report.out("```")


def _row(label: str, result: Result, concurrency: int, extra: Sequence[Any] = ()) -> list[Any]:
    return [
        label,
        concurrency,
        result.requests,
        result.throughput,
        result.median,
        result.percentile(95),
        result.percentile(99),
        result.errors,
        *extra,
    ]


# --- scenario 1: intake -------------------------------------------------------------------


def _intake_body(n: int) -> dict[str, Any]:
    from bench.generate import bsn_for

    return {
        "category": _INTAKE["category"],
        "description": "Harde muziek en geschreeuw na middernacht, al de derde keer deze week.",
        "observed_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "location": {"address": f"{_INTAKE['street']} {1 + n % 40}", "postcode": _INTAKE["pc"]},
        "persons": [
            {
                "role": "subject",
                "name": "Jan de Vries",
                "birth_date": "1979-04-12",
                "bsn": bsn_for(9_000_000 + n % 900_000),
            }
        ],
    }


_INTAKE: dict[str, str] = {}


def scenario_intake(report: Report, tokens: dict[str, str]) -> None:
    from signals.models import Category, Street

    category = Category.objects.filter(code__startswith="WO-", active=True).order_by("pk").first()
    street = Street.objects.order_by("pk").first()
    assert category is not None and street is not None
    _INTAKE.update(category=category.code, street=street.name, pc=street.postcode)
    headers = {**_auth(tokens["boa"]), "Content-Type": "application/json"}
    queries = _queries_per_request("/api/v1/signals/", tokens["boa"], "post", _intake_body(1))

    def intake(n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "POST", "/api/v1/signals/", json.dumps(_intake_body(n)).encode(), headers

    def floor(n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "POST", "/bench/floor/", json.dumps(_intake_body(n)).encode(), headers

    floor_queries = _queries_per_request("/bench/floor/", tokens["boa"], "post", _intake_body(1))
    floor_result = load(factory=floor, concurrency=INTAKE_CONCURRENCY, seconds=INTAKE_SECONDS)
    intake_result = load(factory=intake, concurrency=INTAKE_CONCURRENCY, seconds=INTAKE_SECONDS)
    ratio = intake_result.throughput / floor_result.throughput if floor_result.throughput else 0
    header = ["endpoint", "users", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    report.table(
        f"1. Intake: POST /api/v1/signals/ vs the floor (gunicorn {WEB_WORKERS} sync workers, "
        f"{INTAKE_SECONDS:.0f} s each)",
        [*header, "queries"],
        [
            _row("floor: one plain INSERT (DRF, token)", floor_result, INTAKE_CONCURRENCY,
                 [floor_queries]),
            _row("intake: POST /api/v1/signals/", intake_result, INTAKE_CONCURRENCY, [queries]),
            ["**intake / floor**", "", "", f"{ratio:.0%}", "", "", "", "", ""],
        ],
    )  # fmt: skip


# --- scenario 2: partner case list vs guardian --------------------------------------------


def scenario_list(report: Report, tokens: dict[str, str]) -> None:
    token = tokens["corporatie"]
    headers = _auth(token)
    rows = []
    results: dict[tuple[str, int], Result] = {}
    plans: list[tuple[str, list[dict[str, Any]]]] = []
    from casework.models import Participation
    from permissions.models import User

    org_id = User.objects.get(username="corporatie").organisation_id or 0
    visible = Participation.objects.filter(
        organisation_id=org_id, ended_at__isnull=True, case__confidentiality__lt=3
    ).count()
    for label, path in (
        ("participation selector (product)", "/api/v1/cases/"),
        ("guardian get_objects_for_user", "/bench/guardian-cases/"),
    ):
        queries = _queries_per_request(path, token)
        plans.append((label, list(_LAST_QUERIES)))
        for users in (1, 20):
            seconds = LIST_SECONDS

            def listing(n: int, p: str = path) -> tuple[str, str, bytes | None, dict[str, str]]:
                return "GET", p, None, headers

            result = load(
                factory=listing,
                concurrency=users,
                seconds=seconds,
                warmup=3,
            )
            results[(label, users)] = result
            rows.append(_row(label, result, users, [queries]))
    for users in (1, 20):
        ours = results[("participation selector (product)", users)].percentile(95)
        theirs = results[("guardian get_objects_for_user", users)].percentile(95)
        speedup = theirs / ours if ours else float("nan")
        rows.append([f"**guardian p95 / product p95, {users} user(s)**", "", "", "", "", "",
                     "", "", f"{speedup:.1f}x"])  # fmt: skip
    report.table(
        f"2. Partner case list, first page of 25 (GET /api/v1/cases/ as a housing corporation "
        f"that sees {visible:,} cases)",
        ["page", "users", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "queries"],
        rows,
    )
    for label, captured in plans:
        _LAST_QUERIES[:] = captured
        _explain_slowest(report, label)


# --- scenario 3: case detail --------------------------------------------------------------


def _sample_cases(org_filter: dict[str, Any], count: int) -> list[str]:
    from casework.models import Case

    ids = list(
        Case.objects.filter(**org_filter)
        .order_by("-created_at")
        .values_list("uuid", flat=True)[: count * 20]
    )
    random.Random(7).shuffle(ids)
    return [str(u) for u in ids[:count]]


def scenario_detail(report: Report, tokens: dict[str, str]) -> None:
    from bench.fixtures import CORE_USER
    from permissions.models import User

    rows = []
    coordinator = User.objects.get(username="coordinator")
    core = User.objects.get(username=CORE_USER)
    viewers = (
        (
            "coordinator: every field group decrypted",
            "coordinator",
            {"municipality_id": coordinator.organisation.municipality_id, "confidentiality__lt": 3},  # type: ignore[union-attr]
        ),
        (
            "partner with the core group only: nothing decrypted",
            CORE_USER,
            {
                "participations__organisation_id": core.organisation_id,
                "participations__ended_at__isnull": True,
                "confidentiality__lt": 3,
            },
        ),
    )
    for label, username, where in viewers:
        cases = _sample_cases(where, 200)
        token = tokens[username]
        queries = _queries_per_request(f"/api/v1/cases/{cases[0]}/", token)
        headers = _auth(token)

        def detail(
            n: int, c: list[str] = cases, h: dict[str, str] = headers
        ) -> tuple[str, str, bytes | None, dict[str, str]]:
            return "GET", f"/api/v1/cases/{c[n % len(c)]}/", None, h

        result = load(
            factory=detail,
            concurrency=1,
            requests=len(cases),
            warmup=5,
        )  # fmt: skip
        rows.append(_row(label, result, 1, [queries]))
    report.table(
        "3. Case detail (GET /api/v1/cases/<id>/, 200 different cases, one user)",
        ["viewer", "users", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "queries"],
        rows,
    )


# --- scenario 4: matching -----------------------------------------------------------------


def _timed(call: Callable[[], Any], times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def scenario_matching(report: Report) -> None:
    from casework.models import Person
    from casework.selectors.persons import person_find

    persons = Person.objects.count()
    sample = list(
        Person.objects.exclude(bsn__isnull=True)
        .filter(pk__in=[random.Random(n).randint(1, persons) for n in range(400)])
        .only("uuid", "data_key", "bsn", "surname", "birth_date")[:200]
    )
    known = [(p.bsn or "", p.surname or "", p.birth_date) for p in sample]
    from bench.generate import bsn_for

    unknown_bsn = [bsn_for(9_500_000 + n) for n in range(len(known))]
    rows = []
    for label, calls in (
        ("BSN, known person", [lambda k=k: person_find(bsn=k[0]) for k in known]),
        ("BSN, unknown", [lambda b=b: person_find(bsn=b) for b in unknown_bsn]),
        (
            "surname + birth date, known",
            [lambda k=k: person_find(surname=k[1], birth_date=k[2]) for k in known],
        ),
    ):
        for call in calls[:10]:
            call()  # warm
        latencies: list[float] = []
        for call in calls:
            latencies += _timed(call, 1)
        ordered = sorted(latencies)
        p = lambda q, o=ordered: o[min(len(o) - 1, round(q / 100 * (len(o) - 1)))]  # noqa: E731
        rows.append([label, len(latencies), statistics.median(latencies), p(95), p(99)])
    report.table(
        f'4. Matching "bekend?" by blind index (casework.selectors.persons.person_find, '
        f"{persons:,} persons, in-process)",
        ["lookup", "lookups", "p50 ms", "p95 ms", "p99 ms"],
        rows,
    )


# --- scenario 5: reminders ----------------------------------------------------------------


def _reminders_insert(count: int) -> int:
    """Put ``count`` due reminders on open plan actions, as the product schedules them."""
    import psycopg

    from notifications.kinds import ObjectRef
    from notifications.services import reminder_key

    due_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    with psycopg.connect(env.database_url(), autocommit=True) as conn:
        conn.execute(
            "DELETE FROM notifications_notification; DELETE FROM notifications_delivery;"
            " DELETE FROM notifications_reminder WHERE idempotency_key LIKE 'bench:%%'"
            " OR status <> 'pending' OR due_at <= now()"
        )
        actions = conn.execute(
            "SELECT a.id, c.municipality_id FROM casework_planaction a"
            " JOIN casework_case c ON c.id = a.case_id"
            " WHERE a.status = 'open' AND a.due_date IS NOT NULL ORDER BY a.id LIMIT %s",
            [count],
        ).fetchall()
        steps = ("coordinator", "team_lead")
        written = 0
        with (
            conn.cursor() as cursor,
            cursor.copy(
                "COPY notifications_reminder (kind, object_type, object_id, step, due_at,"
                " municipality_id, status, attempts, idempotency_key, created_at, last_error)"
                " FROM STDIN"
            ) as copy,
        ):
            for step in steps:
                for action_id, municipality_id in actions:
                    if written >= count:
                        break
                    ref = ObjectRef(type="casework.planaction", id=str(action_id))
                    key = reminder_key(kind="action_due", ref=ref, step=step, due_at=due_at)
                    copy.write_row(
                        ("action_due", ref.type, ref.id, step, due_at, municipality_id,
                         "pending", 0, key, due_at, "")
                    )  # fmt: skip
                    written += 1
        conn.execute("ANALYZE notifications_reminder")
    return written


def scenario_reminders(report: Report, state: dict[str, Any]) -> None:
    import psycopg
    import redis

    redis.Redis.from_url(env.redis_url()).flushdb()
    count = _reminders_insert(REMINDERS)
    log = (env.RESULTS_DIR / "celery.log").open("ab")
    worker = subprocess.Popen(  # noqa: S603
        [_bin("celery"), "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency",
         str(CELERY_CONCURRENCY), "--without-gossip", "--without-mingle", "-n", "bench@%h"],
        cwd=env.BENCH_DIR.parent, env=_child_env(), stdout=log, stderr=log,
    )  # fmt: skip
    state["celery"] = worker
    from notifications.tasks import dispatch_due

    def counts() -> tuple[int, int]:
        with psycopg.connect(env.database_url()) as conn:
            row = conn.execute(
                "SELECT count(*) FILTER (WHERE status IN ('sent', 'failed', 'cancelled')),"
                " count(*) FILTER (WHERE status IN ('pending', 'dispatching'))"
                " FROM notifications_reminder WHERE due_at <= now()"
            ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    time.sleep(3)
    started = time.monotonic()
    next_beat = started
    done = 0
    beats = 0
    while time.monotonic() - started < REMINDERS_TIMEOUT:
        if time.monotonic() >= next_beat:
            # What beat does once a minute: one dispatcher run, on a worker.
            dispatch_due.delay()
            beats += 1
            next_beat += 60
        done, left = counts()
        if left == 0:
            break
        time.sleep(1)
    seconds = time.monotonic() - started
    with psycopg.connect(env.database_url()) as conn:
        stats = conn.execute(
            "SELECT"
            " (SELECT count(*) FROM notifications_reminder"
            "   WHERE status = 'sent' AND due_at <= now()),"
            " (SELECT count(*) FROM notifications_reminder WHERE status = 'failed'),"
            " (SELECT count(*) FROM notifications_delivery),"
            " (SELECT count(*) FROM notifications_notification),"
            " (SELECT count(*) - count(DISTINCT delivery_id) FROM notifications_notification),"
            " (SELECT count(*) FROM (SELECT reminder_id, recipient_id, channel"
            "   FROM notifications_delivery WHERE status = 'sent'"
            "   GROUP BY 1, 2, 3 HAVING count(*) > 1) d)"
        ).fetchone()
    assert stats is not None
    sent, failed, deliveries, notifications, dup_notifications, dup_deliveries = stats
    finished = done >= count
    report.table(
        f"5. Reminders: {count:,} due reminders, dispatcher run as beat would (once a minute), "
        f"one Celery worker with concurrency {CELERY_CONCURRENCY}",
        ["reminders", "all handled", "seconds", "reminders/s", "sent", "failed",
         "deliveries", "notifications", "duplicates", "dispatcher runs"],
        [[count, "yes" if finished else f"no ({done:,} after the time limit)", seconds,
          done / seconds if seconds else 0, sent, failed, deliveries, notifications,
          dup_notifications + dup_deliveries, beats]],
    )  # fmt: skip


# --- scenario 6: memory -------------------------------------------------------------------


def scenario_memory(report: Report, web: subprocess.Popen[bytes], state: dict[str, Any]) -> None:
    rows = []
    web_workers = children(web.pid)
    sizes = [rss_mb(pid) for pid in web_workers]
    if sizes:
        rows.append([f"gunicorn worker (largest of {len(sizes)})", max(sizes),
                     statistics.median(sizes)])  # fmt: skip
    rows.append(["gunicorn master", rss_mb(web.pid), float("nan")])
    worker = state.get("celery")
    if worker is not None and worker.poll() is None:
        pool = children(worker.pid)
        pool_sizes = [rss_mb(pid) for pid in pool]
        rows.append(["Celery worker: main process", rss_mb(worker.pid), float("nan")])
        if pool_sizes:
            rows.append([f"Celery worker: pool process (largest of {len(pool_sizes)})",
                         max(pool_sizes), statistics.median(pool_sizes)])  # fmt: skip
    report.table(
        "6. Resident memory after the runs (VmRSS)",
        ["process", "RSS MB", "median MB"],
        rows,
    )


# --- main ---------------------------------------------------------------------------------


def run(scale: int, only: Sequence[str]) -> Report:
    from bench.generate import generate

    generated = generate(scale, workers=os.cpu_count() or 2)
    import django

    django.setup()
    from casework.models import Case, Person

    _FACTS["cases"] = f"{Case.objects.count():,}"
    _FACTS["persons"] = f"{Person.objects.count():,}"
    _FACTS["machine"] = machine()
    report = Report(scale)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    report.out(
        f"# Ketenregie benchmarks, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"scale {scale:,}, commit {commit or '?'}"
    )
    report.out(f"_{facts_line()}_")
    if not generated.get("skipped"):
        report.out(
            f"\nGenerated {scale:,} cases in {generated['seconds']:.0f} s "
            f"(rows {generated['rows_seconds']:.0f} s, indexes {generated['index_seconds']:.0f} s)."
        )
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT seconds FROM bench_meta")
            row = cursor.fetchone()
        if row and row[0]:
            report.out(f"\nData set generated earlier, in {row[0]:.0f} s.")
    tokens = _tokens()
    state: dict[str, Any] = {}
    try:
        with gunicorn() as web:
            if "intake" in only:
                scenario_intake(report, tokens)
            if "list" in only:
                scenario_list(report, tokens)
            if "detail" in only:
                scenario_detail(report, tokens)
            if "matching" in only:
                scenario_matching(report)
            if "reminders" in only:
                scenario_reminders(report, state)
            if "memory" in only:
                scenario_memory(report, web, state)
    finally:
        worker = state.get("celery")
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    env.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (env.RESULTS_DIR / f"run-{scale}-{stamp}.md").write_text("\n".join(report.lines) + "\n")
    (env.RESULTS_DIR / f"run-{scale}-{stamp}.json").write_text(json.dumps(report.data, indent=1))
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=int(os.environ.get("SCALE", 100_000)))
    parser.add_argument("--only", default=",".join(SCENARIOS))
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    run(args.scale, only)


if __name__ == "__main__":
    main()
