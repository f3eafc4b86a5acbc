"""A raw scan of every table: what the database still holds, column by column.

Reads every text, varchar, json(b) and bytea column of every table in the public schema
(PostgreSQL) without going through a model, so nothing that a model hides escapes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from permissions.models import DataKey

_TYPES = ("text", "character varying", "jsonb", "json", "bytea")
# Version byte | key uuid | nonce | at least the tag: the shape of our ciphertexts.
_MIN_CIPHERTEXT = 1 + 16 + 12 + 16


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    found: str


def _columns() -> dict[str, list[tuple[str, str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s) "
            "ORDER BY table_name, ordinal_position",
            [list(_TYPES)],
        )
        found: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in cursor.fetchall():
            found.setdefault(table, []).append((column, data_type))
    return found


def raw_scan(
    *, texts: Iterable[str], blobs: Iterable[bytes] = (), key_uuids: Iterable[uuid.UUID] = ()
) -> list[Hit]:
    """Every place a needle still occurs: a text (in any text/json column, and as UTF-8 in
    any bytea column), a byte string (blind indexes) or a ciphertext that one of
    ``key_uuids`` can still decrypt (its data key is not destroyed).
    """
    needles = [t.lower() for t in texts]
    blob_needles = [bytes(b) for b in blobs]
    keys = {
        k.bytes
        for k in DataKey.objects.filter(
            uuid__in=list(key_uuids), wrapped__isnull=False
        ).values_list("uuid", flat=True)
    }
    hits: list[Hit] = []
    for table, columns in _columns().items():
        names = ", ".join(f'"{c}"' for c, _t in columns)
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT {names} FROM "{table}"')  # noqa: S608 - names from the catalogue
            rows = cursor.fetchall()
        for row in rows:
            for (column, data_type), value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if data_type == "bytea":
                    raw = bytes(value)
                    text = raw.decode("utf-8", errors="ignore").lower()
                    hits += [Hit(table, column, n) for n in needles if n in text]
                    hits += [Hit(table, column, "blind index") for b in blob_needles if b in raw]
                    if len(raw) >= _MIN_CIPHERTEXT and raw[0] == 1 and raw[1:17] in keys:
                        key = uuid.UUID(bytes=raw[1:17])
                        hits.append(Hit(table, column, f"readable ciphertext under {key}"))
                else:
                    text = str(value).lower()
                    hits += [Hit(table, column, n) for n in needles if n in text]
    return hits
