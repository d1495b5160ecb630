from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from lavorete.core.roles import NETWORK_SCOPE, Scope


class Region(models.Model):
    """An Italian region, by its ISTAT code."""

    code = models.CharField(_("ISTAT code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    """A province, metropolitan city or similar (ISTAT 'unità territoriale sovracomunale')."""

    code = models.CharField(_("ISTAT code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(_("abbreviation"), max_length=2, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class Municipality(models.Model):
    """An Italian municipality (comune), identified by its ISTAT code."""

    istat_code = models.CharField(_("ISTAT code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=150, db_index=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("province"),
    )
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, blank=True)
    is_provincial_capital = models.BooleanField(_("provincial capital"), default=False)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=35, latitude__lte=48, longitude__gte=6, longitude__lte=19),
                name="territory_municipality_coordinates_in_italy",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.province.abbreviation})"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return [NETWORK_SCOPE]


class District(models.Model):
    """A district (ambito): a named group of municipalities, e.g. a social-plan district."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="districts", verbose_name=_("municipalities")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        return [NETWORK_SCOPE]
