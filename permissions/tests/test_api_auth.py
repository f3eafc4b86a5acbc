"""API authentication: hashed tokens, verified sessions, JSON errors, /me and /organisations."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from permissions.constants import RoleSlug
from permissions.models import ApiToken
from permissions.services import api_token_revoke_all
from permissions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_without_credentials_the_api_answers_401_in_json(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_me_with_a_token(token_client, coordinator):
    response = token_client(coordinator).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "coordinator"
    assert body["role"] == RoleSlug.COORDINATOR
    assert body["organisation"]["name"] == "Gemeente Testwaard"
    assert body["organisation"]["type"] == "gemeente"
    assert len(body["organisation"]["id"]) == 36  # a UUID


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token not-a-real-token", "Bearer abc", "Token " + "x" * 500],
)
def test_bad_token_headers_answer_401_never_500(api_client, coordinator, header):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_tokens_are_stored_only_as_hashes(coordinator):
    out = StringIO()
    call_command("issue_token", "coordinator", stdout=out)
    key = out.getvalue().strip()
    stored = ApiToken.objects.get(user=coordinator)
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {stored.digest, stored.prefix}
    assert stored.prefix == key[:8]


def test_issue_token_prints_a_working_token(api_client, coordinator):
    out = StringIO()
    call_command("issue_token", "coordinator", stdout=out)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_issue_token_refuses_unknown_or_inactive_users(coordinator):
    with pytest.raises(CommandError, match="No user named"):
        call_command("issue_token", "nobody")
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="not active"):
        call_command("issue_token", "coordinator")


def test_revoked_token_and_deactivated_user_are_refused(token_client, coordinator):
    client = token_client(coordinator)
    api_token_revoke_all(user=coordinator)
    assert client.get("/api/v1/me/").status_code == 401
    client = token_client(coordinator)
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/").status_code == 401


def test_verified_demo_session_reaches_the_api_with_csrf(client, gemeente):
    UserFactory(username="demo", organisation=gemeente, is_demo=True)
    client.post("/aanmelden/", {"username": "demo", "password": "correct-horse-battery-staple"})
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (RoleSlug.COORDINATOR, 200),
        (RoleSlug.TEAM_LEAD, 200),
        (RoleSlug.FUNCTIONAL_ADMIN, 200),
        (RoleSlug.BOA, 403),
        (RoleSlug.WIJKAGENT, 403),
        (RoleSlug.PARTNER, 403),
        (RoleSlug.PRIVACY_OFFICER, 403),
    ],
)
def test_organisations_list_per_role(token_client, gemeente, ggz, role, status):
    user = UserFactory(organisation=gemeente, role=role)
    response = token_client(user).get("/api/v1/organisations/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert set(body) == {"next", "previous", "results"}
        assert {o["name"] for o in body["results"]} == {"Gemeente Testwaard", "GGZ Testwaard"}
        assert set(body["results"][0]) == {"id", "name", "type"}


def test_unknown_api_path_answers_json_404(token_client, coordinator):
    response = token_client(coordinator).get("/api/v1/does-not-exist/")
    assert response.status_code == 404


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
