"""Fill the bench's PostgreSQL database with fictitious cases at a chosen scale.

    python -m bench.generate --scale 100000

Reference data (region, municipalities, roles, disclosure profiles, demo users, streets)
comes from the demo seeder; on top of it come 200 partner organisations in all, and then,
per case: its data key, 3 persons (subject, household member, reporter) with their own data
keys, encrypted fields and blind indexes, 3-7 participations with their guardian grants,
3 signals (each with its own data key), 2 plan actions, 2 notes, its history and access-log
rows, and for a tenth of the cases a pending reminder.

Every value is encrypted by ``permissions.crypto.encrypt_value`` under a data key wrapped
with the installation's key-encryption key, with the associated data the model field itself
computes, and every blind index comes from ``permissions.crypto.blind_index`` over the
normalisers of ``permissions.identifiers``: the benchmarks decrypt what production would.

Rows are written with COPY by one process per core, each for its own range of cases, into
tables whose secondary indexes are dropped first and built again at the end. Nothing is
done through the services: the generator writes what the services would have written.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import psycopg

DEFAULT_SCALE = 100_000
CHUNK = 2_000
PARTNER_ORGANISATIONS = 200
# Case types in the brief's proportions (per 100,000 inhabitants: 20-40 woonoverlast,
# about 9 youth groups, 60-120 multiproblem, 0-2 RIEC), as the demo history uses them.
CASE_TYPES = (("woonoverlast", 30), ("jeugdoverlast", 9), ("multiproblem", 90), ("riec", 2))
# Share of cases per municipality: Lindewaard is four times Veenhoven.
MUNICIPALITY_WEIGHTS = (80, 20)
# Share of cases each named partner takes part in; the rest are drawn from all partners.
FREQUENT_PARTNERS = {
    "Politie basisteam Lindewaard": 0.45,
    "Woonstichting Lindewaard": 0.35,
    "GGZ Lindewaard": 0.25,
}
YEARS = 5  # cases opened over the last five years
CLOSED_SHARE = 0.6  # of cases older than a year
SURNAMES = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden",
    "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek",
    "de Bruijn", "de Jong", "Willems", "van Dijk", "Schouten", "van Beek", "Hoekstra",
    "Verhoeven", "Koster", "Prins", "Kuipers", "Huisman", "Postma", "Peeters", "Yilmaz",
    "El Amrani", "Öztürk", "Çelik", "Nguyen", "Kaya", "Bouzid", "Lindeboom", "Wildschut",
)  # fmt: skip
GIVEN_NAMES = (
    "Jan", "Anna", "Mohammed", "Sophie", "Daan", "Emma", "Sem", "Julia", "Lucas", "Mila",
    "Noah", "Tess", "Liam", "Sara", "Finn", "Zoë", "Levi", "Nora", "Milan", "Lotte", "Bram",
    "Fleur", "Yusuf", "Noor", "Thijs", "Eva", "Ayoub", "Fenna", "Jesse", "Lina",
)  # fmt: skip
STREETS = (
    "Dorpsstraat", "Kerkstraat", "Molenweg", "Schoolstraat", "Stationsweg", "Merelstraat",
    "Lijsterlaan", "Rozenstraat", "Tulpstraat", "Rembrandtlaan", "Vermeerstraat", "Havenkade",
)  # fmt: skip
DESCRIPTIONS = {
    "woonoverlast": "Buren melden overlast vanuit de woning: harde muziek en geschreeuw.",
    "jeugdoverlast": "Groep jongeren bij het winkelcentrum, luidruchtig; lachgaspatronen.",
    "multiproblem": "Bewoner maakt een verwarde indruk; huurachterstand en vervuiling.",
    "riec": "Opvallend veel bezoek aan een bedrijfspand, ramen afgeplakt.",
}
CATEGORY_PREFIX = {"woonoverlast": "WO", "jeugdoverlast": "JO", "multiproblem": "MP", "riec": "OM"}
NOTE_GROUPS = ("nuisance", "care", "justice")
GROUPS_JSON = json.dumps(["core", "identity"])
WIJK_WEIGHTS = (22, 18, 9, 8, 8, 7, 7, 6, 8, 7)
MONTH_YOUTH = (0.7, 0.7, 0.8, 0.9, 1.1, 1.5, 1.8, 1.8, 1.2, 0.9, 0.8, 0.8)
WEEKDAY_YOUTH = (0.6, 0.6, 0.7, 0.8, 2.2, 2.6, 1.0)
HOUR_YOUTH = (4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 4, 5, 6, 8, 10, 10, 9, 6)
HOUR_OTHER = (1, 1, 0, 0, 0, 0, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 5, 5, 4, 4, 3, 3, 2, 1)

# The tables the generator writes, with their secondary indexes dropped while it does.
BULK_TABLES = (
    "permissions_datakey",
    "casework_case",
    "casework_person",
    "casework_caseperson",
    "casework_participation",
    "casework_casegroupobjectpermission",
    "casework_planaction",
    "casework_note",
    "casework_casehistory",
    "signals_signal",
    "signals_signalperson",
    "permissions_accesslog",
    "notifications_reminder",
)
# Ids per case in each table (a stride: every case owns a fixed block of ids).
STRIDE = {
    "permissions_datakey": 8,  # case + 3 persons + 3 signals
    "casework_person": 3,
    "casework_caseperson": 3,
    "casework_participation": 7,
    "casework_casegroupobjectpermission": 7,
    "casework_planaction": 2,
    "casework_note": 2,
    "casework_casehistory": 10,
    "signals_signal": 3,
    "signals_signalperson": 3,
    "permissions_accesslog": 2,
    "notifications_reminder": 1,
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the context every worker needs -------------------------------------------------------


@dataclass
class Org:
    id: int
    name: str
    type: str
    group_id: int
    profile_id: int
    field_groups: list[str]


@dataclass
class Context:
    scale: int
    now: datetime.datetime
    municipalities: list[tuple[int, int, str, list[tuple[str, list[str]]]]]
    # (municipality id, owner organisation id, name, [(wijk, [buurten])])
    partners: list[Org]
    frequent: list[tuple[Org, float]]
    coordinators: dict[int, tuple[int, str]]  # municipality id -> (user id, username)
    reporters: dict[int, tuple[int, int]]  # municipality id -> (user id, organisation id)
    categories: dict[str, list[int]]  # prefix -> category ids
    view_case_perm: int
    base: dict[str, int] = field(default_factory=dict)
    case_offset: int = 0


def _db_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def database_create(url: str, *, drop: bool = False) -> None:
    """Create the bench database (dropping it first when asked)."""
    name = _db_name(url)
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def generated_scale(url: str) -> int | None:
    """The scale of a finished generation in this database, or None."""
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT scale FROM bench_meta WHERE finished_at IS NOT NULL"
            ).fetchone()
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    return int(row[0]) if row else None


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def reference_data_seed() -> dict[str, str]:
    """Demo region and roster, partners up to 200, API tokens; returns the tokens by user."""
    from django.contrib.auth.models import Group

    from demo.services import demo_seed
    from permissions.constants import OrganisationType
    from permissions.models import Organisation, Region, User
    from permissions.services import api_token_issue, organisation_get_or_create

    demo_seed(history=False)
    region = Region.objects.get(code="regio-lindewaard")
    partner_types = [t for t in OrganisationType if t != OrganisationType.GEMEENTE]
    existing = Organisation.objects.exclude(type=OrganisationType.GEMEENTE).count()
    for n in range(existing, PARTNER_ORGANISATIONS):
        org_type = partner_types[n % len(partner_types)]
        organisation_get_or_create(
            name=f"Partner {n + 1:03d} ({org_type.value})", type=org_type, region=region
        )
    assert Group.objects.filter(organisation__isnull=False).count() >= PARTNER_ORGANISATIONS
    tokens = {}
    for username in ("boa", "corporatie", "coordinator", "ggz"):
        tokens[username] = api_token_issue(user=User.objects.get(username=username))
    return tokens


def context_build(scale: int) -> Context:
    from django.contrib.auth.models import Permission
    from django.db import connection

    from permissions.constants import OrganisationType, RoleSlug
    from permissions.models import DisclosureProfile, Municipality, Organisation, User
    from signals.models import Buurt, Category

    profiles = {p.slug: p for p in DisclosureProfile.objects.all()}
    municipalities = []
    coordinators = {}
    reporters = {}
    for municipality in Municipality.objects.order_by("-name"):  # Lindewaard first
        owner = Organisation.objects.get(municipality=municipality, type=OrganisationType.GEMEENTE)
        wijken: dict[str, list[str]] = {}
        for buurt in Buurt.objects.filter(wijk__municipality=municipality).select_related("wijk"):
            wijken.setdefault(buurt.wijk.code, []).append(buurt.code)
        municipalities.append(
            (municipality.pk, owner.pk, municipality.name, sorted(wijken.items()))
        )
        coordinator = User.objects.filter(
            organisation=owner, role__slug=RoleSlug.COORDINATOR
        ).first()
        boa = User.objects.filter(organisation=owner, role__slug=RoleSlug.BOA).first()
        assert coordinator is not None and boa is not None
        coordinators[municipality.pk] = (coordinator.pk, coordinator.username)
        reporters[municipality.pk] = (boa.pk, owner.pk)
    partners = [
        Org(
            id=o.pk,
            name=o.name,
            type=o.type,
            group_id=o.group_id,
            profile_id=profiles[o.type].pk,
            field_groups=list(profiles[o.type].field_groups),
        )
        for o in Organisation.objects.exclude(type=OrganisationType.GEMEENTE).order_by("pk")
    ]
    by_name = {o.name: o for o in partners}
    categories: dict[str, list[int]] = {}
    for category in Category.objects.filter(active=True):
        categories.setdefault(category.code.split("-")[0], []).append(category.pk)
    view_case = Permission.objects.get(codename="view_case", content_type__app_label="casework")
    context = Context(
        scale=scale,
        now=datetime.datetime.now(datetime.UTC).replace(microsecond=0),
        municipalities=municipalities,
        partners=partners,
        frequent=[(by_name[name], share) for name, share in FREQUENT_PARTNERS.items()],
        coordinators=coordinators,
        reporters=reporters,
        categories=categories,
        view_case_perm=view_case.pk,
    )
    with connection.cursor() as cursor:
        for table in (*BULK_TABLES, "casework_case"):
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
            context.base[table] = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM casework_case")
        context.case_offset = int(cursor.fetchone()[0])
    return context


# --- indexes ------------------------------------------------------------------------------


def indexes_drop(conn: psycopg.Connection[Any]) -> list[str]:
    """Drop the secondary indexes and unique constraints of the bulk tables; return the DDL
    that builds them again."""
    rebuild: list[str] = []
    constraints = conn.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype = 'u'
        """,
        [list(BULK_TABLES)],
    ).fetchall()
    for table, name, definition in constraints:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    indexes = conn.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [list(BULK_TABLES)],
    ).fetchall()
    for name, definition in indexes:
        conn.execute(f"DROP INDEX {name}")
        rebuild.append(definition)
    return rebuild


