"""The network's public pages, the members' self-service, the kiosk and the iCal feeds.

Thin views over the services and selectors: any logged-in user is a potential
member, so self-service needs only a login; the public pages show only spaces
that are public.
"""

import datetime as dt
import hmac
import mimetypes
import secrets
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from lavorete.core.backoffice import BackofficeMixin
from lavorete.core.forms import add_service_errors
from lavorete.core.permissions import has_perm
from lavorete.core.timeutils import now as utc_now
from lavorete.spaces import services
from lavorete.spaces.calendar import OpeningCalendar
from lavorete.spaces.feeds import calendar_for, feed_for_token
from lavorete.spaces.forms_member import (
    CancelForm,
    ConfirmForm,
    DayForm,
    GuestForm,
    KioskForm,
    NetworkFilterForm,
    SlotForm,
    TierRequestForm,
)
from lavorete.spaces.models import (
    WEEKDAYS,
    BookingStatus,
    CalendarFeed,
    Charge,
    CheckIn,
    EligibleCategory,
    Frequency,
    Member,
    Plan,
    QualificationGrant,
    Resource,
    ResourceKind,
    Space,
    SpacePhoto,
    SpaceStatus,
)
from lavorete.spaces.permissions import get_own_booking, get_public_space, get_resource_for_user
from lavorete.spaces.selectors import (
    availability,
    member_bookings,
    member_memberships,
    member_tier_grants,
    public_spaces,
)
from lavorete.territory.models import Municipality

KIND_LABELS = dict(ResourceKind.choices)
CATEGORY_LABELS = dict(EligibleCategory.choices)
PHOTO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
PAST_PAGE_SIZE = 20


# --- this area's one write besides the services: the kiosk card ------------------


def member_card(user: Any) -> Member:
    """The member's kiosk card, created on first need (a member gets one with a plan, too)."""
    card = Member.objects.filter(user=user).first()
    if card is not None:
        return card
    try:
        with transaction.atomic():
            return Member.objects.create(user=user)
    except IntegrityError:
        # Created by a concurrent request (or, very rarely, a code collision: retry once).
        card = Member.objects.filter(user=user).first()
        if card is not None:
            return card
        with transaction.atomic():
            return Member.objects.create(user=user)


# --- helpers -------------------------------------------------------------------------


def _local_today(space: Space) -> dt.date:
    return utc_now().astimezone(space.zone).date()


def _bookable_resources(space: Space) -> QuerySet[Resource]:
    return (
        space.resources.filter(is_active=True)
        .select_related("qualification")
        .order_by("kind", "name")
    )


def _funder(obj: Any) -> Any:
    return obj.funder_organisation or obj.funder_programme


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    return response


# --- public pages --------------------------------------------------------------------


class NetworkView(TemplateView):
    """Every public space of the network on one page, with filters."""

    template_name = "spaces/member/network.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        municipalities = Municipality.objects.filter(
            pk__in=Space.objects.filter(is_public=True)
            .exclude(status=SpaceStatus.CLOSED)
            .values("municipality_id")
        ).order_by("name")
        form = NetworkFilterForm(self.request.GET or None, municipalities=municipalities)
        spaces = public_spaces(**form.filters()) if form.is_bound else public_spaces()
        cards = []
        for space in spaces:
            kinds = sorted({r.kind for r in space.resources.all()}, key=list(KIND_LABELS).index)
            photos = list(space.photos.all())
            cards.append(
                {
                    "space": space,
                    "photo": photos[0] if photos else None,
                    "kinds": [KIND_LABELS[k] for k in kinds],
                }
            )
        return super().get_context_data(filter_form=form, cards=cards, **kwargs)


