"""Recompute every stored match (run nightly, e.g. from cron, beside the task worker)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lavorete.matching.services import matches_recompute


class Command(BaseCommand):
    help = (
        "Recompute the stored matches of every person who agreed to be matched and of every "
        "open opportunity, and print what was done."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = matches_recompute()
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict()))
            return
        self.stdout.write(
            f"{summary.matches} matches stored for {summary.people} people and "
            f"{summary.opportunities} open opportunities in {summary.seconds:.2f} s."
        )
