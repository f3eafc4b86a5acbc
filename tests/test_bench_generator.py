"""The benchmark data generator writes rows the application reads back: decryptable with the
application's keys, blind indexes that the matching finds, 3-7 participations per case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count

from bench.generate import (
    Sealer,
    bsn_for,
    cases_rows,
    context_build,
    reference_data_seed,
    rows_write,
)
from casework.models import (
    Case,
    CaseGroupObjectPermission,
    CaseHistory,
    Note,
    Participation,
    Person,
)
from casework.selectors.persons import person_find
from permissions.identifiers import bsn_is_valid
from signals.models import Signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated() -> list[int]:
    reference_data_seed()
    context = context_build(30)
    before = set(Case.objects.values_list("pk", flat=True))
    rows = cases_rows(context, 0, 30, Sealer())
    connection.ensure_connection()
    rows_write(connection.connection, rows, commit=False)
    return sorted(set(Case.objects.values_list("pk", flat=True)) - before)


def test_bsns_are_valid_and_distinct() -> None:
    numbers = [bsn_for(n) for n in range(5000)]
    assert all(bsn_is_valid(b) for b in numbers)
    assert len(set(numbers)) == len(numbers)


def test_every_case_has_its_rows(generated: list[int]) -> None:
    assert len(generated) == 30
    cases = Case.objects.filter(pk__in=generated).annotate(
        n_persons=Count("case_persons", distinct=True),
        n_signals=Count("signals", distinct=True),
        n_parts=Count("participations", distinct=True),
    )
    for case in cases:
        assert case.n_persons == 3
        assert case.n_signals == 3
        if case.case_type == "riec":
            assert case.n_parts == 0  # never shared with partners
        else:
            assert 3 <= case.n_parts <= 7
    active = Participation.objects.filter(case_id__in=generated, ended_at__isnull=True)
    grants = CaseGroupObjectPermission.objects.filter(content_object_id__in=generated)
    assert grants.count() == active.count()


def test_values_decrypt_and_blind_indexes_match(generated: list[int]) -> None:
    persons = Person.objects.filter(case_roles__case_id__in=generated, bsn__isnull=False)
    assert persons.count() == 60  # subject and household member of each case
    for person in persons[:10]:
        assert person.bsn is not None and bsn_is_valid(person.bsn)
        assert person_find(bsn=person.bsn) == person
        assert person.surname and person.birth_date
        found = person_find(surname=person.surname, birth_date=person.birth_date)
        assert found is not None
    signal = Signal.objects.filter(case_id__in=generated).first()
    assert signal is not None and signal.description
    note = Note.objects.filter(case_id__in=generated).first()
    assert note is not None and note.body
    reasons = CaseHistory.objects.filter(case_id__in=generated, reason__isnull=False)
    assert all(h.reason for h in reasons)
