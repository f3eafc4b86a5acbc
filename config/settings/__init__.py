"""Settings profiles: ``embedded`` (default without DATABASE_URL), ``production``, ``test``.

``manage.py``, ``wsgi.py`` and the Celery app pick the profile through ``config.settings.select``.
"""
