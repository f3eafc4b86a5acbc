"""The world the authorization matrix asks about: one actor per row, one object per situation.

Built once per test module through the services, as production builds it. Every object a
URL parameter can point at exists once per situation of ``permissions.matrix``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from casework.models import CaseType, Confidentiality, MeetingType
from casework.services import CaseworkError, case_break_glass, case_escalate_to_zvh
from casework.services.actions import plan_action_add
from casework.services.meetings import meeting_plan, meeting_types_ensure_defaults
from casework.tests.factories import invite, make_case
from notifications.models import Notification
from permissions.constants import OrganisationType as T
from permissions.constants import RoleSlug as R
from permissions.matrix import ACTORS, ANONYMOUS
from permissions.services import api_token_issue, roles_ensure_defaults
from permissions.tests.factories import make_organisation, make_user
from signals.services import categories_ensure_defaults
from signals.tests.factories import make_signal, wijk_of

ABSENT = "00000000-0000-4000-8000-000000000000"

PARTNERS = ("politie", "ggz", "corporatie")


@dataclass
class World:
    orgs: dict[str, Any]
    users: dict[str, Any]
    tokens: dict[str, str]
    cases: dict[str, Any]
    participations: dict[str, str] = field(default_factory=dict)
    meetings: dict[str, str] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    signals: dict[str, str] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)
    notifications: dict[str, int] = field(default_factory=dict)

    def kwargs(self, obj: str, actor: str, situation: str) -> dict[str, Any]:
        """The URL parameters that point at ``situation``'s object, as ``actor`` asks."""
        if obj in {"case", "meeting", "action"}:
            case = self.cases.get(situation)
            return {
                "case_id": str(case.uuid) if case is not None else ABSENT,
                "participation_id": self.participations.get(situation, ABSENT),
                "meeting_id": self.meetings.get(situation, ABSENT),
                "item_id": self.items.get(situation, ABSENT),
                "action_id": self.actions.get(situation, ABSENT),
            }
        if obj == "signal":
            return {"signal_id": self.signals.get(situation, ABSENT)}
        if obj == "person":
            return {"person_id": self.persons.get(situation, ABSENT)}
        if obj == "notification":
            if situation == "own":
                return {"notification_id": self.notifications.get(actor, 999_999)}
            if situation == "someone_else":
                other = "teamlead" if actor == "coordinator" else "coordinator"
                return {"notification_id": self.notifications[other]}
            return {"notification_id": 999_999}
        return {}


def build_world() -> World:
    categories_ensure_defaults()
    roles_ensure_defaults()
    orgs = {
        "gemeente": make_organisation(name="Gemeente A (matrix)", type=T.GEMEENTE),
        "buurgemeente": make_organisation(name="Gemeente B (matrix)", type=T.GEMEENTE),
        "politie": make_organisation(name="Politie (matrix)", type=T.POLITIE),
        "ggz": make_organisation(name="GGZ (matrix)", type=T.GGZ),
        "corporatie": make_organisation(name="Woonstichting (matrix)", type=T.WONINGCORPORATIE),
        "jongerenwerk": make_organisation(name="Jongerenwerk (matrix)", type=T.JONGERENWERK),
        "zvh": make_organisation(name="ZVH (matrix)", type=T.ZVH),
    }
    users: dict[str, Any] = {}
    for actor in ACTORS:
        if actor.key == ANONYMOUS or actor.role is None:
            continue
        users[actor.key] = make_user(
            username=f"m-{actor.key}",
            organisation=orgs[actor.organisation],
            role=actor.role,
            is_demo=True,  # the matrix is about access, not about signing in
        )
    colleague = make_user(username="m-colleague", organisation=orgs["gemeente"], role=R.COORDINATOR)
    tokens = {key: api_token_issue(user=user) for key, user in users.items()}

    a, b = orgs["gemeente"], orgs["buurgemeente"]
    coordinator, teamlead = users["coordinator"], users["teamlead"]
    cases: dict[str, Any] = {
        "participating": make_case(owner=a, coordinator=coordinator),
        "not_participating": make_case(owner=a, coordinator=coordinator),
        "ended": make_case(owner=a, coordinator=coordinator),
        "highest": make_case(
            owner=a,
            coordinator=colleague,
            case_type=CaseType.RIEC,
            confidentiality=Confidentiality.HIGHEST,
        ),
        "break_glass": make_case(
            owner=a,
            coordinator=colleague,
            case_type=CaseType.RIEC,
            confidentiality=Confidentiality.HIGHEST,
        ),
        "other_municipality": make_case(owner=b, coordinator=users["buurcoordinator"]),
        "escalated": make_case(owner=a, coordinator=coordinator, case_type=CaseType.MULTIPROBLEM),
    }
    world = World(orgs=orgs, users=users, tokens=tokens, cases=cases)
    for name in PARTNERS:
        participation = invite(cases["participating"], orgs[name], coordinator)
        if name == "politie":
            world.participations["participating"] = str(participation.uuid)
        invite(cases["ended"], orgs[name], coordinator, ended=True)
    police_b = invite(cases["other_municipality"], orgs["politie"], users["buurcoordinator"])
    world.participations["other_municipality"] = str(police_b.uuid)
    case_break_glass(
        user=coordinator,
        case_id=cases["break_glass"].uuid,
        reason="Acute dreiging; de genoemde coördinator is afwezig.",
    )
    case_escalate_to_zvh(case=cases["escalated"], approved_by=teamlead)

    runner = {s: coordinator for s in cases}
    runner.update(
        highest=colleague, break_glass=colleague, other_municipality=users["buurcoordinator"]
    )
    next_week = timezone.now() + datetime.timedelta(days=7)
    for situation, case in cases.items():
        meeting_types_ensure_defaults(municipality=case.municipality)
        meeting_type = MeetingType.objects.filter(municipality=case.municipality).first()
        assert meeting_type is not None
        meeting = meeting_plan(
            actor=runner[situation], meeting_type=meeting_type, starts_at=next_week, cases=[case]
        )
        world.meetings[situation] = str(meeting.uuid)
        item = meeting.items.first()
        if item is not None:
            world.items[situation] = str(item.uuid)
        police = str(world.participations.get(situation, "")) != ""
        try:
            action = plan_action_add(
                case=case,
                actor=runner[situation],
                title="Huisbezoek afleggen",
                owner_organisation=orgs["politie"] if police else case.owner,
                due_date=timezone.localdate() + datetime.timedelta(days=14),
            )
        except CaseworkError:
            continue
        world.actions[situation] = str(action.uuid)

    world.signals["own_municipality"] = str(make_signal(users["boa"]).uuid)
    world.signals["other_municipality"] = str(
        make_signal(users["wijkagent"], wijk=wijk_of(cases["other_municipality"].municipality)).uuid
    )
    subject = cases["participating"].case_persons.select_related("person").first()
    world.persons["known"] = str(subject.person.uuid)
    for key, user in users.items():
        note = Notification.objects.create(
            recipient=user, title="Matrix", link=f"/acties/?n={uuid.uuid4().hex[:6]}"
        )
        world.notifications[key] = note.pk
    return world


@contextmanager
def world_rolled_back(django_db_blocker: Any) -> Iterator[World]:
    """The world, inside one transaction that is rolled back afterwards: the body of a
    module-scoped fixture, so a module builds it once and leaves nothing behind."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
