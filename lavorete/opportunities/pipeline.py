"""Every write to the candidacy pipeline: one atomic transaction each, audited.

The pipeline is suggested → proposed to the person → applied → shared with the
company → interview → hired / not selected / withdrawn (`models.TRANSITIONS`).
Each service locks the candidacy row, checks the move is in `TRANSITIONS` and
that the actor may make it, records a `CandidacyEvent` and an audit entry.
Audit entries name fields and statuses, never the message or note written.

Who may do what:
- suggest: the system (no actor) or an operator who can see the person;
- propose: an operator who can see the person (`opportunities.propose` on them);
- apply, share, withdraw: the person themselves or such an operator on their behalf;
- share needs the person's active consent to profile sharing;
- interview, hired, not selected: a representative of the opportunity's
  organisation, or an operator in the opportunity's scope
  (`opportunities.manage_candidacy` on it).

A hire records the job placement on the person's pathway (`outcome_record`),
and fills the opportunity once hires reach its positions.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.permissions import has_perm
from lavorete.core.servicekit import integrity_as_validation
from lavorete.opportunities.models import (
    FINAL_STATUSES,
    SHARED_STATUSES,
    TRANSITIONS,
    Candidacy,
    CandidacyEvent,
    CandidacyStatus,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)
from lavorete.people.models import Consent, ConsentPurpose, Person

# The longest message a person or operator may write to the company.
MAX_MESSAGE = 2000
# The longest note on a step (the event keeps 500 characters, the system adds its own).
MAX_NOTE = 400
# What the company may do to a candidacy.
COMPANY_MOVES = frozenset(
    {CandidacyStatus.INTERVIEW, CandidacyStatus.HIRED, CandidacyStatus.NOT_SELECTED}
)


# --- checks --------------------------------------------------------------------------


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def is_self(actor: Any, person: Person) -> bool:
    """Is `actor` the person's own account?"""
    user = _actor(actor)
    return user is not None and person.user_id is not None and person.user_id == user.pk


def is_their_operator(actor: Any, person: Person) -> bool:
    """Is `actor` an operator who can see the person and put opportunities to them?"""
    return _actor(actor) is not None and has_perm(actor, "opportunities.propose", person)


def may_act_for(actor: Any, person: Person) -> bool:
    """The person themselves, or their operator on their behalf."""
    return is_self(actor, person) or is_their_operator(actor, person)


def may_manage(actor: Any, candidacy: Candidacy) -> bool:
    """The opportunity's company representative, or an operator in the opportunity's scope."""
    return _actor(actor) is not None and has_perm(
        actor, "opportunities.manage_candidacy", candidacy.opportunity
    )


def has_sharing_consent(person: Person) -> bool:
    """Does the person consent now to sharing their profile (not withdrawn, text in force)?"""
    return bool(sharing_consents([person.pk]))


def sharing_consents(person_ids: list[int]) -> set[int]:
    """Which of these people consent now to profile sharing, in one query."""
    from lavorete.people.consents import current_text

    version = current_text(ConsentPurpose.PROFILE_SHARING).version
    return set(
        Consent.objects.filter(
            person_id__in=person_ids,
            purpose=ConsentPurpose.PROFILE_SHARING,
            withdrawn_at__isnull=True,
            text_version=version,
        ).values_list("person_id", flat=True)
    )


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _not_allowed() -> ValidationError:
    return _refuse(_("You may not make this change to this candidacy."), "not_allowed")


def _check_person(person: Person) -> None:
    if person.anonymised_at is not None:
        raise _refuse(_("This record has been anonymised."), "anonymised")


def _check_open(opportunity: Opportunity) -> None:
    if not opportunity.is_open:
        raise _refuse(_("This opportunity is not open for candidacies."), "not_open")


def _text(value: Any, limit: int, field: str) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: ValidationError(_("Write a text."), code="invalid")})
    text = value.strip()
    if "\x00" in text:
        raise ValidationError(
            {field: ValidationError(_("The text holds a character that isn't allowed."), "invalid")}
        )
    if len(text) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Write at most %(limit)d characters.") % {"limit": limit}, code="too_long"
                )
            }
        )
    return text


def _check_score(score: Any) -> float | None:
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise ValidationError(
            {"score": ValidationError(_("A score goes from 0 to 1."), code="invalid")}
        )
    return float(score)


