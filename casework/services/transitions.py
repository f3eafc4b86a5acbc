"""Moving a case through its workflow: one service, always in the same order.

Lock the row, check the transition (known, allowed from this state, permitted, its inputs
and guards), change the state through django-fsm, apply the effects, append the history row,
set the clocks, log the change. Everything in one transaction; a concurrent change answers
``TransitionConflict`` (HTTP 409) and leaves no trace.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from casework.models import (
    Case,
    CaseDeadline,
    HistoryKind,
    Participation,
    PlanAction,
    Referral,
    RiecInbreng,
)
from casework.policies import Disclosure
from casework.reminders import deadline_reminders_cancel
from casework.selectors import case_get_for, referral_missing_all
from casework.selectors import referral_missing as referral_missing_of
from permissions.crypto import blind_index
from permissions.policies import has_perm
from permissions.services import AccessEvent, access_log_record
from workflows.clocks import clock_get
from workflows.fsm import FACTS_ATTRIBUTE, guard_messages, method_name
from workflows.guards import CaseFacts, legal_basis_for_every_partner
from workflows.machines import Effect, Input, InputKind, Machine, Transition, machine_for

from .cases import CaseworkError, case_escalate_to_zvh, deadline_start, history_append


class TransitionConflict(CaseworkError):
    """The case is no longer in a state this transition starts from (HTTP 409)."""


class TransitionForbidden(CaseworkError):
    """The person may see the case but not perform this transition (HTTP 403)."""


class GuardFailure(CaseworkError):
    """One or more guards said no (HTTP 400); ``messages`` says why, in Dutch."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages), field="transition")
        self.messages = tuple(messages)


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    target: str
    target_label: str
    inputs: tuple[Input, ...]
    reason_required: bool
    blocked_by: tuple[str, ...]

    @property
    def available(self) -> bool:
        return not self.blocked_by


def case_facts(*, case: Case, performer: Any, inputs: dict[str, Any] | None = None) -> CaseFacts:
    """Everything the guards may know, read from the database (a handful of queries)."""
    active = list(
        Participation.objects.filter(case=case, ended_at__isnull=True).select_related(
            "organisation"
        )
    )
    with_basis = tuple(p.organisation.name for p in active if p.legal_basis.strip())
    without_basis = tuple(p.organisation.name for p in active if not p.legal_basis.strip())
    referral = Referral.objects.filter(case=case).first()
    proposed_missing: tuple[str, ...] = ()
    referral_missing: tuple[str, ...] = ()
    if referral is not None:
        taking_part = {p.organisation_id for p in active}
        proposed_missing = tuple(
            o.name for o in referral.proposed_partners.all() if o.pk not in taking_part
        )
        referral_missing = referral_missing_of(referral)
    elif case.case_type == "multiproblem":
        referral_missing = referral_missing_all()
    zienswijze = (
        CaseDeadline.objects.filter(case=case, key="zienswijze_deadline", cancelled_at__isnull=True)
        .order_by("-started_on", "-id")
        .first()
    )
    actions = list(PlanAction.objects.filter(case=case).exclude(status="cancelled"))
    inbreng = RiecInbreng.objects.filter(case=case, sealed_at__isnull=True).first()
    return CaseFacts(
        today=timezone.localdate(),
        performer_id=performer.pk,
        partners_with_basis=with_basis,
        partner_types=tuple(sorted({p.organisation.type for p in active})),
        partners_without_basis=without_basis,
        proposed_partners_missing=proposed_missing,
        signal_count=case.signal_count,
        zienswijze_deadline=zienswijze.due_on if zienswijze else None,
        zienswijze_recorded=bool(zienswijze and zienswijze.met_at),
        casusregisseur_named=case.casusregisseur_id is not None,
        plan_actions=len(actions),
        plan_actions_incomplete=sum(
            1 for a in actions if a.owner_organisation_id is None or a.due_date is None
        ),
        referral_missing=referral_missing,
        inbreng_requested_by_id=inbreng.requested_by_id if inbreng else None,
        inbreng_prepared=bool(inbreng and inbreng.sealed_at is None),
        inputs=inputs or {},
    )


def transitions_available(
    *, user: Any, case: Case, disclosure: Disclosure
) -> list[AvailableTransition]:
    """The transitions ``user`` may perform on ``case`` now, each with what blocks it (if any).

    Only transitions from the current state that the user's role permits are listed; a
    guard that fails is listed with its message so the person knows what to do first.
    """
    machine = machine_for(case.case_type)
    permitted = [
        t
        for t in machine.transitions_from(case.state)
        if disclosure.runs_case and has_perm(user, t.permission)
    ]
    if not permitted:
        return []
    facts = case_facts(case=case, performer=user)
    return [
        AvailableTransition(
            name=t.name,
            label=t.label,
            target=t.target,
            target_label=machine.state(t.target).label,
            inputs=t.inputs,
            reason_required=t.reason_required,
            blocked_by=tuple(guard_messages(t, facts)),
        )
        for t in permitted
    ]


