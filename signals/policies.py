"""Who may file, see and triage a signal: the rules in one place.

* Filing: users with ``file_signal`` who belong to an active organisation.
* Triage (the full signal, its matches and the decision): users with ``triage_signals`` of the
  municipality's own organisation (type gemeente), for that municipality's signals only.
* The reporter of a signal sees only that it was received and whether it was picked up
  ("ontvangen", "in behandeling", "afgesloten"), never the content of the case it fed.
* Everyone else sees nothing: absent and forbidden look the same.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from permissions.constants import OrganisationType, Perm, RoleSlug
from permissions.policies import has_perm

from .models import Signal, SignalSource, SignalStatus


class SignalView(Enum):
    """How much of one signal one viewer may see."""

    NONE = "none"
    STATUS = "status"
    FULL = "full"


# Where a signal came from follows from the reporter's role; every other role files at the
# municipality's desk. Data, so a new role needs no new branch.
SOURCE_BY_ROLE: dict[str, SignalSource] = {
    RoleSlug.BOA.value: SignalSource.BOA,
    RoleSlug.WIJKAGENT.value: SignalSource.WIJKAGENT,
    RoleSlug.PARTNER.value: SignalSource.PARTNER,
}

# What a reporter is told about their signal (api.md: status only, no case content).
REPORTER_RECEIVED = "ontvangen"
REPORTER_IN_PROGRESS = "in behandeling"
REPORTER_CLOSED = "afgesloten"


def can_file_signal(user: Any) -> bool:
    """Holds ``file_signal`` and belongs to an active organisation (which files with them)."""
    organisation = getattr(user, "organisation", None)
    return bool(
        has_perm(user, Perm.FILE_SIGNAL) and organisation is not None and organisation.is_active
    )


def triage_municipality_id(user: Any) -> int | None:
    """The municipality whose signals ``user`` triages, or None.

    Only staff of the municipality's own organisation triage, as only they run its cases.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not has_perm(user, Perm.TRIAGE_SIGNALS):
        return None
    organisation = user.organisation
    if organisation is None or organisation.type != OrganisationType.GEMEENTE:
        return None
    municipality_id: int | None = organisation.municipality_id
    return municipality_id


def signal_view(*, user: Any, signal: Signal) -> SignalView:
    """What ``user`` may see of ``signal``."""
    municipality_id = triage_municipality_id(user)
    if municipality_id is not None and signal.municipality_id == municipality_id:
        return SignalView.FULL
    if user is not None and user.is_authenticated and signal.reporter_id == user.pk:
        return SignalView.STATUS
    return SignalView.NONE


def source_for(user: Any) -> SignalSource:
    """The source recorded for a signal ``user`` files."""
    role = getattr(user, "role", None)
    return SOURCE_BY_ROLE.get(role.slug if role else "", SignalSource.DESK)


def reporter_status_label(*, status: str, case_closed: bool) -> str:
    """The status a reporter sees: received, in progress or closed. Nothing more."""
    if status == SignalStatus.DISMISSED:
        return REPORTER_CLOSED
    if status == SignalStatus.TRIAGED:
        return REPORTER_CLOSED if case_closed else REPORTER_IN_PROGRESS
    if status == SignalStatus.FORWARDED:
        return REPORTER_IN_PROGRESS
    return REPORTER_RECEIVED
