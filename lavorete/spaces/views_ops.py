"""Back-office pages for running a space day to day: members, memberships, tier
verification, the bookings calendar and the front desk. Thin, over services and selectors."""

import datetime as dt
import os
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from lavorete.core.audit import log_personal_data_access
from lavorete.core.backoffice import BackofficeMixin, ObjectMixin, ServiceFormMixin
from lavorete.core.permissions import get_object_for_user, has_perm
from lavorete.core.timeutils import now as utc_now
from lavorete.spaces import services
from lavorete.spaces.calendar import OpeningCalendar
from lavorete.spaces.forms_ops import (
    CalendarFilterForm,
    CancelForm,
    CheckInForm,
    Decision,
    GuestForm,
    ManagerBookingForm,
    MemberFilterForm,
    MembershipChangeForm,
    MembershipEndForm,
    MembershipStartForm,
    ServiceHoursForm,
    TierDecisionForm,
    TierNoteForm,
    account_by_email,
    parse_week,
)
from lavorete.spaces.models import (
    Booking,
    BookingStatus,
    GrantStatus,
    Membership,
    Space,
    TierGrant,
)
from lavorete.spaces.permissions import (
    get_booking_for_manager,
    get_checkin_for_user,
    get_space_for_user,
    get_tier_grant_for_user,
)
from lavorete.spaces.selectors import (
    member_record,
    member_rows,
    present_now,
    space_bookings,
    space_member,
    space_members,
    space_tiers,
    verification_queue,
    verified_tier_grants,
)

PURPOSE = gettext_lazy("Running the coworking space")
MEMBER_FIELDS = ["full_name", "email", "memberships", "tier_grants", "service_hours"]
RECORD_FIELDS = [
    *MEMBER_FIELDS,
    "charges",
    "qualifications",
    "bookings",
    "checkins",
]
GRANT_FIELDS = ["member", "category", "statement", "evidence", "decision_note"]


def log_read(request: HttpRequest, subjects: Iterable[Model], fields: list[str]) -> None:
    """One access-log row per person (or tier request) whose personal data the page shows."""
    for subject in subjects:
        log_personal_data_access(
            actor=request.user,
            subject=subject,
            fields=fields,
            purpose=str(PURPOSE),
            path=request.get_full_path(),
        )


def evidence_filename(grant: TierGrant) -> str:
    """The name the member gave the document, without the random prefix of its storage path."""
    name = os.path.basename(grant.evidence.name or "")
    prefix, _sep, rest = name.partition("-")
    if rest and len(prefix) == 16 and all(c in "0123456789abcdef" for c in prefix):
        return rest
    return name


def space_today(space: Space) -> dt.date:
    return utc_now().astimezone(space.zone).date()


class SpaceMixin(ObjectMixin):
    """The space of the URL, reached with the view's permission: 404 outside scope, 403 without it."""

    permission: str | None
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_object(self) -> Space:
        return get_space_for_user(self.request.user, self.kwargs["pk"], perm=self.permission or "")

    @property
    def space(self) -> Space:
        return self.object

    def can(self, perm: str) -> bool:
        return has_perm(self.request.user, perm, self.space)


