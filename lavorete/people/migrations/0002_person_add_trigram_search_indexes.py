"""Trigram indexes for the caseload's search by name, e-mail and codice fiscale (PostgreSQL).

The search is a case-insensitive substring match (Django's icontains, which
PostgreSQL runs as UPPER(column::text) LIKE UPPER('%term%')); a GIN trigram
index on the same expression answers it without reading every person. SQLite
has no such index: nothing is done there. pg_trgm is a trusted extension, so
the database's owner may create it without being a superuser.
"""

from django.db import migrations

COLUMNS = ["last_name", "first_name", "email", "tax_code"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_person_{column}_trgm "
            f"ON people_person USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_person_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