def indexes_build(url: str, statements: Sequence[str], *, parallel: int) -> None:
    def run(statement: str) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '256MB'")
            conn.execute(statement)

    # Largest tables first so the two connections finish together.
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(run, statements))


# --- per-case rows ------------------------------------------------------------------------


class _Key:
    """What ``permissions.crypto.encrypt_value`` reads of a DataKey, without a model instance."""

    __slots__ = ("destroyed_at", "kek_id", "pk", "purpose", "uuid", "wrapped")

    def __init__(self, pk: int, key_uuid: uuid.UUID, wrapped: bytes, kek_id: str) -> None:
        self.pk = pk
        self.uuid = key_uuid
        self.wrapped = wrapped
        self.kek_id = kek_id
        self.destroyed_at = None


class Sealer:
    """Makes data keys and encrypts with the application's own code."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from casework.models import CaseHistory, Note, Person, PlanAction
        from permissions import crypto
        from signals.models import Signal

        self.crypto = crypto
        self.aesgcm = AESGCM
        self.kek = crypto._keys().field_kek
        self.kek_id = crypto.kek_id_for(kek=self.kek)
        self.fields: dict[tuple[str, str], tuple[Any, str]] = {
            (model._meta.label_lower, name): (
                model._meta.get_field(name),
                _aad_prefix(model._meta.get_field(name)),
            )
            for model, names in (
                (Person, ("given_names", "surname", "birth_date", "bsn", "address")),
                (Signal, ("description", "address", "postcode", "triage_reason")),
                (Note, ("body",)),
                (CaseHistory, ("reason",)),
                (PlanAction, ("done_note",)),
            )
            for name in names
        }
        self.key_rows: list[tuple[Any, ...]] = []
        self.uuids = Uuids()

    def key(self, pk: int, purpose: str, created_at: datetime.datetime) -> _Key:
        raw = self.aesgcm.generate_key(bit_length=256)
        key_uuid = uuid.UUID(self.uuids())
        wrapped = self.crypto._wrap(kek=self.kek, key=raw, key_uuid=key_uuid)
        cache = self.crypto._cache
        cache.put(key_uuid, self.aesgcm(raw), generation=cache.generation)
        self.key_rows.append((pk, key_uuid, purpose, wrapped, self.kek_id, created_at, None))
        return _Key(pk, key_uuid, wrapped, self.kek_id)

    def seal(self, key: _Key, model: str, name: str, row_id: str, value: Any) -> bytes | None:
        if value is None:
            return None
        enc_field, prefix = self.fields[(model, name)]
        return self.crypto.encrypt_value(
            data_key=cast(Any, key), plaintext=enc_field.to_plaintext(value), aad=prefix + row_id
        )


def _aad_prefix(enc_field: Any) -> str:
    """What the field binds a value to, less the row's id: ``aad_for`` on a marker row."""
    marker = "\x00row\x00"
    aad: str = enc_field.aad_for(SimpleNamespace(**{enc_field.aad_field: marker}))
    assert aad.endswith(marker)
    return aad[: -len(marker)]


