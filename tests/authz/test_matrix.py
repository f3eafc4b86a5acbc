"""The authorization matrix, requested cell by cell (see permissions/matrix.py).

Every URL pattern the project serves must have an entry; every entry is requested for every
method, actor and situation, and the status compared. The world is built once per module;
each cell runs in a savepoint that is rolled back, and a refused unsafe request must not
have changed a row (checked before the rollback).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from permissions.constants import FieldGroup as G
from permissions.matrix import (
    ACTOR_KEYS,
    ADMIN_RULE,
    ANONYMOUS,
    ENDPOINTS,
    ENDPOINTS_BY_NAME,
    SITUATIONS_BY_OBJECT,
    Endpoint,
    cells,
    expected,
)
from permissions.urlmap import Pattern, url_patterns

from .world import ABSENT, World, world_rolled_back

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = {401, 403, 404, 405}
# Rows a refused request may add: the access log records denied attempts; sessions move.
DOMAIN_TABLES = (
    "casework_",
    "signals_",
    "privacy_",
    "notifications_",
    "permissions_",
    "workflows_",
    "guardian_",
    "auth_",
)
MAY_CHANGE = {
    "permissions_accesslog",
    "permissions_apitoken",  # last_used_at
    "django_session",
    "otp_totp_totpdevice",
}

# Marks the test database as needed; each test then runs in a savepoint of the module's.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, inside one transaction that is rolled back after the module."""
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(scope="module")
def clients(world: World) -> dict[str, Client]:
    result = {ANONYMOUS: Client()}
    for key, user in world.users.items():
        client = Client()
        client.force_login(user)
        result[key] = client
    return result


PATTERNS = url_patterns()
ADMIN = [p for p in PATTERNS if p.admin]
OWN = [p for p in PATTERNS if not p.admin]


def test_every_url_pattern_has_an_entry_and_every_entry_a_pattern():
    served = {p.key for p in OWN}
    assert served - set(ENDPOINTS_BY_NAME) == set(), "add these to permissions/matrix.py"
    assert set(ENDPOINTS_BY_NAME) - served == set(), "these entries serve nothing"
    assert len(ENDPOINTS_BY_NAME) == len(ENDPOINTS), "an entry is listed twice"


def _body(endpoint: Endpoint, method: str, world: World) -> dict[str, Any]:
    body = dict(endpoint.bodies.get(method, {}))
    for key, value in body.items():
        if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
            body[key] = str(world.orgs[value[1:-1]].uuid)
    return body


