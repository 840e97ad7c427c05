"""Cash rounding (issue 12), as Odoo's cash rounding does it: only the cash part of a sale
or of a cash refund is rounded, half-up, to the shop's step (``cash_rounding``, in minor
units: 500 or 1000 đồng, 5 for CHF's 0.05; 0: none, the default for every currency).
The receipt's total stays exact, so revenue is unchanged; a ``rounding`` payment row
holds the difference (exact cash − cash taken or paid back), so that every receipt's
payments still add up to its total. Card, transfer, points, vouchers, gift cards and
credit are always exact.

A ``rounding`` row is signed: on a sale, positive when the customer paid less cash than
the exact amount (the shop gave the difference), negative when they paid more; on a
return (whose payments are what is paid back), positive when less cash was paid back.
"""

from __future__ import annotations

from ..errors import ValidationError
from ..i18n import _
from . import settings
from .amounts import shown


def step() -> int:
    """The step cash is rounded to now, in minor units (0: no rounding)."""
    return settings.get_int("cash_rounding")


def infer_step(cash: int, rounding: int, kind: str = "sale") -> int:
    """The step a receipt with ``cash`` taken (or paid back) and a ``rounding`` row was
    rounded to: the smallest 1-2-5 step of which the cash is a multiple and the rounding at
    most half (a return's, failing that, under one step: ``split_refund``); 0 without a
    rounding, or when no step fits. ``fault`` then judges the receipt under it (half-up)."""
    if not rounding:
        return 0
    for candidate in settings.CASH_STEPS:
        if cash % candidate == 0 and 2 * abs(rounding) <= candidate:
            return candidate
    if kind != "sale":  # rounded on the running total of its sale's refunds: under one step
        for candidate in settings.CASH_STEPS:
            if cash % candidate == 0 and abs(rounding) < candidate:
                return candidate
    return 0


def fault(
    kind: str, total: int, cash: int | None, rounding: int, step_of_receipt: int, before: tuple[int, int] | None = None
) -> str | None:
    """What is wrong with a receipt's cash and rounding under the step it was paid under
    (``cash_step``), the same rule for an import and for ``check``; None: nothing.

    A rounding row only beside a cash row, never on a receipt of total 0 nor without a
    step; the cash is a multiple of the step; a sale's cash is its exact cash (cash +
    rounding) rounded half-up; a return's rounding is under one step."""
    if not rounding:
        if cash and step_of_receipt > 0 and cash % step_of_receipt and kind == "sale":
            return "multiple"
        return None
    if cash is None:
        return "no_cash"
    if total == 0:
        return "total_zero"
    if step_of_receipt <= 0 or cash % step_of_receipt:
        return "multiple" if step_of_receipt > 0 else "too_big"
    if kind == "sale":
        exact = cash + rounding
        return None if exact >= 0 and round_cash(exact, step_of_receipt) == cash else "too_big"
    # A return: its exact cash rounded on its own, or on the running total of its sale's
    # cash refunds (``before``: the cash they paid back and the exact cash they owed).
    exact = cash + rounding
    if exact >= 0 and round_cash(exact, step_of_receipt) == cash:
        return None
    if before is not None and abs(rounding) < step_of_receipt and before[0] % step_of_receipt == 0:
        if before[0] + cash == round_cash(before[1] + exact, step_of_receipt):
            return None
    return "too_big"


def fault_sentence(reason: str, rounding: int, step_of_receipt: int) -> str:
    """One sentence naming ``fault``'s reason, for an import's row."""
    amount = shown(rounding)
    if reason == "no_cash":
        return _("A cash rounding of {amount} is only possible on a receipt with cash.").format(amount=amount)
    if reason == "total_zero":
        return _("A receipt with a total of 0 cannot have a cash rounding.").format()
    if reason == "multiple":
        return _("The cash is not a multiple of the cash rounding step {step}.").format(step=shown(step_of_receipt))
    return _("A cash rounding of {amount} is not what rounding the cash half-up to a step gives.").format(amount=amount)


def round_cash(amount: int, step_now: int) -> int:
    """``amount`` (not negative) rounded half-up to a multiple of ``step_now``."""
    if step_now <= 0:
        return amount
    whole, rest = divmod(amount, step_now)
    return (whole + (1 if 2 * rest >= step_now else 0)) * step_now


def split_cash(exact: int, step_now: int) -> tuple[int, int]:
    """The cash a sale takes for ``exact`` owed in cash, and its rounding row's amount."""
    cash = round_cash(exact, step_now)
    return cash, exact - cash


def split_refund(exact: int, cash_before: int, exact_before: int, step_now: int) -> tuple[int, int]:
    """The cash a return pays back for ``exact`` owed in cash, and its rounding.

    Rounded on the running total of the sale's cash refunds (``exact_before`` owed in cash
    by its earlier returns, ``cash_before`` actually paid back): so the cash paid back over
    several partial returns is the rounded sum of what they owed, and a sale paid in cash
    and returned in full, in one go or in parts, gives back exactly the cash it took —
    no return pays back a rounding twice. Where the running total cannot serve (the earlier
    returns were paid back to another step, or none), this return is rounded on its own, so
    that the cash paid back is always a multiple of the step a drawer can pay."""
    if step_now <= 0 or exact == 0:
        return exact, 0
    cash = round_cash(exact_before + exact, step_now) - cash_before
    if cash_before % step_now or cash < 0 or abs(exact - cash) >= step_now:
        cash = round_cash(exact, step_now)
    return cash, exact - cash


def check_imported(kind: str, total: int, cash: int, rounding: int, before: tuple[int, int] | None = None) -> int:
    """An imported receipt's step (inferred from its cash and rounding: it brings its own),
    refused with one sentence where ``check`` would name it."""
    step_of_receipt = infer_step(cash, rounding, kind)
    reason = fault(kind, total, cash, rounding, step_of_receipt, before)
    if reason:
        raise ValidationError(fault_sentence(reason, rounding, step_of_receipt), "cash_rounding")
    return step_of_receipt
