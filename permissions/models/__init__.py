"""Models of the permissions app, one module per concern."""

from .access import AccessAction, AccessLog, AccessResult, DisclosureProfile, SharingRule
from .accounts import ApiToken, Organisation, Role, User
from .keys import DataKey

__all__ = [
    "AccessAction",
    "AccessLog",
    "AccessResult",
    "ApiToken",
    "DataKey",
    "DisclosureProfile",
    "Organisation",
    "Role",
    "SharingRule",
    "User",
]
