"""Encrypted model fields: lazy, bound to their row, deferrable, shreddable, re-encryptable.

The models here live in an isolated app registry and their tables are created inside the
test's transaction (PostgreSQL rolls DDL back), so no migration is involved.
"""

from __future__ import annotations

import datetime
import pickle
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from permissions import crypto, fields
from permissions.crypto import (
    DecryptionError,
    KeyDestroyedError,
    ciphertext_key_uuid,
    data_key_create,
    data_key_destroy,
)
from permissions.fields import EncryptedDateField, EncryptedTextField, encrypted_fields
from permissions.models import DataKey

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def models_under_test() -> dict[str, Any]:
    with isolate_apps("permissions") as test_apps:
        # The isolated registry must know DataKey for the foreign keys to resolve.
        assert test_apps is not None
        test_apps.register_model("permissions", DataKey)

        class Dossier(models.Model):
            uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
            label = models.CharField(max_length=50, default="")
            data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")
            notes = EncryptedTextField(null=True, blank=True)
            born_on = EncryptedDateField(null=True, blank=True)

            class Meta:
                app_label = "permissions"
                db_table = "permissions_test_dossier"

            def __str__(self) -> str:
                return self.label

        class Remark(models.Model):
            uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
            dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
            text = EncryptedTextField(key_field="dossier.data_key")

            class Meta:
                app_label = "permissions"
                db_table = "permissions_test_remark"

            def __str__(self) -> str:
                return str(self.uuid)

    return {"Dossier": Dossier, "Remark": Remark}


@pytest.fixture
def Dossier(models_under_test, db):
    with connection.schema_editor() as editor:
        editor.create_model(models_under_test["Dossier"])
        editor.create_model(models_under_test["Remark"])
    crypto.data_key_cache_clear()
    return models_under_test["Dossier"]


@pytest.fixture
def Remark(models_under_test, Dossier):
    return models_under_test["Remark"]


@pytest.fixture
def decrypt_calls(monkeypatch) -> list[str]:
    """Count decryptions: wraps the real decrypt_value, changes nothing about it."""
    calls: list[str] = []
    real = crypto.decrypt_value

    def counting(*, ciphertext: bytes, aad: str) -> str:
        calls.append(aad)
        return real(ciphertext=ciphertext, aad=aad)

    monkeypatch.setattr(crypto, "decrypt_value", counting)
    return calls


def raw_column(model: type[models.Model], column: str, pk: Any) -> bytes | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        value = cursor.fetchone()[0]
    return None if value is None else bytes(value)


def make(Dossier, **kwargs):
    kwargs.setdefault("data_key", data_key_create(purpose="case"))
    return Dossier.objects.create(**kwargs)


# Round trip and storage


def test_values_survive_a_save_and_load(Dossier):
    dossier = make(Dossier, notes="Zorgmelding: GGZ 🙂", born_on=datetime.date(1980, 2, 29))
    loaded = Dossier.objects.get(pk=dossier.pk)
    assert loaded.notes == "Zorgmelding: GGZ 🙂"
    assert loaded.born_on == datetime.date(1980, 2, 29)


def test_the_column_holds_no_plaintext(Dossier):
    dossier = make(
        Dossier, notes="123456782 woont op Dorpsstraat 1", born_on=datetime.date(1980, 2, 29)
    )
    for column, secret in [("notes", b"123456782"), ("born_on", b"1980-02-29")]:
        stored = raw_column(Dossier, column, dossier.pk)
        assert stored is not None
        assert secret not in stored
        assert stored[0] == 0x01
        assert ciphertext_key_uuid(stored) == dossier.data_key.uuid


def test_empty_text_is_stored_encrypted_and_differs_from_null(Dossier):
    empty = make(Dossier, notes="")
    missing = make(Dossier, notes=None)
    assert raw_column(Dossier, "notes", empty.pk) is not None
    assert raw_column(Dossier, "notes", missing.pk) is None
    assert Dossier.objects.get(pk=empty.pk).notes == ""
    assert Dossier.objects.get(pk=missing.pk).notes is None
    assert Dossier.objects.filter(notes__isnull=True).count() == 1


