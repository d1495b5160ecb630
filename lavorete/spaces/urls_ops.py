"""Back-office URLs for running a space: members, memberships, tier verification, bookings, front desk."""

from django.urls import URLPattern, path

from lavorete.spaces import views_ops as views

urlpatterns: list[URLPattern] = [
    path(
        "gestione/spazi/agevolazioni/",
        views.VerificationQueueView.as_view(),
        name="verification_queue",
    ),
    path("gestione/spazi/<int:pk>/membri/", views.MemberListView.as_view(), name="member_list"),
    path(
        "gestione/spazi/<int:pk>/prenotazioni/",
        views.BookingCalendarView.as_view(),
        name="booking_calendar",
    ),
    path(
        "gestione/spazi/<int:pk>/accoglienza/",
        views.FrontdeskView.as_view(),
        name="frontdesk",
    ),
]