def bsn_for(n: int) -> str:
    """A unique, elfproef-valid, fictitious BSN for person number ``n`` (below 10 million;
    about one number in eleven has no check digit and takes one from a second range)."""
    for digits in (f"{10_000_000 + n:08d}", f"0{n % 10_000_000:07d}"):
        total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
        check = total % 11
        if check < 10:
            return digits + str(check)
    return f"{20_000_000 + n:08d}"[:8] + "0"


class Uuids:
    """Random (version 4 style) uuids as text, from one read of the OS's random source per
    batch: uuid.uuid4() per value is a tenth of the generator's time."""

    def __init__(self) -> None:
        self._pool: list[str] = []

    def __call__(self) -> str:
        if not self._pool:
            raw = os.urandom(16 * 4096).hex()
            self._pool = [
                f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
                for h in (raw[k : k + 32] for k in range(0, len(raw), 32))
            ]
        return self._pool.pop()


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _moment(rng: random.Random, now: datetime.datetime, youth: bool) -> datetime.datetime:
    day = now - datetime.timedelta(days=rng.random() * 365 * YEARS)
    if youth:
        while rng.random() * 2.6 > WEEKDAY_YOUTH[day.weekday()] or (
            rng.random() * 1.8 > MONTH_YOUTH[day.month - 1]
        ):
            day = now - datetime.timedelta(days=rng.random() * 365 * YEARS)
        hour = rng.choices(range(24), weights=HOUR_YOUTH)[0]
    else:
        hour = rng.choices(range(24), weights=HOUR_OTHER)[0]
    moment = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    return min(moment, now - datetime.timedelta(minutes=5))


