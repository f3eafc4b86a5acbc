"""Reads of signals. Every list starts from ``signals_visible_to``; every single signal comes
through ``signal_get_for``, which answers the same for absent and forbidden.

Matching ("bekend?") compares blind indexes only: nothing is decrypted to find a match.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.http import Http404
from django.utils import timezone

from casework.models import Case, CasePerson, CaseType, Confidentiality
from casework.selectors import cases_visible_to, parse_uuid
from permissions.crypto import data_key_cache_warm
from permissions.models import AccessAction
from permissions.services import AccessEvent, access_denied_record, access_log_record
from workflows.clocks import due
from workflows.selectors import clock_for

from .models import (
    Buurt,
    Category,
    Signal,
    SignalPerson,
    SignalPersonRole,
    SignalStatus,
    Street,
    Wijk,
)
from .policies import SignalView, signal_view, triage_municipality_id


class SignalNotFound(Http404):
    """The signal does not exist, or the viewer may not know that it does."""


# Why two records are thought to be about the same person or home, strongest first.
REASON_BSN = "bsn"
REASON_NAME_BIRTH_DATE = "name_birth_date"
REASON_ADDRESS = "address"
REASONS = (REASON_BSN, REASON_NAME_BIRTH_DATE, REASON_ADDRESS)

KNOWN_ELSEWHERE = "bekend in een andere gemeente"
KNOWN_AT_ZVH = "bekend bij de ZVH"


def signals_visible_to(*, user: Any) -> QuerySet[Signal]:
    """Every signal ``user`` may see in a list: their municipality's when they triage, and
    always the ones they reported themselves (for those, only the status is shown)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Signal.objects.none()
    visible = Q(reporter_id=user.pk)
    municipality_id = triage_municipality_id(user)
    if municipality_id is not None:
        visible |= Q(municipality_id=municipality_id)
    return Signal.objects.filter(visible)


def signal_list_for(
    *,
    user: Any,
    status: str = "",
    category: str = "",
    wijk: str = "",
    since: datetime.datetime | None = None,
) -> QuerySet[Signal]:
    """The signals ``user`` may see, filtered, with what one list row needs in one query."""
    queryset = signals_visible_to(user=user)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category__code=category.upper())
    if wijk:
        queryset = queryset.filter(wijk=wijk.upper())
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    return queryset.select_related("category").annotate(
        case_uuid=F("case__uuid"), case_closed_at=F("case__closed_at")
    )


def _rank(view: SignalView) -> int:
    return (SignalView.NONE, SignalView.STATUS, SignalView.FULL).index(view)


def signal_get_for(
    *,
    user: Any,
    signal_id: Any,
    origin: str | None = None,
    minimum: SignalView = SignalView.STATUS,
) -> tuple[Signal, SignalView]:
    """The signal with public id ``signal_id`` and how much of it ``user`` may see.

    Raises SignalNotFound, identically, when the signal is absent or ``user`` sees less of
    it than ``minimum``; such attempts are written to the access log as denied.
    """
    parsed = parse_uuid(signal_id)
    signal = None
    if parsed is not None:
        signal = (
            signals_visible_to(user=user)
            .filter(uuid=parsed)
            .select_related("category", "municipality")
            .annotate(case_uuid=F("case__uuid"), case_closed_at=F("case__closed_at"))
            .first()
        )
    view = signal_view(user=user, signal=signal) if signal is not None else SignalView.NONE
    if signal is None or _rank(view) < _rank(minimum) or view == SignalView.NONE:
        access_denied_record(
            actor=user, origin=origin, object_type="signal", object_id=str(signal_id)
        )
        raise SignalNotFound("Signaal niet gevonden.")
    return signal, view


def _require_full(*, user: Any, signal: Signal) -> None:
    # Defence in depth: the chokepoint and these readers must agree.
    if signal_view(user=user, signal=signal) != SignalView.FULL:
        raise SignalNotFound("Signaal niet gevonden.")


@dataclass(frozen=True)
class SignalFile:
    """A signal as a triaging coordinator sees it: decrypted, with its persons."""

    signal: Signal
    persons: list[SignalPerson]


