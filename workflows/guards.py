"""Guards of the transitions: each returns None, or a message a coordinator understands.

A guard sees the case only through ``CaseFacts``, which the casework app fills in from the
database; this module imports no other app, so every rule here is a pure function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class CaseFacts:
    """What the guards may know about a case at the moment of a transition."""

    today: date
    performer_id: int
    partners_with_basis: tuple[str, ...] = ()
    partner_types: tuple[str, ...] = ()
    partners_without_basis: tuple[str, ...] = ()
    proposed_partners_missing: tuple[str, ...] = ()
    signal_count: int = 0
    zienswijze_deadline: date | None = None
    zienswijze_recorded: bool = False
    casusregisseur_named: bool = False
    plan_actions: int = 0
    plan_actions_incomplete: int = 0
    referral_missing: tuple[str, ...] = ()
    inbreng_requested_by_id: int | None = None
    inbreng_prepared: bool = False
    inputs: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[CaseFacts], str | None]


def legal_basis_for_every_partner(facts: CaseFacts) -> str | None:
    """Entering a state that shares data: every partner involved has a recorded grondslag."""
    missing = list(facts.partners_without_basis) + list(facts.proposed_partners_missing)
    if missing:
        return _("No legal basis (grondslag) has been recorded yet for %(orgs)s.") % {
            "orgs": ", ".join(missing)
        }
    return None


YOUTH_CORE_PARTNERS = {"politie": "de politie", "om": "het OM", "jongerenwerk": "het jongerenwerk"}


def youth_core_partners(facts: CaseFacts) -> str | None:
    """In a youth-group case the police, the OM and youth work always take part."""
    missing = [
        label for kind, label in YOUTH_CORE_PARTNERS.items() if kind not in facts.partner_types
    ]
    if missing:
        return _("In a youth-group case %(partners)s always take part; invite them first.") % {
            "partners": ", ".join(missing)
        }
    return None


def two_partners_with_basis(facts: CaseFacts) -> str | None:
    """A casusoverleg needs at least two partner organisations with a legal basis."""
    count = len(facts.partners_with_basis)
    if count < 2:
        return ngettext(
            "A casusoverleg needs at least 2 partner organisations with a legal basis; "
            "%(count)d takes part.",
            "A casusoverleg needs at least 2 partner organisations with a legal basis; "
            "%(count)d take part.",
            count,
        ) % {"count": count}
    return None


def repeated_nuisance(facts: CaseFacts) -> str | None:
    """A warning needs a dossier that shows repeated nuisance: at least two linked signals."""
    if facts.signal_count < 2:
        return _(
            "A warning needs repeated nuisance in the dossier: at least 2 linked signals "
            "(now %(count)d)."
        ) % {"count": facts.signal_count}
    return None


def zienswijze_done(facts: CaseFacts) -> str | None:
    """No gedragsaanwijzing before the zienswijze deadline passed or a zienswijze came in."""
    if facts.zienswijze_recorded:
        return None
    if facts.zienswijze_deadline is None:
        return _("No zienswijze period has been started for this case.")
    if facts.today <= facts.zienswijze_deadline:
        return _(
            "The person may respond (zienswijze) until %(date)s; record their zienswijze or "
            "wait until that date has passed."
        ) % {"date": facts.zienswijze_deadline.strftime("%d-%m-%Y")}
    return None


def plan_complete(facts: CaseFacts) -> str | None:
    """A plan van aanpak has actions, each with an owner organisation and a deadline."""
    if facts.plan_actions == 0:
        return _("The plan van aanpak has no actions yet.")
    if facts.plan_actions_incomplete:
        return ngettext(
            "%(count)d action of the plan has no owner organisation or deadline.",
            "%(count)d actions of the plan have no owner organisation or deadline.",
            facts.plan_actions_incomplete,
        ) % {"count": facts.plan_actions_incomplete}
    return None


def casusregisseur_named(facts: CaseFacts) -> str | None:
    """The casusregisseur (a named professional at a partner) owns the plan's content."""
    if not facts.casusregisseur_named:
        return _("Name the casusregisseur first.")
    return None


def referral_complete(facts: CaseFacts) -> str | None:
    """A referral names the reason, the goal, the partners, and whether it was discussed."""
    if facts.referral_missing:
        return _("The referral is incomplete: %(fields)s.") % {
            "fields": ", ".join(facts.referral_missing)
        }
    return None


def inbreng_prepared(facts: CaseFacts) -> str | None:
    """Four eyes need something to look at: a prepared, not yet sealed inbreng."""
    if not facts.inbreng_prepared:
        return _("Prepare what will be brought in at the RIEC first.")
    return None


def second_person(facts: CaseFacts) -> str | None:
    """Four eyes: the approver is not the person who prepared the step."""
    if facts.inbreng_requested_by_id is None:
        return _("Nobody has asked for this step yet.")
    if facts.inbreng_requested_by_id == facts.performer_id:
        return _("A second person must approve this step; you prepared it yourself.")
    return None
