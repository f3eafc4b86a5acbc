"""Named permissions and the default mapping of roles to them.

Roles are data (``Role`` rows); this module only names the permissions code may check and the
defaults a fresh installation starts with. No role name appears in an ``if`` anywhere else.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class OrganisationType(StrEnum):
    GEMEENTE = "gemeente"
    POLITIE = "politie"
    WONINGCORPORATIE = "woningcorporatie"
    GGZ = "ggz"
    VEILIG_THUIS = "veilig_thuis"
    RECLASSERING = "reclassering"
    JONGERENWERK = "jongerenwerk"
    HALT = "halt"
    OM = "om"
    ZVH = "zvh"
    RIEC = "riec"


ORGANISATION_TYPE_LABELS = {
    OrganisationType.GEMEENTE: _("Municipality"),
    OrganisationType.POLITIE: _("Police"),
    OrganisationType.WONINGCORPORATIE: _("Housing corporation"),
    OrganisationType.GGZ: _("Mental health care (GGZ)"),
    OrganisationType.VEILIG_THUIS: _("Veilig Thuis"),
    OrganisationType.RECLASSERING: _("Probation service (reclassering)"),
    OrganisationType.JONGERENWERK: _("Youth work (jongerenwerk)"),
    OrganisationType.HALT: _("Halt"),
    OrganisationType.OM: _("Public prosecutor (OM)"),
    OrganisationType.ZVH: _("Zorg- en Veiligheidshuis"),
    OrganisationType.RIEC: _("RIEC"),
}


class RoleSlug(StrEnum):
    """The roles a fresh installation knows. Each maps to permissions in ``DEFAULT_ROLES``."""

    COORDINATOR = "coordinator"
    TEAM_LEAD = "teamlead"
    BOA = "boa"
    WIJKAGENT = "wijkagent"
    PARTNER = "partner"
    PRIVACY_OFFICER = "privacy_officer"
    FUNCTIONAL_ADMIN = "functional_admin"


class Perm(StrEnum):
    """Global (not per-case) permissions, as ``permissions.<codename>``."""

    FILE_SIGNAL = "permissions.file_signal"
    TRIAGE_SIGNALS = "permissions.triage_signals"
    COORDINATE_CASES = "permissions.coordinate_cases"
    APPROVE_ESCALATIONS = "permissions.approve_escalations"
    APPROVE_DESTRUCTION = "permissions.approve_destruction"
    VIEW_CASELOAD = "permissions.view_caseload"
    VIEW_ACCESS_LOG = "permissions.view_access_log"
    HANDLE_SUBJECT_REQUESTS = "permissions.handle_subject_requests"
    CONFIGURE = "permissions.configure"
    LIST_ORGANISATIONS = "permissions.list_organisations"

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]


PERMISSION_LABELS: dict[Perm, str] = {
    Perm.FILE_SIGNAL: "Can file signals",
    Perm.TRIAGE_SIGNALS: "Can triage signals",
    Perm.COORDINATE_CASES: "Can run the process of cases (procesregie)",
    Perm.APPROVE_ESCALATIONS: "Can approve escalations and closures after legal measures",
    Perm.APPROVE_DESTRUCTION: "Can approve the destruction of case data",
    Perm.VIEW_CASELOAD: "Can see the caseload overview",
    Perm.VIEW_ACCESS_LOG: "Can read the access log",
    Perm.HANDLE_SUBJECT_REQUESTS: "Can handle subject-access requests",
    Perm.CONFIGURE: "Can change categories, meeting types, sharing rules and users",
    Perm.LIST_ORGANISATIONS: "Can list organisations",
}

DEFAULT_ROLES: dict[RoleSlug, tuple[str, list[Perm]]] = {
    RoleSlug.COORDINATOR: (
        "Zorg- en Veiligheidscoördinator",
        [
            Perm.FILE_SIGNAL,
            Perm.TRIAGE_SIGNALS,
            Perm.COORDINATE_CASES,
            Perm.VIEW_CASELOAD,
            Perm.LIST_ORGANISATIONS,
        ],
    ),
    RoleSlug.TEAM_LEAD: (
        "Teamleider OOV",
        [
            Perm.FILE_SIGNAL,
            Perm.TRIAGE_SIGNALS,
            Perm.COORDINATE_CASES,
            Perm.APPROVE_ESCALATIONS,
            Perm.APPROVE_DESTRUCTION,
            Perm.VIEW_CASELOAD,
            Perm.LIST_ORGANISATIONS,
        ],
    ),
    RoleSlug.BOA: ("Boa", [Perm.FILE_SIGNAL]),
    RoleSlug.WIJKAGENT: ("Wijkagent", [Perm.FILE_SIGNAL]),
    RoleSlug.PARTNER: ("Ketenpartner", [Perm.FILE_SIGNAL]),
    RoleSlug.PRIVACY_OFFICER: (
        "Privacy officer (FG)",
        [Perm.VIEW_ACCESS_LOG, Perm.HANDLE_SUBJECT_REQUESTS, Perm.APPROVE_DESTRUCTION],
    ),
    RoleSlug.FUNCTIONAL_ADMIN: (
        "Applicatiebeheerder",
        [Perm.CONFIGURE, Perm.LIST_ORGANISATIONS],
    ),
}
