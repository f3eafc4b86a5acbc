"""Celery tasks of the privacy app: thin wrappers that call one service."""

from __future__ import annotations

import logging

from celery import shared_task

from .services import retention_run

logger = logging.getLogger(__name__)


@shared_task(name="privacy.tasks.retention_run", ignore_result=True)
def retention_run_task() -> dict[str, int]:
    """Run by beat once a night (config/settings/base.py). Idempotent and resumable."""
    report = retention_run()
    logger.info("retention run: %s", vars(report))
    return dict(vars(report))
