"""Writes for organisations, roles, users and tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .constants import (
    DEFAULT_DISCLOSURE_PROFILES,
    DEFAULT_ROLE_CASE_PROFILES,
    DEFAULT_ROLES,
    STAFF_ONLY_PROFILES,
    FieldGroup,
    OrganisationType,
    RoleSlug,
)
from .models import (
    AccessAction,
    AccessLog,
    AccessResult,
    ApiToken,
    DisclosureProfile,
    Municipality,
    Organisation,
    Region,
    Role,
    SharingRule,
    User,
)

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
                slug=slug,
                name=name,
                field_groups=[g.value for g in groups],
                for_participants=slug not in STAFF_ONLY_PROFILES,
            )
    existing = set(
        SharingRule.objects.filter(municipality__isnull=True).values_list(
            "organisation_type", flat=True
        )
    )
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
        # A permission another app declares exists once that app has migrated; the grant
        # follows when this runs again (after every migrate, see casework's receivers).
        wanted = Q(pk__in=[])
        for perm in perms:
            wanted |= Q(content_type__app_label=perm.app_label, codename=perm.codename)
        role.group.permissions.add(*Permission.objects.filter(wanted))
        roles.append(role)
    return roles


@transaction.atomic
def organisation_create(
    *,
    name: str,
    type: OrganisationType,
    municipality: Municipality | None = None,
    region: Region | None = None,
) -> Organisation:
    """Create an organisation together with its own auth group.

    A municipality's own organisation (type gemeente) names its municipality; regional
    organisations, and a werkorganisatie that serves several municipalities, name their
    region instead.
    """
    if type == OrganisationType.GEMEENTE and municipality is None and region is None:
        raise ValueError("A gemeente organisation belongs to a municipality or a region")
    group = Group.objects.create(name=f"org:{name}"[:150])
    return Organisation.objects.create(
        name=name,
        type=type.value,
        group=group,
        municipality=municipality,
        region=region or (municipality.region if municipality else None),
    )


@transaction.atomic
def organisation_get_or_create(
    *,
    name: str,
    type: OrganisationType,
    municipality: Municipality | None = None,
    region: Region | None = None,
) -> Organisation:
    """Return the organisation with this name, creating it (and its group) if absent."""
    existing = Organisation.objects.filter(name=name).first()
    if existing is not None:
        return existing
    return organisation_create(name=name, type=type, municipality=municipality, region=region)


@transaction.atomic
def municipality_get_or_create(*, code: str, name: str, region: Region | None) -> Municipality:
    """The municipality with this CBS code, created if absent (existing ones are kept as is)."""
    municipality, _ = Municipality.objects.get_or_create(
        code=code, defaults={"name": name, "region": region}
    )
    return municipality


@transaction.atomic
def region_get_or_create(*, code: str, name: str) -> Region:
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name})
    return region


def user_sync_groups(*, user: User) -> None:
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
    user_sync_groups(user=user)
    return user


@transaction.atomic
def user_set_role(*, user: User, role: RoleSlug) -> User:
    """Change a user's role; their global permissions follow."""
    user.role = Role.objects.get(slug=role.value)
    user.save(update_fields=["role"])
    user_sync_groups(user=user)
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
        # The organisation and the role: every policy asks for them.
        ApiToken.objects.select_related("user__organisation", "user__role")
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


@dataclass(frozen=True)
class AccessEvent:
    """One thing to log: what happened to which object, and about whom."""

    action: str
    object_type: str
    object_id: str = ""
    result: str = "ok"
    person_uuid: uuid.UUID | None = None
    field_groups: tuple[str, ...] = ()
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def access_log_record(
    *, actor: User | None, origin: str | None, events: Iterable[AccessEvent]
) -> int:
    """Append access-log rows for ``events`` in one insert. Returns how many were written.

    Actor details are copied as text. Never raises for an anonymous actor.
    """
    actor_user = actor if actor is not None and actor.is_authenticated else None
    common = {
        "actor": actor_user,
        "actor_username": actor_user.username if actor_user else "",
        "actor_role": actor_user.role.slug if actor_user and actor_user.role_id else "",  # type: ignore[union-attr]
        "actor_organisation": (
            actor_user.organisation.name if actor_user and actor_user.organisation_id else ""  # type: ignore[union-attr]
        ),
        "origin": origin or None,
    }
    rows = [
        AccessLog(
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            result=e.result,
            person_uuid=e.person_uuid,
            field_groups=list(e.field_groups),
            reason=e.reason,
            detail=e.detail,
            **common,
        )
        for e in events
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def access_denied_record(
    *,
    actor: Any,
    origin: str | None,
    object_type: str,
    object_id: str,
    action: str = AccessAction.READ_CASE,
) -> int:
    """Log a refused attempt to open ``object_type`` ``object_id`` (cut to 64 characters).

    The chokepoints call this before answering "not found", so absent and forbidden look
    the same to the caller but not to the privacy officer.
    """
    return access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=action,
                object_type=object_type,
                object_id=object_id[:64],
                result=AccessResult.DENIED,
            )
        ],
    )


