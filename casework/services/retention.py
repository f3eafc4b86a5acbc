"""Retention inside casework: destroying a case down to its tombstone, forgetting a person,
and the restriction flag that stops new sharing.

The privacy app decides *when* (rules, proposals, approval); these services know *what* a
case holds and how to remove it. See docs/privacy.md and docs/adr/0014.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from casework.models import (
    BreakGlass,
    Case,
    CaseDeadline,
    CaseHistory,
    CasePerson,
    HistoryKind,
    MinutesEntry,
    Note,
    Person,
    PlanAction,
    Referral,
    RiecInbreng,
)
from permissions.append_only import retention_deletes
from permissions.crypto import data_key_destroy

# The append-only tables a destruction deletes from (their triggers allow it only here).
_PROTECTED_TABLES = (CaseHistory._meta.db_table, RiecInbreng._meta.db_table)


@transaction.atomic
def case_destroy(*, case_id: int) -> list[int]:
    """Destroy a case's content and keep its row as a tombstone; return its persons' ids.

    Crypto-shreds the case's data key (every note, reason, minutes and inbreng encrypted
    under it becomes unreadable, backups included) and deletes the rows that hold or point
    at personal data: notes, the persons' roles in the case, plan actions (their titles are
    free text), minutes, the referral, the RIEC inbreng, break-the-glass grants (their reason
    is free text), deadlines and the history's events. The history's transitions stay
    (state, time, role and organisation of the actor; their reason is under the shredded
    key) so lead times and escalations can still be counted; so do the participations
    (which organisations took part, on which legal basis). The case row keeps reference,
    type, state, municipality, wijk, buurt, dates and closing reason, and gets
    ``destroyed_at``.

    Idempotent: a destroyed case is left alone and returns []. The caller forgets the
    returned persons that nothing else refers to (``person_forget``). Raises
    Case.DoesNotExist for an unknown id.
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.destroyed_at is not None:
        return []
    person_ids = sorted(
        set(CasePerson.objects.filter(case=case).values_list("person_id", flat=True))
    )
    Note.objects.filter(case=case).delete()
    CasePerson.objects.filter(case=case).delete()
    MinutesEntry.objects.filter(case=case).delete()
    PlanAction.objects.filter(case=case).delete()
    Referral.objects.filter(case=case).delete()
    BreakGlass.objects.filter(case=case).delete()
    CaseDeadline.objects.filter(case=case).delete()
    with retention_deletes(tables=_PROTECTED_TABLES):
        RiecInbreng.objects.filter(case=case).delete()
        CaseHistory.objects.filter(case=case, kind=HistoryKind.EVENT).delete()
    data_key_destroy(data_key=case.data_key)
    Case.objects.filter(pk=case.pk).update(destroyed_at=timezone.now())
    return person_ids


@transaction.atomic
def person_forget(*, person_id: int) -> bool:
    """Delete a person nothing refers to any more, shredding their data key first.

    Returns True when the person was forgotten, False when a case or a signal still names
    them (or they were forgotten before). Another app's rows that point at the person must
    be removed or detached by that app before this is called; a protected reference raises
    ProtectedError and rolls back.
    """
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        return False
    if CasePerson.objects.filter(person=person).exists() or person.signal_roles.exists():
        return False
    data_key = person.data_key
    person.delete()
    data_key_destroy(data_key=data_key)
    return True


@transaction.atomic
def person_restriction_set(*, person: Person, restricted: bool) -> Person:
    """Raise or lift the restriction flag that stops new sharing of ``person``'s cases.

    Raising an already raised flag keeps its first moment. Updates ``person`` in place.
    """
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if restricted and locked.restricted_since is None:
        locked.restricted_since = timezone.now()
    elif not restricted:
        locked.restricted_since = None
    locked.save(update_fields=["restricted_since"])
    person.restricted_since = locked.restricted_since
    return person
