"""Embedded profile: one machine, no servers. SQLite (WAL) and a file-system Celery broker.

The default when no DATABASE_URL is set. Keys are generated on first start into var/keys/.
"""

from __future__ import annotations

import os

from config.keys import load_keys

from .base import *  # noqa: F403
from .base import STATIC_ROOT, VAR_DIR, env_bool, env_list

DEBUG = env_bool("KETENREGIE_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

_keys = load_keys(key_dir=VAR_DIR / "keys", generate=True)
SECRET_KEY = _keys.signing
KETENREGIE_KEYS = _keys

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "ketenregie.sqlite3",
        "OPTIONS": {
            # WAL lets the web server read while the worker writes; IMMEDIATE avoids the
            # upgrade deadlock of deferred transactions under concurrent writers.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}

_broker_dir = VAR_DIR / "broker"
for _sub in ("queue", "processed", "control"):
    (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(_broker_dir / "queue"),
    "data_folder_out": str(_broker_dir / "queue"),
    "processed_folder": str(_broker_dir / "processed"),
    "control_folder": str(_broker_dir / "control"),
    "store_processed": False,
}
# The file-system transport has no fan-out for remote control; the worker runs without it.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"

# No TLS on a laptop: cookies cannot be Secure here.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
