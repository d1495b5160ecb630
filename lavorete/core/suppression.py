"""Small-cell suppression (k = 5) for every figure published about people.

Primary suppression: a count from 1 to 4 is never shown; it reads "<5".
Zero is shown (nobody is described by it) and so is every count from 5 up.

Secondary suppression protects a hidden cell from being worked out from its
series' total. It applies to additive series (the cells split the total: people
by municipality, by status, by current stage, placements by contract type);
overlapping series (categories, the stages people reached) have no total their
cells add up to and get primary suppression only.

The reader we guard against knows the visible cells, the exact total and, for
every hidden cell, why it is hidden: "<5" (a count from 1 to 4) or "n.d."
(hidden to protect another cell, so 0 or 5 and more). From these they know the
hidden cells add up to D = total - visible cells. A small cell is *disclosed*
when only one value from 1 to 4 is consistent with D and the other hidden
cells' ranges. Totals stay exact (they are the programme's headline figures,
shown elsewhere too); instead:

1. while some small cell of the series is disclosed, the smallest visible
   cell of 5 or more is hidden too ("n.d."), then, if none is left, a visible
   zero;
2. when every cell is hidden and a small cell is still disclosed (e.g. two
   municipalities with 4 people each and a total of 8), the whole breakdown is
   withheld: no cell and no label is published, only the total.

A count published beside a total it is part of (the women among the people
reached) is a cell of a two-cell series whose other cell, the rest, is never
published but is known by subtraction: `suppress_part` hides the part when the
rest is small.

With other hidden cells adding up to some S, a small cell x is consistent
with D when D - x is a possible S: q other small cells add up to [q, 4q], and
any "n.d." cells add 0 or at least 5. Rounding totals was rejected: any fixed
rounding of an exact-celled series gives a cell away at the rounding edges.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from django.utils.translation import gettext_lazy as _

K = 5
SMALL = range(1, K)

SMALL_MARK = "<5"


class CellState(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # primary: a count from 1 to 4
    PROTECTED = "protected"  # secondary: hidden so a small cell can't be derived
    WITHHELD = "withheld"  # the whole breakdown is too thin to publish


def is_small(count: int | None) -> bool:
    """Is `count` too small to publish (1 to 4)?"""
    return count is not None and 1 <= count < K


@dataclass(frozen=True)
class Cell:
    """A published count: its value when shown, else only why it is hidden."""

    value: int | None
    state: CellState

    @property
    def shown(self) -> bool:
        return self.state == CellState.SHOWN

    @property
    def hidden(self) -> bool:
        return not self.shown

    def __str__(self) -> str:
        if self.state == CellState.SHOWN:
            return str(self.value)
        if self.state == CellState.SMALL:
            return SMALL_MARK
        return str(NOT_AVAILABLE)

    def export(self) -> int | str:
        """The value for a spreadsheet: the number, or the mark that hides it."""
        return self.value if self.value is not None else str(self)


NOT_AVAILABLE = _("n.d.")


def cell(count: int) -> Cell:
    """Primary suppression of one count."""
    if is_small(count):
        return Cell(None, CellState.SMALL)
    return Cell(count, CellState.SHOWN)


def suppress_part(part: int, whole: int, *, whole_shown: bool = True) -> Cell:
    """A count published beside a total it is part of (women among the people reached).

    The rest (whole - part) is never published, but anyone can subtract: the part is
    hidden ("n.d.") when the rest is from 1 to 4. When only one part could hide a small
    rest (a whole of 6: a part of 5), a part equal to the whole is hidden too, or "n.d."
    would say the rest is 1. When the whole is hidden itself, so is every part but 0, so
    no part tells more about the whole than its own mark does.
    """
    if is_small(part):
        return Cell(None, CellState.SMALL)
    if not whole_shown:
        return cell(part) if part == 0 else Cell(None, CellState.PROTECTED)
    rest = whole - part
    if is_small(whole) or rest < 0:
        return cell(part)
    could_hide = range(max(K, whole - (K - 1)), whole)  # parts of 5 or more with a small rest
    if is_small(rest) or (rest == 0 and len(could_hide) == 1):
        return Cell(None, CellState.PROTECTED)
    return Cell(part, CellState.SHOWN)


L = TypeVar("L")


@dataclass(frozen=True)
class Series(Generic[L]):
    """A suppressed breakdown: one cell per label and the total, or withheld altogether."""

    cells: dict[L, Cell]
    total: Cell | None
    withheld: bool = False

    @property
    def hidden_any(self) -> bool:
        return any(c.hidden for c in self.cells.values())


def _consistent_values(hidden_mass: int, other_small: int, other_protected: bool) -> list[int]:
    """The values 1-4 one small cell may have, given what the other hidden cells may add up to."""

    def possible(rest: int) -> bool:
        among_small = other_small <= rest <= 4 * other_small
        with_protected = other_protected and rest >= other_small + K
        return among_small or with_protected

    return [x for x in SMALL if possible(hidden_mass - x)]


def is_protected(hidden_mass: int, small: int, protected: int) -> bool:
    """Can no small cell be worked out, when `small` small and `protected` "n.d." cells
    add up to `hidden_mass`?

    All small cells look alike to the reader, so checking one checks them all.
    """
    if small == 0:
        return True
    return len(_consistent_values(hidden_mass, small - 1, protected > 0)) >= 2


def suppress_series(counts: Mapping[L, int], total: int | None = None) -> Series[L]:
    """Suppress a breakdown; with `total`, the cells must add up to it (secondary suppression)."""
    cells = {label: cell(count) for label, count in counts.items()}
    if total is None:
        return Series(cells, None)
    if sum(counts.values()) != total:
        raise ValueError("the cells of an additive series must add up to its total")
    total_cell = cell(total)
    if total_cell.hidden:
        # Every cell is 0 or small: zeros reveal nothing once the total is hidden.
        return Series(cells, total_cell)
    small = sum(1 for c in cells.values() if c.state == CellState.SMALL)
    protected = 0
    hidden_mass = sum(counts[label] for label, c in cells.items() if c.hidden)
    # Candidates to hide: the smallest counts of 5 or more first, zeros last.
    candidates = sorted(
        (label for label, c in cells.items() if c.shown),
        key=lambda label: (counts[label] == 0, counts[label]),
    )
    while not is_protected(hidden_mass, small, protected):
        if not candidates:
            withheld = {label: Cell(None, CellState.WITHHELD) for label in counts}
            return Series(withheld, total_cell, withheld=True)
        label = candidates.pop(0)
        cells[label] = Cell(None, CellState.PROTECTED)
        protected += 1
        hidden_mass += counts[label]
    return Series(cells, total_cell)


def suppress_list(counts: Sequence[int], total: int | None = None) -> list[Cell]:
    """`suppress_series` over a list; a withheld series comes back as all withheld cells."""
    series = suppress_series(dict(enumerate(counts)), total)
    return [series.cells[i] for i in range(len(counts))]


def share(part: Cell, whole: Cell | int | None) -> int | None:
    """`part` as a whole percentage of `whole`, or None when either is hidden or nothing."""
    whole_value = whole.value if isinstance(whole, Cell) else whole
    if part.value is None or not whole_value:
        return None
    return round(part.value * 100 / whole_value)
