"""Writes for signals: filing (with idempotency) and triage.

Every change is written to the access log in the same transaction as the change itself.
Messages are Dutch through the translation catalogue; errors name the field of the API body
they concern (``location.postcode``, ``persons.0.bsn``).
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case, CaseType, PersonRole
from casework.selectors import CaseNotFound, case_disclosure_for, case_get_for
from casework.services import (
    CaseworkError,
    PersonDetails,
    case_open,
    case_person_add,
    case_signal_linked,
    note_add,
    person_register,
    reference_next,
)
from permissions.constants import FieldGroup
from permissions.crypto import blind_index, data_key_create, data_key_destroy
from permissions.identifiers import (
    TUSSENVOEGSELS,
    InvalidIdentifier,
    address_key,
    bsn_normalise,
    postcode_normalise,
    surname_normalise,
)
from permissions.models import AccessAction, Municipality, User
from permissions.services import AccessEvent, access_log_record

from .models import (
    Buurt,
    Category,
    Signal,
    SignalPerson,
    SignalPersonRole,
    SignalStatus,
    Street,
    TriageDecision,
    Wijk,
)
from .policies import SignalView, signal_view, source_for
from .reminders import signal_reminders_cancel, signal_reminders_schedule
from .selectors import address_lookup

# Clocks of a phone and a server disagree a little; an observation "in the future" by less
# than this is taken as now.
CLOCK_SKEW = datetime.timedelta(minutes=5)
MAX_SIGNAL_AGE_MONTHS = 12
PERSONAL_DATA_MONTHS = 12
IDEMPOTENCY_KEY_MAX = 100
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

_WIJK = re.compile(r"WK([0-9]{4})[0-9]{2}")
_BUURT = re.compile(r"BU([0-9]{4})([0-9]{2})[0-9]{2}")
# The house number is the last number of the street part ("Lindelaan 12-3" -> 12, "3").
_HOUSE_NUMBER = re.compile(r"(?:^|\s)([0-9]{1,5})\s*[-/]?\s*([A-Za-z0-9]{0,6})\s*$")
_NAME_PUNCTUATION = re.compile(r"[^\w]+")


class SignalInvalid(Exception):
    """The signal or the decision cannot be accepted; ``errors`` maps fields to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class SignalConflict(Exception):
    """The request conflicts with what happened before (a reused key, a second triage)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SignalForbidden(Exception):
    """The user may see the signal but not do this with it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LocationInput:
    address: str
    postcode: str
    wijk: str = ""
    buurt: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class PersonInput:
    role: str
    name: str = ""
    birth_date: datetime.date | None = None
    bsn: str = ""


@dataclass(frozen=True)
class SignalInput:
    """A signal as the API received it, types checked, nothing else."""

    category: str
    description: str
    observed_at: datetime.datetime
    location: LocationInput
    persons: tuple[PersonInput, ...] = ()


@dataclass(frozen=True)
class FiledSignal:
    """The result of filing: the signal, and whether it was filed by an earlier request."""

    signal: Signal
    replayed: bool


@dataclass
class _Errors:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise SignalInvalid(self.by_field)


@dataclass(frozen=True)
class _Person:
    role: str
    details: PersonDetails


@dataclass(frozen=True)
class _Clean:
    category: Category
    municipality: Municipality
    description: str
    observed_at: datetime.datetime
    address: str
    postcode: str
    address_index: bytes | None
    wijk: str
    buurt: str
    lat: Decimal | None
    lon: Decimal | None
    persons: tuple[_Person, ...]