def signal_file_get(*, user: Any, signal: Signal, origin: str | None = None) -> SignalFile:
    """Load the full signal for a viewer who may see it all, and log the read.

    One access-log row for the signal and one per person named in it. Raises SignalNotFound
    unless ``user`` sees the full signal (the caller found it through ``signal_get_for``).
    """
    _require_full(user=user, signal=signal)
    full = (
        Signal.objects.filter(pk=signal.pk)
        .select_related(
            "category", "municipality", "reporter", "reporter_organisation", "decided_by"
        )
        .annotate(
            case_uuid=F("case__uuid"),
            case_closed_at=F("case__closed_at"),
            key_uuid=F("data_key__uuid"),
        )
        .get()
    )
    persons: list[Any] = list(
        SignalPerson.objects.filter(signal=full)
        .select_related("person")
        .annotate(person_key_uuid=F("person__data_key__uuid"))
        .defer("person__bsn_index", "person__name_birth_date_index", "person__address_index")
        .order_by("id")
    )
    # Unwrap every data key this page decrypts with in one query, not one per person.
    data_key_cache_warm(key_uuids=[full.key_uuid, *(p.person_key_uuid for p in persons)])
    events = [
        AccessEvent(
            action=AccessAction.READ_CASE,
            object_type="signal",
            object_id=str(full.uuid),
            field_groups=("nuisance",),
            detail={"reference": full.reference},
        )
    ]
    for signal_person in persons:
        events.append(
            AccessEvent(
                action=AccessAction.READ_CASE,
                object_type="signal",
                object_id=str(full.uuid),
                person_uuid=signal_person.person.uuid,
                field_groups=(
                    ("identity", "bsn")
                    if signal_person.role == SignalPersonRole.SUBJECT
                    else ("reporter",)
                ),
                detail={"reference": full.reference, "role": signal_person.role},
            )
        )
    access_log_record(actor=user, origin=origin, events=events)
    return SignalFile(signal=full, persons=persons)


@dataclass(frozen=True)
class CaseMatch:
    """An open case the viewer may see that concerns the same person or address."""

    case: Case
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SignalMatch:
    """Another signal of the same municipality about the same person or address."""

    signal: Signal
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class KnownElsewhere:
    """The person or address is in an open case the viewer may not see: only that, and why."""

    reason: str
    where: str


@dataclass(frozen=True)
class SignalMatches:
    cases: list[CaseMatch]
    signals: list[SignalMatch]
    elsewhere: list[KnownElsewhere]


def _ordered(reasons: Iterable[str]) -> tuple[str, ...]:
    found = set(reasons)
    return tuple(r for r in REASONS if r in found)


def _signal_indexes(signal: Signal) -> dict[str, set[bytes]]:
    """The blind indexes of the signal's persons and address (bytes; nothing decrypted)."""
    indexes: dict[str, set[bytes]] = {reason: set() for reason in REASONS}
    rows = SignalPerson.objects.filter(signal=signal).values_list(
        "person__bsn_index", "person__name_birth_date_index"
    )
    for bsn_index, name_index in rows:
        if bsn_index is not None:
            indexes[REASON_BSN].add(bytes(bsn_index))
        if name_index is not None:
            indexes[REASON_NAME_BIRTH_DATE].add(bytes(name_index))
    if signal.address_index is not None:
        indexes[REASON_ADDRESS].add(bytes(signal.address_index))
    return indexes


_PERSON_COLUMNS = {
    REASON_BSN: "person__bsn_index",
    REASON_NAME_BIRTH_DATE: "person__name_birth_date_index",
    REASON_ADDRESS: "person__address_index",
}


def _reasons_of(
    row: dict[str, Any], indexes: dict[str, set[bytes]], columns: dict[str, str]
) -> list[str]:
    return [
        reason
        for reason, column in columns.items()
        if row.get(column) is not None and bytes(row[column]) in indexes[reason]
    ]