def _check_move(candidacy: Candidacy, to_status: str) -> None:
    if to_status not in TRANSITIONS.get(candidacy.status, frozenset()):
        raise _refuse(
            _("A candidacy can't go from “%(from)s” to “%(to)s”.")
            % {
                "from": CandidacyStatus(candidacy.status).label,
                "to": CandidacyStatus(to_status).label
                if to_status in CandidacyStatus.values
                else to_status,
            },
            "invalid_transition",
        )


# --- writing -------------------------------------------------------------------------


def _locked(candidacy: Candidacy) -> Candidacy:
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("opportunity", "person")
        .get(pk=candidacy.pk)
    )


def _record(candidacy: Candidacy, to_status: str, actor: Any, note: str, action: str) -> None:
    """Move the locked candidacy, with its event and audit entry."""
    from_status = candidacy.status
    candidacy.status = to_status
    candidacy.save()
    CandidacyEvent.objects.create(
        candidacy=candidacy,
        from_status=from_status,
        to_status=to_status,
        actor=_actor(actor),
        note=note[:500],
    )
    audit_record(
        actor=actor,
        action=f"candidacy.{action}",
        target=candidacy,
        changes={"status": [from_status, to_status], "note": bool(note)},
    )


def _create(
    *,
    actor: Any,
    opportunity: Opportunity,
    person: Person,
    status: str,
    action: str,
    score: float | None = None,
    message: str = "",
    note: str = "",
) -> Candidacy:
    candidacy = Candidacy.objects.create(
        opportunity=opportunity,
        person=person,
        status=status,
        score=score,
        message=message,
        proposed_by=_actor(actor)
        if status in (CandidacyStatus.SUGGESTED, CandidacyStatus.PROPOSED)
        else None,
    )
    CandidacyEvent.objects.create(
        candidacy=candidacy, from_status="", to_status=status, actor=_actor(actor), note=note
    )
    audit_record(
        actor=actor,
        action=f"candidacy.{action}",
        target=candidacy,
        changes={
            "status": ["", status],
            "opportunity": opportunity.pk,
            "person": person.pk,
            "fields": ["message"] if message else [],
        },
    )
    return candidacy


def _existing(opportunity: Opportunity, person: Person) -> Candidacy | None:
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("opportunity", "person")
        .filter(opportunity=opportunity, person=person)
        .first()
    )


def candidacy_suggest(
    *, actor: Any, opportunity: Opportunity, person: Person, score: Any = None
) -> Candidacy:
    """Suggest an open opportunity for a person (the matching engine or an operator);
    returns the existing candidacy unchanged if there is one."""
    score = _check_score(score)
    _check_person(person)
    if actor is not None and not is_their_operator(actor, person):
        raise _not_allowed()
    _check_open(opportunity)
    with transaction.atomic(), integrity_as_validation():
        existing = _existing(opportunity, person)
        if existing is not None:
            return existing
        return _create(
            actor=actor,
            opportunity=opportunity,
            person=person,
            status=CandidacyStatus.SUGGESTED,
            action="suggest",
            score=score,
        )


def candidacy_propose(
    *,
    actor: Any,
    opportunity: Opportunity,
    person: Person,
    message: str = "",
    score: Any = None,
) -> Candidacy:
    """An operator who can see the person proposes an open opportunity to them; the person
    gets a short e-mail (their first name and a link, nothing else) to answer in their area.
    Proposing again what is already proposed changes nothing."""
    message = _text(message, MAX_NOTE, "message")
    score = _check_score(score)
    _check_person(person)
    if not is_their_operator(actor, person):
        raise _not_allowed()
    _check_open(opportunity)
    with transaction.atomic(), integrity_as_validation():
        candidacy = _existing(opportunity, person)
        if candidacy is not None and candidacy.status == CandidacyStatus.PROPOSED:
            return candidacy
        if candidacy is None:
            candidacy = _create(
                actor=actor,
                opportunity=opportunity,
                person=person,
                status=CandidacyStatus.PROPOSED,
                action="propose",
                score=score,
                note=message,
            )
        else:
            _check_move(candidacy, CandidacyStatus.PROPOSED)
            candidacy.proposed_by = _actor(actor)
            if score is not None:
                candidacy.score = score
            _record(candidacy, CandidacyStatus.PROPOSED, actor, message, "propose")
        _notify_proposal(candidacy)
    return candidacy


