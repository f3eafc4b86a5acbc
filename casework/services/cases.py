"""Writes for cases, persons, notes and participations.

Every change is written to the access log in the same transaction as the change itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from casework.models import (
    BreakGlass,
    Case,
    CaseDeadline,
    CaseHistory,
    CasePerson,
    CaseType,
    Confidentiality,
    HistoryKind,
    Note,
    Participation,
    Person,
    PersonRole,
    ReferenceCounter,
    Referral,
)
from casework.policies import VIEW_CASE_CODENAME, can_be_named, can_break_glass
from casework.reminders import deadline_reminders_schedule
from casework.selectors import CaseNotFound, case_disclosure_for, parse_uuid, referral_may_edit
from notifications.services import notify_by_email
from permissions.constants import FieldGroup, OrganisationType, RoleSlug
from permissions.crypto import blind_index, data_key_create
from permissions.identifiers import address_key, bsn_normalise, name_birth_date_key
from permissions.models import (
    AccessAction,
    AccessResult,
    DisclosureProfile,
    Organisation,
    User,
)
from permissions.selectors import disclosure_profile_default_for
from permissions.services import AccessEvent, access_log_record
from workflows.calendar import calendar_covers, calendar_first_and_last_day
from workflows.clocks import due
from workflows.machines import machine_for
from workflows.selectors import clock_for

VIEW_CASE = f"casework.{VIEW_CASE_CODENAME}"


class CaseworkError(Exception):
    """A rule of the domain was not met; the message says what to do, in Dutch."""

    def __init__(self, message: str, *, field: str = "non_field_errors") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CaseworkForbidden(CaseworkError):
    """The actor may see the object but not make this change (403, not 404)."""


def check_countable_date(day: datetime.date, *, field: str) -> None:
    """Raise CaseworkError on ``field`` for a date the working-day calendar cannot count
    from (deadlines and reminders are scheduled from it): year 44 or 9999 is a typing error,
    not a plan."""
    if not calendar_covers(day):
        first, last = calendar_first_and_last_day()
        raise CaseworkError(
            _("Choose a date between %(first)s and %(last)s.")
            % {"first": first.isoformat(), "last": last.isoformat()},
            field=field,
        )


def _log_change(*, actor: Any, origin: str | None, case: Case, what: str, **detail: Any) -> None:
    """A change goes into the case's history (an event) and into the access log."""
    # Free text (a reason) goes into the encrypted column, never into the plain detail.
    reason = str(detail.pop("reason", "") or "")
    history_append(
        case=case, actor=actor, kind=HistoryKind.EVENT, name=what, reason=reason, detail=detail
    )
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.CHANGE,
                object_type="case",
                object_id=str(case.uuid),
                detail={"change": what, "reference": case.reference, **detail},
            )
        ],
    )


