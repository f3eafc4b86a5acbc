"""Writes of the privacy app. Other code imports from here."""

from .retention import (
    RetentionReport,
    access_log_prune,
    destruction_proposal_approve,
    destruction_proposal_reject,
    destruction_proposals_execute,
    destruction_proposals_make,
    retention_rule_approve,
    retention_rule_propose,
    retention_rule_reject,
    retention_run,
    signals_anonymise_due,
)
from .rights import (
    PrivacyError,
    PrivacyForbidden,
    person_export,
    restriction_decide,
    restriction_register,
    subject_access_answered,
    subject_access_extend,
    subject_access_register,
)

__all__ = [
    "PrivacyError",
    "PrivacyForbidden",
    "RetentionReport",
    "access_log_prune",
    "destruction_proposal_approve",
    "destruction_proposal_reject",
    "destruction_proposals_execute",
    "destruction_proposals_make",
    "person_export",
    "restriction_decide",
    "restriction_register",
    "retention_rule_approve",
    "retention_rule_propose",
    "retention_rule_reject",
    "retention_run",
    "signals_anonymise_due",
    "subject_access_answered",
    "subject_access_extend",
    "subject_access_register",
]
