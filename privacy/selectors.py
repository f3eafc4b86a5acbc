"""Reads of the privacy app: the retention rules in force, the privacy officer's work lists,
and everything the installation holds about one person (subject access, AVG art. 15)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from casework.models import Case, CaseType, Person, PersonRole
from casework.selectors import (
    case_notes_in_groups,
    case_participations_ever,
    person_case_roles,
)
from permissions.constants import FieldGroup
from permissions.crypto import DecryptionError
from permissions.models import AccessLog
from permissions.selectors import access_log_for_person
from signals.selectors import person_signal_roles

from .models import (
    DEFAULT_RETENTION_MONTHS,
    DestructionProposal,
    ProposalStatus,
    RestrictionRequest,
    RetentionRule,
    RetentionSubject,
    RuleStatus,
    SubjectAccessRequest,
)

# A multiproblem case closed with one of these reasons ended as a referral that was not
# taken on (domain 5: "rejected or forwarded referrals"), and has the referral's term.
REFERRAL_EXITS = frozenset({"doorgeleid", "advies", "afgewezen"})
CASE_SUBJECTS = (
    RetentionSubject.WOONOVERLAST,
    RetentionSubject.JEUGDOVERLAST,
    RetentionSubject.MULTIPROBLEM,
    RetentionSubject.RIEC,
    RetentionSubject.REFERRAL,
)


@dataclass(frozen=True)
class RetentionTable:
    """The months in force for one subject: the installation's and each override."""

    default: int
    overrides: dict[int, int]

    def months_for(self, municipality_id: int | None) -> int:
        if municipality_id is None:
            return self.default
        return self.overrides.get(municipality_id, self.default)


def retention_table(*, subject: str) -> RetentionTable:
    """The active rules for ``subject``; the brief's default when no row is in force."""
    default = DEFAULT_RETENTION_MONTHS[subject]
    overrides: dict[int, int] = {}
    for municipality_id, months in RetentionRule.objects.filter(
        subject=subject, status=RuleStatus.ACTIVE
    ).values_list("municipality_id", "months"):
        if municipality_id is None:
            default = months
        else:
            overrides[municipality_id] = months
    return RetentionTable(default=default, overrides=overrides)


def retention_months(*, subject: str, municipality_id: int | None) -> int:
    """How many months ``subject`` is kept in that municipality (its override, else the
    installation's rule, else the brief's default)."""
    return retention_table(subject=subject).months_for(municipality_id)


def retention_subject_of(case: Case) -> str:
    """Which retention rule governs a closed case."""
    if case.case_type == CaseType.MULTIPROBLEM and case.closing_reason in REFERRAL_EXITS:
        return RetentionSubject.REFERRAL
    return str(case.case_type)


def case_subject_q(subject: str) -> Q:
    """The cases a case subject covers, as a filter."""
    referral = Q(case_type=CaseType.MULTIPROBLEM, closing_reason__in=sorted(REFERRAL_EXITS))
    if subject == RetentionSubject.REFERRAL:
        return referral
    if subject == RetentionSubject.MULTIPROBLEM:
        return Q(case_type=CaseType.MULTIPROBLEM) & ~referral
    return Q(case_type=subject)


def retention_rules_list() -> QuerySet[RetentionRule]:
    """Every rule (in force, proposed and past), by subject and municipality."""
    return RetentionRule.objects.select_related(
        "municipality", "proposed_by", "decided_by"
    ).order_by("subject", "municipality__name", "-proposed_at")


def retention_rules_proposed() -> QuerySet[RetentionRule]:
    """Proposed rule changes awaiting the privacy officer (a single point for reminders)."""
    return retention_rules_list().filter(status=RuleStatus.PROPOSED)


def destruction_proposals_pending() -> QuerySet[DestructionProposal]:
    """Proposals awaiting approval, oldest first (a single point for the "retention
    proposal ready" reminder)."""
    return (
        DestructionProposal.objects.filter(status=ProposalStatus.PENDING)
        .select_related("case", "case__municipality")
        .order_by("proposed_at", "id")
    )


def subject_access_requests_open() -> QuerySet[SubjectAccessRequest]:
    """Open subject-access requests, the earliest due first (a single point for reminders)."""
    return SubjectAccessRequest.objects.filter(status=SubjectAccessRequest.Status.OPEN).order_by(
        "due_on", "id"
    )


# What a person in a role gets of a case's notes: the subject and household members get the
# case's content except who reported it; a reporter or witness gets the reporter group only.
# The rights of others (AVG art. 15 lid 4) stop the rest.
_NOTE_GROUPS_FOR_SUBJECT = tuple(
    g.value for g in FieldGroup if g not in (FieldGroup.REPORTER, FieldGroup.BSN)
)
_NOTE_GROUPS_FOR_REPORTER = (FieldGroup.REPORTER.value,)


