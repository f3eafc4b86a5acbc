"""Writes of plan actions: the plan van aanpak's actions, many of them decided at a meeting.

These services are the only places where an action is created, closed or gets a new
deadline; whatever has to follow such a change (reminders) belongs at their end.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import (
    ActionStatus,
    AgendaItem,
    Case,
    Confidentiality,
    Participation,
    PlanAction,
)
from casework.policies import can_close_action, can_plan_actions
from casework.reminders import action_reminders_cancel, action_reminders_schedule
from casework.selectors import CaseNotFound, case_disclosure_for
from permissions.models import Organisation, User

from .cases import CaseworkError, CaseworkForbidden, _log_change, check_countable_date

CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)


def _check_owner(
    *, case: Case, owner_organisation: Organisation | None, owner: User | None
) -> None:
    if owner_organisation is None:
        if owner is not None:
            raise CaseworkError(
                _("Choose the organisation the person works for."), field="owner_organisation"
            )
        return
    # A case at the highest level is never shared, yet RIEC partners act on it: the
    # coordinator tracks their actions without them taking part.
    takes_part = (
        case.confidentiality >= Confidentiality.HIGHEST
        or owner_organisation.pk == case.owner_id
        or Participation.objects.filter(
            case=case, organisation=owner_organisation, ended_at__isnull=True
        ).exists()
    )
    if not takes_part:
        raise CaseworkError(
            _("%(org)s does not take part in this case.") % {"org": owner_organisation.name},
            field="owner_organisation",
        )
    if owner is not None and owner.organisation_id != owner_organisation.pk:
        raise CaseworkError(
            _("%(name)s does not work for %(org)s.")
            % {"name": owner.get_full_name() or owner.username, "org": owner_organisation.name},
            field="owner",
        )


@transaction.atomic
def plan_action_add(
    *,
    case: Case,
    actor: User,
    title: str,
    owner_organisation: Organisation | None = None,
    owner: User | None = None,
    due_date: datetime.date | None = None,
    agenda_item: AgendaItem | None = None,
    origin: str | None = None,
) -> PlanAction:
    """Add an action to the plan van aanpak, decided at ``agenda_item`` if given.

    Only whoever runs the case adds actions. The owner organisation must run or take part
    in the case (any organisation at the highest confidentiality, which is never shared),
    and the owner person must work for it. Raises CaseworkForbidden for anyone
    else and CaseworkError (Dutch message) for an empty title or a wrong owner.
    """
    if not can_plan_actions(disclosure=case_disclosure_for(user=actor, case=case)):
        raise CaseworkForbidden(_("Only whoever runs this case can do this."))
    title = (title or "").strip()
    if not title:
        raise CaseworkError(_("An action needs a description."), field="title")
    if agenda_item is not None and agenda_item.case_id != case.pk:
        raise CaseworkError(_("This agenda item is about another case."), field="agenda_item")
    _check_owner(case=case, owner_organisation=owner_organisation, owner=owner)
    if due_date is not None:
        check_countable_date(due_date, field="due_date")
    action = PlanAction.objects.create(
        case=case,
        title=title[:300],
        owner_organisation=owner_organisation,
        owner=owner,
        due_date=due_date,
        agenda_item=agenda_item,
        created_by=actor,
    )
    action_reminders_schedule(action=action)
    _log_change(
        actor=actor,
        origin=origin,
        case=case,
        what="plan_action_added",
        action=str(action.uuid),
        organisation=owner_organisation.name if owner_organisation else "",
        due=due_date.isoformat() if due_date else "",
        meeting=str(agenda_item.meeting.uuid) if agenda_item else "",
    )
    return action


@transaction.atomic
def plan_action_close(
    *,
    action: PlanAction,
    actor: User,
    status: ActionStatus,
    note: str,
    origin: str | None = None,
) -> PlanAction:
    """Mark an open action done or cancelled, saying what was done or why not.

    Its owner organisation and whoever runs the case may close it. Raises CaseNotFound when
    the actor may not see it, CaseworkForbidden when they may see but not close it, and
    CaseworkError for a closed action, another status or a missing note.
    """
    action = PlanAction.objects.select_for_update().select_related("case").get(pk=action.pk)
    disclosure = case_disclosure_for(user=actor, case=action.case)
    if not disclosure.visible:
        raise CaseNotFound("Casus niet gevonden.")
    if not can_close_action(
        user=actor, disclosure=disclosure, owner_organisation_id=action.owner_organisation_id
    ):
        raise CaseworkForbidden(_("Only the owner organisation can close this action."))
    if status not in CLOSED_STATUSES:
        raise CaseworkError(_("Choose done or cancelled."), field="status")
    if action.status != ActionStatus.OPEN:
        raise CaseworkError(_("This action is already closed."), field="status")
    note = (note or "").strip()
    if not note:
        done = status == ActionStatus.DONE
        message = _("Say what was done.") if done else _("Say why it is cancelled.")
        raise CaseworkError(message, field="done_note")
    action.status = status
    action.done_note = note
    action.closed_at = timezone.now()
    action.closed_by = actor
    action.save(update_fields=["status", "done_note", "closed_at", "closed_by"])
    action_reminders_cancel(action=action)
    _log_change(
        actor=actor,
        origin=origin,
        case=action.case,
        what=f"plan_action_{status}",
        action=str(action.uuid),
        reason=note,
    )
    return action


@transaction.atomic
def plan_action_due_date_set(
    *,
    action: PlanAction,
    actor: User,
    due_date: datetime.date,
    origin: str | None = None,
) -> PlanAction:
    """Move the deadline of an open action. Only whoever runs the case moves deadlines.

    Raises CaseworkForbidden for anyone else and CaseworkError for a closed action.
    """
    action = PlanAction.objects.select_for_update().select_related("case").get(pk=action.pk)
    if not can_plan_actions(disclosure=case_disclosure_for(user=actor, case=action.case)):
        raise CaseworkForbidden(_("Only whoever runs this case can do this."))
    if action.status != ActionStatus.OPEN:
        raise CaseworkError(_("This action is already closed."), field="status")
    check_countable_date(due_date, field="due_date")
    if action.due_date != due_date:
        previous = action.due_date
        action.due_date = due_date
        action.save(update_fields=["due_date"])
        action_reminders_schedule(action=action)
        _log_change(
            actor=actor,
            origin=origin,
            case=action.case,
            what="plan_action_rescheduled",
            action=str(action.uuid),
            previous=previous.isoformat() if previous else "",
            due=due_date.isoformat(),
        )
    return action
