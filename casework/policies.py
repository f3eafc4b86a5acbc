"""Who may see a case, and which field groups of it: the need-to-know rules in one place.

Five routes lead to a case. Each is a global permission of the viewer plus a fact about the
case; the list selector turns them into a query and the chokepoint into a disclosure:

* owner: staff with ``coordinate_cases`` of the municipality the case belongs to, except at
  the highest confidentiality unless they hold ``view_confidential_cases`` (the team lead);
* region: users with ``view_region_escalations`` (the ZVH's procesregisseur) see the cases
  escalated to the Zorg- en Veiligheidshuis from every municipality of their region;
* participation: users with ``view_participating_cases`` of an organisation that takes part
  now (not at the highest confidentiality: those cases are never shared this way);
* named: a per-case guardian grant to one user (named coordinators of confidential cases);
* break-the-glass: a coordinator's logged, time-limited access with a stated reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from permissions.constants import ALL_GROUPS, SENSITIVE_GROUPS, FieldGroup, OrganisationType, Perm
from permissions.policies import has_perm

from .models import Case, Confidentiality

VIEW_CASE_CODENAME = "view_case"


@dataclass(frozen=True)
class Routes:
    """The routes a user may take to cases, from their permissions and organisation."""

    owner_municipality_id: int | None
    owner_confidential: bool
    participating_org_id: int | None
    named_and_glass: bool
    escalation_region_id: int | None = None

    @classmethod
    def for_user(cls, user: Any) -> Routes:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(None, False, None, False)
        organisation = user.organisation
        # Only the municipality's own organisation runs its cases; a local partner that
        # belongs to the municipality (e.g. its youth work) never takes the owner route.
        own = organisation is not None and organisation.type == OrganisationType.GEMEENTE
        municipality_id = organisation.municipality_id if own else None
        region_id = organisation.region_id if organisation else None
        coordinate = has_perm(user, Perm.COORDINATE_CASES) and municipality_id is not None
        return cls(
            owner_municipality_id=municipality_id if coordinate else None,
            owner_confidential=coordinate and has_perm(user, Perm.VIEW_CONFIDENTIAL_CASES),
            participating_org_id=(
                user.organisation_id if has_perm(user, Perm.VIEW_PARTICIPATING_CASES) else None
            ),
            named_and_glass=coordinate,
            escalation_region_id=(
                region_id if has_perm(user, Perm.VIEW_REGION_ESCALATIONS) else None
            ),
        )

    @property
    def any(self) -> bool:
        return bool(
            self.owner_municipality_id
            or self.participating_org_id
            or self.named_and_glass
            or self.escalation_region_id
        )


@dataclass(frozen=True)
class Disclosure:
    """What one viewer may read of one case, and why."""

    groups: frozenset[FieldGroup]
    routes: frozenset[str]
    police_data: bool = False

    @property
    def visible(self) -> bool:
        return bool(self.groups)

    @property
    def runs_case(self) -> bool:
        """Sees the case as its coordinator does: participants, break-glass, management."""
        return bool(self.routes & {"owner", "named", "break_glass"})

    @property
    def sensitive_groups(self) -> tuple[str, ...]:
        return tuple(sorted(g.value for g in self.groups & SENSITIVE_GROUPS))

    def allows(self, group: FieldGroup) -> bool:
        return group in self.groups


NOTHING = Disclosure(groups=frozenset(), routes=frozenset())


def case_disclosure(
    *,
    user: Any,
    case: Case,
    participation_groups: list[str] | None,
    named: bool,
    break_glass: bool,
) -> Disclosure:
    """The field groups ``user`` may read of ``case``, given the facts the chokepoint fetched.

    ``participation_groups`` are the groups of the user's organisation's active participation
    (None when it does not take part); ``named`` and ``break_glass`` say whether the user holds
    a per-case grant or an unexpired break-the-glass access.
    """
    routes = Routes.for_user(user)
    if not routes.any:
        return NOTHING
    highest = case.confidentiality >= Confidentiality.HIGHEST
    role_profile = _role_groups(user)
    groups: set[FieldGroup] = set()
    via: set[str] = set()
    owns = (
        routes.owner_municipality_id is not None
        and case.municipality_id == routes.owner_municipality_id
    )
    if owns and (not highest or routes.owner_confidential):
        groups |= role_profile
        via.add("owner")
    if (
        routes.escalation_region_id is not None
        and case.escalated_to_zvh_at is not None
        and not highest
        and case.municipality.region_id == routes.escalation_region_id
    ):
        groups |= role_profile
        via.add("region")
    same_municipality = case.municipality_id == routes.owner_municipality_id
    if routes.named_and_glass and named and same_municipality:
        groups |= role_profile
        via.add("named")
    if routes.named_and_glass and break_glass and same_municipality:
        groups |= role_profile
        via.add("break_glass")
    if routes.participating_org_id and participation_groups is not None and not highest:
        groups |= {FieldGroup(g) for g in participation_groups}
        via.add("participation")
    if not via:
        return NOTHING
    groups.add(FieldGroup.CORE)
    return Disclosure(
        groups=frozenset(groups),
        routes=frozenset(via),
        police_data=has_perm(user, Perm.READ_POLICE_DATA),
    )


def _role_groups(user: Any) -> set[FieldGroup]:
    role = getattr(user, "role", None)
    profile = getattr(role, "case_disclosure_profile", None) if role else None
    if profile is None:
        return {FieldGroup.CORE}
    return {FieldGroup(g) for g in profile.field_groups}


def can_manage_participants(*, disclosure: Disclosure) -> bool:
    """Inviting and removing partners belongs to whoever runs the case."""
    return disclosure.runs_case


def can_break_glass(*, user: Any, case: Case) -> bool:
    """A coordinator of the case's own municipality may open its confidential cases, logged."""
    routes = Routes.for_user(user)
    return bool(
        case.confidentiality >= Confidentiality.HIGHEST
        and has_perm(user, Perm.BREAK_GLASS)
        and routes.owner_municipality_id is not None
        and case.municipality_id == routes.owner_municipality_id
    )


