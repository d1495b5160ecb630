from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lavorete.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from lavorete.core.backoffice import register_menu_item

        register_menu_item(
            label=_("Import people"),
            url_name="people:import",
            permission="people.import_people",
            order=42,
        )
