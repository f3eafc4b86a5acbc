"""Every URL pattern the project serves, walked from the root resolver.

The authorization matrix (``permissions.matrix``) must name each of them; this walk is how
its test and its documentation find them, so a new page without an entry fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its key (the URL name, with namespace, or the route if unnamed)."""

    key: str
    route: str
    name: str | None
    params: tuple[str, ...]
    admin: bool

    def url(self, values: dict[str, Any]) -> str:
        """The path with ``values`` for its parameters (extra values are ignored)."""
        kwargs = {p: values[p] for p in self.params}
        if self.name is not None:
            return reverse(self.name, kwargs=kwargs)
        return "/" + _ROUTE_PARAM.sub(lambda m: str(kwargs[m.group(1)]), self.route)


def _params(pattern: Any) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(_ROUTE_PARAM.findall(str(pattern)))
    if isinstance(pattern, RegexPattern):
        return tuple(pattern.regex.groupindex)
    return ()


def _walk(
    resolver: URLResolver, prefix: str, namespace: str | None, params: tuple[str, ...]
) -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(
                entry, prefix + str(entry.pattern), inner, params + _params(entry.pattern)
            )
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            admin = (namespace or "").split(":")[0] == ADMIN_NAMESPACE or route.startswith(
                "beheer/"
            )
            yield Pattern(
                key=name or route,
                route=route,
                name=name,
                params=params + _params(entry.pattern),
                admin=admin,
            )


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the root URLconf, in resolving order."""
    return list(_walk(get_resolver(), "", None, ()))
