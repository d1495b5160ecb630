"""Back-office URLs for running a space: members, memberships, tier verification, bookings, front desk."""

from django.urls import URLPattern, path

from lavorete.spaces import views_ops as views

SPACE = "gestione/spazi/<int:pk>/"
GRANT = "gestione/spazi/agevolazioni/<int:pk>/"

urlpatterns: list[URLPattern] = [
    # members and memberships
    path(f"{SPACE}membri/", views.MemberListView.as_view(), name="member_list"),
    path(f"{SPACE}membri/<int:user_pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path(
        f"{SPACE}membri/<int:user_pk>/ore-di-servizio/",
        views.ServiceHoursRecordView.as_view(),
        name="service_hours_record",
    ),
    path(
        f"{SPACE}abbonamenti/nuovo/",
        views.MembershipStartView.as_view(),
        name="membership_start",
    ),
    path(
        f"{SPACE}abbonamenti/<int:membership_pk>/cambio-piano/",
        views.MembershipChangeView.as_view(),
        name="membership_change",
    ),
    path(
        f"{SPACE}abbonamenti/<int:membership_pk>/chiusura/",
        views.MembershipEndView.as_view(),
        name="membership_end",
    ),
    # tier requests
    path(
        "gestione/spazi/agevolazioni/",
        views.VerificationQueueView.as_view(),
        name="verification_queue",
    ),
    path(GRANT, views.TierGrantDetailView.as_view(), name="tier_grant_detail"),
    path(f"{GRANT}decisione/", views.TierDecideView.as_view(), name="tier_decide"),
    path(f"{GRANT}revoca/", views.TierRevokeView.as_view(), name="tier_revoke"),
    path(f"{GRANT}documento/", views.TierEvidenceView.as_view(), name="tier_evidence"),
    # bookings
    path(f"{SPACE}prenotazioni/", views.BookingCalendarView.as_view(), name="booking_calendar"),
    path(
        f"{SPACE}prenotazioni/nuova/",
        views.ManagerBookingCreateView.as_view(),
        name="booking_create_manager",
    ),
    path(
        f"{SPACE}prenotazioni/<int:booking_pk>/annulla/",
        views.ManagerBookingCancelView.as_view(),
        name="booking_cancel_manager",
    ),
    # front desk
    path(f"{SPACE}accoglienza/", views.FrontdeskView.as_view(), name="frontdesk"),
    path(f"{SPACE}accoglienza/ospiti/", views.GuestCheckinView.as_view(), name="guest_checkin"),
    path(
        f"{SPACE}accoglienza/<int:checkin_pk>/uscita/",
        views.CheckoutView.as_view(),
        name="checkout",
    ),
]
