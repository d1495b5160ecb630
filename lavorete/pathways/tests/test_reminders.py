"""Follow-up reminders: one e-mail per operator, first name and link only."""

import datetime as dt

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from lavorete.pathways.models import FollowUp
from lavorete.pathways.services import outcome_record
from lavorete.pathways.tasks import follow_up_reminders


def test_it_mails_the_operator_the_follow_ups_due_this_week(operator, enrolment):
    outcome = outcome_record(
        actor=operator,
        enrolment=enrolment,
        kind="job",
        employer_name="Officina Rossi",
        contract_type="determinato",
        start_date=enrolment.enrolled_on,
    )
    FollowUp.objects.filter(outcome=outcome, months=3).update(
        due_on=timezone.localdate() + dt.timedelta(days=2)
    )
    call_command("follow_up_reminders")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [operator.email]
    assert "Olga" in message.body
    assert "/gestione/percorsi/compiti/" in message.body
    text = f"{message.subject} {message.body}"
    assert "Paola" not in text and "Persona" not in text
    assert follow_up_reminders.call() == 1


def test_nothing_due_sends_nothing(operator, enrolment):
    call_command("follow_up_reminders", "--date", "2026-11-22")
    assert mail.outbox == []