# The categories of the domain brief (section 2): code, Dutch label, usual case type. The
# data migration 0002 seeds the same rows; both leave existing rows as the admin left them.
DEFAULT_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("WO-GELUID", "Geluidsoverlast buren", "woonoverlast"),
    ("WO-INTIMIDATIE", "Intimidatie of bedreiging buren", "woonoverlast"),
    ("WO-AANLOOP", "Overlast door bezoekers / aanloop", "woonoverlast"),
    ("WO-VERVUILING", "Woningvervuiling of verwaarlozing", "woonoverlast"),
    ("WO-DIEREN", "Overlast door huisdieren", "woonoverlast"),
    ("JO-HANGEN", "Rondhangende jongeren", "jeugdoverlast"),
    ("JO-VANDALISME", "Vernieling of baldadigheid", "jeugdoverlast"),
    ("JO-INTIMIDATIE", "Intimidatie door groep", "jeugdoverlast"),
    ("JO-MIDDELEN", "Alcohol, drugs of lachgas op straat", "jeugdoverlast"),
    ("MP-VERWARD", "Persoon met verward gedrag", "multiproblem"),
    ("MP-SCHULDEN", "Schulden of huurachterstand", "multiproblem"),
    ("MP-DAKLOOS", "(Dreigende) dakloosheid", "multiproblem"),
    ("MP-VERSLAVING", "Verslavingsproblematiek", "multiproblem"),
    ("MP-HUISELIJK", "Signaal huiselijk geweld (route naar Veilig Thuis)", "multiproblem"),
    ("MP-RECIDIVE", "Veelpleger of terugkeer na detentie", "multiproblem"),
    ("OM-HENNEP", "Vermoeden hennepteelt", "riec"),
    ("OM-DRUGSHANDEL", "Drugshandel vanuit woning of pand", "riec"),
    ("OM-VASTGOED", "Verdacht vastgoed / malafide verhuur", "riec"),
    ("OM-UITBUITING", "Signaal mensenhandel of uitbuiting", "riec"),
    ("OM-WITWAS", "Verdachte onderneming (witwassen)", "riec"),
)


@transaction.atomic
def categories_ensure_defaults() -> int:
    """Create the brief's categories where missing; returns how many were created.

    Idempotent; never changes or reactivates an existing category.
    """
    created = 0
    for position, (code, label, case_type) in enumerate(DEFAULT_CATEGORIES, start=1):
        _category, made = Category.objects.get_or_create(
            code=code,
            defaults={"label_nl": label, "case_type": case_type, "sort_order": position * 10},
        )
        created += int(made)
    return created


@dataclass(frozen=True)
class StreetRow:
    """One row of a postcode table: a street's postcode and numbers, with its CBS areas."""

    wijk_code: str
    wijk_name: str
    buurt_code: str
    buurt_name: str
    postcode: str
    name: str
    place: str
    number_from: int = 1
    number_to: int = 99999
    numbers: str = Street.Numbers.ALL


@transaction.atomic
def streets_load(*, municipality: Municipality, rows: list[StreetRow]) -> int:
    """Add the wijken, buurten and streets of ``rows`` to ``municipality``; returns how many
    streets were added.

    Idempotent: a (postcode, street, first number) already present is left as it is. A wijk
    or buurt code of another municipality is refused with ValueError, before anything is
    written.
    """
    for row in rows:
        if _municipality_code(wijk=row.wijk_code, buurt=row.buurt_code) != municipality.code:
            raise ValueError(f"{row.buurt_code} is not in {municipality.code}")
        if row.buurt_code[2:8] != row.wijk_code[2:8]:
            raise ValueError(f"{row.buurt_code} is not in {row.wijk_code}")
    wijken: dict[str, Wijk] = {}
    buurten: dict[str, Buurt] = {}
    added = 0
    for row in rows:
        if row.wijk_code not in wijken:
            wijken[row.wijk_code], _created = Wijk.objects.get_or_create(
                code=row.wijk_code, defaults={"municipality": municipality, "name": row.wijk_name}
            )
        if row.buurt_code not in buurten:
            buurten[row.buurt_code], _created = Buurt.objects.get_or_create(
                code=row.buurt_code,
                defaults={"wijk": wijken[row.wijk_code], "name": row.buurt_name},
            )
        postcode = postcode_normalise(row.postcode)
        _street, created = Street.objects.get_or_create(
            postcode=postcode,
            name=row.name,
            number_from=row.number_from,
            defaults={
                "buurt": buurten[row.buurt_code],
                "city": row.place,
                "number_to": row.number_to,
                "numbers": row.numbers,
            },
        )
        added += int(created)
    return added