def _case_matches(
    *, user: Any, signal: Signal, indexes: dict[str, set[bytes]]
) -> tuple[list[CaseMatch], list[KnownElsewhere]]:
    condition = Q(pk__in=[])
    for reason, column in _PERSON_COLUMNS.items():
        if indexes[reason]:
            condition |= Q(**{f"{column}__in": list(indexes[reason])})
    rows = CasePerson.objects.filter(condition, case__closed_at__isnull=True).values(
        "case_id",
        *_PERSON_COLUMNS.values(),
        "case__municipality_id",
        "case__escalated_to_zvh_at",
        "case__confidentiality",
    )
    reasons: dict[int, set[str]] = defaultdict(set)
    facts: dict[int, dict[str, Any]] = {}
    for row in rows:
        reasons[row["case_id"]].update(_reasons_of(row, indexes, _PERSON_COLUMNS))
        facts[row["case_id"]] = row
    if not reasons:
        return [], []
    visible = {
        case.pk: case
        for case in cases_visible_to(user=user)
        .filter(pk__in=list(reasons))
        .only("uuid", "reference", "case_type", "state", "wijk", "buurt", "opened_at", "created_at")
    }
    matches = [
        CaseMatch(case=case, reasons=_ordered(reasons[pk]))
        for pk, case in sorted(visible.items(), key=lambda item: item[1].opened_at, reverse=True)
    ]
    hints: set[tuple[str, str]] = set()
    for pk, found in reasons.items():
        row = facts[pk]
        # Cases at the highest confidentiality (RIEC) are never hinted at, not even vaguely.
        if pk in visible or row["case__confidentiality"] >= Confidentiality.HIGHEST:
            continue
        if row["case__escalated_to_zvh_at"] is not None:
            where = KNOWN_AT_ZVH
        elif row["case__municipality_id"] != signal.municipality_id:
            where = KNOWN_ELSEWHERE
        else:
            continue
        hints.update((reason, where) for reason in found)
    elsewhere = [
        KnownElsewhere(reason=reason, where=where)
        for reason, where in sorted(hints, key=lambda h: (REASONS.index(h[0]), h[1]))
    ]
    return matches, elsewhere


def _signal_matches(*, signal: Signal, indexes: dict[str, set[bytes]]) -> list[SignalMatch]:
    reasons: dict[int, set[str]] = defaultdict(set)
    person_columns = {r: c for r, c in _PERSON_COLUMNS.items() if r != REASON_ADDRESS}
    condition = Q(pk__in=[])
    for reason, column in person_columns.items():
        if indexes[reason]:
            condition |= Q(**{f"{column}__in": list(indexes[reason])})
    rows = (
        SignalPerson.objects.filter(condition, signal__municipality_id=signal.municipality_id)
        .exclude(signal_id=signal.pk)
        .values("signal_id", *person_columns.values())
    )
    for row in rows:
        reasons[row["signal_id"]].update(_reasons_of(row, indexes, person_columns))
    if indexes[REASON_ADDRESS]:
        same_address = (
            Signal.objects.filter(
                municipality_id=signal.municipality_id,
                address_index__in=list(indexes[REASON_ADDRESS]),
            )
            .exclude(pk=signal.pk)
            .values_list("pk", flat=True)
        )
        for pk in same_address:
            reasons[pk].add(REASON_ADDRESS)
    if not reasons:
        return []
    signals = (
        Signal.objects.filter(pk__in=list(reasons))
        .select_related("category")
        .only(
            "uuid",
            "reference",
            "status",
            "observed_at",
            "created_at",
            "wijk",
            "buurt",
            "category__code",
            "category__label_nl",
        )
        .order_by("-created_at")
    )
    return [SignalMatch(signal=s, reasons=_ordered(reasons[s.pk])) for s in signals]


