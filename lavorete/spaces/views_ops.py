"""Back-office pages for running a space day to day: members, memberships, tier
verification, the bookings calendar and the front desk."""

from typing import Any

from django.views.generic import TemplateView

from lavorete.core.backoffice import BackofficeMixin
from lavorete.spaces.permissions import get_space_for_user
from lavorete.spaces.selectors import verification_queue


class VerificationQueueView(BackofficeMixin, TemplateView):
    permission = "spaces.verify_tier"
    template_name = "spaces/ops/verification_queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(grants=verification_queue(self.request.user), **kwargs)


class _SpacePage(BackofficeMixin, TemplateView):
    space_perm = "spaces.view_members"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        space = get_space_for_user(self.request.user, self.kwargs["pk"], perm=self.space_perm)
        return super().get_context_data(space=space, **kwargs)


class MemberListView(_SpacePage):
    permission = "spaces.view_members"
    template_name = "spaces/ops/member_list.html"


class BookingCalendarView(_SpacePage):
    permission = "spaces.view_members"
    template_name = "spaces/ops/booking_calendar.html"


class FrontdeskView(_SpacePage):
    permission = "spaces.checkin"
    space_perm = "spaces.checkin"
    template_name = "spaces/ops/frontdesk.html"