class PublicSpaceView(TemplateView):
    template_name = "spaces/member/space_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        space = get_public_space(self.kwargs["slug"])
        today = _local_today(space)
        by_day: dict[int, list[Any]] = {}
        for row in space.opening_hours.all():
            by_day.setdefault(row.weekday, []).append(row)
        week = [(label, by_day.get(number, [])) for number, label in WEEKDAYS]
        plans = list(space.plans.filter(is_active=True))
        network_plans = list(
            Plan.objects.filter(network_wide=True, is_active=True)
            .exclude(space=space)
            .select_related("space")
        )
        tiers = [
            {
                "tier": tier,
                "categories": [CATEGORY_LABELS.get(c, c) for c in tier.categories],
                "funder": _funder(tier),
            }
            for tier in space.tiers.filter(is_active=True).select_related(
                "funder_organisation", "funder_programme"
            )
        ]
        return super().get_context_data(
            space=space,
            photos=list(space.photos.all()),
            week=week,
            closures=list(space.closures.filter(ends_on__gte=today)),
            resources=list(_bookable_resources(space)),
            plans=[(p, [KIND_LABELS.get(k, k) for k in p.covers]) for p in plans],
            network_plans=[(p, [KIND_LABELS.get(k, k) for k in p.covers]) for p in network_plans],
            tiers=tiers,
            can_book=space.status != SpaceStatus.CLOSED,
            **kwargs,
        )


