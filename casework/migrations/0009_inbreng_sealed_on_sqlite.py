"""Put back the SQLite triggers that keep a sealed RIEC inbreng unchanged.

Migration 0004 rebuilt ``casework_riecinbreng`` on SQLite (SQLite alters a table by copying
it), and the copy lost the triggers 0003 had made, so the embedded profile no longer refused
a change to a sealed inbreng. PostgreSQL keeps triggers across such changes and needs
nothing. ``IF NOT EXISTS`` makes this safe on a database that still has them.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS casework_inbreng_sealed_update
       BEFORE UPDATE ON casework_riecinbreng
       WHEN OLD.sealed_at IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'casework_riecinbreng is sealed'); END;""",
    """CREATE TRIGGER IF NOT EXISTS casework_inbreng_sealed_delete
       BEFORE DELETE ON casework_riecinbreng
       WHEN OLD.sealed_at IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'casework_riecinbreng is sealed'); END;""",
]


def protect(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("casework", "0008_retention")]

    operations = [migrations.RunPython(protect, migrations.RunPython.noop)]
