"""Field encryption: envelope encryption with per-purpose data keys, and blind indexes.

Key hierarchy: the installation's key-encryption key (KEK, ``settings.KETENREGIE_KEYS``) wraps
one random 32-byte data key per case, person or signal (``DataKey``); data keys encrypt field
values. Rotating the KEK re-wraps data keys only; destroying a data key shreds every value
encrypted under it.

Ciphertext layout (docs/encryption.md)::

    version (1 byte, 0x01) | data key uuid (16 bytes) | nonce (12 bytes) | AES-256-GCM ct+tag

The version byte and key uuid are authenticated together with the caller's associated data,
so neither can be swapped. Every failure raises ``DecryptionError``; nothing ever falls back
to the stored bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.keys import PREVIOUS_KEKS_ENV, InstallationKeys
from permissions.models import DataKey

CIPHERTEXT_VERSION = 1
_VERSION_BYTE = bytes([CIPHERTEXT_VERSION])
_HEADER_LEN = 1 + 16
_NONCE_LEN = 12
_TAG_LEN = 16
_MIN_CIPHERTEXT_LEN = _HEADER_LEN + _NONCE_LEN + _TAG_LEN
_DATA_KEY_LEN = 32
_WRAPPED_LEN = _NONCE_LEN + _DATA_KEY_LEN + _TAG_LEN
_PURPOSE_MAX_LEN = 20

# Unwrapped data keys are cached per process. Destroying a key evicts it here at once; other
# processes drop it at the latest after DATA_KEY_CACHE_SECONDS, so that bounds how long a
# shredded key can still decrypt in a long-running worker.
DATA_KEY_CACHE_SIZE = 1024
DATA_KEY_CACHE_SECONDS = 60.0


class DecryptionError(Exception):
    """A value cannot be decrypted: tampered, moved to another row, or the key is unavailable.

    Never accompanied by a fallback: callers get the exception, not the stored bytes.
    """


class KeyDestroyedError(DecryptionError):
    """The data key was destroyed (crypto-shredding): the value is gone for good."""


def kek_id_for(*, kek: bytes) -> str:
    """Return the public id of a key-encryption key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(kek).hexdigest()[:16]


def current_kek_id() -> str:
    """Return the id of the key-encryption key new data keys are wrapped with."""
    return kek_id_for(kek=_keys().field_kek)


def _keys() -> InstallationKeys:
    keys: InstallationKeys = settings.KETENREGIE_KEYS
    return keys


def _kek_for(*, kek_id: str, key_uuid: uuid.UUID) -> bytes:
    keys = _keys()
    for kek in (keys.field_kek, *keys.previous_field_keks):
        if kek_id_for(kek=kek) == kek_id:
            return kek
    raise DecryptionError(
        f"Data key {key_uuid} is wrapped by key-encryption key {kek_id}, which is not "
        f"configured. Put that key in {PREVIOUS_KEKS_ENV} (comma-separated) or "
        f"{PREVIOUS_KEKS_ENV}_FILE (one per line), then run manage.py rotate_kek."
    )


def _wrap_aad(key_uuid: uuid.UUID) -> bytes:
    return b"datakey:" + key_uuid.bytes


def _wrap(*, kek: bytes, key: bytes, key_uuid: uuid.UUID) -> bytes:
    nonce = os.urandom(_NONCE_LEN)
    return nonce + AESGCM(kek).encrypt(nonce, key, _wrap_aad(key_uuid))


def _check_not_destroyed(data_key: DataKey) -> None:
    if data_key.wrapped is None or data_key.destroyed_at is not None:
        raise KeyDestroyedError(
            f"Data key {data_key.uuid} ({data_key.purpose}) was destroyed; "
            "the values encrypted with it cannot be read any more."
        )


def _unwrap(*, data_key: DataKey) -> bytes:
    _check_not_destroyed(data_key)
    wrapped = bytes(data_key.wrapped or b"")
    kek = _kek_for(kek_id=data_key.kek_id, key_uuid=data_key.uuid)
    if len(wrapped) != _WRAPPED_LEN:
        raise DecryptionError(f"Data key {data_key.uuid} is malformed")
    try:
        key = AESGCM(kek).decrypt(
            wrapped[:_NONCE_LEN], wrapped[_NONCE_LEN:], _wrap_aad(data_key.uuid)
        )
    except InvalidTag as exc:
        raise DecryptionError(
            f"Data key {data_key.uuid} does not unwrap with key-encryption key "
            f"{data_key.kek_id}: the row or the key was altered"
        ) from exc
    return key


