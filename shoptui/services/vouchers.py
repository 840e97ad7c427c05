"""Vouchers and coupons (amount or percent, validity, uses, optional customer) and gift cards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from .. import clock
from ..errors import NotFound, RuleViolation, ValidationError
from ..i18n import _
from ..models import Card, Customer, GiftCardEntry, Receipt, User, Voucher, VoucherUse
from ..money import within_maximum
from . import settings
from .audit import record
from .cards import clean_barcode
from .context import Actor, require
from .customers import clean_text
from .ledger import post_gift, write_transaction
from .money_math import share_of
from .scans import new_code_refusal


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
    note: str = "",
) -> Voucher:
    require(actor, "vouchers")
    code = clean_text(code, "code", 64)
    if not code:
        raise ValidationError(_("A voucher needs a code."), "code")
    if any(c.isspace() for c in code):
        # It is typed or scanned at the till as one word.
        raise ValidationError(_("A voucher code is one word, without spaces."), "code")
    note = clean_text(note, "note", 500)
    if kind not in ("amount", "percent"):
        raise ValidationError(_("A voucher is an amount or a percent."), "kind")
    if value <= 0 or (kind == "percent" and value > 10000):
        raise ValidationError(_("The voucher's value is not possible."), "value")
    if kind == "amount":
        within_maximum(value, settings.currency(), "value")
    if max_uses is not None and max_uses < 1:
        raise ValidationError(_("A voucher can be used at least once."), "max_uses")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(_("The voucher ends before it starts."), "valid_to")
    with write_transaction():
        if Voucher.select().where(Voucher.code == code).exists():
            raise ValidationError(_("There is already a voucher {code}.").format(code=code), "code")
        clash = new_code_refusal(code, "voucher")  # one code, one meaning at the till
        if clash is not None:
            raise ValidationError(clash, "code")
        voucher = Voucher.create(
            code=code,
            kind=kind,
            value=value,
            valid_from=valid_from,
            valid_to=valid_to,
            max_uses=max_uses,
            customer=customer,
            created_at=at or clock.now(),
            note=note,
        )
        record(
            actor, "voucher.create", "voucher", voucher.id, None, {"code": code, "kind": kind, "value": value}, at=at
        )
    return voucher


def uses_of(voucher: Voucher) -> int:
    return VoucherUse.select().where(VoucherUse.voucher == voucher).count()


def usable_voucher(code: str, customer: Customer | None, day: dt.date) -> Voucher:
    """The voucher if it may pay a receipt of ``customer`` on ``day``; else a clear refusal."""
    voucher = Voucher.get_or_none(Voucher.code == code.strip())
    if voucher is None:
        raise NotFound(_("There is no voucher {code}.").format(code=code))
    if voucher.valid_from and day < voucher.valid_from:
        raise RuleViolation(
            _("Voucher {code} is valid from {date}.").format(code=voucher.code, date=voucher.valid_from.isoformat())
        )
    if voucher.valid_to and day > voucher.valid_to:
        raise RuleViolation(
            _("Voucher {code} expired on {date}.").format(code=voucher.code, date=voucher.valid_to.isoformat())
        )
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
    value = (
        GiftCardEntry.select(pw.fn.COALESCE(pw.fn.SUM(GiftCardEntry.amount), 0))
        .where(GiftCardEntry.card == card)
        .scalar()
    )
    return int(value or 0)


def gift_card(barcode: str) -> Card:
    card = Card.get_or_none((Card.barcode == barcode.strip()) & (Card.kind == "gift"))
    if card is None:
        raise NotFound(_("There is no gift card {barcode}.").format(barcode=barcode))
    return card


def load_gift_card(
    barcode: str, amount: int, actor: Actor | None = None, *, at: dt.datetime | None = None, method: str = "cash"
) -> Card:
    """Sell a new gift card with ``amount`` on it, or top up an existing one."""
    return top_up_gift_card(barcode, amount, method, actor, at=at).card


# How the buyer paid for a gift card's value (the till's money methods).
GIFT_PAYMENT_METHODS = ("cash", "card", "transfer")


@dataclass(frozen=True)
class GiftTopUp:
    """What a sale or top-up of a gift card recorded: its slip."""

    card: Card
    entry: GiftCardEntry
    kind: str  # "issue" (a new card sold) or "topup"
    amount: int
    method: str
    balance_before: int
    balance_after: int


def top_up_gift_card(
    barcode: str, amount: int, method: str = "cash", actor: Actor | None = None, *, at: dt.datetime | None = None
) -> GiftTopUp:
    """Sell a new gift card with ``amount`` on it, or top up an existing one, paid by
    ``method``. One transaction: the entry of the card's ledger and its audit entry.

    The entry's ``reason`` holds the payment method (GiftCardEntry has no column of its
    own for it); sales of gift cards are no revenue: the money is the card holder's."""
    require(actor, "gift_cards")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), "amount")
    within_maximum(amount, settings.currency())
    if method not in GIFT_PAYMENT_METHODS:
        raise ValidationError(
            _("The payment method must be one of: {choices}.").format(choices=", ".join(GIFT_PAYMENT_METHODS)), "method"
        )
    code = clean_barcode(barcode)
    when = at or clock.now()
    with write_transaction():
        card = Card.get_or_none(Card.barcode == code)
        if card is None:
            clash = new_code_refusal(code, "gift")  # one code, one meaning at the till
            if clash is not None:
                raise ValidationError(clash, "barcode")
            card = Card.create(barcode=code, kind="gift", created_at=when)
            kind = "issue"
        elif card.kind != "gift":
            clash = new_code_refusal(code, "gift")
            if clash is not None:
                raise ValidationError(clash, "barcode")
            raise RuleViolation(_("Card {barcode} is not a gift card.").format(barcode=code))
        else:
            kind = "topup"
        before = gift_balance(card)
        entry = post_gift(card, kind, amount, user=actor.user_id if actor else None, reason=method, at=when)
        record(actor, f"giftcard.{kind}", "card", card.id, None, {"amount": amount, "method": method}, at=when)
    return GiftTopUp(card, entry, kind, amount, method, before, before + amount)


