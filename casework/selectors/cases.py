"""Reads of cases. Every list starts from ``cases_visible_to``; every single case comes
through ``case_get_for``, which answers the same for absent and forbidden."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import (
    REPORTER_ROLES,
    BreakGlass,
    Case,
    CaseDeadline,
    CaseHistory,
    CasePerson,
    CaseUserObjectPermission,
    Confidentiality,
    Note,
    Participation,
    PersonRole,
)
from casework.policies import NOTHING, VIEW_CASE_CODENAME, Disclosure, Routes, case_disclosure
from permissions.constants import FieldGroup, Perm
from permissions.crypto import blind_index, data_key_cache_warm
from permissions.identifiers import (
    InvalidIdentifier,
    address_key,
    bsn_normalise,
    name_birth_date_key,
)
from permissions.models import AccessAction
from permissions.policies import has_perm
from permissions.services import AccessEvent, access_denied_record, access_log_record
from workflows.clocks import CLOCKS


class CaseNotFound(Http404):
    """The case does not exist, or the viewer may not know that it does."""


def case_not_found(*, user: Any, case_id: Any, origin: str | None) -> NoReturn:
    """Log a denied read of case ``case_id`` and answer as for an absent case."""
    access_denied_record(
        actor=user,
        origin=origin,
        object_type="case",
        object_id=str(case_id),
        action=AccessAction.READ_CASE,
    )
    raise CaseNotFound("Casus niet gevonden.")


def parse_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _named_cases(user: Any) -> QuerySet[CaseUserObjectPermission]:
    return CaseUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename=VIEW_CASE_CODENAME
    )


def _glass_cases(user: Any) -> QuerySet[BreakGlass]:
    return BreakGlass.objects.filter(user_id=user.pk, expires_at__gt=timezone.now())


def cases_visible_to(*, user: Any) -> QuerySet[Case]:
    """Every case ``user`` may see, annotated with ``list_created_at`` for keyset paging.

    A partner's list is one join on the participation table's partial index; staff of the
    running organisation add their routes as subqueries, so no case appears twice.
    """
    routes = Routes.for_user(user)
    if not routes.any:
        return Case.objects.none().annotate(list_created_at=F("created_at"))
    below_highest = Q(confidentiality__lt=Confidentiality.HIGHEST)
    if routes.participating_org_id and not (
        routes.owner_municipality_id or routes.named_and_glass or routes.escalation_region_id
    ):
        return Case.objects.filter(
            below_highest,
            participations__organisation_id=routes.participating_org_id,
            participations__ended_at__isnull=True,
        ).annotate(list_created_at=F("participations__case_created_at"))
    visible = Q(pk__in=[])
    if routes.owner_municipality_id:
        owner = Q(municipality_id=routes.owner_municipality_id)
        visible |= owner if routes.owner_confidential else owner & below_highest
    if routes.escalation_region_id:
        visible |= below_highest & Q(
            escalated_to_zvh_at__isnull=False,
            municipality__region_id=routes.escalation_region_id,
        )
    if routes.participating_org_id:
        taking_part = Participation.objects.filter(
            organisation_id=routes.participating_org_id, ended_at__isnull=True
        ).values("case_id")
        visible |= below_highest & Q(pk__in=taking_part)
    if routes.named_and_glass:
        # Grants count only inside the user's own municipality (a coordinator who moves on
        # leaves the old municipality's confidential cases behind).
        own = Q(municipality_id=routes.owner_municipality_id)
        visible |= own & Q(pk__in=_named_cases(user).values("content_object_id"))
        visible |= own & Q(pk__in=_glass_cases(user).values("case_id"))
    return Case.objects.filter(visible).annotate(list_created_at=F("created_at"))


def _with_route_facts(queryset: QuerySet[Case], *, user: Any, routes: Routes) -> QuerySet[Case]:
    """Annotate what the disclosure needs: the user's participation, grant and glass."""
    if routes.participating_org_id:
        queryset = queryset.annotate(
            participation_groups=Subquery(
                Participation.objects.filter(
                    case=OuterRef("pk"),
                    organisation_id=routes.participating_org_id,
                    ended_at__isnull=True,
                ).values("disclosure_profile__field_groups")[:1]
            )
        )
    if routes.named_and_glass:
        queryset = queryset.annotate(
            is_named=Exists(_named_cases(user).filter(content_object_id=OuterRef("pk"))),
            is_glass=Exists(_glass_cases(user).filter(case_id=OuterRef("pk"))),
        )
    return queryset


