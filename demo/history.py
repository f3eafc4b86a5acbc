"""A year of believable history for the demo municipalities, for the dashboard to show.

The shape follows the domain brief (sections 1 and 8): about 1,400 signals a year for
Lindewaard's 100,000 inhabitants, some 40% of them in two wijken (Centrum and
Stationskwartier); youth nuisance peaks on Friday and Saturday evenings and in summer; about
30 woonoverlast, 9 youth groups, 90 multiproblem and 2 RIEC cases. Veenhoven gets a quarter.

Cases are opened, moved on and given actions through the casework services, with the clock
set to the moment each step happened, so their history, deadlines and access log read as if
the year had really passed. Signals are many, so they take a bulk path: rows written as
``signal_file`` writes them (own data key, encrypted content, blind index of the address),
already triaged, without persons, reminders or access-log entries of their own.

A fixed random seed makes every run the same; a municipality that already has signals of
its history is left alone.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone

from casework.models import ActionStatus, Case, CaseDeadline, CaseType, HistoryKind
from casework.services import (
    case_escalate_to_zvh,
    case_open,
    history_append,
    plan_action_add,
    plan_action_close,
    reference_next,
)
from permissions.constants import RoleSlug
from permissions.crypto import blind_index, data_key_create
from permissions.identifiers import address_key
from permissions.models import Municipality, Organisation, User
from permissions.services import user_create
from signals.models import Category, Signal, SignalSource, SignalStatus, TriageDecision
from signals.services import PERSONAL_DATA_MONTHS, categories_ensure_defaults, months_later
from workflows.machines import machine_for

from .geography import DemoWijk

SEED = 20261122
DAYS = 365


@dataclass(frozen=True)
class Scale:
    """How much history one municipality gets, and when it counts as seeded already."""

    signals: int
    cases: dict[CaseType, int]
    seeded_at: int  # the history is written only while the municipality has fewer signals


LINDEWAARD_SCALE = Scale(
    signals=1400,
    cases={
        CaseType.WOONOVERLAST: 30,
        CaseType.JEUGDOVERLAST: 9,
        CaseType.MULTIPROBLEM: 90,
        CaseType.RIEC: 2,
    },
    seeded_at=500,
)
VEENHOVEN_SCALE = Scale(
    signals=350,
    cases={
        CaseType.WOONOVERLAST: 8,
        CaseType.JEUGDOVERLAST: 2,
        CaseType.MULTIPROBLEM: 22,
        CaseType.RIEC: 0,
    },
    seeded_at=120,
)
# Share of signals per wijk: the first two wijken carry about 40%.
WIJK_WEIGHTS = (22, 18, 9, 8, 8, 7, 7, 6, 8, 7)
# Category prefix shares, and the case type each prefix usually becomes.
PREFIX_WEIGHTS = {"JO": 34, "WO": 36, "MP": 27, "OM": 3}
PREFIX_TYPE = {
    "JO": CaseType.JEUGDOVERLAST,
    "WO": CaseType.WOONOVERLAST,
    "MP": CaseType.MULTIPROBLEM,
    "OM": CaseType.RIEC,
}
# Youth nuisance in summer and on Friday and Saturday evenings.
MONTH_YOUTH = (0.7, 0.7, 0.8, 0.9, 1.1, 1.5, 1.8, 1.8, 1.2, 0.9, 0.8, 0.8)
WEEKDAY_YOUTH = (0.6, 0.6, 0.7, 0.8, 2.2, 2.6, 1.0)
HOUR_YOUTH = (4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 4, 5, 6, 8, 10, 10, 9, 6)
HOUR_OTHER = (1, 1, 0, 0, 0, 0, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 5, 5, 4, 4, 3, 3, 2, 1)
WEEKDAY_OTHER = (1.2, 1.1, 1.1, 1.1, 1.0, 0.8, 0.7)
DESCRIPTIONS = {
    "JO": "Groep jongeren bij het winkelcentrum, luidruchtig; vuurwerk en lachgaspatronen.",
    "WO": "Buren melden overlast vanuit de woning: harde muziek en geschreeuw in de nacht.",
    "MP": "Bewoner maakt een verwarde indruk; huurachterstand en vervuiling van de woning.",
    "OM": "Opvallend veel bezoek aan een bedrijfspand, ramen afgeplakt, sterke geur.",
}
# Triage outcomes of signals that did not open a case.
OTHER_DECISIONS = (
    (TriageDecision.LINK, 45),
    (TriageDecision.FORWARD, 33),
    (TriageDecision.DISMISS, 22),
)
# Most signals come from the police; the municipality's own desk takes the fewest.
SOURCE_WEIGHTS = {
    SignalSource.WIJKAGENT: 45,
    SignalSource.BOA: 25,
    SignalSource.PARTNER: 18,
    SignalSource.DESK: 12,
}
REASONS: dict[Any, str] = {
    TriageDecision.FORWARD: "Hoort in het proces van de partner.",
    TriageDecision.DISMISS: "Geen aanleiding voor een casus.",
    None: "Geen aanleiding voor een casus.",
}
FORWARD_TO = ("Politie basisteam Lindewaard", "Woonstichting Lindewaard", "Veilig Thuis")
EXTRA_COORDINATORS = (
    ("coordinator-2", "Bram", "Dijkhuizen"),
    ("coordinator-3", "Noor", "Lelieveld"),
)

# The road each case type travels: (state, typical days in it). A case stops where today
# falls; a few leave the road early (``EARLY_EXITS``).
ROADS: dict[CaseType, list[tuple[str, int]]] = {
    CaseType.WOONOVERLAST: [
        ("melding", 3),
        ("quickscan", 7),
        ("onderzoek", 10),
        ("de_escalatie", 21),
        ("nazorg", 21),
    ],
    CaseType.JEUGDOVERLAST: [
        ("signalering", 20),
        ("groep_in_beeld", 20),
        ("informatie_verzamelen", 25),
        ("integraal_beeld", 14),
        ("prioritering", 10),
        ("plan_van_aanpak", 7),
        ("uitvoering", 110),
        ("evaluatie", 20),
        ("nazorg", 50),
    ],
    CaseType.MULTIPROBLEM: [
        ("aanmelding", 3),
        ("triage", 7),
        ("informatie_verrijken", 14),
        ("casusoverleg", 10),
        ("plan_van_aanpak", 5),
        ("uitvoering", 80),
        ("afschaling", 20),
        ("nazorg", 45),
    ],
    CaseType.RIEC: [
        ("signaal", 5),
        ("weging", 30),
        ("ingebracht", 20),
        ("riec_weging", 40),
        ("riec_casus", 90),
        ("interventie", 60),
        ("evaluatie", 30),
    ],
}
# The harder woonoverlast road: a casusoverleg, a warning and monitoring instead.
WOONOVERLAST_HARD = [
    ("melding", 3),
    ("quickscan", 10),
    ("onderzoek", 20),
    ("casusoverleg", 20),
    ("waarschuwing", 30),
    ("monitoring", 60),
    ("nazorg", 30),
]
CLOSING = {
    CaseType.WOONOVERLAST: (("verminderd", 60), ("verhuisd", 15), ("niet_verminderd", 15)),
    CaseType.JEUGDOVERLAST: (("verminderd", 60), ("afgerond", 30), ("niet_verminderd", 10)),
    CaseType.MULTIPROBLEM: (("afgerond", 75), ("verhuisd", 15), ("onduidelijk", 10)),
    CaseType.RIEC: (("afgerond", 100),),
}
# (case type, leaves the road after this state, share of cases, closing reason)
EARLY_EXITS = (
    (CaseType.WOONOVERLAST, "quickscan", 0.2, "niet_gegrond"),
    (CaseType.MULTIPROBLEM, "triage", 0.15, "doorgeleid"),
    (CaseType.RIEC, "weging", 0.5, "lokaal_afgehandeld"),
)
ESCALATED_SHARE = 0.1  # multiproblem cases escalated to the ZVH during execution
ACTION_TITLES = (
    "Huisbezoek afleggen",
    "Gesprek met huurder over huisregels",
    "Aanmelden bij schuldhulpverlening",
    "Groep benaderen op vrijdagavond",
    "Terugkoppeling aan melders",
    "Zorgmachtiging voorbereiden",
)


@contextmanager
def clock_at(moment: datetime.datetime) -> Iterator[None]:
    """Run services as if it were ``moment``: what they stamp is the demo's past."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _weighted(rng: random.Random, pairs: Any) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


