"""Changes through the admin to who-may-see-what are logged, and groups follow the role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from permissions.constants import RoleSlug
from permissions.models import AccessLog, Role
from permissions.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_admin_changes_to_a_user_are_logged_without_values_and_groups_follow(gemeente, ggz):
    admin = make_user(username="root", organisation=gemeente, is_demo=True)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    target = make_user(username="target", organisation=gemeente, role=RoleSlug.BOA)
    client = Client()
    client.post("/aanmelden/", {"username": "root", "password": "correct-horse-battery-staple"})
    police = Permission.objects.get(codename="read_police_data")
    response = client.post(
        f"/beheer/permissions/user/{target.pk}/change/",
        {
            "username": "target",
            "first_name": "",
            "last_name": "",
            "email": "",
            "organisation": ggz.pk,
            "role": Role.objects.get(slug="partner").pk,
            "department": "",
            "is_active": "on",
            "user_permissions": [police.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert set(target.groups.all()) == {ggz.group, Role.objects.get(slug="partner").group}
    entry = AccessLog.objects.get(action="configure", object_type="user")
    assert {"organisation", "role", "user_permissions"} <= set(entry.detail["fields"])
    assert "correct-horse" not in str(entry.detail)
