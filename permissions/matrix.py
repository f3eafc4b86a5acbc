"""The authorization matrix: who gets which answer from every page and API endpoint.

One declarative table, read two ways: ``tests/authz/test_matrix.py`` requests every cell
(every URL pattern the project serves, by method, actor and situation) and compares the status,
and ``python manage.py authz_matrix --write docs/permissions.md`` renders the same table as
documentation. A URL pattern without an entry here fails the test, so the matrix is complete
by construction.

The rules are written from the domain brief (docs: who may see what), not read off the
code: where the product disagreed, the product was fixed. Expected answers are HTTP statuses:
200/201/204 allowed, 302 a redirect (after a form post, to the sign-in page for a signed-out
visitor), 400 allowed past the access check but the (deliberately minimal) body is refused,
401 signed out (API), 403 known but not allowed, 404 hidden (absent and forbidden look the
same), 405 method not allowed.

This module holds data only and imports no other app (the permissions app's contract).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .constants import DEFAULT_ROLES, Perm, RoleSlug

# --- Actors -------------------------------------------------------------------------------

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Actor:
    key: str
    role: RoleSlug | None
    organisation: str
    description: str


ACTORS: tuple[Actor, ...] = (
    Actor(ANONYMOUS, None, "", "signed-out visitor"),
    Actor("coordinator", RoleSlug.COORDINATOR, "gemeente", "coordinator, Gemeente A"),
    Actor("teamlead", RoleSlug.TEAM_LEAD, "gemeente", "team lead, Gemeente A"),
    Actor("boa", RoleSlug.BOA, "gemeente", "boa, Gemeente A"),
    Actor("wijkagent", RoleSlug.WIJKAGENT, "politie", "wijkagent, regional police"),
    Actor("corporatie", RoleSlug.PARTNER, "corporatie", "partner, housing corporation"),
    Actor("ggz", RoleSlug.PARTNER, "ggz", "partner, GGZ"),
    Actor("jongerenwerk", RoleSlug.PARTNER, "jongerenwerk", "partner, youth work"),
    Actor("privacy", RoleSlug.PRIVACY_OFFICER, "gemeente", "privacy officer, Gemeente A"),
    Actor("beheer", RoleSlug.FUNCTIONAL_ADMIN, "gemeente", "functional admin, Gemeente A"),
    Actor("zvh", RoleSlug.ZVH_PROCESREGISSEUR, "zvh", "ZVH procesregisseur (regional)"),
    Actor("buurcoordinator", RoleSlug.COORDINATOR, "buurgemeente", "coordinator, Gemeente B"),
)
ACTOR_KEYS = tuple(a.key for a in ACTORS)
_ROLE_OF = {a.key: a.role for a in ACTORS}


def holds(actor: str, perm: Perm) -> bool:
    """The actor's role grants ``perm`` by default (roles are data: constants.DEFAULT_ROLES)."""
    role = _ROLE_OF[actor]
    return role is not None and perm in DEFAULT_ROLES[role][1]


# --- Situations ---------------------------------------------------------------------------

# The cases every case-bound endpoint is asked about. Gemeente A runs all but one.
CASE_SITUATIONS: dict[str, str] = {
    "participating": "case of A; police, GGZ and the corporation take part",
    "not_participating": "case of A; no partner takes part",
    "ended": "case of A; the partners' participation has ended",
    "highest": "RIEC case of A at the highest confidentiality, another coordinator named",
    "break_glass": "as highest, and the coordinator broke the glass",
    "other_municipality": "case of Gemeente B; the (regional) police takes part",
    "escalated": "case of A escalated to the regional Zorg- en Veiligheidshuis",
    "absent": "an id that does not exist",
}
SIGNAL_SITUATIONS: dict[str, str] = {
    "own_municipality": "signal in A, filed by the boa",
    "other_municipality": "signal in B, filed by the wijkagent",
    "absent": "an id that does not exist",
}
PERSON_SITUATIONS: dict[str, str] = {
    "known": "the subject of a case",
    "absent": "an id that does not exist",
}
NOTIFICATION_SITUATIONS: dict[str, str] = {
    "own": "the actor's own notification",
    "someone_else": "another user's notification",
    "absent": "an id that does not exist",
}
NO_SITUATION = {"-": "no object"}

