"""Public pages of the network's spaces, members' self-service, the kiosk and the iCal feeds.

Fixed paths come before `spazi/<slug>/`, so they win over a space's address.
"""

from django.urls import URLPattern, path

from lavorete.spaces import views_member as views

urlpatterns: list[URLPattern] = [
    path("spazi/", views.NetworkView.as_view(), name="network"),
    path("spazi/mie-prenotazioni/", views.MyBookingsView.as_view(), name="my_bookings"),
    path(
        "spazi/mie-prenotazioni/<int:pk>/annulla/",
        views.BookingCancelView.as_view(),
        name="booking_cancel",
    ),
    path(
        "spazi/mie-prenotazioni/calendario/",
        views.FeedRotateView.as_view(),
        name="feed_rotate",
    ),
    path("spazi/il-mio-piano/", views.MyPlanView.as_view(), name="my_plan"),
    path("spazi/il-mio-piano/ospite/", views.GuestSigninView.as_view(), name="guest_signin"),
    path("spazi/foto/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("spazi/<slug:slug>/", views.PublicSpaceView.as_view(), name="public_space"),
    path("spazi/<slug:slug>/prenota/", views.BookView.as_view(), name="book"),
    path(
        "spazi/<slug:slug>/agevolazioni/richiesta/",
        views.TierRequestView.as_view(),
        name="tier_request",
    ),
    path("spazi/<slug:slug>/kiosk/<str:token>/", views.KioskView.as_view(), name="kiosk"),
    path("calendario/<str:token>.ics", views.FeedView.as_view(), name="feed"),
    path(
        "gestione/spazi/risorse/<int:pk>/calendario/",
        views.ResourceFeedRotateView.as_view(),
        name="resource_feed_rotate",
    ),
]
