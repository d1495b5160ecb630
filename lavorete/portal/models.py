from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lavorete.core import personal_data


class Feedback(models.Model):
    """A message left through the public feedback form."""

    message = models.TextField(_("message"), max_length=5000)
    email = models.EmailField(_("e-mail for a reply"), blank=True)
    page = models.CharField(_("page"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.message[:40]}"


personal_data.register(
    Feedback,
    ["email", "message"],
    purpose=_("Answering feedback about the service"),
    legal_basis=personal_data.LegalBasis.LEGITIMATE_INTEREST,
    retention=_("12 months"),
)