SITUATIONS_BY_OBJECT: dict[str, dict[str, str]] = {
    "": NO_SITUATION,
    "case": CASE_SITUATIONS,
    "meeting": CASE_SITUATIONS,  # a meeting of the case's municipality with the case on it
    "action": CASE_SITUATIONS,  # a plan action on the case
    "signal": SIGNAL_SITUATIONS,
    "person": PERSON_SITUATIONS,
    "notification": NOTIFICATION_SITUATIONS,
}

_A = ("participating", "not_participating", "ended", "highest", "break_glass", "escalated")
_A_OPEN = ("participating", "not_participating", "ended", "escalated")

# Need-to-know (domain brief, "who sees what"): which case situations each actor may see.
SEES: dict[str, frozenset[str]] = {
    "coordinator": frozenset({*_A_OPEN, "break_glass"}),
    "teamlead": frozenset(_A),
    "wijkagent": frozenset({"participating", "other_municipality"}),
    "corporatie": frozenset({"participating"}),
    "ggz": frozenset({"participating"}),
    "zvh": frozenset({"escalated"}),
    "buurcoordinator": frozenset({"other_municipality"}),
}
POLICE_TAKES_PART = frozenset({"participating", "other_municipality"})
# Who runs the case (procesregie): manages partners, plans actions, starts clocks.
RUNS: dict[str, frozenset[str]] = {
    "coordinator": SEES["coordinator"],
    "teamlead": SEES["teamlead"],
    "buurcoordinator": SEES["buurcoordinator"],
}
# Who may break the glass of which case (a coordinator of its municipality, highest only).
GLASS: dict[str, frozenset[str]] = {"coordinator": frozenset({"highest", "break_glass"})}
# Who plans and minutes the meetings of the case's municipality.
MANAGES_MEETINGS: dict[str, frozenset[str]] = {
    "coordinator": frozenset(_A),
    "teamlead": frozenset(_A),
    "buurcoordinator": frozenset({"other_municipality"}),
}
# A partner sees a meeting through the agenda items of the cases its organisation takes
# part in; only the police's actions exist on partner cases (owned by the police).
ACTION_OWNER_SEES: dict[str, frozenset[str]] = {
    "wijkagent": frozenset({"participating", "other_municipality"}),
}
# Signals: the triaging staff of the municipality see all of it, the reporter its status.
SIGNAL_FULL: dict[str, frozenset[str]] = {
    "coordinator": frozenset({"own_municipality"}),
    "teamlead": frozenset({"own_municipality"}),
    "buurcoordinator": frozenset({"other_municipality"}),
}
SIGNAL_STATUS: dict[str, frozenset[str]] = {
    "boa": frozenset({"own_municipality"}),
    "wijkagent": frozenset({"other_municipality"}),
}


def sees(actor: str, situation: str) -> bool:
    return situation in SEES.get(actor, frozenset())


def runs(actor: str, situation: str) -> bool:
    return situation in RUNS.get(actor, frozenset())


def manages_meeting(actor: str, situation: str) -> bool:
    return situation in MANAGES_MEETINGS.get(actor, frozenset())


def sees_meeting(actor: str, situation: str) -> bool:
    """Meeting managers see the whole meeting; a participant sees it through its item."""
    return manages_meeting(actor, situation) or (
        sees(actor, situation) and actor not in RUNS and actor != "zvh"
    )


def sees_item(actor: str, situation: str) -> bool:
    """The agenda item on the case: its municipality's managers who see the case."""
    return manages_meeting(actor, situation) and sees(actor, situation)


def sees_action(actor: str, situation: str) -> bool:
    return runs(actor, situation) or situation in ACTION_OWNER_SEES.get(actor, frozenset())


# --- Rules --------------------------------------------------------------------------------

Rule = Callable[[str, str], int]


def always(status: int) -> Rule:
    return lambda actor, situation: status


def with_perm(perm: Perm, status: int = 200, otherwise: int = 403) -> Rule:
    return lambda actor, situation: status if holds(actor, perm) else otherwise


