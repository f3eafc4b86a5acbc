"""API fuzzing with schemathesis, in process against the Django WSGI application.

Used by ``tests/test_api_fuzz.py``; see docs/testing.md ("API fuzzing and property tests").
Every operation of ``/api/schema/`` is fuzzed for one role at a time with that role's API
token (and without one, as an anonymous caller). The checks are the API contract's: never a
5xx, every status code and content type documented, every body valid against its schema.

Path parameters are drawn half of the time from the rows the demo seed made (so the fuzzer
reaches the code behind the 404), half of the time generated (so odd identifiers are tried).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# The caller per role: the demo roster's usernames (docs/api.md), None for no token at all.
ROLES: dict[str, str | None] = {
    "coordinator": "coordinator",
    "teamlead": "teamlead",
    "boa": "boa",
    "wijkagent": "wijkagent",
    "partner": "corporatie",
    "privacy_officer": "privacy",
    "functional_admin": "beheer",
    "zvh": "zvh",
    "anonymous": None,
}

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Examples per operation, per generation mode (valid and invalid data), per role; also the
# number of stateful scenarios per role. ``make test`` keeps the default; ``make fuzz`` sets
# FUZZ_EXAMPLES=500.
DEFAULT_EXAMPLES = 5


def examples_per_operation() -> int:
    return int(os.environ.get("FUZZ_EXAMPLES", DEFAULT_EXAMPLES))


@dataclass
class Tally:
    """What one session's fuzzing did: requests per role, per operation and per status."""

    per_role: Counter[str] = field(default_factory=Counter)
    per_operation: Counter[str] = field(default_factory=Counter)
    per_status: Counter[int] = field(default_factory=Counter)
    stateful_steps: Counter[str] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "examples_per_operation_and_mode": examples_per_operation(),
            "operations": len(self.operations),
            "roles": len(self.per_role),
            "requests_total": sum(self.per_role.values()),
            "requests_per_role": dict(sorted(self.per_role.items())),
            "stateful_steps_per_role": dict(sorted(self.stateful_steps.items())),
            "responses_per_status": {str(k): v for k, v in sorted(self.per_status.items())},
            "seconds_per_role": {k: round(v, 1) for k, v in sorted(self.seconds.items())},
        }

    def summary_lines(self) -> list[str]:
        data = self.as_dict()
        lines = [
            f"{data['requests_total']} requests: {data['operations']} operations x "
            f"{data['roles']} roles, up to {data['examples_per_operation_and_mode']} examples "
            "per operation for valid and for invalid data",
        ]
        for role, count in data["requests_per_role"].items():
            seconds = data["seconds_per_role"].get(role, 0)
            steps = data["stateful_steps_per_role"].get(role)
            extra = f", {steps} of them stateful steps" if steps else ""
            lines.append(f"  {role:<17} {count:>6} requests in {seconds:>6.1f} s{extra}")
        statuses = ", ".join(f"{k}: {v}" for k, v in data["responses_per_status"].items())
        lines.append(f"  responses by status: {statuses}")
        return lines

    def save(self) -> None:
        """Write the figures to FUZZ_REPORT, if set (after each test, so a cut-off run
        still leaves what it did)."""
        report = os.environ.get("FUZZ_REPORT")
        if report:
            self.write(Path(report))

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2) + "\n")


TALLY = Tally()


@contextmanager
def connections_kept() -> Iterator[None]:
    """Keep the test's database connection (and its transaction) across WSGI requests.

    Django closes obsolete connections when a request starts and finishes; inside a test's
    transaction that would end the transaction. Django's test client does the same.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema(app: Any) -> schemathesis.BaseSchema:
    """The schema as partners fetch it: ``GET /api/schema/``."""
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)


def path_parameter_strategy(
    names: set[str], known: list[dict[str, str]]
) -> st.SearchStrategy[dict[str, str] | None]:
    """Known ids for an operation's path parameters (None: keep the generated ones)."""
    rows = [row for row in known if row and set(row) <= names]
    if not rows:
        return st.none()
    return st.one_of(st.none(), st.sampled_from(rows))


@dataclass
class Finding:
    role: str
    operation: str
    error: BaseException

    def __str__(self) -> str:
        return f"[{self.role}] {self.operation}: {self.error}"


def fuzz_operation(
    *,
    role: str,
    operation: Any,
    headers: dict[str, str],
    known: list[dict[str, str]],
    examples: int,
) -> Finding | None:
    """Run ``examples`` valid and ``examples`` invalid requests against one operation."""
    names = {p.name for p in operation.path_parameters}
    modes = [GenerationMode.POSITIVE]
    if operation.body or operation.query or operation.headers:
        # Only a body, query or header can be made invalid; a free-text path parameter
        # cannot, and asking Hypothesis for it only burns time before Unsatisfiable.
        modes.append(GenerationMode.NEGATIVE)
    for mode in modes:
        strategy = operation.as_strategy(generation_mode=mode)

        @settings(
            max_examples=examples,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        @given(case=strategy, ids=path_parameter_strategy(names, known))
        def run(case: Any, ids: dict[str, str] | None) -> None:
            if ids:
                case.path_parameters = {**(case.path_parameters or {}), **ids}
            response = case.call(headers=headers)
            TALLY.per_role[role] += 1
            TALLY.per_operation[operation.label] += 1
            TALLY.per_status[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Unsatisfiable:
            # Nothing of this operation can be made invalid (e.g. only a string path
            # parameter): there is no negative example to send.
            continue
        except Exception as error:
            return Finding(role=role, operation=f"{operation.label} ({mode.value})", error=error)
    return None


def fuzz_all(
    *,
    role: str,
    schema: Any,
    headers: dict[str, str],
    known: list[dict[str, str]],
    examples: int,
    include: Callable[[Any], bool] = lambda op: True,
) -> list[Finding]:
    findings = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not include(operation):
            continue
        TALLY.operations.add(operation.label)
        finding = fuzz_operation(
            role=role, operation=operation, headers=headers, known=known, examples=examples
        )
        if finding is not None:
            findings.append(finding)
    return findings


def fuzz_stateful(
    *, role: str, schema: Any, headers: dict[str, str], scenarios: int, steps: int
) -> None:
    """Chain calls along the schema's OpenAPI links (config/schema.py ``LINKS``): file a
    signal, read it, triage it, work the case; every response is checked as above."""
    base = schema.as_state_machine()

    class Calls(base):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            TALLY.per_role[role] += 1
            TALLY.stateful_steps[role] += 1
            TALLY.operations.add(case.operation.label)
            TALLY.per_operation[case.operation.label] += 1
            TALLY.per_status[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

    Calls.run(
        settings=settings(
            max_examples=scenarios,
            stateful_step_count=steps,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
    )