def can_be_named(*, user: Any, case: Case) -> bool:
    """Only coordinators of the case's own municipality are named on confidential cases."""
    routes = Routes.for_user(user)
    return bool(
        routes.owner_municipality_id is not None
        and routes.owner_municipality_id == case.municipality_id
    )


def meeting_municipality_managed_by(user: Any) -> int | None:
    """The municipality whose meetings ``user`` plans and minutes (None: no meeting's).

    Staff of a municipality's own organisation who hold ``manage_meetings``; a partner that
    belongs to the municipality never manages its meetings.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    organisation = user.organisation
    if organisation is None or organisation.type != OrganisationType.GEMEENTE:
        return None
    if not has_perm(user, Perm.MANAGE_MEETINGS):
        return None
    return organisation.municipality_id


def can_manage_meeting(*, user: Any, municipality_id: int) -> bool:
    """Plan, reschedule, freeze and minute the meetings of ``municipality_id``."""
    managed = meeting_municipality_managed_by(user)
    return managed is not None and managed == municipality_id


def can_see_action(*, user: Any, disclosure: Disclosure, owner_organisation_id: int | None) -> bool:
    """Whoever runs the case sees every action; a participant sees its own organisation's."""
    if disclosure.runs_case:
        return True
    return bool(
        disclosure.visible
        and owner_organisation_id is not None
        and owner_organisation_id == getattr(user, "organisation_id", None)
    )


def can_close_action(
    *, user: Any, disclosure: Disclosure, owner_organisation_id: int | None
) -> bool:
    """Whoever sees an action may mark it done or cancelled: its owner and the case's runner."""
    return can_see_action(
        user=user, disclosure=disclosure, owner_organisation_id=owner_organisation_id
    )


def can_plan_actions(*, disclosure: Disclosure) -> bool:
    """Adding actions and moving their deadlines belongs to whoever runs the case."""
    return disclosure.runs_case


__all__ = ["ALL_GROUPS", "NOTHING", "Disclosure", "Routes", "case_disclosure"]
