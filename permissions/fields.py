"""Encrypted model fields: the column holds ciphertext, the attribute gives plaintext on demand.

Declare them on a model that has an immutable public id and a way to reach its data key::

    class Person(models.Model):
        uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
        data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")
        bsn = EncryptedTextField(null=True, blank=True)
        birth_date = EncryptedDateField(null=True, blank=True)

    class HealthNote(models.Model):
        uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
        case = models.ForeignKey(Case, on_delete=models.PROTECT)
        text = EncryptedTextField(key_field="case.data_key")

Invariants:

- Loading a row decrypts nothing. Reading the attribute decrypts once and caches the plaintext
  on the instance; ``refresh_from_db()`` and ``defer()`` never decrypt either.
- The associated data is ``"<app_label>.<model>.<field>:<aad_field value>"``, so a ciphertext
  copied to another row, field or model raises ``DecryptionError``.
- Encrypting uses the data key at ``key_field``; decrypting uses the key named inside the
  ciphertext, so values stay readable after the row points at a new key (until ``reencrypt``).
- Plaintext never reaches SQL: filtering, ``update()`` or ``bulk_update()`` with a str or date
  raises TypeError. Use ``save()``; search through a blind index.
- ``.values()``, ``value_from_object()`` and ``dumpdata`` see ciphertext only. Pickling an
  instance drops cached plaintext.
"""

from __future__ import annotations

import datetime
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.apps import apps as global_apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Model

from permissions import crypto
from permissions.models import DataKey

_REGISTRY: list[tuple[type[Model], EncryptedTextField[Any, Any]]] = []

# Type parameters (set type, get type) as django-stubs gives every field, so that mypy sees
# ``person.bsn`` as ``str | None``. At runtime BinaryField is not subscriptable; the subclass
# below makes ``[...]`` a no-op, as django_stubs_ext.monkeypatch would.
_ST = TypeVar("_ST", contravariant=True)
_GT = TypeVar("_GT", covariant=True)

if TYPE_CHECKING:
    _BinaryField = models.BinaryField
else:

    class _BinaryField(models.BinaryField):
        def __class_getitem__(cls, *args: Any, **kwargs: Any) -> type:
            return cls


_CIPHERTEXT_TYPES = (bytes, bytearray, memoryview)
# Model.refresh_from_db copies each value with getattr(db_instance, attname); for that one
# caller the descriptor hands over the stored ciphertext instead of decrypting, so refreshing
# stays lazy and works on rows whose key was destroyed.
_REFRESH_FROM_DB_CODE = Model.refresh_from_db.__code__


