import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from lavorete.demo.builders import BUILDERS, DemoContext
from lavorete.network.models import Organisation

SEED = 20261122


class Command(BaseCommand):
    help = "Build the demo territory (idempotent, deterministic)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has organisations.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            if options["verbosity"]:
                self.stdout.write("The database already has data: demo not loaded again.")
            return

        def log(message: str) -> None:
            if options["verbosity"]:
                self.stdout.write(message)

        ctx = DemoContext(rng=random.Random(SEED), log=log)
        for builder in BUILDERS:
            log(f"· {builder.__doc__ or builder.__name__}")
            with transaction.atomic():
                builder(ctx)
        log(self.style.SUCCESS("Demo territory ready."))
