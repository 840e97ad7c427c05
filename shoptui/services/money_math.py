"""Exact integer arithmetic for shares of money and points (half-up, never float)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def share_of(amount: int, numerator: int, denominator: int) -> int:
    """``amount × numerator / denominator`` rounded half-up to a whole minor unit."""
    if denominator == 0:
        return 0
    return int((Decimal(amount) * numerator / denominator).to_integral_value(rounding=ROUND_HALF_UP))


def cumulative_share(amount: int, done_before: int, done_now: int, whole: int) -> int:
    """The part of ``amount`` that goes with ``done_now`` more out of ``whole``, given
    ``done_before`` already taken. Rounding the running total (not each step) makes the
    parts of several partial returns add up to exactly ``amount`` at the end."""
    return share_of(amount, done_before + done_now, whole) - share_of(amount, done_before, whole)


def round_qty_price(qty: Decimal, unit_price: int) -> int:
    return int((Decimal(qty) * unit_price).to_integral_value(rounding=ROUND_HALF_UP))
