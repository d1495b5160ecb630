"""Reads of the territory.

Regions, provinces, municipalities and districts are public reference data:
anybody allowed on a page that shows them may see all of them, so these
selectors take no user; the views check the permission.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from lavorete.territory.models import District, Municipality, Province, Region
from lavorete.territory.sources import normalise_name

# Each plain letter of a folded query also matches its accented forms.
_LETTER_VARIANTS = {
    "a": "aàáâä",
    "e": "eèéêë",
    "i": "iìíîï",
    "o": "oòóôö",
    "u": "uùúûü",
    "c": "cç",
    "n": "nñ",
    "s": "sš",
    "z": "zž",
}
# What a space in a folded query stands for in a name: spaces, apostrophes, hyphens, slashes.
_SEPARATORS = "[ '\u2019/.,()-]+"
_ISTAT_NUMBER = re.compile(r"^\d{1,6}$")
_CADASTRAL_CODE = re.compile(r"^[A-Za-z]\d{3}$")


def name_pattern(query: str) -> str:
    """A case- and accent-insensitive regular expression for a name typed without accents."""
    parts = []
    for char in normalise_name(query):
        if char == " ":
            parts.append(_SEPARATORS)
        elif char in _LETTER_VARIANTS:
            parts.append(f"[{_LETTER_VARIANTS[char]}]")
        elif char.isalnum():
            parts.append(re.escape(char))
    return "".join(parts)


def municipality_search(
    query: str = "",
    *,
    region: Region | int | None = None,
    province: Province | int | None = None,
) -> QuerySet[Municipality]:
    """Municipalities whose name contains `query` (ignoring case and accents), best first.

    A number is read as an ISTAT code (leading zeros optional), a letter and
    three digits as a cadastral code. Names that equal the query come first,
    then names that start with it, then the others, alphabetically.
    """
    municipalities = Municipality.objects.select_related("province__region")
    if region is not None:
        municipalities = municipalities.filter(province__region=region)
    if province is not None:
        municipalities = municipalities.filter(province=province)
    query = query.strip()
    if not query:
        return municipalities.order_by("name", "istat_code")
    if _ISTAT_NUMBER.match(query):
        return municipalities.filter(istat_code=query.zfill(6))
    pattern = name_pattern(query)
    if not pattern:
        return municipalities.none()
    by_name = Q(name__iregex=pattern)
    if _CADASTRAL_CODE.match(query):
        by_name |= Q(cadastral_code=query.upper())
    return (
        municipalities.filter(by_name)
        .annotate(
            rank=Case(
                When(name__iregex=f"^{pattern}$", then=Value(0)),
                When(name__iregex=f"^{pattern}", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name", "istat_code")
    )


def region_list() -> QuerySet[Region]:
    """Every region, by name."""
    return Region.objects.order_by("name")


def province_list(*, region: Region | int | None = None) -> QuerySet[Province]:
    """Every province (of one region, if given), by name."""
    provinces = Province.objects.order_by("name")
    if region is not None:
        provinces = provinces.filter(region=region)
    return provinces


def district_list() -> QuerySet[District]:
    """Every district with how many municipalities it groups, by name."""
    return District.objects.annotate(municipality_count=Count("municipalities")).order_by("name")


def district_municipalities(district: District) -> QuerySet[Municipality]:
    """The municipalities of a district, with their province and region, by name."""
    return district.municipalities.select_related("province__region").order_by("name")


@dataclass
class ResolvedLines:
    """Municipalities named in a text, one per line, and what couldn't be understood."""

    municipalities: list[Municipality] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_LEADING_CODE = re.compile(r"^(\d{6})(?:\b|$)")
_NAME_AND_PROVINCE = re.compile(r"^(?P<name>.+?)\s*\((?P<abbreviation>[A-Za-z]{2})\)\s*$")


def municipality_lines_resolve(text: str) -> ResolvedLines:
    """Read municipalities from text, one per line: an ISTAT code, a name, or "Name (XX)".

    A line that starts with a six-digit ISTAT code is read by the code alone,
    so "015175 Pioltello (MI)" (how the edit form lists them) works. Repeats
    are kept once. Each unreadable or ambiguous line gives one error naming it.
    """
    result = ResolvedLines()
    entries: list[tuple[int, str, str | None, str | None, str | None]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code_match = _LEADING_CODE.match(line)
        if code_match:
            entries.append((number, line, code_match.group(1), None, None))
            continue
        name_match = _NAME_AND_PROVINCE.match(line)
        if name_match:
            entries.append(
                (
                    number,
                    line,
                    None,
                    normalise_name(name_match.group("name")),
                    name_match.group("abbreviation").upper(),
                )
            )
        else:
            entries.append((number, line, None, normalise_name(line), None))

    codes = {code for _n, _l, code, _name, _abbr in entries if code}
    wanted_names = {name for _n, _l, _c, name, _a in entries if name}
    # Names are compared folded, which the database can't index: fold the
    # names (two columns, not 7,900 objects) here, then fetch only the matches.
    pks_by_name: dict[str, list[int]] = {}
    if wanted_names:
        for pk, stored_name in Municipality.objects.values_list("pk", "name"):
            folded = normalise_name(stored_name)
            if folded in wanted_names:
                pks_by_name.setdefault(folded, []).append(pk)
    matched_pks = {pk for pks in pks_by_name.values() for pk in pks}
    found_objects = Municipality.objects.filter(
        Q(istat_code__in=codes) | Q(pk__in=matched_pks)
    ).select_related("province")
    by_pk = {m.pk: m for m in found_objects}
    by_code = {m.istat_code: m for m in by_pk.values()}
    by_name = {name: [by_pk[pk] for pk in pks] for name, pks in pks_by_name.items()}

    seen: set[int] = set()
    for number, line, code, name, abbreviation in entries:
        params = {"number": number, "line": line}
        if code:
            found = [by_code[code]] if code in by_code else []
        else:
            found = by_name.get(name or "", [])
            if abbreviation:
                found = [m for m in found if m.province.abbreviation == abbreviation]
        if not found:
            result.errors.append(
                _('Line %(number)s ("%(line)s"): no municipality has this name or ISTAT code.')
                % params
            )
            continue
        if len(found) > 1:
            choices = ", ".join(sorted(f"{m.name} ({m.province.abbreviation})" for m in found))
            result.errors.append(
                _(
                    'Line %(number)s ("%(line)s"): several municipalities have this name '
                    "(%(choices)s); add the province, as in “%(example)s”."
                )
                % {**params, "choices": choices, "example": choices.split(", ")[0]}
            )
            continue
        municipality = found[0]
        if municipality.pk not in seen:
            seen.add(municipality.pk)
            result.municipalities.append(municipality)
    return result
