"""Models of the permissions app, one module per concern."""

from .accounts import ApiToken, Organisation, Role, User

__all__ = ["ApiToken", "Organisation", "Role", "User"]