def _notify_proposal(candidacy: Candidacy) -> None:
    """E-mail the person a notice of the proposal: first name and a link, no other data."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    from lavorete.core.tasks import send_email

    person = candidacy.person
    address = person.email or (person.user.email if person.user is not None else "")
    if not address:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "first_name": person.first_name,
            "link": settings.SITE_URL.rstrip("/") + reverse("candidacies_me:list"),
            "site": settings.SITE_NAME,
            "has_account": person.user_id is not None,
        }
        subject = render_to_string("opportunities/email/proposal_subject.txt", context).strip()
        body = render_to_string("opportunities/email/proposal.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[address]))


def candidacy_apply(
    *, actor: Any, opportunity: Opportunity, person: Person, message: str = ""
) -> Candidacy:
    """The person (or their operator on their behalf) applies to an open opportunity, or
    accepts a proposal; applying again returns the candidacy unchanged."""
    message = _text(message, MAX_MESSAGE, "message")
    _check_person(person)
    if not may_act_for(actor, person):
        raise _not_allowed()
    with transaction.atomic(), integrity_as_validation():
        candidacy = _existing(opportunity, person)
        if candidacy is not None:
            if candidacy.status == CandidacyStatus.APPLIED:
                return candidacy
            if candidacy.status == CandidacyStatus.WITHDRAWN:
                raise _refuse(_("This candidacy was withdrawn: it can't be reopened."), "withdrawn")
            if candidacy.status in SHARED_STATUSES:
                raise _refuse(_("The application has already been made."), "already_applied")
        _check_open(opportunity)
        if candidacy is None:
            return _create(
                actor=actor,
                opportunity=opportunity,
                person=person,
                status=CandidacyStatus.APPLIED,
                action="apply",
                message=message,
            )
        _check_move(candidacy, CandidacyStatus.APPLIED)
        candidacy.message = message
        _record(candidacy, CandidacyStatus.APPLIED, actor, "", "apply")
    return candidacy


def candidacy_share(*, actor: Any, candidacy: Candidacy, give_consent: bool = False) -> Candidacy:
    """Share the applied candidacy's profile with the company: the person or their operator,
    only with the person's active consent to profile sharing. With `give_consent`, the
    person gives that consent in the same step."""
    with transaction.atomic():
        locked = _locked(candidacy)
        person = locked.person
        _check_person(person)
        if not may_act_for(actor, person):
            raise _not_allowed()
        _check_move(locked, CandidacyStatus.SHARED)
        if give_consent:
            if not is_self(actor, person):
                raise _refuse(_("Only the person can give this consent here."), "consent_by_person")
            from lavorete.people.services import consent_give

            consent_give(actor=actor, person=person, purpose=ConsentPurpose.PROFILE_SHARING)
        if not has_sharing_consent(person):
            raise _refuse(
                _(
                    "The person hasn't agreed to share their profile with companies: "
                    "the candidacy can't be shared."
                ),
                "no_consent",
            )
        locked.shared_at = timezone.now()
        _record(locked, CandidacyStatus.SHARED, actor, "", "share")
    _copy(locked, candidacy)
    return candidacy


def _copy(source: Candidacy, target: Candidacy) -> None:
    for name in ("status", "shared_at", "outcome_id", "updated_at", "message", "proposed_by_id"):
        setattr(target, name, getattr(source, name))


def _open_enrolment(person: Person, opportunity: Opportunity) -> Any:
    """The person's open enrolment, in the opportunity's programme if they have one there."""
    from lavorete.pathways.models import ENDED_STATUSES, Enrolment

    enrolments = list(
        Enrolment.objects.filter(person=person)
        .exclude(status__in=list(ENDED_STATUSES))
        .order_by("-enrolled_on", "-pk")
    )
    for enrolment in enrolments:
        if enrolment.programme_id == opportunity.programme_id:
            return enrolment
    return enrolments[0] if enrolments else None


def _outcome_terms(opportunity: Opportunity) -> tuple[str, str] | str:
    """(outcome kind, contract type) for a hire, or why none is recorded.

    A job or an internship is a job placement (an internship with the traineeship
    contract unless another is given); a company challenge or a volunteer role
    is not a job and records no outcome.
    """
    from lavorete.pathways.models import ContractType, OutcomeKind

    if opportunity.kind == OpportunityKind.INTERNSHIP:
        return OutcomeKind.JOB, opportunity.contract_type or ContractType.TRAINEESHIP
    if opportunity.kind == OpportunityKind.JOB:
        if not opportunity.contract_type:
            return _(
                "No pathway outcome recorded: the opportunity has no contract type; "
                "record the job on the pathway."
            )
        return OutcomeKind.JOB, opportunity.contract_type
    return _("No pathway outcome recorded: a challenge or a volunteer role is not a job.")


def _record_placement(actor: Any, candidacy: Candidacy) -> str:
    """Record the hire on the person's pathway; returns the note saying what was recorded."""
    from lavorete.pathways.services import outcome_record

    opportunity = candidacy.opportunity
    terms = _outcome_terms(opportunity)
    if isinstance(terms, str):
        return terms
    enrolment = _open_enrolment(candidacy.person, opportunity)
    if enrolment is None:
        return _("No pathway outcome recorded: the person has no open pathway.")
    kind, contract_type = terms
    try:
        with transaction.atomic():
            candidacy.outcome = outcome_record(
                actor=actor,
                enrolment=enrolment,
                kind=kind,
                start_date=timezone.localdate(),
                employer=opportunity.organisation,
                contract_type=contract_type,
                weekly_hours=opportunity.weekly_hours,
                description=opportunity.title[:300],
            )
    except ValidationError as exc:
        return _("No pathway outcome recorded: %(reason)s") % {"reason": " ".join(exc.messages)}
    # The company reads this note: the pathway is named, not the programme.
    return _("Job placement recorded on the person's pathway.")


