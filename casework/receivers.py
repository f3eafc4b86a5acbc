"""Framework hooks of the casework app. They call services; the rules live there."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def ensure_role_grants(sender: AppConfig, **kwargs: Any) -> None:
    """After casework's permissions exist (migrate, test flush), the roles that hold them get
    them: ``manage_meetings`` is declared here, granted through permissions' defaults."""
    from permissions.services import roles_ensure_defaults

    if kwargs.get("using", "default") != "default":
        return
    roles_ensure_defaults()


def ensure_meeting_types(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new municipality starts with the default meeting types."""
    if not created or kwargs.get("raw"):
        return
    from .services import meeting_types_ensure_defaults

    meeting_types_ensure_defaults(municipality=instance)
