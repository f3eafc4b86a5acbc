"""WSGI entry point for gunicorn."""

from django.core.wsgi import get_wsgi_application

from config.settings.select import configure

configure()
application = get_wsgi_application()
