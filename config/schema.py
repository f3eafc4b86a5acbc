"""OpenAPI postprocessing: the error responses of docs/api.md on every operation.

drf-spectacular documents the success response of each view; the errors are the same for
every endpoint (``config.api.exception_handler``), so they are added here once: partners
and the fuzzer (tests/test_api_fuzz.py) then know every status code an operation may answer.
"""

from __future__ import annotations

from typing import Any

ERROR = "Error"
VALIDATION_ERRORS = "ValidationErrors"

COMPONENTS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "Any error but a validation error.",
        "properties": {
            "detail": {"type": "string", "description": "What went wrong, in Dutch."},
            "code": {"type": "string", "description": "e.g. not_found, permission_denied."},
        },
        "required": ["detail", "code"],
    },
    VALIDATION_ERRORS: {
        "type": "object",
        "description": "Messages per field of the request (``location.postcode``, "
        "``persons.1.bsn``) or ``non_field_errors``.",
        "properties": {
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }
        },
        "required": ["errors"],
    },
}

DESCRIPTIONS = {
    "400": "Validation failed: messages per field.",
    "401": "No credentials, or a malformed, unknown or revoked token.",
    "403": "The caller may see this object but not do this with it.",
    "404": "Absent, or not visible to the caller (the two look the same).",
    "409": "A conflicting state change (stale or concurrent), or an Idempotency-Key reused "
    "with another body.",
    "413": "The request body is too large.",
    "415": "The request body is not JSON.",
    "429": "Too many requests: throttled.",
}

UNSAFE = {"post", "put", "patch", "delete"}

# OpenAPI links: where an answer's id leads next (operationId -> status -> targets with their
# path parameters). They document the flows for partners and let the fuzzer chain calls:
# file a signal, read it, triage it, work the case it became.
_ID = "$response.body#/id"
_FIRST = "$response.body#/results/0/id"
LINKS: dict[str, dict[str, dict[str, dict[str, str]]]] = {
    "v1_signals_create": {
        "201": {
            "v1_signals_retrieve": {"signal_id": _ID},
            "v1_signals_matches_retrieve": {"signal_id": _ID},
            "v1_signals_triage_create": {"signal_id": _ID},
        }
    },
    "v1_signals_list": {
        "200": {
            "v1_signals_retrieve": {"signal_id": _FIRST},
            "v1_signals_triage_create": {"signal_id": _FIRST},
        }
    },
    "v1_signals_triage_create": {
        "200": {
            "v1_cases_retrieve": {"case_id": "$response.body#/case"},
            "v1_cases_transitions_create": {"case_id": "$response.body#/case"},
            "v1_cases_actions_create": {"case_id": "$response.body#/case"},
        }
    },
    "v1_cases_list": {
        "200": {
            "v1_cases_retrieve": {"case_id": _FIRST},
            "v1_cases_transitions_retrieve": {"case_id": _FIRST},
            "v1_cases_transitions_create": {"case_id": _FIRST},
            "v1_cases_history_retrieve": {"case_id": _FIRST},
            "v1_cases_participants_create": {"case_id": _FIRST},
            "v1_cases_actions_create": {"case_id": _FIRST},
            "v1_cases_linked_cases_create": {"case_id": _FIRST},
        }
    },
    "v1_cases_linked_cases_create": {
        "201": {
            "v1_cases_retrieve": {"case_id": _ID},
            "v1_cases_transitions_create": {"case_id": _ID},
        }
    },
    "v1_cases_participants_create": {
        "201": {
            "v1_cases_participants_destroy": {
                "case_id": "$request.path.case_id",
                "participation_id": _ID,
            }
        }
    },
    "v1_cases_actions_create": {"201": {"v1_actions_partial_update": {"action_id": _ID}}},
    "v1_meetings_list": {"200": {"v1_meetings_retrieve": {"meeting_id": _FIRST}}},
    "v1_meetings_create": {
        "201": {
            "v1_meetings_retrieve": {"meeting_id": _ID},
            "v1_meetings_partial_update": {"meeting_id": _ID},
            "v1_meetings_items_create": {"meeting_id": _ID},
            "v1_meetings_freeze_create": {"meeting_id": _ID},
            "v1_meetings_complete_create": {"meeting_id": _ID},
        }
    },
    "v1_meetings_items_create": {
        "201": {
            "v1_meetings_items_minutes_update": {
                "meeting_id": "$request.path.meeting_id",
                "item_id": _ID,
            }
        }
    },
}


def _response(code: str) -> dict[str, Any]:
    component = VALIDATION_ERRORS if code == "400" else ERROR
    return {
        "description": DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _error_codes(method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["401", "403", "404", "429"]
    if operation.get("parameters") or method in UNSAFE:
        codes.append("400")
    if method in UNSAFE:
        codes.append("409")
    if "requestBody" in operation or method in UNSAFE:
        codes += ["413", "415"]
    return sorted(codes)


def document_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the error responses and their schemas."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(COMPONENTS)
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code in _error_codes(method, operation):
                responses.setdefault(code, _response(code))
            for code, targets in LINKS.get(operation.get("operationId", ""), {}).items():
                if code in responses:
                    responses[code]["links"] = {
                        target: {"operationId": target, "parameters": parameters}
                        for target, parameters in targets.items()
                    }
    return result
