"""Writes for organisations, roles, users and tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from .constants import (
    DEFAULT_DISCLOSURE_PROFILES,
    DEFAULT_ROLE_CASE_PROFILES,
    DEFAULT_ROLES,
    OrganisationType,
    RoleSlug,
)
from .models import ApiToken, DisclosureProfile, Organisation, Role, SharingRule, User

TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


@transaction.atomic
def disclosure_defaults_ensure() -> None:
    """Create the default disclosure profiles and sharing matrix where missing.

    Idempotent; never overwrites what the functional admin changed.
    """
    profiles = {p.slug: p for p in DisclosureProfile.objects.all()}
    for slug, (name, groups) in DEFAULT_DISCLOSURE_PROFILES.items():
        if slug not in profiles:
            profiles[slug] = DisclosureProfile.objects.create(
                slug=slug, name=name, field_groups=[g.value for g in groups]
            )
    existing = set(SharingRule.objects.values_list("organisation_type", flat=True))
    for org_type in OrganisationType:
        if org_type.value not in existing and org_type.value in profiles:
            SharingRule.objects.create(
                organisation_type=org_type.value, disclosure_profile=profiles[org_type.value]
            )


@transaction.atomic
def roles_ensure_defaults() -> list[Role]:
    """Create the default roles, their permissions and case profiles where missing.

    Never removes grants. Idempotent: running it again changes nothing.
    """
    disclosure_defaults_ensure()
    roles = []
    for slug, (name, perms) in DEFAULT_ROLES.items():
        role = Role.objects.filter(slug=slug.value).first()
        if role is None:
            group, _ = Group.objects.get_or_create(name=f"role:{slug.value}")
            profile_slug = DEFAULT_ROLE_CASE_PROFILES.get(slug)
            role = Role.objects.create(
                slug=slug.value,
                name=name,
                group=group,
                case_disclosure_profile=(
                    DisclosureProfile.objects.get(slug=profile_slug) if profile_slug else None
                ),
            )
        wanted = Permission.objects.filter(
            content_type__app_label="permissions", codename__in=[p.codename for p in perms]
        )
        role.group.permissions.add(*wanted)
        roles.append(role)
    return roles


@transaction.atomic
def organisation_create(*, name: str, type: OrganisationType) -> Organisation:
    """Create an organisation together with its own auth group."""
    group = Group.objects.create(name=f"org:{name}"[:150])
    return Organisation.objects.create(name=name, type=type.value, group=group)


@transaction.atomic
def organisation_get_or_create(*, name: str, type: OrganisationType) -> Organisation:
    """Return the organisation with this name, creating it (and its group) if absent."""
    existing = Organisation.objects.filter(name=name).first()
    if existing is not None:
        return existing
    return organisation_create(name=name, type=type)


def _sync_groups(user: User) -> None:
    """A user's groups are exactly their organisation's group and their role's group."""
    groups = []
    if user.organisation_id:
        groups.append(user.organisation.group)  # type: ignore[union-attr]
    if user.role_id:
        groups.append(user.role.group)  # type: ignore[union-attr]
    user.groups.set(groups)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    organisation: Organisation,
    role: RoleSlug,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    department: str = "",
    is_demo: bool = False,
) -> User:
    """Create a user in an organisation with a role; the groups follow from both."""
    user = User(
        username=username,
        organisation=organisation,
        role=Role.objects.get(slug=role.value),
        first_name=first_name,
        last_name=last_name,
        email=email,
        department=department,
        is_demo=is_demo,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _sync_groups(user)
    return user


@transaction.atomic
def user_set_role(*, user: User, role: RoleSlug) -> User:
    """Change a user's role; their global permissions follow."""
    user.role = Role.objects.get(slug=role.value)
    user.save(update_fields=["role"])
    _sync_groups(user)
    return user


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """Create a new token for ``user`` and return its secret, which is shown exactly once."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=_digest(key), prefix=key[:8])
    return key


def api_token_authenticate(*, key: str) -> User | None:
    """Return the active user behind a token, or None. Records when it was last used."""
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most every few minutes: a write per request would double the cost.
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user``; returns how many were active."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
