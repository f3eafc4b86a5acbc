"""Sensitive case data never lies in the database as plain text, and keys work as designed."""

from __future__ import annotations

import base64

import pytest
from django.db import connection
from django.test import override_settings

from casework.models import Note, Person
from config.keys import InstallationKeys
from permissions.crypto import DecryptionError, KeyDestroyedError, data_key_destroy, kek_rotate

from .factories import NOTE_TEXT, REPORTER, SUBJECT, invite, make_case

pytestmark = pytest.mark.django_db

PLAINTEXTS = [
    SUBJECT.surname,
    SUBJECT.given_names,
    SUBJECT.bsn,
    "Lindelaan",
    "1971-03-14",
    REPORTER.surname,
    *[text.split(",")[0] for text in NOTE_TEXT.values()],
]


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


def test_raw_tables_hold_no_plaintext_bsn_name_or_note(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    invite(case, orgs["ggz"], actors["coordinator"])
    # The application reads them back fine...
    assert Person.objects.get(case_roles__role="subject").surname == SUBJECT.surname
    # ...but no table holds any of them in the clear (nor base64 of them).
    dump = all_table_bytes()
    for text in PLAINTEXTS:
        assert text.encode() not in dump, text
        assert text.lower().encode() not in dump.lower(), text


def test_ciphertext_copied_to_another_row_does_not_decrypt(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    care, nuisance = (Note.objects.get(case=case, field_group=g) for g in ("care", "nuisance"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM casework_note WHERE id = %s", [care.pk])
        stolen = cursor.fetchone()[0]
        cursor.execute("UPDATE casework_note SET body = %s WHERE id = %s", [stolen, nuisance.pk])
    with pytest.raises(DecryptionError):
        _ = Note.objects.get(pk=nuisance.pk).body
    assert Note.objects.get(pk=care.pk).body == NOTE_TEXT["care"]


def test_rotated_key_encryption_key_still_opens_every_case(orgs, actors, settings, token_client):
    old = settings.KETENREGIE_KEYS
    cases = [make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"]) for _ in range(3)]
    new_keys = InstallationKeys(
        field_kek=b"n" * 32,
        blind_index=old.blind_index,
        signing=old.signing,
        previous_field_keks=(old.field_kek,),
    )
    with override_settings(KETENREGIE_KEYS=new_keys):
        assert kek_rotate() > 0
        assert kek_rotate() == 0
    only_new = InstallationKeys(
        field_kek=b"n" * 32,
        blind_index=old.blind_index,
        signing=old.signing,
    )
    with override_settings(KETENREGIE_KEYS=only_new):
        from permissions.crypto import data_key_cache_clear

        data_key_cache_clear()
        client = token_client(actors["coordinator"])
        for case in cases:
            body = client.get(f"/api/v1/cases/{case.uuid}/").json()
            assert body["notes"]["care"][0]["text"] == NOTE_TEXT["care"]
            assert body["persons"][0]["bsn"] == SUBJECT.bsn


def test_destroyed_case_key_makes_notes_unreadable_but_the_case_remains(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    data_key_destroy(data_key=case.data_key)
    note = Note.objects.filter(case=case).first()
    assert note is not None
    with pytest.raises(KeyDestroyedError):
        _ = note.body
    response = token_client(actors["coordinator"]).get(f"/api/v1/cases/{case.uuid}/")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert body["case_type"] == "woonoverlast"
    assert body["notes"]["care"] == [{**body["notes"]["care"][0], "text": None, "destroyed": True}]
    # The person has their own key: people outlive a single case.
    assert body["persons"][0]["surname"] == SUBJECT.surname
