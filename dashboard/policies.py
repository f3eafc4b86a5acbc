"""Who sees a municipality's dashboard: one rule, in one place.

Staff of a municipality's own organisation (type gemeente) who hold ``view_dashboard`` see
that municipality's figures, and only that municipality's. Everyone else sees none.
"""

from __future__ import annotations

from typing import Any

from permissions.constants import OrganisationType, Perm
from permissions.policies import has_perm


def dashboard_municipality_id(user: Any) -> int | None:
    """The municipality whose figures ``user`` may see, or None.

    A regional organisation (a werkorganisatie, a partner) has no municipality of its own,
    so it sees no dashboard: figures of several municipalities are never added up.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not has_perm(user, Perm.VIEW_DASHBOARD):
        return None
    organisation = user.organisation
    if organisation is None or organisation.type != OrganisationType.GEMEENTE:
        return None
    if not organisation.is_active:
        return None
    municipality_id: int | None = organisation.municipality_id
    return municipality_id


def region_dashboard_region_id(user: Any) -> int | None:
    """The region whose figures per municipality ``user`` may see, or None.

    The region's view holds aggregates only, with small counts suppressed, so it is open to
    those who see a municipality's dashboard (their municipality's region) and to the ZVH's
    procesregisseur, who works for the whole region (``view_region_escalations``).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    organisation = user.organisation
    if organisation is None or not organisation.is_active:
        return None
    if has_perm(user, Perm.VIEW_REGION_ESCALATIONS) and organisation.region_id is not None:
        region_id: int | None = organisation.region_id
        return region_id
    if dashboard_municipality_id(user) is not None:
        return organisation.municipality.region_id if organisation.municipality else None
    return None