@dataclass(frozen=True)
class GiftEntryRow:
    at: dt.datetime
    kind: str
    amount: int  # signed
    receipt_number: str
    user_name: str
    reason: str


@dataclass(frozen=True)
class GiftCardView:
    """A gift card's balance and its ledger, newest first (at most ``limit`` entries)."""

    barcode: str
    balance: int
    sold_at: dt.datetime
    entries: list[GiftEntryRow]
    entry_count: int


def gift_card_view(barcode: str, limit: int = 50) -> GiftCardView:
    card = gift_card(barcode)
    query = (
        GiftCardEntry.select(GiftCardEntry, Receipt.number.alias("receipt_number"), User.name.alias("user_name"))
        .join(Receipt, pw.JOIN.LEFT_OUTER, on=(GiftCardEntry.receipt == Receipt.id))
        .switch(GiftCardEntry)
        .join(User, pw.JOIN.LEFT_OUTER, on=(GiftCardEntry.user == User.id))
        .where(GiftCardEntry.card == card)
        .order_by(GiftCardEntry.at.desc(), GiftCardEntry.id.desc())
        .limit(limit)
        .objects()
    )
    entries = [
        GiftEntryRow(e.at, e.kind, int(e.amount), e.receipt_number or "", e.user_name or "", e.reason or "")
        for e in query
    ]
    count = GiftCardEntry.select().where(GiftCardEntry.card == card).count()
    return GiftCardView(card.barcode, gift_balance(card), card.created_at, entries, count)


# -- the vouchers list -------------------------------------------------------------------


@dataclass(frozen=True)
class VoucherRow:
    """A voucher as the list shows it; ``state`` is "valid", "not_yet", "expired" or "used_up"."""

    id: int
    code: str
    kind: str
    value: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    uses: int
    max_uses: int | None
    customer_name: str
    customer_code: str
    note: str
    state: str


def voucher_state(
    valid_from: dt.date | None, valid_to: dt.date | None, uses: int, max_uses: int | None, day: dt.date
) -> str:
    if max_uses is not None and uses >= max_uses:
        return "used_up"
    if valid_to is not None and day > valid_to:
        return "expired"
    if valid_from is not None and day < valid_from:
        return "not_yet"
    return "valid"


def list_vouchers(day: dt.date | None = None) -> list[VoucherRow]:
    """Every voucher, newest first, with its uses counted in one query."""
    day = day or clock.today()
    uses = VoucherUse.select(VoucherUse.voucher, pw.fn.COUNT(VoucherUse.id).alias("n")).group_by(VoucherUse.voucher)
    query = (
        Voucher.select(
            Voucher,
            Customer.name.alias("customer_name"),
            Customer.code.alias("customer_code"),
            pw.fn.COALESCE(uses.c.n, 0).alias("uses"),
        )
        .join(Customer, pw.JOIN.LEFT_OUTER, on=(Voucher.customer == Customer.id))
        .switch(Voucher)
        .join(uses, pw.JOIN.LEFT_OUTER, on=(uses.c.voucher_id == Voucher.id))
        .order_by(Voucher.created_at.desc(), Voucher.id.desc())
        .objects()
    )
    rows = []
    for v in query:
        used = int(v.uses or 0)
        rows.append(
            VoucherRow(
                v.id,
                v.code,
                v.kind,
                int(v.value),
                v.valid_from,
                v.valid_to,
                used,
                v.max_uses,
                v.customer_name or "",
                v.customer_code or "",
                v.note,
                voucher_state(v.valid_from, v.valid_to, used, v.max_uses, day),
            )
        )
    return rows


def expire_voucher(voucher_id: int, actor: Actor | None = None, *, at: dt.datetime | None = None) -> Voucher:
    """Switch a voucher off: it ends yesterday, so the till refuses it from today on.
    Its uses stay (receipts paid with it are history)."""
    require(actor, "vouchers")
    when = at or clock.now()
    yesterday = when.date() - dt.timedelta(days=1)
    with write_transaction():
        voucher = Voucher.get_or_none(Voucher.id == voucher_id)
        if voucher is None:
            raise NotFound(_("There is no such voucher."))
        if voucher.valid_to is not None and voucher.valid_to <= yesterday:
            raise RuleViolation(_("Voucher {code} has already expired.").format(code=voucher.code))
        before = {"valid_from": _iso(voucher.valid_from), "valid_to": _iso(voucher.valid_to)}
        voucher.valid_to = yesterday
        if voucher.valid_from is not None and voucher.valid_from > yesterday:
            voucher.valid_from = yesterday  # never "ends before it starts"
        voucher.save()
        after = {"valid_from": _iso(voucher.valid_from), "valid_to": _iso(voucher.valid_to)}
        record(actor, "voucher.expire", "voucher", voucher.id, before, after, at=when)
    return voucher


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
