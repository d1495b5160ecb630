"""Reads of pathways, always filtered by what the user may see.

The caseload is one query for the page whatever the number of people (plus
the count), with the open follow-ups and the last activity computed in SQL.
A person's timeline is a list of entries built by one small function per
source, each a single query, merged and sorted by date: later domains
(courses, candidacies) add their own source function to TIMELINE_SOURCES.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lavorete.core.permissions import has_perm
from lavorete.core.timeutils import make_local
from lavorete.network.models import Programme
from lavorete.pathways.models import (
    CATEGORY_FIELDS,
    Attendance,
    CaseNote,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Goal,
    GoalStatus,
    Outcome,
    Referral,
    ReferralStatus,
    Stage,
    StageTransition,
)
from lavorete.pathways.permissions import programme_ids_for
from lavorete.people.models import Person

CASELOAD_PAGE_SIZE = 50
# Categories the caseload may be filtered by: never a special category (Art. 9).
CASELOAD_CATEGORIES = [c for c in CATEGORY_FIELDS if c != "disability"]


def enrolments_for_user(user: Any, perm: str = "pathways.view_enrolment") -> QuerySet[Enrolment]:
    """The enrolments of the programmes where `user` holds `perm`."""
    ids = programme_ids_for(user, perm)
    enrolments = Enrolment.objects.all()
    return enrolments if ids is None else enrolments.filter(programme_id__in=ids)


class CaseloadQuerySet(QuerySet[Enrolment]):
    """The caseload's rows: people not anonymised, by name; counted without reading people.

    Counting through the join with people costs as much as reading them all;
    the enrolments are counted on their own, less the few whose person was
    anonymised (found through the partial index on anonymised_at).
    """

    unfiltered: "QuerySet[Enrolment] | None" = None

    @classmethod
    def of(cls, rows: QuerySet[Enrolment]) -> "QuerySet[Enrolment]":
        caseload = cls(model=Enrolment, query=rows.query.chain(), using=rows.db)
        caseload.unfiltered = rows
        return (
            caseload.filter(person__anonymised_at__isnull=True)
            .only("pk")
            .order_by("person__last_name", "person__first_name", "pk")
        )

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]
        clone.unfiltered = self.unfiltered
        return clone

    def count(self) -> int:
        unfiltered = self.unfiltered
        if unfiltered is None or self.query.is_sliced:
            return super().count()
        return unfiltered.count() - unfiltered.filter(person__anonymised_at__isnull=False).count()


def caseload(
    user: Any,
    *,
    programme: int | None = None,
    stage: int | None = None,
    status: str = "",
    tutor: Any = None,
    category: str = "",
    municipality: int | None = None,
    q: str = "",
) -> "QuerySet[Enrolment] | list[Enrolment]":
    """The operator's caseload: enrolments of their programmes, filtered and ordered by name.

    Only the keys are read here: a page of them is loaded with `caseload_rows`, so
    the per-row figures are computed for the 50 rows shown, not for every row
    skipped on the way to a deep page. A search that finds a few thousand people
    at most is answered as a list sorted here, without joining people again.
    """
    rows = enrolments_for_user(user)
    if programme:
        rows = rows.filter(programme_id=programme)
    if stage:
        rows = rows.filter(stage_id=stage)
    if status:
        rows = rows.filter(status=status)
    if tutor is not None:
        rows = rows.filter(tutor=tutor)
    if category in CASELOAD_CATEGORIES:
        rows = rows.filter(**{CATEGORY_FIELDS[category]: True})
    if municipality:
        rows = rows.filter(person__residence_id=municipality)
    if q.split():
        found = _search_people(q)
        if isinstance(found, dict):
            return _sorted_by_name(rows, found)
        rows = rows.filter(person_id__in=found)
    return CaseloadQuerySet.of(rows)


def _sorted_by_name(rows: QuerySet[Enrolment], names: dict[int, tuple[str, str]]) -> Any:
    """The enrolments of the people found, sorted here by name: a list the page slices."""
    found = rows.filter(person_id__in=list(names)).values_list("pk", "person_id")
    ordered = sorted(found, key=lambda row: (*names[row[1]], row[0]))
    return [Enrolment(pk=pk) for pk, _person in ordered]


# Up to this many people found by a search are passed on as a list of keys.
SEARCH_KEYS_LIMIT = 2000


def _search_people(q: str) -> Any:
    """The people whose first or last name, e-mail or codice fiscale begins with each word of `q`.

    Found first on their own (by the prefix indexes of people.0002), with their
    names for sorting: joined with the ordering by name, the planner would rather
    walk every person in name order looking for matches. Too many: a subquery.
    """
    matches = Person.objects.filter(anonymised_at__isnull=True)
    for term in q.split()[:5]:
        matches = matches.filter(
            Q(last_name__istartswith=term)
            | Q(first_name__istartswith=term)
            | Q(email__istartswith=term)
            | Q(tax_code__istartswith=term)
        )
    found = matches.order_by().values_list("pk", "last_name", "first_name")
    names = {
        pk: (last.casefold(), first.casefold())
        for pk, last, first in found[: SEARCH_KEYS_LIMIT + 1]
    }
    return names if len(names) <= SEARCH_KEYS_LIMIT else matches.values("pk")


def caseload_rows(pks: list[int]) -> list[Enrolment]:
    """The caseload rows `pks` (in that order), with their open follow-ups and last activity."""
    open_follow_ups = (
        FollowUp.objects.filter(outcome__enrolment=OuterRef("pk"), done_at__isnull=True)
        .order_by()
        .values("outcome__enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_move = (
        StageTransition.objects.filter(enrolment=OuterRef("pk")).order_by("-at").values("at")[:1]
    )
    last_service = (
        Attendance.objects.filter(enrolment=OuterRef("pk"))
        .order_by("-delivery__created_at")
        .values("delivery__created_at")[:1]
    )
    moved = Subquery(last_move, output_field=DateTimeField())
    rows = (
        Enrolment.objects.filter(pk__in=pks)
        .select_related("person", "programme", "stage", "tutor")
        .annotate(
            open_follow_ups=Coalesce(
                Subquery(open_follow_ups, output_field=IntegerField()), Value(0)
            ),
            last_activity=Greatest(
                Coalesce(moved, "created_at"),
                Coalesce(Subquery(last_service, output_field=DateTimeField()), moved, "created_at"),
            ),
        )
    )
    order = {pk: index for index, pk in enumerate(pks)}
    return sorted(rows, key=lambda row: order[row.pk])


def person_enrolments(user: Any, person: Person) -> list[Enrolment]:
    """The person's enrolments in the programmes the user may see."""
    return list(
        enrolments_for_user(user)
        .filter(person=person)
        .select_related("programme", "stage", "tutor")
        .order_by("-enrolled_on", "pk")
    )