@lru_cache(maxsize=4)
def _calendar(youth: bool, today: datetime.date) -> tuple[list[datetime.date], list[float]]:
    days = [today - datetime.timedelta(days=d) for d in range(1, DAYS + 1)]
    if youth:
        return days, [MONTH_YOUTH[d.month - 1] * WEEKDAY_YOUTH[d.weekday()] for d in days]
    return days, [WEEKDAY_OTHER[d.weekday()] for d in days]


def _moment(rng: random.Random, *, youth: bool, today: datetime.date) -> datetime.datetime:
    """When something was observed in the last year, with youth nuisance's rhythm."""
    days, weights = _calendar(youth, today)
    day = rng.choices(days, weights=weights)[0]
    hour = rng.choices(range(24), weights=HOUR_YOUTH if youth else HOUR_OTHER)[0]
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=zone)


@dataclass
class _Planned:
    """One signal before it is written, with the case it feeds (if any)."""

    prefix: str
    observed_at: datetime.datetime
    wijk: int
    buurt: int
    decision: TriageDecision | None = None
    case: Case | None = None


def _road(rng: random.Random, case_type: CaseType) -> list[tuple[str, int]]:
    if case_type == CaseType.WOONOVERLAST and rng.random() < 0.3:
        return WOONOVERLAST_HARD
    return ROADS[case_type]


