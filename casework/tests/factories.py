"""Case factories built through the services, so every case is as production makes it."""

from __future__ import annotations

import datetime
from typing import Any

from casework.models import Case, CaseType, Confidentiality, PersonRole
from casework.services import (
    PersonDetails,
    case_open,
    case_person_add,
    note_add,
    participation_add,
    participation_end,
    person_register,
)
from permissions.constants import FieldGroup
from permissions.models import DisclosureProfile, Organisation, User

SUBJECT = PersonDetails(
    given_names="Johan",
    surname="Brinkers",
    birth_date=datetime.date(1971, 3, 14),
    bsn="111222333",
    address="Lindelaan 12, 9999 AB Lindewaard",
    postcode="9999AB",
    house_number="12",
)
REPORTER = PersonDetails(
    given_names="Greet", surname="Oldenhof", birth_date=datetime.date(1958, 7, 2)
)

NOTE_TEXT: dict[str, str] = {
    FieldGroup.NUISANCE.value: "Harde muziek tot drie uur 's nachts, drie meldingen in twee weken.",
    FieldGroup.CARE.value: "Vermoeden van alcoholproblematiek; huisarts is betrokken.",
    FieldGroup.JUSTICE.value: "Twee aangiftes van bedreiging in 2026.",
    FieldGroup.REPORTER.value: "Melder wil anoniem blijven.",
    FieldGroup.IDENTITY.value: "Woont sinds 2019 op dit adres.",
}


def make_case(
    *,
    owner: Organisation,
    coordinator: User,
    case_type: CaseType = CaseType.WOONOVERLAST,
    confidentiality: Confidentiality = Confidentiality.NORMAL,
    with_content: bool = True,
) -> Case:
    case = case_open(
        owner=owner,
        case_type=case_type,
        opened_by=coordinator,
        wijk="WK999901",
        buurt="BU99990101",
        confidentiality=confidentiality,
    )
    if with_content:
        subject, _ = person_register(details=SUBJECT)
        reporter, _ = person_register(details=REPORTER)
        case_person_add(case=case, person=subject, role=PersonRole.SUBJECT, actor=coordinator)
        case_person_add(case=case, person=reporter, role=PersonRole.REPORTER, actor=coordinator)
        for group, text in NOTE_TEXT.items():
            note_add(case=case, author=coordinator, field_group=FieldGroup(group), body=text)
    return case


def invite(
    case: Case,
    organisation: Organisation,
    by: User,
    *,
    profile: str | None = None,
    ended: bool = False,
) -> Any:
    participation = participation_add(
        case=case,
        organisation=organisation,
        disclosure_profile=DisclosureProfile.objects.get(slug=profile or organisation.type),
        legal_basis="Convenant Zorg- en Veiligheidshuis, art. 5 (test)",
        granted_by=by,
    )
    if ended:
        participation_end(participation=participation, ended_by=by, reason="test")
    return participation