def stages_of(programme_ids: Iterable[int]) -> list[Stage]:
    return list(
        Stage.objects.filter(programme_id__in=list(programme_ids))
        .select_related("programme")
        .order_by("programme__name", "position")
    )


def tutors_for(programme_ids: Iterable[int]) -> QuerySet[Any]:
    """Users who may follow people of these programmes: their operators."""
    from lavorete.core.models import User
    from lavorete.core.roles import Role, ScopeKind

    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.OPERATOR,
            role_assignments__scope_kind=ScopeKind.PROGRAMME,
            role_assignments__scope_id__in=list(programme_ids),
        )
        .distinct()
        .order_by("full_name", "email")
    )


def follow_ups_for(user: Any) -> QuerySet[FollowUp]:
    """Open follow-ups assigned to the user, overdue first, in programmes they still work in."""
    ids = programme_ids_for(user, "pathways.record_outcome")
    rows = FollowUp.objects.filter(
        assigned_to=user,
        done_at__isnull=True,
        outcome__enrolment__person__anonymised_at__isnull=True,
    )
    if ids is not None:
        rows = rows.filter(outcome__enrolment__programme_id__in=ids)
    return rows.select_related(
        "outcome__enrolment__person", "outcome__enrolment__programme"
    ).order_by("due_on", "pk")


