"""Reading what a person typed into a form the way the shop writes it. Runs in workers.

Each reader raises ``ValidationError`` naming the service's field, so the form shows the
message under the field it concerns.
"""

from __future__ import annotations

import datetime as dt
from decimal import InvalidOperation

from shoptui import phones
from shoptui.errors import ValidationError
from shoptui.i18n import _
from shoptui.io.values import date_order, parse_date, parse_int
from shoptui.money import parse_money, read_decimal
from shoptui.services import settings


def read_date(text: str, field: str) -> dt.date | None:
    """ISO (1990-05-17) or the shop region's order (17/05/1990 in VN); blank: no date."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_date(text, date_order(settings.region()))
    except ValidationError as exc:
        raise ValidationError(str(exc), field) from None


def read_percent(text: str, field: str = "discount_bp") -> int:
    """A percentage as typed ("5", "2,5", "2.5 %") in hundredths of a percent; blank: 0."""
    raw = (text or "").strip().rstrip("%").strip()
    if not raw:
        return 0
    try:
        basis_points = read_decimal(raw) * 100
    except (InvalidOperation, ValueError):
        raise ValidationError(_("{value} is not a percentage.").format(value=text), field) from None
    if not basis_points.is_finite() or basis_points != basis_points.to_integral_value():
        raise ValidationError(_("{value} is not a percentage.").format(value=text), field)
    if abs(basis_points) > 10_000:
        raise ValidationError(_("{value} is more than 100 %.").format(value=text), field)
    return int(basis_points)


def read_money(text: str, field: str) -> int | None:
    """An amount in the shop currency; blank: None."""
    text = (text or "").strip()
    if not text:
        return None
    return parse_money(text, settings.currency(), field=field)


def read_whole(text: str, field: str) -> int:
    """A whole number such as points ("1500", "1.500", "-20"), within the import's ceiling."""
    try:
        return parse_int((text or "").strip().replace("\u2212", "-"))
    except ValidationError as exc:
        raise ValidationError(str(exc), field) from None


def check_phone(typed: str, confirmed: str | None) -> None:
    """A phone that cannot be read is refused once, on its field; saved again unchanged,
    it is kept as typed (the service then marks the customer incomplete)."""
    typed = (typed or "").strip()
    if not typed or typed == confirmed:
        return
    if phones.normalize(typed, settings.region()) is None:
        raise ValidationError(
            _("{phone} is not a phone number here; correct it, or save again to keep it as typed.").format(phone=typed),
            "phone",
        )
