from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "lavorete.spaces"
    label = "spaces"
    verbose_name = _("Coworking spaces")

    def ready(self) -> None:
        from lavorete.core.backoffice import register_menu_item

        register_menu_item(
            label=_("Spaces"),
            url_name="spaces:space_list",
            permission="spaces.view_space",
            order=30,
        )
        register_menu_item(
            label=_("Tier requests"),
            url_name="spaces:verification_queue",
            permission="spaces.verify_tier",
            order=32,
        )
        register_menu_item(
            label=_("Network occupancy"),
            url_name="spaces:occupancy_network",
            permission="spaces.view_occupancy",
            order=34,
            network_wide=True,
        )