def referrals_inbox(user: Any) -> QuerySet[Referral]:
    """Referrals waiting for a decision in the programmes where the user takes people in."""
    ids = programme_ids_for(user, "pathways.manage_enrolment")
    rows = Referral.objects.filter(status=ReferralStatus.PROPOSED)
    if ids is not None:
        rows = rows.filter(to_programme_id__in=ids)
    return rows.select_related(
        "person", "from_enrolment__programme", "to_programme", "to_organisation"
    ).order_by("created_at", "pk")


def referrals_sent(user: Any) -> QuerySet[Referral]:
    """Referrals made from the user's programmes, most recent first."""
    ids = programme_ids_for(user, "pathways.refer")
    rows = Referral.objects.all()
    if ids is not None:
        rows = rows.filter(from_enrolment__programme_id__in=ids)
    return rows.select_related(
        "person", "from_enrolment__programme", "to_programme", "to_organisation"
    ).order_by("-created_at", "-pk")[:100]


# --- the timeline of one person ---------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: dt.datetime
    title: str
    detail: str = ""
    programme: str = ""
    url: str = ""


def _day(day: dt.date) -> dt.datetime:
    return make_local(day, dt.time(12))


def _transitions(enrolments: list[Enrolment]) -> Iterable[TimelineEntry]:
    names = {e.pk: e.programme.name for e in enrolments}
    for t in (
        StageTransition.objects.filter(enrolment__in=enrolments)
        .select_related("from_stage", "to_stage", "by")
        .order_by("at", "pk")
    ):
        if t.from_status == "" and t.from_stage_id is None:
            title = _("Enrolled")
        elif t.from_status != t.to_status:
            title = _("Status: %(status)s") % {"status": EnrolmentStatus(t.to_status).label}
        else:
            title = _("Moved to %(stage)s") % {"stage": t.to_stage}
        detail = t.reason
        if t.by is not None:
            detail = f"{detail} ({t.by})" if detail else str(t.by)
        yield TimelineEntry("stage", t.at, str(title), detail, names[t.enrolment_id])


def _services(enrolments: list[Enrolment]) -> Iterable[TimelineEntry]:
    names = {e.pk: e.programme.name for e in enrolments}
    for a in (
        Attendance.objects.filter(enrolment__in=enrolments)
        .select_related("delivery")
        .order_by("delivery__held_on", "pk")
    ):
        d = a.delivery
        title = d.title or d.get_kind_display()
        state = _("attended") if a.present else _("did not attend")
        detail = _("%(mode)s, %(minutes)s minutes, %(state)s") % {
            "mode": d.get_mode_display(),
            "minutes": d.duration_minutes,
            "state": state,
        }
        yield TimelineEntry(
            "service", _day(d.held_on), str(title), str(detail), names[a.enrolment_id]
        )


def _notes(enrolments: list[Enrolment]) -> Iterable[TimelineEntry]:
    names = {e.pk: e.programme.name for e in enrolments}
    for n in CaseNote.objects.filter(enrolment__in=enrolments).select_related("author"):
        title = _("Case note by %(author)s") % {"author": n.author or _("a former operator")}
        yield TimelineEntry("note", n.created_at, str(title), n.text, names[n.enrolment_id])


def _goals(enrolments: list[Enrolment]) -> Iterable[TimelineEntry]:
    names = {e.pk: e.programme.name for e in enrolments}
    for g in Goal.objects.filter(enrolment__in=enrolments):
        yield TimelineEntry(
            "goal",
            g.created_at,
            str(_("Goal: %(title)s") % {"title": g.title}),
            str(g.get_status_display()),
            names[g.enrolment_id],
        )
        if g.closed_on and g.status != GoalStatus.OPEN:
            yield TimelineEntry(
                "goal",
                _day(g.closed_on),
                str(
                    _("Goal %(status)s: %(title)s")
                    % {"status": g.get_status_display(), "title": g.title}
                ),
                g.person_comment,
                names[g.enrolment_id],
            )


def _outcomes(enrolments: list[Enrolment]) -> Iterable[TimelineEntry]:
    names = {e.pk: e.programme.name for e in enrolments}
    for o in Outcome.objects.filter(enrolment__in=enrolments).select_related("employer"):
        employer = o.employer.name if o.employer else o.employer_name
        parts = [p for p in (employer, o.get_contract_type_display(), o.description) if p]
        yield TimelineEntry(
            "outcome",
            _day(o.start_date),
            str(o.get_kind_display()),
            " · ".join(parts),
            names[o.enrolment_id],
        )