def _disclosure_of(*, user: Any, case: Case) -> Disclosure:
    return case_disclosure(
        user=user,
        case=case,
        participation_groups=getattr(case, "participation_groups", None),
        named=bool(getattr(case, "is_named", False)),
        break_glass=bool(getattr(case, "is_glass", False)),
    )


def case_disclosure_for(*, user: Any, case: Case) -> Disclosure:
    """What ``user`` may read of ``case`` right now (nothing when they may not see it).

    For checks inside services; it neither logs nor raises.
    """
    routes = Routes.for_user(user)
    if not routes.any:
        return NOTHING
    annotated = (
        _with_route_facts(cases_visible_to(user=user).filter(pk=case.pk), user=user, routes=routes)
        .select_related("municipality")
        .first()
    )
    return _disclosure_of(user=user, case=annotated) if annotated else NOTHING


def case_get_for(*, user: Any, case_id: Any, origin: str | None = None) -> tuple[Case, Disclosure]:
    """The case with public id ``case_id`` and what ``user`` may read of it.

    Raises CaseNotFound, identically, when the case is absent or not visible; such attempts
    are written to the access log as denied.
    """
    parsed = parse_uuid(case_id)
    routes = Routes.for_user(user)
    case = None
    if parsed is not None and routes.any:
        queryset = _with_route_facts(
            cases_visible_to(user=user).filter(uuid=parsed), user=user, routes=routes
        )
        case = (
            queryset.select_related("owner", "coordinator", "municipality")
            .annotate(data_key_uuid=F("data_key__uuid"))
            .first()
        )
    if case is None:
        case_not_found(user=user, case_id=case_id, origin=origin)
    disclosure = _disclosure_of(user=user, case=case)
    if not disclosure.visible:  # defence in depth: the list and the disclosure must agree
        case_not_found(user=user, case_id=case_id, origin=origin)
    return case, disclosure


@dataclass(frozen=True)
class CaseFile:
    """A case as one viewer may see it: only the rows of the groups disclosed were loaded."""

    case: Case
    disclosure: Disclosure
    persons: list[CasePerson]
    notes: dict[str, list[Note]]
    participations: list[Participation] | None


def case_file_get_for(*, user: Any, case_id: Any, origin: str | None = None) -> CaseFile:
    """Everything ``user`` may read of a case, loaded and logged.

    Field groups the viewer may not read are never queried (persons' BSN column is deferred,
    notes are filtered by group), so nothing undisclosed is decrypted. Writes one access-log
    row for the read and one per person whose data was disclosed. Raises CaseNotFound.
    """
    case, disclosure = case_get_for(user=user, case_id=case_id, origin=origin)
    persons = _persons(case=case, disclosure=disclosure)
    # Unwrap every data key this page decrypts with in one query, not one per person.
    data_key_cache_warm(
        key_uuids=[case.data_key_uuid, *(p.person_key_uuid for p in persons)]  # type: ignore[attr-defined]
    )
    notes = _notes(case=case, disclosure=disclosure)
    participations = (
        list(
            case.participations.filter(ended_at__isnull=True)
            .select_related("organisation", "disclosure_profile", "granted_by")
            .order_by("valid_from")
        )
        if disclosure.runs_case
        else None
    )
    _log_read(user=user, origin=origin, case=case, disclosure=disclosure, persons=persons)
    return CaseFile(
        case=case,
        disclosure=disclosure,
        persons=persons,
        notes=notes,
        participations=participations,
    )


