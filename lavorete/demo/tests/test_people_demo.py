"""The demo's people: about 400 pathways at every stage and status of 'Cittadinanza al lavoro',
each row one the services could have written, the personas seeing what they should."""

import itertools
import random
from collections import Counter, defaultdict

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from lavorete.core.models import AuditEntry, RoleAssignment, User
from lavorete.core.permissions import has_perm
from lavorete.core.roles import Role, ScopeKind
from lavorete.demo.builders import DemoContext
from lavorete.demo.people_demo import PROGRAMME, build_people, months_after
from lavorete.demo.personas import persona
from lavorete.network.models import Programme, ProgrammeLegalBasis
from lavorete.pathways.models import (
    CATEGORY_FIELDS,
    ENDED_STATUSES,
    FOLLOW_UP_MONTHS,
    Attendance,
    CaseNote,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Gate,
    Goal,
    Outcome,
    OutcomeKind,
    ProgrammeTarget,
    Referral,
    ReferralStatus,
    ServiceDelivery,
    ServiceKind,
    ServiceMode,
    Stage,
    StageTransition,
    TargetKind,
)
from lavorete.pathways.services import intake_profile
from lavorete.people.models import (
    Consent,
    ConsentPurpose,
    Person,
    PersonLanguage,
    PersonSkill,
    SpecialCategoryData,
)
from lavorete.people.selectors import people_for_user

pytestmark = pytest.mark.django_db

MODELS = (
    Person,
    PersonLanguage,
    PersonSkill,
    Consent,
    SpecialCategoryData,
    Enrolment,
    StageTransition,
    ServiceDelivery,
    Attendance,
    CaseNote,
    Goal,
    Outcome,
    FollowUp,
    ProgrammeTarget,
    Referral,
    Stage,
    RoleAssignment,
    User,
    AuditEntry,
)


def programme():
    return Programme.objects.get(slug=PROGRAMME)


def test_the_district_programme_reaches_about_400_people_at_every_stage_and_status(demo):
    enrolments = Enrolment.objects.filter(programme=programme())
    assert enrolments.count() == 400
    assert Person.objects.filter(enrolments__programme=programme()).distinct().count() == 400
    assert set(enrolments.values_list("municipality__name", flat=True)) == {
        "Pioltello",
        "Rodano",
        "Segrate",
        "Vimodrone",
    }
    stages = Stage.objects.filter(programme=programme())
    assert stages.count() == 8
    for stage in stages:
        active = enrolments.filter(stage=stage, status=EnrolmentStatus.ACTIVE).count()
        assert active >= 5, stage.kind
    assert set(enrolments.values_list("status", flat=True)) == set(EnrolmentStatus.values)
    assert {s.gate for s in stages} >= {Gate.ASSESSMENT, Gate.PLAN, Gate.APPROVAL}
    today = timezone.localdate()
    assert min(enrolments.values_list("enrolled_on", flat=True)) >= programme().start_date
    assert max(enrolments.values_list("enrolled_on", flat=True)) <= today
    # Every category the targets name is reached by someone, health data included.
    for field in CATEGORY_FIELDS.values():
        assert enrolments.filter(**{field: True}).count() >= 5, field


def test_the_programme_has_a_legal_basis_and_targets(demo):
    assert programme().legal_basis == ProgrammeLegalBasis.CONSENT
    targets = {(t.kind, t.category): t.value for t in programme().targets.all()}
    assert targets[(TargetKind.REACHED, "")] == 400
    assert targets[(TargetKind.PLACEMENTS, "")] == 70
    assert (TargetKind.COMPLETIONS, "") in targets
    assert targets[(TargetKind.REACHED, "neet")] > 0
    assert targets[(TargetKind.REACHED, "returning_mother")] > 0


def test_the_people_are_invented_with_valid_codici_fiscali_and_rich_profiles(demo):
    people = Person.objects.filter(enrolments__programme=programme())
    for person in people:
        person.full_clean()  # the codice fiscale's check character included
    assert people.filter(is_migrant=True).count() >= 60
    assert set(people.values_list("education_level", flat=True)) >= {"2", "3", "6", "7"}
    assert set(people.values_list("gender", flat=True)) >= {"female", "male"}
    assert people.exclude(email__endswith=".example.org").count() == 0
    languages = PersonLanguage.objects.filter(person__in=people)
    assert languages.filter(language="it").count() >= 390
    assert set(languages.values_list("level", flat=True)) >= {"A2", "B1", "B2", "native"}
    assert PersonSkill.objects.filter(person__in=people).values("person").distinct().count() >= 390
    consents = Consent.objects.filter(person__in=people, withdrawn_at__isnull=True)
    assert consents.filter(purpose=ConsentPurpose.PROGRAMME).count() == 400
    assert 5 <= SpecialCategoryData.objects.filter(person__in=people).count() <= 30


