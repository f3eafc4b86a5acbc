"""Renders the authorization matrix (``permissions.matrix``) as docs/permissions.md."""

from __future__ import annotations

from .matrix import (
    ACTORS,
    ADMIN_NOTE,
    ADMIN_RULE,
    ENDPOINTS,
    SITUATIONS_BY_OBJECT,
    Endpoint,
    cells,
    expected,
)
from .urlmap import url_patterns

HEADER = """# Permissions: who gets which answer

Generated from `permissions/matrix.py` by `python manage.py authz_matrix --write
docs/permissions.md`; do not edit by hand. `tests/authz/test_matrix.py` requests every cell
below against a freshly built world and fails when an answer differs, when a URL pattern has
no entry, or when this file is not the rendered table. Need-to-know itself is explained in
[access.md](access.md).

Answers: 200/201/204 allowed; 302 redirect (after a form, or to the sign-in page for a
signed-out visitor); 400 past the access check, the deliberately minimal body refused; 401
signed out (API); 403 known but not allowed; 404 hidden (absent and forbidden look the same,
byte for byte); 405 method not allowed. A refused unsafe request (POST, PUT, PATCH, DELETE)
changes no row; only the access log records the attempt.
"""


def _row(cells_: list[str]) -> str:
    return "| " + " | ".join(cells_) + " |"


def _actors_table() -> list[str]:
    lines = ["## Actors", "", _row(["column", "who", "role"]), _row(["---"] * 3)]
    for actor in ACTORS:
        lines.append(
            _row([f"`{actor.key}`", actor.description, actor.role.value if actor.role else "-"])
        )
    return [*lines, ""]


def _situations_tables() -> list[str]:
    lines = ["## Situations", ""]
    seen: set[int] = set()
    for obj, situations in SITUATIONS_BY_OBJECT.items():
        if not obj or id(situations) in seen:
            continue
        seen.add(id(situations))
        users = [o for o, s in SITUATIONS_BY_OBJECT.items() if s is situations]
        lines += [f"For {', '.join(users)} endpoints:", ""]
        lines += [_row(["situation", "what"]), _row(["---", "---"])]
        lines += [_row([f"`{name}`", text]) for name, text in situations.items()]
        lines.append("")
    return lines


def _endpoint_label(endpoint: Endpoint, routes: dict[str, str], method: str) -> str:
    return f"{method} `/{routes[endpoint.name]}`"


def render() -> str:
    """The whole document, as text."""
    patterns = url_patterns()
    routes = {p.key: p.route for p in patterns}
    admin = [p for p in patterns if p.admin]
    keys = [a.key for a in ACTORS]
    total_cells = sum(len(cells(e)) for e in ENDPOINTS)
    admin_cells = len(admin) * len(keys) * len(ADMIN_RULE)
    methods = sum(len(e.methods) for e in ENDPOINTS)
    lines = [HEADER]
    lines += [
        "## Figures",
        "",
        f"- {len(ENDPOINTS)} URL patterns of the product (pages and API), {methods} "
        f"endpoint x method pairs, x {len(keys)} actors ({len(keys) - 1} signed-in people "
        f"in {len({a.role for a in ACTORS if a.role})} roles, and a signed-out visitor) "
        f"x their situations: **{total_cells} cells**.",
        f"- {len(admin)} URL patterns of the Django admin x {len(keys)} actors: "
        f"{admin_cells} cells. {ADMIN_NOTE}",
        "",
    ]
    lines += _actors_table()
    lines += _situations_tables()

    plain = [e for e in ENDPOINTS if not e.obj]
    lines += ["## Endpoints without an object", ""]
    lines += [_row(["endpoint", *keys]), _row(["---"] * (len(keys) + 1))]
    for endpoint in plain:
        for method in endpoint.methods:
            answers = [str(expected(endpoint, method, k, "-")) for k in keys]
            lines.append(_row([_endpoint_label(endpoint, routes, method), *answers]))
    notes = [e for e in plain if e.note]
    if notes:
        lines.append("")
        lines += [f"- `{e.name}`: {e.note}" for e in notes]
    lines.append("")

    lines += ["## Endpoints about one object", ""]
    for endpoint in (e for e in ENDPOINTS if e.obj):
        situations = list(SITUATIONS_BY_OBJECT[endpoint.obj])
        for method in endpoint.methods:
            lines += [f"### {_endpoint_label(endpoint, routes, method)}", ""]
            lines.append(f"`{endpoint.name}`, about a {endpoint.obj}.")
            if endpoint.note:
                lines.append(f"{endpoint.note[0].upper()}{endpoint.note[1:]}.")
            lines.append("")
            lines += [_row(["situation", *keys]), _row(["---"] * (len(keys) + 1))]
            for situation in situations:
                answers = [str(expected(endpoint, method, k, situation)) for k in keys]
                lines.append(_row([f"`{situation}`", *answers]))
            lines.append("")

    lines += ["## Django admin", "", ADMIN_NOTE, ""]
    lines += [f"- `/{p.route}`" for p in admin]
    lines.append("")
    return "\n".join(lines)