def _follow_ups(enrolments: list[Enrolment]) -> Iterable[TimelineEntry]:
    names = {e.pk: e.programme.name for e in enrolments}
    for f in FollowUp.objects.filter(outcome__enrolment__in=enrolments).select_related("outcome"):
        if f.done_at is None:
            detail = _("due on %(day)s") % {"day": date_format(f.due_on, "SHORT_DATE_FORMAT")}
            at = _day(f.due_on)
        else:
            detail = _("still in work") if f.still_in_work else _("no longer in work")
            at = f.done_at
        yield TimelineEntry("follow_up", at, str(f), str(detail), names[f.outcome.enrolment_id])


def _referrals(enrolments: list[Enrolment]) -> Iterable[TimelineEntry]:
    names = {e.pk: e.programme.name for e in enrolments}
    for r in Referral.objects.filter(from_enrolment__in=enrolments).select_related(
        "to_programme", "to_organisation"
    ):
        title = _("Referred to %(programme)s (%(organisation)s)") % {
            "programme": r.to_programme.name,
            "organisation": r.to_organisation.name,
        }
        yield TimelineEntry(
            "referral",
            r.created_at,
            str(title),
            str(r.get_status_display()),
            names[r.from_enrolment_id],
        )


def _bookings(person: Person) -> Iterable[TimelineEntry]:
    """The person's coworking bookings, when they have an account (read-only)."""
    if person.user_id is None:
        return
    from lavorete.spaces.models import Booking, BookingStatus

    for b in (
        Booking.objects.filter(member_id=person.user_id, status=BookingStatus.ACTIVE)
        .select_related("resource", "space")
        .order_by("-starts_at")[:50]
    ):
        title = _("Booked %(resource)s") % {"resource": b.resource.name}
        yield TimelineEntry("booking", b.starts_at, str(title), b.space.name)


Source = Callable[[list[Enrolment]], Iterable[TimelineEntry]]
TIMELINE_SOURCES: list[Source] = [
    _transitions,
    _services,
    _goals,
    _outcomes,
    _follow_ups,
    _referrals,
]


def person_timeline(
    person: Person, enrolments: list[Enrolment], *, notes_of: Iterable[Enrolment] = ()
) -> list[TimelineEntry]:
    """Everything that happened in the person's pathways, newest first.

    `enrolments` are those the viewer may see; case notes come only from
    `notes_of`, the enrolments whose notes the viewer may read.
    """
    entries: list[TimelineEntry] = []
    if enrolments:
        for source in TIMELINE_SOURCES:
            entries.extend(source(enrolments))
    notes_of = list(notes_of)
    if notes_of:
        entries.extend(_notes(notes_of))
    entries.extend(_bookings(person))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def own_timeline(person: Person, enrolments: list[Enrolment]) -> list[TimelineEntry]:
    """The person's own view of their pathways: stages and statuses, services, goals, outcomes."""
    entries: list[TimelineEntry] = []
    for source in (_transitions, _services, _goals, _outcomes):
        entries.extend(source(enrolments))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def notes_readable(user: Any, enrolments: Iterable[Enrolment]) -> list[Enrolment]:
    """The enrolments whose case notes `user` may read (the programme's operators only)."""
    return [e for e in enrolments if has_perm(user, "pathways.view_case_notes", e)]


def own_enrolments(user: Any) -> list[Enrolment]:
    """The logged-in person's enrolments, with programme and stage."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Enrolment.objects.filter(person__user=user, person__anonymised_at__isnull=True)
        .select_related("programme", "stage", "tutor", "person")
        .prefetch_related("goals")
        .order_by("-enrolled_on", "pk")
    )


def programme_stage_counts(programme: Programme) -> dict[int, int]:
    """How many enrolments sit in each stage of the programme."""
    return dict(
        Enrolment.objects.filter(programme=programme, stage__isnull=False)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )


def today() -> dt.date:
    return timezone.localdate()
