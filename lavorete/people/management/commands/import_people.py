"""Import people from a CSV or XLSX file into a programme: a dry run unless --commit."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lavorete.network.models import Programme
from lavorete.people.importer import MAX_BYTES, ImportFileError, import_people


class Command(BaseCommand):
    help = (
        "Check a CSV/XLSX file of people and, with --commit and no error, register them all "
        "and enrol them in the programme (all or nothing). See lavorete/people/importer.py "
        "for the columns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV (UTF-8) or XLSX file")
        parser.add_argument("--programme", required=True, help="the programme's short name (slug)")
        parser.add_argument("--commit", action="store_true", help="import (default: dry run)")
        parser.add_argument(
            "--tutor", default="", help="e-mail of the operator who follows the imported people"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        programme = Programme.objects.filter(slug=options["programme"][:80]).first()
        if programme is None:
            raise CommandError(f"No programme with the short name {options['programme']!r}.")
        tutor = None
        if options["tutor"]:
            tutor = get_user_model().objects.filter(email__iexact=options["tutor"]).first()
            if tutor is None:
                raise CommandError(f"No user with the e-mail {options['tutor']!r}.")
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"The file is larger than {MAX_BYTES // 2**20} MB.")
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Can't read {path}: {exc.strerror}") from exc
        try:
            report = import_people(
                actor=tutor,
                programme=programme,
                name=path.name,
                raw=raw,
                commit=options["commit"],
                tutor=tutor,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(f"row {error.row}, {error.column or '-'}: {error.message}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} problem(s) found: nothing was imported.")
        if report.committed:
            self.stdout.write(
                self.style.SUCCESS(f"{report.created} people imported into {programme.slug}.")
            )
        else:
            self.stdout.write(
                f"Dry run: all {report.rows} rows are valid. Run again with --commit to import."
            )
