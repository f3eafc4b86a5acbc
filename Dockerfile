# Ketenregie: the production-profile image. One image serves every role; the command decides:
#   web     gunicorn (the default CMD below; docker-compose.yml runs docker/entrypoint.sh first)
#   worker  celery -A config worker ...
#   beat    celery -A config beat ...   (exactly one per installation)
# Everything is prepared at build time: dependencies, byte code and the static files with their
# manifest. The translations arrive compiled (.mo files are committed). Nothing compiles at run
# time, and the code and static files belong to root, so the application cannot change them.

# ---------------------------------------------------------------------------------------------
# Stage 1: install the project and its runtime dependencies into a virtual environment.
# ---------------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# The runtime dependencies first, read from pyproject.toml's [project].dependencies (never the
# dev extra), so that a code change does not reinstall them. Every one of them ships wheels for
# Python 3.11 (psycopg[binary] brings its own libpq), so no compiler is needed.
COPY pyproject.toml README.md ./
RUN python -c 'import tomllib; deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]; print(*deps, sep="\n")' \
        > /tmp/runtime-requirements.txt \
    && pip install -r /tmp/runtime-requirements.txt

# Then the project itself. `pip install .` checks that the dependencies above still satisfy it.
COPY config/ config/
COPY casework/ casework/
COPY workflows/ workflows/
COPY signals/ signals/
COPY permissions/ permissions/
COPY notifications/ notifications/
COPY demo/ demo/
RUN pip install .

# ---------------------------------------------------------------------------------------------
# Stage 2: the runtime image.
# ---------------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

LABEL org.opencontainers.image.title="Ketenregie" \
      org.opencontainers.image.description="Case coordination for Dutch municipalities' zorg- en veiligheid casework" \
      org.opencontainers.image.licenses="EUPL-1.2"

# PYTHONPATH=/app: the settings find templates/, locale/, static/ and var/ relative to the code
# (BASE_DIR comes from config/settings/base.py's own path), so the copy in /app, next to those
# folders, must be the one imported, not the copy `pip install .` put into site-packages.
# gunicorn reads WEB_CONCURRENCY as its worker count: (2 x cores) + 1 for the 2-core reference
# machine. Override it in the environment for a bigger or smaller host.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    KETENREGIE_PROFILE=production \
    WEB_CONCURRENCY=5

RUN groupadd --system --gid 10001 ketenregie \
    && useradd --system --uid 10001 --gid ketenregie --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin ketenregie

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
COPY manage.py ./
COPY config/ config/
COPY casework/ casework/
COPY workflows/ workflows/
COPY signals/ signals/
COPY permissions/ permissions/
COPY notifications/ notifications/
COPY demo/ demo/
COPY locale/ locale/
COPY templates/ templates/
COPY static/ static/
COPY docker/entrypoint.sh docker/entrypoint.sh

# Byte code now, so that nothing compiles at run time (the code is read-only to the app user).
# The settings' TIME_ZONE needs the system time-zone data: fail the build, not the first request,
# if a base image ever comes without it.
RUN chmod 0755 docker/entrypoint.sh \
    && python -m compileall -q /app \
    && python -c 'import zoneinfo; zoneinfo.ZoneInfo("Europe/Amsterdam")'

# collectstatic loads the production settings, which refuse to load without their environment.
# BUILD-ONLY THROWAWAY VALUES: they exist for this one command only (not ENV, so they are not in
# the image), nothing connects to the database or broker named here, and the keys are random per
# build and thrown away. At run time every value comes from the container's environment.
RUN build_only_key() { python -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes($1)).decode())"; } \
    && ALLOWED_HOSTS=build-only.invalid \
       DATABASE_URL=postgres://build-only:build-only@build-only.invalid:5432/build-only \
       REDIS_URL=redis://build-only.invalid:6379/0 \
       KETENREGIE_FIELD_KEK_KEY="$(build_only_key 32)" \
       KETENREGIE_BLIND_INDEX_KEY="$(build_only_key 32)" \
       KETENREGIE_SIGNING_KEY="$(build_only_key 64)" \
       python manage.py collectstatic --noinput --verbosity 0

# /var/lib/ketenregie/keys: mount point for key files (docker-compose.yml's `keys` volume). A
# fresh named volume takes this folder's owner and mode, so the unprivileged `keys` service can
# write into it. /run/ketenregie: the app user's runtime folder, where gunicorn
# puts its control socket (25.1+); its default, $HOME/.gunicorn, would be in the read-only /app.
RUN mkdir -p /var/lib/ketenregie/keys /run/ketenregie \
    && chown ketenregie:ketenregie /var/lib/ketenregie/keys /run/ketenregie \
    && chmod 0700 /var/lib/ketenregie/keys /run/ketenregie
ENV XDG_RUNTIME_DIR=/run/ketenregie

USER 10001:10001

EXPOSE 8000

# /healthz answers 200 when the database and the broker answer. Python, because the slim image
# has no curl. The Host header is the first ALLOWED_HOSTS entry, so that Django accepts the
# request on any installation; /healthz is exempt from the HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=4)"]

# Access log to stdout, errors to stderr. /dev/shm for the worker heartbeat files, so a slow
# container disk cannot stall them. Behind a TLS proxy, set FORWARDED_ALLOW_IPS to its address.
CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--error-logfile", "-", \
     "--worker-tmp-dir", "/dev/shm", \
     "--graceful-timeout", "25"]