class _DataKeyCache:
    """A bounded LRU of unwrapped data keys (as AESGCM objects) with a time-to-live.

    Invariants: a key destroyed in this process is never returned again; a lookup that
    started before an eviction never re-inserts its (possibly stale) result; the cache is
    emptied whenever ``settings.KETENREGIE_KEYS`` is replaced (tests, reloads).
    """

    def __init__(self, *, size: int, ttl: float) -> None:
        self._size = size
        self._ttl = ttl
        self._entries: OrderedDict[uuid.UUID, tuple[AESGCM, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._owner: InstallationKeys | None = None
        self.generation = 0

    def _check_owner(self) -> None:
        keys = _keys()
        if keys is not self._owner:
            self._entries.clear()
            self._owner = keys
            self.generation += 1

    def get(self, key_uuid: uuid.UUID) -> AESGCM | None:
        with self._lock:
            self._check_owner()
            entry = self._entries.get(key_uuid)
            if entry is None:
                return None
            if entry[1] < time.monotonic():
                del self._entries[key_uuid]
                return None
            self._entries.move_to_end(key_uuid)
            return entry[0]

    def put(self, key_uuid: uuid.UUID, aead: AESGCM, *, generation: int) -> None:
        with self._lock:
            self._check_owner()
            if generation != self.generation:
                return
            self._entries[key_uuid] = (aead, time.monotonic() + self._ttl)
            self._entries.move_to_end(key_uuid)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def evict(self, key_uuid: uuid.UUID) -> None:
        with self._lock:
            self._entries.pop(key_uuid, None)
            self.generation += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.generation += 1

    def __contains__(self, key_uuid: object) -> bool:
        with self._lock:
            return key_uuid in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


_cache = _DataKeyCache(size=DATA_KEY_CACHE_SIZE, ttl=DATA_KEY_CACHE_SECONDS)


def data_key_cache_clear() -> None:
    """Forget every cached data key in this process (after a restore, or between tests)."""
    _cache.clear()


def _load_aead(key_uuid: uuid.UUID) -> AESGCM:
    """Return the AESGCM object for a data key, from the cache or unwrapped from its row.

    Raises KeyDestroyedError for a destroyed key and DecryptionError for an unknown one.
    """
    aead = _cache.get(key_uuid)
    if aead is not None:
        return aead
    generation = _cache.generation
    data_key = DataKey.objects.filter(uuid=key_uuid).first()
    if data_key is None:
        raise DecryptionError(
            f"No data key {key_uuid} exists in this database: the value comes from elsewhere"
        )
    aead = AESGCM(_unwrap(data_key=data_key))
    _cache.put(key_uuid, aead, generation=generation)
    return aead


def data_key_cache_warm(*, key_uuids: Iterable[uuid.UUID]) -> None:
    """Load and cache the given data keys in one query, so a page of rows decrypts cheaply.

    Destroyed, unknown and unwrappable keys are skipped here; decrypting with them raises.
    """
    wanted = {u for u in key_uuids if u not in _cache}
    if not wanted:
        return
    generation = _cache.generation
    for data_key in DataKey.objects.filter(uuid__in=wanted, wrapped__isnull=False):
        try:
            key = _unwrap(data_key=data_key)
        except DecryptionError:
            continue  # reported when (and only if) a value under this key is read
        _cache.put(data_key.uuid, AESGCM(key), generation=generation)


def data_key_create(*, purpose: str) -> DataKey:
    """Create a new random 32-byte data key, wrapped by the current key-encryption key.

    ``purpose`` names what the key protects ("case", "person", "signal"); at most 20
    characters. Raises ValueError for an empty or too long purpose.
    """
    if not purpose or len(purpose) > _PURPOSE_MAX_LEN:
        raise ValueError(f"A data key's purpose must be 1 to 20 characters, got {purpose!r}")
    kek = _keys().field_kek
    key_uuid = uuid.uuid4()
    key = AESGCM.generate_key(bit_length=256)
    return DataKey.objects.create(
        uuid=key_uuid,
        purpose=purpose,
        wrapped=_wrap(kek=kek, key=key, key_uuid=key_uuid),
        kek_id=kek_id_for(kek=kek),
    )


@transaction.atomic
def data_key_destroy(*, data_key: DataKey) -> None:
    """Destroy a data key: ``wrapped`` becomes NULL, ``destroyed_at`` is set (crypto-shredding).

    Idempotent: destroying again keeps the first ``destroyed_at``. Evicts the key from this
    process's cache now and again after commit; other processes drop it within
    ``DATA_KEY_CACHE_SECONDS``. Updates ``data_key`` in place. Copies of the wrapped key in
    backups made before this call stay readable with the KEK until those backups expire.
    """
    if data_key.pk is None:
        raise ValueError("Only a saved data key can be destroyed")
    DataKey.objects.filter(pk=data_key.pk).update(
        wrapped=None, destroyed_at=Coalesce("destroyed_at", Value(timezone.now()))
    )
    data_key.refresh_from_db(fields=["wrapped", "destroyed_at"])
    key_uuid = data_key.uuid
    _cache.evict(key_uuid)
    # A concurrent reader may have cached the key between our UPDATE and the commit.
    transaction.on_commit(lambda: _cache.evict(key_uuid))


def _header(key_uuid: uuid.UUID) -> bytes:
    return _VERSION_BYTE + key_uuid.bytes


def encrypt_value(*, data_key: DataKey, plaintext: str, aad: str) -> bytes:
    """Encrypt ``plaintext`` with ``data_key``, bound to ``aad`` (model, field and row id).

    Each call uses a fresh random nonce, so equal plaintexts give different ciphertexts.
    Raises KeyDestroyedError for a destroyed key, ValueError for an unsaved one, TypeError
    for a non-str plaintext.
    """
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt_value takes str, got {type(plaintext).__name__}")
    if data_key.pk is None:
        raise ValueError("Save the data key (use data_key_create) before encrypting with it")
    _check_not_destroyed(data_key)
    aead = _cache.get(data_key.uuid) or AESGCM(_unwrap(data_key=data_key))
    header = _header(data_key.uuid)
    nonce = os.urandom(_NONCE_LEN)
    sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), header + aad.encode("utf-8"))
    return header + nonce + sealed