@dataclass
class Rows:
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables.setdefault(table, []).append(row)


COLUMNS: dict[str, tuple[str, ...]] = {
    "permissions_datakey": (
        "id", "uuid", "purpose", "wrapped", "kek_id", "created_at", "destroyed_at",
    ),
    "casework_case": (
        "id", "uuid", "reference", "case_type", "state", "wijk", "buurt", "confidentiality",
        "opened_at", "closed_at", "created_at", "updated_at", "casusregisseur_id",
        "coordinator_id", "data_key_id", "owner_id", "escalated_to_zvh_at", "municipality_id",
        "closing_reason", "signal_count", "spawned_from_id", "care_track", "destroyed_at",
    ),
    "casework_person": (
        "id", "uuid", "given_names", "surname", "birth_date", "bsn", "address", "bsn_index",
        "name_birth_date_index", "address_index", "created_at", "data_key_id",
        "restricted_since",
    ),
    "casework_caseperson": ("id", "role", "added_at", "case_id", "person_id"),
    "casework_participation": (
        "id", "uuid", "legal_basis", "valid_from", "ended_at", "end_reason", "case_created_at",
        "case_id", "disclosure_profile_id", "ended_by_id", "granted_by_id", "organisation_id",
    ),
    "casework_casegroupobjectpermission": (
        "id", "content_object_id", "group_id", "permission_id",
    ),
    "casework_planaction": (
        "id", "uuid", "title", "due_date", "status", "created_at", "case_id", "owner_id",
        "owner_organisation_id", "closed_at", "closed_by_id", "created_by_id", "done_note",
        "agenda_item_id",
    ),
    "casework_note": (
        "id", "uuid", "field_group", "body", "created_at", "author_id",
        "author_organisation_id", "case_id",
    ),
    "casework_casehistory": (
        "id", "uuid", "kind", "name", "from_state", "to_state", "reason", "detail",
        "actor_username", "actor_role", "actor_organisation", "at", "actor_id", "case_id",
    ),
    "signals_signal": (
        "id", "uuid", "reference", "source", "observed_at", "description", "address",
        "postcode", "address_index", "postcode_area", "wijk", "buurt", "lat", "lon", "status",
        "decision", "decided_at", "forward_to", "triage_reason", "idempotency_key",
        "request_hash", "personal_data_until", "created_at", "case_id", "category_id",
        "data_key_id", "decided_by_id", "municipality_id", "reporter_id",
        "reporter_organisation_id", "anonymised_at",
    ),
    "signals_signalperson": ("id", "role", "person_id", "signal_id"),
    "permissions_accesslog": (
        "id", "uuid", "at", "action", "result", "object_type", "object_id", "person_uuid",
        "field_groups", "reason", "origin", "actor_username", "actor_role",
        "actor_organisation", "detail", "actor_id",
    ),
    "notifications_reminder": (
        "id", "kind", "object_type", "object_id", "step", "due_at", "municipality_id",
        "status", "attempts", "idempotency_key", "created_at", "claimed_at", "sent_at",
        "cancelled_at", "last_error",
    ),
}  # fmt: skip