def test_values_returns_ciphertext(Dossier):
    dossier = make(Dossier, notes="geheim")
    (stored,) = Dossier.objects.filter(pk=dossier.pk).values_list("notes", flat=True)
    assert b"geheim" not in bytes(stored)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", 123),
        ("notes", datetime.date(2020, 1, 1)),
        ("born_on", "2020-01-01"),
        ("born_on", datetime.datetime(2020, 1, 1, 12, 0)),
    ],
)
def test_assigning_the_wrong_type_raises_at_once(Dossier, field, value):
    dossier = Dossier()
    with pytest.raises(TypeError):
        setattr(dossier, field, value)


def test_plaintext_never_reaches_sql(Dossier):
    dossier = make(Dossier, notes="geheim")
    with pytest.raises(TypeError, match="blind index"), transaction.atomic():
        Dossier.objects.filter(notes="geheim").count()
    # Each failing statement in its own savepoint, so the test can look at the row afterwards.
    with pytest.raises(TypeError), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(notes="anders")
    dossier.notes = "anders"
    with pytest.raises(TypeError), transaction.atomic():
        Dossier.objects.bulk_update([dossier], ["notes"])
    assert b"anders" not in (raw_column(Dossier, "notes", dossier.pk) or b"")


def test_a_raw_save_as_loaddata_does_is_refused_rather_than_storing_plaintext(Dossier):
    dossier = Dossier.objects.get(pk=make(Dossier, notes="geheim").pk)
    before = raw_column(Dossier, "notes", dossier.pk)
    with pytest.raises(TypeError), transaction.atomic():
        dossier.save_base(raw=True)
    assert raw_column(Dossier, "notes", dossier.pk) == before


def test_changing_a_value_reencrypts_it_and_an_unchanged_save_keeps_the_ciphertext(Dossier):
    dossier = make(Dossier, notes="eerste")
    first = raw_column(Dossier, "notes", dossier.pk)
    loaded = Dossier.objects.get(pk=dossier.pk)
    loaded.label = "x"
    loaded.save()
    assert raw_column(Dossier, "notes", dossier.pk) == first
    loaded.notes = loaded.notes  # reading and assigning the same value changes nothing
    loaded.save(update_fields=["notes"])
    assert raw_column(Dossier, "notes", dossier.pk) == first
    loaded.notes = "tweede"
    loaded.save(update_fields=["notes"])
    assert raw_column(Dossier, "notes", dossier.pk) != first
    assert Dossier.objects.get(pk=dossier.pk).notes == "tweede"


def test_a_dotted_key_field_encrypts_with_the_parents_key(Dossier, Remark):
    dossier = make(Dossier)
    remark = Remark.objects.create(dossier=dossier, text="overleg met wijkagent")
    stored = raw_column(Remark, "text", remark.pk)
    assert stored is not None
    assert ciphertext_key_uuid(stored) == dossier.data_key.uuid
    assert Remark.objects.get(pk=remark.pk).text == "overleg met wijkagent"


def test_saving_without_a_data_key_says_what_is_missing(Dossier, Remark):
    with pytest.raises(ValueError, match="no data key"):
        Remark(text="x").save()


def test_dumpdata_serialises_ciphertext_only(Dossier):
    dossier = make(Dossier, notes="geheim", born_on=datetime.date(1980, 2, 29))
    text = serializers.serialize("json", Dossier.objects.filter(pk=dossier.pk))
    assert "geheim" not in text
    assert "1980-02-29" not in text


def test_pickling_drops_the_cached_plaintext(Dossier):
    dossier = Dossier.objects.get(pk=make(Dossier, notes="geheim").pk)
    assert dossier.notes == "geheim"
    # What Model.__reduce__ pickles (the isolated model class itself cannot be looked up).
    _, _, state = dossier.__reduce__()
    data = pickle.dumps(state)
    assert b"geheim" not in data
    copy = Dossier.__new__(Dossier)
    copy.__setstate__(pickle.loads(data))  # noqa: S301  (our own bytes)
    assert copy.notes == "geheim"


def test_full_clean_validates_plaintext_without_reencrypting(Dossier):
    dossier = Dossier.objects.get(pk=make(Dossier, label="x", notes="geheim").pk)
    before = raw_column(Dossier, "notes", dossier.pk)
    dossier.full_clean()
    dossier.save()
    assert raw_column(Dossier, "notes", dossier.pk) == before


# Bound to the row, field and model