def history_append(
    *,
    case: Case,
    actor: Any,
    kind: HistoryKind,
    name: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> CaseHistory:
    """Append one history row. Rows are never edited; the database refuses it."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = CaseHistory(
        case=case,
        kind=kind,
        name=name,
        from_state=from_state,
        to_state=to_state,
        reason=reason or None,
        detail={k: v for k, v in (detail or {}).items() if isinstance(v, (str, int, bool))},
        actor=user,
        actor_username=user.username if user else "",
        actor_role=user.role.slug if user and user.role_id else "",
        actor_organisation=user.organisation.name if user and user.organisation_id else "",
    )
    entry.save()
    return entry


def deadline_start(
    *, case: Case, key: str, state: str, start: datetime.date, amount: int | None = None
) -> CaseDeadline:
    """Start the clock ``key`` for ``case`` on ``start`` (in working days where it says so).

    The case's municipality may have set its own amount for the brief's default clocks. A
    legal clock schedules its reminders to the coordinator (``casework.reminders``), so it
    must run inside the transaction that starts the clock.
    """
    clock = clock_for(key=key, municipality_id=case.municipality_id)
    if amount is not None:
        clock = replace(clock, amount=amount)
    deadline = CaseDeadline.objects.create(
        case=case, key=key, state=state, started_on=start, due_on=due(clock, start=start)
    )
    deadline_reminders_schedule(deadline=deadline, municipality_id=case.municipality_id)
    return deadline


@transaction.atomic
def reference_next(*, prefix: str, year: int | None = None) -> str:
    """The next human reference, e.g. ``C-2026-000045``. Gap-free per prefix and year."""
    year = year or timezone.localdate().year
    # One statement: creates the year's counter or counts on, and locks its row until the
    # caller's transaction ends, so numbers are handed out in commit order and a rollback
    # gives its number back (ON CONFLICT takes the row lock, also against a concurrent insert).
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, 1)"  # noqa: S608
            f" ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [prefix, year],
        )
        (last,) = cursor.fetchone()
    return f"{prefix}-{year}-{last:06d}"


@transaction.atomic
def case_open(
    *,
    owner: Organisation,
    case_type: CaseType,
    opened_by: User,
    coordinator: User | None = None,
    wijk: str = "",
    buurt: str = "",
    confidentiality: Confidentiality | None = None,
    origin: str | None = None,
    referred_by: User | None = None,
) -> Case:
    """Open a case run by ``owner``, with its own data key.

    RIEC cases are at the highest confidentiality from the first minute, and their
    coordinator is named on them (the only way a coordinator sees such a case). A multiproblem
    case starts with an empty referral of ``referred_by`` (default: whoever opens it), who is
    reminded before the weekly triage cut-off while it is incomplete.
    """
    if owner.municipality_id is None:
        raise CaseworkError(
            _("%(org)s belongs to no municipality and cannot run cases.") % {"org": owner.name}
        )
    if case_type == CaseType.RIEC:
        confidentiality = Confidentiality.HIGHEST
    case = Case.objects.create(
        municipality_id=owner.municipality_id,
        reference=reference_next(prefix="C"),
        case_type=case_type,
        state=machine_for(case_type).initial,
        owner=owner,
        wijk=wijk,
        buurt=buurt,
        coordinator=coordinator or opened_by,
        confidentiality=confidentiality or Confidentiality.NORMAL,
        data_key=data_key_create(purpose="case"),
    )
    if case.confidentiality >= Confidentiality.HIGHEST:
        if not can_be_named(user=case.coordinator, case=case):
            raise CaseworkError(
                _("A confidential case's coordinator must coordinate cases in %(name)s.")
                % {"name": case.municipality.name},
                field="coordinator",
            )
        assign_perm(VIEW_CASE, case.coordinator, case)
    if case_type == CaseType.MULTIPROBLEM:
        Referral.objects.create(case=case, referred_by=referred_by or opened_by)
    initial = machine_for(case_type).state(case.state)
    if initial.clock:
        deadline_start(case=case, key=initial.clock, state=initial.name, start=timezone.localdate())
    _log_change(actor=opened_by, origin=origin, case=case, what="opened", case_type=case_type)
    return case


@dataclass(frozen=True)
class PersonDetails:
    given_names: str = ""
    surname: str = ""
    birth_date: datetime.date | None = None
    bsn: str = ""
    address: str = ""
    postcode: str = ""
    house_number: str = ""
    house_number_addition: str = ""


@transaction.atomic
def person_register(*, details: PersonDetails) -> tuple[Person, bool]:
    """The person these details describe: found by blind index, or created.

    Matching is by exact BSN, then by surname + birth date; nothing is decrypted. A match on
    surname + birth date never joins two people whose BSNs differ. Details the found person
    lacks (a BSN, an address, given names) are filled in; nothing known is overwritten.
    Returns (person, created). Raises InvalidIdentifier (Dutch message) for a bad BSN.
    """
    bsn = bsn_normalise(details.bsn) if details.bsn else ""
    bsn_index = blind_index(kind="bsn", value=bsn) if bsn else None
    name_index = (
        blind_index(
            kind="name_birth_date",
            value=name_birth_date_key(surname=details.surname, birth_date=details.birth_date),
        )
        if details.surname and details.birth_date
        else None
    )
    address_index = (
        blind_index(
            kind="address",
            value=address_key(
                postcode=details.postcode,
                house_number=details.house_number,
                addition=details.house_number_addition,
            ),
        )
        if details.postcode and details.house_number
        else None
    )
    existing = None
    if bsn_index is not None:
        existing = Person.objects.filter(bsn_index=bsn_index).order_by("id").first()
    if existing is None and name_index is not None:
        candidates = Person.objects.filter(name_birth_date_index=name_index)
        if bsn_index is not None:
            candidates = candidates.filter(bsn_index__isnull=True)
        existing = candidates.order_by("id").first()
    if existing is not None:
        _person_fill_in(
            person=existing,
            details=details,
            bsn=bsn,
            bsn_index=bsn_index,
            name_index=name_index,
            address_index=address_index,
        )
        return existing, False
    person = Person(
        data_key=data_key_create(purpose="person"),
        given_names=details.given_names or None,
        surname=details.surname or None,
        birth_date=details.birth_date,
        bsn=bsn or None,
        address=details.address or None,
        bsn_index=bsn_index,
        name_birth_date_index=name_index,
        address_index=address_index,
    )
    person.save()
    return person, True


def _person_fill_in(
    *,
    person: Person,
    details: PersonDetails,
    bsn: str,
    bsn_index: bytes | None,
    name_index: bytes | None,
    address_index: bytes | None,
) -> None:
    # Which columns are empty is read from the raw row: nothing needs decrypting for that.
    raw = (
        Person.objects.filter(pk=person.pk)
        .values("bsn", "surname", "given_names", "birth_date", "address")
        .get()
    )
    changed: list[str] = []
    if bsn and raw["bsn"] is None:
        person.bsn, person.bsn_index = bsn, bsn_index
        changed += ["bsn", "bsn_index"]
    if details.surname and details.birth_date and raw["surname"] is None:
        person.surname, person.birth_date = details.surname, details.birth_date
        person.name_birth_date_index = name_index
        changed += ["surname", "birth_date", "name_birth_date_index"]
    if details.given_names and raw["given_names"] is None:
        person.given_names = details.given_names
        changed.append("given_names")
    if details.address and raw["address"] is None:
        person.address, person.address_index = details.address, address_index
        changed += ["address", "address_index"]
    if changed:
        person.save(update_fields=changed)


@transaction.atomic
def case_person_add(
    *, case: Case, person: Person, role: PersonRole, actor: User, origin: str | None = None
) -> CasePerson:
    """Record ``person`` in ``case`` with ``role``; adding the same role twice is a no-op."""
    case_person, created = CasePerson.objects.get_or_create(case=case, person=person, role=role)
    if created:
        _log_change(actor=actor, origin=origin, case=case, what="person_added", role=role)
    return case_person


@transaction.atomic
def case_signal_linked(*, case: Case, actor: User, origin: str | None = None) -> Case:
    """Count one more signal on ``case`` and log it as an event of the case.

    The count is raised in the database (an F() update), so two signals linked at the same
    moment are both counted. Updates ``case.signal_count`` in place and returns ``case``.
    """
    Case.objects.filter(pk=case.pk).update(
        signal_count=F("signal_count") + 1, updated_at=timezone.now()
    )
    case.refresh_from_db(fields=["signal_count", "updated_at"])
    _log_change(actor=actor, origin=origin, case=case, what="signal_linked")
    return case


@transaction.atomic
def note_add(
    *,
    case: Case,
    author: User,
    field_group: FieldGroup,
    body: str,
    origin: str | None = None,
) -> Note:
    """Append a note in ``field_group``. Notes are never edited; corrections are new notes."""
    body = (body or "").strip()
    if not body:
        raise CaseworkError(_("A note needs text."), field="body")
    if author.organisation is None:
        raise CaseworkError(_("Only members of an organisation can write notes."))
    if field_group == FieldGroup.BSN:
        raise CaseworkError(_("Notes are not kept in the BSN group."), field="field_group")
    if not case_disclosure_for(user=author, case=case).allows(field_group):
        # Nobody writes into a group (or a case) they may not read.
        raise CaseworkError(
            _("You cannot write notes in this group of this case."), field="field_group"
        )
    note = Note(
        case=case,
        field_group=field_group.value,
        body=body,
        author=author,
        author_organisation=author.organisation,
    )
    note.save()
    _log_change(actor=author, origin=origin, case=case, what="note_added", group=field_group)
    return note


@transaction.atomic
def participation_add(
    *,
    case: Case,
    organisation: Organisation,
    disclosure_profile: DisclosureProfile | None,
    legal_basis: str,
    granted_by: User,
    origin: str | None = None,
) -> Participation:
    """Invite ``organisation`` into ``case`` on a recorded legal basis.

    Without a ``disclosure_profile`` the sharing matrix decides (the case municipality's
    override, else the installation default for the organisation's type).

    Mirrors the grant into guardian's per-case group permission in the same transaction.
    Raises CaseworkError when the legal basis is missing, the case is at the highest
    confidentiality, the organisation runs the case or already takes part, or a person in
    the case has a restriction flag (``Person.restricted_since``).
    """
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise CaseworkError(
            _("Record the legal basis (grondslag) for sharing with %(org)s.")
            % {"org": organisation.name},
            field="legal_basis",
        )
    if case.confidentiality >= Confidentiality.HIGHEST:
        raise CaseworkError(
            _("Cases at the highest confidentiality level are not shared with partners.")
        )
    if organisation.pk == case.owner_id:
        raise CaseworkError(
            _("%(org)s runs this case and does not need to be invited.")
            % {"org": organisation.name},
            field="organisation",
        )
    if not organisation.is_active:
        raise CaseworkError(_("This organisation is not active."), field="organisation")
    if disclosure_profile is None:
        disclosure_profile = disclosure_profile_default_for(
            organisation=organisation, municipality_id=case.municipality_id
        )
    if disclosure_profile is None:
        raise CaseworkError(
            _("Choose a disclosure profile for this organisation."), field="disclosure_profile"
        )
    if not disclosure_profile.for_participants:
        raise CaseworkError(
            _("The profile %(profile)s is for the municipality's own staff, not for partners.")
            % {"profile": disclosure_profile.name},
            field="disclosure_profile",
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if CasePerson.objects.filter(case=locked, person__restricted_since__isnull=False).exists():
        # AVG art. 18/21: an objection or restriction request stops new sharing until decided.
        raise CaseworkError(
            _(
                "A person in this case objected to or asked to restrict the processing of "
                "their data: no organisation can be invited until the privacy officer decides."
            ),
            field="organisation",
        )
    if Participation.objects.filter(
        case=locked, organisation=organisation, ended_at__isnull=True
    ).exists():
        raise CaseworkError(
            _("%(org)s already takes part in this case.") % {"org": organisation.name},
            field="organisation",
        )
    participation = Participation.objects.create(
        case=locked,
        organisation=organisation,
        disclosure_profile=disclosure_profile,
        legal_basis=legal_basis,
        granted_by=granted_by,
        case_created_at=locked.created_at,
    )
    assign_perm(VIEW_CASE, organisation.group, locked)
    _log_change(
        actor=granted_by,
        origin=origin,
        case=locked,
        what="participation_added",
        organisation=organisation.name,
        profile=disclosure_profile.slug,
        reason=legal_basis,  # free text: the encrypted reason column, not the plain detail
    )
    return participation


@transaction.atomic
def participation_end(
    *, participation: Participation, ended_by: User, reason: str = "", origin: str | None = None
) -> Participation:
    """End a participation: the organisation loses access at once. Ending twice is a no-op."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.ended_at is not None:
        return participation
    participation.ended_at = timezone.now()
    participation.ended_by = ended_by
    participation.end_reason = (reason or "").strip()
    participation.save(update_fields=["ended_at", "ended_by", "end_reason"])
    remove_perm(VIEW_CASE, participation.organisation.group, participation.case)
    _log_change(
        actor=ended_by,
        origin=origin,
        case=participation.case,
        what="participation_ended",
        organisation=participation.organisation.name,
        reason=participation.end_reason,
    )
    return participation


@transaction.atomic
def case_name_user(*, case: Case, user: User, named_by: User, origin: str | None = None) -> None:
    """Name ``user`` on ``case`` (guardian per-case grant): how confidential cases are seen.

    Raises CaseworkError unless ``user`` coordinates cases in the case's own municipality.
    """
    if not can_be_named(user=user, case=case):
        raise CaseworkError(
            _("Only coordinators of the case's own municipality can be named on it."),
            field="user",
        )
    assign_perm(VIEW_CASE, user, case)
    _log_change(actor=named_by, origin=origin, case=case, what="user_named", user=user.username)


MIN_BREAK_GLASS_REASON = 10


def case_break_glass(
    *, user: User, case_id: Any, reason: str, origin: str | None = None
) -> BreakGlass:
    """Open a confidential case one is not named on: reason required, logged, team lead told.

    Raises CaseNotFound when the case is absent or the user may not break its glass (the
    two look the same) and CaseworkError when the reason is too short. A refused attempt is
    logged outside any transaction, so the refusal itself cannot roll the log entry back.
    """
    reason = (reason or "").strip()
    parsed = parse_uuid(case_id)
    case = Case.objects.filter(uuid=parsed).first() if parsed else None
    if case is None or not can_break_glass(user=user, case=case):
        access_log_record(
            actor=user,
            origin=origin,
            events=[
                AccessEvent(
                    action=AccessAction.BREAK_GLASS,
                    object_type="case",
                    object_id=str(case_id)[:64],
                    result=AccessResult.DENIED,
                    reason=reason,
                )
            ],
        )
        raise CaseNotFound("Casus niet gevonden.")
    if len(reason) < MIN_BREAK_GLASS_REASON:
        raise CaseworkError(
            _("State why you need this case (at least %(n)d characters).")
            % {"n": MIN_BREAK_GLASS_REASON},
            field="reason",
        )
    return _break_glass_grant(user=user, case=case, reason=reason, origin=origin)


@transaction.atomic
def _break_glass_grant(*, user: User, case: Case, reason: str, origin: str | None) -> BreakGlass:
    hours = getattr(settings, "KETENREGIE_BREAK_GLASS_HOURS", 8)
    glass = BreakGlass.objects.create(
        case=case, user=user, reason=reason, expires_at=timezone.now() + timedelta(hours=hours)
    )
    access_log_record(
        actor=user,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.BREAK_GLASS,
                object_type="case",
                object_id=str(case.uuid),
                reason=reason,
                detail={"reference": case.reference, "hours": hours},
            )
        ],
    )
    team_leads = User.objects.filter(
        organisation__municipality_id=case.municipality_id,
        organisation__type=OrganisationType.GEMEENTE,
        role__slug=RoleSlug.TEAM_LEAD,
        is_active=True,
    ).exclude(email="")
    notify_by_email(
        recipients=[u.email for u in team_leads],
        subject=_("Break-the-glass on case %(ref)s") % {"ref": case.reference},
        body=_(
            "%(name)s opened confidential case %(ref)s without being named on it. "
            "The stated reason is in the access log. Review it in Ketenregie."
        )
        % {"name": user.get_full_name() or user.username, "ref": case.reference},
    )
    return glass


