"""Project-level pages: the start page and the health check."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from notifications.selectors import heartbeat_get

from .api import RETRY_AFTER_SECONDS, ServiceUnavailable, database_unavailable
from .celery import app as celery_app
from .workspace import workspace_for

logger = logging.getLogger("ketenregie.health")


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not answering"; the reason goes to the log
        logger.exception("health: database check failed")
        return "unavailable"
    return "ok"


def _check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception:
        logger.warning("health: broker check failed", exc_info=True)
        return "unavailable"
    return "ok"


def _beat_status() -> dict[str, Any]:
    try:
        last = heartbeat_get()
    except Exception:
        return {"status": "unknown", "last_seen_at": None, "age_seconds": None}
    if last is None:
        return {"status": "never", "last_seen_at": None, "age_seconds": None}
    age = (timezone.now() - last).total_seconds()
    stale = age > settings.KETENREGIE_HEARTBEAT_STALE_SECONDS
    return {
        "status": "stale" if stale else "ok",
        "last_seen_at": last.isoformat(),
        "age_seconds": round(age, 1),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 otherwise; beat is reported too."""
    database = _check_database()
    broker = _check_broker()
    healthy = database == "ok" and broker == "ok"
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": database,
        "broker": broker,
        "beat": _beat_status() if database == "ok" else {"status": "unknown"},
        "time": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: a database that does not answer is a 503 to retry, not a bug.

    Reached for errors outside the API views' own handling (middleware, pages). API paths
    and JSON clients get api.md's JSON error; pages get the error page with status 503.
    Anything else stays a 500.
    """
    unavailable = database_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        if unavailable:
            body = {
                "detail": str(ServiceUnavailable.default_detail),
                "code": ServiceUnavailable.default_code,
            }
        else:
            body = {"detail": "Er ging iets mis aan onze kant.", "code": "server_error"}
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        # Rendered without the request: its context processors would ask the database.
        response = HttpResponse(loader.get_template("500.html").render(), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page after signing in: the person's workspace for today."""
    return render(request, "home.html", {"space": workspace_for(user=request.user)})