def _transition_name(case_type: str, source: str, target: str) -> str:
    machine = machine_for(case_type)
    found = next(
        (t.name for t in machine.transitions if source in t.source and t.target == target), ""
    )
    return found or f"{source}->{target}"


def _walk(
    *,
    rng: random.Random,
    case: Case,
    opened_at: datetime.datetime,
    now: datetime.datetime,
    actor: User,
) -> datetime.datetime | None:
    """Move ``case`` along its road until today, writing its history as it goes.

    Returns when it entered the plan van aanpak (for its actions), if it did.
    """
    case_type = CaseType(case.case_type)
    road = _road(rng, case_type)
    exit_after = next(
        (
            (state, reason)
            for t, state, share, reason in EARLY_EXITS
            if t == case_type and rng.random() < share
        ),
        None,
    )
    moment = opened_at
    state = road[0][0]
    planned_at = None
    fields: dict[str, Any] = {}
    for index, (name, days) in enumerate(road):
        moment += datetime.timedelta(days=max(1, round(days * rng.uniform(0.5, 1.6))))
        if moment >= now:
            break
        if exit_after is not None and name == exit_after[0]:
            target, reason = "gesloten", exit_after[1]
        elif index + 1 < len(road):
            target, reason = road[index + 1][0], ""
        else:
            target, reason = "gesloten", _weighted(rng, CLOSING[case_type])
        if (
            case_type == CaseType.MULTIPROBLEM
            and name == "uitvoering"
            and target == "afschaling"
            and rng.random() < ESCALATED_SHARE
        ):
            with clock_at(moment):
                _enter(case, actor, state, "opgeschaald")
                case_escalate_to_zvh(case=case, approved_by=actor)
            state = "opgeschaald"
            moment += datetime.timedelta(days=rng.randint(30, 90))
            if moment >= now:
                break
        with clock_at(moment):
            _enter(case, actor, state, target, closing_reason=reason)
        state = target
        if target == "plan_van_aanpak":
            planned_at = moment
        if target == "gesloten":
            fields.update(closed_at=moment, closing_reason=reason)
            break
    # The state moves only through the transition service; the demo writes its past here.
    # ``opened_at`` defaults to the real now, which the demo clock does not move.
    Case.objects.filter(pk=case.pk).update(state=state, opened_at=opened_at, **fields)
    # The clocks started on opening belong to the first state, long left.
    if state != road[0][0]:
        CaseDeadline.objects.filter(case=case, met_at__isnull=True).update(met_at=moment)
    return planned_at


def _enter(case: Case, actor: User, source: str, target: str, closing_reason: str = "") -> None:
    history_append(
        case=case,
        actor=actor,
        kind=HistoryKind.TRANSITION,
        name=_transition_name(case.case_type, source, target),
        from_state=source,
        to_state=target,
        detail={"closing_reason": closing_reason} if closing_reason else None,
    )