def _persons(*, case: Case, disclosure: Disclosure) -> list[CasePerson]:
    roles: set[str] = set()
    if disclosure.allows(FieldGroup.IDENTITY) or disclosure.allows(FieldGroup.BSN):
        roles |= {PersonRole.SUBJECT, PersonRole.HOUSEHOLD_MEMBER}
    if disclosure.allows(FieldGroup.REPORTER):
        roles |= set(REPORTER_ROLES)
    if not roles:
        return []
    queryset = (
        CasePerson.objects.filter(case=case, role__in=roles)
        .select_related("person")
        .annotate(person_key_uuid=F("person__data_key__uuid"))
        .order_by("role", "added_at", "id")
    )
    deferred = ["person__bsn_index", "person__name_birth_date_index", "person__address_index"]
    if not disclosure.allows(FieldGroup.BSN):
        deferred.append("person__bsn")
    if not disclosure.allows(FieldGroup.IDENTITY):
        deferred += [
            "person__given_names",
            "person__surname",
            "person__birth_date",
            "person__address",
        ]
    return list(queryset.defer(*deferred))


def _notes(*, case: Case, disclosure: Disclosure) -> dict[str, list[Note]]:
    groups = [g.value for g in disclosure.groups]
    queryset = Note.objects.filter(case=case, field_group__in=groups).select_related(
        "author", "author_organisation"
    )
    if not disclosure.police_data:
        # Police data goes only to designated staff (domain rule), whatever the profile says.
        queryset = queryset.exclude(
            field_group=FieldGroup.JUSTICE, author_organisation__type="politie"
        )
    notes: dict[str, list[Note]] = {}
    for note in queryset.order_by("created_at", "id"):
        notes.setdefault(note.field_group, []).append(note)
    return notes


def _log_read(
    *,
    user: Any,
    origin: str | None,
    case: Case,
    disclosure: Disclosure,
    persons: list[CasePerson],
) -> None:
    case_groups = tuple(sorted(g.value for g in disclosure.groups))
    events = [
        AccessEvent(
            action=AccessAction.READ_CASE,
            object_type="case",
            object_id=str(case.uuid),
            field_groups=case_groups,
            detail={"reference": case.reference, "routes": sorted(disclosure.routes)},
        )
    ]
    sensitive = set(disclosure.sensitive_groups)
    for case_person in persons:
        groups: tuple[str, ...]
        if case_person.role in REPORTER_ROLES:
            groups = ("reporter",)
        else:
            groups = tuple(sorted(sensitive - {"reporter"}))
        if not groups:
            continue
        events.append(
            AccessEvent(
                action=AccessAction.DISCLOSE,
                object_type="case",
                object_id=str(case.uuid),
                person_uuid=case_person.person.uuid,
                field_groups=groups,
                detail={"reference": case.reference, "role": case_person.role},
            )
        )
    access_log_record(actor=user, origin=origin, events=events)


def case_history(*, case: Case) -> QuerySet[CaseHistory]:
    """The case's history, oldest first."""
    return CaseHistory.objects.filter(case=case).order_by("at", "id")


# Legal periods (bezwaartermijn, house ban) end by themselves; only work can be overdue.
WORK_CLOCKS = tuple(key for key, clock in CLOCKS.items() if not clock.legal)