def signal_matches(*, user: Any, signal: Signal, origin: str | None = None) -> SignalMatches:
    """Open cases and other signals about the same person (BSN, surname + birth date) or
    address ("bekend?"), for a viewer who sees the full signal (else SignalNotFound). The
    search is logged.

    Only blind indexes are compared; nothing is decrypted. Open cases the viewer may not see
    are reported only as "known in another municipality" or "known at the ZVH", with the
    reason and nothing else; cases at the highest confidentiality are not mentioned at all.
    """
    _require_full(user=user, signal=signal)
    indexes = _signal_indexes(signal)
    cases, elsewhere = _case_matches(user=user, signal=signal, indexes=indexes)
    signals = _signal_matches(signal=signal, indexes=indexes)
    person_uuids = list(
        SignalPerson.objects.filter(signal=signal).values_list("person__uuid", flat=True).distinct()
    )
    detail = {
        "reference": signal.reference,
        "cases": len(cases),
        "signals": len(signals),
        "elsewhere": len(elsewhere),
    }
    targets: list[uuid.UUID | None] = [*person_uuids] or [None]
    access_log_record(
        actor=user,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.SEARCH,
                object_type="signal",
                object_id=str(signal.uuid),
                person_uuid=person_uuid,
                detail=detail,
            )
            for person_uuid in targets
        ],
    )
    return SignalMatches(cases=cases, signals=signals, elsewhere=elsewhere)


# Default bundling thresholds of the domain brief: several signals about one place.
ADDRESS_BUNDLE_MIN = 3
YOUTH_BUNDLE_MIN = 5
BUNDLE_WINDOW_DAYS = 28


@dataclass(frozen=True)
class BundleProposal:
    """New signals that should probably become one case."""

    kind: str  # "address" or "buurt"
    buurt: str  # the buurt code for youth nuisance; empty for an address
    signal_ids: tuple[uuid.UUID, ...]


def bundle_proposals(
    *,
    municipality_id: int,
    today: datetime.date,
    address_min: int = ADDRESS_BUNDLE_MIN,
    youth_min: int = YOUTH_BUNDLE_MIN,
    window_days: int = BUNDLE_WINDOW_DAYS,
) -> list[BundleProposal]:
    """Groups of new signals to propose as one case, for the triage inbox.

    Per address (blind index): at least ``address_min`` new signals observed in the last
    ``window_days`` days up to and including ``today``. Per buurt: at least ``youth_min``
    new signals of youth-nuisance categories in that window. Nothing is decrypted.
    """
    start = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=window_days - 1), datetime.time.min
        )
    )
    end = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min)
    )
    recent = Signal.objects.filter(
        municipality_id=municipality_id,
        status=SignalStatus.NEW,
        observed_at__gte=start,
        observed_at__lt=end,
    )
    proposals: list[BundleProposal] = []
    addresses = [
        bytes(row["address_index"])
        for row in recent.filter(address_index__isnull=False)
        .values("address_index")
        .annotate(n=Count("pk"))
        .filter(n__gte=address_min)
        .order_by("address_index")
    ]
    if addresses:
        grouped: dict[bytes, list[uuid.UUID]] = defaultdict(list)
        for index, signal_uuid in (
            recent.filter(address_index__in=addresses)
            .order_by("observed_at", "pk")
            .values_list("address_index", "uuid")
        ):
            grouped[bytes(index or b"")].append(signal_uuid)
        proposals += [
            BundleProposal(kind="address", buurt="", signal_ids=tuple(ids))
            for ids in grouped.values()
        ]
    youth = recent.filter(category__case_type=CaseType.JEUGDOVERLAST).exclude(buurt="")
    buurten = [
        row["buurt"]
        for row in youth.values("buurt")
        .annotate(n=Count("pk"))
        .filter(n__gte=youth_min)
        .order_by("buurt")
    ]
    if buurten:
        by_buurt: dict[str, list[uuid.UUID]] = defaultdict(list)
        for buurt, signal_uuid in (
            youth.filter(buurt__in=buurten)
            .order_by("observed_at", "pk")
            .values_list("buurt", "uuid")
        ):
            by_buurt[buurt].append(signal_uuid)
        proposals += [
            BundleProposal(kind="buurt", buurt=buurt, signal_ids=tuple(ids))
            for buurt, ids in sorted(by_buurt.items())
        ]
    return proposals


@dataclass(frozen=True)
class AddressFound:
    """What the street table knows about a postcode (and house number)."""

    postcode: str
    street: str
    city: str
    wijk: str
    wijk_name: str
    buurt: str
    buurt_name: str
    municipality_id: int


