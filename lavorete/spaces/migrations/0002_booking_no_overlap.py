"""No two active bookings of one unit overlap: an exclusion constraint on PostgreSQL.

SQLite has no exclusion constraints; there the booking service checks for
overlaps inside a transaction that holds the database's write lock
(transaction_mode IMMEDIATE), which serialises every booking.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CREATE = """
ALTER TABLE spaces_booking ADD CONSTRAINT booking_no_overlap
EXCLUDE USING gist (unit_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
WHERE (status = 'active')
"""
DROP = "ALTER TABLE spaces_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"


def _on_postgres(sql: str):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP)),
    ]
