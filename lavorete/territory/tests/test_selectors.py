"""Searching municipalities and reading them from the district form's lines."""

import pytest

from lavorete.territory.models import District, Municipality, Province, Region
from lavorete.territory.selectors import (
    district_list,
    district_municipalities,
    municipality_lines_resolve,
    municipality_search,
)

pytestmark = pytest.mark.django_db


def names(queryset: object, limit: int = 5) -> list[str]:
    return [m.name for m in list(queryset)[:limit]]  # type: ignore[call-overload]


def test_search_ignores_case_and_accents_and_puts_exact_names_first() -> None:
    # Among equally good matches the order depends on the database's collation.
    forli = names(municipality_search("forli"), 3)
    assert forli[0] == "Forlì"
    assert set(forli) == {"Forlì", "Forlì del Sannio", "Forlimpopoli"}
    assert names(municipality_search("FORLÌ"), 1) == ["Forlì"]
    paterno = names(municipality_search("paterno"))
    assert set(paterno[:2]) == {"Paterno", "Paternò"}
    assert {"Paterno Calabro", "Paternopoli"} <= set(paterno[2:])


def test_search_puts_names_starting_with_the_query_before_names_containing_it() -> None:
    results = names(municipality_search("bergamo"), 10)
    assert results[0] == "Bergamo"
    assert set(results) >= {"Bergamo"}
    assert names(municipality_search("san giovanni bi"), 1) == ["San Giovanni Bianco"]
    assert "Cinisello Balsamo" in names(municipality_search("balsamo"), 10)


def test_search_matches_apostrophes_and_hyphens_typed_or_not() -> None:
    assert "Sant'Olcese" in names(municipality_search("sant olcese"))
    assert "Sant'Olcese" in names(municipality_search("Sant’Olcese"))
    assert "Castelbello-Ciardes" in names(municipality_search("castelbello ciardes"))


def test_search_reads_numbers_as_istat_codes_and_cadastral_codes() -> None:
    assert names(municipality_search("015175")) == ["Pioltello"]
    assert names(municipality_search("15175")) == ["Pioltello"]
    assert names(municipality_search("G686")) == ["Pioltello"]
    assert names(municipality_search("999999")) == []


def test_search_filters_by_region_and_province() -> None:
    lombardia = Region.objects.get(name="Lombardia")
    bergamo = Province.objects.get(abbreviation="BG")
    assert {m.province.region_id for m in municipality_search("castro", region=lombardia)} == {
        lombardia.pk
    }
    in_province = municipality_search(province=bergamo)
    assert in_province.count() == Municipality.objects.filter(province=bergamo).count()
    assert names(municipality_search("castro", province=bergamo), 1) == ["Castro"]
    assert names(municipality_search("castro", province=bergamo.pk), 1) == ["Castro"]


def test_search_of_punctuation_only_finds_nothing() -> None:
    assert names(municipality_search("'-*")) == []


def test_search_reads_province_and_region_in_the_same_query(
    django_assert_num_queries: object,
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        rows = [
            (m.province.abbreviation, m.province.region.name)
            for m in municipality_search("san")[:50]
        ]
    assert len(rows) == 50


def test_lines_resolve_codes_names_and_names_with_province() -> None:
    resolved = municipality_lines_resolve(
        "015175\nSegrate\n\n  samone (to)  \n016024 Bergamo (BG)\nPioltello\n"
    )
    assert resolved.errors == []
    assert [m.istat_code for m in resolved.municipalities] == [
        "015175",
        "015205",
        "001235",
        "016024",
    ]


def test_lines_resolve_names_each_bad_line() -> None:
    resolved = municipality_lines_resolve("Pioltello\nSamone\nAtlantide\n123456")
    assert [m.name for m in resolved.municipalities] == ["Pioltello"]
    assert len(resolved.errors) == 3
    assert 'Line 2 ("Samone")' in resolved.errors[0]
    assert "Samone (TN), Samone (TO)" in resolved.errors[0]
    assert 'Line 3 ("Atlantide")' in resolved.errors[1]
    assert 'Line 4 ("123456")' in resolved.errors[2]


def test_lines_resolve_refuses_a_name_in_the_wrong_province() -> None:
    resolved = municipality_lines_resolve("Pioltello (BG)")
    assert resolved.municipalities == []
    assert len(resolved.errors) == 1


def test_district_list_counts_municipalities(district: District) -> None:
    [listed] = list(district_list())
    assert listed.municipality_count == 2  # type: ignore[attr-defined]
    assert names(district_municipalities(district)) == ["Pioltello", "Segrate"]