def with_any_perm(perms: tuple[Perm, ...], status: int = 200, otherwise: int = 403) -> Rule:
    return lambda actor, situation: status if any(holds(actor, p) for p in perms) else otherwise


def case_read(status: int = 200) -> Rule:
    return lambda actor, situation: status if sees(actor, situation) else 404


def case_run(status: int) -> Rule:
    """Allowed to whoever runs the case, 403 to other viewers, 404 to everyone else."""

    def rule(actor: str, situation: str) -> int:
        if runs(actor, situation):
            return status
        return 403 if sees(actor, situation) else 404

    return rule


def participant_end_rule(status: int) -> Rule:
    """Ending the police's participation: 404 where it has no active one."""

    def rule(actor: str, situation: str) -> int:
        if runs(actor, situation) and situation not in POLICE_TAKES_PART:
            return 404
        return case_run(status)(actor, situation)

    return rule


def glass_rule(status: int) -> Rule:
    """Breaking the glass: a coordinator of the case's own municipality, confidential case."""
    return lambda actor, situation: status if situation in GLASS.get(actor, ()) else 404


def meeting_read(status: int = 200) -> Rule:
    return lambda actor, situation: status if sees_meeting(actor, situation) else 404


def meeting_manage(status: int) -> Rule:
    def rule(actor: str, situation: str) -> int:
        if manages_meeting(actor, situation):
            return status
        return 403 if sees_meeting(actor, situation) else 404

    return rule


def item_manage(status: int) -> Rule:
    """Minutes and actions on an agenda item: the meeting's managers who see the item."""

    def rule(actor: str, situation: str) -> int:
        if sees_item(actor, situation):
            return status
        invited = sees_meeting(actor, situation) and not manages_meeting(actor, situation)
        return 403 if invited else 404

    return rule


def action_rule(status: int) -> Rule:
    return lambda actor, situation: status if sees_action(actor, situation) else 404


# The only multiproblem case of the situations: its referral exists (made by its coordinator).
MULTIPROBLEM_SITUATIONS = frozenset({"escalated"})


def referral_rule(status: int) -> Rule:
    """A referral: whoever runs the multiproblem case, or its referrer while in aanmelding
    (here the referrer is the coordinator, who runs it too); 404 for anyone else."""

    def rule(actor: str, situation: str) -> int:
        return status if situation in MULTIPROBLEM_SITUATIONS and runs(actor, situation) else 404

    return rule


def signal_rule(full: int, status_only: int) -> Rule:
    def rule(actor: str, situation: str) -> int:
        if situation in SIGNAL_FULL.get(actor, frozenset()):
            return full
        if situation in SIGNAL_STATUS.get(actor, frozenset()):
            return status_only
        return 404

    return rule


def person_rule(perm: Perm, status: int = 200, otherwise: int = 403) -> Rule:
    def rule(actor: str, situation: str) -> int:
        if not holds(actor, perm):
            return otherwise
        return status if situation == "known" else 404

    return rule


def notification_rule(status: int) -> Rule:
    return lambda actor, situation: status if situation == "own" else 404


