"""Framework hooks of the permissions app."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def ensure_default_roles(sender: AppConfig, **kwargs: Any) -> None:
    """After ``migrate`` (and after a test flush) the default roles and their grants exist."""
    from .services import roles_ensure_defaults

    using = kwargs.get("using", "default")
    if using != "default":
        return
    roles_ensure_defaults()
