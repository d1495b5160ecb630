"""A person's rights over their data: export (Art. 15/20), erasure (Art. 17), retention.

All three work from the personal-data inventory (`lavorete.core.personal_data`):
export writes out every registered field of the person's rows, erasure blanks
or deletes them, so a field added to a model and registered is exported and
erased with no change here.

Erasure is anonymisation: the person's enrolments stay, with the intake
snapshot (municipality, categories), stages, statuses, dates, outcome kinds
and follow-up answers, so every programme figure stays the same; every value
that could identify the person — in their rows, their account, their
uploads and the logs — is removed in one transaction.
"""

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from lavorete.core.audit import audit_record, log_personal_data_access
from lavorete.core.models import AuditEntry, PersonalDataAccess
from lavorete.core.personal_data import fields_of
from lavorete.people.consents import CONSENT_TEXTS, REFERRAL_TEXT
from lavorete.people.models import (
    Consent,
    Person,
    PersonLanguage,
    PersonSkill,
    SpecialCategoryData,
    years_before,
)

EXPORT_FORMAT = "lavorete-person-export/1"


class ErasureReason(models.TextChoices):
    """Why a record is anonymised; the audit keeps this code, never free text."""

    REQUEST = "request", _lazy("The person asked for it (Art. 17.1)")
    NO_LONGER_NEEDED = "no_longer_needed", _lazy("No longer needed for its purposes (Art. 17.1.a)")
    CONSENT_WITHDRAWN = "consent_withdrawn", _lazy("Consent withdrawn (Art. 17.1.b)")
    UNLAWFUL = "unlawful", _lazy("Processed unlawfully (Art. 17.1.d)")
    RETENTION = "retention", _lazy("Retention period over")


# Special-category data (Art. 9) outlives the pathway by this grace period only.
SPECIAL_DATA_GRACE_DAYS = 90
# What erasure writes where a column can't be empty (a guest's name, a description).
ERASED = "-"
# Text columns that must not be empty, with what erasure leaves there.
# The person's values looked for in every log row, not only the rows about them.
_IDENTIFYING = frozenset({"email", "phone", "tax_code", "address"})
_PLACEHOLDER_FIELDS = {("spaces.checkin", "guest_name"), ("spaces.servicehours", "description")}


# --- collecting the person's rows --------------------------------------------------


def _pathways() -> Any:
    from lavorete.pathways import models as pathways

    return pathways


def _opportunities() -> Any:
    from lavorete.opportunities import models as opportunities

    return opportunities


def _matching() -> Any:
    from lavorete.matching import models as matching

    return matching


def _subject_keys(person: Person) -> dict[str, list[str]]:
    """Every (record type, ids) the logs may name for this person's file."""
    pw = _pathways()
    op = _opportunities()
    enrolment_ids = list(pw.Enrolment.objects.filter(person=person).values_list("pk", flat=True))
    keys: dict[str, list[Any]] = {
        Person._meta.label_lower: [person.pk],
        SpecialCategoryData._meta.label_lower: list(
            SpecialCategoryData.objects.filter(person=person).values_list("pk", flat=True)
        ),
        pw.Enrolment._meta.label_lower: enrolment_ids,
        pw.Referral._meta.label_lower: list(
            pw.Referral.objects.filter(person=person).values_list("pk", flat=True)
        ),
    }
    for model in (pw.CaseNote, pw.Goal, pw.StageTransition, pw.Attendance):
        keys[model._meta.label_lower] = list(
            model.objects.filter(enrolment_id__in=enrolment_ids).values_list("pk", flat=True)
        )
    outcomes = list(
        pw.Outcome.objects.filter(enrolment_id__in=enrolment_ids).values_list("pk", flat=True)
    )
    keys[pw.Outcome._meta.label_lower] = outcomes
    keys[pw.FollowUp._meta.label_lower] = list(
        pw.FollowUp.objects.filter(outcome_id__in=outcomes).values_list("pk", flat=True)
    )
    for model in (PersonLanguage, PersonSkill, Consent, op.Candidacy, _matching().Match):
        keys[model._meta.label_lower] = list(
            model.objects.filter(person=person).values_list("pk", flat=True)
        )
    keys[op.CandidacyEvent._meta.label_lower] = list(
        op.CandidacyEvent.objects.filter(candidacy__person=person).values_list("pk", flat=True)
    )
    return {label: [str(pk) for pk in ids] for label, ids in keys.items() if ids}


