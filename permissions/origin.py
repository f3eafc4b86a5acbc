"""Where a request came from, for the access log.

Behind a TLS-terminating proxy every request arrives from the proxy. With
``KETENREGIE_TRUSTED_PROXIES`` set to the number of proxies in front of the application, the
client address is read from ``X-Forwarded-For``, counting from the right (the entries the
trusted proxies appended); entries a client could have forged are never used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def request_origin(request: HttpRequest) -> str | None:
    """The client's IP address as far as the trusted proxies vouch for it."""
    trusted = getattr(settings, "KETENREGIE_TRUSTED_PROXIES", 0)
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if trusted <= 0:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < trusted:
        return remote
    return _valid(forwarded[-trusted]) or remote