@transaction.atomic
def case_escalate_to_zvh(*, case: Case, approved_by: User, origin: str | None = None) -> Case:
    """Mark ``case`` as escalated to the region's Zorg- en Veiligheidshuis (opschaling).

    From then on the ZVH's procesregisseur sees it. Escalating twice is a no-op.
    """
    locked = Case.objects.select_for_update().select_related("municipality").get(pk=case.pk)
    if locked.municipality.region_id is None:
        raise CaseworkError(
            _("%(name)s belongs to no region with a Zorg- en Veiligheidshuis.")
            % {"name": locked.municipality.name}
        )
    if locked.escalated_to_zvh_at is None:
        locked.escalated_to_zvh_at = timezone.now()
        locked.save(update_fields=["escalated_to_zvh_at", "updated_at"])
        _log_change(actor=approved_by, origin=origin, case=locked, what="escalated_to_zvh")
    return locked


def _require_runs_case(*, actor: User, case: Case) -> None:
    if not case_disclosure_for(user=actor, case=case).runs_case:
        raise CaseworkError(_("Only whoever runs this case can do this."))


@transaction.atomic
def referral_set(
    *,
    case: Case,
    actor: User,
    reason: str,
    goal: str,
    discussed_with_person: bool | None,
    not_discussed_reason: str = "",
    proposed_partners: list[Organisation] | None = None,
    origin: str | None = None,
) -> Referral:
    """Record the aanmelding of a multiproblem case (replacing an earlier version).

    Whoever runs the case may do so at any time; the referrer only while the case is still
    in aanmelding (``referral_may_edit``).
    """
    referral = Referral.objects.filter(case=case).first() or Referral(case=case)
    if not referral_may_edit(user=actor, case=case, referral=referral):
        raise CaseworkError(_("Only whoever runs this case can do this."))
    if referral.referred_by_id is None and referral.pk is None:
        referral.referred_by = actor
    referral.reason = (reason or "").strip() or None
    referral.goal = (goal or "").strip() or None
    referral.discussed_with_person = discussed_with_person
    referral.not_discussed_reason = (not_discussed_reason or "").strip() or None
    referral.save()
    referral.proposed_partners.set(proposed_partners or [])
    _log_change(actor=actor, origin=origin, case=case, what="referral_recorded")
    return referral


