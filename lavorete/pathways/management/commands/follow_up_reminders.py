"""E-mail each operator the follow-ups due this week (run daily, e.g. from cron)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lavorete.pathways.services import follow_up_reminders_send


class Command(BaseCommand):
    help = "E-mail each operator the follow-ups due within a week, overdue ones included."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD to count from (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must look like 2026-11-23.") from exc
        sent = follow_up_reminders_send(today=today)
        self.stdout.write(f"{sent} reminder(s) sent.")
