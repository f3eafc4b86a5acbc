"""No table holds a signal's description, names, BSN, address or postcode in the clear."""

from __future__ import annotations

import base64

import pytest
from django.db import connection

from signals.models import Signal
from signals.services import signal_triage

from .factories import SUBJECT_BSN, body

pytestmark = pytest.mark.django_db

REASON = "Bewoner verhuist volgende maand naar Zeewolde."


def all_table_bytes() -> bytes:
    """Every value of every table in the database, as bytes, for a plaintext search."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from introspection)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        raw = bytes(value)
                        dump += [raw, base64.b64encode(raw)]
                    elif value is not None:
                        dump.append(str(value).encode())
    return b"\n".join(dump)


def test_raw_tables_hold_no_plaintext_of_a_signal(actors, token_client):
    data = body()
    response = token_client(actors["boa"]).post("/api/v1/signals/", data, format="json")
    assert response.status_code == 201
    signal = Signal.objects.get(uuid=response.json()["id"])
    signal_triage(signal=signal, actor=actors["coordinator"], decision="dismiss", reason=REASON)
    # The application reads them back...
    assert Signal.objects.get(pk=signal.pk).triage_reason == REASON

    dump = all_table_bytes()

    plaintexts = [
        data["description"][:40],
        "Meidoornlaan",
        "9999XY",
        "9999 XY",
        "Steeg",
        "Oldenhof",
        SUBJECT_BSN,
        "1984-11-23",
        REASON[:30],
    ]
    for text in plaintexts:
        assert text.encode() not in dump, text
        assert text.lower().encode() not in dump.lower(), text
    # ...while what hotspot counts need stays plain: the four digits of the postcode.
    assert Signal.objects.filter(pk=signal.pk, postcode_area="9999").exists()