def test_the_operators_deliver_services_write_notes_and_record_outcomes(demo):
    deliveries = ServiceDelivery.objects.filter(programme=programme())
    kinds = set(deliveries.values_list("kind", flat=True))
    assert kinds >= {
        ServiceKind.INTERVIEW,
        ServiceKind.ORIENTATION,
        ServiceKind.COACHING,
        ServiceKind.ASSESSMENT,
        ServiceKind.LAB_SESSION,
        ServiceKind.WORKSHOP,
    }
    groups = deliveries.filter(mode=ServiceMode.GROUP).annotate(n=Count("attendances"))
    assert groups.count() >= 50
    assert all(group.n >= 2 for group in groups)
    assert Attendance.objects.filter(delivery__in=groups, present=False).exists()
    assert CaseNote.objects.filter(enrolment__programme=programme()).count() >= 400
    assert Goal.objects.filter(enrolment__programme=programme()).count() >= 200
    outcomes = Outcome.objects.filter(enrolment__programme=programme())
    contracts = Counter(
        outcomes.filter(kind=OutcomeKind.JOB).values_list("contract_type", flat=True)
    )
    assert len(contracts) >= 5
    assert 40 <= sum(contracts.values()) <= 90
    assert outcomes.filter(kind=OutcomeKind.JOB, employer__isnull=False).exists()
    assert outcomes.filter(kind=OutcomeKind.SELF_EMPLOYMENT).count() >= 3
    assert outcomes.filter(kind=OutcomeKind.TRAINING).count() >= 20
    today = timezone.localdate()
    referrals = Referral.objects.filter(from_enrolment__programme=programme())
    assert set(referrals.values_list("status", flat=True)) == {
        ReferralStatus.PROPOSED,
        ReferralStatus.WITHDRAWN,
    }
    assert all(r.consent_text_version for r in referrals)
    follow_ups = FollowUp.objects.filter(outcome__enrolment__programme=programme())
    assert follow_ups.filter(done_at__isnull=False).count() >= 5
    assert follow_ups.filter(done_at__isnull=True, due_on__lt=today).count() >= 3
    assert follow_ups.filter(done_at__isnull=True, due_on__gte=today).count() >= 20


def test_every_pathway_is_one_the_services_could_have_written(demo):
    """Transition chains end at the enrolment's stage, ended pathways have an end, every job
    and business has its follow-ups, intake snapshots are what `intake_profile` gives, gates
    were met before they were passed."""
    today = timezone.localdate()
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(programme=programme()).select_related("person", "stage")
    }
    stages = {s.pk: s for s in Stage.objects.filter(programme=programme())}
    chains = defaultdict(list)
    for t in StageTransition.objects.filter(enrolment__programme=programme()).order_by("at", "pk"):
        chains[t.enrolment_id].append(t)
    assessed = defaultdict(list)
    for a in Attendance.objects.filter(
        present=True, delivery__kind=ServiceKind.ASSESSMENT, enrolment__in=enrolments
    ).select_related("delivery"):
        assessed[a.enrolment_id].append(a.delivery.held_on)
    with_goals = set(
        Goal.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", flat=True)
    )
    for pk, enrolment in enrolments.items():
        chain = chains[pk]
        assert chain, pk
        first, last = chain[0], chain[-1]
        assert first.from_stage_id is None and first.from_status == ""
        assert first.to_stage_id == min(stages, key=lambda s: stages[s].position)
        assert first.to_status == EnrolmentStatus.ACTIVE
        assert last.to_stage_id == enrolment.stage_id
        assert last.to_status == enrolment.status
        for before, after in itertools.pairwise(chain):
            assert after.from_stage_id == before.to_stage_id, pk
            assert after.from_status == before.to_status, pk
        for t in chain:
            assert t.to_stage_id in stages
            assert t.at.date() >= enrolment.enrolled_on
            entered = stages[t.to_stage_id]
            if t.from_stage_id == t.to_stage_id:
                continue
            if entered.gate == Gate.ASSESSMENT:
                assert any(day <= timezone.localtime(t.at).date() for day in assessed[pk]), pk
            elif entered.gate == Gate.PLAN:
                assert enrolment.plan_agreed_on is not None and pk in with_goals, pk
                assert enrolment.plan_agreed_on <= timezone.localtime(t.at).date()
            elif entered.gate == Gate.APPROVAL:
                assert has_perm(t.approved_by, "pathways.approve_stage", programme()), pk
        assert enrolment.stage_id in stages  # the programme's own stages
        assert (enrolment.ended_on is not None) == (enrolment.status in ENDED_STATUSES)
        if enrolment.ended_on:
            assert enrolment.ended_on <= today
        snapshot = intake_profile(enrolment.person, enrolment.enrolled_on)
        assert snapshot["municipality_id"] == enrolment.municipality_id, pk
        for field in CATEGORY_FIELDS.values():
            assert snapshot[field] == getattr(enrolment, field), (pk, field)
    for outcome in Outcome.objects.filter(enrolment__in=enrolments).prefetch_related("follow_ups"):
        months = sorted(f.months for f in outcome.follow_ups.all())
        if outcome.kind in (OutcomeKind.JOB, OutcomeKind.SELF_EMPLOYMENT):
            assert months == list(FOLLOW_UP_MONTHS), outcome.pk
            for f in outcome.follow_ups.all():
                assert f.due_on == months_after(outcome.start_date, f.months)
                assert f.assigned_to_id == enrolments[outcome.enrolment_id].tutor_id
                assert f.done_at is None or f.done_at <= timezone.now()
        else:
            assert months == []
        assert outcome.start_date >= enrolments[outcome.enrolment_id].enrolled_on
    # Nobody attends a session before their enrolment or after its end.
    for a in Attendance.objects.filter(enrolment__in=enrolments).select_related("delivery"):
        enrolment = enrolments[a.enrolment_id]
        assert a.delivery.held_on >= enrolment.enrolled_on
        assert enrolment.ended_on is None or a.delivery.held_on <= enrolment.ended_on
        assert a.delivery.held_on <= today


