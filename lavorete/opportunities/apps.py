from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "lavorete.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self) -> None:
        from lavorete.core.backoffice import register_menu_item

        register_menu_item(
            label=_("Opportunities"),
            url_name="opportunities:list",
            permission="opportunities.view_opportunity",
            order=45,
        )
