"""Celery tasks of the notifications app. Tasks take ids, load rows, call one service."""

from __future__ import annotations

from celery import shared_task

from .services import BEAT, heartbeat_record


@shared_task(name="notifications.tasks.heartbeat", ignore_result=True)
def heartbeat(name: str = BEAT) -> None:
    """Run by beat: proves that beat and a worker are alive (shown by /healthz)."""
    heartbeat_record(name=name)
