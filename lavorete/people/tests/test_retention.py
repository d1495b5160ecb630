"""Retention: records past their period are anonymised, health data go after a grace period.

Time travels by passing `today`: the same records are kept one year and due the next.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from lavorete.core.models import AuditEntry
from lavorete.pathways.models import Enrolment
from lavorete.pathways.services import enrolment_create, pathway_template_default
from lavorete.people.gdpr import people_apply_retention
from lavorete.people.models import Person, SpecialCategoryData
from lavorete.people.services import person_create, special_data_set

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def make(db, programme, operator):
    pathway_template_default(actor=None, programme=programme)

    def _make(name, *, ended_on=None, enrolled_on=dt.date(2019, 1, 10), special=False, user=None):
        person = person_create(actor=operator, first_name=name, last_name="Prova", user=user)
        if special:
            special_data_set(actor=operator, person=person, has_disability=True)
        if enrolled_on is not None:
            enrolment = enrolment_create(
                actor=operator, person=person, programme=programme, enrolled_on=enrolled_on
            )
            if ended_on is not None:
                Enrolment.objects.filter(pk=enrolment.pk).update(
                    status="completed", ended_on=ended_on
                )
        return person

    return _make


def _anonymised(person):
    person.refresh_from_db()
    return person.anonymised_at is not None


def test_a_record_whose_pathway_ended_past_the_period_is_anonymised(make, settings):
    settings.PEOPLE_RETENTION_YEARS = 5
    old = make("Anselmo", ended_on=dt.date(2021, 6, 30))
    summary = people_apply_retention(today=TODAY)
    assert summary.anonymised == [old.pk]
    assert _anonymised(old)
    assert old.first_name == ""
    entry = AuditEntry.objects.get(action="person.erase", target_id=str(old.pk))
    assert entry.actor_label == "system"
    assert entry.changes["reason"] == "retention"


def test_time_travel_the_same_record_is_kept_one_year_and_due_the_next(make):
    person = make("Bice", ended_on=dt.date(2022, 3, 1))
    assert people_apply_retention(today=dt.date(2027, 2, 28)).anonymised == []
    assert not _anonymised(person)
    assert people_apply_retention(today=dt.date(2027, 3, 2)).anonymised == [person.pk]
    assert _anonymised(person)


def test_an_open_pathway_keeps_the_record_and_its_health_data(make):
    person = make("Carlo", special=True)
    summary = people_apply_retention(today=dt.date(2040, 1, 1))
    assert summary.anonymised == []
    assert summary.special_data_deleted == []
    assert SpecialCategoryData.objects.filter(person=person).exists()


def test_health_data_go_after_the_grace_period_the_record_stays(make):
    person = make("Dora", ended_on=dt.date(2026, 8, 1), special=True)
    assert people_apply_retention(today=dt.date(2026, 10, 29)).special_data_deleted == []
    assert SpecialCategoryData.objects.filter(person=person).exists()
    summary = people_apply_retention(today=dt.date(2026, 10, 31))
    assert summary.special_data_deleted == [person.pk]
    assert not SpecialCategoryData.objects.filter(person=person).exists()
    assert not _anonymised(person)
    # The figures keep the intake snapshot.
    assert AuditEntry.objects.filter(action="person.special_data_expire").count() == 1


def test_someone_never_enrolled_goes_after_the_period_from_registration(make):
    never = make("Elio", enrolled_on=None)
    Person.objects.filter(pk=never.pk).update(created_at=dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC))
    recent = make("Fabia", enrolled_on=None)
    summary = people_apply_retention(today=TODAY)
    assert summary.anonymised == [never.pk]
    assert not _anonymised(recent)


def test_a_record_whose_account_was_used_recently_is_kept(make, person):
    kept = make("Gina", ended_on=dt.date(2020, 5, 1), user=person)
    person.last_login = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    person.save(update_fields=["last_login"])
    summary = people_apply_retention(today=TODAY)
    assert summary.skipped_recent_account == [kept.pk]
    assert summary.anonymised == []
    assert not _anonymised(kept)


def test_a_dry_run_changes_nothing(make):
    old = make("Ivo", ended_on=dt.date(2020, 5, 1), special=True)
    summary = people_apply_retention(today=TODAY, dry_run=True)
    assert summary.anonymised == [old.pk]
    assert not _anonymised(old)
    assert SpecialCategoryData.objects.filter(person=old).exists()
    assert not AuditEntry.objects.filter(action="person.erase").exists()


def test_the_command_prints_a_summary(make):
    make("Lia", ended_on=dt.date(2020, 5, 1))
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--today", "2026-11-22", stdout=out)
    assert "1 people would be anonymised." in out.getvalue()
    assert Person.objects.filter(anonymised_at__isnull=True, first_name="Lia").exists()
    out = StringIO()
    call_command("apply_retention", "--today", "2026-11-22", stdout=out)
    assert "1 people were anonymised." in out.getvalue()


def test_the_command_refuses_a_malformed_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--today"):
        call_command("apply_retention", "--today", "22/11/2026")


def test_the_task_runs_the_retention(make):
    from lavorete.people.tasks import apply_retention

    old = make("Mia", ended_on=dt.date(2020, 5, 1))
    result = apply_retention.enqueue(today="2026-11-22")
    assert result.return_value == {
        "anonymised": 1,
        "special_data_deleted": 0,
        "skipped_recent_account": 0,
    }
    assert _anonymised(old)