class SpaceFormView(BackofficeMixin, SpaceMixin, ServiceFormMixin, FormView):
    """A form of a space's back office whose valid input goes to a service."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(space=self.space, **kwargs)


# --- members ---------------------------------------------------------------------


class MemberListView(BackofficeMixin, SpaceMixin, ListView):
    permission = "spaces.view_members"
    template_name = "spaces/ops/member_list.html"
    context_object_name = "members"
    paginate_by = 25

    def filter_form(self) -> MemberFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = MemberFilterForm(
                self.request.GET, plans=self.space.plans.order_by("name")
            )
        return self._filter_form

    def get_queryset(self) -> Any:
        today = space_today(self.space)
        return space_members(self.space, today=today, **self.filter_form().filters())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        members = list(context["members"])
        log_read(self.request, members, MEMBER_FIELDS)
        context.update(
            space=self.space,
            filter_form=self.filter_form(),
            rows=member_rows(self.space, members, space_today(self.space)),
            today=space_today(self.space),
            can_manage=self.can("spaces.manage_members"),
        )
        return context


class MemberMixin(SpaceMixin):
    """The space, and a person who has something to do with it (404 otherwise)."""

    def get_object(self) -> Space:
        space = super().get_object()
        self.member = space_member(space, self.kwargs["user_pk"])
        if self.member is None:
            raise Http404
        return space


class MemberDetailView(BackofficeMixin, MemberMixin, TemplateView):
    permission = "spaces.view_members"
    template_name = "spaces/ops/member_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        space, member = self.space, self.member
        log_read(self.request, [member], RECORD_FIELDS)
        can_manage = self.can("spaces.manage_members")
        return super().get_context_data(
            space=space,
            member=member,
            record=member_record(space, member),
            balance=services.service_hours_balance(member, space),
            can_manage=can_manage,
            today=space_today(space),
            hours_form=ServiceHoursForm(initial={"day": space_today(space)})
            if can_manage
            else None,
            **kwargs,
        )


class ServiceHoursRecordView(MemberMixin, SpaceFormView):
    permission = "spaces.manage_members"
    template_name = "spaces/ops/service_hours_form.html"
    form_class = ServiceHoursForm
    success_message = gettext_lazy("Community-service hours recorded.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        log_read(request, [self.member], ["full_name", "email", "service_hours"])
        return super().get(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"day": space_today(self.space)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            member=self.member,
            balance=services.service_hours_balance(self.member, self.space),
            **kwargs,
        )

    def run_service(self, form: ServiceHoursForm) -> Model:
        return services.service_hours_record(
            actor=self.request.user, member=self.member, space=self.space, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("spaces:member_detail", args=[self.space.pk, self.member.pk])


# --- memberships -----------------------------------------------------------------


class MembershipStartView(SpaceFormView):
    permission = "spaces.manage_members"
    template_name = "spaces/ops/membership_start.html"
    form_class = MembershipStartForm
    success_message = gettext_lazy("Membership started.")

    def prefilled_member(self) -> Any:
        """The member named by ?member=<e-mail>, when the page is opened from their record."""
        email = self.request.GET.get("member", "")
        if not email or len(email) > 254:
            return None
        try:
            return account_by_email(email)
        except ValidationError:
            return None

    def get_initial(self) -> dict[str, Any]:
        member = self.prefilled_member()
        initial: dict[str, Any] = {"starts_on": space_today(self.space)}
        if member is not None:
            initial["member"] = member.email
        return initial

    def get_form_kwargs(self) -> dict[str, Any]:
        member = self.prefilled_member() if self.request.method == "GET" else None
        return {
            **super().get_form_kwargs(),
            "plans": self.space.plans.filter(is_active=True).order_by("name"),
            "tier_grants": verified_tier_grants(self.space, member),
        }

    def run_service(self, form: MembershipStartForm) -> Model:
        return services.membership_start(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("spaces:member_detail", args=[self.space.pk, self.saved.member_id])  # type: ignore[attr-defined]


class MembershipMixin(SpaceMixin):
    """The space, and one of its memberships (404 for a membership of another space)."""

    def get_object(self) -> Space:
        space = super().get_object()
        self.membership = get_object_for_user(
            self.request.user,
            Membership.objects.select_related("plan__space", "member", "tier_grant__tier"),
            self.kwargs["membership_pk"],
            view_perm="spaces.view_members",
            perm=self.permission,
        )
        if self.membership.plan.space_id != space.pk:
            raise Http404
        return space


class MembershipChangeView(MembershipMixin, SpaceFormView):
    permission = "spaces.manage_members"
    template_name = "spaces/ops/membership_change.html"
    form_class = MembershipChangeForm
    success_message = gettext_lazy("Plan changed.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "plans": self.space.plans.filter(is_active=True).order_by("name"),
            "membership": self.membership,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(membership=self.membership, **kwargs)

    def run_service(self, form: MembershipChangeForm) -> Model:
        return services.membership_change_plan(
            actor=self.request.user, membership=self.membership, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("spaces:member_detail", args=[self.space.pk, self.membership.member_id])


class MembershipEndView(MembershipMixin, SpaceFormView):
    permission = "spaces.manage_members"
    template_name = "spaces/ops/membership_end.html"
    form_class = MembershipEndForm
    success_message = gettext_lazy("Membership ended.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(membership=self.membership, **kwargs)

    def run_service(self, form: MembershipEndForm) -> Model:
        return services.membership_end(
            actor=self.request.user, membership=self.membership, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("spaces:member_detail", args=[self.space.pk, self.membership.member_id])


# --- tier requests ---------------------------------------------------------------


class VerificationQueueView(BackofficeMixin, ListView):
    permission = "spaces.verify_tier"
    template_name = "spaces/ops/verification_queue.html"
    context_object_name = "grants"
    paginate_by = 25

    def get_queryset(self) -> Any:
        return verification_queue(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        log_read(self.request, context["grants"], ["member", "category"])
        return context


class TierGrantMixin(ObjectMixin):
    """A tier request, for those who may decide it (space staff, the funding programme's operators)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_object(self) -> TierGrant:
        return get_tier_grant_for_user(self.request.user, self.kwargs["pk"])

    @property
    def grant(self) -> TierGrant:
        return self.object

    def grant_context(self) -> dict[str, Any]:
        grant = self.grant
        space = grant.tier.space
        return {
            "grant": grant,
            "tier": space_tiers(space, space_today(space))
            .filter(pk=grant.tier_id)
            .select_related("space")
            .first(),
            "evidence_name": evidence_filename(grant),
        }


class TierGrantDetailView(BackofficeMixin, TierGrantMixin, TemplateView):
    permission = "spaces.verify_tier"
    template_name = "spaces/ops/tier_grant_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        log_read(self.request, [self.grant], GRANT_FIELDS)
        status = self.grant.status
        return super().get_context_data(
            **self.grant_context(),
            decision_form=TierDecisionForm() if status == GrantStatus.REQUESTED else None,
            revoke_form=TierNoteForm() if status == GrantStatus.VERIFIED else None,
            **kwargs,
        )


class TierDecideView(BackofficeMixin, TierGrantMixin, ServiceFormMixin, FormView):
    """Verify (saying how) or reject (saying why) a tier request."""

    permission = "spaces.verify_tier"
    template_name = "spaces/ops/tier_decide.html"
    form_class = TierDecisionForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        log_read(request, [self.grant], GRANT_FIELDS)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.grant_context(), **kwargs)

    def run_service(self, form: TierDecisionForm) -> Model:
        data = form.cleaned_data
        if data["decision"] == Decision.VERIFY:
            grant = services.tier_verify(
                actor=self.request.user, grant=self.grant, method=data["method"], note=data["note"]
            )
            self.success_message = _("Tier verified for %(name)s until %(day)s.") % {
                "name": grant.member,
                "day": grant.expires_on.isoformat() if grant.expires_on else "",
            }
            return grant
        grant = services.tier_reject(actor=self.request.user, grant=self.grant, note=data["note"])
        self.success_message = _("Request rejected.")
        return grant

    def get_success_url(self) -> str:
        return reverse("spaces:verification_queue")


