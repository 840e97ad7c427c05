"""Finding a receipt by what a cashier types, and what to show of it before acting on it.

A receipt number is typed in full ("MAIN-001034"), or by its digits ("1034") when that
names one receipt of the till's store: receipts are numbered ``STORE-000000`` per store,
and a cashier reads the short number off the paper slip.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import NotFound, ShopError, ValidationError
from ..i18n import _
from ..models import Customer, Receipt
from . import sale_return
from .context import Actor, current_store
from .rows import by_id


@dataclass(frozen=True)
class ReceiptPreview:
    """What the till shows of a receipt before attaching or returning it."""

    id: int
    number: str
    kind: str
    at: dt.datetime
    total: int
    customer_id: int | None
    customer_name: str  # "" for a sale without a card
    customer_code: str


def find(typed: str, actor: Actor | None = None, field: str = "receipt") -> Receipt:
    """The receipt typed; only digits: the till store's receipt with that number."""
    text = (typed or "").strip()
    if not text:
        raise ValidationError(_("Type the receipt number."), field)
    try:
        return sale_return.find_receipt(text)
    except NotFound:
        if not text.isdigit() or len(text) > 12:
            raise ValidationError(_("There is no receipt {number}.").format(number=text), field) from None
    except ShopError as exc:
        raise ValidationError(str(exc), field) from None
    store = current_store(actor)
    found = Receipt.get_or_none((Receipt.store == store) & (Receipt.number == f"{store.code}-{int(text):06d}"))
    if found is None:
        raise ValidationError(
            _("There is no receipt {number} in store {store}.").format(number=text, store=store.code), field
        )
    return found


def preview(receipt: Receipt) -> ReceiptPreview:
    customer = Customer.get_or_none(Customer.id == receipt.customer_id) if receipt.customer_id else None
    return ReceiptPreview(
        receipt.id,
        receipt.number,
        receipt.kind,
        receipt.at,
        receipt.total,
        receipt.customer_id,
        customer.name if customer else "",
        customer.code if customer else "",
    )


def preview_of(typed: str, actor: Actor | None = None, field: str = "receipt") -> ReceiptPreview:
    return preview(find(typed, actor, field))


def preview_by_id(receipt_id: int) -> ReceiptPreview:
    return preview(by_id(Receipt, receipt_id, _("There is no such receipt.")))
