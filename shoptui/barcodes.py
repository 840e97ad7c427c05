"""EAN-13 check digits and the shop's rule for its own card numbers.

The check digit is three lines of arithmetic (weights 1, 3, 1, 3… from the left): not
worth a dependency. Every retail product carries a valid EAN-13 too, so a valid check
digit alone does not make a code a card: the shop's cards also sit in the in-store range
(first digit 2, which GS1 keeps for codes a shop assigns itself), or follow the prefix and
length of the cards the shop already has.
"""

from __future__ import annotations

from .i18n import _

# card_rule setting: "ean13" (in-store EAN-13), "prefix" (card_prefix and card_length), "any".
CARD_RULES = ("ean13", "prefix", "any")


def ean13_check_digit(body: str) -> str:
    """The check digit of 12 digits."""
    digits = [int(c) for c in body]
    return str((10 - (sum(digits[0::2]) + 3 * sum(digits[1::2])) % 10) % 10)


def ean13(body: str) -> str:
    """``body`` (12 digits) with its check digit."""
    return body + ean13_check_digit(body)


def is_ean13(code: str) -> bool:
    return len(code) == 13 and code.isascii() and code.isdigit() and code[-1] == ean13_check_digit(code[:12])


def card_rule_refusal(code: str, rule: str, prefix: str = "", length: int = 0) -> str | None:
    """Why ``code`` cannot be a new card of this shop under its rule; None when it can."""
    if rule == "ean13":
        if not (len(code) == 13 and code.isascii() and code.isdigit()):
            return _("A card of this shop is 13 digits (EAN-13 starting with 2).")
        if code[0] != "2":
            return _("{code} is a product barcode, not a card of this shop: the shop's cards start with 2.").format(
                code=code
            )
        if not is_ean13(code):
            return _("{code} is not a valid card number: its check digit is wrong (mistyped?).").format(code=code)
        return None
    if rule == "prefix":
        if prefix and not code.startswith(prefix):
            return _("A card of this shop starts with {prefix}.").format(prefix=prefix)
        if length and len(code) != length:
            return _("A card of this shop has {length} characters.").format(length=length)
        return None
    return None