def months_later(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` plus whole calendar months (negative: back); the 31st becomes the month's
    last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def signal_request_hash(*, body: Any) -> str:
    """SHA-256 of the body as canonical JSON (sorted keys, no spaces), for idempotency."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def idempotency_key_check(*, key: str) -> str:
    """The ``Idempotency-Key`` header as stored; raises SignalInvalid when it is unusable."""
    key = key.strip()
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable() or not key.isascii():
        raise SignalInvalid(
            {
                "Idempotency-Key": [
                    _("An Idempotency-Key has at most %(n)d printable ASCII characters.")
                    % {"n": IDEMPOTENCY_KEY_MAX}
                ]
            }
        )
    return key


def name_split(name: str) -> tuple[str, str]:
    """Split a full name into (given names, surname); tussenvoegsels belong to the surname.

    "Ria van der Steeg" gives ("Ria", "van der Steeg"); "de Vries" gives ("", "de Vries").
    """
    words = name.split()
    if not words:
        return "", ""
    start = len(words) - 1
    while start > 0 and _NAME_PUNCTUATION.sub("", words[start - 1].casefold()) in TUSSENVOEGSELS:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def _house_number(address: str) -> tuple[str, str] | None:
    street = address.split(",")[0].strip()
    match = _HOUSE_NUMBER.search(street)
    if match is None:
        return None
    return match.group(1), match.group(2)


def _municipality_code(*, wijk: str, buurt: str) -> str | None:
    for pattern, code in ((_WIJK, wijk), (_BUURT, buurt)):
        match = pattern.fullmatch(code) if code else None
        if match:
            return f"GM{match.group(1)}"
    return None


def _signal_municipality(
    *, reporter: User, wijk: str, buurt: str, errors: _Errors
) -> Municipality | None:
    """The reporter's own municipality, or for a regional organisation the wijk's or buurt's.

    The 4 digits after WK or BU in a CBS code are the municipality's number (GM + digits).
    """
    organisation = reporter.organisation
    code = _municipality_code(wijk=wijk, buurt=buurt)
    if organisation is not None and organisation.municipality_id is not None:
        municipality = organisation.municipality
        assert municipality is not None
        if code is not None and code != municipality.code:
            errors.add(
                "location.wijk",
                _("This wijk or buurt is not in %(name)s.") % {"name": municipality.name},
            )
        return municipality
    municipality = Municipality.objects.filter(code=code).first() if code else None
    # An organisation without a municipality files only inside its own region; one with
    # neither works for no municipality at all.
    if (
        municipality is None
        or organisation is None
        or organisation.region_id is None
        or municipality.region_id != organisation.region_id
    ):
        errors.add(
            "location.wijk",
            _(
                "Give the wijk or buurt (CBS code, e.g. WK999901) of a municipality your "
                "organisation works for: it says which municipality the signal is for."
            ),
        )
        return None
    return municipality


def _area_of(*, reporter: User, postcode: str, number: tuple[str, str] | None) -> tuple[str, str]:
    """The wijk and buurt codes the street table gives for this address, or empty strings.

    Only areas of a municipality the reporter works for are taken: an address in another
    town stays as typed and is judged by the municipality rules like any other.
    """
    found = address_lookup(postcode=postcode, house_number=int(number[0]) if number else None)
    if found is None:
        return "", ""
    organisation = reporter.organisation
    allowed = organisation is not None and (
        found.municipality_id == organisation.municipality_id
        or (
            organisation.municipality_id is None
            and organisation.region_id is not None
            and Municipality.objects.filter(
                pk=found.municipality_id, region_id=organisation.region_id
            ).exists()
        )
    )
    return (found.wijk, found.buurt) if allowed else ("", "")


def _clean_location(*, reporter: User, location: LocationInput, errors: _Errors) -> dict[str, Any]:
    wijk = location.wijk.strip().upper()
    buurt = location.buurt.strip().upper()
    if wijk and not _WIJK.fullmatch(wijk):
        errors.add("location.wijk", _("A wijk code is WK followed by 6 digits, e.g. WK999901."))
        wijk = ""
    if buurt and not _BUURT.fullmatch(buurt):
        errors.add("location.buurt", _("A buurt code is BU followed by 8 digits, e.g. BU99990101."))
        buurt = ""
    if wijk and buurt and buurt[2:8] != wijk[2:8]:
        errors.add("location.buurt", _("This buurt is not in the wijk given."))
    address = location.address.strip()
    if not address:
        errors.add("location.address", _("Fill in the address."))
    postcode = ""
    try:
        postcode = postcode_normalise(location.postcode)
    except InvalidIdentifier as error:
        errors.add("location.postcode", str(error))
    number = _house_number(address)
    if postcode and not (wijk or buurt):
        wijk, buurt = _area_of(reporter=reporter, postcode=postcode, number=number)
    municipality = _signal_municipality(reporter=reporter, wijk=wijk, buurt=buurt, errors=errors)
    address_index = None
    if postcode and number is not None:
        try:
            address_index = blind_index(
                kind="address",
                value=address_key(postcode=postcode, house_number=number[0], addition=number[1]),
            )
        except InvalidIdentifier:
            address_index = None  # no usable house number: the signal is not matched by address
    coordinates: dict[str, Decimal | None] = {}
    for name, value, limit in (("lat", location.lat, 90), ("lon", location.lon, 180)):
        if value is not None and not -limit <= value <= limit:
            errors.add(
                f"location.{name}",
                _("A coordinate lies between -%(limit)d and %(limit)d.") % {"limit": limit},
            )
            value = None
        # Three decimals is about a hundred metres: a street, not a front door.
        coordinates[name] = (
            Decimal(str(value)).quantize(Decimal("0.001")) if value is not None else None
        )
    return {
        "municipality": municipality,
        "address": address,
        "postcode": postcode,
        "address_index": address_index,
        "wijk": wijk,
        "buurt": buurt,
        **coordinates,
    }


def _clean_person(
    *, index: int, person: PersonInput, today: datetime.date, errors: _Errors
) -> _Person:
    prefix = f"persons.{index}"
    if person.role not in SignalPersonRole.values:
        errors.add(f"{prefix}.role", _("Unknown role: %(role)s.") % {"role": person.role})
    given_names, surname = name_split(person.name)
    if surname:
        try:
            surname_normalise(surname)
        except InvalidIdentifier as error:
            errors.add(f"{prefix}.name", str(error))
    bsn = ""
    if person.bsn.strip():
        try:
            bsn = bsn_normalise(person.bsn)
        except InvalidIdentifier as error:
            errors.add(f"{prefix}.bsn", str(error))
    birth_date = person.birth_date
    if birth_date is not None and not EARLIEST_BIRTH_DATE <= birth_date <= today:
        errors.add(f"{prefix}.birth_date", _("This birth date is not possible."))
    if not (surname or bsn or birth_date or person.bsn.strip()):
        errors.add(prefix, _("Give this person's name, birth date or BSN, or leave them out."))
    return _Person(
        role=person.role,
        details=PersonDetails(
            given_names=given_names, surname=surname, birth_date=birth_date, bsn=bsn
        ),
    )


def _clean(*, reporter: User, data: SignalInput, now: datetime.datetime) -> _Clean:
    errors = _Errors()
    code = data.category.strip().upper()
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        errors.add("category", _("Unknown category: %(code)s.") % {"code": data.category})
    description = data.description.strip()
    if not description:
        errors.add("description", _("Describe what was observed."))
    observed_at = data.observed_at
    if observed_at > now + CLOCK_SKEW:
        errors.add("observed_at", _("The moment observed lies in the future."))
    elif observed_at < months_later(now, -MAX_SIGNAL_AGE_MONTHS):
        errors.add(
            "observed_at",
            _("The moment observed lies more than a year back; signals are about recent events."),
        )
    location = _clean_location(reporter=reporter, location=data.location, errors=errors)
    municipality = location["municipality"]
    if (
        category is not None
        and category.municipality_id is not None
        and (municipality is None or category.municipality_id != municipality.pk)
    ):
        # Another municipality's own category is unknown here, as if it did not exist.
        errors.add("category", _("Unknown category: %(code)s.") % {"code": data.category})
        category = None
    today = timezone.localdate(now)
    persons = tuple(
        _clean_person(index=index, person=given, today=today, errors=errors)
        for index, given in enumerate(data.persons)
    )
    errors.raise_if_any()
    assert category is not None and location["municipality"] is not None
    return _Clean(
        category=category,
        description=description,
        observed_at=min(observed_at, now),
        persons=persons,
        **location,
    )


def _replay(*, reporter: User, key: str, request_hash: str) -> Signal | None:
    """The signal an earlier request with this key filed, or None; 409 for another body."""
    earlier = Signal.objects.filter(reporter=reporter, idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.request_hash != request_hash:
        raise SignalConflict(
            _("This Idempotency-Key was already used for another request; use a new key.")
        )
    return earlier


def signal_file(
    *,
    reporter: User,
    data: SignalInput,
    idempotency_key: str = "",
    request_hash: str = "",
    origin: str | None = None,
) -> FiledSignal:
    """File a signal for the municipality it concerns, with its persons, in one transaction.

    With an ``idempotency_key``: the same key and ``request_hash`` from the same reporter give
    the signal filed the first time (``replayed``) and create nothing; the same key with
    another hash raises SignalConflict. Two identical requests at once file one signal: the
    database's unique constraint decides, and the loser answers with the winner's signal.
    That is why the atomic block sits inside this function, not around it.

    Raises SignalInvalid (all errors at once, by field) and SignalConflict.
    """
    key = idempotency_key_check(key=idempotency_key) if idempotency_key else ""
    if key:
        earlier = _replay(reporter=reporter, key=key, request_hash=request_hash)
        if earlier is not None:
            return FiledSignal(signal=earlier, replayed=True)
    now = timezone.now()
    clean = _clean(reporter=reporter, data=data, now=now)
    try:
        signal = _signal_create(
            reporter=reporter,
            clean=clean,
            key=key,
            request_hash=request_hash if key else "",
            now=now,
            origin=origin,
        )
    except IntegrityError:
        earlier = _replay(reporter=reporter, key=key, request_hash=request_hash) if key else None
        if earlier is None:
            raise
        return FiledSignal(signal=earlier, replayed=True)
    return FiledSignal(signal=signal, replayed=False)


@transaction.atomic
def _signal_create(
    *,
    reporter: User,
    clean: _Clean,
    key: str,
    request_hash: str,
    now: datetime.datetime,
    origin: str | None,
) -> Signal:
    assert reporter.organisation is not None
    # The gap-free reference is taken last (below): the counter's row lock is then held for
    # the last few statements of the filing, not all of them, so filings run side by side.
    # Until then the row carries a provisional reference no other transaction can see.
    signal = Signal(
        reference=f"S-{uuid.uuid4().hex[:18]}",
        municipality=clean.municipality,
        source=source_for(reporter),
        reporter=reporter,
        reporter_organisation=reporter.organisation,
        category=clean.category,
        observed_at=clean.observed_at,
        description=clean.description,
        address=clean.address or None,
        postcode=clean.postcode or None,
        address_index=clean.address_index,
        postcode_area=clean.postcode[:4],
        wijk=clean.wijk,
        buurt=clean.buurt,
        lat=clean.lat,
        lon=clean.lon,
        status=SignalStatus.NEW,
        idempotency_key=key,
        request_hash=request_hash,
        personal_data_until=months_later(now, PERSONAL_DATA_MONTHS),
        data_key=data_key_create(purpose="signal"),
        created_at=now,
    )
    # The signal row comes first: it claims the idempotency key before anything else is
    # written, so a concurrent twin fails fast and leaves no persons behind.
    signal.save()
    signal_reminders_schedule(signal=signal)
    # One insert for every person; a person given twice in one role is recorded once.
    SignalPerson.objects.bulk_create(
        [
            SignalPerson(
                signal=signal, person=person_register(details=person.details)[0], role=person.role
            )
            for person in clean.persons
        ],
        ignore_conflicts=True,
    )
    signal.reference = reference_next(prefix="S", year=timezone.localdate(now).year)
    Signal.objects.filter(pk=signal.pk).update(reference=signal.reference)
    access_log_record(
        actor=reporter,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.CHANGE,
                object_type="signal",
                object_id=str(signal.uuid),
                detail={
                    "change": "filed",
                    "reference": signal.reference,
                    "category": clean.category.code,
                    "persons": len(clean.persons),
                },
            )
        ],
    )
    return signal


@dataclass(frozen=True)
class _Decision:
    decision: TriageDecision
    case: Case | None = None
    case_type: CaseType | None = None
    forward_to: str = ""
    reason: str = ""


def _decision_check(
    *,
    signal: Signal,
    actor: User,
    decision: str,
    case_type: str | None,
    case_id: Any,
    forward_to: str,
    reason: str,
    origin: str | None,
) -> _Decision:
    forward_to, reason = (forward_to or "").strip(), (reason or "").strip()
    if decision not in TriageDecision.values:
        raise SignalInvalid({"decision": [_("Unknown decision: %(d)s.") % {"d": decision}]})
    chosen = TriageDecision(decision)
    if chosen == TriageDecision.NEW_CASE:
        wanted = case_type or signal.category.case_type
        if wanted not in CaseType.values:
            raise SignalInvalid({"case_type": [_("Unknown case type: %(t)s.") % {"t": wanted}]})
        return _Decision(decision=chosen, case_type=CaseType(wanted), reason=reason)
    if chosen == TriageDecision.LINK:
        return _Decision(
            decision=chosen,
            case=_case_to_link(signal=signal, actor=actor, case_id=case_id, origin=origin),
            reason=reason,
        )
    errors = _Errors()
    if chosen == TriageDecision.FORWARD and not forward_to:
        errors.add("to", _("Say to whom the signal is forwarded."))
    if not reason:
        errors.add("reason", _("Give a reason."))
    errors.raise_if_any()
    return _Decision(decision=chosen, forward_to=forward_to, reason=reason)


def _case_to_link(*, signal: Signal, actor: User, case_id: Any, origin: str | None) -> Case:
    unknown = SignalInvalid({"case": [_("Unknown case.")]})
    if not case_id:
        raise unknown
    try:
        case, disclosure = case_get_for(user=actor, case_id=case_id, origin=origin)
    except CaseNotFound:
        raise unknown from None
    if not disclosure.runs_case or case.municipality_id != signal.municipality_id:
        raise SignalInvalid({"case": [_("Link signals only to cases your own municipality runs.")]})
    if case.closed_at is not None:
        raise SignalInvalid({"case": [_("This case is closed; reopen it or open a new case.")]})
    return case


def signal_triage(
    *,
    signal: Signal,
    actor: User,
    decision: str,
    case_type: str | None = None,
    case_id: Any = None,
    forward_to: str = "",
    reason: str = "",
    origin: str | None = None,
) -> Signal:
    """Decide once what becomes of a new signal: a new case, a link, forward or dismiss.

    A new case is run by the actor's organisation; the signal's persons join the case in
    their roles, its description becomes a nuisance note (where the actor may write one) and
    the case counts the signal. A link does the same for an open case the actor's
    municipality runs. Forward and dismiss need a reason; any decision may carry one. The
    case to link is looked up (a refusal is logged) before the transaction, so an invalid
    request cannot roll that log entry back.

    Raises SignalForbidden when the actor may not triage this signal, SignalInvalid for a
    bad decision and SignalConflict when the signal was triaged already.
    """
    if signal_view(user=actor, signal=signal) != SignalView.FULL:
        raise SignalForbidden(_("Only the municipality's coordinators triage signals."))
    if signal.status != SignalStatus.NEW:
        raise SignalConflict(_("This signal was triaged already."))
    checked = _decision_check(
        signal=signal,
        actor=actor,
        decision=decision,
        case_type=case_type,
        case_id=case_id,
        forward_to=forward_to,
        reason=reason,
        origin=origin,
    )
    return _triage_apply(signal=signal, actor=actor, checked=checked, origin=origin)


@transaction.atomic
def _triage_apply(*, signal: Signal, actor: User, checked: _Decision, origin: str | None) -> Signal:
    locked = (
        Signal.objects.select_for_update(of=("self",)).select_related("category").get(pk=signal.pk)
    )
    if locked.status != SignalStatus.NEW:
        raise SignalConflict(_("This signal was triaged already."))
    if locked.anonymised_at is not None:
        raise SignalConflict(
            _("This signal was anonymised after its retention period and cannot be triaged.")
        )
    case = checked.case
    if checked.decision == TriageDecision.NEW_CASE:
        assert actor.organisation is not None and checked.case_type is not None
        try:
            case = case_open(
                owner=actor.organisation,
                case_type=checked.case_type,
                opened_by=actor,
                wijk=locked.wijk,
                buurt=locked.buurt,
                origin=origin,
                # The signal's reporter made the referral (aanmelding) of a multiproblem case.
                referred_by=locked.reporter,
            )
        except CaseworkError as error:
            raise SignalInvalid({error.field: [error.message]}) from error
    if case is not None:
        _signal_into_case(signal=locked, case=case, actor=actor, origin=origin)
        locked.status = SignalStatus.TRIAGED
        locked.case = case
        # Part of a case now: the case's retention governs the personal data.
        locked.personal_data_until = None
    else:
        locked.status = (
            SignalStatus.FORWARDED
            if checked.decision == TriageDecision.FORWARD
            else SignalStatus.DISMISSED
        )
        locked.forward_to = checked.forward_to
    locked.triage_reason = checked.reason or None
    locked.decision = checked.decision
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(
        update_fields=[
            "status",
            "case",
            "personal_data_until",
            "forward_to",
            "triage_reason",
            "decision",
            "decided_at",
            "decided_by",
        ]
    )
    signal_reminders_cancel(signal=locked)
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.CHANGE,
                object_type="signal",
                object_id=str(locked.uuid),
                detail={
                    "change": "triaged",
                    "reference": locked.reference,
                    "decision": checked.decision.value,
                    **({"case": case.reference} if case is not None else {}),
                },
            )
        ],
    )
    return locked


def _signal_into_case(*, signal: Signal, case: Case, actor: User, origin: str | None) -> None:
    for signal_person in signal.signal_persons.select_related("person"):
        case_person_add(
            case=case,
            person=signal_person.person,
            role=PersonRole(signal_person.role),
            actor=actor,
            origin=origin,
        )
    # Nobody writes into a group they may not read: a team lead's profile has no nuisance
    # group, so the description then stays with the signal only.
    if case_disclosure_for(user=actor, case=case).allows(FieldGroup.NUISANCE):
        note_add(
            case=case,
            author=actor,
            field_group=FieldGroup.NUISANCE,
            body=f"[{signal.reference}] {signal.description}",
            origin=origin,
        )
    case_signal_linked(case=case, actor=actor, origin=origin)


@transaction.atomic
def signals_bundle(
    *,
    signals: list[Signal],
    actor: User,
    case_type: str | None = None,
    origin: str | None = None,
) -> Case:
    """Take several new signals into one new case: the oldest opens it, the rest are linked.

    All or nothing: when any of them cannot be triaged (another coordinator was first, or the
    actor may not), nothing is changed. Raises what ``signal_triage`` raises, and
    SignalInvalid for fewer than two signals or signals of different municipalities.
    """
    if len(signals) < 2:
        raise SignalInvalid({"signals": [_("Choose at least two signals to take together.")]})
    if len({s.municipality_id for s in signals}) != 1:
        raise SignalInvalid({"signals": [_("Signals of different municipalities stay apart.")]})
    ordered = sorted(signals, key=lambda s: (s.created_at, s.pk))
    first = signal_triage(
        signal=ordered[0],
        actor=actor,
        decision=TriageDecision.NEW_CASE,
        case_type=case_type,
        origin=origin,
    )
    assert first.case is not None
    for signal in ordered[1:]:
        signal_triage(
            signal=signal,
            actor=actor,
            decision=TriageDecision.LINK,
            case_id=first.case.uuid,
            origin=origin,
        )
    return first.case


_CATEGORY_CODE = re.compile(r"[A-Z]{2}-[A-Z0-9]{2,24}")


def _category_logged(*, actor: User, category: Category, change: str, origin: str | None) -> None:
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.CONFIGURE,
                object_type="signal_category",
                object_id=category.code,
                detail={
                    "change": change,
                    "municipality": category.municipality.code if category.municipality else None,
                },
            )
        ],
    )


@transaction.atomic
def category_add(
    *,
    actor: User,
    municipality: Municipality | None,
    code: str,
    label: str,
    case_type: str,
    origin: str | None = None,
) -> Category:
    """Add a category to ``municipality``'s own set (None: the installation's), logged.

    Raises SignalInvalid for a malformed or already used code, an empty label or an
    unknown case type.
    """
    errors = _Errors()
    code = code.strip().upper()
    label = label.strip()
    if not _CATEGORY_CODE.fullmatch(code):
        errors.add("code", _("A code is two letters, a hyphen and 2 to 24 letters or digits."))
    elif Category.objects.filter(code=code).exists():
        errors.add("code", _("This code is already in use in the installation."))
    if not label or len(label) > 200:
        errors.add("label", _("Give a Dutch label of at most 200 characters."))
    if case_type not in CaseType.values:
        errors.add("case_type", _("Unknown case type: %(t)s.") % {"t": case_type})
    errors.raise_if_any()
    last = Category.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    category = Category.objects.create(
        code=code,
        label_nl=label,
        case_type=case_type,
        municipality=municipality,
        sort_order=(last or 0) + 10,
    )
    _category_logged(actor=actor, category=category, change="added", origin=origin)
    return category


@transaction.atomic
def category_set_active(
    *, actor: User, category: Category, active: bool, origin: str | None = None
) -> Category:
    """Offer (``active``) or retire a category; signals keep the categories they have. Logged."""
    if category.active != active:
        category.active = active
        category.save(update_fields=["active"])
        _category_logged(
            actor=actor,
            category=category,
            change="activated" if active else "retired",
            origin=origin,
        )
    return category


@transaction.atomic
def signal_anonymise(*, signal_id: int) -> list[int]:
    """Anonymise a signal: shred its data key, unlink its persons; return their ids.

    The description, address, postcode and triage reason become unreadable (crypto-
    shredding); the address blind index and the idempotency fingerprint are cleared; the
    persons named in it are unlinked (the caller forgets those nothing else names). The row
    keeps what the figures need: municipality, category, source, wijk, buurt, the four
    postcode digits, the coarse coordinates, the times and the triage outcome.

    Idempotent: an anonymised signal is left alone and returns []. Open not-triaged
    reminders are cancelled. Raises Signal.DoesNotExist for an unknown id.
    """
    locked = (
        Signal.objects.select_for_update(of=("self",)).select_related("data_key").get(pk=signal_id)
    )
    if locked.anonymised_at is not None:
        return []
    person_ids = sorted(
        set(SignalPerson.objects.filter(signal=locked).values_list("person_id", flat=True))
    )
    SignalPerson.objects.filter(signal=locked).delete()
    if locked.status == SignalStatus.NEW:
        signal_reminders_cancel(signal=locked)
    data_key_destroy(data_key=locked.data_key)
    Signal.objects.filter(pk=locked.pk).update(
        anonymised_at=timezone.now(),
        personal_data_until=None,
        address_index=None,
        idempotency_key="",
        request_hash="",
    )
    return person_ids
