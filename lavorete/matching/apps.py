from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "lavorete.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from lavorete.core.backoffice import register_menu_item
        from lavorete.matching import signals

        signals.connect()
        for label, url_name, permission, order in [
            (_("Matches"), "matching:caseload", "matching.view_matches", 46),
            (_("Skill gaps"), "matching:gaps", "matching.view_skill_gaps", 47),
            (_("Matching policy"), "matching:policies", "matching.manage_policy", 48),
        ]:
            register_menu_item(label=label, url_name=url_name, permission=permission, order=order)
