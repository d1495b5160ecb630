from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "lavorete.network"
    label = "network"
    verbose_name = _("Partner network")

    def ready(self) -> None:
        from lavorete.core.backoffice import register_menu_item

        register_menu_item(
            label=_("Organisations"),
            url_name="network:organisation_list",
            permission="network.view_organisation",
            order=10,
        )
        register_menu_item(
            label=_("Agreements"),
            url_name="network:agreement_list",
            permission="network.view_agreement",
            order=15,
        )
        register_menu_item(
            label=_("Programmes"),
            url_name="network:programme_list",
            permission="network.view_programme",
            order=20,
        )
