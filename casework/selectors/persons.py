"""Reads about persons across cases, for the privacy officer's work (subject access,
restriction, retention). Persons are found by blind index only; nothing is decrypted to
search.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.db.models import QuerySet

from casework.models import Case, CasePerson, Note, Participation, Person
from permissions.crypto import blind_index
from permissions.identifiers import bsn_normalise, name_birth_date_key


def person_get(*, person_uuid: uuid.UUID) -> Person | None:
    """The person with this public id, or None."""
    return Person.objects.filter(uuid=person_uuid).first()


def person_find(
    *, bsn: str = "", surname: str = "", birth_date: datetime.date | None = None
) -> Person | None:
    """The person with this BSN, else with this surname + birth date, by blind index.

    Returns None when nobody matches or nothing to match on was given. Raises
    InvalidIdentifier (Dutch message) for a malformed BSN.
    """
    if bsn:
        index = blind_index(kind="bsn", value=bsn_normalise(bsn))
        return Person.objects.filter(bsn_index=index).order_by("id").first()
    if surname and birth_date:
        index = blind_index(
            kind="name_birth_date",
            value=name_birth_date_key(surname=surname, birth_date=birth_date),
        )
        return Person.objects.filter(name_birth_date_index=index).order_by("id").first()
    return None


def person_case_roles(*, person: Person) -> QuerySet[CasePerson]:
    """The person's roles in cases (a destroyed case has none left), oldest case first."""
    return (
        CasePerson.objects.filter(person=person)
        .select_related("case", "case__municipality")
        .order_by("case__opened_at", "case_id", "role")
    )


def case_notes_in_groups(*, case: Case, groups: Iterable[str]) -> QuerySet[Note]:
    """The case's notes in the given field groups, oldest first."""
    return (
        Note.objects.filter(case=case, field_group__in=list(groups))
        .select_related("author_organisation", "case__data_key")
        .order_by("created_at", "id")
    )


def case_participations_ever(*, case_ids: Iterable[int]) -> QuerySet[Participation]:
    """Every participation (active or ended) in these cases: who received their data."""
    return (
        Participation.objects.filter(case_id__in=list(case_ids))
        .select_related("organisation", "case")
        .order_by("valid_from", "id")
    )


def cases_closed_not_destroyed() -> QuerySet[Case]:
    """Closed cases that retention has not destroyed (the retention job's starting set)."""
    return Case.objects.filter(closed_at__isnull=False, destroyed_at__isnull=True)
