"""Anonymise people past the retention period and delete expired health data (run daily)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lavorete.people.gdpr import SPECIAL_DATA_GRACE_DAYS, people_apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise the people whose pathways all ended more than PEOPLE_RETENTION_YEARS ago "
        "and delete health and disability data after the last pathway's grace period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done only.")
        parser.add_argument("--today", help="YYYY-MM-DD (default: today, Europe/Rome)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must look like 2026-11-22.") from exc
        summary = people_apply_retention(today=today, dry_run=options["dry_run"])
        verb = "would be" if summary.dry_run else "were"
        self.stdout.write(
            f"Retention {settings.PEOPLE_RETENTION_YEARS} years: records ended before "
            f"{summary.cutoff.isoformat()} are due (today {summary.today.isoformat()})."
        )
        self.stdout.write(f"{len(summary.anonymised)} people {verb} anonymised.")
        self.stdout.write(
            f"{len(summary.special_data_deleted)} people's health and disability data {verb} "
            f"deleted ({SPECIAL_DATA_GRACE_DAYS} days after their last pathway)."
        )
        self.stdout.write(
            f"{len(summary.skipped_recent_account)} people kept: their account was used "
            "within the retention period."
        )
