"""The fictitious demo region: Gemeente Lindewaard (GM9999) and Gemeente Veenhoven (GM9998).

No real person's data, ever: every name here is invented.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from casework.models import Case, CaseType, Meeting, MeetingType, PersonRole
from casework.services import (
    PersonDetails,
    case_escalate_to_zvh,
    case_open,
    case_person_add,
    meeting_plan,
    meeting_types_ensure_defaults,
    note_add,
    participation_add,
    person_register,
    plan_action_add,
)
from permissions.constants import FieldGroup, Perm
from permissions.constants import OrganisationType as T
from permissions.constants import RoleSlug as R
from permissions.models import DisclosureProfile, Municipality, Organisation, User
from permissions.services import (
    municipality_get_or_create,
    organisation_get_or_create,
    region_get_or_create,
    roles_ensure_defaults,
    user_create,
)
from signals.models import SignalSource
from signals.services import StreetRow, streets_load
from workflows.calendar import next_working_day

from . import geography
from .geography import demo_streets
from .history import LINDEWAARD_SCALE, VEENHOVEN_SCALE, demo_history_seed

DEFAULT_DEMO_PASSWORD = "demo-demo-demo"  # noqa: S105  (documented demo password)
REGION = ("regio-lindewaard", "Regio Lindewaard")
LINDEWAARD = "Gemeente Lindewaard"
VEENHOVEN = "Gemeente Veenhoven"
POLICE = "Politie basisteam Lindewaard"
MUNICIPALITIES = {LINDEWAARD: ("GM9999", "Lindewaard"), VEENHOVEN: ("GM9998", "Veenhoven")}

# (name, type, the municipality's organisation it belongs to, or None for a regional one)
ORGANISATIONS: list[tuple[str, T, str | None]] = [
    (LINDEWAARD, T.GEMEENTE, LINDEWAARD),
    (VEENHOVEN, T.GEMEENTE, VEENHOVEN),
    (POLICE, T.POLITIE, None),  # one team for both municipalities
    ("Woonstichting Lindewaard", T.WONINGCORPORATIE, None),  # active in both
    ("GGZ Lindewaard", T.GGZ, None),
    ("Jongerenwerk Lindewaard", T.JONGERENWERK, LINDEWAARD),
    ("Veilig Thuis regio Lindewaard", T.VEILIG_THUIS, None),
    ("Reclassering regio Lindewaard", T.RECLASSERING, None),
    ("Halt regio Lindewaard", T.HALT, None),
    ("Openbaar Ministerie parket Lindewaard", T.OM, None),
    ("Zorg- en Veiligheidshuis regio Lindewaard", T.ZVH, None),
    ("RIEC regio Lindewaard", T.RIEC, None),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: R
    organisation: str
    first_name: str
    last_name: str
    department: str = ""


ROSTER: list[DemoUser] = [
    DemoUser("coordinator", R.COORDINATOR, LINDEWAARD, "Femke", "Wildschut", "Zorg en Veiligheid"),
    DemoUser("teamlead", R.TEAM_LEAD, LINDEWAARD, "Ruud", "Oosterbeek", "OOV"),
    DemoUser("boa", R.BOA, LINDEWAARD, "Yusuf", "Kampenaar", "Handhaving"),
    DemoUser("wijkagent", R.WIJKAGENT, "Politie basisteam Lindewaard", "Ilse", "Vreeburg"),
    DemoUser("corporatie", R.PARTNER, "Woonstichting Lindewaard", "Marco", "Hooglander"),
    DemoUser("ggz", R.PARTNER, "GGZ Lindewaard", "Anouk", "Terlinden"),
    DemoUser("jongerenwerk", R.PARTNER, "Jongerenwerk Lindewaard", "Dewi", "Brakenhoff"),
    DemoUser("privacy", R.PRIVACY_OFFICER, LINDEWAARD, "Jolien", "Verhaegh", "FG"),
    DemoUser("beheer", R.FUNCTIONAL_ADMIN, LINDEWAARD, "Thijs", "Lammerding", "I&A"),
    # The second municipality of the region, and the region's Zorg- en Veiligheidshuis.
    DemoUser(
        "veenhoven-coordinator",
        R.COORDINATOR,
        VEENHOVEN,
        "Sanne",
        "Hoefnagel",
        "Zorg en Veiligheid",
    ),
    DemoUser("veenhoven-teamlead", R.TEAM_LEAD, VEENHOVEN, "Gert", "Brandsma", "OOV"),
    DemoUser("veenhoven-boa", R.BOA, VEENHOVEN, "Mila", "Overdijk", "Handhaving"),
    DemoUser("veenhoven-beheer", R.FUNCTIONAL_ADMIN, VEENHOVEN, "Koen", "Ellenbroek", "I&A"),
    DemoUser(
        "zvh",
        R.ZVH_PROCESREGISSEUR,
        "Zorg- en Veiligheidshuis regio Lindewaard",
        "Hanneke",
        "Stoltenborg",
    ),
]


@dataclass(frozen=True)
class DemoCase:
    owner: str
    case_type: CaseType
    wijk: str
    buurt: str
    persons: list[tuple[PersonRole, PersonDetails]]
    notes: list[tuple[FieldGroup, str]]
    partners: list[str]
    legal_basis: str = "Convenant Zorg- en Veiligheidshuis regio Lindewaard, art. 5"
    escalate_to_zvh: bool = False


JOHAN_BRINKERS = PersonDetails(
    given_names="Johan",
    surname="Brinkers",
    birth_date=date(1971, 3, 14),
    bsn="111222333",
    address="Lindelaan 12, 9999 AB Lindewaard",
    postcode="9999AB",
    house_number="12",
)

DEMO_CASES = [
    DemoCase(
        LINDEWAARD,
        CaseType.WOONOVERLAST,
        "WK999901",
        "BU99990101",
        persons=[
            (PersonRole.SUBJECT, JOHAN_BRINKERS),
            (
                PersonRole.REPORTER,
                PersonDetails(
                    given_names="Greet",
                    surname="Oldenhof",
                    birth_date=date(1958, 7, 2),
                    address="Lindelaan 14, 9999 AB Lindewaard",
                    postcode="9999AB",
                    house_number="14",
                ),
            ),
        ],
        notes=[
            (
                FieldGroup.NUISANCE,
                "Harde muziek en geschreeuw tot drie uur 's nachts; drie "
                "meldingen van buren in twee weken.",
            ),
            (FieldGroup.CARE, "Vermoeden van alcoholproblematiek; de huisarts is betrokken."),
            (FieldGroup.JUSTICE, "Twee aangiftes van bedreiging door buren (maart 2026)."),
            (FieldGroup.REPORTER, "Melder wil anoniem blijven tegenover de betrokkene."),
        ],
        partners=["Woonstichting Lindewaard", "GGZ Lindewaard", "Politie basisteam Lindewaard"],
    ),
    DemoCase(
        LINDEWAARD,
        CaseType.MULTIPROBLEM,
        "WK999903",
        "BU99990302",
        persons=[
            (
                PersonRole.SUBJECT,
                PersonDetails(
                    given_names="Ria",
                    surname="van der Steeg",
                    birth_date=date(1984, 11, 23),
                    bsn="123456782",
                    address="Vogelweg 7, 9999 CD Lindewaard",
                    postcode="9999CD",
                    house_number="7",
                ),
            ),
        ],
        notes=[
            (
                FieldGroup.CARE,
                "Huurachterstand van vier maanden, dreigende ontruiming; psychische klachten.",
            ),
            (FieldGroup.NUISANCE, "Woningvervuiling gemeld door de corporatie."),
        ],
        partners=[
            "GGZ Lindewaard",
            "Woonstichting Lindewaard",
            "Zorg- en Veiligheidshuis regio Lindewaard",
        ],
    ),
    DemoCase(
        LINDEWAARD,
        CaseType.JEUGDOVERLAST,
        "WK999902",
        "BU99990201",
        persons=[],
        notes=[
            (
                FieldGroup.NUISANCE,
                "Groep van ongeveer acht jongeren bij het winkelcentrum "
                "op vrijdag- en zaterdagavond; vernielingen en lachgas.",
            )
        ],
        partners=["Jongerenwerk Lindewaard", "Politie basisteam Lindewaard"],
    ),
    DemoCase(
        LINDEWAARD,
        CaseType.RIEC,
        "WK999908",
        "BU99990801",
        persons=[],
        notes=[
            (
                FieldGroup.JUSTICE,
                "Vermoeden van hennepteelt in bedrijfspand; stroomverbruik "
                "opvallend hoog volgens netbeheerder.",
            )
        ],
        partners=[],
    ),
    # The same man is known in Veenhoven too: his case there was escalated to the ZVH.
    DemoCase(
        VEENHOVEN,
        CaseType.MULTIPROBLEM,
        "WK999801",
        "BU99980102",
        persons=[(PersonRole.SUBJECT, JOHAN_BRINKERS)],
        notes=[
            (
                FieldGroup.CARE,
                "Verslaving en schulden; eerder opgenomen geweest. Te zwaar voor het lokale team.",
            ),
        ],
        partners=["GGZ Lindewaard", "Zorg- en Veiligheidshuis regio Lindewaard"],
        escalate_to_zvh=True,
    ),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@transaction.atomic
def demo_seed(*, password: str | None = None, history: bool = False) -> dict[str, int]:
    """Create the demo region, its two municipalities, organisations, roster and cases.

    With ``history``, also a year of signals and cases for the dashboard (``history.py``).
    Idempotent: existing rows are left exactly as they are (a changed password is not
    overwritten). Returns how many rows were created.
    """
    roles_ensure_defaults()
    password = password or demo_password()
    created = {"organisations": 0, "users": 0}
    region = region_get_or_create(code=REGION[0], name=REGION[1])
    municipalities = {
        org: municipality_get_or_create(code=code, name=name, region=region)
        for org, (code, name) in MUNICIPALITIES.items()
    }
    organisations: dict[str, Organisation] = {}
    for name, org_type, municipality_of in ORGANISATIONS:
        existed = Organisation.objects.filter(name=name).exists()
        organisations[name] = organisation_get_or_create(
            name=name,
            type=org_type,
            municipality=municipalities[municipality_of] if municipality_of else None,
            region=region,
        )
        created["organisations"] += 0 if existed else 1
    for entry in ROSTER:
        if User.objects.filter(username=entry.username).exists():
            continue
        user_create(
            username=entry.username,
            password=password,
            organisation=organisations[entry.organisation],
            role=entry.role,
            first_name=entry.first_name,
            last_name=entry.last_name,
            email=f"{entry.username}@lindewaard.example",
            department=entry.department,
            is_demo=True,
        )
        created["users"] += 1
    created["streets"] = sum(
        streets_load(
            municipality=municipalities[key],
            rows=[
                StreetRow(**asdict(street))
                for street in demo_streets(
                    municipality_number=municipalities[key].code[2:], wijken=wijken, place=place
                )
            ],
        )
        for key, wijken, place in (
            (LINDEWAARD, geography.LINDEWAARD, geography.LINDEWAARD_PLACE),
            (VEENHOVEN, geography.VEENHOVEN, geography.VEENHOVEN_PLACE),
        )
    )
    created["cases"] = _demo_cases(organisations)
    created["meetings"] = _demo_meeting(municipalities[LINDEWAARD], organisations)
    created["signals"] = _demo_history(municipalities, organisations, password) if history else 0
    return created


def _demo_history(
    municipalities: dict[str, Municipality], organisations: dict[str, Organisation], password: str
) -> int:
    """A year of signals and cases in both municipalities, each only while it has none."""
    users = {u.username: u for u in User.objects.select_related("organisation", "role")}
    written = 0
    for key, wijken, scale, prefix in (
        (LINDEWAARD, geography.LINDEWAARD, LINDEWAARD_SCALE, ""),
        (VEENHOVEN, geography.VEENHOVEN, VEENHOVEN_SCALE, "veenhoven-"),
    ):
        written += demo_history_seed(
            municipality=municipalities[key],
            organisation=organisations[key],
            wijken=wijken,
            reporters={
                SignalSource.BOA: users[f"{prefix}boa"],
                SignalSource.WIJKAGENT: users["wijkagent"],
                SignalSource.PARTNER: users["corporatie"],
                SignalSource.DESK: users[f"{prefix}coordinator"],
            },
            scale=scale,
            password=password,
        )
    return written


def _demo_cases(organisations: dict[str, Organisation]) -> int:
    """Cases that show need-to-know at work; each municipality's only while it has none."""
    # Designated staff for police data (domain rule): the demo coordinator and wijkagent.
    police_data = Permission.objects.get(
        content_type__app_label="permissions", codename=Perm.READ_POLICE_DATA.codename
    )
    for username in ("coordinator", "wijkagent"):
        User.objects.get(username=username).user_permissions.add(police_data)
    wijkagent = User.objects.get(username="wijkagent")
    coordinators = {
        LINDEWAARD: User.objects.get(username="coordinator"),
        VEENHOVEN: User.objects.get(username="veenhoven-coordinator"),
    }
    seeded = {
        owner for owner in coordinators if Case.objects.filter(owner=organisations[owner]).exists()
    }
    count = 0
    for spec in DEMO_CASES:
        if spec.owner in seeded:
            continue
        coordinator = coordinators[spec.owner]
        case = case_open(
            owner=organisations[spec.owner],
            case_type=spec.case_type,
            opened_by=coordinator,
            wijk=spec.wijk,
            buurt=spec.buurt,
        )
        for role, details in spec.persons:
            person, _ = person_register(details=details)
            case_person_add(case=case, person=person, role=role, actor=coordinator)
        for org_name in spec.partners:
            organisation = organisations[org_name]
            participation_add(
                case=case,
                organisation=organisation,
                disclosure_profile=DisclosureProfile.objects.get(slug=organisation.type),
                legal_basis=spec.legal_basis,
                granted_by=coordinator,
            )
        for group, text in spec.notes:
            # Police data comes from the police, where the police take part; else from the
            # coordinator (the RIEC signal is the municipality's own).
            police = group == FieldGroup.JUSTICE and POLICE in spec.partners
            author = wijkagent if police else coordinator
            note_add(case=case, author=author, field_group=group, body=text)
        if spec.escalate_to_zvh:
            case_escalate_to_zvh(case=case, approved_by=coordinator)
        count += 1
    return count