def _states() -> dict[str, tuple[list[str], str]]:
    from workflows.machines import machine_for

    states = {}
    for case_type, _weight in CASE_TYPES:
        machine = machine_for(case_type)
        open_states = [s.name for s in machine.states if not s.final]
        final = next(s.name for s in machine.states if s.final)
        states[case_type] = (open_states, final)
    return states


def cases_rows(ctx: Context, start: int, stop: int, sealer: Sealer) -> Rows:
    """The rows of cases number ``start`` up to ``stop`` (0-based within this generation)."""
    from notifications.kinds import ObjectRef
    from notifications.services import reminder_key

    rng = random.Random(start)
    rows = Rows()
    states = _states()
    base = ctx.base
    now = ctx.now
    types = [(t, float(w)) for t, w in CASE_TYPES]
    munis = list(zip(ctx.municipalities, MUNICIPALITY_WEIGHTS, strict=False))
    j = json.dumps
    new_uuid = sealer.uuids
    for i in range(start, stop):
        n = ctx.case_offset + i
        case_id = base["casework_case"] + i
        key_base = base["permissions_datakey"] + i * STRIDE["permissions_datakey"]
        case_type = _weighted(rng, types)
        muni_id, owner_id, muni_name, wijken = _weighted(rng, munis)
        coordinator_id, coordinator_name = ctx.coordinators[muni_id]
        reporter_id, reporter_org = ctx.reporters[muni_id]
        wijk, buurten = _weighted(
            rng, [(w, WIJK_WEIGHTS[k % len(WIJK_WEIGHTS)]) for k, w in enumerate(wijken)]
        )
        buurt = rng.choice(buurten)
        created = _moment(rng, now, youth=case_type == "jeugdoverlast")
        open_states, final = states[case_type]
        closed = (now - created).days > 365 and rng.random() < CLOSED_SHARE
        state = final if closed else rng.choice(open_states)
        closed_at = created + datetime.timedelta(days=rng.randint(30, 360)) if closed else None
        riec = case_type == "riec"
        case_uuid = new_uuid()
        case_key = sealer.key(key_base, "case", created)
        rows.add(
            "casework_case",
            (
                case_id, case_uuid, f"C-{created.year}-{n + 1:07d}", case_type, state, wijk,
                buurt, 3 if riec else (2 if rng.random() < 0.05 else 1), created, closed_at,
                created, closed_at or created, None, coordinator_id, case_key.pk, owner_id,
                None, muni_id, "doel_bereikt" if closed else "", 3, None,
                case_type == "woonoverlast" and rng.random() < 0.3, None,
            ),
        )  # fmt: skip
        # Persons: subject, household member, reporter; each with its own data key.
        person_ids = []
        for k, role in enumerate(("subject", "household_member", "reporter")):
            person_no = n * 3 + k
            person_id = base["casework_person"] + i * 3 + k
            person_uuid = new_uuid()
            pkey = sealer.key(key_base + 1 + k, "person", created)
            surname = rng.choice(SURNAMES)
            given = rng.choice(GIVEN_NAMES)
            reporter = role == "reporter"  # known by name and address only
            born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(25_000))
            bsn = None if reporter else bsn_for(person_no)
            birth = None if reporter else born
            postcode = f"{rng.randint(1000, 9999)}{rng.choice('ABCEGHJKLMNPRTVWXZ')}" + (
                rng.choice("ABCEGHJKLMNPRTVWXZ")
            )
            number = str(rng.randint(1, 250))
            address = f"{rng.choice(STREETS)} {number}, {postcode} {muni_name.split()[-1]}"
            label = "casework.person"
            rows.add(
                "casework_person",
                (
                    person_id,
                    person_uuid,
                    sealer.seal(pkey, label, "given_names", person_uuid, given),
                    sealer.seal(pkey, label, "surname", person_uuid, surname),
                    sealer.seal(pkey, label, "birth_date", person_uuid, birth),
                    sealer.seal(pkey, label, "bsn", person_uuid, bsn),
                    sealer.seal(pkey, label, "address", person_uuid, address),
                    _index("bsn", bsn) if bsn else None,
                    _index("name_birth_date", (surname, birth)) if birth else None,
                    _index("address", (postcode, number)),
                    created,
                    pkey.pk,
                    None,
                ),
            )
            rows.add(
                "casework_caseperson",
                (base["casework_caseperson"] + i * 3 + k, role, created, case_id, person_id),
            )
            person_ids.append((person_id, person_uuid, postcode, number, address))
        # Participations (not for cases at the highest confidentiality: never shared).
        partners: list[Org] = []
        if not riec:
            count = rng.randint(3, 7)
            for org, share in ctx.frequent:
                if rng.random() < share and len(partners) < count:
                    partners.append(org)
            while len(partners) < count:
                org = rng.choice(ctx.partners)
                if org not in partners:
                    partners.append(org)
        history: list[tuple[str, str, str, str, str | None, dict[str, Any], datetime.datetime]]
        history = [("event", "opened", "", "", None, {"case_type": case_type}, created)]
        for k, org in enumerate(partners):
            valid_from = created + datetime.timedelta(hours=rng.randint(1, 240))
            ended = closed_at if closed and rng.random() < 0.5 else None
            basis = "Convenant Zorg- en Veiligheidshuis, art. 4 lid 2"
            rows.add(
                "casework_participation",
                (
                    base["casework_participation"] + i * 7 + k, new_uuid(), basis, valid_from,
                    ended, "Casus gesloten" if ended else "", created, case_id, org.profile_id,
                    coordinator_id if ended else None, coordinator_id, org.id,
                ),
            )  # fmt: skip
            if ended is None:
                rows.add(
                    "casework_casegroupobjectpermission",
                    (
                        base["casework_casegroupobjectpermission"] + i * 7 + k,
                        case_id,
                        org.group_id,
                        ctx.view_case_perm,
                    ),
                )
            history.append(
                (
                    "event",
                    "participation_added",
                    "",
                    "",
                    basis if k == 0 else None,
                    {"organisation": org.name, "profile": org.type},
                    valid_from,
                )
            )
        if state != open_states[0]:
            history.append(
                ("transition", "start", open_states[0], state, None, {}, created + _days(rng, 20))
            )
        for k, (kind, name, source, target, reason, detail, at) in enumerate(history):
            history_uuid = new_uuid()
            rows.add(
                "casework_casehistory",
                (
                    base["casework_casehistory"] + i * 10 + k, history_uuid, kind, name, source,
                    target,
                    sealer.seal(case_key, "casework.casehistory", "reason", history_uuid, reason),
                    j(detail), coordinator_name, "coordinator", muni_name, at, coordinator_id,
                    case_id,
                ),
            )  # fmt: skip
        # Signals: three per case, each with its own data key, about the subject.
        prefix = CATEGORY_PREFIX[case_type]
        for k in range(3):
            signal_id = base["signals_signal"] + i * 3 + k
            signal_uuid = new_uuid()
            observed = created - datetime.timedelta(days=rng.randint(1, 60) * (3 - k))
            skey = sealer.key(key_base + 4 + k, "signal", observed)
            pid, _pu, postcode, number, address = person_ids[0]
            label = "signals.signal"
            rows.add(
                "signals_signal",
                (
                    signal_id, signal_uuid, f"S-{observed.year}-{n * 3 + k + 1:07d}",
                    rng.choice(("boa", "wijkagent", "partner", "desk")), observed,
                    sealer.seal(skey, label, "description", signal_uuid, DESCRIPTIONS[case_type]),
                    sealer.seal(skey, label, "address", signal_uuid, address if k == 0 else None),
                    sealer.seal(skey, label, "postcode", signal_uuid, postcode if k == 0 else None),
                    _index("address", (postcode, number)) if k == 0 else None,
                    postcode[:4] if k == 0 else "", wijk, buurt, None, None,
                    "triaged", "new_case" if k == 0 else "link", observed + _days(rng, 3), "",
                    None, "", "", None, observed, case_id,
                    rng.choice(ctx.categories.get(prefix) or ctx.categories["WO"]), skey.pk,
                    coordinator_id, muni_id, reporter_id, reporter_org, None,
                ),
            )  # fmt: skip
            rows.add(
                "signals_signalperson",
                (base["signals_signalperson"] + i * 3 + k, "subject", pid, signal_id),
            )
        # Plan actions and notes.
        for k in range(2):
            action_uuid = new_uuid()
            done = closed or rng.random() < 0.4
            owner_org = partners[k % len(partners)].id if partners else owner_id
            due = (created + _days(rng, 90)).date()
            done_note = "Afgerond volgens afspraak." if done else None
            action_id = base["casework_planaction"] + i * 2 + k
            rows.add(
                "casework_planaction",
                (
                    action_id, action_uuid, "Huisbezoek afleggen" if k == 0 else "Evaluatie",
                    due, "done" if done else "open", created, case_id, None, owner_org,
                    created + _days(rng, 100) if done else None,
                    coordinator_id if done else None, coordinator_id,
                    sealer.seal(case_key, "casework.planaction", "done_note", action_uuid,
                                done_note),
                    None,
                ),
            )  # fmt: skip
            note_uuid = new_uuid()
            rows.add(
                "casework_note",
                (
                    base["casework_note"] + i * 2 + k, note_uuid, NOTE_GROUPS[(i + k) % 3],
                    sealer.seal(case_key, "casework.note", "body", note_uuid,
                                "Gesprek gevoerd met betrokkene; afspraken vastgelegd."),
                    created + _days(rng, 30), coordinator_id, owner_id, case_id,
                ),
            )  # fmt: skip
        # The access log: the coordinator read the case and saw the subject's data.
        for k in range(2):
            rows.add(
                "permissions_accesslog",
                (
                    base["permissions_accesslog"] + i * 2 + k, new_uuid(),
                    created + _days(rng, 30), "read_case" if k == 0 else "disclose", "ok", "case",
                    str(case_uuid), None if k == 0 else person_ids[0][1],
                    GROUPS_JSON, "", "127.0.0.1", coordinator_name, "coordinator",
                    muni_name, "{}", coordinator_id,
                ),
            )  # fmt: skip
        # A pending reminder for one case in ten: an open action coming due.
        if i % 10 == 0:
            due_at = now + datetime.timedelta(days=rng.randint(1, 60))
            action_id = base["casework_planaction"] + i * 2
            ref = ObjectRef(type="casework.planaction", id=str(action_id))
            rows.add(
                "notifications_reminder",
                (
                    base["notifications_reminder"] + i, "action_due", ref.type, ref.id, "soon",
                    due_at, muni_id, "pending", 0,
                    reminder_key(kind="action_due", ref=ref, step="soon", due_at=due_at),
                    created, None, None, None, "",
                ),
            )  # fmt: skip
    rows.tables["permissions_datakey"] = sealer.key_rows
    sealer.key_rows = []
    return rows