def _log_filter(keys: dict[str, list[str]], type_field: str, id_field: str) -> Q:
    condition = Q(pk__in=[])
    for label, ids in keys.items():
        condition |= Q(**{type_field: label, f"{id_field}__in": ids})
    return condition


def person_access_log(person: Person) -> models.QuerySet[PersonalDataAccess]:
    """The reads of the person's file, newest first: what the person may see about who looked."""
    keys = _subject_keys(person)
    return (
        PersonalDataAccess.objects.filter(_log_filter(keys, "subject_type", "subject_id"))
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def _account_models() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Models (outside core, people and pathways) with rows belonging to a user account:
    those whose inventory lists a field pointing at the user, or a one-to-one to it."""
    user_model = get_user_model()
    for model in apps.get_models():
        if model._meta.app_label in {"core", "people", "pathways"}:
            continue
        registered = set(fields_of(model))
        owners = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation
            and f.related_model is user_model
            and (f.name in registered or f.one_to_one)
        ]
        if owners:
            yield model, owners


def _account_rows(user: Any, model: type[models.Model], owners: list[str]) -> Any:
    condition = Q(pk__in=[])
    for name in owners:
        condition |= Q(**{name: user})
    return model._default_manager.filter(condition)


def _account_keys(user: Any) -> dict[str, list[str]]:
    keys = {}
    for model, owners in _account_models():
        ids = [str(pk) for pk in _account_rows(user, model, owners).values_list("pk", flat=True)]
        if ids:
            keys[model._meta.label_lower] = ids
    return keys


# --- export ------------------------------------------------------------------------


def _display(obj: Any) -> Any:
    user_model = get_user_model()
    if obj is None:
        return None
    if isinstance(obj, user_model):
        return obj.get_full_name() or obj.email
    return str(obj)


def _value(obj: models.Model, field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.FileField):
        name = getattr(obj, field.attname).name
        return os.path.basename(name) if name else ""
    if field.is_relation:
        return _display(getattr(obj, field.name))
    raw = getattr(obj, field.attname)
    if raw is None:
        return None
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    if isinstance(raw, Decimal):
        return str(raw)
    return raw


def _record(obj: models.Model, extra: Iterable[str] = ()) -> dict[str, Any]:
    """The registered personal fields of one row, plus `extra` context fields, in model order."""
    wanted = set(fields_of(type(obj))) | set(extra)
    row: dict[str, Any] = {"id": obj.pk}
    for f in obj._meta.concrete_fields:
        if f.name in wanted:
            row[f.name] = _value(obj, f)
    return row


def _skill_labels(skill_ids: list[int]) -> dict[int, dict[str, str]]:
    from lavorete.skills.models import Label, LabelKind

    labels: dict[int, dict[str, str]] = {}
    rows = Label.objects.filter(skill_id__in=skill_ids, kind=LabelKind.PREFERRED).values_list(
        "skill_id", "language", "text"
    )
    for skill_id, language, text in rows:
        labels.setdefault(skill_id, {})[language] = text
    return labels


def _consent_text(purpose: str, version: str) -> str:
    text = CONSENT_TEXTS.get(purpose)
    if text is not None and text.version == version:
        return str(text.text)
    return ""


@dataclass(frozen=True)
class ExportScope:
    """What an export may contain: the person gets everything; staff what they may read."""

    special_category: bool = True
    case_notes_programmes: frozenset[int] | None = None  # None: every programme

    def notes_of(self, programme_id: int) -> bool:
        return self.case_notes_programmes is None or programme_id in self.case_notes_programmes


FULL_EXPORT = ExportScope()


def person_export_data(person: Person, scope: ExportScope = FULL_EXPORT) -> dict[str, Any]:
    """Everything kept about the person (Art. 15/20), as JSON-ready data, from the inventory."""
    pw = _pathways()
    omitted: list[str] = []
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "person": {
            **_record(person, extra=["created_at", "anonymised_at"]),
            "categories": sorted(str(c) for c in person.categories()),
        },
    }
    data["languages"] = [_record(row) for row in person.languages.all()]
    skills = list(person.skills.select_related("skill", "assessed_by"))
    labels = _skill_labels([s.skill_id for s in skills])
    data["skills"] = [
        {**_record(s, extra=["added_at"]), "skill_labels": labels.get(s.skill_id, {})}
        for s in skills
    ]
    data["consents"] = [
        {**_record(c), "text": _consent_text(c.purpose, c.text_version)}
        for c in person.consents.all()
    ]
    if scope.special_category:
        special = SpecialCategoryData.objects.filter(person=person).first()
        data["special_category_data"] = _record(special, ["updated_at"]) if special else None
    else:
        omitted.append("special_category_data")
    data["enrolments"] = [
        _enrolment_export(enrolment, scope, omitted)
        for enrolment in pw.Enrolment.objects.filter(person=person)
        .select_related("programme", "tutor", "stage", "municipality")
        .order_by("enrolled_on", "pk")
    ]
    data["referrals"] = [
        {
            **_record(r, extra=["to_programme", "to_organisation", "status", "created_at"]),
            "consent_text": str(REFERRAL_TEXT.text)
            if r.consent_text_version == REFERRAL_TEXT.version
            else "",
        }
        for r in person.referrals.select_related(
            "to_programme", "to_organisation", "from_enrolment"
        )
    ]
    data["candidacies"] = _candidacies_export(person)
    data["matches"] = [
        {**_record(m), "opportunity": m.opportunity.title}
        for m in _matching()
        .Match.objects.filter(person=person)
        .select_related("opportunity")
        .order_by("-score", "pk")
    ]
    data["access_log"] = [
        {
            "when": row.created_at.isoformat(),
            "who": row.actor_label,
            "who_name": row.actor.get_full_name() if row.actor else "",
            "record": row.subject_label,
            "fields": row.fields,
            "purpose": row.purpose,
        }
        for row in person_access_log(person)
    ]
    data["account"] = _account_export(person.user) if person.user_id else None
    data["omitted"] = sorted(set(omitted))
    return data


def _candidacies_export(person: Person) -> list[dict[str, Any]]:
    """The person's candidacies with their opportunity and every step."""
    op = _opportunities()
    return [
        {
            **_record(c),
            "opportunity": c.opportunity.title,
            "organisation": c.opportunity.organisation.name,
            "steps": [_record(e) for e in c.events.all()],
        }
        for c in op.Candidacy.objects.filter(person=person)
        .select_related("opportunity__organisation")
        .prefetch_related("events")
        .order_by("created_at", "pk")
    ]


def _enrolment_export(enrolment: Any, scope: ExportScope, omitted: list[str]) -> dict[str, Any]:
    pw = _pathways()
    row = _record(enrolment, extra=["programme", "created_at"])
    if not scope.special_category:
        row.pop("cat_disability", None)
    row["transitions"] = [
        _record(t)
        for t in pw.StageTransition.objects.filter(enrolment=enrolment).select_related(
            "from_stage", "to_stage"
        )
    ]
    row["services"] = [
        {
            **_record(a),
            "service": _record(a.delivery, extra=["kind", "mode", "title", "held_on"])
            | {"duration_minutes": a.delivery.duration_minutes},
        }
        for a in pw.Attendance.objects.filter(enrolment=enrolment).select_related("delivery")
    ]
    row["goals"] = [_record(g, extra=["created_at"]) for g in enrolment.goals.all()]
    row["outcomes"] = [
        {
            **_record(o, extra=["kind", "contract_type", "weekly_hours"]),
            "follow_ups": [
                _record(f, extra=["months", "due_on", "done_at"]) for f in o.follow_ups.all()
            ],
        }
        for o in enrolment.outcomes.select_related("employer")
    ]
    # Case notes are the person's data too (Art. 15): the person's own export has them;
    # a staff export only where the staff member may read them.
    if scope.notes_of(enrolment.programme_id):
        row["case_notes"] = [_record(n, extra=["created_at"]) for n in enrolment.notes.all()]
    else:
        omitted.append("case_notes")
    return row


def _account_export(user: Any) -> dict[str, Any]:
    account = _record(user, extra=["date_joined", "last_login"])
    coworking: dict[str, list[dict[str, Any]]] = {}
    for model, owners in _account_models():
        rows = [
            {**_record(obj), "record": str(obj)}
            for obj in _account_rows(user, model, owners).order_by("pk")
        ]
        if rows:
            coworking[model._meta.label_lower] = rows
    account["linked_records"] = coworking
    return account


def export_scope_for(user: Any, person: Person) -> ExportScope:
    """What `user` may put in an export of `person`: Art. 9 data and case notes need their rights."""
    from lavorete.core.permissions import has_perm
    from lavorete.pathways.models import Enrolment

    programmes = set(Enrolment.objects.filter(person=person).values_list("programme_id", flat=True))
    return ExportScope(
        special_category=has_perm(user, "people.view_special_category", person),
        case_notes_programmes=frozenset(
            pk for pk in programmes if has_perm(user, "pathways.view_case_notes", _programme(pk))
        ),
    )


def _programme(pk: int) -> Any:
    from lavorete.network.models import Programme

    return Programme.objects.get(pk=pk)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The PDF is built from the template alone: no file, no network.
    raise ValueError(url)


def export_pdf(html: str) -> bytes:
    """The readable export, rendered by WeasyPrint with no external resource."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf


def person_export(
    *,
    actor: Any,
    person: Person,
    fmt: str,
    scope: ExportScope = FULL_EXPORT,
    render_html: Callable[[dict[str, Any]], str] | None = None,
) -> ExportFile:
    """Export the person's data as JSON or PDF; the export is audited, and a staff
    member's export is written to the access log the person sees."""
    if fmt not in {"json", "pdf"}:
        raise ValidationError(_("Choose JSON or PDF."), code="invalid_format")
    data = person_export_data(person, scope)
    if fmt == "json":
        content, content_type = export_json(data), "application/json"
    else:
        if render_html is None:
            raise ValueError("a PDF export needs render_html")
        content, content_type = export_pdf(render_html(data)), "application/pdf"
    is_self = person.user_id is not None and getattr(actor, "pk", None) == person.user_id
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="person.export",
            target=person,
            changes={
                "format": fmt,
                "by": "self" if is_self else "staff",
                "omitted": data["omitted"],
            },
        )
        if not is_self:
            log_personal_data_access(
                actor=actor,
                subject=person,
                fields=["export"],
                purpose="Export of the data (Art. 15/20)",
            )
    stamp = timezone.localdate().isoformat()
    return ExportFile(content, content_type, f"person-{person.pk}-{stamp}.{fmt}")


