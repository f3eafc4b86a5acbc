"""The fictitious demo municipality "Gemeente Lindewaard" (GM9999) and its roster.

No real person's data, ever: every name here is invented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.db import transaction

from permissions.constants import OrganisationType as T
from permissions.constants import RoleSlug as R
from permissions.models import Organisation, User
from permissions.services import organisation_get_or_create, roles_ensure_defaults, user_create

DEFAULT_DEMO_PASSWORD = "demo-demo-demo"  # noqa: S105  (documented demo password)
MUNICIPALITY = "Gemeente Lindewaard"

ORGANISATIONS: list[tuple[str, T]] = [
    (MUNICIPALITY, T.GEMEENTE),
    ("Politie basisteam Lindewaard", T.POLITIE),
    ("Woonstichting Lindewaard", T.WONINGCORPORATIE),
    ("GGZ Lindewaard", T.GGZ),
    ("Jongerenwerk Lindewaard", T.JONGERENWERK),
    ("Veilig Thuis regio Lindewaard", T.VEILIG_THUIS),
    ("Reclassering regio Lindewaard", T.RECLASSERING),
    ("Halt regio Lindewaard", T.HALT),
    ("Openbaar Ministerie parket Lindewaard", T.OM),
    ("Zorg- en Veiligheidshuis regio Lindewaard", T.ZVH),
    ("RIEC regio Lindewaard", T.RIEC),
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
    DemoUser(
        "coordinator", R.COORDINATOR, MUNICIPALITY, "Femke", "Wildschut", "Zorg en Veiligheid"
    ),
    DemoUser("teamlead", R.TEAM_LEAD, MUNICIPALITY, "Ruud", "Oosterbeek", "OOV"),
    DemoUser("boa", R.BOA, MUNICIPALITY, "Yusuf", "Kampenaar", "Handhaving"),
    DemoUser("wijkagent", R.WIJKAGENT, "Politie basisteam Lindewaard", "Ilse", "Vreeburg"),
    DemoUser("corporatie", R.PARTNER, "Woonstichting Lindewaard", "Marco", "Hooglander"),
    DemoUser("ggz", R.PARTNER, "GGZ Lindewaard", "Anouk", "Terlinden"),
    DemoUser("jongerenwerk", R.PARTNER, "Jongerenwerk Lindewaard", "Dewi", "Brakenhoff"),
    DemoUser("privacy", R.PRIVACY_OFFICER, MUNICIPALITY, "Jolien", "Verhaegh", "FG"),
    DemoUser("beheer", R.FUNCTIONAL_ADMIN, MUNICIPALITY, "Thijs", "Lammerding", "I&A"),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@transaction.atomic
def demo_seed(*, password: str | None = None) -> dict[str, int]:
    """Create the demo organisations and roster where missing.

    Idempotent: existing organisations and users are left exactly as they are (a changed
    password is not overwritten). Returns how many rows were created.
    """
    roles_ensure_defaults()
    password = password or demo_password()
    created = {"organisations": 0, "users": 0}
    organisations: dict[str, Organisation] = {}
    for name, org_type in ORGANISATIONS:
        existed = Organisation.objects.filter(name=name).exists()
        organisations[name] = organisation_get_or_create(name=name, type=org_type)
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
    return created
