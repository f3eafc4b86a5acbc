"""The bench's environment: its own database, Redis database and keys, production profile.

Every value can be overridden from the environment (``BENCH_DATABASE_URL``,
``BENCH_REDIS_URL``). The keys are generated once into ``bench/results/keys.env`` and kept
there, because the generated data is encrypted with them.
"""

from __future__ import annotations

import os
from pathlib import Path

from config.keys import KEY_NAMES, new_key_text

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR", BENCH_DIR / "results"))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ketenregie_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
SIGNING_KEY_BYTES = 48


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)


def _keys() -> dict[str, str]:
    path = RESULTS_DIR / "keys.env"
    if not path.exists():
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        lines = [
            f"KETENREGIE_{name.upper()}_KEY="
            + new_key_text(SIGNING_KEY_BYTES if name == "signing" else 32)
            for name in KEY_NAMES
        ]
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)
    keys = {}
    for line in path.read_text().splitlines():
        name, _sep, value = line.partition("=")
        if name and value:
            keys[name.strip()] = value.strip()
    return keys


def bench_environ() -> dict[str, str]:
    """The environment the production profile needs, pointed at the bench's services."""
    values = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS proxy in front of the bench's gunicorn.
        "SECURE_SSL_REDIRECT": "0",
        # Reminders are delivered for real, but e-mail goes nowhere.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "KETENREGIE_LOG_LEVEL": "WARNING",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(RESULTS_DIR / "celerybeat-schedule"),
    }
    values.update(_keys())
    return values


def apply() -> None:
    """Put the bench's environment into ``os.environ`` (values already set win)."""
    for name, value in bench_environ().items():
        os.environ.setdefault(name, value)