class TierRevokeView(BackofficeMixin, TierGrantMixin, ServiceFormMixin, FormView):
    permission = "spaces.verify_tier"
    template_name = "spaces/ops/tier_revoke.html"
    form_class = TierNoteForm
    success_message = gettext_lazy("Tier revoked.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        log_read(request, [self.grant], GRANT_FIELDS)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.grant_context(), **kwargs)

    def run_service(self, form: TierNoteForm) -> Model:
        return services.tier_revoke(
            actor=self.request.user, grant=self.grant, note=form.cleaned_data["note"]
        )

    def get_success_url(self) -> str:
        return reverse("spaces:tier_grant_detail", args=[self.grant.pk])


class TierEvidenceView(BackofficeMixin, TierGrantMixin, View):
    """The member's supporting document, as a download, to those who may decide the request."""

    permission = "spaces.verify_tier"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        evidence = self.grant.evidence
        if not evidence:
            raise Http404
        try:
            handle = evidence.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        log_read(request, [self.grant], ["evidence"])
        response = FileResponse(handle, as_attachment=True, filename=evidence_filename(self.grant))
        response["Cache-Control"] = "private, no-store"
        return response


# --- bookings --------------------------------------------------------------------


class BookingCalendarView(BackofficeMixin, SpaceMixin, TemplateView):
    """A week of bookings: one row per resource, one column per day."""

    permission = "spaces.view_members"
    template_name = "spaces/ops/booking_calendar.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        space = self.space
        today = space_today(space)
        monday = parse_week(self.request.GET.get("week"), today)
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        resources = space.resources.order_by("kind", "name")
        filter_form = CalendarFilterForm(self.request.GET, resources=resources)
        chosen = filter_form.chosen_resource()
        shown = [chosen] if chosen else list(resources)
        bookings = space_bookings(space, days[0], days[-1])
        if chosen:
            bookings = bookings.filter(resource=chosen)
        cells: dict[tuple[int, dt.date], list[Booking]] = {}
        for booking in bookings:
            cells.setdefault((booking.resource_id, booking.local_date), []).append(booking)
        rows = [
            {"resource": r, "cells": [cells.get((r.pk, day), []) for day in days]} for r in shown
        ]
        calendar = OpeningCalendar.for_space(space)
        closed = {
            "closure": _("closed"),
            "holiday": _("public holiday"),
            "weekday": _("closed"),
        }
        headers = [
            {"day": day, "closed": closed.get(calendar.closed_reason(day) or "", "")}
            for day in days
        ]
        return super().get_context_data(
            space=space,
            days=days,
            headers=headers,
            today=today,
            rows=rows,
            filter_form=filter_form,
            week=monday,
            previous_week=parse_week((monday - dt.timedelta(days=7)).isoformat(), today),
            next_week=parse_week((monday + dt.timedelta(days=7)).isoformat(), today),
            chosen=chosen,
            can_manage=self.can("spaces.manage_members"),
            **kwargs,
        )


class ManagerBookingCreateView(SpaceFormView):
    """Book on behalf of a member: once, or daily/weekly (all dates or none)."""

    permission = "spaces.manage_members"
    template_name = "spaces/ops/booking_form.html"
    form_class = ManagerBookingForm

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "idempotency_key": uuid.uuid4().hex,
            "day": space_today(self.space),
            "member": self.request.GET.get("member", "")[:254],
        }
        resource = self.request.GET.get("resource", "")
        if resource.isdigit():
            initial["resource"] = resource
        return initial

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "resources": self.space.resources.filter(is_active=True).order_by("kind", "name"),
        }

    def run_service(self, form: ManagerBookingForm) -> Model:
        data = form.cleaned_data
        self.week = data["day"]
        if data["frequency"]:
            series = services.booking_series_create(
                actor=self.request.user,
                member=data["member"],
                resource=data["resource"],
                frequency=data["frequency"],
                first_day=data["day"],
                last_day=data["until"],
                start=data["start"],
                end=data["end"],
                exceptions=data["exceptions"],
                idempotency_key=data["idempotency_key"],
            )
            self.success_message = _("%(count)d bookings made for %(name)s.") % {
                "count": series.bookings.count(),
                "name": data["member"],
            }
            return series
        starts_at, ends_at = services.local_slot(
            self.space, data["day"], data["start"], data["end"]
        )
        booking = services.booking_create(
            actor=self.request.user,
            member=data["member"],
            resource=data["resource"],
            starts_at=starts_at,
            ends_at=ends_at,
            idempotency_key=data["idempotency_key"],
        )
        self.success_message = _("Booking made for %(name)s.") % {"name": data["member"]}
        return booking

    def get_success_url(self) -> str:
        url = reverse("spaces:booking_calendar", args=[self.space.pk])
        return f"{url}?week={self.week.isoformat()}"