def _decrypt(obj: Any, attr: str) -> str | None:
    try:
        value = getattr(obj, attr)
    except DecryptionError:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _log_row(entry: AccessLog) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "action": entry.action,
        "action_label": str(entry.get_action_display()),
        "result": entry.result,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "field_groups": list(entry.field_groups or []),
        "actor_username": entry.actor_username,
        "actor_role": entry.actor_role,
        "actor_organisation": entry.actor_organisation,
        "reason": entry.reason,
    }


def person_recipients(*, person: Person) -> list[dict[str, Any]]:
    """The organisations that received this person's data: every organisation that took
    part (or still takes part) in one of the person's cases, and every organisation whose
    staff appear in the access log as having read or been shown the person's data.

    Used to tell them of a correction (AVG art. 19). Sorted by organisation name.
    """
    found: dict[str, dict[str, Any]] = {}
    case_ids = list(person_case_roles(person=person).values_list("case_id", flat=True))
    for participation in case_participations_ever(case_ids=case_ids):
        row = found.setdefault(
            participation.organisation.name,
            {"organisation": participation.organisation.name, "cases": [], "via": set()},
        )
        row["cases"].append(participation.case.reference)
        row["via"].add("participation")
    for organisation in (
        access_log_for_person(person_uuid=person.uuid)
        .exclude(actor_organisation="")
        .values_list("actor_organisation", flat=True)
        .distinct()
    ):
        row = found.setdefault(
            organisation, {"organisation": organisation, "cases": [], "via": set()}
        )
        row["via"].add("access_log")
    return [
        {**row, "cases": sorted(set(row["cases"])), "via": sorted(row["via"])}
        for _name, row in sorted(found.items())
    ]


def person_export_build(*, person: Person) -> dict[str, Any]:
    """Everything held about ``person``: their details, every signal and case they are named
    in (with the case notes their role entitles them to), who received their data and the
    access log about them. Nothing about another person: other persons in the same signal
    or case are left out, and so are notes of groups that concern others.

    Decrypts; the caller logs the export (``person_export``). Values under a destroyed key
    read as None.
    """
    details = {
        "id": str(person.uuid),
        "given_names": _decrypt(person, "given_names"),
        "surname": _decrypt(person, "surname"),
        "birth_date": _decrypt(person, "birth_date"),
        "bsn": _decrypt(person, "bsn"),
        "address": _decrypt(person, "address"),
        "processing_restricted_since": (
            person.restricted_since.isoformat() if person.restricted_since else None
        ),
    }
    signals = []
    for role in person_signal_roles(person=person):
        signal = role.signal
        signals.append(
            {
                "reference": signal.reference,
                "role": role.role,
                "category": signal.category.code,
                "category_label": signal.category.label_nl,
                "municipality": signal.municipality.name,
                "observed_at": signal.observed_at.isoformat(),
                "received_at": signal.created_at.isoformat(),
                "description": _decrypt(signal, "description"),
                "address": _decrypt(signal, "address"),
                "postcode": _decrypt(signal, "postcode"),
                "status": signal.status,
                "case": signal.case.reference if signal.case_id and signal.case else None,
                "personal_data_until": (
                    signal.personal_data_until.isoformat() if signal.personal_data_until else None
                ),
            }
        )
    cases: dict[int, dict[str, Any]] = {}
    case_objects: dict[int, Case] = {}
    for case_person in person_case_roles(person=person):
        case = case_person.case
        case_objects[case.pk] = case
        entry = cases.setdefault(
            case.pk,
            {
                "reference": case.reference,
                "case_type": case.case_type,
                "state": case.state,
                "municipality": case.municipality.name,
                "opened_at": case.opened_at.isoformat(),
                "closed_at": case.closed_at.isoformat() if case.closed_at else None,
                "closing_reason": case.closing_reason,
                "roles": [],
                "notes": [],
                "_groups": set(),
            },
        )
        entry["roles"].append(case_person.role)
        groups = (
            _NOTE_GROUPS_FOR_REPORTER
            if case_person.role in (PersonRole.REPORTER, PersonRole.WITNESS)
            else _NOTE_GROUPS_FOR_SUBJECT
        )
        entry["_groups"].update(groups)
    for case_id, entry in cases.items():
        for note in case_notes_in_groups(
            case=case_objects[case_id], groups=sorted(entry.pop("_groups"))
        ):
            entry["notes"].append(
                {
                    "field_group": note.field_group,
                    "written_at": note.created_at.isoformat(),
                    "organisation": note.author_organisation.name,
                    "text": note.readable_body,
                }
            )
    return {
        "person": details,
        "signals": signals,
        "cases": list(cases.values()),
        "recipients": person_recipients(person=person),
        "access_log": [_log_row(e) for e in access_log_for_person(person_uuid=person.uuid)],
        "restriction_requests": [
            {
                "kind": r.kind,
                "received_on": r.received_on.isoformat(),
                "status": r.status,
                "decided_at": r.decided_at.isoformat() if r.decided_at else None,
                "reason": _decrypt(r, "decision_reason"),
            }
            for r in RestrictionRequest.objects.filter(person=person).order_by("registered_at")
        ],
    }