@transaction.atomic
def case_spawn_linked(
    *,
    source: Case,
    case_type: CaseType,
    actor: User,
    persons: list[Person] | None = None,
    origin: str | None = None,
) -> Case:
    """Open a new case linked to ``source``: an individual multiproblem case from a youth
    group, or a RIEC escalation from any case (which then needs four eyes to be brought in).

    The new case belongs to the same municipality; the persons named move along as subjects.
    """
    _require_runs_case(actor=actor, case=source)
    spawned = case_open(
        owner=source.owner,
        case_type=case_type,
        opened_by=actor,
        wijk=source.wijk,
        buurt=source.buurt,
        origin=origin,
    )
    Case.objects.filter(pk=spawned.pk).update(spawned_from=source)
    spawned.spawned_from = source
    for person in persons or []:
        if not CasePerson.objects.filter(case=source, person=person).exists():
            raise CaseworkError(_("That person is not in the source case."), field="persons")
        case_person_add(case=spawned, person=person, role=PersonRole.SUBJECT, actor=actor)
    _log_change(
        actor=actor,
        origin=origin,
        case=source,
        what="case_spawned",
        spawned=spawned.reference,
        case_type=case_type,
    )
    return spawned


# Legal clocks of side routes that are linked to a case rather than part of its workflow.
SIDE_ROUTE_CLOCKS = ("wvggz_verkennend_onderzoek",)


