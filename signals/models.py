"""Intake of signals (signalen), triage and matching."""
