"""Envelope encryption: round trips, tampering, crypto-shredding, KEK rotation, blind indexes."""

from __future__ import annotations

import base64
import dataclasses
import uuid
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from config.keys import PREVIOUS_KEKS_ENV, InstallationKeys, MissingKeyError, load_keys
from permissions import crypto
from permissions.crypto import (
    DecryptionError,
    KeyDestroyedError,
    blind_index,
    ciphertext_key_uuid,
    data_key_create,
    data_key_destroy,
    decrypt_value,
    encrypt_value,
    kek_id_for,
    kek_rotate,
)
from permissions.models import DataKey

pytestmark = pytest.mark.django_db

KEK_A = b"A" * 32
KEK_B = b"B" * 32
KEK_C = b"C" * 32


def keys_with(*, current: bytes, previous: tuple[bytes, ...] = ()) -> InstallationKeys:
    return dataclasses.replace(
        settings.KETENREGIE_KEYS, field_kek=current, previous_field_keks=previous
    )


@pytest.fixture(autouse=True)
def empty_key_cache():
    crypto.data_key_cache_clear()
    yield
    crypto.data_key_cache_clear()


@pytest.fixture
def data_key() -> DataKey:
    return data_key_create(purpose="case")


# Round trips


@pytest.mark.parametrize(
    "plaintext",
    ["123456782", "", "Zoë d'Hondt — ψ 🙂 \u0000 tab\tline\n", "x" * 100_000],
    ids=["bsn", "empty", "unicode", "100kB"],
)
def test_a_value_decrypts_to_what_was_encrypted(data_key, plaintext):
    ciphertext = encrypt_value(data_key=data_key, plaintext=plaintext, aad="casework.person.bsn:1")
    assert decrypt_value(ciphertext=ciphertext, aad="casework.person.bsn:1") == plaintext


def test_the_ciphertext_has_the_documented_layout(data_key):
    ciphertext = encrypt_value(data_key=data_key, plaintext="geheim", aad="a")
    assert ciphertext[0] == 0x01
    assert ciphertext[1:17] == data_key.uuid.bytes
    assert ciphertext_key_uuid(ciphertext) == data_key.uuid
    # 1 + 16 header, 12 nonce, 6 bytes of text, 16 tag
    assert len(ciphertext) == 1 + 16 + 12 + len("geheim") + 16
    assert b"geheim" not in ciphertext


def test_equal_plaintexts_give_different_ciphertexts(data_key):
    first = encrypt_value(data_key=data_key, plaintext="123456782", aad="a")
    second = encrypt_value(data_key=data_key, plaintext="123456782", aad="a")
    assert first != second


def test_a_data_key_is_stored_only_wrapped(data_key):
    stored = DataKey.objects.get(pk=data_key.pk)
    assert stored.wrapped is not None
    assert len(bytes(stored.wrapped)) == 12 + 32 + 16
    assert stored.kek_id == kek_id_for(kek=settings.KETENREGIE_KEYS.field_kek)
    assert stored.destroyed_at is None


@pytest.mark.parametrize("purpose", ["", "x" * 21])
def test_a_data_key_needs_a_short_purpose(purpose):
    with pytest.raises(ValueError, match="purpose"):
        data_key_create(purpose=purpose)


def test_only_text_is_encrypted(data_key):
    with pytest.raises(TypeError):
        encrypt_value(data_key=data_key, plaintext=b"bytes", aad="a")  # type: ignore[arg-type]


# Tampering and misuse raise, never return bytes


def test_changing_any_byte_of_a_ciphertext_raises(data_key):
    ciphertext = encrypt_value(data_key=data_key, plaintext="medische notitie", aad="a")
    for position in range(len(ciphertext)):
        tampered = bytearray(ciphertext)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            decrypt_value(ciphertext=bytes(tampered), aad="a")


@pytest.mark.parametrize("cut", [0, 1, 17, 29, 44])
def test_a_truncated_ciphertext_raises(data_key, cut):
    ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    with pytest.raises(DecryptionError):
        decrypt_value(ciphertext=ciphertext[:cut], aad="a")


def test_another_associated_data_raises(data_key):
    ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="casework.person.bsn:1")
    for other in ["casework.person.bsn:2", "casework.person.name:1", "casework.case.bsn:1", ""]:
        with pytest.raises(DecryptionError):
            decrypt_value(ciphertext=ciphertext, aad=other)


