"""Close the open opportunities whose closing date has passed (run daily, e.g. from cron)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lavorete.opportunities.services import opportunities_close_expired


class Command(BaseCommand):
    help = "Close the open opportunities whose closing date is before today (or --date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD to count as today (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must look like 2026-11-23.") from exc
        closed = opportunities_close_expired(today=today)
        self.stdout.write(f"{closed} opportunity(ies) closed.")
