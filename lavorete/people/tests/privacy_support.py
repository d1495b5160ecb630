"""A person with a distinctive value in every personal field, for export and erasure tests.

Every value below is invented and unlike anything else in the fixtures, so a
scan for it after erasure finds it only where erasure failed.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lavorete.conftest import PASSWORD, make_user

# The values erasure must leave nowhere (case-insensitive substrings).
VALUES = {
    "first_name": "Zenobia",
    "last_name": "Quokkafeld",
    "email": "zenobia.quokkafeld@example.org",
    "phone": "+39 347 991 2277",
    "tax_code": "QKKZNB90A41F205J",
    "address": "Via Zafferano Quattordici 77",
    "education_title": "Diploma in Xilografia Sperimentale",
    "cv": "CURRICULUM-ZQ-7781",
    "health_notes": "NOTA-SALUTE-ZQ-0001",
    "case_note": "NOTA-CASO-ZQ-0002",
    "goal_title": "OBIETTIVO-ZQ-0003",
    "goal_description": "COME-ZQ-0004",
    "goal_comment": "COMMENTO-ZQ-0005",
    "outcome_description": "ESITO-ZQ-0006",
    "employer_name": "Bottega Zquokkina",
    "follow_up_note": "VERIFICA-ZQ-0007",
    "referral_reason": "INVIO-ZQ-0008",
    "referral_note": "DECISIONE-ZQ-0009",
    "transition_reason": "PASSAGGIO-ZQ-0010",
    "tier_statement": "DICHIARAZIONE-ZQ-0011",
    "tier_evidence": "EVIDENZA-ZQ-0012",
    "guest_name": "Ospite Zquokkino",
    "service_hours": "ORE-ZQ-0013",
    "cancel_reason": "ANNULLO-ZQ-0014",
}


def pdf_bytes(marker: str) -> bytes:
    return b"%PDF-1.4\n% " + marker.encode() + b"\n%%EOF\n"


def full_person(
    *, programme: Any, other_programme: Any, operator: Any, space: Any, room: Any
) -> Any:
    """Zenobia: a registered, enrolled person with an account, coworking history and logs."""
    from lavorete.pathways import models as pw
    from lavorete.pathways.services import enrolment_create, pathway_template_default
    from lavorete.people.models import Consent, PersonLanguage, PersonSkill
    from lavorete.people.services import person_create, special_data_set
    from lavorete.skills.models import Label, Skill
    from lavorete.spaces import services as spaces
    from lavorete.territory.models import Municipality

    v = VALUES
    user = make_user(v["email"], f"{v['first_name']} {v['last_name']}")
    pathway_template_default(actor=None, programme=programme)
    person = person_create(
        actor=operator,
        user=user,
        first_name=v["first_name"],
        last_name=v["last_name"],
        email=v["email"],
        phone=v["phone"],
        tax_code=v["tax_code"],
        birth_date=dt.date(1990, 1, 1),
        gender="female",
        residence=Municipality.objects.get(name="Segrate"),
        address=v["address"],
        education_level="3",
        education_title=v["education_title"],
        employment_status="unemployed",
        employment_status_since=dt.date(2024, 1, 1),
        is_migrant=True,
        hours_per_week=30,
        mobility_km=25,
        driving_licence=True,
    )
    person.cv.save("cv.pdf", ContentFile(pdf_bytes(v["cv"])))
    person.cv_uploaded_at = timezone.now()
    person.save(update_fields=["cv", "cv_uploaded_at"])
    special_data_set(
        actor=operator,
        person=person,
        has_disability=True,
        disability_percentage=67,
        protected_category_l68=True,
        health_notes=v["health_notes"],
    )
    PersonLanguage.objects.create(person=person, language="it", level="native")
    PersonLanguage.objects.create(person=person, language="en", level="B2")
    skill = Skill.objects.create(uri="http://data.europa.eu/esco/skill/zq-test")
    Label.objects.create(
        skill=skill, language="en", kind="preferred", text="carve wood", normalised="carve wood"
    )
    PersonSkill.objects.create(person=person, skill=skill, level=3, evidence="assessed")
    Consent.objects.create(person=person, purpose="programme", text_version="2026-11")
    Consent.objects.create(person=person, purpose="newsletter", text_version="2026-11")

    enrolment = enrolment_create(actor=operator, person=person, programme=programme, tutor=operator)
    stages = list(programme.stages.order_by("position"))
    pw.StageTransition.objects.create(
        enrolment=enrolment,
        from_stage=stages[0],
        to_stage=stages[1],
        from_status="active",
        to_status="active",
        reason=v["transition_reason"],
        by=operator,
    )
    enrolment.stage = stages[1]
    enrolment.save(update_fields=["stage"])
    delivery = pw.ServiceDelivery.objects.create(
        programme=programme,
        kind="lab_session",
        mode="group",
        title="Laboratorio di progettazione",
        held_on=dt.date(2026, 10, 1),
        duration_minutes=120,
        operator=operator,
    )
    pw.Attendance.objects.create(delivery=delivery, enrolment=enrolment, present=True)
    pw.CaseNote.objects.create(enrolment=enrolment, author=operator, text=v["case_note"])
    pw.Goal.objects.create(
        enrolment=enrolment,
        title=v["goal_title"],
        description=v["goal_description"],
        person_comment=v["goal_comment"],
        created_by=operator,
    )
    outcome = pw.Outcome.objects.create(
        enrolment=enrolment,
        kind="job",
        employer_name=v["employer_name"],
        contract_type="determinato",
        start_date=dt.date(2026, 9, 1),
        weekly_hours=30,
        description=v["outcome_description"],
        recorded_by=operator,
    )
    pw.FollowUp.objects.create(
        outcome=outcome,
        months=3,
        due_on=dt.date(2026, 12, 1),
        done_at=timezone.now(),
        done_by=operator,
        still_in_work=True,
        note=v["follow_up_note"],
    )
    pw.Referral.objects.create(
        person=person,
        from_enrolment=enrolment,
        to_programme=other_programme,
        to_organisation=other_programme.lead_organisation,
        reason=v["referral_reason"],
        consent_text_version="2026-11",
        consent_given_at=timezone.now(),
        status="declined",
        decision_note=v["referral_note"],
    )

    # Coworking: a tier request with evidence, a booking (one cancelled), a check-in
    # with a guest, community-service hours.
    tier = spaces.tier_create(
        actor=None,
        space=space,
        name="Solidale",
        categories=["unemployed"],
        discount_percent=50,
    )
    spaces.tier_request(
        member=user,
        tier=tier,
        category="unemployed",
        statement=v["tier_statement"],
        evidence=SimpleUploadedFile(
            "evidenza.pdf", pdf_bytes(v["tier_evidence"]), "application/pdf"
        ),
    )
    day = timezone.localdate() + dt.timedelta(days=30)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    starts_at, ends_at = spaces.local_slot(space, day, dt.time(9), dt.time(10))
    spaces.booking_create(
        actor=user, member=user, resource=room, starts_at=starts_at, ends_at=ends_at
    )
    starts_at, ends_at = spaces.local_slot(space, day, dt.time(14), dt.time(15))
    cancelled = spaces.booking_create(
        actor=user, member=user, resource=room, starts_at=starts_at, ends_at=ends_at
    )
    spaces.booking_cancel(actor=user, booking=cancelled, reason=v["cancel_reason"])
    spaces.checkin_member(actor=None, space=space, member=user)
    spaces.guest_checkin(host=user, space=space, guest_name=v["guest_name"], actor=user)
    spaces.service_hours_record(
        actor=None,
        member=user,
        space=space,
        day=dt.date(2026, 10, 2),
        hours=Decimal("2"),
        description=v["service_hours"],
    )
    person.refresh_from_db()
    return person


def log_in(client: Any, email: str) -> Any:
    """A real login through allauth, so sessions and the login records exist."""
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response