def ciphertext_key_uuid(ciphertext: bytes) -> uuid.UUID:
    """Return the uuid of the data key a ciphertext was made with (read from its header).

    Raises DecryptionError for something that is not a ciphertext of a known version.
    """
    blob = bytes(ciphertext)
    if len(blob) < _MIN_CIPHERTEXT_LEN:
        raise DecryptionError(f"Not a ciphertext: {len(blob)} bytes is too short")
    if blob[0] != CIPHERTEXT_VERSION:
        raise DecryptionError(f"Unknown ciphertext version {blob[0]}")
    return uuid.UUID(bytes=blob[1:_HEADER_LEN])


def ciphertext_version(ciphertext: bytes) -> int:
    """Return the version byte of a ciphertext (0 for an empty value)."""
    blob = bytes(ciphertext)
    return blob[0] if blob else 0


def decrypt_value(*, ciphertext: bytes, aad: str) -> str:
    """Decrypt a value made by ``encrypt_value`` with the same ``aad``.

    The data key is found by the uuid in the ciphertext's header (cached, bounded LRU).
    Raises KeyDestroyedError when that key was destroyed, and DecryptionError when the value
    was altered, belongs to another row, field or model, or its key is unknown or wrapped by
    a key-encryption key that is not configured.
    """
    blob = bytes(ciphertext)
    key_uuid = ciphertext_key_uuid(blob)
    aead = _load_aead(key_uuid)
    header = blob[:_HEADER_LEN]
    nonce = blob[_HEADER_LEN : _HEADER_LEN + _NONCE_LEN]
    try:
        data = aead.decrypt(nonce, blob[_HEADER_LEN + _NONCE_LEN :], header + aad.encode("utf-8"))
    except InvalidTag as exc:
        raise DecryptionError(
            "The value does not authenticate: it was altered or belongs to another row or field"
        ) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:  # authenticated, so only a bug could get here
        raise DecryptionError("The decrypted value is not UTF-8 text") from exc


def kek_rotate(*, batch_size: int = 1000) -> int:
    """Re-wrap every data key not wrapped by the current key-encryption key; return how many.

    Idempotent and resumable: each batch commits on its own, and a second run finds nothing.
    Destroyed keys are left alone. Raises DecryptionError (after committing the batches
    before it) when a key is wrapped by a KEK that is not configured or does not unwrap.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    kek = _keys().field_kek
    target = kek_id_for(kek=kek)
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                DataKey.objects.select_for_update()
                .filter(wrapped__isnull=False)
                .exclude(kek_id=target)
                .order_by("pk")[:batch_size]
            )
            for data_key in batch:
                key = _unwrap(data_key=data_key)
                data_key.wrapped = _wrap(kek=kek, key=key, key_uuid=data_key.uuid)
                data_key.kek_id = target
                data_key.save(update_fields=["wrapped", "kek_id"])
        if not batch:
            return done
        done += len(batch)


def data_keys_by_kek() -> dict[str, int]:
    """Count the live (not destroyed) data keys per key-encryption key id."""
    rows = (
        DataKey.objects.filter(wrapped__isnull=False)
        .values("kek_id")
        .annotate(n=Count("pk"))
        .order_by("kek_id")
    )
    return {row["kek_id"]: row["n"] for row in rows}


def blind_index(*, kind: str, value: str) -> bytes:
    """Return HMAC-SHA256(blind-index key, kind + NUL + value): 32 bytes, equality only.

    Callers pass NORMALISED values (``permissions.identifiers``); the same value under
    another ``kind`` gives an unrelated index. The key is as secret as the encryption keys:
    the BSN space is small enough to enumerate. Raises ValueError for an empty kind or one
    containing NUL.
    """
    if not kind or "\x00" in kind:
        raise ValueError("A blind index kind must be non-empty and contain no NUL character")
    message = kind.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return hmac.new(_keys().blind_index, message, hashlib.sha256).digest()
