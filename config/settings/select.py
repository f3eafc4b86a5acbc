"""Choose the settings profile from the environment."""

from __future__ import annotations

import os


def default_settings_module() -> str:
    """``KETENREGIE_PROFILE`` wins; otherwise production when DATABASE_URL is set."""
    profile = os.environ.get("KETENREGIE_PROFILE")
    if not profile:
        profile = "production" if os.environ.get("DATABASE_URL") else "embedded"
    if profile not in {"embedded", "production", "test"}:
        raise RuntimeError(
            f"KETENREGIE_PROFILE={profile!r} is not a profile; use embedded, production or test"
        )
    return f"config.settings.{profile}"


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())
