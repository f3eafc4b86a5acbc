"""Web security across every page: CSRF, the Content-Security-Policy, two factors, production
settings, and what logs and the raw database hold after a full flow.

The pages come from the authorization matrix (permissions/matrix.py): every page an actor may
open in a situation is opened and inspected, so a new page is inspected without a new test.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from permissions.matrix import ACTOR_KEYS, ANONYMOUS, ENDPOINTS, SITUATIONS_BY_OBJECT, expected
from permissions.tests.factories import TEST_PASSWORD, make_user
from permissions.urlmap import url_patterns
from tests.authz.world import World, world_rolled_back
from tests.test_profiles import ROOT, production_env

pytestmark = pytest.mark.django_db

PATTERNS = {p.key: p for p in url_patterns()}
HTML = [e for e in ENDPOINTS if e.kind in {"html", "open"} and not e.name.startswith("api-")]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, inside one transaction that is rolled back after the module."""
    with world_rolled_back(django_db_blocker) as world:
        yield world


def _client(world: World, actor: str, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    if actor != ANONYMOUS:
        client.force_login(world.users[actor])
    return client


def _pages(world: World) -> Iterator[tuple[str, str, str]]:
    """(actor, url, name) of every HTML page an actor may open (GET answers 200)."""
    for endpoint in HTML:
        if "GET" not in endpoint.methods:
            continue
        for actor in ACTOR_KEYS:
            for situation in SITUATIONS_BY_OBJECT[endpoint.obj]:
                if expected(endpoint, "GET", actor, situation) == 200:
                    url = PATTERNS[endpoint.name].url(world.kwargs(endpoint.obj, actor, situation))
                    yield actor, url, endpoint.name


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def test_every_page_has_a_strict_csp_no_inline_script_and_csrf_on_every_form(world):
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    pages = 0
    for actor, url, name in _pages(world):
        if (actor, url) in seen:
            continue
        seen.add((actor, url))
        with transaction.atomic():
            response = _client(world, actor).get(url)
            transaction.set_rollback(True)
        assert response.status_code == 200, (actor, url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        policy = response.get("Content-Security-Policy", "")
        script_src = re.search(r"script-src ([^;]*)", policy)
        if not script_src or "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
            problems.append(f"{name} ({actor}): weak or missing CSP {policy!r}")
        if "frame-ancestors 'none'" not in policy or "object-src 'none'" not in policy:
            problems.append(f"{name} ({actor}): CSP lacks frame-ancestors/object-src")
        html = response.content.decode()
        for attributes, body in SCRIPT.findall(html):
            if "src=" not in attributes or body.strip():
                problems.append(f"{name} ({actor}): inline script")
        if HANDLER.search(html) or "javascript:" in html.lower():
            problems.append(f"{name} ({actor}): inline event handler or javascript: URL")
        for attributes, body in FORM.findall(html):
            if "post" in attributes.lower() and "csrfmiddlewaretoken" not in body:
                problems.append(f"{name} ({actor}): POST form without CSRF token")
    assert pages > 60, pages  # the crawl reached the pages of every role
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.parametrize(
    "name",
    [e.name for e in HTML if set(e.methods) & {"POST"}],
)
def test_every_form_post_without_csrf_token_is_refused(world, name):
    """A cross-site POST (no token) is refused for the person it would be allowed for."""
    endpoint = next(e for e in HTML if e.name == name)
    for actor in ACTOR_KEYS:
        for situation in SITUATIONS_BY_OBJECT[endpoint.obj]:
            want = expected(endpoint, "POST", actor, situation)
            if want in {401, 403, 404, 405}:
                continue
            client = _client(world, actor, enforce_csrf=True)
            url = PATTERNS[name].url(world.kwargs(endpoint.obj, actor, situation))
            with transaction.atomic():
                response = client.post(url, dict(endpoint.bodies.get("POST", {})))
                transaction.set_rollback(True)
            assert response.status_code == 403, (name, actor, situation, response.status_code)
            return  # one allowed actor and situation is enough per form
    pytest.skip("no actor may post here")


def test_the_api_with_a_session_needs_the_csrf_token(world):
    client = _client(world, "boa", enforce_csrf=True)
    response = client.post("/api/v1/signals/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_staff_without_a_second_factor_reach_no_page_and_no_api(world):
    """Signed in with the password only: every page sends them to the second factor."""
    user = make_user(username="half", organisation=world.orgs["gemeente"], role="coordinator")
    client = Client()
    response = client.post("/aanmelden/", {"username": "half", "password": TEST_PASSWORD})
    assert response.status_code == 302
    allowed = {"permissions:otp_verify", "permissions:otp_enrol", "permissions:logout"}
    opened = 0
    for endpoint in ENDPOINTS:
        if endpoint.name in allowed or endpoint.kind == "open":
            continue
        for method in endpoint.methods:
            url = PATTERNS[endpoint.name].url(
                world.kwargs(endpoint.obj, "coordinator", "participating")
            )
            response = client.generic(method, url)
            opened += 1
            if endpoint.kind == "api":
                assert response.status_code in {401, 403}, (endpoint.name, method)
            else:
                assert response.status_code == 302, (endpoint.name, method)
                assert response["Location"].startswith("/aanmelden/tweede-factor/")
    assert opened > 80
    assert user.is_demo is False


def _production_settings(tmp_path: Any, **extra: str) -> dict[str, Any]:
    env = production_env(tmp_path) | extra
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'CSRF_COOKIE_HTTPONLY', 'SESSION_COOKIE_AGE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', "
        "'SESSION_SAVE_EVERY_REQUEST', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', "
        "'SESSION_COOKIE_SAMESITE', 'KETENREGIE_ALLOW_DEMO_USERS', 'AXES_FAILURE_LIMIT', "
        "'AXES_LOCKOUT_PARAMETERS', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF')}))"
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_production_cookies_are_secure_and_sessions_expire(tmp_path):
    s = _production_settings(tmp_path)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert s["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert 0 < s["SESSION_COOKIE_AGE"] <= 3600
    assert s["SESSION_EXPIRE_AT_BROWSER_CLOSE"] and s["SESSION_SAVE_EVERY_REQUEST"]
    assert s["KETENREGIE_ALLOW_DEMO_USERS"] is False  # two factors for everyone by default
    assert 0 < s["AXES_FAILURE_LIMIT"] <= 10
    assert s["AXES_LOCKOUT_PARAMETERS"] == ["username"]
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_CONTENT_TYPE_NOSNIFF"]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name} {text} {record.__dict__!r}")


@pytest.fixture
def every_log_at_debug() -> Iterator[_Capture]:
    """Every logger, at DEBUG, captured (production may run at DEBUG while diagnosing)."""
    handler = _Capture()
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(n) for n in list(logging.root.manager.loggerDict))]
    levels = {lg: lg.level for lg in loggers}
    root.addHandler(handler)
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for lg, level in levels.items():
            lg.setLevel(level)


SUBJECT_BSN = "123456782"
SUBJECT_NAME = "Ria van der Steeg"
DESCRIPTION = "Harde muziek en gebonk tot drie uur 's nachts, buren durven niet te klagen."


def test_a_full_flow_leaves_no_secret_in_the_logs_or_plaintext_in_the_database(
    world, every_log_at_debug, settings
):
    from privacy.tests.scan import raw_scan

    coordinator = world.users["coordinator"]
    browser = Client()
    # Sign in through the page (the password travels in the POST).
    response = browser.post(
        "/aanmelden/", {"username": coordinator.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    boa = Client(headers={"Authorization": f"Token {world.tokens['boa']}"})
    coordinator_api = Client(headers={"Authorization": f"Token {world.tokens['coordinator']}"})
    from signals.tests.factories import body

    response = boa.post("/api/v1/signals/", body(), content_type="application/json")
    assert response.status_code == 201, response.content
    signal_id = response.json()["id"]
    response = coordinator_api.post(
        f"/api/v1/signals/{signal_id}/triage/",
        {"decision": "new_case", "case_type": "woonoverlast"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    case_id = response.json()["case"]
    transitions = coordinator_api.get(f"/api/v1/cases/{case_id}/transitions/").json()
    step = next(t for t in transitions["results"] if t["available"])
    response = coordinator_api.post(
        f"/api/v1/cases/{case_id}/transitions/",
        {"transition": step["name"], "reason": "Quickscan gestart na melding."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert coordinator_api.get(f"/api/v1/cases/{case_id}/").status_code == 200
    page = browser.get(f"/casussen/{case_id}/")
    assert page.status_code == 200
    assert SUBJECT_BSN in page.content.decode()  # the coordinator reads it, so it was decrypted
    browser.get(f"/signalen/{signal_id}/")
    # A failed sign-in too: its password must not be logged either.
    Client().post("/aanmelden/", {"username": "boa-typo", "password": "wrong-password-77"})

    secrets = {
        "bsn": SUBJECT_BSN,
        "name": SUBJECT_NAME,
        "surname": "van der Steeg",
        "description": DESCRIPTION[:40],
        "password": TEST_PASSWORD,
        "wrong password": "wrong-password-77",
        "signing key": settings.SECRET_KEY,
        "session": browser.cookies[settings.SESSION_COOKIE_NAME].value,
        **{f"token {k}": t for k, t in world.tokens.items()},
        "field key": settings.KETENREGIE_KEYS.field_kek.decode("latin-1"),
        "index key": settings.KETENREGIE_KEYS.blind_index.decode("latin-1"),
    }
    log = "\n".join(every_log_at_debug.lines)
    assert every_log_at_debug.lines, "nothing was logged: the capture is broken"
    leaked = [what for what, value in secrets.items() if value and value.lower() in log.lower()]
    assert leaked == [], f"the logs hold: {leaked}"

    hits = raw_scan(
        texts=[SUBJECT_BSN, SUBJECT_NAME, "van der Steeg", DESCRIPTION[:40], "wrong-password-77"]
    )
    assert hits == [], hits
