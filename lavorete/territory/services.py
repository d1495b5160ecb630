"""Writes of the territory: loading the ISTAT list, and districts (ambiti)."""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record, diff, snapshot
from lavorete.territory.models import District, Municipality, Province, Region
from lavorete.territory.sources import (
    IstatRow,
    match_coordinates,
    read_geonames_italy,
    read_istat,
)

Progress = Callable[[str], None]


@dataclass
class LoadSummary:
    """How many rows a load of the ISTAT list created, changed and left alone."""

    regions_created: int = 0
    regions_updated: int = 0
    regions_unchanged: int = 0
    provinces_created: int = 0
    provinces_updated: int = 0
    provinces_unchanged: int = 0
    municipalities_created: int = 0
    municipalities_updated: int = 0
    municipalities_unchanged: int = 0
    municipalities_not_in_source: int = 0
    with_coordinates: int = 0
    without_coordinates: int = 0

    @property
    def municipalities_total(self) -> int:
        return (
            self.municipalities_created
            + self.municipalities_updated
            + self.municipalities_unchanged
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _upsert_regions(rows: list[IstatRow], summary: LoadSummary) -> dict[str, Region]:
    wanted = {r.region_code: r.region_name for r in rows}
    existing = {r.code: r for r in Region.objects.all()}
    new, changed = [], []
    for code, name in wanted.items():
        region = existing.get(code)
        if region is None:
            new.append(Region(code=code, name=name))
        elif region.name != name:
            region.name = name
            changed.append(region)
    Region.objects.bulk_create(new)
    Region.objects.bulk_update(changed, ["name"])
    summary.regions_created = len(new)
    summary.regions_updated = len(changed)
    summary.regions_unchanged = len(wanted) - len(new) - len(changed)
    return {r.code: r for r in Region.objects.all()}


def _upsert_provinces(
    rows: list[IstatRow], regions: dict[str, Region], summary: LoadSummary
) -> dict[str, Province]:
    wanted = {r.province_code: (r.province_name, r.abbreviation, r.region_code) for r in rows}
    existing = {p.code: p for p in Province.objects.all()}
    new, changed = [], []
    for code, (name, abbreviation, region_code) in wanted.items():
        region = regions[region_code]
        province = existing.get(code)
        if province is None:
            new.append(Province(code=code, name=name, abbreviation=abbreviation, region=region))
        elif (province.name, province.abbreviation, province.region_id) != (
            name,
            abbreviation,
            region.pk,
        ):
            province.name, province.abbreviation, province.region = name, abbreviation, region
            changed.append(province)
    Province.objects.bulk_create(new)
    Province.objects.bulk_update(changed, ["name", "abbreviation", "region"])
    summary.provinces_created = len(new)
    summary.provinces_updated = len(changed)
    summary.provinces_unchanged = len(wanted) - len(new) - len(changed)
    return {p.code: p for p in Province.objects.all()}


_MUNICIPALITY_FIELDS = [
    "name",
    "province",
    "cadastral_code",
    "is_provincial_capital",
    "latitude",
    "longitude",
]


def _upsert_municipalities(
    rows: list[IstatRow],
    provinces: dict[str, Province],
    coordinates: dict[str, tuple[Decimal, Decimal]],
    summary: LoadSummary,
) -> None:
    existing = {m.istat_code: m for m in Municipality.objects.all()}
    new, changed = [], []
    for row in rows:
        province = provinces[row.province_code]
        municipality = existing.get(row.istat_code)
        if municipality is None:
            municipality = Municipality(istat_code=row.istat_code)
            new.append(municipality)
        before = (
            municipality.name,
            municipality.province_id if municipality.pk else None,
            municipality.cadastral_code,
            municipality.is_provincial_capital,
            municipality.latitude,
            municipality.longitude,
        )
        municipality.name = row.name
        municipality.province = province
        municipality.cadastral_code = row.cadastral_code
        municipality.is_provincial_capital = row.is_provincial_capital
        # Coordinates someone set by hand survive a load that finds none.
        if row.istat_code in coordinates:
            municipality.latitude, municipality.longitude = coordinates[row.istat_code]
        after = (
            municipality.name,
            province.pk,
            municipality.cadastral_code,
            municipality.is_provincial_capital,
            municipality.latitude,
            municipality.longitude,
        )
        if municipality.pk and before != after:
            changed.append(municipality)
    Municipality.objects.bulk_create(new, batch_size=500)
    Municipality.objects.bulk_update(changed, _MUNICIPALITY_FIELDS, batch_size=500)
    summary.municipalities_created = len(new)
    summary.municipalities_updated = len(changed)
    summary.municipalities_unchanged = len(rows) - len(new) - len(changed)
    summary.municipalities_not_in_source = len(set(existing) - {r.istat_code for r in rows})


def municipalities_load(
    *,
    actor: Any = None,
    istat_source: Path | None = None,
    geonames_source: Path | None = None,
    with_coordinates: bool = True,
    progress: Progress | None = None,
) -> LoadSummary:
    """Load or refresh every region, province and municipality from the ISTAT list.

    Idempotent: a second run changes nothing. Municipalities that left the
    list (merged into another) are kept, since other records may point at
    them, and counted in the summary.
    """
    report: Progress = progress or (lambda _message: None)
    report(_("Reading the ISTAT list of municipalities…"))
    rows = read_istat(istat_source)
    coordinates: dict[str, tuple[Decimal, Decimal]] = {}
    if with_coordinates:
        report(_("Matching municipalities to GeoNames coordinates…"))
        coordinates = match_coordinates(rows, read_geonames_italy(geonames_source)).coordinates
    summary = LoadSummary()
    with transaction.atomic():
        report(_("Writing regions and provinces…"))
        regions = _upsert_regions(rows, summary)
        provinces = _upsert_provinces(rows, regions, summary)
        report(_("Writing municipalities…"))
        _upsert_municipalities(rows, provinces, coordinates, summary)
        summary.with_coordinates = Municipality.objects.filter(latitude__isnull=False).count()
        summary.without_coordinates = Municipality.objects.filter(latitude__isnull=True).count()
        # The audit trail needs a target: the load is recorded on the first region.
        audit_record(
            actor=actor,
            action="territory.load",
            target=min(regions.values(), key=lambda r: r.code),
            changes=summary.as_dict(),
        )
    return summary


_DISTRICT_FIELDS = ["name", "slug", "description"]
_NAME_MAX = District._meta.get_field("name").max_length or 200
_SLUG_MAX = District._meta.get_field("slug").max_length or 80


def _district_snapshot(district: District) -> dict[str, Any]:
    values = snapshot(district, _DISTRICT_FIELDS)
    # ISTAT codes, not primary keys: they mean something to whoever reads the audit log.
    values["municipalities"] = sorted(district.municipalities.values_list("istat_code", flat=True))
    return values


def _clean_district(
    *,
    name: str,
    slug: str,
    municipalities: list[Municipality],
    exclude_pk: int | None,
) -> tuple[str, str]:
    """Check a district's fields; return the normalised name and slug or raise."""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    slug = slug.strip().lower() or slugify(name)[:_SLUG_MAX].strip("-")
    others = District.objects.exclude(pk=exclude_pk) if exclude_pk else District.objects.all()
    if not name:
        errors["name"] = [_("A district needs a name.")]
    elif len(name) > _NAME_MAX:
        errors["name"] = [_("The name is too long.")]
    elif others.filter(name__iexact=name).exists():
        errors["name"] = [_("Another district already has this name.")]
    try:
        if len(slug) > _SLUG_MAX:
            raise ValidationError(_("The short name is too long."))
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = [
            _(
                "Use only lowercase letters, digits, hyphens and underscores in the short name "
                "(at most %(max)s characters)."
            )
            % {"max": _SLUG_MAX}
        ]
    else:
        if others.filter(slug=slug).exists():
            errors["slug"] = [_("Another district already has this short name.")]
    if not municipalities:
        errors["municipalities"] = [_("A district groups at least one municipality.")]
    elif any(m.pk is None for m in municipalities):
        errors["municipalities"] = [_("Choose existing municipalities.")]
    if errors:
        raise ValidationError(errors)
    return name, slug


def district_create(
    *,
    actor: Any,
    name: str,
    slug: str = "",
    description: str = "",
    municipalities: Iterable[Municipality],
) -> District:
    """Create a district grouping `municipalities`; a blank slug is derived from the name."""
    chosen = list(dict.fromkeys(municipalities))
    name, slug = _clean_district(name=name, slug=slug, municipalities=chosen, exclude_pk=None)
    try:
        with transaction.atomic():
            district = District.objects.create(
                name=name, slug=slug, description=description.strip()
            )
            district.municipalities.set(chosen)
            audit_record(
                actor=actor,
                action="district.create",
                target=district,
                changes=_district_snapshot(district),
            )
    except IntegrityError as exc:  # a concurrent create took the name or slug
        raise ValidationError(_("Another district already has this name or short name.")) from exc
    return district


def district_update(
    *,
    actor: Any,
    district: District,
    name: str | None = None,
    slug: str | None = None,
    description: str | None = None,
    municipalities: Iterable[Municipality] | None = None,
) -> District:
    """Change a district's name, short name, description or municipalities (None: unchanged)."""
    chosen = list(dict.fromkeys(municipalities)) if municipalities is not None else None
    try:
        with transaction.atomic():
            locked = District.objects.select_for_update().get(pk=district.pk)
            before = _district_snapshot(locked)
            new_name, new_slug = _clean_district(
                name=locked.name if name is None else name,
                slug=locked.slug if slug is None else slug,
                municipalities=(list(locked.municipalities.all()) if chosen is None else chosen),
                exclude_pk=locked.pk,
            )
            locked.name, locked.slug = new_name, new_slug
            if description is not None:
                locked.description = description.strip()
            locked.save(update_fields=_DISTRICT_FIELDS)
            if chosen is not None:
                locked.municipalities.set(chosen)
            changes = diff(before, _district_snapshot(locked))
            if changes:
                audit_record(actor=actor, action="district.update", target=locked, changes=changes)
    except IntegrityError as exc:
        raise ValidationError(_("Another district already has this name or short name.")) from exc
    return locked