@transaction.atomic
def case_clock_start(
    *, case: Case, actor: User, key: str, reason: str = "", origin: str | None = None
) -> CaseDeadline:
    """Start a side route's legal clock (the Wvggz investigation: at most 14 days).

    Raises CaseworkError for another clock or when one is already running.
    """
    _require_runs_case(actor=actor, case=case)
    if key not in SIDE_ROUTE_CLOCKS:
        raise CaseworkError(_("This clock cannot be started by hand."), field="clock")
    if case.deadlines.filter(key=key, met_at__isnull=True, cancelled_at__isnull=True).exists():
        raise CaseworkError(_("This clock is already running."), field="clock")
    deadline = deadline_start(case=case, key=key, state="", start=timezone.localdate())
    _log_change(
        actor=actor,
        origin=origin,
        case=case,
        what="clock_started",
        clock=key,
        due=deadline.due_on.isoformat(),
        reason=reason,
    )
    return deadline


@transaction.atomic
def case_care_track_set(
    *, case: Case, actor: User, active: bool, reason: str = "", origin: str | None = None
) -> Case:
    """Switch the parallel care track (zorgspoor) of a woonoverlast case on or off."""
    _require_runs_case(actor=actor, case=case)
    if case.case_type != CaseType.WOONOVERLAST:
        raise CaseworkError(_("Only a woonoverlast case has a parallel care track."))
    if case.care_track != active:
        Case.objects.filter(pk=case.pk).update(care_track=active)
        case.care_track = active
        _log_change(
            actor=actor,
            origin=origin,
            case=case,
            what="care_track_started" if active else "care_track_ended",
            reason=reason,
        )
    return case
