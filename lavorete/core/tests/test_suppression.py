"""Small-cell suppression: no count from 1 to 4 shown, none worked out from a total."""

from itertools import product

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lavorete.core.suppression import (
    SMALL_MARK,
    CellState,
    cell,
    is_protected,
    share,
    suppress_list,
    suppress_part,
    suppress_series,
)

# Counts as they occur: many small ones, zeros, some large.
counts = st.one_of(st.integers(0, 6), st.integers(0, 40), st.integers(0, 400))
series = st.lists(counts, min_size=1, max_size=6)


def _possible_sums(domains: list[range | list[int]], limit: int) -> set[int]:
    """Every sum the hidden cells could have, up to `limit` (explicit sets: no shortcut)."""
    sums = {0}
    for domain in domains:
        sums = {s + v for s in sums for v in domain if s + v <= limit}
    return sums


def reader_values(shown: list[int | None], states: list[CellState], total: int) -> list[set[int]]:
    """What a reader who knows the visible cells, the total and why each cell is hidden
    can tell about each hidden small cell: the set of values it may have."""
    hidden_mass = total - sum(v for v in shown if v is not None)
    domains: list[range | list[int]] = []
    for state in states:
        if state == CellState.SMALL:
            domains.append(range(1, 5))
        elif state == CellState.PROTECTED:
            domains.append([0, *range(5, hidden_mass + 1)])
        else:
            domains.append([0])  # shown cells add nothing to the hidden mass
    result: list[set[int]] = []
    for i, state in enumerate(states):
        if state != CellState.SMALL:
            result.append(set())
            continue
        others = _possible_sums(domains[:i] + domains[i + 1 :], hidden_mass)
        result.append({x for x in range(1, 5) if hidden_mass - x in others})
    return result


def test_it_hides_counts_from_one_to_four_and_shows_the_rest() -> None:
    assert [str(cell(n)) for n in range(7)] == ["0", SMALL_MARK, "<5", "<5", "<5", "5", "6"]
    assert cell(3).export() == "<5"
    assert cell(12).export() == 12


@settings(deadline=None)
@given(series)
def test_it_never_shows_a_small_count(values: list[int]) -> None:
    for with_total in (False, True):
        cells = suppress_list(values, sum(values) if with_total else None)
        for value, c in zip(values, cells, strict=True):
            assert c.value is None or c.value == value
            if 1 <= value <= 4:
                assert c.hidden


@settings(max_examples=400, deadline=None)
@given(series)
@example([4, 4])
@example([1, 5])
@example([4, 4, 0])
@example([1, 5, 9])
@example([3, 0, 0, 7])
@example([2, 2, 100])
def test_no_hidden_small_count_can_be_worked_out_from_the_total(values: list[int]) -> None:
    total = sum(values)
    result = suppress_series(dict(enumerate(values)), total)
    assert result.total is not None
    if result.total.hidden:
        assert 1 <= total <= 4
        return
    assert result.total.value == total
    if result.withheld:
        assert all(c.state == CellState.WITHHELD for c in result.cells.values())
        return
    shown = [result.cells[i].value for i in range(len(values))]
    states = [result.cells[i].state for i in range(len(values))]
    for i, candidates in enumerate(reader_values(shown, states, total)):
        if states[i] == CellState.SMALL:
            assert values[i] in candidates
            assert len(candidates) >= 2, (values, states)


@settings(deadline=None)
@given(series)
def test_it_hides_no_more_than_it_needs(values: list[int]) -> None:
    """Without small cells nothing else is hidden; a withheld series had no way out."""
    result = suppress_series(dict(enumerate(values)), sum(values))
    if not any(1 <= v <= 4 for v in values):
        assert not result.hidden_any
    if result.withheld:
        small = sum(1 for v in values if 1 <= v <= 4)
        assert not is_protected(sum(values), small, len(values) - small)


def test_one_small_municipality_hides_the_next_smallest() -> None:
    result = suppress_series({"Pioltello": 30, "Segrate": 3, "Rodano": 7, "Vignate": 0}, 40)
    assert [str(c) for c in result.cells.values()] == ["30", "<5", "n.d.", "0"]
    assert result.cells["Rodano"].state == CellState.PROTECTED


def test_two_cells_of_four_with_their_total_are_withheld() -> None:
    result = suppress_series({"Pioltello": 4, "Segrate": 4}, 8)
    assert result.withheld
    assert result.total is not None and result.total.value == 8


def test_a_series_without_total_gets_primary_suppression_only() -> None:
    assert [str(c) for c in suppress_list([3, 5, 0])] == ["<5", "5", "0"]


def test_it_refuses_cells_that_do_not_add_up() -> None:
    with pytest.raises(ValueError, match="add up"):
        suppress_series({"a": 1, "b": 2}, 10)


def test_share_is_hidden_with_its_count() -> None:
    assert share(cell(3), 10) is None
    assert share(cell(5), 10) == 50
    assert share(cell(5), cell(2)) is None
    assert share(cell(5), 0) is None


@pytest.mark.parametrize(
    ("mass", "small", "protected"), list(product(range(12), range(3), range(2)))
)
def test_is_protected_agrees_with_the_reader(mass: int, small: int, protected: int) -> None:
    states = [CellState.SMALL] * small + [CellState.PROTECTED] * protected
    if not states:
        assert is_protected(mass, 0, 0)
        return
    values = reader_values([None] * len(states), states, mass)
    if small and not values[0]:
        return  # no assignment at all: such a mass can't occur
    expected = all(len(v) >= 2 for v, s in zip(values, states, strict=True) if s == "small")
    assert is_protected(mass, small, protected) == expected


def test_a_small_rest_of_a_total_cant_be_worked_out_from_a_part() -> None:
    """Every whole up to 200 and every part of it: the reader sees the whole and how each
    possible part would read, and every part that reads like the true one must leave them
    at least two values for a small rest."""
    for whole in range(201):
        reads = [str(suppress_part(p, whole)) for p in range(whole + 1)]
        for part, shown in enumerate(reads):
            assert suppress_part(part, whole).value in (None, part)
            if 1 <= part <= 4:
                assert shown == "<5"
            if 1 <= whole - part <= 4 and whole >= 5:
                alike = {whole - p for p, other in enumerate(reads) if other == shown}
                assert len(alike) >= 2, (part, whole, shown)


def test_a_part_is_hidden_when_the_rest_is_small() -> None:
    assert str(suppress_part(231, 400)) == "231"
    assert str(suppress_part(398, 400)) == "n.d."
    assert str(suppress_part(400, 400)) == "400"
    assert str(suppress_part(3, 400)) == "<5"
    # Under a hidden whole only 0 and the small marks show.
    assert [str(suppress_part(p, 9, whole_shown=False)) for p in (0, 3, 7)] == ["0", "<5", "n.d."]
    # A whole of 6: 5 and 6 read alike, so "n.d." doesn't say the rest is 1.
    assert [str(suppress_part(p, 6)) for p in range(7)] == [
        "0",
        "<5",
        "<5",
        "<5",
        "<5",
        "n.d.",
        "n.d.",
    ]