# --- The table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern: how it is reached and who gets what.

    ``kind`` html: a signed-out visitor is sent to sign in (302); api: answers 401; open:
    the rules apply to the signed-out visitor too. ``obj`` names the object the URL's
    parameters point at (its situations are asked). ``methods`` maps method → rule;
    ``query`` is appended to the URL; ``bodies`` gives the body a method sends.
    """

    name: str
    kind: str
    methods: dict[str, Rule]
    obj: str = ""
    query: str = ""
    bodies: dict[str, dict[str, object]] = field(default_factory=dict)
    note: str = ""


ADMIN_NOTE = "Django admin: no role is staff; every request is sent to sign in."

F, S, C = Perm.FILE_SIGNAL, Perm.TRIAGE_SIGNALS, Perm.CONFIGURE

ENDPOINTS: tuple[Endpoint, ...] = (
    # Project pages
    Endpoint("home", "html", {"GET": always(200)}),
    Endpoint("healthz", "open", {"GET": always(200)}, note="no authentication (api.md)"),
    # Sign-in and two factors
    Endpoint(
        "permissions:login",
        "open",
        {"GET": lambda a, s: 200 if a == ANONYMOUS else 302},
        note="signed-in people are sent on",
    ),
    Endpoint("permissions:otp_verify", "html", {"GET": always(302)}, note="demo actors"),
    Endpoint("permissions:otp_enrol", "html", {"GET": always(200)}),
    Endpoint(
        "permissions:logout", "open", {"GET": always(405), "POST": always(302)}, note="POST only"
    ),
    Endpoint("permissions:access_log", "html", {"GET": with_perm(Perm.VIEW_ACCESS_LOG)}),
    Endpoint(
        "permissions:sharing_matrix",
        "html",
        {
            "GET": with_any_perm((C, Perm.VIEW_ACCESS_LOG)),
            "POST": with_perm(C, 302),
        },
        note="the privacy officer reviews, the functional admin changes",
    ),
    # Cases
    Endpoint("casework:case_list", "html", {"GET": always(200)}, note="filtered to what one sees"),
    Endpoint("casework:case_detail", "html", {"GET": case_read()}, obj="case"),
    Endpoint(
        "casework:participant_add",
        "html",
        {"GET": always(405), "POST": case_run(302)},
        obj="case",
    ),
    Endpoint(
        "casework:participant_end",
        "html",
        {"GET": always(405), "POST": case_run(302)},
        obj="case",
        note="ends the police's participation, where it has one",
    ),
    Endpoint(
        "casework:break_glass",
        "html",
        {
            "GET": with_perm(Perm.BREAK_GLASS, 200, 404),
            "POST": glass_rule(302),
        },
        obj="case",
        bodies={"POST": {"reason": "Spoedoverleg met politie over acute dreiging."}},
        note="only a coordinator of the case's municipality, on a confidential case",
    ),
    Endpoint(
        "casework:case_step",
        "html",
        {"GET": always(405), "POST": case_run(302)},
        obj="case",
        bodies={"POST": {"transition": "no-such-step"}},
        note="only whoever runs the case takes steps; an unknown step is refused with a message",
    ),
    # Meetings and actions
    Endpoint(
        "casework:meeting_list",
        "html",
        {"GET": always(200), "POST": with_perm(Perm.MANAGE_MEETINGS, 200)},
        note="POST plans a meeting (the empty form is shown again)",
    ),
    Endpoint("casework:meeting_detail", "html", {"GET": meeting_read()}, obj="meeting"),
    Endpoint("casework:meeting_print", "html", {"GET": meeting_read()}, obj="meeting"),
    Endpoint("casework:agenda_add", "html", {"POST": meeting_manage(302)}, obj="meeting"),
    Endpoint("casework:meeting_freeze", "html", {"POST": meeting_manage(302)}, obj="meeting"),
    Endpoint("casework:meeting_complete", "html", {"POST": meeting_manage(302)}, obj="meeting"),
    Endpoint("casework:minutes_save", "html", {"POST": item_manage(302)}, obj="meeting"),
    Endpoint("casework:action_add", "html", {"POST": item_manage(302)}, obj="meeting"),
    Endpoint("casework:my_actions", "html", {"GET": always(200)}),
    Endpoint(
        "casework:referral_list", "html", {"GET": always(200)}, note="one's own referrals only"
    ),
    Endpoint(
        "casework:referral_edit",
        "html",
        {"GET": referral_rule(200), "POST": referral_rule(302)},
        obj="case",
        note="multiproblem cases only; not a case page: the referral alone",
    ),
    Endpoint(
        "casework:action_close",
        "html",
        {"POST": action_rule(302)},
        obj="action",
        bodies={"POST": {"status": "done", "note": "Gedaan."}},
    ),
    # Signals
    Endpoint(
        "signals:new",
        "html",
        {"GET": with_perm(F), "POST": with_perm(F, 400)},
        note="POST with an empty form: past the access check, refused as invalid",
    ),
    Endpoint(
        "signals:categories",
        "html",
        {"GET": with_perm(C), "POST": with_perm(C, 400)},
        bodies={"POST": {"action": "add"}},
        note="POST adds a category (an empty one is shown again with errors)",
    ),
    Endpoint("signals:mine", "html", {"GET": always(200)}),
    Endpoint(
        "signals:inbox", "html", {"GET": with_perm(S, 200, 404)}, note="hidden unless one triages"
    ),
    Endpoint("signals:bundle", "html", {"POST": with_perm(S, 302, 404)}),
    Endpoint("signals:detail", "html", {"GET": signal_rule(200, 404)}, obj="signal"),
    Endpoint("signals:receipt", "html", {"GET": signal_rule(200, 200)}, obj="signal"),
    Endpoint("signals:triage", "html", {"POST": signal_rule(302, 404)}, obj="signal"),
    # Notifications
    Endpoint("notifications:list", "html", {"GET": always(200)}),
    Endpoint("notifications:mark_all_read", "html", {"GET": always(405), "POST": always(302)}),
    Endpoint("notifications:preferences", "html", {"GET": always(200), "POST": always(200)}),
    Endpoint("notifications:open", "html", {"GET": notification_rule(302)}, obj="notification"),
    # Dashboard
    Endpoint("dashboard:dashboard", "html", {"GET": with_perm(Perm.VIEW_DASHBOARD)}),
    Endpoint("dashboard:council", "html", {"GET": with_perm(Perm.VIEW_DASHBOARD)}),
    Endpoint(
        "dashboard:region",
        "html",
        {"GET": with_any_perm((Perm.VIEW_DASHBOARD, Perm.VIEW_REGION_ESCALATIONS))},
        note="aggregates per municipality of one's region, suppressed",
    ),
    # Privacy
    Endpoint("privacy:person_search", "html", {"GET": with_perm(Perm.HANDLE_SUBJECT_REQUESTS)}),
    Endpoint(
        "privacy:person_requests",
        "html",
        {"GET": person_rule(Perm.HANDLE_SUBJECT_REQUESTS)},
        obj="person",
    ),
    Endpoint(
        "privacy:export", "html", {"GET": person_rule(Perm.HANDLE_SUBJECT_REQUESTS)}, obj="person"
    ),
    Endpoint(
        "privacy:retention_rules",
        "html",
        {"GET": with_any_perm((C, Perm.APPROVE_RETENTION_RULES))},
    ),
    Endpoint("privacy:destruction_proposals", "html", {"GET": with_perm(Perm.APPROVE_DESTRUCTION)}),
    # API: who am I, organisations, access log
    Endpoint("api-me", "api", {"GET": always(200)}),
    Endpoint("api-organisations", "api", {"GET": with_perm(Perm.LIST_ORGANISATIONS)}),
    Endpoint(
        "api-person-access-log",
        "api",
        {"GET": with_perm(Perm.VIEW_ACCESS_LOG)},
        obj="person",
        note="an unknown person has an empty log",
    ),
    Endpoint(
        "api-access-log",
        "api",
        {"GET": with_perm(Perm.VIEW_ACCESS_LOG)},
        query="username=coordinator",
    ),
    # API: meetings and actions
    Endpoint(
        "api-meetings",
        "api",
        {"GET": always(200), "POST": with_perm(Perm.MANAGE_MEETINGS, 400)},
        note="POST with an empty body: past the access check, refused as invalid",
    ),
    Endpoint(
        "api-meeting",
        "api",
        {"GET": meeting_read(), "PATCH": meeting_manage(200)},
        obj="meeting",
        bodies={"PATCH": {"location": "Stadhuis, kamer 3"}},
    ),
    Endpoint("api-meeting-items", "api", {"POST": meeting_manage(400)}, obj="meeting"),
    Endpoint(
        "api-meeting-minutes",
        "api",
        {"PUT": item_manage(200)},
        obj="meeting",
        bodies={"PUT": {"picture": "Beeld.", "judgement": "Oordeel.", "decision": "Besluit."}},
    ),
    Endpoint("api-meeting-freeze", "api", {"POST": meeting_manage(200)}, obj="meeting"),
    Endpoint("api-meeting-complete", "api", {"POST": meeting_manage(400)}, obj="meeting"),
    Endpoint(
        "api-case-actions",
        "api",
        {"GET": case_read(), "POST": case_run(400)},
        obj="case",
    ),
    Endpoint(
        "api-action",
        "api",
        {"PATCH": action_rule(400)},
        obj="action",
    ),
    Endpoint("api-my-actions", "api", {"GET": always(200)}),
    # API: cases
    Endpoint("api-cases", "api", {"GET": always(200)}, note="filtered to what one sees"),
    Endpoint("api-case", "api", {"GET": case_read()}, obj="case"),
    Endpoint(
        "api-case-participants",
        "api",
        {
            "GET": case_run(200),
            "POST": lambda a, s: (
                (400 if s in {"highest", "break_glass"} else 201)
                if runs(a, s)
                else case_run(201)(a, s)
            ),
        },
        obj="case",
        bodies={"POST": {"organisation": "<jongerenwerk>", "legal_basis": "Art. 5 convenant"}},
        note="partners are never invited to a case at the highest confidentiality",
    ),
    Endpoint(
        "api-case-participant",
        "api",
        {"DELETE": lambda a, s: participant_end_rule(204)(a, s)},
        obj="case",
        note="ends the police's participation (404 where it has none)",
    ),
    Endpoint(
        "api-case-transitions",
        "api",
        {"GET": case_read(), "POST": case_run(400)},
        obj="case",
        bodies={"POST": {"transition": "no-such-step"}},
        note="a viewer who does not run the case is refused whatever step is named",
    ),
    Endpoint("api-case-history", "api", {"GET": case_read()}, obj="case"),
    Endpoint(
        "api-case-clocks",
        "api",
        {"POST": case_run(400)},
        obj="case",
        bodies={"POST": {"clock": "no-such-clock"}},
    ),
    Endpoint("api-case-care-track", "api", {"POST": case_run(400)}, obj="case"),
    Endpoint(
        "api-case-linked",
        "api",
        {"POST": case_run(201)},
        obj="case",
        bodies={"POST": {"case_type": "multiproblem"}},
    ),
    Endpoint(
        "api-case-break-glass",
        "api",
        {"POST": glass_rule(201)},
        obj="case",
        bodies={"POST": {"reason": "Spoedoverleg met politie over acute dreiging."}},
    ),
    # API: signals
    Endpoint("api-addresses", "api", {"GET": with_perm(F, 400)}, query="postcode=0000ZZ"),
    Endpoint("api-signals", "api", {"GET": always(200), "POST": with_perm(F, 400)}),
    Endpoint("api-signal", "api", {"GET": signal_rule(200, 200)}, obj="signal"),
    Endpoint("api-signal-matches", "api", {"GET": signal_rule(200, 404)}, obj="signal"),
    Endpoint("api-signal-triage", "api", {"POST": signal_rule(400, 403)}, obj="signal"),
    # API: privacy
    Endpoint(
        "api-person-export",
        "api",
        {"GET": person_rule(Perm.HANDLE_SUBJECT_REQUESTS)},
        obj="person",
    ),
    # API schema and docs
    Endpoint("api-schema", "open", {"GET": always(200)}),
    Endpoint("api-docs", "open", {"GET": always(200)}),
)

# Every pattern under the admin (``beheer/``) answers the same: no role is staff.
ADMIN_RULE: dict[str, Rule] = {"GET": always(302)}


def expected(endpoint: Endpoint, method: str, actor: str, situation: str) -> int:
    """The answer ``actor`` must get for ``method`` on ``endpoint`` in ``situation``."""
    if actor == ANONYMOUS and endpoint.kind == "html":
        return 302
    if actor == ANONYMOUS and endpoint.kind == "api":
        return 401
    return endpoint.methods[method](actor, situation)


def cells(endpoint: Endpoint) -> list[tuple[str, str, str]]:
    """(method, actor, situation) for every cell of ``endpoint``."""
    situations = SITUATIONS_BY_OBJECT[endpoint.obj]
    return [
        (method, actor, situation)
        for method in endpoint.methods
        for actor in ACTOR_KEYS
        for situation in situations
    ]


ENDPOINTS_BY_NAME = {e.name: e for e in ENDPOINTS}