def _coordinators(organisation: Organisation, password: str) -> list[User]:
    """The municipality's coordinators; Lindewaard's team gets two more colleagues."""
    coordinators = list(
        User.objects.filter(organisation=organisation, role__slug=RoleSlug.COORDINATOR).order_by(
            "username"
        )
    )
    if organisation.name != "Gemeente Lindewaard":
        return coordinators
    for username, first, last in EXTRA_COORDINATORS:
        if not any(c.username == username for c in coordinators):
            coordinators.append(
                user_create(
                    username=username,
                    password=password,
                    organisation=organisation,
                    role=RoleSlug.COORDINATOR,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@lindewaard.example",
                    department="Zorg en Veiligheid",
                    is_demo=True,
                )
            )
    return coordinators


@transaction.atomic
def demo_history_seed(
    *,
    municipality: Municipality,
    organisation: Organisation,
    wijken: tuple[DemoWijk, ...],
    reporters: dict[SignalSource, User],
    scale: Scale,
    password: str,
) -> int:
    """Write a year of signals and cases for ``municipality``; returns the signals written.

    Only while the municipality has fewer than ``scale.seeded_at`` signals, so running it
    again changes nothing. The same seed gives the same year (relative to today).
    """
    if Signal.objects.filter(municipality=municipality).count() >= scale.seeded_at:
        return 0
    rng = random.Random(f"{SEED}-{municipality.code}")
    now = timezone.now()
    today = timezone.localdate()
    coordinators = _coordinators(organisation, password)
    # A migration seeds the categories; a database flushed since (as tests do) lacks them.
    categories_ensure_defaults()
    categories: dict[str, list[Category]] = {}
    for category in Category.objects.filter(active=True, municipality__isnull=True):
        categories.setdefault(category.code.split("-")[0], []).append(category)

    # Signals first, as they came in; each case opens from one of them.
    planned = []
    for _ in range(scale.signals):
        prefix = _weighted(rng, PREFIX_WEIGHTS.items())
        wijk = rng.choices(range(len(wijken)), weights=WIJK_WEIGHTS[: len(wijken)])[0]
        planned.append(
            _Planned(
                prefix=prefix,
                observed_at=_moment(rng, youth=prefix == "JO", today=today),
                wijk=wijk,
                buurt=rng.randrange(len(wijken[wijk].buurten)),
            )
        )
    planned.sort(key=lambda p: p.observed_at)
    cases: dict[CaseType, list[tuple[datetime.datetime, Case]]] = {t: [] for t in CaseType}
    for case_type, count in scale.cases.items():
        prefix = next(p for p, t in PREFIX_TYPE.items() if t == case_type)
        candidates = [p for p in planned if p.prefix == prefix and p.decision is None]
        for origin in sorted(rng.sample(candidates, min(count, len(candidates))), key=_key):
            opened_at = origin.observed_at + datetime.timedelta(hours=rng.randint(4, 72))
            if opened_at >= now:
                continue
            coordinator = rng.choice(coordinators)
            with clock_at(opened_at):
                case = case_open(
                    owner=organisation,
                    case_type=case_type,
                    opened_by=coordinator,
                    wijk=_wijk_code(municipality, origin),
                    buurt=_buurt_code(municipality, origin),
                )
            origin.decision, origin.case = TriageDecision.NEW_CASE, case
            planned_at = _walk(rng=rng, case=case, opened_at=opened_at, now=now, actor=coordinator)
            if planned_at is not None:
                _actions(rng=rng, case=case, actor=coordinator, at=planned_at, now=now)
            cases[case_type].append((opened_at, case))
    for signal in planned:
        if signal.decision is not None:
            continue
        decision = _weighted(rng, OTHER_DECISIONS)
        if decision == TriageDecision.LINK:
            of_type = cases[PREFIX_TYPE[signal.prefix]]
            running = [c for opened, c in of_type if opened < signal.observed_at]
            if running:
                signal.case = rng.choice(running[-6:])
            else:
                decision = TriageDecision.FORWARD
        signal.decision = decision
    _signals_write(
        rng=rng,
        planned=planned,
        municipality=municipality,
        wijken=wijken,
        categories=categories,
        reporters=reporters,
        deciders=coordinators,
        now=now,
    )
    for signal_cases in cases.values():
        for _opened, case in signal_cases:
            Case.objects.filter(pk=case.pk).update(
                signal_count=Signal.objects.filter(case=case).count()
            )
    return len(planned)


