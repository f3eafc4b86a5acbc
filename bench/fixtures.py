"""What the scenarios need on top of the generated data; idempotent, run before each bench run.

- a disclosure profile with the core group only, and a partner user (``bench-kern``) whose
  organisation takes part in its cases with that profile (case detail, nothing decrypted);
- API tokens for the users the scenarios act as, kept in ``bench_meta``.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction

CORE_PROFILE = "bench-kern"
CORE_USER = "bench-kern"
USERS = ("boa", "corporatie", "coordinator", CORE_USER)


@transaction.atomic
def fixtures_ensure() -> dict[str, str]:
    """Make sure the core-only partner exists; return the API tokens by username."""
    from permissions.constants import OrganisationType, RoleSlug
    from permissions.models import DisclosureProfile, Organisation, User
    from permissions.services import api_token_issue, user_create

    profile, _created = DisclosureProfile.objects.get_or_create(
        slug=CORE_PROFILE,
        defaults={"name": "Alleen kerngegevens", "field_groups": ["core"]},
    )
    organisation = (
        Organisation.objects.filter(name__startswith="Partner ")
        .exclude(type=OrganisationType.GEMEENTE)
        .order_by("pk")
        .first()
    )
    assert organisation is not None, "generate the data first"
    if not User.objects.filter(username=CORE_USER).exists():
        user_create(
            username=CORE_USER,
            password=None,
            organisation=organisation,
            role=RoleSlug.PARTNER,
            first_name="Kern",
            last_name="Partner",
            email="kern@partner.example",
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_participation SET disclosure_profile_id = %s"
            " WHERE organisation_id = %s AND disclosure_profile_id <> %s",
            [profile.pk, organisation.pk, profile.pk],
        )
        cursor.execute("SELECT tokens FROM bench_meta")
        row = cursor.fetchone()
        tokens: dict[str, Any] = row[0] if row and isinstance(row[0], dict) else {}
        if row and isinstance(row[0], str):
            tokens = json.loads(row[0])
        for username in USERS:
            if username not in tokens:
                tokens[username] = api_token_issue(user=User.objects.get(username=username))
        cursor.execute("UPDATE bench_meta SET tokens = %s", [json.dumps(tokens)])
    return {name: str(token) for name, token in tokens.items()}