def test_a_ciphertext_relabelled_with_another_key_raises(data_key):
    other = data_key_create(purpose="case")
    ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    relabelled = ciphertext[:1] + other.uuid.bytes + ciphertext[17:]
    with pytest.raises(DecryptionError):
        decrypt_value(ciphertext=relabelled, aad="a")


def test_a_ciphertext_naming_an_unknown_key_raises(data_key):
    ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    foreign = ciphertext[:1] + uuid.uuid4().bytes + ciphertext[17:]
    with pytest.raises(DecryptionError, match="No data key"):
        decrypt_value(ciphertext=foreign, aad="a")


def test_an_altered_wrapped_key_raises(data_key):
    ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    stored = DataKey.objects.get(pk=data_key.pk).wrapped
    assert stored is not None
    wrapped = bytearray(bytes(stored))
    wrapped[-1] ^= 0x01
    DataKey.objects.filter(pk=data_key.pk).update(wrapped=bytes(wrapped))
    with pytest.raises(DecryptionError, match="does not unwrap"):
        decrypt_value(ciphertext=ciphertext, aad="a")


def test_a_wrapped_key_moved_to_another_row_does_not_unwrap(data_key):
    other = data_key_create(purpose="case")
    ciphertext = encrypt_value(data_key=other, plaintext="x", aad="a")
    DataKey.objects.filter(pk=other.pk).update(wrapped=data_key.wrapped)
    with pytest.raises(DecryptionError):
        decrypt_value(ciphertext=ciphertext, aad="a")


# Crypto-shredding


def test_a_destroyed_key_makes_its_values_unreadable(data_key):
    ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    data_key_destroy(data_key=data_key)
    with pytest.raises(KeyDestroyedError):
        decrypt_value(ciphertext=ciphertext, aad="a")
    stored = DataKey.objects.get(pk=data_key.pk)
    assert stored.wrapped is None
    assert stored.destroyed_at is not None
    assert data_key.wrapped is None
    assert data_key.destroyed_at == stored.destroyed_at


def test_destroying_twice_keeps_the_first_moment(data_key):
    data_key_destroy(data_key=data_key)
    first = DataKey.objects.get(pk=data_key.pk).destroyed_at
    data_key_destroy(data_key=data_key)
    data_key_destroy(data_key=DataKey.objects.get(pk=data_key.pk))
    assert DataKey.objects.get(pk=data_key.pk).destroyed_at == first


def test_nothing_new_is_encrypted_with_a_destroyed_key(data_key):
    data_key_destroy(data_key=data_key)
    with pytest.raises(KeyDestroyedError):
        encrypt_value(data_key=data_key, plaintext="x", aad="a")


def test_the_key_cache_never_returns_a_destroyed_key(data_key):
    ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    assert decrypt_value(ciphertext=ciphertext, aad="a") == "x"
    assert data_key.uuid in crypto._cache
    data_key_destroy(data_key=data_key)
    assert data_key.uuid not in crypto._cache
    with pytest.raises(KeyDestroyedError):
        decrypt_value(ciphertext=ciphertext, aad="a")
    crypto.data_key_cache_warm(key_uuids=[data_key.uuid])
    assert data_key.uuid not in crypto._cache
    with pytest.raises(KeyDestroyedError):
        decrypt_value(ciphertext=ciphertext, aad="a")


def test_a_lookup_racing_a_destroy_does_not_cache_the_key(data_key):
    ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    generation = crypto._cache.generation
    loaded = DataKey.objects.get(pk=data_key.pk)  # read before the destroy ...
    data_key_destroy(data_key=data_key)
    crypto._cache.put(loaded.uuid, object(), generation=generation)  # type: ignore[arg-type]
    assert loaded.uuid not in crypto._cache  # ... is not cached after it
    with pytest.raises(KeyDestroyedError):
        decrypt_value(ciphertext=ciphertext, aad="a")


