"""A line's discount, as an amount or a percentage of the line: rounded half-up to the
currency's decimals, validated, quoted line by line, and stored on the receipt line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shoptui.errors import ValidationError
from shoptui.models import Product, ReceiptLine
from shoptui.services import checkout, sale_quote, settings
from shoptui.services.sale_quote import LineInput, QuotedLine, SaleInput

NOW = dt.datetime(2024, 6, 15, 10, 0)


@pytest.fixture
def rice(database):
    return Product.create(sku="RICE", barcode="8930001000011", name="Rice", price=20_000)


def test_a_percent_line_discount_is_rounded_half_up_in_vnd(rice):
    # 3 × 1,005 = 3,015; 10% = 301.5 -> 302.
    q = sale_quote.quote(
        SaleInput(lines=[LineInput(qty=Decimal(3), unit_price=1_005, sku="RICE", line_discount_bp=1_000)])
    )
    assert q.lines == (QuotedLine("RICE", "Rice", Decimal("3.000"), 1_005, 302, 2_713),)
    assert (q.subtotal, q.line_discounts, q.total) == (3_015, 302, 2_713)


def test_a_percent_line_discount_in_eur_cents(database):
    settings.set_value("currency", "EUR")
    Product.create(sku="TEA", name="Tea", price=333)  # 3.33 EUR
    result = checkout.record_sale(
        SaleInput(at=NOW, lines=[LineInput(qty=Decimal("1.5"), sku="TEA", line_discount_bp=250)])
    )
    line = ReceiptLine.get(ReceiptLine.receipt == result.receipt)
    # 1.5 × 3.33 = 4.995 -> 5.00; 2.5% of it = 0.125 -> 0.13.
    assert (line.unit_price, line.line_discount, line.amount) == (333, 13, 487)
    assert (result.receipt.subtotal, result.receipt.discount, result.receipt.total) == (500, 13, 487)


def test_an_amount_and_a_percent_on_one_line_stored_as_given(rice):
    result = checkout.record_sale(
        SaleInput(
            at=NOW,
            lines=[
                LineInput(qty=Decimal(2), sku="8930001000011", line_discount=5_000),
                LineInput(qty=Decimal(1), sku="RICE", line_discount_bp=10_000),  # a line given away
            ],
        )
    )
    stored = [(ln.sku, ln.line_discount, ln.amount) for ln in result.receipt.lines.order_by(ReceiptLine.position)]
    assert stored == [("RICE", 5_000, 35_000), ("RICE", 20_000, 0)]
    assert result.receipt.total == 35_000 and result.receipt.discount == 25_000


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            LineInput(qty=Decimal(1), sku="RICE", line_discount=1, line_discount_bp=100),
            "A line's discount is an amount or a percentage, not both.",
        ),
        (LineInput(qty=Decimal(1), sku="RICE", line_discount_bp=10_001), "A line's discount is at most 100%."),
        (LineInput(qty=Decimal(1), sku="RICE", line_discount_bp=-5), "Prices and discounts may not be negative."),
        (LineInput(qty=Decimal(1), sku="RICE", line_discount=20_001), "A line's discount is more than the line."),
    ],
)
def test_a_wrong_line_discount_is_refused(rice, line, message):
    with pytest.raises(ValidationError, match=message):
        checkout.record_sale(SaleInput(at=NOW, lines=[line]))
    assert not ReceiptLine.select().exists()
