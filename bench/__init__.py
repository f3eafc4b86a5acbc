"""Benchmarks of Ketenregie at up to a million cases (bench/README.md)."""

import os

# Before anything imports config (whose package picks a profile): the bench's own settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