def _days(rng: random.Random, most: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.random() * most)


def _index(kind: str, value: Any) -> bytes:
    """The blind index the product computes for this value (permissions.identifiers)."""
    from permissions.crypto import blind_index
    from permissions.identifiers import address_key, bsn_normalise, name_birth_date_key

    if kind == "bsn":
        return blind_index(kind="bsn", value=bsn_normalise(value))
    if kind == "name_birth_date":
        surname, birth = value
        return blind_index(
            kind="name_birth_date", value=name_birth_date_key(surname=surname, birth_date=birth)
        )
    postcode, number = value
    return blind_index(kind="address", value=address_key(postcode=postcode, house_number=number))


# --- workers ------------------------------------------------------------------------------

_CTX: Context | None = None


def rows_write(conn: psycopg.Connection[Any], rows: Rows, *, commit: bool = True) -> None:
    """COPY ``rows`` into their tables on ``conn``."""
    with conn.cursor() as cursor:
        for table, columns in COLUMNS.items():
            data = rows.tables.get(table)
            if not data:
                continue
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
    if commit:
        conn.commit()


def _worker(chunk: tuple[int, int]) -> int:
    assert _CTX is not None
    from bench.env import database_url

    sealer = Sealer()
    rows = cases_rows(_CTX, chunk[0], chunk[1], sealer)
    with psycopg.connect(database_url()) as conn:
        # Foreign keys are not checked row by row here: the ids are made consistent above.
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        rows_write(conn, rows)
    return chunk[1] - chunk[0]