def test_a_ciphertext_copied_to_another_row_does_not_decrypt(Dossier):
    key = data_key_create(purpose="case")
    original = make(Dossier, data_key=key, notes="van rij één")
    other = make(Dossier, data_key=key, notes="van rij twee")
    stolen = raw_column(Dossier, "notes", original.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Dossier._meta.db_table} SET notes = %s WHERE id = %s",  # noqa: S608
            [stolen, other.pk],
        )
    with pytest.raises(DecryptionError, match="notes of row"):
        _ = Dossier.objects.get(pk=other.pk).notes
    assert Dossier.objects.get(pk=original.pk).notes == "van rij één"


def test_a_ciphertext_copied_to_another_field_does_not_decrypt(Dossier):
    dossier = make(Dossier, notes="2001-01-01", born_on=datetime.date(1980, 1, 1))
    stolen = raw_column(Dossier, "notes", dossier.pk)
    Dossier.objects.filter(pk=dossier.pk).update(born_on=stolen)
    with pytest.raises(DecryptionError):
        _ = Dossier.objects.get(pk=dossier.pk).born_on


def test_a_ciphertext_copied_to_another_model_does_not_decrypt(Dossier, Remark):
    dossier = make(Dossier, notes="geheim")
    remark = Remark.objects.create(dossier=dossier, text="iets anders")
    Remark.objects.filter(pk=remark.pk).update(text=raw_column(Dossier, "notes", dossier.pk))
    Remark.objects.filter(pk=remark.pk).update(uuid=dossier.uuid)  # even with the same uuid
    with pytest.raises(DecryptionError):
        _ = Remark.objects.get(pk=remark.pk).text


# Lazy decryption and defer()


def test_loading_a_hundred_rows_decrypts_nothing_until_a_value_is_read(Dossier, decrypt_calls):
    key = data_key_create(purpose="case")
    Dossier.objects.bulk_create(
        [Dossier(data_key=key, label=f"r{i}", notes=f"notitie {i}") for i in range(100)]
    )
    rows = list(Dossier.objects.order_by("label"))
    assert len(rows) == 100
    assert [r.label for r in rows][:2] == ["r0", "r1"]
    assert decrypt_calls == []
    row = next(r for r in rows if r.label == "r7")
    assert row.notes == "notitie 7"
    assert row.notes == "notitie 7"  # cached on the instance
    assert len(decrypt_calls) == 1


def test_a_deferred_field_decrypts_nothing_and_loads_on_access(
    Dossier, decrypt_calls, django_assert_num_queries
):
    pk = make(Dossier, label="zichtbaar", notes="gezondheid").pk
    with django_assert_num_queries(1):
        dossier = Dossier.objects.defer("notes").get(pk=pk)
    assert dossier.get_deferred_fields() == {"notes"}
    assert dossier.label == "zichtbaar"
    assert decrypt_calls == []
    with django_assert_num_queries(2):  # the column, then the data key
        assert dossier.notes == "gezondheid"
    assert dossier.get_deferred_fields() == set()
    assert len(decrypt_calls) == 1


def test_saving_a_row_with_a_deferred_encrypted_field_leaves_it_alone(Dossier):
    pk = make(Dossier, notes="gezondheid").pk
    before = raw_column(Dossier, "notes", pk)
    dossier = Dossier.objects.defer("notes").get(pk=pk)
    dossier.label = "nieuw"
    dossier.save()
    assert raw_column(Dossier, "notes", pk) == before
    assert Dossier.objects.get(pk=pk).label == "nieuw"


def test_refresh_from_db_decrypts_nothing(Dossier, decrypt_calls):
    dossier = make(Dossier, notes="eerst")
    Dossier.objects.filter(pk=dossier.pk).update(label="elders gewijzigd")
    decrypt_calls.clear()
    dossier.refresh_from_db()
    assert decrypt_calls == []
    assert dossier.label == "elders gewijzigd"
    assert dossier.notes == "eerst"
    assert len(decrypt_calls) == 1


# Crypto-shredding


def test_a_destroyed_key_makes_the_fields_unreadable_but_not_the_row(Dossier):
    dossier = make(
        Dossier, label="tombstone", notes="gezondheid", born_on=datetime.date(1990, 5, 1)
    )
    data_key_destroy(data_key=dossier.data_key)
    loaded = Dossier.objects.get(pk=dossier.pk)
    assert loaded.label == "tombstone"
    with pytest.raises(KeyDestroyedError):
        _ = loaded.notes
    with pytest.raises(KeyDestroyedError):
        _ = loaded.born_on
    loaded.refresh_from_db()  # refreshing a shredded row still works
    assert Dossier.objects.defer("notes", "born_on").get(pk=dossier.pk).label == "tombstone"