def _writes() -> list[Any]:
    """Rows inserted, updated and deleted per domain table in this transaction so far.

    PostgreSQL counts them per transaction (savepoints included), so one cheap query before
    and after a request shows whether it wrote anything.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE relname LIKE ANY(%s) AND NOT relname = ANY(%s) ORDER BY relname",
            [[f"{prefix}%" for prefix in DOMAIN_TABLES], sorted(MAY_CHANGE)],
        )
        return cursor.fetchall()


_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def _with_deepest_absent(
    pattern: Pattern, endpoint: Endpoint, world: World, actor: str, situation: str
) -> str:
    kwargs = world.kwargs(endpoint.obj, actor, situation)
    if pattern.params:
        deepest = pattern.params[-1]
        kwargs[deepest] = 999_999 if deepest == "notification_id" else ABSENT
    url = pattern.url(kwargs)
    return f"{url}?{endpoint.query}" if endpoint.query else url


def _unmasked(content: bytes) -> bytes:
    """The page without its per-response CSRF mask."""
    return _CSRF.sub(b"", content)


def request(
    client: Client, endpoint_kind: str, method: str, url: str, body: dict[str, Any], token: str
) -> Any:
    headers = {"Authorization": f"Token {token}"} if endpoint_kind == "api" and token else {}
    saved = copy.deepcopy(client.cookies)
    try:
        if endpoint_kind == "api" or method in {"PUT", "PATCH", "DELETE"}:
            return client.generic(
                method,
                url,
                json.dumps(body) if body else "",
                content_type="application/json",
                headers=headers,
            )
        if method == "POST":
            return client.post(url, body, headers=headers)
        return client.get(url, headers=headers)
    finally:
        client.cookies = saved  # a sign-out cell must not sign the next cell out


ALL_GROUPS = {g.value for g in G}
PROFILE = {
    "coordinator": ALL_GROUPS,
    "buurcoordinator": ALL_GROUPS,
    "teamlead": {"core", "identity", "bsn"},
    "wijkagent": {"core", "identity", "nuisance", "justice"},
    "ggz": {"core", "identity", "care"},
    "corporatie": {"core", "identity", "nuisance"},
    "zvh": {"core", "identity", "bsn", "care"},
}


def check_case_file(actor: str, body: dict[str, Any]) -> list[str]:
    """Undisclosed field groups are absent from the case file, not null."""
    groups = set(body["field_groups"])
    problems = []
    if groups != PROFILE[actor]:
        problems.append(f"field groups {sorted(groups)} != {sorted(PROFILE[actor])}")
    if ("reporters" in body) != ("reporter" in groups):
        problems.append("reporters shown against the profile")
    if not groups & {"identity", "bsn"} and "persons" in body:
        problems.append("persons shown without identity")
    for person in body.get("persons", []):
        if ("bsn" in person) != ("bsn" in groups):
            problems.append("bsn shown against the profile")
        if ("surname" in person) != ("identity" in groups):
            problems.append("surname shown against the profile")
    if not set(body.get("notes", {})) <= groups:
        problems.append(f"notes of {sorted(set(body['notes']) - groups)} shown")
    return problems


@pytest.mark.parametrize(
    ("name", "method"),
    [(e.name, m) for e in ENDPOINTS for m in e.methods],
    ids=[f"{e.name}:{m}" for e in ENDPOINTS for m in e.methods],
)
def test_matrix(world, clients, name, method):
    endpoint = ENDPOINTS_BY_NAME[name]
    pattern = next(p for p in OWN if p.key == name)
    unsafe = method in UNSAFE
    mismatches: list[str] = []
    wrong: dict[tuple[int, int], list[str]] = {}
    not_found: dict[tuple[str, str], bytes] = {}
    for cell_method, actor, situation in cells(endpoint):
        if cell_method != method:
            continue
        want = expected(endpoint, method, actor, situation)
        url = pattern.url(world.kwargs(endpoint.obj, actor, situation))
        if endpoint.query:
            url = f"{url}?{endpoint.query}"
        with transaction.atomic():
            before = _writes() if unsafe else None
            response = request(
                clients[actor],
                endpoint.kind,
                method,
                url,
                _body(endpoint, method, world),
                world.tokens.get(actor, ""),
            )
            got = response.status_code
            if got != want:
                wrong.setdefault((want, got), []).append(f"{actor}/{situation}")
            elif got in REFUSED and before is not None and _writes() != before:
                mismatches.append(f"{actor:16} {situation:20} refused but changed rows")
            if got == 302 and actor == ANONYMOUS and endpoint.kind == "html":
                assert response["Location"].startswith("/aanmelden/")
            if got == 404 and situation != "absent":
                not_found[(actor, situation)] = _unmasked(response.content)
            if name == "api-case" and got == 200:
                mismatches += [
                    f"{actor} {situation}: {p}" for p in check_case_file(actor, response.json())
                ]
            transaction.set_rollback(True)
    for (want, got), where in wrong.items():
        mismatches.append(f"want {want} got {got}: {' '.join(where)}")
    # Absent and forbidden look the same, byte for byte, for the same person: the hidden
    # object's id replaced by one that does not exist gives the same answer.
    absent_answers: dict[tuple[str, str], bytes] = {}
    for (actor, situation), content in not_found.items():
        absent_url = _with_deepest_absent(pattern, endpoint, world, actor, situation)
        if (actor, absent_url) not in absent_answers:
            with transaction.atomic():
                response = request(
                    clients[actor],
                    endpoint.kind,
                    method,
                    absent_url,
                    _body(endpoint, method, world),
                    world.tokens.get(actor, ""),
                )
                absent_answers[(actor, absent_url)] = _unmasked(response.content)
                transaction.set_rollback(True)
        if content != absent_answers[(actor, absent_url)]:
            mismatches.append(f"{actor:16} {situation:20} 404 differs from an absent id")
    assert not mismatches, f"{name} {method}:\n" + "\n".join(mismatches)


@pytest.mark.parametrize("pattern", ADMIN, ids=[p.key for p in ADMIN])
def test_admin_is_closed_to_every_role(world, clients, pattern: Pattern):
    values = {name: "1" for name in pattern.params}
    values["app_label"] = "permissions"
    url = pattern.url(values)
    for actor in ACTOR_KEYS:
        with transaction.atomic():
            response = request(clients[actor], "html", "GET", url, {}, "")
            assert response.status_code == ADMIN_RULE["GET"](actor, "-"), (actor, url)
            transaction.set_rollback(True)


def test_docs_permissions_md_is_the_rendered_matrix():
    from pathlib import Path

    from permissions.matrix_doc import render

    committed = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
    assert committed.read_text(encoding="utf-8") == render(), (
        "run: python manage.py authz_matrix --write docs/permissions.md"
    )


def test_situations_are_all_asked():
    assert {e.obj for e in ENDPOINTS} <= set(SITUATIONS_BY_OBJECT)
