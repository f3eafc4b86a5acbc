from django.db import migrations

# On SQLite (the embedded profile) the access log refused only UPDATE; refuse DELETE too.
# Retention removes old rows by dropping and re-creating this trigger inside its transaction
# (SQLite DDL is transactional), as it sets ketenregie.retention on PostgreSQL.
SQLITE_UP = """CREATE TRIGGER IF NOT EXISTS permissions_accesslog_no_delete
BEFORE DELETE ON permissions_accesslog
BEGIN SELECT RAISE(ABORT, 'permissions_accesslog is append-only'); END;"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS permissions_accesslog_no_delete;"


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("permissions", "0005_regions")]

    operations = [migrations.RunPython(up, down)]
