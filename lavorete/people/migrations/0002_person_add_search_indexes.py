"""Indexes for the caseload's search by the beginning of a name, e-mail or codice fiscale.

The search is a case-insensitive prefix match (Django's istartswith, which
PostgreSQL runs as UPPER(column::text) LIKE UPPER('term%')); a B-tree with
text_pattern_ops on the same expression answers it whatever the database's
collation. On SQLite these are plain expression indexes (LIKE there is
case-insensitive already and may not use them; the tables are small).
"""

from django.db import migrations

COLUMNS = ["last_name", "first_name", "email", "tax_code"]


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for column in COLUMNS:
        expression = f"(UPPER({column}::text)) text_pattern_ops" if postgres else f"(UPPER({column}))"
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_person_{column}_prefix "
            f"ON people_person ({expression})"
        )


def drop(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_person_{column}_prefix")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
