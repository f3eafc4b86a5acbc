"""Models of the permissions app, one module per concern."""

from .access import AccessAction, AccessLog, AccessResult, DisclosureProfile, SharingRule
from .accounts import ApiToken, Organisation, Role, User

__all__ = [
    "AccessAction",
    "AccessLog",
    "AccessResult",
    "ApiToken",
    "DisclosureProfile",
    "Organisation",
    "Role",
    "SharingRule",
    "User",
]