def with_deadlines(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case's next open deadline (``next_due``); one subquery, no extra rows."""
    open_deadlines = CaseDeadline.objects.filter(
        case=OuterRef("pk"),
        met_at__isnull=True,
        cancelled_at__isnull=True,
        key__in=WORK_CLOCKS,
    ).order_by("due_on")
    return queryset.annotate(next_due=Subquery(open_deadlines.values("due_on")[:1]))


def overdue_only(queryset: QuerySet[Case], *, today: date) -> QuerySet[Case]:
    """Cases with at least one open deadline before ``today``."""
    return queryset.filter(
        Exists(
            CaseDeadline.objects.filter(
                case=OuterRef("pk"),
                met_at__isnull=True,
                cancelled_at__isnull=True,
                due_on__lt=today,
                key__in=WORK_CLOCKS,
            )
        )
    )


def participation_get_active(*, case: Case, participation_id: Any) -> Participation | None:
    """The active participation with this public id in ``case``, or None."""
    parsed = parse_uuid(participation_id)
    if parsed is None:
        return None
    return (
        Participation.objects.filter(case=case, uuid=parsed, ended_at__isnull=True)
        .select_related("organisation", "case")
        .first()
    )


@dataclass(frozen=True)
class CaseSearch:
    """What a coordinator searches cases by; empty parts are not searched on."""

    reference: str = ""
    bsn: str = ""
    surname: str = ""
    birth_date: date | None = None
    postcode: str = ""
    house_number: str = ""
    state: str = ""
    wijk: str = ""
    coordinator_id: int | None = None

    @property
    def by_person(self) -> bool:
        return bool(self.bsn or self.surname or self.birth_date or self.postcode)


def _person_indexes(terms: CaseSearch) -> list[tuple[str, str, bytes]]:
    """(reason, column, index) per person search given. Raises InvalidIdentifier (a message
    for the person searching) for a malformed BSN, postcode or half a name search."""
    found = []
    if terms.bsn:
        value = blind_index(kind="bsn", value=bsn_normalise(terms.bsn))
        found.append(("bsn", "person__bsn_index", value))
    if terms.surname or terms.birth_date:
        if not (terms.surname and terms.birth_date):
            raise InvalidIdentifier(_("Search by surname and date of birth together."))
        key = name_birth_date_key(surname=terms.surname, birth_date=terms.birth_date)
        found.append(
            (
                "name_birth_date",
                "person__name_birth_date_index",
                blind_index(kind="name_birth_date", value=key),
            )
        )
    if terms.postcode:
        if not terms.house_number:
            raise InvalidIdentifier(_("Search an address by postcode and house number."))
        number, _sep, addition = terms.house_number.strip().partition("-")
        key = address_key(postcode=terms.postcode, house_number=number, addition=addition)
        found.append(("address", "person__address_index", blind_index(kind="address", value=key)))
    return found


def case_search(
    *, user: Any, queryset: QuerySet[Case], terms: CaseSearch, origin: str | None = None
) -> QuerySet[Case]:
    """Narrow ``queryset`` (which starts from ``cases_visible_to``) to ``terms``.

    Persons are found by blind index only: BSN, surname + date of birth, address (postcode +
    house number); nothing is decrypted. Every person search is written to the access log
    (``search``, with what was searched by, never the value). Only those who run cases may
    search by person: for anyone else it raises PermissionError. Raises InvalidIdentifier
    for a malformed BSN, postcode or name search.
    """
    if terms.reference:
        queryset = queryset.filter(reference__iexact=terms.reference.strip())
    if terms.state:
        queryset = queryset.filter(state=terms.state)
    if terms.wijk:
        queryset = queryset.filter(wijk=terms.wijk.strip().upper())
    if terms.coordinator_id is not None:
        queryset = queryset.filter(coordinator_id=terms.coordinator_id)
    if not terms.by_person:
        return queryset
    if not has_perm(user, Perm.COORDINATE_CASES):
        raise PermissionError("person search is for those who run cases")
    indexes = _person_indexes(terms)
    for _reason, column, value in indexes:
        queryset = queryset.filter(
            Exists(CasePerson.objects.filter(case=OuterRef("pk"), **{column: value}))
        )
    access_log_record(
        actor=user,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.SEARCH,
                object_type="case",
                object_id="search",
                detail={"by": [reason for reason, _column, _value in indexes]},
            )
        ],
    )
    return queryset