def _key(planned: _Planned) -> datetime.datetime:
    return planned.observed_at


def _wijk_code(municipality: Municipality, planned: _Planned) -> str:
    return f"WK{municipality.code[2:]}{planned.wijk + 1:02d}"


def _buurt_code(municipality: Municipality, planned: _Planned) -> str:
    return f"BU{municipality.code[2:]}{planned.wijk + 1:02d}{planned.buurt + 1:02d}"


def _actions(
    *, rng: random.Random, case: Case, actor: User, at: datetime.datetime, now: datetime.datetime
) -> None:
    """Two or three actions agreed with the plan; nearly all are done in the end."""
    for _ in range(rng.randint(2, 3)):
        due = (at + datetime.timedelta(days=rng.randint(14, 60))).date()
        with clock_at(at):
            action = plan_action_add(
                case=case,
                actor=actor,
                title=rng.choice(ACTION_TITLES),
                owner_organisation=case.owner,
                due_date=due,
            )
        done_at = at + datetime.timedelta(days=rng.randint(7, 70))
        if done_at < now and rng.random() < 0.93:
            with clock_at(done_at):
                plan_action_close(
                    action=action, actor=actor, status=ActionStatus.DONE, note="Uitgevoerd."
                )


def _signals_write(
    *,
    rng: random.Random,
    planned: list[_Planned],
    municipality: Municipality,
    wijken: tuple[DemoWijk, ...],
    categories: dict[str, list[Category]],
    reporters: dict[SignalSource, User],
    deciders: list[User],
    now: datetime.datetime,
) -> None:
    """The signals' rows, as ``signal_file`` and ``signal_triage`` would have left them."""
    sources = [(source, SOURCE_WEIGHTS[source]) for source in reporters]
    code = municipality.code[2:]
    rows = []
    for p in planned:
        wijk = wijken[p.wijk]
        street = rng.choice((0, 1)) + 2 * p.buurt
        postcode = f"{code}{'ABCDEFGHJK'[p.wijk]}{'ABCDEFGHJKLMNPRSTVWXZ'[street]}"
        number = rng.randint(1, 120)
        received = min(p.observed_at + datetime.timedelta(minutes=rng.randint(5, 600)), now)
        decided = min(received + datetime.timedelta(hours=rng.lognormvariate(3.0, 1.1)), now)
        source = _weighted(rng, sources)
        reporter = reporters[source]
        assert reporter.organisation is not None
        rows.append(
            Signal(
                reference=reference_next(prefix="S", year=timezone.localtime(received).year),
                municipality=municipality,
                source=source,
                reporter=reporter,
                reporter_organisation=reporter.organisation,
                category=rng.choice(categories[p.prefix]),
                observed_at=p.observed_at,
                description=DESCRIPTIONS[p.prefix],
                address=f"{wijk.streets[street]} {number}",
                postcode=postcode,
                address_index=blind_index(
                    kind="address", value=address_key(postcode=postcode, house_number=str(number))
                ),
                postcode_area=postcode[:4],
                wijk=_wijk_code(municipality, p),
                buurt=_buurt_code(municipality, p),
                status={
                    TriageDecision.NEW_CASE: SignalStatus.TRIAGED,
                    TriageDecision.LINK: SignalStatus.TRIAGED,
                    TriageDecision.FORWARD: SignalStatus.FORWARDED,
                    TriageDecision.DISMISS: SignalStatus.DISMISSED,
                }[p.decision or TriageDecision.DISMISS],
                case=p.case,
                decision=p.decision or TriageDecision.DISMISS,
                decided_at=decided,
                decided_by=rng.choice(deciders),
                forward_to=rng.choice(FORWARD_TO) if p.decision == TriageDecision.FORWARD else "",
                triage_reason=None if p.case is not None else REASONS[p.decision],
                personal_data_until=(
                    None if p.case is not None else months_later(received, PERSONAL_DATA_MONTHS)
                ),
                data_key=data_key_create(purpose="signal"),
                created_at=received,
            )
        )
    Signal.objects.bulk_create(rows, batch_size=250)
