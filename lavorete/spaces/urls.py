"""Every URL of the coworking network, in one namespace, defined beside each area's views.

Back office under /gestione/spazi/, public pages and the members' self-service
under /spazi/, calendar feeds under /calendario/.
"""

from lavorete.spaces import urls_member, urls_ops, urls_reports, urls_setup

app_name = "spaces"

urlpatterns = [
    *urls_setup.urlpatterns,
    *urls_ops.urlpatterns,
    *urls_member.urlpatterns,
    *urls_reports.urlpatterns,
]