class PhotoView(View):
    """A space's photo: anyone's for a public space, only its staff's otherwise."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        photo = SpacePhoto.objects.select_related("space").filter(pk=kwargs["pk"]).first()
        if photo is None:
            raise Http404
        public = photo.space.is_public
        if not public and not has_perm(request.user, "spaces.view_space", photo.space):
            raise Http404
        name = photo.image.name or ""
        content_type = PHOTO_TYPES.get(name.rsplit(".", 1)[-1].lower())
        if content_type is None:
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        try:
            handle = photo.image.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
        response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
        return response


# --- booking -------------------------------------------------------------------------


class BookView(LoginRequiredMixin, TemplateView):
    """Choose a resource and a day, see what is free, pick a slot, read the quote, confirm.

    Every step but the last is a GET that writes nothing; the confirmation
    carries an idempotency key made when it was shown, so a double submit books once.
    """

    template_name = "spaces/member/book.html"

    def _forms_kwargs(self, space: Space) -> dict[str, Any]:
        return {"resources": _bookable_resources(space), "today": _local_today(space)}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        space = get_public_space(kwargs["slug"])
        form_kwargs = self._forms_kwargs(space)
        context: dict[str, Any] = {"space": space}
        query = request.GET
        if "resource" in query or "day" in query:
            day_form = DayForm(query, **form_kwargs)
        else:
            day_form = DayForm(initial={"day": form_kwargs["today"]}, **form_kwargs)
        context["day_form"] = day_form
        if day_form.is_bound and day_form.is_valid():
            resource, day = day_form.cleaned_data["resource"], day_form.cleaned_data["day"]
            context.update(self._day(space, resource, day))
            if "start" in query or "end" in query:
                slot_form = SlotForm(query, **form_kwargs)
                if slot_form.is_valid():
                    context.update(self._quote(space, slot_form))
            else:
                slot_form = SlotForm(initial={"resource": resource, "day": day}, **form_kwargs)
            context["slot_form"] = slot_form
        return self.render_to_response(self.get_context_data(**context))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        space = get_public_space(kwargs["slug"])
        form_kwargs = self._forms_kwargs(space)
        form = ConfirmForm(request.POST, **form_kwargs)
        if not form.is_valid():
            return self._refused(space, form, form_kwargs, status=200)
        data = form.cleaned_data
        user = request.user
        try:
            if data["repeat"]:
                series = services.booking_series_create(
                    actor=user,
                    member=user,
                    resource=data["resource"],
                    frequency=data["repeat"],
                    first_day=data["day"],
                    last_day=data["until"],
                    start=data["start"],
                    end=data["end"],
                    exceptions=data["exceptions"],
                    idempotency_key=data["idempotency_key"],
                )
                count = series.bookings.count()
                messages.success(
                    request,
                    _("Booked: %(count)d dates of %(resource)s at %(space)s.")
                    % {"count": count, "resource": data["resource"].name, "space": space.name},
                )
            else:
                starts_at, ends_at = services.local_slot(
                    space, data["day"], data["start"], data["end"]
                )
                services.booking_create(
                    actor=user,
                    member=user,
                    resource=data["resource"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    idempotency_key=data["idempotency_key"],
                )
                messages.success(
                    request,
                    _("Booked: %(resource)s at %(space)s.")
                    % {"resource": data["resource"].name, "space": space.name},
                )
        except services.SlotTakenError as exc:
            add_service_errors(form, exc)
            return self._refused(space, form, form_kwargs, status=409)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self._refused(space, form, form_kwargs, status=200)
        return redirect("spaces:my_bookings")

    def _refused(
        self, space: Space, form: ConfirmForm, form_kwargs: dict[str, Any], *, status: int
    ) -> HttpResponse:
        """The page again with every reason shown, and the day's fresh availability."""
        context: dict[str, Any] = {"space": space, "refused_form": form}
        resource, day = form.cleaned_data.get("resource"), form.cleaned_data.get("day")
        if resource is not None and day is not None:
            context["day_form"] = DayForm(
                {"resource": resource.pk, "day": day.isoformat()}, **form_kwargs
            )
            context.update(self._day(space, resource, day))
            initial = {
                k: form.cleaned_data[k]
                for k in ("start", "end", "repeat")
                if form.cleaned_data.get(k)
            }
            context["slot_form"] = SlotForm(
                initial={"resource": resource, "day": day, **initial}, **form_kwargs
            )
        else:
            context["day_form"] = DayForm(initial={"day": form_kwargs["today"]}, **form_kwargs)
        response = self.render_to_response(self.get_context_data(**context))
        response.status_code = status
        return response

    def _day(self, space: Space, resource: Resource, day: dt.date) -> dict[str, Any]:
        """The day's slots in the space's local time, each with a link to book it."""
        zone = space.zone
        base = {"resource": resource.pk, "day": day.isoformat()}
        slots = []
        for slot in availability(resource, day):
            start = slot.starts_at.astimezone(zone)
            end = slot.ends_at.astimezone(zone)
            slots.append(
                {
                    "start": start,
                    "end": end,
                    "free": slot.free,
                    "total": slot.total,
                    "query": {**base, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
                }
            )
        calendar_reason = None
        if not slots:
            calendar_reason = OpeningCalendar.for_space(space).closed_reason(day)
        return {
            "resource": resource,
            "day": day,
            "slots": slots,
            "closed_reason": calendar_reason,
            "step_minutes": resource.slot_minutes,
        }

    def _quote(self, space: Space, form: SlotForm) -> dict[str, Any]:
        """The price and who pays, or the reasons the slot can't be booked (as form errors)."""
        data = form.cleaned_data
        resource, day = data["resource"], data["day"]
        user = self.request.user
        try:
            starts_at, ends_at = services.local_slot(space, day, data["start"], data["end"])
            if day not in data["exceptions"]:
                problems = services.booking_problems(
                    member=user, resource=resource, starts_at=starts_at, ends_at=ends_at
                )
                if problems:
                    raise ValidationError(problems)
            quote = services.quote(user, resource, starts_at, ends_at)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return {}
        membership = quote.membership
        confirm = ConfirmForm(
            initial={**form.query(), "idempotency_key": secrets.token_urlsafe(16)},
            resources=form.fields["resource"].queryset,  # type: ignore[attr-defined]
            today=form.today,
        )
        return {
            "quote": quote,
            "quote_hours": _hours(starts_at, ends_at),
            "quote_start": starts_at.astimezone(space.zone),
            "quote_end": ends_at.astimezone(space.zone),
            "quote_plan": membership.plan if membership else None,
            "quote_plan_elsewhere": membership is not None and membership.plan.space_id != space.pk,
            "quote_funder": quote.funder_organisation or quote.funder_programme,
            "series": {
                "frequency": Frequency(data["repeat"]).label,
                "until": data["until"],
                "exceptions": data["exceptions"],
            }
            if data["repeat"]
            else None,
            "confirm_form": confirm,
        }


def _hours(start: dt.datetime, end: dt.datetime) -> Decimal:
    return (Decimal(int((end - start).total_seconds()) // 60) / 60).quantize(Decimal("0.01"))


# --- my bookings, cancelling, my calendar --------------------------------------------


class MyBookingsView(LoginRequiredMixin, TemplateView):
    template_name = "spaces/member/my_bookings.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        now = utc_now()
        payers = ("funder_organisation", "funder_programme", "space__municipality")
        upcoming = list(member_bookings(user, now=now).select_related(*payers))
        for booking in upcoming:
            booking.cancel_until = booking.starts_at - dt.timedelta(  # type: ignore[attr-defined]
                hours=booking.resource.cancellation_hours
            )
            booking.can_cancel = now <= booking.cancel_until  # type: ignore[attr-defined]
        past = (
            member_bookings(user, upcoming=False)
            .filter(Q(ends_at__lt=now) | Q(status=BookingStatus.CANCELLED))
            .select_related(*payers)
        )
        page = Paginator(past, PAST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            upcoming=upcoming,
            page_obj=page,
            past=page.object_list,
            has_feed=CalendarFeed.objects.filter(owner_id=user.pk, resource__isnull=True).exists(),
            **kwargs,
        )


class BookingCancelView(LoginRequiredMixin, TemplateView):
    """GET asks for confirmation (and an optional reason); POST cancels, if still allowed."""

    template_name = "spaces/member/booking_cancel.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        booking = kwargs.pop("booking", None) or get_own_booking(
            self.request.user, self.kwargs["pk"]
        )
        deadline = booking.starts_at - dt.timedelta(hours=booking.resource.cancellation_hours)
        kwargs.setdefault("form", CancelForm(initial={"confirm": "yes"}))
        return super().get_context_data(
            booking=booking,
            deadline=deadline,
            deadline_passed=utc_now() > deadline,
            is_active=booking.status == BookingStatus.ACTIVE,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        booking = get_own_booking(request.user, kwargs["pk"])
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.booking_cancel(
                    actor=request.user, booking=booking, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your booking is cancelled."))
                return redirect("spaces:my_bookings")
        return self.render_to_response(self.get_context_data(booking=booking, form=form))


class FeedRotateView(LoginRequiredMixin, TemplateView):
    """The member's calendar address: GET explains, POST makes a new one and shows it once."""

    template_name = "spaces/member/feed.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        has_feed = CalendarFeed.objects.filter(
            owner_id=self.request.user.pk, resource__isnull=True
        ).exists()
        return super().get_context_data(has_feed=has_feed, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        token = services.feed_rotate(owner=request.user)
        feed_url = request.build_absolute_uri(reverse("spaces:feed", args=[token]))
        return _no_store(self.render_to_response(self.get_context_data(feed_url=feed_url)))


class ResourceFeedRotateView(BackofficeMixin, TemplateView):
    """A resource's bookings as a calendar for its staff; the address is shown once."""

    permission = "spaces.view_space"
    template_name = "spaces/member/resource_feed.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        resource = get_resource_for_user(self.request.user, self.kwargs["pk"])
        return super().get_context_data(
            resource=resource,
            space=resource.space,
            has_feed=CalendarFeed.objects.filter(
                owner_id=self.request.user.pk, resource=resource
            ).exists(),
            with_names=has_perm(self.request.user, "spaces.view_members", resource),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        resource = get_resource_for_user(request.user, kwargs["pk"])
        token = services.feed_rotate(owner=request.user, resource=resource)
        feed_url = request.build_absolute_uri(reverse("spaces:feed", args=[token]))
        return _no_store(self.render_to_response(self.get_context_data(feed_url=feed_url)))


class FeedView(View):
    """The iCal feed behind a secret address; no login (calendar programs have none)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        feed = feed_for_token(kwargs["token"])
        if feed is None:
            raise Http404
        response = HttpResponse(calendar_for(feed), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="lavorete.ics"'
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


# --- my plan, tier requests, guests --------------------------------------------------


def _guest_spaces(user: Any) -> QuerySet[Space]:
    """Where the member may sign a guest in: the public spaces, and wherever they are now."""
    return (
        Space.objects.filter(
            Q(pk__in=public_spaces().values("pk"))
            | Q(checkins__member=user, checkins__checked_out_at__isnull=True)
        )
        .distinct()
        .order_by("name")
    )


def _open_checkins(user: Any) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(member=user, checked_out_at__isnull=True).select_related("space")
    )


def _guest_form(user: Any, data: Any = None) -> GuestForm:
    present = _open_checkins(user)
    initial = {"space": present[0].space_id} if present else {}
    return GuestForm(data, spaces=_guest_spaces(user), initial=initial)


class MyPlanView(LoginRequiredMixin, TemplateView):
    template_name = "spaces/member/my_plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        charges = Charge.objects.select_related("funder_organisation", "funder_programme").order_by(
            "-period_start"
        )
        memberships = member_memberships(user).prefetch_related(
            Prefetch("charges", queryset=charges)
        )
        qualifications = QualificationGrant.objects.filter(member_id=user.pk).select_related(
            "qualification__space"
        )
        today = utc_now().date()
        return super().get_context_data(
            memberships=memberships,
            tier_grants=member_tier_grants(user),
            qualifications=[(g, g.is_valid_on(today)) for g in qualifications],
            service_hours=services.service_hours_balance(user),
            card=member_card(user),
            present=_open_checkins(user),
            guest_form=kwargs.pop("guest_form", None) or _guest_form(user),
            **kwargs,
        )


class TierRequestView(LoginRequiredMixin, TemplateView):
    template_name = "spaces/member/tier_request.html"

    def _form(self, space: Space, data: Any = None, files: Any = None) -> TierRequestForm:
        tiers = space.tiers.filter(is_active=True).order_by("name")
        initial = {}
        wanted = self.request.GET.get("tier", "")
        if wanted.isdigit() and len(wanted) < 19:
            initial["tier"] = tiers.filter(pk=int(wanted)).first()
        return TierRequestForm(data, files, tiers=tiers, initial=initial)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        space = get_public_space(kwargs["slug"])
        return self.render_to_response(self.get_context_data(space=space, form=self._form(space)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        space = get_public_space(kwargs["slug"])
        form = self._form(space, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.tier_request(
                    member=request.user,
                    tier=data["tier"],
                    category=data["category"],
                    statement=data["statement"],
                    evidence=data["evidence"] or None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your request has been sent. The tier applies once the staff "
                        "have verified it; you will see its state here."
                    ),
                )
                return redirect("spaces:my_plan")
        return self.render_to_response(self.get_context_data(space=space, form=form))


class GuestSigninView(LoginRequiredMixin, TemplateView):
    """A member who is in signs a guest in (the form is also on "My plan")."""

    template_name = "spaces/member/guest_signin.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", _guest_form(self.request.user))
        return super().get_context_data(present=_open_checkins(self.request.user), **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = _guest_form(request.user, request.POST)
        if form.is_valid():
            try:
                services.guest_checkin(
                    host=request.user,
                    space=form.cleaned_data["space"],
                    guest_name=form.cleaned_data["guest_name"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is signed in as your guest.")
                    % {"name": form.cleaned_data["guest_name"]},
                )
                return redirect("spaces:my_plan")
        return self.render_to_response(self.get_context_data(form=form))


# --- kiosk -----------------------------------------------------------------------------


def _kiosk_first_name(user: Any) -> str:
    """Only the first name: a kiosk screen is seen by whoever stands nearby."""
    full_name = (getattr(user, "full_name", "") or "").strip()
    return full_name.split()[0] if full_name else ""


class KioskView(View):
    """The tablet at a space's entrance: a member types their card code to come in or leave."""

    template_name = "spaces/member/kiosk.html"

    def _space(self, slug: str, token: str) -> Space:
        space = Space.objects.filter(slug=slug).first()
        # The same comparison time whether the token is wrong early or late.
        expected = space.kiosk_token if space is not None else secrets.token_urlsafe(24)
        if not hmac.compare_digest(token.encode(), expected.encode()) or space is None:
            raise Http404
        return space

    def _render(self, request: HttpRequest, space: Space, form: KioskForm, **extra: Any) -> Any:
        response = render(request, self.template_name, {"space": space, "form": form, **extra})
        response["X-Robots-Tag"] = "noindex, nofollow"
        return _no_store(response)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        space = self._space(kwargs["slug"], kwargs["token"])
        return self._render(request, space, KioskForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        space = self._space(kwargs["slug"], kwargs["token"])
        form = KioskForm(request.POST)
        if form.is_valid():
            try:
                checkin = services.kiosk_toggle(
                    space=space, card_code=form.cleaned_data["card_code"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                name = _kiosk_first_name(checkin.member)
                if checkin.checked_out_at is None:
                    greeting = _("Welcome, %(name)s!") % {"name": name} if name else _("Welcome!")
                    entered = True
                else:
                    greeting = _("Goodbye, see you soon!")
                    entered = False
                return self._render(request, space, KioskForm(), greeting=greeting, entered=entered)
        return self._render(request, space, form)
