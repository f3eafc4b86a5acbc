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
