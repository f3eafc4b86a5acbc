"""Models of the permissions app, one module per concern."""

from .access import AccessAction, AccessLog, AccessResult, DisclosureProfile, SharingRule
from .accounts import ApiToken, Municipality, Organisation, Region, Role, User
from .keys import DataKey

__all__ = [
    "AccessAction",
    "AccessLog",
    "AccessResult",
    "ApiToken",
    "DataKey",
    "DisclosureProfile",
    "Municipality",
    "Organisation",
    "Region",
    "Role",
    "SharingRule",
    "User",
]
