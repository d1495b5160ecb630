"""Anonymise one person's record (GDPR Art. 17) from the command line."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lavorete.people.gdpr import ErasureReason, person_erase
from lavorete.people.models import Person


class Command(BaseCommand):
    help = "Anonymise a person's record, account, uploads and logs (Art. 17); figures are kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person", type=int, help="The record number (person #N).")
        parser.add_argument(
            "--reason",
            required=True,
            choices=[r for r in ErasureReason.values if r != ErasureReason.RETENTION],
        )
        parser.add_argument("--yes", action="store_true", help="Really anonymise.")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(pk=options["person"]).first()
        if person is None:
            raise CommandError(f"There is no person #{options['person']}.")
        if not options["yes"]:
            self.stdout.write(f"person #{person.pk} would be anonymised; add --yes to do it.")
            return
        try:
            person_erase(actor=None, person=person, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"person #{person.pk} anonymised.")