def address_lookup(*, postcode: str, house_number: int | None = None) -> AddressFound | None:
    """The street, wijk and buurt of a normalised ``postcode`` (``9999AB``), or None.

    With a ``house_number`` only a range holding that number answers; without one, the
    postcode's first range (a postcode nearly always lies on one street). Public data: the
    lookup is not logged.
    """
    rows = (
        Street.objects.filter(postcode=postcode)
        .select_related("buurt__wijk")
        .order_by("number_from", "pk")
    )
    for row in rows:
        if house_number is None or row.holds(house_number):
            return AddressFound(
                postcode=row.postcode,
                street=row.name,
                city=row.city,
                wijk=row.buurt.wijk.code,
                wijk_name=row.buurt.wijk.name,
                buurt=row.buurt.code,
                buurt_name=row.buurt.name,
                municipality_id=row.buurt.wijk.municipality_id,
            )
    return None


def categories_offered_to(*, user: Any) -> QuerySet[Category]:
    """The active categories ``user`` may file under: the installation's, and the own
    categories of the municipalities their organisation works for (its own, or for a
    regional organisation every municipality of its region)."""
    organisation = getattr(user, "organisation", None)
    scope = Q(municipality__isnull=True)
    if organisation is not None and organisation.municipality_id is not None:
        scope |= Q(municipality_id=organisation.municipality_id)
    elif organisation is not None and organisation.region_id is not None:
        scope |= Q(municipality__region_id=organisation.region_id)
    return Category.objects.filter(scope, active=True)


# How far back a reporter's own choices count for the order of the category picker.
CATEGORY_HABIT_DAYS = 90


def categories_for_reporter(*, user: Any, now: datetime.datetime | None = None) -> list[Category]:
    """The active categories, the ones ``user``'s organisation used most in the last
    ``CATEGORY_HABIT_DAYS`` days first, then in the functional admin's order.

    One query. Counts only: nothing about the signals themselves is read.
    """
    since = (now or timezone.now()) - datetime.timedelta(days=CATEGORY_HABIT_DAYS)
    organisation_id = getattr(user, "organisation_id", None)
    used = Count(
        "signals",
        filter=Q(signals__reporter_organisation_id=organisation_id, signals__created_at__gte=since),
    )
    return list(
        categories_offered_to(user=user).annotate(used=used).order_by("-used", "sort_order", "code")
    )


@dataclass(frozen=True)
class InboxRow:
    """One new signal in the triage inbox: no content, only what decides its turn."""

    signal: Signal
    age_days: int
    due_on: datetime.date
    overdue: bool
    known: tuple[str, ...]  # the reasons a match exists, strongest first; empty: not known


