"""Cards: issue, withdraw, replace, and what a scanned barcode means."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import clock
from ..barcodes import card_rule_refusal
from ..errors import NotFound, RuleViolation, ValidationError
from ..i18n import _
from ..models import CARD_KINDS, Card, CardBinding, Customer, Product, Voucher
from ..models.cards import END_REASONS
from . import settings
from .audit import record
from .context import Actor, require
from .customers import clean_text
from .customers import get as get_customer
from .ledger import write_transaction


def clean_barcode(barcode: str) -> str:
    """A barcode as scanned or typed: one word of up to 64 characters, else refused."""
    code = clean_text(barcode, "barcode", 64)
    if not code or any(c.isspace() for c in code):
        raise ValidationError(_("A card barcode is one word of up to 64 characters."), "barcode")
    return code


_barcode = clean_barcode


def refuse_gift_card(card: Card | None, barcode: str) -> None:
    """A gift card holds money for whoever brings it: it is sold and topped up, never
    given to a customer as their card (its scan would then open that customer)."""
    if card is not None and card.kind == "gift":
        raise RuleViolation(
            _(
                'Card {barcode} is a gift card: sell or top it up with "Gift card…"; it cannot be a customer\'s card.'
            ).format(barcode=barcode)
        )


def clash(code: str) -> str | None:
    """Why ``code`` cannot be a card because it already means something else in this shop:
    a product's barcode or SKU, a voucher, a customer's code. A scan reads a card before
    anything else, so such a card would take the other thing's place at every till. Any
    card, imported ones included, is refused so, in the spellings a person types."""
    # The spellings a person types, each looked up through its column's unique index.
    spellings = list(dict.fromkeys((code, code.upper(), code.lower())))
    if Product.select().where(Product.barcode.in_(spellings) | Product.sku.in_(spellings)).exists():
        return _("{code} is a product of this shop, not a card.").format(code=code)
    if Voucher.select().where(Voucher.code.in_(spellings)).exists():
        return _("{code} is a voucher of this shop, not a card.").format(code=code)
    if Customer.select().where(Customer.code.in_(spellings)).exists():
        return _("{code} is a customer's code, not a card.").format(code=code)
    return None


def rule_refusal(code: str) -> str | None:
    """Why ``code`` cannot be a new card of this shop (None: it can): what it already is
    (``clash``), then the shop's card number rule; a card is plain ASCII whatever the rule."""
    refusal = clash(code)
    if refusal is not None:
        return refusal
    if not code.isascii():
        return _("{code} is not a card number: a card has only plain letters and digits.").format(code=code)
    return card_rule_refusal(
        code, settings.get("card_rule"), settings.get("card_prefix"), settings.get_int("card_length")
    )


def _refuse_new_card(code: str, follow_rule: bool = True) -> None:
    refusal = rule_refusal(code) if follow_rule else clash(code)
    if refusal is not None:
        raise ValidationError(refusal, "barcode")


def check_bindable(barcode: str, *, follow_rule: bool = True) -> str:
    """The cleaned barcode when it may become a customer's card now; else the refusal
    (a gift card, a card another customer holds, or a number that breaks the shop's card
    rule — a product's barcode, a mistyped digit). Forms call it before saving anything;
    imports pass ``follow_rule=False``: cards brought from another program are kept as they are."""
    code = clean_barcode(barcode)
    card = Card.get_or_none(Card.barcode == code)
    refuse_gift_card(card, code)
    if card is None:
        _refuse_new_card(code, follow_rule)
    if card is not None:
        holder = open_binding(card)
        if holder is not None:
            owner = holder.customer
            raise RuleViolation(
                _("Card {barcode} already belongs to {name} ({code}).").format(
                    barcode=code, name=owner.name, code=owner.code
                )
            )
    return code


def open_binding(card: Card) -> CardBinding | None:
    return CardBinding.get_or_none((CardBinding.card == card) & CardBinding.ended_at.is_null())


