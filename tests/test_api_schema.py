"""The OpenAPI schema documents every answer an operation may give (docs/api.md), and the
links between operations that the fuzzer follows (config/schema.py)."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from config.schema import LINKS

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict[str, Any]):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_documents_the_errors_of_the_api_contract(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert {"401", "403", "404", "429"} <= codes, (path, method)
        if method != "get":
            assert {"400", "409", "413", "415"} <= codes, (path, method)


def test_a_400_is_documented_as_messages_per_field(schema):
    errors = schema["components"]["schemas"]["ValidationErrors"]
    assert errors["required"] == ["errors"]
    assert errors["properties"]["errors"]["additionalProperties"]["items"] == {"type": "string"}
    other = schema["components"]["schemas"]["Error"]
    assert set(other["required"]) == {"detail", "code"}


def test_links_lead_to_operations_that_exist(schema):
    ids = {op["operationId"]: op for _path, _method, op in operations(schema)}
    linked = 0
    for source, by_status in LINKS.items():
        assert source in ids
        for status, targets in by_status.items():
            links = ids[source]["responses"][status]["links"]
            for target, parameters in targets.items():
                assert target in ids
                names = {p["name"] for p in ids[target].get("parameters", []) if p["in"] == "path"}
                assert set(parameters) == names, (source, target)
                assert links[target]["operationId"] == target
                linked += 1
    assert linked >= 20


@pytest.mark.parametrize(
    ("component", "field"), [("TriagedSignal", "case"), ("Minutes", "decision")]
)
def test_fields_that_may_be_null_are_documented_nullable(schema, component, field):
    # Found by the API fuzzer: a dismissed signal has no case; minutes may lack a decision.
    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True


@pytest.mark.parametrize(
    ("operation_id", "status"),
    [
        ("v1_cases_participants_create", "201"),
        ("v1_cases_clocks_create", "201"),
        ("v1_cases_break_glass_create", "201"),
        ("v1_signals_create", "201"),
        ("v1_meetings_create", "201"),
        ("v1_cases_actions_create", "201"),
    ],
)
def test_a_creation_is_documented_with_the_status_and_body_it_answers(schema, operation_id, status):
    # Found by the API fuzzer: participants and clocks answered 201 but documented 200, and
    # break-glass documented no body.
    by_id = {op["operationId"]: op for _path, _method, op in operations(schema)}
    responses = by_id[operation_id]["responses"]
    assert min(c for c in responses if c.startswith("2")) == status
    assert "application/json" in responses[status]["content"]