def _clean_inputs(spec: Transition, machine: Machine, raw: dict[str, Any]) -> dict[str, Any]:
    """Check the inputs a transition asks for; raise CaseworkError for the first bad one."""
    cleaned: dict[str, Any] = {}
    for item in spec.inputs:
        value = raw.get(item.name)
        if value in (None, ""):
            if item.required:
                raise CaseworkError(
                    _("%(label)s is required.") % {"label": item.label}, field=item.name
                )
            continue
        if item.kind == InputKind.CHOICE:
            choices = item.choices or machine.closing_reasons
            if value not in choices:
                raise CaseworkError(
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)},
                    field=item.name,
                )
        elif item.kind == InputKind.INTEGER:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise CaseworkError(_("Enter a whole number."), field=item.name)
            try:
                value = int(value)
            except ValueError:
                raise CaseworkError(_("Enter a whole number."), field=item.name) from None
            if (item.minimum is not None and value < item.minimum) or (
                item.maximum is not None and value > item.maximum
            ):
                raise CaseworkError(
                    _("Enter a number from %(min)s to %(max)s.")
                    % {"min": item.minimum, "max": item.maximum},
                    field=item.name,
                )
        elif item.kind == InputKind.TEXT:
            if not isinstance(value, str):
                raise CaseworkError(_("Enter text."), field=item.name)
            value = value.strip()
            if len(value) > 10_000:
                raise CaseworkError(_("This text is too long."), field=item.name)
        cleaned[item.name] = value
    return cleaned


@transaction.atomic
def case_transition(
    *,
    user: Any,
    case_id: Any,
    transition: str,
    reason: str = "",
    inputs: dict[str, Any] | None = None,
    expected_state: str | None = None,
    origin: str | None = None,
) -> Case:
    """Perform ``transition`` on the case ``case_id`` as ``user``.

    Raises CaseNotFound (not visible), CaseworkError (unknown transition, missing reason,
    bad input: 400), TransitionForbidden (403), GuardFailure (400) and TransitionConflict
    (409: the case moved on, or someone else changed it at the same moment).
    """
    case, disclosure = case_get_for(user=user, case_id=case_id, origin=origin)
    # Whoever does not run the case is refused before anything else: before the row lock
    # (a viewer must not be able to hold it) and whatever step name the request carries.
    if not disclosure.runs_case:
        raise TransitionForbidden(_("You may not perform this transition."), field="transition")
    locked = Case.objects.select_for_update().select_related("municipality").get(pk=case.pk)
    machine = machine_for(locked.case_type)
    spec = machine.by_name.get(transition)
    if spec is None:
        raise CaseworkError(
            _("Unknown transition %(name)s for a %(type)s case.")
            % {"name": transition, "type": machine.label},
            field="transition",
        )
    if not (disclosure.runs_case and has_perm(user, spec.permission)):
        raise TransitionForbidden(_("You may not perform this transition."), field="transition")
    if (expected_state and expected_state != locked.state) or locked.state not in spec.source:
        raise TransitionConflict(
            _("The case is now in state %(state)s; reload it and try again.")
            % {"state": machine.state(locked.state).label},
            field="transition",
        )
    reason = (reason or "").strip()
    if spec.reason_required and not reason:
        raise CaseworkError(_("Give a reason for this step."), field="reason")
    cleaned = _clean_inputs(spec, machine, inputs or {})
    facts = case_facts(case=locked, performer=user, inputs=cleaned)
    messages = guard_messages(spec, facts)
    # Entering a state that shares data always needs a grondslag for every partner, whether
    # or not the machine lists the guard on this particular transition.
    if machine.state(spec.target).shares_data and legal_basis_for_every_partner not in spec.guards:
        message = legal_basis_for_every_partner(facts)
        if message:
            messages.append(message)
    if messages:
        raise GuardFailure(messages)
    from_state = locked.state
    setattr(locked, FACTS_ATTRIBUTE, facts)
    try:
        getattr(locked, method_name(case_type=locked.case_type, transition_name=spec.name))()
    except TransitionNotAllowed as exc:  # the guards above agree; this is the backstop
        raise TransitionConflict(str(exc), field="transition") from exc
    now = timezone.now()
    _apply_effects(case=locked, spec=spec, inputs=cleaned, user=user, now=now)
    try:
        locked.save()
    except ConcurrentTransition as exc:
        raise TransitionConflict(
            _("Someone else changed this case at the same moment; reload it."),
            field="transition",
        ) from exc
    if locked.state != from_state:
        _move_clocks(case=locked, machine=machine, from_state=from_state, now=now)
    text_inputs = {k: v for k, v in cleaned.items() if isinstance(v, str) and k != "closing_reason"}
    history_append(
        case=locked,
        actor=user,
        kind=HistoryKind.TRANSITION,
        name=spec.name,
        from_state=from_state,
        to_state=locked.state,
        reason="\n".join([reason, *(f"{k}: {v}" for k, v in text_inputs.items())]).strip(),
        detail={k: v for k, v in cleaned.items() if k not in text_inputs},
    )
    access_log_record(
        actor=user,
        origin=origin,
        events=[
            AccessEvent(
                action="change",
                object_type="case",
                object_id=str(locked.uuid),
                detail={
                    "change": "transition",
                    "transition": spec.name,
                    "from": from_state,
                    "to": locked.state,
                    "reference": locked.reference,
                },
            )
        ],
    )
    return locked


