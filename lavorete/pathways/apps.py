from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "lavorete.pathways"
    label = "pathways"
    verbose_name = _("Pathways")

    def ready(self) -> None:
        from lavorete.core.backoffice import register_menu_item

        for label, url_name, permission, order in [
            (_("Caseload"), "pathways:caseload", "pathways.view_enrolment", 36),
            (_("My tasks"), "pathways:tasks", "pathways.record_outcome", 37),
            (_("Group services"), "pathways:services", "pathways.record_service", 38),
            (_("Referrals"), "pathways:referrals", "pathways.refer", 39),
            (_("Pathway design"), "pathways:programmes", "pathways.manage_pathway", 40),
            (_("Programme dashboards"), "programme_dashboard:index", "pathways.view_dashboard", 41),
        ]:
            register_menu_item(label=label, url_name=url_name, permission=permission, order=order)
