"""Retention rules are data: the brief's defaults, a municipality's override, and a change
only through four eyes (proposed by the functional admin, approved by another person who
holds the privacy officer's permission)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from permissions.models import AccessAction, AccessLog, User
from permissions.tests.factories import UserFactory, signed_in
from privacy.models import RetentionRule, RuleStatus
from privacy.selectors import retention_months
from privacy.services import (
    PrivacyError,
    PrivacyForbidden,
    retention_rule_approve,
    retention_rule_propose,
    retention_rule_reject,
)


def test_the_installation_starts_with_the_briefs_defaults(db):
    active = dict(
        RetentionRule.objects.filter(status=RuleStatus.ACTIVE, municipality=None).values_list(
            "subject", "months"
        )
    )
    assert active == {
        "signal": 12,
        "referral": 12,
        "woonoverlast": 24,
        "jeugdoverlast": 24,
        "multiproblem": 24,
        "riec": 24,
    }


def test_a_municipality_override_wins_after_approval_only(actors, orgs):
    municipality = orgs["gemeente"].municipality
    rule = retention_rule_propose(
        actor=actors["beheer"], subject="woonoverlast", months=36, municipality=municipality
    )
    assert retention_months(subject="woonoverlast", municipality_id=municipality.pk) == 24

    retention_rule_approve(rule=rule, actor=actors["privacy"])

    assert retention_months(subject="woonoverlast", municipality_id=municipality.pk) == 36
    other = orgs["buurgemeente"].municipality
    assert retention_months(subject="woonoverlast", municipality_id=other.pk) == 24


def test_a_new_installation_rule_supersedes_the_old_one(actors):
    rule = retention_rule_propose(actor=actors["beheer"], subject="riec", months=60)
    retention_rule_approve(rule=rule, actor=actors["privacy"])

    assert retention_months(subject="riec", municipality_id=None) == 60
    statuses = set(
        RetentionRule.objects.filter(subject="riec", municipality=None).values_list(
            "months", "status"
        )
    )
    assert statuses == {(24, "superseded"), (60, "active")}


def test_nobody_approves_their_own_proposal(actors):
    both: User = UserFactory(  # type: ignore[assignment]
        username="beide", organisation=actors["beheer"].organisation, role="privacy_officer"
    )
    both.user_permissions.add(Permission.objects.get(codename="configure"))
    rule = retention_rule_propose(actor=both, subject="jeugdoverlast", months=18)

    with pytest.raises(PrivacyForbidden):
        retention_rule_approve(rule=rule, actor=both)
    rule.refresh_from_db()
    assert rule.status == RuleStatus.PROPOSED


@pytest.mark.parametrize("who", ["coordinator", "teamlead", "privacy", "ggz"])
def test_only_the_functional_admin_proposes(actors, who):
    with pytest.raises(PrivacyForbidden):
        retention_rule_propose(actor=actors[who], subject="riec", months=30)


@pytest.mark.parametrize("who", ["coordinator", "teamlead", "beheer"])
def test_only_the_privacy_officer_approves(actors, who):
    rule = retention_rule_propose(actor=actors["beheer"], subject="riec", months=30)
    with pytest.raises(PrivacyForbidden):
        retention_rule_approve(rule=rule, actor=actors[who])


def test_a_rejected_change_leaves_the_rule_in_force(actors):
    rule = retention_rule_propose(actor=actors["beheer"], subject="multiproblem", months=6)
    retention_rule_reject(rule=rule, actor=actors["privacy"])

    assert retention_months(subject="multiproblem", municipality_id=None) == 24
    with pytest.raises(PrivacyError):
        retention_rule_approve(rule=rule, actor=actors["privacy"])


@pytest.mark.parametrize(
    ("subject", "months"), [("signal", 13), ("riec", 0), ("riec", 241), ("x", 5)]
)
def test_periods_out_of_range_are_refused(actors, subject, months):
    with pytest.raises(PrivacyError):
        retention_rule_propose(actor=actors["beheer"], subject=subject, months=months)


def test_one_waiting_change_per_rule(actors):
    retention_rule_propose(actor=actors["beheer"], subject="riec", months=30)
    with pytest.raises(PrivacyError):
        retention_rule_propose(actor=actors["beheer"], subject="riec", months=36)


def test_proposal_and_decision_are_logged(actors):
    rule = retention_rule_propose(actor=actors["beheer"], subject="riec", months=30)
    retention_rule_approve(rule=rule, actor=actors["privacy"])

    rows = AccessLog.objects.filter(action=AccessAction.CONFIGURE, object_id=str(rule.uuid))
    assert sorted((r.actor_username, r.detail["change"]) for r in rows) == [
        ("beheer", "proposed"),
        ("privacy", "approved"),
    ]


def test_the_rules_page_walks_proposal_and_approval(actors):
    admin = signed_in(actors["beheer"])
    response = admin.post(
        "/privacy/bewaartermijnen/", {"action": "propose", "subject": "riec", "months": "30"}
    )
    assert response.status_code == 302
    rule = RetentionRule.objects.get(status=RuleStatus.PROPOSED)
    # The functional admin sees it waiting but cannot approve it.
    assert (
        admin.post(
            "/privacy/bewaartermijnen/", {"action": "approve", "rule": str(rule.uuid)}
        ).status_code
        == 403
    )

    officer = signed_in(actors["privacy"])
    page = officer.get("/privacy/bewaartermijnen/").content.decode()
    assert "Bewaartermijnen" in page and "Goedkeuren" in page
    officer.post("/privacy/bewaartermijnen/", {"action": "approve", "rule": str(rule.uuid)})

    # In a regional installation a municipality's admin changes that municipality's rule.
    municipality_id = actors["beheer"].organisation.municipality_id
    assert rule.municipality_id == municipality_id
    assert retention_months(subject="riec", municipality_id=municipality_id) == 30
    assert retention_months(subject="riec", municipality_id=None) == 24
    assert signed_in(actors["coordinator"]).get("/privacy/bewaartermijnen/").status_code == 403