class _Pending:
    """A plaintext assigned in code, encrypted by ``pre_save``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class _Decrypted:
    """Stored ciphertext together with its cached plaintext. Pickles as the ciphertext only."""

    __slots__ = ("ciphertext", "value")

    def __init__(self, ciphertext: bytes, value: Any) -> None:
        self.ciphertext = ciphertext
        self.value = value

    def __reduce__(self) -> tuple[type[bytes], tuple[bytes]]:
        return (bytes, (self.ciphertext,))


class EncryptedAttribute:
    """Data descriptor: ciphertext (or pending plaintext) in ``__dict__``, plaintext out.

    A data descriptor, unlike Django's DeferredAttribute, so ``__set__`` sees every value
    Django loads and ``__get__`` runs on every read.
    """

    def __init__(self, field: EncryptedTextField[Any, Any]) -> None:
        self.field = field

    def __get__(self, instance: Model | None, cls: type[Model] | None = None) -> Any:
        if instance is None:
            return self
        data = instance.__dict__
        attname = self.field.attname
        if sys._getframe(1).f_code is _REFRESH_FROM_DB_CODE:
            stored = data.get(attname)
            return stored.ciphertext if isinstance(stored, _Decrypted) else stored
        if attname not in data:
            instance.refresh_from_db(fields=[attname])
        stored = data[attname]
        if stored is None:
            return None
        if isinstance(stored, _Pending | _Decrypted):
            return stored.value
        value = self.field.decrypt(instance, stored)
        data[attname] = _Decrypted(stored, value)
        return value

    def __set__(self, instance: Model, value: Any) -> None:
        data = instance.__dict__
        attname = self.field.attname
        if value is None or isinstance(value, _CIPHERTEXT_TYPES):
            # From the database (or a deliberate raw assignment): ciphertext, kept as is.
            data[attname] = None if value is None else bytes(value)
            return
        if isinstance(value, _Decrypted | _Pending):
            data[attname] = value
            return
        self.field.check_python_value(value)
        current = data.get(attname)
        if (
            isinstance(current, _Decrypted)
            and type(current.value) is type(value)
            and current.value == value
        ):
            return  # unchanged: keep the stored ciphertext, nothing to re-encrypt
        data[attname] = _Pending(value)


class EncryptedTextField(_BinaryField[_ST, _GT]):
    """Text encrypted with AES-256-GCM under the data key at ``key_field``.

    ``key_field`` is a dotted attribute path from the instance to a ``DataKey`` ("data_key",
    "case.data_key"); ``aad_field`` names an attribute that is set before the first save and
    never changes (the row's public uuid). An empty string is stored encrypted, distinct from
    NULL. Assigning anything but str (or None) raises TypeError.
    """

    description = "Encrypted text"
    descriptor_class = EncryptedAttribute
    empty_values: ClassVar[list[Any]] = [None, ""]  # type: ignore[misc]
    _pyi_private_set_type: str
    _pyi_private_get_type: str  # type: ignore[assignment]

    def __init__(
        self, *args: Any, key_field: str = "data_key", aad_field: str = "uuid", **kwargs: Any
    ) -> None:
        if "db_default" in kwargs:
            raise TypeError(
                "An encrypted field cannot have a db_default: the database cannot encrypt"
            )
        self.key_field = key_field
        self.aad_field = aad_field
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Any, Any]:
        name, path, args, kwargs = super().deconstruct()
        if self.key_field != "data_key":
            kwargs["key_field"] = self.key_field
        if self.aad_field != "uuid":
            kwargs["aad_field"] = self.aad_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls: type[Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        # Historical models in migrations and models of isolated test registries are not the
        # installation's models: reencrypt must not walk them.
        if not cls._meta.abstract and cls._meta.apps is global_apps:
            _REGISTRY.append((cls, self))

    def _check_str_default_value(self) -> list[checks.CheckMessage]:
        # BinaryField forbids a str default; here a default is plaintext and must be str.
        return []

    def get_default(self) -> Any:
        # BinaryField turns the implicit "" into b"", which would pass for ciphertext.
        return models.Field.get_default(self)

    # Converting between Python values and the plaintext inside the ciphertext.

    def check_python_value(self, value: Any) -> None:
        if not isinstance(value, str):
            raise TypeError(f"{self._label()} takes str or None, got {type(value).__name__}")

    def to_plaintext(self, value: Any) -> str:
        return str(value)

    def from_plaintext(self, text: str) -> Any:
        return text

    # Encryption and decryption.

    def _label(self) -> str:
        model = getattr(self, "model", None)
        owner = model._meta.label_lower if model is not None else "?"
        return f"{owner}.{self.name}"

    def aad_for(self, instance: Model) -> str:
        ident = getattr(instance, self.aad_field)
        if ident is None or ident == "":
            raise ValueError(
                f"{self._label()}: {self.aad_field!r} must have a value before the field is "
                "encrypted (use a uuid with a default, not the primary key)"
            )
        return f"{self._label()}:{ident}"

    def data_key_for(self, instance: Model) -> DataKey:
        target: Any = instance
        for part in self.key_field.split("."):
            target = getattr(target, part, None)
            if target is None:
                raise ValueError(
                    f"{self._label()}: no data key at {self.key_field!r}; give the row one "
                    "(permissions.crypto.data_key_create) before saving"
                )
        if not isinstance(target, DataKey):
            raise TypeError(f"{self._label()}: {self.key_field!r} is not a DataKey")
        return target

    def encrypt(self, instance: Model, value: Any) -> bytes:
        return crypto.encrypt_value(
            data_key=self.data_key_for(instance),
            plaintext=self.to_plaintext(value),
            aad=self.aad_for(instance),
        )

    def decrypt(self, instance: Model, ciphertext: bytes) -> Any:
        try:
            text = crypto.decrypt_value(ciphertext=ciphertext, aad=self.aad_for(instance))
            return self.from_plaintext(text)
        except crypto.DecryptionError as exc:
            raise type(exc)(f"{self._label()} of row pk={instance.pk}: {exc}") from exc

    def stored_ciphertext(self, instance: Model) -> bytes | None:
        """The column's value as stored (loading it if deferred), without decrypting."""
        if self.attname not in instance.__dict__:
            instance.refresh_from_db(fields=[self.attname])
        stored = instance.__dict__[self.attname]
        if isinstance(stored, _Pending):
            raise ValueError(f"{self._label()} holds an unsaved value")
        if isinstance(stored, _Decrypted):
            return stored.ciphertext
        return stored

    # Django's hooks.

    def pre_save(self, model_instance: Model, add: bool) -> Any:
        stored = model_instance.__dict__.get(self.attname)
        if isinstance(stored, _Pending):
            if stored.value is None:
                model_instance.__dict__[self.attname] = None
                return None
            ciphertext = self.encrypt(model_instance, stored.value)
            model_instance.__dict__[self.attname] = _Decrypted(ciphertext, stored.value)
            return ciphertext
        if isinstance(stored, _Decrypted):
            return stored.ciphertext
        return stored

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, _Decrypted):
            return value.ciphertext
        if value is None or isinstance(value, _CIPHERTEXT_TYPES):
            return super().get_prep_value(value)
        if hasattr(value, "resolve_expression"):
            return value
        raise TypeError(
            f"{self._label()} cannot take a plaintext value in a query, update() or "
            "bulk_update(): assign it and call save(); to search, use a blind index"
        )

    def value_from_object(self, obj: Model) -> Any:
        # Serializers and model_to_dict get the ciphertext, never the plaintext.
        return self.stored_ciphertext(obj)

    def clean(self, value: Any, model_instance: Model | None) -> Any:
        # The value is already the Python value (plaintext); to_python would base64-decode it.
        self.validate(value, model_instance)
        self.run_validators(value)
        return value


