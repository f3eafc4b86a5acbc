#!/bin/sh
# Start-up of the `web` container only: wait for the database, apply migrations, create the demo
# municipality when SEED_DEMO=1, then replace this shell with the command (gunicorn).
#
# Worker and beat do not run this: docker-compose.yml starts them once web is healthy, so they
# never meet a database without its tables. Run one web container with this entrypoint at a time:
# Django's migrate takes no lock, and two of them at once can trip over each other.
set -eu

if [ "$#" -eq 0 ]; then
    echo "entrypoint: no command given (expected gunicorn ...)" >&2
    exit 64
fi

db_wait_seconds="${DB_WAIT_SECONDS:-60}"

# Exit 3 means "the database does not answer yet" and is retried. Any other failure (a missing
# environment variable or key, a typo in DATABASE_URL) will not cure itself: stop at once.
wait_for_database='
import sys

from config.settings.select import configure

configure()
import django

django.setup()
from django.db import connection
from django.db.utils import OperationalError

try:
    connection.ensure_connection()
except OperationalError as exc:
    print("entrypoint: database not ready yet:", str(exc).strip().splitlines()[0], file=sys.stderr)
    sys.exit(3)
'

echo "entrypoint: waiting for the database (at most ${db_wait_seconds}s)"
deadline=$(( $(date +%s) + db_wait_seconds ))
while :; do
    status=0
    PGCONNECT_TIMEOUT=5 python -c "$wait_for_database" || status=$?
    if [ "$status" -eq 0 ]; then
        break
    fi
    if [ "$status" -ne 3 ]; then
        echo "entrypoint: cannot start (exit status $status), see the error above" >&2
        exit "$status"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "entrypoint: the database did not answer within ${db_wait_seconds}s" >&2
        exit 1
    fi
    sleep 2
done

echo "entrypoint: applying migrations"
python manage.py migrate --noinput

case "${SEED_DEMO:-0}" in
    1 | true | yes | on)
        case "${KETENREGIE_ALLOW_DEMO_USERS:-0}" in
            1 | true | yes | on) ;;
            *) echo "entrypoint: warning: SEED_DEMO=1 but KETENREGIE_ALLOW_DEMO_USERS is not set;" \
                    "the demo users will need a second factor to sign in" >&2 ;;
        esac
        echo "entrypoint: SEED_DEMO=1, creating the demo municipality (existing rows are kept)"
        python manage.py seed_demo --history
        ;;
esac

exec "$@"
