from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "lavorete.demo"
    label = "demo"
    verbose_name = _("Demo territory")