class EncryptedDateField(EncryptedTextField[_ST, _GT]):
    """A ``datetime.date`` encrypted as its ISO text. Assigning a datetime or str raises."""

    description = "Encrypted date"
    empty_strings_allowed = False
    empty_values: ClassVar[list[Any]] = [None]  # type: ignore[misc]
    _pyi_private_set_type: datetime.date  # type: ignore[assignment]
    _pyi_private_get_type: datetime.date  # type: ignore[assignment]

    def check_python_value(self, value: Any) -> None:
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise TypeError(
                f"{self._label()} takes datetime.date or None, got {type(value).__name__}"
            )

    def to_plaintext(self, value: Any) -> str:
        return str(value.isoformat())

    def from_plaintext(self, text: str) -> Any:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise crypto.DecryptionError("The decrypted value is not an ISO date") from exc


def encrypted_fields() -> list[tuple[type[Model], EncryptedTextField[Any, Any]]]:
    """Every encrypted field of the installation's concrete models, in declaration order."""
    return list(_REGISTRY)


@dataclass
class ReencryptResult:
    """What ``encrypted_field_reencrypt`` did with one field."""

    checked: int = 0
    reencrypted: int = 0
    shredded: int = 0  # the old or the new data key is destroyed: nothing to re-encrypt
    failed_pks: list[Any] = field(default_factory=list)


def _select_related_path(model: type[Model], key_field: str) -> str | None:
    """``"case.data_key"`` -> ``"case__data_key"`` when every step is a forward relation."""
    opts = model._meta
    parts = key_field.split(".")
    for part in parts:
        try:
            step = opts.get_field(part)
        except FieldDoesNotExist:
            return None
        if not (step.is_relation and (step.many_to_one or step.one_to_one)) or step.auto_created:
            return None
        related = step.related_model
        if related is None or isinstance(related, str):
            return None
        opts = related._meta
    return "__".join(parts)


def encrypted_field_reencrypt(
    *, model: type[Model], enc_field: EncryptedTextField[Any, Any], batch_size: int = 500
) -> ReencryptResult:
    """Re-encrypt every value of one field whose ciphertext is not under the row's current key.

    A value is rewritten when its key uuid differs from the data key at ``key_field`` (after
    that was replaced) or its format version is older than the current one. Idempotent and
    resumable: each batch commits on its own and a second run rewrites nothing. Values whose
    old or new key is destroyed are counted as shredded; values that fail to decrypt for any
    other reason are listed in ``failed_pks`` and left untouched.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    path = _select_related_path(model, enc_field.key_field)
    result = ReencryptResult()
    last_pk: Any = None
    while True:
        with transaction.atomic():
            qs = model._base_manager.filter(**{f"{enc_field.attname}__isnull": False})
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            qs = qs.select_for_update(of=("self",)).order_by("pk")
            if path:
                qs = qs.select_related(path)
            rows = list(qs[:batch_size])
            for row in rows:
                _reencrypt_row(model=model, enc_field=enc_field, row=row, result=result)
        if not rows:
            return result
        last_pk = rows[-1].pk


def _reencrypt_row(
    *,
    model: type[Model],
    enc_field: EncryptedTextField[Any, Any],
    row: Model,
    result: ReencryptResult,
) -> None:
    result.checked += 1
    stored = enc_field.stored_ciphertext(row)
    if stored is None:
        return
    try:
        target = enc_field.data_key_for(row)
    except (ValueError, TypeError):
        result.failed_pks.append(row.pk)
        return
    if target.wrapped is None or target.destroyed_at is not None:
        result.shredded += 1
        return
    if (
        crypto.ciphertext_version(stored) == crypto.CIPHERTEXT_VERSION
        and crypto.ciphertext_key_uuid(stored) == target.uuid
    ):
        return
    try:
        value = getattr(row, enc_field.attname)
    except crypto.KeyDestroyedError:
        result.shredded += 1
        return
    except crypto.DecryptionError:
        result.failed_pks.append(row.pk)
        return
    ciphertext = enc_field.encrypt(row, value)
    model._base_manager.filter(pk=row.pk).update(**{enc_field.attname: ciphertext})
    result.reencrypted += 1