def _chunks(scale: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, scale, size):
        yield start, min(start + size, scale)


def finish(url: str, ctx: Context) -> None:
    """Sequences past the generated ids, counters past the generated references, ANALYZE."""
    with psycopg.connect(url, autocommit=True) as conn:
        for table in BULK_TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                f" greatest((SELECT coalesce(max(id), 1) FROM {table}), 1))"
            )
        conn.execute("VACUUM (ANALYZE)")


def generate(scale: int, *, workers: int, force: bool = False) -> dict[str, Any]:
    """Generate ``scale`` cases into a fresh bench database; returns timings."""
    global _CTX
    from bench.env import database_url

    url = database_url()
    if not force and generated_scale(url) == scale:
        log(f"the bench database already holds {scale:,} cases")
        return {"skipped": True}
    started = time.monotonic()
    database_create(url, drop=True)
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    log("migrating")
    call_command("migrate", verbosity=0)
    log("reference data: demo region, 200 partners, tokens")
    tokens = reference_data_seed()
    ctx = context_build(scale)
    from bench.floor import FLOOR_TABLE_SQL

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_TABLE_SQL)
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_meta (scale integer NOT NULL, tokens jsonb NOT NULL,"
            " started_at timestamptz NOT NULL, finished_at timestamptz, seconds real)"
        )
        cursor.execute("DELETE FROM bench_meta")
        cursor.execute(
            "INSERT INTO bench_meta (scale, tokens, started_at) VALUES (%s, %s, now())",
            [scale, json.dumps(tokens)],
        )
    connection.close()
    with psycopg.connect(url, autocommit=True) as conn:
        rebuild = indexes_drop(conn)
    log(f"dropped {len(rebuild)} indexes and unique constraints of the bulk tables")
    _CTX = ctx
    done = 0
    t_rows = time.monotonic()
    next_report = 0.0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for count in pool.imap_unordered(_worker, _chunks(scale, CHUNK)):
            done += count
            if time.monotonic() > next_report:
                rate = done / max(time.monotonic() - t_rows, 1e-6)
                log(f"{done:,} / {scale:,} cases ({rate:,.0f} cases/s)")
                next_report = time.monotonic() + 15
    rows_seconds = time.monotonic() - t_rows
    log(f"rows written in {rows_seconds:.0f} s; building {len(rebuild)} indexes")
    t_index = time.monotonic()
    indexes_build(url, rebuild, parallel=workers)
    index_seconds = time.monotonic() - t_index
    log(f"indexes built in {index_seconds:.0f} s; VACUUM ANALYZE")
    finish(url, ctx)
    total = time.monotonic() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE bench_meta SET finished_at = now(), seconds = %s", [total])
    log(f"generated {scale:,} cases in {total:.0f} s")
    return {"seconds": total, "rows_seconds": rows_seconds, "index_seconds": index_seconds}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=int(os.environ.get("SCALE", DEFAULT_SCALE)))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--force", action="store_true", help="generate even if already there")
    args = parser.parse_args(argv)
    generate(args.scale, workers=args.workers, force=args.force)


if __name__ == "__main__":
    main()