def test_the_key_cache_is_bounded_and_least_recently_used_goes_first(monkeypatch):
    monkeypatch.setattr(crypto, "_cache", crypto._DataKeyCache(size=3, ttl=60))
    keys = [data_key_create(purpose="case") for _ in range(4)]
    blobs = [encrypt_value(data_key=k, plaintext=str(i), aad="a") for i, k in enumerate(keys)]
    for blob in blobs[:3]:
        decrypt_value(ciphertext=blob, aad="a")
    decrypt_value(ciphertext=blobs[0], aad="a")  # the first is now the most recent
    decrypt_value(ciphertext=blobs[3], aad="a")
    assert len(crypto._cache) == 3
    assert keys[1].uuid not in crypto._cache
    assert all(keys[i].uuid in crypto._cache for i in (0, 2, 3))


def test_warming_the_cache_takes_one_query(django_assert_num_queries):
    keys = [data_key_create(purpose="case") for _ in range(5)]
    blobs = [encrypt_value(data_key=k, plaintext=str(i), aad="a") for i, k in enumerate(keys)]
    crypto.data_key_cache_clear()
    with django_assert_num_queries(1):
        crypto.data_key_cache_warm(key_uuids=[ciphertext_key_uuid(b) for b in blobs])
        assert [decrypt_value(ciphertext=b, aad="a") for b in blobs] == ["0", "1", "2", "3", "4"]


# Rotating the key-encryption key


def test_rotating_the_kek_rewraps_every_key_and_values_stay_readable():
    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_A)):
        keys = [data_key_create(purpose="case") for _ in range(5)]
        blobs = [encrypt_value(data_key=k, plaintext=f"v{i}", aad="a") for i, k in enumerate(keys)]
        destroyed = data_key_create(purpose="case")
        data_key_destroy(data_key=destroyed)

    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_B, previous=(KEK_A,))):
        assert [decrypt_value(ciphertext=b, aad="a") for b in blobs] == [f"v{i}" for i in range(5)]
        assert kek_rotate(batch_size=2) == 5
        assert kek_rotate(batch_size=2) == 0
        assert set(
            DataKey.objects.filter(wrapped__isnull=False).values_list("kek_id", flat=True)
        ) == {kek_id_for(kek=KEK_B)}

    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_B)):
        assert [decrypt_value(ciphertext=b, aad="a") for b in blobs] == [f"v{i}" for i in range(5)]
    assert DataKey.objects.get(pk=destroyed.pk).wrapped is None


def test_a_key_under_an_unconfigured_kek_names_that_kek_and_how_to_configure_it():
    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_A)):
        data_key = data_key_create(purpose="case")
        ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_C)):
        with pytest.raises(DecryptionError) as excinfo:
            decrypt_value(ciphertext=ciphertext, aad="a")
        message = str(excinfo.value)
        assert kek_id_for(kek=KEK_A) in message
        assert PREVIOUS_KEKS_ENV in message
        with pytest.raises(DecryptionError, match=kek_id_for(kek=KEK_A)):
            kek_rotate()


def test_a_wrong_previous_kek_does_not_unwrap():
    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_A)):
        data_key = data_key_create(purpose="case")
        ciphertext = encrypt_value(data_key=data_key, plaintext="x", aad="a")
    DataKey.objects.filter(pk=data_key.pk).update(kek_id=kek_id_for(kek=KEK_C))
    with (
        override_settings(KETENREGIE_KEYS=keys_with(current=KEK_B, previous=(KEK_C,))),
        pytest.raises(DecryptionError, match="does not unwrap"),
    ):
        decrypt_value(ciphertext=ciphertext, aad="a")


def test_rotate_kek_command_reports_what_it_did():
    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_A)):
        for _ in range(3):
            data_key_create(purpose="person")
    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_B, previous=(KEK_A,))):
        out = StringIO()
        call_command("rotate_kek", "--batch-size", "2", stdout=out)
        text = out.getvalue()
        assert f"Re-wrapped 3 data keys with key-encryption key {kek_id_for(kek=KEK_B)}" in text
        assert f"{kek_id_for(kek=KEK_B)} (current): 3 data keys" in text
        assert "may be removed" in text
        out = StringIO()
        call_command("rotate_kek", stdout=out)
        assert "Re-wrapped 0 data keys" in out.getvalue()


def test_rotate_kek_command_fails_clearly_without_the_old_kek():
    with override_settings(KETENREGIE_KEYS=keys_with(current=KEK_A)):
        data_key_create(purpose="person")
    with (
        override_settings(KETENREGIE_KEYS=keys_with(current=KEK_B)),
        pytest.raises(CommandError, match=kek_id_for(kek=KEK_A)),
    ):
        call_command("rotate_kek", stdout=StringIO())