def issue_card(
    customer: Customer | int,
    barcode: str,
    kind: str = "loyalty",
    actor: Actor | None = None,
    *,
    at: dt.datetime | None = None,
    follow_rule: bool = True,
) -> Card:
    """Bind a card (new or returned to the shop) to ``customer``; a card held by someone
    else is refused, and so is a new number that breaks the shop's card rule, unless
    ``follow_rule`` is False (imports: another program's cards are kept as they are)."""
    require(actor, "issue_card")
    code = _barcode(barcode)
    if kind not in CARD_KINDS:
        raise ValidationError(
            _("The card kind must be one of: {choices}.").format(choices=", ".join(CARD_KINDS)), "kind"
        )
    with write_transaction():
        customer = get_customer(customer)
        now = at or clock.now()
        card = Card.get_or_none(Card.barcode == code)
        refuse_gift_card(card, code)
        if card is None:
            _refuse_new_card(code, follow_rule)
            card = Card.create(barcode=code, kind=kind, created_at=now)
        else:
            holder = open_binding(card)
            if holder is not None:
                owner = holder.customer
                raise RuleViolation(
                    _("Card {barcode} already belongs to {name} ({code}).").format(
                        barcode=code, name=owner.name, code=owner.code
                    )
                )
        CardBinding.create(card=card, customer=customer, bound_at=now, user=actor.user_id if actor else None)
        record(
            actor,
            "card.issue",
            "card",
            card.id,
            None,
            {"barcode": code, "customer": customer.id, "kind": card.kind},
            at=now,
        )
    return card


def withdraw_card(
    barcode: str,
    actor: Actor | None = None,
    reason: str = "withdrawn",
    replaced_by: Card | None = None,
    *,
    at: dt.datetime | None = None,
    note: str = "",
) -> CardBinding:
    """End the card's binding; ``reason`` is "withdrawn" or "replaced", ``note`` the
    person's own words (lost, broken...), kept in the audit log."""
    require(actor, "issue_card")
    if reason not in END_REASONS:
        raise ValidationError(_("A card ends as withdrawn or replaced."), "reason")
    note = clean_text(note, "note", 500)
    with write_transaction():
        card = Card.get_or_none(Card.barcode == barcode.strip())
        if card is None:
            raise NotFound(_("There is no card {barcode}.").format(barcode=barcode))
        binding = open_binding(card)
        if binding is None:
            raise RuleViolation(_("Card {barcode} is not bound to anyone.").format(barcode=barcode))
        at = at or clock.now()
        if at < binding.bound_at:
            raise ValidationError(_("A card cannot be taken back before it was given."), "at")
        CardBinding.update(ended_at=at, end_reason=reason, replaced_by=replaced_by).where(
            CardBinding.id == binding.id
        ).execute()
        record(actor, f"card.{reason}", "card", card.id, {"customer": binding.customer_id}, None, note=note, at=at)
    return CardBinding.get_by_id(binding.id)


def replace_card(
    old_barcode: str, new_barcode: str, actor: Actor | None = None, *, at: dt.datetime | None = None, note: str = ""
) -> Card:
    """The old card's binding ends as "replaced" and the new card is bound to the same customer."""
    require(actor, "issue_card")
    if clean_barcode(new_barcode) == old_barcode.strip():
        raise ValidationError(_("The new card must have another barcode than the old one."), "barcode")
    with write_transaction():
        old = Card.get_or_none(Card.barcode == old_barcode.strip())
        binding = open_binding(old) if old is not None else None
        if old is None or binding is None:
            raise RuleViolation(_("Card {barcode} is not bound to anyone.").format(barcode=old_barcode))
        customer = binding.customer
        new = issue_card(customer, new_barcode, old.kind, actor, at=at)
        withdraw_card(old_barcode, actor, reason="replaced", replaced_by=new, at=at, note=note)
    return new


@dataclass(frozen=True)
class ScanResult:
    """``kind`` is "known" (a card bound now), "withdrawn" (held before), "gift" (a gift
    card, whoever brings it), "customer" (a customer code typed or scanned) or "unknown"."""

    kind: str
    barcode: str
    customer: Customer | None = None
    card: Card | None = None
    binding: CardBinding | None = None


def resolve_scan(barcode: str) -> ScanResult:
    code = barcode.strip()
    card = Card.get_or_none(Card.barcode == code)
    if card is not None and card.kind == "gift":
        return ScanResult("gift", code, None, card)
    if card is not None:
        binding = open_binding(card)
        if binding is not None:
            return ScanResult("known", code, binding.customer, card, binding)
        last = (
            CardBinding.select()
            .where(CardBinding.card == card)
            .order_by(CardBinding.bound_at.desc(), CardBinding.id.desc())
            .first()
        )
        if last is not None:
            return ScanResult("withdrawn", code, last.customer, card, last)
        return ScanResult("unknown", code, None, card)
    customer = Customer.get_or_none(Customer.code == code)
    if customer is not None:
        return ScanResult("customer", code, customer)
    return ScanResult("unknown", code)


def cards_of(customer: Customer) -> list[CardBinding]:
    """Every binding of the customer, current first, then by date."""
    return list(
        CardBinding.select(CardBinding, Card)
        .join(Card, on=(CardBinding.card == Card.id))
        .where(CardBinding.customer == customer)
        .order_by(CardBinding.ended_at.is_null().desc(), CardBinding.bound_at.desc())
    )
