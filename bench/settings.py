"""Settings of the bench: the production profile on the bench's database, plus the floor URL."""

from __future__ import annotations

from bench import env

env.apply()

from config.settings.production import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
