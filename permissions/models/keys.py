"""Data keys: one random AES-256 key per case, person or signal, stored wrapped by the KEK.

The key-encryption key (KEK) lives outside the database (``settings.KETENREGIE_KEYS``); this
table holds only wrapped keys, so a database dump alone reveals nothing. Destroying a data
key (``wrapped`` becomes NULL) makes every field encrypted under it unreadable for good:
that is how retention is carried out (crypto-shredding). Rows are destroyed, never deleted,
so a ciphertext always finds out *why* it cannot be read. Writes go through
``permissions.crypto``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    """A per-purpose data key, wrapped as AES-256-GCM(KEK, key, aad=b"datakey:" + uuid.bytes)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=20)
    # nonce (12 bytes) | AES-256-GCM ciphertext of the 32-byte key and tag; NULL once destroyed.
    wrapped = models.BinaryField(null=True)
    # Which KEK wrapped it: sha256(kek).hexdigest()[:16]; tells rotation what is left to do.
    kek_id = models.CharField(max_length=16, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")

    def __str__(self) -> str:
        state = "destroyed" if self.destroyed_at else "active"
        return f"{self.purpose} key {self.uuid} ({state})"
