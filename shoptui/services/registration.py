"""Registering a customer at the till with their card: one use case, one transaction.

The card is checked before anything is written (malformed, against the shop's card rule,
a product's barcode, a gift card, another customer's card: an error on the card field),
and the customer, the card's binding and the custom properties given are written
together, so a card that cannot be bound after all (another till bound it a moment
earlier) or a property value refused leaves no customer behind.
"""

from __future__ import annotations

from ..errors import ShopError, ValidationError
from . import cards, customers
from .context import Actor
from .ledger import write_transaction


def register(
    values: dict, card: str = "", actor: Actor | None = None, properties: dict | None = None
) -> customers.Outcome:
    """A new customer with their card and custom properties (code -> value): all or nothing."""
    barcode = _bindable(card) if card.strip() else ""
    with write_transaction():
        outcome = customers.register(values, actor)
        customers.set_properties(outcome.customer, properties or {}, actor, need="register")
        if barcode:
            try:
                cards.issue_card(outcome.customer.id, barcode, actor=actor)
            except ShopError as exc:
                raise ValidationError(str(exc), "card") from None
    return outcome


def _bindable(card: str) -> str:
    try:
        return cards.check_bindable(card)
    except ShopError as exc:
        raise ValidationError(str(exc), "card") from None
