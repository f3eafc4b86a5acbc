"""Settings shared by every profile. Profiles override what differs; nothing secret lives here."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("KETENREGIE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = False
ALLOWED_HOSTS: list[str] = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "guardian",
    "django_fsm",
    "permissions.apps.PermissionsConfig",
    "notifications.apps.NotificationsConfig",
    "workflows.apps.WorkflowsConfig",
    "casework.apps.CaseworkConfig",
    "signals.apps.SignalsConfig",
    "dashboard.apps.DashboardConfig",
    "privacy.apps.PrivacyConfig",
    "demo.apps.DemoConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "permissions.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

AUTH_USER_MODEL = "permissions.User"
AUTHENTICATION_BACKENDS = [
    # Axes must come first so that a locked-out account is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "permissions:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "permissions:login"

# Sessions: sliding idle timeout, gone when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("KETENREGIE_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Two factors (BIO2 5.17.01). Demo users are the only ones allowed to skip it, and only where
# the profile allows demo users at all.
OTP_TOTP_ISSUER = "Ketenregie"
KETENREGIE_ALLOW_DEMO_USERS = True

# Lock-out after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("KETENREGIE_LOCKOUT_FAILURES", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KETENREGIE_LOCKOUT_MINUTES", 15)))
# Per account, not per address: a municipality's staff share a few office addresses, and an
# address lock-out would lock out the whole office after one person's typos.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Content-Security-Policy: no inline scripts, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Proxies in front of the application that append to X-Forwarded-For (for the access log's
# origin address). 0: use the connection's address.
KETENREGIE_TRUSTED_PROXIES = int(os.environ.get("KETENREGIE_TRUSTED_PROXIES", 0))

# Requests: bodies above this answer 413, never a 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "permissions.api.authentication.ApiTokenAuthentication",
        "permissions.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "config.api.CursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": "6000/hour", "anon": "120/hour"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ketenregie API",
    "DESCRIPTION": "Case coordination for zorg- en veiligheid casework (API v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.document_errors",
    ],
}

# Celery: the reliability rules of docs/adr/0003. Profiles set the broker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# An acks_late task that runs when the broker connection drops is redelivered anyway; the
# outbox makes the second run harmless, so the first is cancelled rather than left running.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "notifications.tasks.heartbeat",
        "schedule": timedelta(seconds=int(os.environ.get("KETENREGIE_HEARTBEAT_SECONDS", 30))),
        "options": {"expires": 60},
    },
    # The reminder outbox (docs/adr/0003, 0012): claim due rows once a minute. A run that no
    # worker picked up within the minute is dropped; the next one claims the same rows.
    "reminders-dispatch": {
        "task": "notifications.tasks.dispatch_due",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    # The daily digest at 07:00 Europe/Amsterdam (CELERY_TIMEZONE), and every quarter of an
    # hour after it that day, so a beat that was down at seven still sends it; a person gets
    # at most one digest a day.
    "notifications-digest": {
        "task": "notifications.tasks.digests_send",
        "schedule": crontab(minute="*/15", hour="7-22"),
        "options": {"expires": 600},
    },
}
# Retention (docs/privacy.md): once a night; a run that was missed or stopped halfway is
# caught up by the next one, because every step keeps its state on the rows it changes.
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "privacy.tasks.retention_run",
    "schedule": crontab(minute=30, hour=2),
    "options": {"expires": 6 * 3600},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How long access-log rows are kept before the retention job removes them (five years by
# default: long enough to answer who saw a person's data over a case's whole retention).
KETENREGIE_ACCESS_LOG_RETENTION_DAYS = int(
    os.environ.get("KETENREGIE_ACCESS_LOG_RETENTION_DAYS", 5 * 366)
)
# How old the beat heartbeat may be before /healthz reports it stale.
KETENREGIE_HEARTBEAT_STALE_SECONDS = 120

EMAIL_SUBJECT_PREFIX = "[Ketenregie] "
# A send task holds its delivery row's lock while it talks to the mail server: never forever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))
# Where links in e-mails point: the address people use to reach this installation.
KETENREGIE_BASE_URL = os.environ.get("KETENREGIE_BASE_URL", "http://localhost:8000")
# The Celery queue for reminder and digest sends; empty: the default queue.
KETENREGIE_NOTIFICATIONS_QUEUE = os.environ.get("KETENREGIE_NOTIFICATIONS_QUEUE", "")
DEFAULT_FROM_EMAIL = os.environ.get("KETENREGIE_FROM_EMAIL", "ketenregie@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KETENREGIE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
