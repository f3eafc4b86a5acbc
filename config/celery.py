"""The Celery application. Settings come from Django's settings under the CELERY_ prefix."""

from celery import Celery

from config.settings.select import configure

configure()

app = Celery("ketenregie")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