def _known_reasons(*, user: Any, signals: list[Signal]) -> dict[int, set[str]]:
    """Per signal, why it is "known": an open case the viewer may see, or another signal of
    the same municipality, shares a blind index with it. Four queries for any number of
    signals; nothing is decrypted. Matches the viewer may not see are left to the detail
    page, which explains them as far as the viewer may know.
    """
    by_signal: dict[int, dict[str, set[bytes]]] = {
        s.pk: {reason: set() for reason in REASONS} for s in signals
    }
    for s in signals:
        if s.address_index is not None:
            by_signal[s.pk][REASON_ADDRESS].add(bytes(s.address_index))
    for signal_id, bsn_index, name_index in SignalPerson.objects.filter(
        signal_id__in=list(by_signal)
    ).values_list("signal_id", "person__bsn_index", "person__name_birth_date_index"):
        if bsn_index is not None:
            by_signal[signal_id][REASON_BSN].add(bytes(bsn_index))
        if name_index is not None:
            by_signal[signal_id][REASON_NAME_BIRTH_DATE].add(bytes(name_index))
    wanted: dict[str, set[bytes]] = {reason: set() for reason in REASONS}
    for indexes in by_signal.values():
        for reason, values in indexes.items():
            wanted[reason] |= values
    found: dict[str, set[bytes]] = {reason: set() for reason in REASONS}
    condition = Q(pk__in=[])
    for reason, column in _PERSON_COLUMNS.items():
        if wanted[reason]:
            condition |= Q(**{f"{column}__in": list(wanted[reason])})
    open_cases = cases_visible_to(user=user).filter(closed_at__isnull=True).values("pk")
    for row in CasePerson.objects.filter(condition, case__in=open_cases).values(
        *_PERSON_COLUMNS.values()
    ):
        for reason, column in _PERSON_COLUMNS.items():
            if row[column] is not None:
                found[reason].add(bytes(row[column]))
    municipality_ids = {s.municipality_id for s in signals}
    person_columns = {r: c for r, c in _PERSON_COLUMNS.items() if r != REASON_ADDRESS}
    other_condition = Q(pk__in=[])
    for reason, column in person_columns.items():
        if wanted[reason]:
            other_condition |= Q(**{f"{column}__in": list(wanted[reason])})
    # Other signals share an index when it occurs on more than one signal.
    seen: dict[tuple[str, bytes], set[int]] = defaultdict(set)
    for row in SignalPerson.objects.filter(
        other_condition, signal__municipality_id__in=municipality_ids
    ).values("signal_id", *person_columns.values()):
        for reason, column in person_columns.items():
            if row[column] is not None:
                seen[(reason, bytes(row[column]))].add(row["signal_id"])
    if wanted[REASON_ADDRESS]:
        for pk, index in Signal.objects.filter(
            municipality_id__in=municipality_ids,
            address_index__in=list(wanted[REASON_ADDRESS]),
        ).values_list("pk", "address_index"):
            seen[(REASON_ADDRESS, bytes(index or b""))].add(pk)
    known: dict[int, set[str]] = {}
    for pk, indexes in by_signal.items():
        reasons = set()
        for reason, values in indexes.items():
            for value in values:
                if value in found[reason] or seen[(reason, value)] - {pk}:
                    reasons.add(reason)
        known[pk] = reasons
    return known


def triage_inbox(*, user: Any, today: datetime.date, limit: int = 100) -> list[InboxRow]:
    """The new signals ``user`` triages, oldest first, with their age, their 5-working-day
    clock and whether they are "known" (see ``_known_reasons``). Empty for anyone who does
    not triage. A bounded number of queries, whatever the number of signals.
    """
    municipality_id = triage_municipality_id(user)
    if municipality_id is None:
        return []
    signals = list(
        # An anonymised signal (retention) has nothing left to decide on.
        Signal.objects.filter(
            municipality_id=municipality_id, status=SignalStatus.NEW, anonymised_at__isnull=True
        )
        .select_related("category")
        .defer("description", "address", "postcode", "triage_reason")
        .order_by("created_at", "pk")[:limit]
    )
    if not signals:
        return []
    clock = clock_for(key="signal_not_triaged", municipality_id=municipality_id)
    known = _known_reasons(user=user, signals=signals)
    rows = []
    for signal in signals:
        received = timezone.localdate(signal.created_at)
        due_on = due(clock, start=received)
        rows.append(
            InboxRow(
                signal=signal,
                age_days=(today - received).days,
                due_on=due_on,
                overdue=due_on < today,
                known=_ordered(known[signal.pk]),
            )
        )
    return rows


def signals_of_reporter(*, user: Any, limit: int = 50) -> QuerySet[Signal]:
    """``user``'s own signals, newest first, with only what the status view needs."""
    if user is None or not user.is_authenticated:
        return Signal.objects.none()
    return (
        Signal.objects.filter(reporter_id=user.pk)
        .select_related("category")
        .only(
            "uuid",
            "reference",
            "status",
            "observed_at",
            "created_at",
            "category__code",
            "category__label_nl",
        )
        .annotate(case_closed_at=F("case__closed_at"))
        .order_by("-created_at", "-pk")[:limit]
    )


# The moments a triage decision is counted in, after the signal arrived.
DECISION_WITHIN = (
    ("day", datetime.timedelta(days=1)),
    ("week", datetime.timedelta(days=7)),
)
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class SignalFigures:
    """Counts of one municipality's signals received in a period; plain columns only.

    ``heat`` maps (ISO weekday 1-7, hour 0-23, Europe/Amsterdam, of ``observed_at``) to a
    count; ``decision_time`` holds ``day`` (decided within 24 hours), ``week`` (within 7
    days, after the first day), ``later`` and ``open`` (not decided yet).
    """

    total: int
    by_wijk: list[tuple[str, str, int]]  # code, name, count
    by_buurt: list[tuple[str, str, str, int]]  # code, name, wijk name, count
    by_category: list[tuple[str, str, int]]  # code, label, count
    heat: dict[tuple[int, int], int]
    by_source: list[tuple[str, int]]
    by_decision: list[tuple[str, int]]  # "" is not decided yet
    decision_time: dict[str, int]