def test_the_personas_see_what_they_should(demo):
    operator = User.objects.get(email=persona("operator").email)
    caseload = Enrolment.objects.filter(programme=programme(), tutor=operator)
    assert 120 <= caseload.count() <= 220
    visible = people_for_user(operator)
    assert set(caseload.values_list("person_id", flat=True)) <= set(
        visible.values_list("pk", flat=True)
    )
    assert visible.count() == 400
    assert has_perm(operator, "people.view_special_category", programme())
    tutors = set(Enrolment.objects.filter(programme=programme()).values_list("tutor", flat=True))
    assert len(tutors) == 3
    for tutor in User.objects.filter(pk__in=tutors):
        assert RoleAssignment.objects.filter(
            user=tutor, role=Role.OPERATOR, scope_kind=ScopeKind.PROGRAMME, scope_id=programme().pk
        ).exists()
    company = User.objects.get(email=persona("company").email)
    assert not people_for_user(company).exists()
    evaluator = User.objects.get(email=persona("evaluator").email)
    assert not people_for_user(evaluator).exists()
    # The job seeker has her own record, enrolled with a plan and goals.
    seeker = User.objects.get(email=persona("job_seeker").email)
    record = Person.objects.get(user=seeker)
    enrolment = record.enrolments.get(programme=programme())
    assert enrolment.tutor == operator
    assert enrolment.plan_agreed_on is not None
    assert enrolment.goals.count() >= 2
    assert not people_for_user(seeker).exists()


def test_running_the_builder_again_changes_nothing(demo):
    before = {model.__name__: model.objects.count() for model in MODELS}
    ctx = DemoContext(rng=random.Random(1), log=lambda _message: None)
    build_people(ctx)
    assert {model.__name__: model.objects.count() for model in MODELS} == before


def test_the_operator_and_the_job_seeker_open_their_pages_on_the_demo(demo, client):
    operator = User.objects.get(email=persona("operator").email)
    seeker = Person.objects.get(user__email=persona("job_seeker").email)
    client.force_login(operator)
    caseload = client.get(reverse("pathways:caseload"))
    assert caseload.status_code == 200
    assert client.get(reverse("pathways:person_file", args=[seeker.pk])).status_code == 200
    assert client.get(reverse("pathways:tasks")).status_code == 200
    dashboard = client.get(reverse("programme_dashboard:programme", args=[programme().pk]))
    assert dashboard.status_code == 200
    client.force_login(User.objects.get(email=persona("company").email))
    assert client.get(reverse("pathways:person_file", args=[seeker.pk])).status_code == 404
    client.force_login(seeker.user)
    pathway = client.get(reverse("pathways_me:pathway"))
    assert pathway.status_code == 200
    assert client.get(reverse("pathways_me:plan")).status_code == 200
