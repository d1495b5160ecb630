"""Import the ESCO CSV distribution from a folder (default: the English subset shipped here)."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lavorete.skills.importer import EscoImportError, import_esco

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "esco"


class Command(BaseCommand):
    help = (
        "Import ESCO skills, occupations, ISCO-08 groups and their relations from the official "
        "CSV files in a folder (every language present); idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder",
            nargs="?",
            default=str(SHIPPED),
            help="Folder with skills_xx.csv, occupations_xx.csv, ISCOGroups_xx.csv, "
            "occupationSkillRelations_xx.csv (default: the English subset shipped with Lavorete)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] < 1

        def progress(rows: Iterable[Any], desc: str, total: int) -> Iterable[Any]:
            return tqdm(rows, desc=desc, total=total, file=self.stderr, disable=quiet, unit="rows")

        try:
            summary = import_esco(Path(options["folder"]), progress)
        except EscoImportError as exc:
            raise CommandError(
                "Nothing was imported:\n"
                + "\n".join(f"  {p}" for p in exc.problems[:50])
                + (f"\n  … and {len(exc.problems) - 50} more" if len(exc.problems) > 50 else "")
            ) from exc
        if not quiet:
            for line in summary.lines():
                self.stdout.write(line)
