"""Charge every monthly membership for a month (idempotent: run it daily or monthly)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lavorete.core.timeutils import local, now
from lavorete.spaces.services import memberships_charge_month


class Command(BaseCommand):
    help = "Charge the monthly memberships that cover some day of a month (default: this month)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the current month, Europe/Rome)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                month = dt.datetime.strptime(options["month"], "%Y-%m").date()  # noqa: DTZ007
            except ValueError as exc:
                raise CommandError("--month must look like 2026-11.") from exc
        else:
            month = local(now()).date().replace(day=1)
        count = memberships_charge_month(month=month)
        self.stdout.write(f"{count} memberships charged for {month:%Y-%m}.")