def _configuration_logged(
    *, actor: User, origin: str | None, object_type: str, object_id: str, before: Any, after: Any
) -> None:
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action="configure",
                object_type=object_type,
                object_id=object_id,
                detail={"before": before, "after": after},
            )
        ],
    )


@transaction.atomic
def sharing_rule_set(
    *,
    organisation_type: OrganisationType,
    disclosure_profile: DisclosureProfile,
    actor: User,
    municipality: Municipality | None = None,
    origin: str | None = None,
) -> SharingRule:
    """Point the sharing matrix's row for ``organisation_type`` at ``disclosure_profile``.

    With ``municipality``: that municipality's override; without: the installation default.
    Logged with before and after. Existing participations keep the profile they were given.
    Raises ValueError for a profile that is only for the municipality's own staff.
    """
    if not disclosure_profile.for_participants:
        raise ValueError(f"{disclosure_profile.slug} is not a profile for partners")
    rule = (
        SharingRule.objects.select_for_update()
        .filter(organisation_type=organisation_type.value, municipality=municipality)
        .first()
    )
    before = rule.disclosure_profile.slug if rule else None
    if rule is None:
        rule = SharingRule.objects.create(
            organisation_type=organisation_type.value,
            disclosure_profile=disclosure_profile,
            municipality=municipality,
        )
    elif rule.disclosure_profile_id != disclosure_profile.pk:
        rule.disclosure_profile = disclosure_profile
        rule.save(update_fields=["disclosure_profile"])
    else:
        return rule
    _configuration_logged(
        actor=actor,
        origin=origin,
        object_type="sharing_rule",
        object_id=_rule_id(organisation_type, municipality),
        before=before,
        after=disclosure_profile.slug,
    )
    return rule


def _rule_id(organisation_type: OrganisationType, municipality: Municipality | None) -> str:
    if municipality is None:
        return organisation_type.value
    return f"{municipality.code}:{organisation_type.value}"


@transaction.atomic
def sharing_rule_clear(
    *,
    organisation_type: OrganisationType,
    municipality: Municipality,
    actor: User,
    origin: str | None = None,
) -> None:
    """Remove a municipality's override: the installation default applies again. Logged."""
    rule = (
        SharingRule.objects.select_for_update()
        .filter(organisation_type=organisation_type.value, municipality=municipality)
        .first()
    )
    if rule is None:
        return
    before = rule.disclosure_profile.slug
    rule.delete()
    _configuration_logged(
        actor=actor,
        origin=origin,
        object_type="sharing_rule",
        object_id=_rule_id(organisation_type, municipality),
        before=before,
        after=None,
    )


@transaction.atomic
def disclosure_profile_set_groups(
    *,
    profile: DisclosureProfile,
    field_groups: Iterable[FieldGroup],
    actor: User,
    origin: str | None = None,
) -> DisclosureProfile:
    """Change which field groups a profile discloses; takes effect for every holder at once.

    The core group is always included. Logged with before and after.
    """
    profile = DisclosureProfile.objects.select_for_update().get(pk=profile.pk)
    after = sorted({g.value for g in field_groups} | {FieldGroup.CORE.value})
    before = sorted(profile.field_groups)
    if before == after:
        return profile
    profile.field_groups = after
    profile.full_clean()
    profile.save(update_fields=["field_groups", "updated_at"])
    _configuration_logged(
        actor=actor,
        origin=origin,
        object_type="disclosure_profile",
        object_id=profile.slug,
        before=before,
        after=after,
    )
    return profile
