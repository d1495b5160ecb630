"""Money is Decimal in euro cents precision, rounded in one place."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CURRENCY = "EUR"
CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Parse and round to cents (half up); floats are refused on purpose."""
    if isinstance(value, float):
        raise TypeError("Money never comes from a float.")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"Not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
