"""Test profile: PostgreSQL and Redis on 127.0.0.1 by default, overridable by environment."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url

from config.keys import InstallationKeys

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Fixed, well-known test keys: tests must be reproducible; these keys protect nothing.
KETENREGIE_KEYS = InstallationKeys(
    field_kek=b"k" * 32,
    blind_index=b"b" * 32,
    signing="test-signing-key-not-secret-0123456789abcdef",
    previous_field_keks=(),
)
SECRET_KEY = KETENREGIE_KEYS.signing

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ketenregie")
    )
}
CELERY_BROKER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "unacked_restore_throttle": 0.1}
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    "/tmp/ketenregie-test-celerybeat",  # noqa: S108
)

# In memory; real-worker tests choose a backend that other processes can read.
EMAIL_BACKEND = os.environ.get(
    "KETENREGIE_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("KETENREGIE_TEST_EMAIL_DIR", tempfile.gettempdir())
KETENREGIE_NOTIFICATIONS_QUEUE = os.environ.get("KETENREGIE_NOTIFICATIONS_QUEUE", "")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = Path(tempfile.gettempdir()) / "ketenregie-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
