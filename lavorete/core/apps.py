from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lavorete.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from lavorete.core import personal_data
        from lavorete.core.backoffice import register_menu_item
        from lavorete.core.models import User

        register_menu_item(label=_("Overview"), url_name="core:dashboard", permission=None, order=0)
        register_menu_item(
            label=_("Roles"),
            url_name="core:roles",
            permission="core.manage_roles",
            order=80,
            network_wide=True,
        )
        register_menu_item(
            label=_("Audit log"),
            url_name="core:audit",
            permission="core.view_audit",
            order=90,
            network_wide=True,
        )
        register_menu_item(
            label=_("Personal data access"),
            url_name="core:access_log",
            permission="core.view_audit",
            order=91,
            network_wide=True,
        )
        register_menu_item(
            label=_("Personal data inventory"),
            url_name="core:personal_data",
            permission="core.view_audit",
            order=92,
            network_wide=True,
        )
        personal_data.register(
            User,
            ["email", "full_name"],
            purpose=_("Account: logging in and being contacted about the network's services"),
            legal_basis=personal_data.LegalBasis.CONTRACT,
            retention=_("While the account exists"),
        )