# Loading previous key-encryption keys


def _b64(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


@pytest.fixture
def key_env(monkeypatch):
    for name in ("FIELD_KEK", "BLIND_INDEX", "SIGNING"):
        monkeypatch.delenv(f"KETENREGIE_{name}_KEY_FILE", raising=False)
    monkeypatch.delenv(PREVIOUS_KEKS_ENV, raising=False)
    monkeypatch.delenv(f"{PREVIOUS_KEKS_ENV}_FILE", raising=False)
    monkeypatch.setenv("KETENREGIE_FIELD_KEK_KEY", _b64(KEK_B))
    monkeypatch.setenv("KETENREGIE_BLIND_INDEX_KEY", _b64(b"i" * 32))
    monkeypatch.setenv("KETENREGIE_SIGNING_KEY", _b64(b"s" * 64))
    return monkeypatch


def test_without_previous_keks_there_are_none(key_env):
    assert load_keys().previous_field_keks == ()


def test_previous_keks_come_from_the_environment(key_env):
    key_env.setenv(PREVIOUS_KEKS_ENV, f"{_b64(KEK_A)}, {_b64(KEK_C)},{_b64(KEK_B)}")
    assert load_keys().previous_field_keks == (KEK_A, KEK_C)  # the current key is dropped


def test_previous_keks_come_from_a_file(key_env, tmp_path):
    path = tmp_path / "previous"
    path.write_text(f"# rotated 2026-11\n{_b64(KEK_A)}\n\n{_b64(KEK_C)}\n")
    key_env.setenv(f"{PREVIOUS_KEKS_ENV}_FILE", str(path))
    assert load_keys().previous_field_keks == (KEK_A, KEK_C)


def test_a_malformed_previous_kek_is_refused(key_env):
    key_env.setenv(PREVIOUS_KEKS_ENV, f"{_b64(KEK_A)},{_b64(b'short')}")
    with pytest.raises(MissingKeyError, match=rf"{PREVIOUS_KEKS_ENV} \(entry 2\).*32 bytes"):
        load_keys()


def test_the_embedded_profile_never_generates_previous_keks(key_env, tmp_path):
    for name in ("FIELD_KEK", "BLIND_INDEX", "SIGNING"):
        key_env.delenv(f"KETENREGIE_{name}_KEY")
    keys = load_keys(key_dir=tmp_path / "keys", generate=True)
    assert keys.previous_field_keks == ()
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [
        "blind_index",
        "field_kek",
        "signing",
    ]


def test_previous_keks_stay_out_of_repr():
    keys = keys_with(current=KEK_B, previous=(KEK_A,))
    assert repr(KEK_A) not in repr(keys)


# Blind indexes


def test_a_blind_index_is_a_deterministic_hmac():
    first = blind_index(kind="bsn", value="123456782")
    assert first == blind_index(kind="bsn", value="123456782")
    assert len(first) == 32
    assert first != blind_index(kind="bsn", value="111222333")


def test_a_blind_index_differs_per_kind():
    assert blind_index(kind="bsn", value="123456782") != blind_index(
        kind="name_birth_date", value="123456782"
    )
    # kind and value cannot be shifted into each other
    assert blind_index(kind="ab", value="c") != blind_index(kind="a", value="bc")


def test_a_blind_index_differs_per_key():
    before = blind_index(kind="bsn", value="123456782")
    other = dataclasses.replace(settings.KETENREGIE_KEYS, blind_index=b"x" * 32)
    with override_settings(KETENREGIE_KEYS=other):
        assert blind_index(kind="bsn", value="123456782") != before


def test_a_blind_index_does_not_use_the_encryption_key():
    same_index_key = dataclasses.replace(settings.KETENREGIE_KEYS, field_kek=KEK_C)
    before = blind_index(kind="bsn", value="123456782")
    with override_settings(KETENREGIE_KEYS=same_index_key):
        assert blind_index(kind="bsn", value="123456782") == before


@pytest.mark.parametrize("kind", ["", "b\x00sn"])
def test_a_blind_index_kind_must_be_plain(kind):
    with pytest.raises(ValueError):
        blind_index(kind=kind, value="x")