def _move_clocks(*, case: Case, machine: Machine, from_state: str, now: Any) -> None:
    """Leaving a state ends its own clock; legal periods run on. Entering starts the next."""
    legal_keys = [
        key
        for key in {d.key for d in case.deadlines.filter(state=from_state)}
        if clock_get(key).legal
    ]
    leaving = case.deadlines.filter(
        state=from_state, met_at__isnull=True, cancelled_at__isnull=True
    ).exclude(key__in=legal_keys)
    deadline_reminders_cancel(deadlines=leaving)
    leaving.update(cancelled_at=now)
    entered = machine.state(case.state)
    if entered.clock:
        deadline_start(case=case, key=entered.clock, state=entered.name, start=timezone.localdate())


def _apply_effects(
    *, case: Case, spec: Transition, inputs: dict[str, Any], user: Any, now: Any
) -> None:
    for effect in spec.effects:
        if effect == Effect.CLOSE:
            case.closed_at = now
            case.closing_reason = inputs.get("closing_reason", "")
            running = case.deadlines.filter(met_at__isnull=True, cancelled_at__isnull=True)
            deadline_reminders_cancel(deadlines=running)
            running.update(cancelled_at=now)
        elif effect == Effect.REOPEN:
            case.closed_at = None
            case.closing_reason = ""
        elif effect == Effect.RECORD_ZIENSWIJZE:
            zienswijze = CaseDeadline.objects.filter(
                case=case,
                key="zienswijze_deadline",
                met_at__isnull=True,
                cancelled_at__isnull=True,
            )
            deadline_reminders_cancel(deadlines=zienswijze)
            zienswijze.update(met_at=now)
        elif effect == Effect.START_HUISVERBOD and inputs.get("measure") == "huisverbod":
            days = inputs.get("huisverbod_days")
            if not days:
                raise CaseworkError(
                    _("Enter the number of days of the house ban (at most 10)."),
                    field="huisverbod_days",
                )
            deadline_start(
                case=case,
                key="huisverbod_maximum",
                state="",
                start=timezone.localdate(),
                amount=days,
            )
        elif effect == Effect.DE_ESCALATE:
            case.escalated_to_zvh_at = None
        elif effect == Effect.ESCALATE_TO_ZVH:
            case_escalate_to_zvh(case=case, approved_by=user)
            case.escalated_to_zvh_at = case.escalated_to_zvh_at or now
        elif effect == Effect.REQUEST_INBRENG:
            content = inputs["inbreng"]
            draft = RiecInbreng.objects.filter(case=case, sealed_at__isnull=True).first()
            if draft is None:
                draft = RiecInbreng(case=case, requested_by=user)
            draft.content = content
            draft.content_sha256 = _seal(content)
            draft.requested_by = user
            draft.save()
        elif effect == Effect.SEAL_INBRENG:
            draft = RiecInbreng.objects.select_for_update().get(case=case, sealed_at__isnull=True)
            content = draft.content
            if _seal(content) != draft.content_sha256:
                raise CaseworkError(_("The prepared inbreng does not match its hash."))
            draft.approved_by = user
            draft.sealed_at = now
            draft.save(update_fields=["approved_by", "sealed_at"])


def _seal(content: str) -> str:
    """HMAC-SHA256 of the content under an installation key: verifiable by the installation,
    but no help to someone who reads the database and guesses at the content."""
    return blind_index(kind="riec_inbreng", value=content).hex()


def inbreng_verify(*, inbreng: RiecInbreng) -> bool:
    """The sealed copy still matches the keyed hash taken when it was prepared."""
    return hmac.compare_digest(_seal(inbreng.content), inbreng.content_sha256)


def transition_inputs_json(spec: AvailableTransition) -> list[dict[str, Any]]:
    return [
        {
            k: v
            for k, v in {
                "name": i.name,
                "label": i.label,
                "kind": i.kind.value,
                "required": i.required,
                "choices": list(i.choices) or None,
                "minimum": i.minimum,
                "maximum": i.maximum,
            }.items()
            if v is not None
        }
        for i in spec.inputs
    ]


__all__ = [
    "AvailableTransition",
    "GuardFailure",
    "TransitionConflict",
    "TransitionForbidden",
    "case_facts",
    "case_transition",
    "inbreng_verify",
    "transitions_available",
]