def candidacy_move(*, actor: Any, candidacy: Candidacy, status: str, note: str = "") -> Candidacy:
    """The company (or an operator in the opportunity's scope) moves a candidacy to interview,
    hired or not selected. A hire records the job placement on the person's pathway and
    fills the opportunity once hires reach its positions."""
    note = _text(note, MAX_NOTE, "note")
    if status not in COMPANY_MOVES:
        raise ValidationError(
            {"status": ValidationError(_("Choose a valid step."), code="invalid_choice")}
        )
    with transaction.atomic():
        # The opportunity first, then the candidacy: two hires for the last position
        # queue on the opportunity and the second one sees it filled.
        opportunity = Opportunity.objects.select_for_update().get(pk=candidacy.opportunity_id)
        locked = _locked(candidacy)
        locked.opportunity = opportunity
        if not may_manage(actor, locked):
            raise _not_allowed()
        _check_move(locked, status)
        if locked.shared_at is None and status != CandidacyStatus.NOT_SELECTED:
            # Interview and hire need the profile; an application may be turned down unseen.
            raise _refuse(
                _(
                    "The person hasn't shared this application with the company yet: it can "
                    "only be turned down until they do."
                ),
                "not_shared",
            )
        full_note = note
        filled = False
        if status == CandidacyStatus.HIRED:
            if opportunity.status not in (OpportunityStatus.OPEN, OpportunityStatus.CLOSED):
                raise _refuse(_("This opportunity takes no more hires."), "not_hiring")
            hired = Candidacy.objects.filter(
                opportunity=opportunity, status=CandidacyStatus.HIRED
            ).count()
            if hired >= opportunity.positions:
                raise _refuse(_("Every position of this opportunity is filled."), "filled")
            with translation.override(settings.LANGUAGE_CODE):
                placement = _record_placement(actor, locked)
            full_note = f"{note}\n{placement}" if note else placement
            filled = hired + 1 >= opportunity.positions
        _record(locked, status, actor, full_note, "move")
        if filled:
            from lavorete.opportunities.services import opportunity_mark_filled

            opportunity_mark_filled(actor=actor, opportunity=opportunity)
    _copy(locked, candidacy)
    return candidacy


def candidacy_withdraw(*, actor: Any, candidacy: Candidacy, note: str = "") -> Candidacy:
    """The person (or their operator) withdraws the candidacy; it stays in the history."""
    note = _text(note, MAX_NOTE, "note")
    with transaction.atomic():
        locked = _locked(candidacy)
        if not may_act_for(actor, locked.person):
            raise _not_allowed()
        if locked.status in FINAL_STATUSES:
            raise _refuse(_("This candidacy is already closed."), "closed")
        _check_move(locked, CandidacyStatus.WITHDRAWN)
        _record(locked, CandidacyStatus.WITHDRAWN, actor, note, "withdraw")
    _copy(locked, candidacy)
    return candidacy