def signal_figures(
    *, municipality_id: int, start: datetime.datetime, end: datetime.datetime
) -> SignalFigures:
    """The dashboard's signal counts for ``municipality_id``, received in [start, end).

    Nine queries whatever the number of signals; nothing is decrypted. A signal without a
    wijk or buurt is counted under the empty code. The caller decides who may see this.
    """
    signals = Signal.objects.filter(
        municipality_id=municipality_id, created_at__gte=start, created_at__lt=end
    )
    wijk_names = dict(
        Wijk.objects.filter(municipality_id=municipality_id).values_list("code", "name")
    )
    buurten = {
        code: (name, wijk_name)
        for code, name, wijk_name in Buurt.objects.filter(
            wijk__municipality_id=municipality_id
        ).values_list("code", "name", "wijk__name")
    }
    by_wijk = [
        (row["wijk"], wijk_names.get(row["wijk"], ""), row["n"])
        for row in signals.values("wijk").annotate(n=Count("id")).order_by("-n", "wijk")
    ]
    by_buurt = [
        (row["buurt"], *buurten.get(row["buurt"], ("", "")), row["n"])
        for row in signals.values("buurt").annotate(n=Count("id")).order_by("-n", "buurt")
    ]
    by_category = [
        (row["category__code"], row["category__label_nl"], row["n"])
        for row in signals.values("category__code", "category__label_nl")
        .annotate(n=Count("id"))
        .order_by("-n", "category__code")
    ]
    heat = {
        (row["weekday"], row["hour"]): row["n"]
        for row in signals.annotate(
            weekday=ExtractIsoWeekDay("observed_at", tzinfo=AMSTERDAM),
            hour=ExtractHour("observed_at", tzinfo=AMSTERDAM),
        )
        .values("weekday", "hour")
        .annotate(n=Count("id"))
        .order_by()
    }
    by_source = [
        (row["source"], row["n"])
        for row in signals.values("source").annotate(n=Count("id")).order_by("-n", "source")
    ]
    by_decision = [
        (row["decision"], row["n"])
        for row in signals.values("decision").annotate(n=Count("id")).order_by("-n", "decision")
    ]
    decided = Q(decided_at__isnull=False)
    within = {
        key: Q(decided, decided_at__lt=F("created_at") + delta) for key, delta in DECISION_WITHIN
    }
    counts = signals.aggregate(
        total=Count("id"),
        day=Count("id", filter=within["day"]),
        week=Count("id", filter=within["week"]),
        decided=Count("id", filter=decided),
    )
    decision_time = {
        "day": counts["day"],
        "week": counts["week"] - counts["day"],
        "later": counts["decided"] - counts["week"],
        "open": counts["total"] - counts["decided"],
    }
    return SignalFigures(
        total=counts["total"],
        by_wijk=by_wijk,
        by_buurt=by_buurt,
        by_category=by_category,
        heat=heat,
        by_source=by_source,
        by_decision=by_decision,
        decision_time=decision_time,
    )


def person_signal_roles(*, person: Any) -> QuerySet[SignalPerson]:
    """The person's roles in signals, oldest signal first (an anonymised signal has none)."""
    return (
        SignalPerson.objects.filter(person=person)
        .select_related("signal", "signal__category", "signal__municipality", "signal__case")
        .order_by("signal__created_at", "signal_id", "role")
    )


def signals_without_case_to_anonymise() -> QuerySet[Signal]:
    """Signals that never became part of a case and still hold personal data."""
    return Signal.objects.filter(case__isnull=True, anonymised_at__isnull=True)


def signals_of_case(*, case_id: int) -> QuerySet[Signal]:
    """The signals taken into this case (a case's retention governs them)."""
    return Signal.objects.filter(case_id=case_id)
