"""Reading the packaged data files: encodings, columns, name folding, coordinate matching."""

from decimal import Decimal
from pathlib import Path

import pytest

from lavorete.territory.sources import (
    IstatRow,
    Place,
    SourceError,
    decode,
    match_coordinates,
    normalise_name,
    read_istat,
)

HEADER = (
    'Codice Regione;"Codice dell\'Unità territoriale sovracomunale \n(valida a fini statistici)";'
    "Codice Comune formato alfanumerico;Denominazione (Italiana e straniera);"
    "Denominazione in italiano;Denominazione Regione;"
    '"Denominazione dell\'Unità territoriale sovracomunale \n(valida a fini statistici)";'
    "Flag Comune capoluogo di provincia/città metropolitana/libero consorzio;"
    "Sigla automobilistica;Codice Catastale del comune\r\n"
)
ROWS = (
    "06;031;031019;San Floriano del Collio-Števerjan;San Floriano del Collio;"
    "Friuli-Venezia Giulia;Gorizia;0;GO;H845\r\n"
    "05;027;027042;Venezia;Venezia;Veneto;Venezia;1;VE;L736\r\n"
)


def test_it_reads_the_windows_1252_file_in_the_package() -> None:
    rows = read_istat()
    pioltello = next(r for r in rows if r.istat_code == "015175")
    assert pioltello.name == "Pioltello"
    assert pioltello.abbreviation == "MI"
    assert pioltello.region_name == "Lombardia"
    assert pioltello.cadastral_code == "G686"
    assert any(r.name == "Forlì" for r in rows)  # an accented letter decoded right


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
def test_it_reads_the_istat_file_in_any_usual_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "comuni.csv"
    path.write_bytes((HEADER + ROWS).encode(encoding))
    rows = read_istat(path)
    assert [r.istat_code for r in rows] == ["031019", "027042"]
    assert rows[0].name == "San Floriano del Collio"
    assert rows[0].province_name == "Gorizia"
    assert rows[1].is_provincial_capital is True
    assert rows[0].is_provincial_capital is False


def test_it_rejects_a_file_without_the_needed_columns(tmp_path: Path) -> None:
    path = tmp_path / "comuni.csv"
    path.write_text("Codice;Nome\r\n001;Uno\r\n", encoding="utf-8")
    with pytest.raises(SourceError, match="Codice Regione"):
        read_istat(path)


def test_decode_falls_back_to_windows_1252() -> None:
    assert decode("Forlì Števerjan".encode("cp1252")) == "Forlì Števerjan"
    assert decode("Forlì".encode()) == "Forlì"


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Forlì", "forli"),
        ("Sant'Agata de' Goti", "sant agata de goti"),
        ("Sant\u2019Olcese", "sant olcese"),
        ("Castelbello-Ciardes", "castelbello ciardes"),
        ("  Cinisello   Balsamo ", "cinisello balsamo"),
        ("Bolzano/Bozen", "bolzano bozen"),
    ],
)
def test_normalise_name_ignores_case_accents_and_punctuation(raw: str, folded: str) -> None:
    assert normalise_name(raw) == folded


def row(code: str, name: str, region: str) -> IstatRow:
    return IstatRow(region, "R" + region, "0" + region, "P", "XX", code, name, "", False)


def test_matching_learns_the_region_codes_and_prefers_the_most_populous_place() -> None:
    rows = [
        row("001001", "Alfa", "01"),
        row("001002", "Beta", "01"),
        row("002001", "Gamma", "02"),
        row("002002", "Alfa", "02"),
        row("001003", "Delta", "01"),
    ]
    places = [
        Place("Beta", 45.1, 9.1, "12", 1000),
        Place("Gamma", 41.1, 14.1, "07", 1000),
        # "Alfa" exists in both regions: each municipality gets its own region's place.
        Place("Alfa", 45.2, 9.2, "12", 800),
        Place("Alfa", 41.2, 14.2, "07", 700),
        # Two places called Delta in region 01: the bigger one is the town.
        Place("Delta", 45.3, 9.3, "12", 50000),
        Place("Delta", 45.9, 9.9, "12", 600),
    ]
    match = match_coordinates(rows, places)
    assert match.admin1_to_region == {"12": "01", "07": "02"}
    assert match.coordinates["001001"] == (Decimal("45.200000"), Decimal("9.200000"))
    assert match.coordinates["002002"] == (Decimal("41.200000"), Decimal("14.200000"))
    assert match.coordinates["001003"] == (Decimal("45.300000"), Decimal("9.300000"))


def test_matching_leaves_out_two_municipalities_of_one_region_with_one_name() -> None:
    rows = [
        row("001001", "Beta", "01"),
        row("001002", "Doppio", "01"),
        row("001003", "Doppio", "01"),
    ]
    places = [Place("Beta", 45.1, 9.1, "12", 1000), Place("Doppio", 45.2, 9.2, "12", 1000)]
    match = match_coordinates(rows, places)
    assert "001002" not in match.coordinates
    assert "001003" not in match.coordinates
    assert match.ambiguous == {"001002", "001003"}


def test_matching_falls_back_to_alternate_names_and_ignores_places_outside_italy() -> None:
    rows = [row("001001", "Beta", "01"), row("001002", "Reggio nell'Emilia", "01")]
    places = [
        Place("Beta", 45.1, 9.1, "12", 1000),
        Place("Reggio Emilia", 44.7, 10.6, "12", 170000, ("Reggio nell'Emilia", "Rèz")),
        Place("Beta", 10.0, 9.1, "12", 99999),  # bad coordinates: never used
    ]
    match = match_coordinates(rows, places)
    assert match.coordinates["001002"] == (Decimal("44.700000"), Decimal("10.600000"))
    assert match.coordinates["001001"] == (Decimal("45.100000"), Decimal("9.100000"))


def test_matching_splits_bilingual_place_names() -> None:
    rows = [row("001001", "Beta", "01"), row("001002", "Valle di Casies", "01")]
    places = [
        Place("Beta", 46.7, 12.1, "17", 1000),
        Place("Valle di Casies - Gsies", 46.8, 12.2, "17", 2000),
    ]
    assert match_coordinates(rows, places).coordinates["001002"] == (
        Decimal("46.800000"),
        Decimal("12.200000"),
    )


def test_a_shorter_name_is_accepted_only_near_the_province_and_if_nobody_has_it() -> None:
    rows = [
        row("001001", "Beta", "01"),
        row("001002", "Gamma", "01"),
        row("001003", "Lampedusa e Linosa", "01"),  # -> "Lampedusa", near the others
        row("001004", "Delta Lontana", "01"),  # -> "Delta", but 100 km away
        row("001005", "Gamma Veronese", "01"),  # -> "Gamma", which is Gamma's own place
    ]
    places = [
        Place("Beta", 45.00, 9.00, "12", 1000),
        Place("Gamma", 45.05, 9.05, "12", 1000),
        Place("Lampedusa", 45.10, 9.10, "12", 1000),
        Place("Delta", 45.90, 9.90, "12", 1000),
    ]
    coordinates = match_coordinates(rows, places).coordinates
    assert coordinates["001003"] == (Decimal("45.100000"), Decimal("9.100000"))
    assert "001004" not in coordinates
    assert "001005" not in coordinates
