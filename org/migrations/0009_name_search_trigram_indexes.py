"""Name search served by an index on PostgreSQL (issue 15): pg_trgm GIN indexes on UPPER(name) of staff and
schools, the expression Django's `icontains` compares (`UPPER(name) LIKE UPPER('%...%')`); trigrams work on
Chinese names under the database's UTF-8 ctype. A search of one or two characters has no trigram and
still reads the scope's rows. On other databases (SQLite in tests) this migration does nothing.
"""

from django.db import migrations

INDEXES = [
    ("org_staff_name_trgm", "org_staff"),
    ("org_school_name_trgm", "org_school"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER(name) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("org", "0008_export_jobs")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