# --- erasure -----------------------------------------------------------------------


@dataclass
class _Erasure:
    """What an erasure collects before it writes: values to hunt in the logs, files to delete."""

    needles: set[str] = field(default_factory=set)
    strong: set[str] = field(default_factory=set)
    files: list[tuple[Any, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def remember(self, value: Any, *, strong: bool = False) -> None:
        for text in _strings(value):
            text = text.strip()
            if len(text) >= 4:
                self.needles.add(text)
                if strong and len(text) >= 5:
                    self.strong.add(text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _blank_value(model: type[models.Model], f: models.Field[Any, Any]) -> Any:
    if f.null:
        return None
    if isinstance(f, models.BooleanField):
        return False
    return ""


def _erase_rows(
    work: _Erasure,
    queryset: models.QuerySet[Any],
    names: Iterable[str],
) -> int:
    """Blank the named text and file fields of every row; files are deleted after commit."""
    model = queryset.model
    wanted = [model._meta.get_field(n) for n in names]
    text_fields = [
        f
        for f in wanted
        if isinstance(f, models.CharField | models.TextField | models.FileField)
        and not f.choices
        and not f.is_relation
    ]
    if not text_fields:
        return 0
    count = 0
    for row in queryset.only("pk", *[f.attname for f in text_fields]):
        for f in text_fields:
            value = getattr(row, f.attname)
            if isinstance(f, models.FileField):
                if value and value.name:
                    work.files.append((value.storage, value.name))
            else:
                work.remember(value)
        count += 1
    for f in text_fields:
        if (model._meta.label_lower, f.name) in _PLACEHOLDER_FIELDS:
            # Columns that can't be empty when filled (a guest's name) keep a mark.
            queryset.exclude(**{f.name: ""}).update(**{f.name: ERASED})
        else:
            queryset.update(**{f.name: _blank_value(model, f)})
    return count


def _scrub_json(value: Any, needles: set[str]) -> Any:
    if isinstance(value, str):
        for needle in sorted(needles, key=len, reverse=True):
            if needle.lower() in value.lower():
                return ERASED
        return value
    if isinstance(value, dict):
        return {k: _scrub_json(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, needles) for v in value]
    return value


def _needle_filter(names: Iterable[str], needles: set[str]) -> Q:
    condition = Q(pk__in=[])
    for needle in needles:
        # JSON may store non-ASCII characters escaped (SQLite): look for both spellings.
        escaped = json.dumps(needle)[1:-1]
        for name in names:
            condition |= Q(**{f"{name}__icontains": needle})
            if escaped != needle:
                condition |= Q(**{f"{name}__icontains": escaped})
    return condition


_NEUTRAL_LABEL = re.compile(r"^[a-z ]+ #\d+( \(person #\d+\))?$")


def _neutral(label: str, target_type: str, target_id: str) -> str:
    """A log label that names a record by number only."""
    if _NEUTRAL_LABEL.match(label):
        return label
    return f"{target_type.rsplit('.', 1)[-1]} #{target_id}"


def _scrub_logs(work: _Erasure, keys: dict[str, list[str]], user: Any) -> None:
    """Take the person's values out of the audit trail and the access log.

    Rows about the person's records or by their account are scrubbed of every value
    the erasure removed; any other row is scrubbed of the identifying values
    (e-mail, phone, codice fiscale, address, full name) wherever they appear.
    """
    if user is not None:
        keys = {**keys, user._meta.label_lower: [str(user.pk)]}
    user_label = f"user #{user.pk}" if user is not None else ""
    is_user = Q(actor=user) if user is not None else Q(pk__in=[])
    about = _log_filter(keys, "target_type", "target_id") | is_user
    elsewhere = _needle_filter(["actor_label", "target_label", "changes"], work.strong)
    for entry in AuditEntry.objects.filter(about | elsewhere).iterator():
        own = entry.target_id in keys.get(entry.target_type, []) or (
            user is not None and entry.actor_id == user.pk
        )
        needles = work.needles | work.strong if own else work.strong
        target_label = _scrub_json(entry.target_label, needles)
        if entry.target_id in keys.get(entry.target_type, []):
            target_label = _neutral(entry.target_label, entry.target_type, entry.target_id)
        actor_label = entry.actor_label
        if user is not None and entry.actor_id == user.pk:
            actor_label = user_label
        # The trail is append-only for everyone else: erasure is the one rewrite allowed.
        AuditEntry.objects.filter(pk=entry.pk).update(
            changes=_scrub_json(entry.changes, needles),
            actor_label=_scrub_json(actor_label, work.strong),
            target_label=target_label,
        )
    about = _log_filter(keys, "subject_type", "subject_id") | is_user
    elsewhere = _needle_filter(["actor_label", "subject_label", "path", "purpose"], work.strong)
    for row in PersonalDataAccess.objects.filter(about | elsewhere).iterator():
        own = row.subject_id in keys.get(row.subject_type, [])
        needles = work.needles | work.strong if own else work.strong
        subject_label = _scrub_json(row.subject_label, needles)
        if own:
            subject_label = _neutral(row.subject_label, row.subject_type, row.subject_id)
        actor_label = row.actor_label
        if user is not None and row.actor_id == user.pk:
            actor_label = user_label
        PersonalDataAccess.objects.filter(pk=row.pk).update(
            subject_label=subject_label,
            path=_scrub_json(row.path, needles),
            purpose=_scrub_json(row.purpose, needles),
            actor_label=_scrub_json(actor_label, work.strong),
        )


def _erase_account(work: _Erasure, user: Any) -> None:
    """Anonymise the person's account and everything it owns, keeping accounting rows."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    work.remember([user.email, user.full_name], strong=True)
    for model, owners in _account_models():
        rows = _account_rows(user, model, owners)
        registered = [n for n in fields_of(model) if n not in owners]
        work.counts[model._meta.label_lower] = _erase_rows(work, rows, registered)
    _delete_account_secrets(user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    _delete_sessions(user)
    _delete_login_records(work)
    _delete_task_records(work)
    user.email = f"erased-{user.pk}@invalid"
    user.full_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "full_name", "is_active", "password"])


def _delete_account_secrets(user: Any) -> None:
    # The coworking card and private calendar addresses identify the holder: gone.
    for label in ("spaces.member", "spaces.calendarfeed"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        owner = "user" if label == "spaces.member" else "owner"
        model._default_manager.filter(**{owner: user}).delete()


def _delete_sessions(user: Any) -> None:
    from importlib import import_module

    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()


def _delete_login_records(work: _Erasure) -> None:
    # django-axes keeps logins and failures by username (the e-mail).
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    except ImportError:  # pragma: no cover - axes is installed
        return
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(_needle_filter(["username"], work.strong)).delete()


_TASK_RESULTS = "django_tasks_db.DBTaskResult"


def _delete_task_records(work: _Erasure) -> None:
    # Queued and finished background jobs (e-mails) keep their arguments.
    try:
        model: Any = apps.get_model(_TASK_RESULTS)
    except LookupError:  # pragma: no cover
        return
    if work.strong:
        model._default_manager.filter(
            _needle_filter(["args_kwargs", "return_value"], work.strong)
        ).delete()


def person_erase(*, actor: Any, person: Person, reason: str) -> Person:
    """Anonymise a person (Art. 17): no personal value left anywhere, programme figures unchanged.

    In one transaction: the record's inventory fields are emptied, the rows only
    about the person (languages, skills, consents, Art. 9 data, case notes,
    candidacies with their steps, stored matches) are deleted, the free texts of the pathway are blanked, the account is
    anonymised and the logs scrubbed; uploads are deleted once it commits.
    """
    pw = _pathways()
    if reason not in ErasureReason.values:
        raise ValidationError({"reason": _("Choose why the record is anonymised.")})
    work = _Erasure()
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=int(person.pk or 0))
        if locked.anonymised_at is not None:
            raise ValidationError(_("This person has already been anonymised."), code="erased")
        keys = _subject_keys(locked)
        user = get_user_model().objects.filter(pk=locked.user_id or 0).first()
        if user is not None:
            keys.update(_account_keys(user))
        enrolments = pw.Enrolment.objects.filter(person=locked)
        # Values to hunt for in the logs, before they go.
        for f in Person._meta.concrete_fields:
            if (
                f.name in fields_of(Person)
                and isinstance(f, models.CharField | models.TextField)
                and not f.choices
            ):
                work.remember(getattr(locked, f.attname), strong=f.name in _IDENTIFYING)
        work.remember(locked.full_name, strong=True)
        special = SpecialCategoryData.objects.filter(person=locked).first()
        if special is not None:
            work.remember(special.health_notes)
        for model, query in (
            (pw.StageTransition, {"enrolment__person": locked}),
            (pw.Goal, {"enrolment__person": locked}),
            (pw.Outcome, {"enrolment__person": locked}),
            (pw.FollowUp, {"outcome__enrolment__person": locked}),
            (pw.Referral, {"person": locked}),
        ):
            _erase_rows(work, model.objects.filter(**query), fields_of(model))
        for note in pw.CaseNote.objects.filter(enrolment__in=enrolments).values_list(
            "text", flat=True
        ):
            work.remember(note)
        work.counts["case_notes"] = pw.CaseNote.objects.filter(enrolment__in=enrolments).delete()[0]
        _erase_candidacies(work, locked)
        work.counts["special_category_data"] = SpecialCategoryData.objects.filter(
            person=locked
        ).delete()[0]
        work.counts["languages"] = PersonLanguage.objects.filter(person=locked).delete()[0]
        work.counts["skills"] = PersonSkill.objects.filter(person=locked).delete()[0]
        work.counts["consents"] = Consent.objects.filter(person=locked).delete()[0]
        if locked.cv:
            work.files.append((locked.cv.storage, str(locked.cv.name)))
        for f in Person._meta.concrete_fields:
            if f.name in fields_of(Person):
                setattr(locked, f.attname, _blank_value(Person, f))
        locked.anonymised_at = timezone.now()
        locked.save()
        if user is not None:
            _erase_account(work, user)
        _scrub_logs(work, keys, user)
        audit_record(
            actor=actor,
            action="person.erase",
            target=locked,
            changes={
                "deleted": dict(sorted(work.counts.items())),
                "files": len(work.files),
                "account": user is not None,
                "reason": reason,
            },
        )
        files = list(work.files)
        transaction.on_commit(lambda: _delete_files(files))
    person.refresh_from_db()
    return person


def _erase_candidacies(work: _Erasure, person: Person) -> None:
    """Delete the person's stored matches and candidacies (their steps go with them), once
    their messages and notes are remembered to scrub from the logs. Placements recorded at
    a hire live on in the pathway's outcomes, so the programme figures don't move."""
    op = _opportunities()
    candidacies = op.Candidacy.objects.filter(person=person)
    for message in candidacies.values_list("message", flat=True):
        work.remember(message)
    for note in op.CandidacyEvent.objects.filter(candidacy__person=person).values_list(
        "note", flat=True
    ):
        work.remember(note)
    work.counts["matches"] = _matching().Match.objects.filter(person=person).delete()[0]
    work.counts["candidacies"] = candidacies.count()
    candidacies.delete()


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


# --- retention -----------------------------------------------------------------------


@dataclass
class RetentionSummary:
    today: date
    cutoff: date
    anonymised: list[int] = field(default_factory=list)
    skipped_recent_account: list[int] = field(default_factory=list)
    special_data_deleted: list[int] = field(default_factory=list)
    dry_run: bool = False


def _ended_people() -> Any:
    """People not anonymised with no open pathway, annotated with their last end date."""
    pw = _pathways()
    open_pathways = pw.Enrolment.objects.filter(person=models.OuterRef("pk")).exclude(
        status__in=list(pw.ENDED_STATUSES)
    )
    base = Person.objects.filter(anonymised_at__isnull=True).exclude(models.Exists(open_pathways))
    return base.annotate(last_end=Max("enrolments__ended_on"))


def people_due_for_retention(today: date) -> tuple[list[Person], list[Person]]:
    """(to anonymise, kept because their account was used within the period)."""
    years = settings.PEOPLE_RETENTION_YEARS
    cutoff = years_before(today, years)
    cutoff_start = timezone.make_aware(datetime.combine(cutoff, datetime.min.time()))
    due = (
        _ended_people()
        .filter(Q(last_end__lt=cutoff) | Q(last_end__isnull=True, created_at__lt=cutoff_start))
        .select_related("user")
    )
    erase, keep = [], []
    for person in due.order_by("pk"):
        user = person.user
        if (
            user is not None
            and user.is_active
            and user.last_login
            and user.last_login >= cutoff_start
        ):
            keep.append(person)
        else:
            erase.append(person)
    return erase, keep


def people_apply_retention(*, today: date | None = None, dry_run: bool = False) -> RetentionSummary:
    """Anonymise people past the retention period; delete Art. 9 data past its grace period.

    A person is due when every pathway ended more than PEOPLE_RETENTION_YEARS
    ago (or, never enrolled, when registered that long ago), unless their
    account was used within that period. Health and disability data go
    SPECIAL_DATA_GRACE_DAYS after the last pathway ends.
    """
    today = today or timezone.localdate()
    summary = RetentionSummary(
        today=today,
        cutoff=years_before(today, settings.PEOPLE_RETENTION_YEARS),
        dry_run=dry_run,
    )
    erase, keep = people_due_for_retention(today)
    summary.skipped_recent_account = [p.pk for p in keep]
    grace_cutoff = today - timedelta(days=SPECIAL_DATA_GRACE_DAYS)
    special_due = (
        _ended_people()
        .filter(last_end__lt=grace_cutoff, special__isnull=False)
        .exclude(pk__in=[p.pk for p in erase])
        .order_by("pk")
    )
    summary.special_data_deleted = list(special_due.values_list("pk", flat=True))
    summary.anonymised = [p.pk for p in erase]
    if dry_run:
        return summary
    for person in erase:
        person_erase(actor=None, person=person, reason=ErasureReason.RETENTION)
    for pk in summary.special_data_deleted:
        special_data_expire(person=Person.objects.get(pk=pk))
    return summary


def special_data_expire(*, person: Person) -> None:
    """Delete a person's health and disability data at the end of its retention."""
    with transaction.atomic():
        deleted = SpecialCategoryData.objects.filter(person=person).delete()[0]
        if deleted:
            audit_record(
                actor=None,
                action="person.special_data_expire",
                target=person,
                changes={"deleted": deleted},
            )


# --- erasure requests ------------------------------------------------------------------


def coordinators_to_notify() -> list[str]:
    """The e-mail addresses of the network's coordinators (network-wide role)."""
    from lavorete.core.models import RoleAssignment
    from lavorete.core.roles import Role, ScopeKind

    return sorted(
        set(
            RoleAssignment.objects.filter(
                role=Role.COORDINATOR, scope_kind=ScopeKind.NETWORK, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def person_erasure_request(*, actor: Any, person: Person, link: str) -> int:
    """The person asks for erasure: the coordinators get an e-mail naming the record by number
    only, with a link to the erasure page. Returns how many were notified."""
    from lavorete.core.tasks import send_email

    if person.anonymised_at is not None:
        raise ValidationError(_("This record has already been anonymised."), code="erased")
    recipients = coordinators_to_notify()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="person.erasure_request",
            target=person,
            changes={"notified": len(recipients)},
        )
        subject = _("Erasure request: person #%(number)s") % {"number": person.pk}
        body = _(
            "Person #%(number)s asked for the erasure of their data (GDPR Art. 17).\n\n"
            "Review the request and, if it is due, anonymise the record here:\n%(link)s\n"
        ) % {"number": person.pk, "link": link}
        for address in recipients:
            transaction.on_commit(
                partial(send_email.enqueue, subject=subject, body=body, to=[address])
            )
    return len(recipients)
