from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "lavorete.territory"
    label = "territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from lavorete.core.backoffice import register_menu_item

        register_menu_item(
            label=_("Municipalities"),
            url_name="territory:municipality_list",
            permission="territory.view_territory",
            order=50,
        )
        register_menu_item(
            label=_("Districts"),
            url_name="territory:district_list",
            permission="territory.view_territory",
            order=51,
        )