class ManagerBookingCancelView(SpaceFormView):
    permission = "spaces.manage_members"
    template_name = "spaces/ops/booking_cancel.html"
    form_class = CancelForm
    success_message = gettext_lazy("Booking cancelled.")

    def get_object(self) -> Space:
        space = super().get_object()
        self.booking = get_booking_for_manager(
            self.request.user, self.kwargs["booking_pk"], perm=self.permission or ""
        )
        if self.booking.space_id != space.pk:
            raise Http404
        return space

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            booking=self.booking,
            is_active=self.booking.status == BookingStatus.ACTIVE,
            **kwargs,
        )

    def run_service(self, form: CancelForm) -> Model:
        return services.booking_cancel(
            actor=self.request.user,
            booking=self.booking,
            reason=form.cleaned_data["reason"],
            as_manager=True,
        )

    def get_success_url(self) -> str:
        url = reverse("spaces:booking_calendar", args=[self.space.pk])
        return f"{url}?week={self.booking.local_date.isoformat()}"


# --- front desk ------------------------------------------------------------------


def _hosts(space: Space) -> Any:
    """Members present now, who may sign in a guest."""
    present = present_now(space).filter(member__isnull=False).values("member_id")
    return get_user_model().objects.filter(pk__in=present).order_by("full_name", "email")