# The members of Lindewaard's Zorg- en Veiligheidstafel.
ZVT_MEMBERS = [
    "Politie basisteam Lindewaard",
    "Woonstichting Lindewaard",
    "GGZ Lindewaard",
    "Jongerenwerk Lindewaard",
    "Zorg- en Veiligheidshuis regio Lindewaard",
]

# (case type on the agenda, owner organisation, action, deadline in days after the meeting);
# the youth workers' deadline is close, so its reminders show within the demo's first weeks.
DEMO_ACTIONS = [
    (CaseType.WOONOVERLAST, "Woonstichting Lindewaard", "Gesprek met huurder over huisregels", 14),
    (CaseType.WOONOVERLAST, "GGZ Lindewaard", "Huisbezoek en inschatting zorgbehoefte", 14),
    (CaseType.JEUGDOVERLAST, "Jongerenwerk Lindewaard", "Groep benaderen bij het winkelcentrum", 3),
]


def _demo_meeting(municipality: Municipality, organisations: dict[str, Organisation]) -> int:
    """One upcoming Zorg- en Veiligheidstafel in Lindewaard with two cases whose partners
    differ, and a few actions, and next week's triage; only while Lindewaard has no meeting
    yet. Returns how many meetings it planned."""
    if Meeting.objects.filter(municipality=municipality).exists():
        return 0
    meeting_types_ensure_defaults(municipality=municipality)
    zvt = MeetingType.objects.get(municipality=municipality, code="zvt")
    zvt.member_organisations.add(*(organisations[name] for name in ZVT_MEMBERS))
    coordinator = User.objects.get(username="coordinator")
    owner = organisations[LINDEWAARD]
    cases = {
        case_type: Case.objects.filter(owner=owner, case_type=case_type).order_by("id").first()
        for case_type in (CaseType.WOONOVERLAST, CaseType.JEUGDOVERLAST)
    }
    if not all(cases.values()):
        return 0
    # A week ahead, on a working day, so its reminders fall as they would in practice.
    next_week = next_working_day(timezone.localdate() + timedelta(days=7))
    meeting = meeting_plan(
        actor=coordinator,
        meeting_type=zvt,
        starts_at=timezone.make_aware(datetime.combine(next_week, time(10, 0))),
        location="Stadhuis Lindewaard, kamer 2.14",
        cases=[c for c in cases.values() if c is not None],
    )
    # The weekly triage, next Tuesday after a working day for the cut-off: referrers of
    # incomplete multiproblem referrals are reminded on the cut-off day.
    tuesday = timezone.localdate() + timedelta(days=2)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    meeting_plan(
        actor=coordinator,
        meeting_type=MeetingType.objects.get(municipality=municipality, code="triage"),
        starts_at=timezone.make_aware(datetime.combine(tuesday, time(9, 0))),
        location="Stadhuis Lindewaard, kamer 2.10",
        cases=[],
    )
    items = {item.case.case_type: item for item in meeting.items.select_related("case")}
    for case_type, org_name, title, after_days in DEMO_ACTIONS:
        item = items[case_type]
        plan_action_add(
            case=item.case,
            actor=coordinator,
            title=title,
            owner_organisation=organisations[org_name],
            due_date=next_week + timedelta(days=after_days),
            agenda_item=item,
        )
    return 2  # the Zorg- en Veiligheidstafel and the weekly triage
