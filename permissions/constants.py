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
    ZVH_PROCESREGISSEUR = "zvh_procesregisseur"


class FieldGroup(StrEnum):
    """Groups of case fields. A disclosure profile bundles the groups a viewer may read."""

    CORE = "core"
    IDENTITY = "identity"
    BSN = "bsn"
    NUISANCE = "nuisance"
    CARE = "care"
    JUSTICE = "justice"
    REPORTER = "reporter"


FIELD_GROUP_LABELS = {
    FieldGroup.CORE: _("Core (type, state, dates, wijk, plan)"),
    FieldGroup.IDENTITY: _("Identity (name, birth date, address)"),
    FieldGroup.BSN: _("BSN"),
    FieldGroup.NUISANCE: _("Nuisance"),
    FieldGroup.CARE: _("Care (health, addiction, mental state)"),
    FieldGroup.JUSTICE: _("Justice (criminal and police data)"),
    FieldGroup.REPORTER: _("Reporter and witnesses"),
}

# Groups whose content is special-category or criminal data, or the BSN (AVG art. 9, 10, 87).
SENSITIVE_GROUPS = frozenset(
    {FieldGroup.IDENTITY, FieldGroup.BSN, FieldGroup.CARE, FieldGroup.JUSTICE, FieldGroup.REPORTER}
)

ALL_GROUPS = tuple(FieldGroup)

# The default disclosure profiles: partners' profiles are named after the organisation types
# (api.md); staff of the municipality that runs the case get the role profiles.
DEFAULT_DISCLOSURE_PROFILES: dict[str, tuple[str, tuple[FieldGroup, ...]]] = {
    "politie": (
        "Politie",
        (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.NUISANCE, FieldGroup.JUSTICE),
    ),
    "woningcorporatie": (
        "Woningcorporatie",
        (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.NUISANCE),
    ),
    "ggz": ("GGZ", (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.CARE)),
    "veilig_thuis": ("Veilig Thuis", (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.CARE)),
    "reclassering": ("Reclassering", (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.JUSTICE)),
    "jongerenwerk": ("Jongerenwerk", (FieldGroup.CORE, FieldGroup.IDENTITY)),
    "halt": ("Halt", (FieldGroup.CORE, FieldGroup.IDENTITY)),
    "om": ("Openbaar Ministerie", (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.JUSTICE)),
    "zvh": (
        "Zorg- en Veiligheidshuis",
        (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.BSN, FieldGroup.CARE),
    ),
    "riec": ("RIEC", (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.JUSTICE)),
    "gemeente": ("Gemeente (deelnemer)", (FieldGroup.CORE, FieldGroup.IDENTITY)),
    "regie": ("Procesregie (coördinator)", ALL_GROUPS),
    "teamleider": ("Teamleider", (FieldGroup.CORE, FieldGroup.IDENTITY, FieldGroup.BSN)),
}


class Perm(StrEnum):
    """Global (not per-case) permissions, as ``<app_label>.<codename>``.

    Most live on the permissions app's ``Role`` model (``PERMISSION_LABELS``); an app that
    owns the thing a permission is about may declare it on its own model instead (the
    meetings permission is declared on ``casework.Meeting``). Roles grant both alike.
    """

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
    VIEW_CONFIDENTIAL_CASES = "permissions.view_confidential_cases"
    BREAK_GLASS = "permissions.break_glass"
    READ_POLICE_DATA = "permissions.read_police_data"
    VIEW_PARTICIPATING_CASES = "permissions.view_participating_cases"
    VIEW_REGION_ESCALATIONS = "permissions.view_region_escalations"
    VIEW_DASHBOARD = "permissions.view_dashboard"
    MANAGE_MEETINGS = "casework.manage_meetings"
    APPROVE_RETENTION_RULES = "privacy.approve_retention_rules"

    @property
    def app_label(self) -> str:
        return self.value.split(".", 1)[0]

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]


# The permissions declared on permissions.Role (the others are declared by their own app).
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
    Perm.VIEW_CONFIDENTIAL_CASES: "Can see cases at the highest confidentiality level",
    Perm.BREAK_GLASS: "Can open a confidential case by breaking the glass (logged)",
    Perm.READ_POLICE_DATA: "Designated to read police data",
    Perm.VIEW_PARTICIPATING_CASES: "Can see the cases the own organisation takes part in",
    Perm.VIEW_REGION_ESCALATIONS: "Can see cases escalated to the ZVH from the whole region",
    Perm.VIEW_DASHBOARD: "Can see the municipality's dashboard and its council view",
}

# Profiles for the running municipality's own staff; never given to a participant.
STAFF_ONLY_PROFILES = frozenset({"regie", "teamleider"})

# The disclosure profile staff get on the cases their own organisation runs.
DEFAULT_ROLE_CASE_PROFILES: dict[RoleSlug, str] = {
    RoleSlug.COORDINATOR: "regie",
    RoleSlug.TEAM_LEAD: "teamleider",
    RoleSlug.ZVH_PROCESREGISSEUR: "zvh",
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
            Perm.BREAK_GLASS,
            Perm.VIEW_PARTICIPATING_CASES,
            Perm.MANAGE_MEETINGS,
            Perm.VIEW_DASHBOARD,
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
            Perm.VIEW_CONFIDENTIAL_CASES,
            Perm.VIEW_PARTICIPATING_CASES,
            Perm.MANAGE_MEETINGS,
            Perm.VIEW_DASHBOARD,
        ],
    ),
    RoleSlug.BOA: ("Boa", [Perm.FILE_SIGNAL]),
    RoleSlug.WIJKAGENT: ("Wijkagent", [Perm.FILE_SIGNAL, Perm.VIEW_PARTICIPATING_CASES]),
    RoleSlug.PARTNER: ("Ketenpartner", [Perm.FILE_SIGNAL, Perm.VIEW_PARTICIPATING_CASES]),
    RoleSlug.PRIVACY_OFFICER: (
        "Privacy officer (FG)",
        [
            Perm.VIEW_ACCESS_LOG,
            Perm.HANDLE_SUBJECT_REQUESTS,
            Perm.APPROVE_DESTRUCTION,
            Perm.APPROVE_RETENTION_RULES,
        ],
    ),
    RoleSlug.FUNCTIONAL_ADMIN: (
        "Applicatiebeheerder",
        [Perm.CONFIGURE, Perm.LIST_ORGANISATIONS],
    ),
    RoleSlug.ZVH_PROCESREGISSEUR: (
        "Procesregisseur Zorg- en Veiligheidshuis",
        [Perm.VIEW_REGION_ESCALATIONS, Perm.VIEW_PARTICIPATING_CASES, Perm.LIST_ORGANISATIONS],
    ),
}