class FrontdeskView(SpaceFormView):
    """Who is in, today's bookings, and checking members in by e-mail or card code."""

    permission = "spaces.checkin"
    template_name = "spaces/ops/frontdesk.html"
    form_class = CheckInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        space = self.space
        present = list(present_now(space))
        present_ids = {c.member_id for c in present if c.member_id}
        bookings = space_bookings(space, space_today(space), space_today(space)).filter(
            status=BookingStatus.ACTIVE
        )
        return super().get_context_data(
            today=space_today(space),
            present=present,
            present_ids=present_ids,
            bookings=bookings,
            guest_form=GuestForm(hosts=_hosts(space), auto_id="id_guest_%s"),
            can_view_members=self.can("spaces.view_members"),
            **kwargs,
        )

    def run_service(self, form: CheckInForm) -> Model:
        member = form.cleaned_data["who"]
        checkin = services.checkin_member(
            actor=self.request.user, space=self.space, member=member, via="desk"
        )
        self.success_message = _("%(name)s checked in.") % {"name": member}
        return checkin

    def get_success_url(self) -> str:
        return reverse("spaces:frontdesk", args=[self.space.pk])


class GuestCheckinView(SpaceFormView):
    permission = "spaces.checkin"
    template_name = "spaces/ops/guest_form.html"
    form_class = GuestForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "hosts": _hosts(self.space)}

    def run_service(self, form: GuestForm) -> Model:
        data = form.cleaned_data
        checkin = services.guest_checkin(
            host=data["host"],
            space=self.space,
            guest_name=data["guest_name"],
            actor=self.request.user,
        )
        self.success_message = _("%(guest)s signed in as a guest of %(host)s.") % {
            "guest": checkin.guest_name,
            "host": data["host"],
        }
        return checkin

    def get_success_url(self) -> str:
        return reverse("spaces:frontdesk", args=[self.space.pk])


class CheckoutView(BackofficeMixin, SpaceMixin, View):
    """POST: sign a member (and their guests) or a guest out."""

    permission = "spaces.checkin"

    def get_object(self) -> Space:
        space = super().get_object()
        self.checkin = get_checkin_for_user(self.request.user, self.kwargs["checkin_pk"])
        if self.checkin.space_id != space.pk:
            raise Http404
        return space

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.checkout(actor=request.user, checkin=self.checkin)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s checked out.") % {"name": self.checkin})
        return HttpResponseRedirect(reverse("spaces:frontdesk", args=[self.space.pk]))
