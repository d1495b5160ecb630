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
        network_pages = [
            (_("Roles"), "core:roles", "core.manage_roles", 80),
            (_("Audit log"), "core:audit", "core.view_audit", 90),
            (_("Personal data access"), "core:access_log", "core.view_audit", 91),
            (_("Personal data inventory"), "core:personal_data", "core.view_audit", 92),
        ]
        for label, url_name, permission, order in network_pages:
            register_menu_item(
                label=label,
                url_name=url_name,
                permission=permission,
                order=order,
                network_wide=True,
            )
        personal_data.register(
            User,
            ["email", "full_name"],
            purpose=_("Account: logging in and being contacted about the network's services"),
            legal_basis=personal_data.LegalBasis.CONTRACT,
            retention=_("While the account exists"),
        )
