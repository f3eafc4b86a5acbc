"""Reads of multiproblem referrals (aanmeldingen): what is missing, who may complete them, and
which referrers to remind before the weekly triage cut-off (domain brief 3.3 and 6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from casework.models import Case, CaseType, Referral
from permissions.constants import FieldGroup
from permissions.models import AccessAction, Organisation
from permissions.services import AccessEvent, access_log_record

from .cases import case_disclosure_for, case_not_found, parse_uuid

# The state in which a referral is still being made; the referrer may complete it only here.
REFERRAL_STATE = "aanmelding"


def referral_missing(referral: Referral) -> tuple[str, ...]:
    """What the referral still lacks before it can go to triage (the ``triageren`` guard)."""
    if referral.pk is None:
        return referral_missing_all()
    missing = []
    if not referral.reason:
        missing.append(_("reason"))
    if not referral.goal:
        missing.append(_("goal"))
    if not referral.proposed_partners.all():
        missing.append(_("partners"))
    if referral.discussed_with_person is None:
        missing.append(_("discussed with the person"))
    elif referral.discussed_with_person is False and not referral.not_discussed_reason:
        missing.append(_("why it was not discussed with the person"))
    return tuple(missing)


def referral_may_edit(*, user: Any, case: Case, referral: Referral | None) -> bool:
    """Whoever runs the case may record its referral; the referrer may complete their own
    referral while the case is still in aanmelding (they wrote it; they see nothing else)."""
    if case.case_type != CaseType.MULTIPROBLEM or case.destroyed_at is not None:
        return False
    if (
        referral is not None
        and referral.referred_by_id is not None
        and referral.referred_by_id == getattr(user, "pk", None)
        and case.state == REFERRAL_STATE
        and getattr(user, "is_active", False)
    ):
        return True
    return case_disclosure_for(user=user, case=case).runs_case


def _with_referral(queryset: Any) -> Any:
    partners = Prefetch(
        "referral__proposed_partners", queryset=Organisation.objects.order_by("name")
    )
    return queryset.select_related(
        "referral", "referral__referred_by", "coordinator"
    ).prefetch_related(partners)


@dataclass(frozen=True)
class ReferralView:
    case: Case
    referral: Referral
    missing: tuple[str, ...]


def referral_get_for(*, user: Any, case_id: Any, origin: str | None = None) -> ReferralView:
    """The referral of the case ``case_id`` for the one completing it, its reading logged.

    Raises CaseNotFound, identically, when the case is absent, not a multiproblem case, or
    ``user`` may not edit its referral (the attempt is logged as denied).
    """
    parsed = parse_uuid(case_id)
    case = (
        _with_referral(Case.objects.filter(uuid=parsed, case_type=CaseType.MULTIPROBLEM)).first()
        if parsed is not None
        else None
    )
    referral = getattr(case, "referral", None) if case is not None else None
    if case is None or not referral_may_edit(user=user, case=case, referral=referral):
        case_not_found(user=user, case_id=case_id, origin=origin)
    if referral is None:
        referral = Referral(case=case)
    access_log_record(
        actor=user,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.READ_CASE,
                object_type="case",
                object_id=str(case.uuid),
                field_groups=(FieldGroup.CARE.value,),
                detail={"reference": case.reference, "what": "referral"},
            )
        ],
    )
    return ReferralView(case=case, referral=referral, missing=referral_missing(referral))


def referrals_open_of(*, user: Any) -> list[ReferralView]:
    """The referrals ``user`` made that are still in aanmelding, newest first. Their content
    is not read here: the list shows the reference, the date and what is missing."""
    cases = _with_referral(
        Case.objects.filter(
            case_type=CaseType.MULTIPROBLEM,
            state=REFERRAL_STATE,
            destroyed_at__isnull=True,
            referral__referred_by=user,
        )
    ).order_by("-opened_at")[:100]
    return [ReferralView(c, c.referral, referral_missing(c.referral)) for c in cases]


def referrals_incomplete(*, municipality_id: int) -> list[ReferralView]:
    """The municipality's referrals in aanmelding that cannot go to triage yet."""
    cases = _with_referral(
        Case.objects.filter(
            municipality_id=municipality_id,
            case_type=CaseType.MULTIPROBLEM,
            state=REFERRAL_STATE,
            destroyed_at__isnull=True,
        )
    ).order_by("opened_at")
    views = []
    for case in cases:
        referral = getattr(case, "referral", None) or Referral(case=case)
        missing = referral_missing(referral)
        if missing:
            views.append(ReferralView(case, referral, missing))
    return views


def referral_missing_all() -> tuple[str, ...]:
    """What a case without any referral lacks."""
    return (_("reason"), _("goal"), _("partners"), _("discussed with the person"))


def referrer_of(view: ReferralView) -> Any:
    """Who is reminded of an incomplete referral: its referrer, else the case's coordinator."""
    referrer = view.referral.referred_by if view.referral.pk else None
    if referrer is not None and referrer.is_active:
        return referrer
    return view.case.coordinator
