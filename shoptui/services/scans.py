"""What a scanned (or typed) code is: one lookup that every screen and field asks.

The shop's data decides, in this order: a loyalty card bound to a customer (or one that
was, and was withdrawn or replaced), a gift card, a voucher, a product (barcode or sku),
a customer code, a receipt number; else the code is unknown, and then it says whether it
could become a new card of this shop (its card number rule) and whether it reads as a
phone number. The order matters where one code is several things: a card the shop gave
out is the customer's before anything else.

Read-only, and each step is one indexed lookup, so a scan stays well under a
millisecond's work on a shop of a million customers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import phones
from ..errors import ShopError
from ..i18n import _
from ..models import Card, Customer, Product, Receipt, Store, Voucher
from . import cards, settings

KINDS = ("loyalty", "withdrawn", "gift", "voucher", "product", "customer", "receipt", "unknown")


@dataclass(frozen=True)
class Scan:
    """``kind`` is one of ``KINDS``; the other fields are those that kind has."""

    kind: str
    code: str
    customer_id: int | None = None
    customer_name: str = ""
    customer_code: str = ""
    # a withdrawn card: when and why its binding ended, and the card that replaced it
    ended_at: dt.datetime | None = None
    end_reason: str | None = None
    replaced_by: str | None = None
    product_sku: str = ""
    product_name: str = ""
    receipt_id: int | None = None
    # an unknown code: why it cannot be a new card of this shop (None: it can)
    new_card_refusal: str | None = None
    phone_like: bool = False

    @property
    def opens_customer(self) -> bool:
        return self.kind in ("loyalty", "customer") and self.customer_id is not None


def classify(text: str) -> Scan:
    code = text.strip()
    found = cards.resolve_scan(code)
    if found.kind in ("known", "withdrawn", "gift", "customer"):
        return _of_card(found)
    voucher = Voucher.get_or_none(Voucher.code == code)
    if voucher is not None:
        return Scan("voucher", code)
    product = Product.get_or_none(Product.barcode == code) or Product.get_or_none(Product.sku == code)
    if product is not None:
        return Scan("product", code, product_sku=product.sku, product_name=product.name)
    receipt = _receipt(code)
    if receipt is not None:
        return Scan("receipt", code, receipt_id=receipt.id, customer_id=receipt.customer_id)
    return Scan(
        "unknown",
        code,
        new_card_refusal=_new_card_refusal(code),
        phone_like=phones.normalize(code, settings.region()) is not None,
    )


def first_known(readings: list[str]) -> Scan:
    """The first of several readings of one scan (a keyboard layout may have changed its
    letters) that the shop knows; else the first reading, unknown."""
    for text in readings:
        scan = classify(text)
        if scan.kind != "unknown":
            return scan
    return classify(readings[0])


def _of_card(found: cards.ScanResult) -> Scan:
    customer: Customer | None = found.customer
    binding = found.binding
    kind = "loyalty" if found.kind == "known" else found.kind
    return Scan(
        kind,
        found.barcode,
        customer_id=customer.id if customer else None,
        customer_name=customer.name if customer else "",
        customer_code=customer.code if customer else "",
        ended_at=binding.ended_at if binding is not None and kind == "withdrawn" else None,
        end_reason=binding.end_reason if binding is not None and kind == "withdrawn" else None,
        replaced_by=binding.replaced_by.barcode if binding is not None and binding.replaced_by is not None else None,
    )


def _receipt(code: str) -> Receipt | None:
    # Through the (store, number) index, one probe per store: a number alone is not indexed.
    if not code or len(code) > 64:
        return None
    stores = [s.id for s in Store.select(Store.id)]
    found = list(
        Receipt.select(Receipt.id, Receipt.customer)
        .where(Receipt.store.in_(stores) & (Receipt.number == code))
        .limit(2)
    )
    return found[0] if len(found) == 1 else None


def _new_card_refusal(code: str) -> str | None:
    try:
        cards.clean_barcode(code)
    except ShopError as exc:  # a refusal of the text itself (spaces, too long, control characters)
        return str(exc)
    return cards.rule_refusal(code)


# What a new gift card or voucher code may not be: one code, one meaning (issue 12).
NEW_CODE_KINDS = ("gift", "voucher")


def new_code_refusal(text: str, kind: str) -> str | None:
    """Why ``text`` cannot become a new gift card (``kind`` "gift") or voucher code
    ("voucher") of this shop, or None when it can. A scan at the till reads one meaning
    per code, so a new code may not be a product's barcode or SKU, a loyalty card (held
    now or before), a customer's code, or the other kind's code, in any letter case.
    An existing gift card is not refused here (selling on it is a top-up); an existing
    voucher is refused by the voucher's own rule (there is already one)."""
    code = text.strip()
    if not code:
        return None
    spellings = list(dict.fromkeys((code, code.upper(), code.lower())))
    product = Product.select(Product.name).where(Product.barcode.in_(spellings) | Product.sku.in_(spellings)).first()
    if product is not None:
        return _("This is a product: {name}").format(name=product.name)
    for card in Card.select().where(Card.barcode.in_(spellings)).order_by(Card.id):
        if card.kind == "gift":
            if kind == "voucher" or card.barcode != code:
                return _("This is a gift card: {code}").format(code=card.barcode)
            continue
        found = cards.resolve_scan(card.barcode)
        if found.kind == "known" and found.customer is not None:
            return _("This is {name}'s card").format(name=found.customer.name)
        if found.kind == "withdrawn" and found.customer is not None:
            return _("This is a card {name} held before").format(name=found.customer.name)
        return _("This is a card of this shop: {code}").format(code=card.barcode)
    customer = Customer.select(Customer.name).where(Customer.code.in_(spellings)).first()
    if customer is not None:
        return _("This is {name}'s customer code").format(name=customer.name)
    voucher = Voucher.select(Voucher.code).where(Voucher.code.in_(spellings)).first()
    if voucher is not None and (kind == "gift" or voucher.code != code):
        return _("This is a voucher: {code}").format(code=voucher.code)
    return None