def test_a_value_read_before_the_key_was_destroyed_stays_only_on_that_instance(Dossier):
    dossier = make(Dossier, notes="gezondheid")
    reader = Dossier.objects.get(pk=dossier.pk)
    assert reader.notes == "gezondheid"
    data_key_destroy(data_key=dossier.data_key)
    with pytest.raises(KeyDestroyedError):
        _ = Dossier.objects.get(pk=dossier.pk).notes


# Registry and re-encryption after a data key is replaced


def test_the_registry_holds_only_installed_models(models_under_test):
    registered = {model for model, _ in encrypted_fields()}
    assert models_under_test["Dossier"] not in registered
    assert all(not m._meta.abstract for m in registered)


@pytest.fixture
def registry(monkeypatch, Dossier, Remark):
    """Point the registry at the test models (they are not installed models)."""
    entries = [
        (Dossier, Dossier._meta.get_field("notes")),
        (Dossier, Dossier._meta.get_field("born_on")),
        (Remark, Remark._meta.get_field("text")),
    ]
    monkeypatch.setattr(fields, "_REGISTRY", entries)
    return entries


def test_reencrypt_moves_values_to_the_rows_new_key_and_is_idempotent(Dossier, Remark, registry):
    old_key = data_key_create(purpose="case")
    dossiers = [
        make(Dossier, data_key=old_key, notes=f"n{i}", born_on=datetime.date(2000, 1, i + 1))
        for i in range(5)
    ]
    untouched = make(Dossier, notes="eigen sleutel")
    Remark.objects.create(dossier=dossiers[0], text="opmerking")
    new_key = data_key_create(purpose="case")
    Dossier.objects.filter(data_key=old_key).update(data_key=new_key)
    # Still readable through the key named inside each ciphertext:
    assert Dossier.objects.get(pk=dossiers[0].pk).notes == "n0"

    out = StringIO()
    call_command("reencrypt", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "permissions.Dossier.notes: checked 6, re-encrypted 5, shredded 0, failed 0" in text
    assert "permissions.Dossier.born_on: checked 5, re-encrypted 5" in text
    assert "permissions.Remark.text: checked 1, re-encrypted 1" in text

    for dossier in Dossier.objects.exclude(pk=untouched.pk):
        assert ciphertext_key_uuid(raw_column(Dossier, "notes", dossier.pk) or b"") == new_key.uuid
    data_key_destroy(data_key=old_key)  # nothing needs the old key any more
    assert sorted(d.notes for d in Dossier.objects.exclude(pk=untouched.pk)) == [
        f"n{i}" for i in range(5)
    ]
    assert Remark.objects.get().text == "opmerking"
    assert Dossier.objects.get(pk=untouched.pk).notes == "eigen sleutel"

    out = StringIO()
    call_command("reencrypt", stdout=out)
    assert "re-encrypted 0" in out.getvalue()
    assert "re-encrypted 1" not in out.getvalue()


def test_reencrypt_can_be_limited_to_one_model(Dossier, registry):
    out = StringIO()
    call_command("reencrypt", "--model", "permissions.remark", stdout=out)
    assert "permissions.Remark.text" in out.getvalue()
    assert "Dossier" not in out.getvalue()
    with pytest.raises(CommandError, match="has no encrypted fields"):
        call_command("reencrypt", "--model", "permissions.user", stdout=StringIO())


def test_reencrypt_counts_shredded_values_and_reports_broken_ones(Dossier, registry):
    shredded_key = data_key_create(purpose="case")
    shredded = make(Dossier, data_key=shredded_key, notes="weg")
    broken = make(Dossier, notes="kapot")
    moved = make(Dossier, notes="verhuisd")
    Dossier.objects.filter(pk=broken.pk).update(
        notes=raw_column(Dossier, "notes", moved.pk), data_key=data_key_create(purpose="case")
    )
    Dossier.objects.filter(pk=shredded.pk).update(data_key=data_key_create(purpose="case"))
    data_key_destroy(data_key=shredded_key)

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 values could not be decrypted"):
        call_command("reencrypt", "--model", "permissions.Dossier", stdout=out, stderr=err)
    assert "permissions.Dossier.notes: checked 3, re-encrypted 0, shredded 1, failed 1" in (
        out.getvalue()
    )
    assert str(broken.pk) in err.getvalue()
    assert raw_column(Dossier, "notes", broken.pk) == raw_column(Dossier, "notes", moved.pk)
