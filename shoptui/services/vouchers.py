"""Vouchers and coupons (amount or percent, validity, uses, optional customer) and gift cards."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from .. import clock
from ..errors import NotFound, RuleViolation, ValidationError
from ..i18n import _
from ..models import Card, Customer, GiftCardEntry, Voucher, VoucherUse
from .audit import record
from .context import Actor, require
from .cards import clean_barcode
from .customers import clean_text
from .ledger import write_transaction
from .money_math import share_of


def create_voucher(
    code: str,
    kind: str,
    value: int,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    max_uses: int | None = 1,
    customer: Customer | None = None,
    actor: Actor | None = None,
    *,
    at: dt.datetime | None = None,
) -> Voucher:
    require(actor, "vouchers")
    code = clean_text(code, "code", 64)
    if not code:
        raise ValidationError(_("A voucher needs a code."), "code")
    if kind not in ("amount", "percent"):
        raise ValidationError(_("A voucher is an amount or a percent."), "kind")
    if value <= 0 or (kind == "percent" and value > 10000):
        raise ValidationError(_("The voucher's value is not possible."), "value")
    if max_uses is not None and max_uses < 1:
        raise ValidationError(_("A voucher can be used at least once."), "max_uses")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(_("The voucher ends before it starts."), "valid_to")
    with write_transaction():
        if Voucher.select().where(Voucher.code == code).exists():
            raise ValidationError(_("There is already a voucher {code}.").format(code=code), "code")
        voucher = Voucher.create(
            code=code, kind=kind, value=value, valid_from=valid_from, valid_to=valid_to,
            max_uses=max_uses, customer=customer, created_at=at or clock.now(),
        )
        record(actor, "voucher.create", "voucher", voucher.id, None, {"code": code, "kind": kind, "value": value}, at=at)
    return voucher


def uses_of(voucher: Voucher) -> int:
    return VoucherUse.select().where(VoucherUse.voucher == voucher).count()


def usable_voucher(code: str, customer: Customer | None, day: dt.date) -> Voucher:
    """The voucher if it may pay a receipt of ``customer`` on ``day``; else a clear refusal."""
    voucher = Voucher.get_or_none(Voucher.code == code.strip())
    if voucher is None:
        raise NotFound(_("There is no voucher {code}.").format(code=code))
    if voucher.valid_from and day < voucher.valid_from:
        raise RuleViolation(_("Voucher {code} is valid from {date}.").format(code=voucher.code, date=voucher.valid_from.isoformat()))
    if voucher.valid_to and day > voucher.valid_to:
        raise RuleViolation(_("Voucher {code} expired on {date}.").format(code=voucher.code, date=voucher.valid_to.isoformat()))
    if voucher.max_uses is not None and uses_of(voucher) >= voucher.max_uses:
        raise RuleViolation(_("Voucher {code} has already been used.").format(code=voucher.code))
    if voucher.customer_id is not None and (customer is None or customer.id != voucher.customer_id):
        raise RuleViolation(_("Voucher {code} belongs to another customer.").format(code=voucher.code))
    return voucher


def voucher_amount(voucher: Voucher, payable: int) -> int:
    """What the voucher pays of ``payable``: its amount, or its percent rounded half-up."""
    if voucher.kind == "amount":
        return min(voucher.value, payable)
    return min(share_of(payable, voucher.value, 10000), payable)


def gift_balance(card: Card) -> int:
    value = GiftCardEntry.select(pw.fn.COALESCE(pw.fn.SUM(GiftCardEntry.amount), 0)).where(GiftCardEntry.card == card).scalar()
    return int(value or 0)


def gift_card(barcode: str) -> Card:
    card = Card.get_or_none((Card.barcode == barcode.strip()) & (Card.kind == "gift"))
    if card is None:
        raise NotFound(_("There is no gift card {barcode}.").format(barcode=barcode))
    return card


def load_gift_card(barcode: str, amount: int, actor: Actor | None = None, *, at: dt.datetime | None = None) -> Card:
    """Sell a new gift card with ``amount`` on it, or top up an existing one."""
    require(actor, "gift_cards")
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), "amount")
    code = clean_barcode(barcode)
    when = at or clock.now()
    with write_transaction():
        card = Card.get_or_none(Card.barcode == code)
        if card is None:
            card = Card.create(barcode=code, kind="gift", created_at=when)
            kind = "issue"
        elif card.kind != "gift":
            raise RuleViolation(_("Card {barcode} is not a gift card.").format(barcode=code))
        else:
            kind = "topup"
        GiftCardEntry.create(card=card, at=when, kind=kind, amount=amount, user=actor.user_id if actor else None)
        record(actor, f"giftcard.{kind}", "card", card.id, None, {"amount": amount}, at=when)
    return card
