"""A sale where one product was scanned twice has two lines of one sku: the return dialog's
lines, the "sku qty" it takes and the return itself count the product across both lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shoptui.check import run_checks
from shoptui.errors import RuleViolation
from shoptui.models import Product, ReceiptLine
from shoptui.services import checkout, sale_return, till
from shoptui.services.sale_quote import LineInput, SaleInput
from tests.actors import SYSTEM

NOW = dt.datetime(2024, 6, 15, 10, 0)


@pytest.fixture
def sale(database):
    Product.create(sku="COCA", name="Coca-Cola lon 320ml", price=10_000)
    Product.create(sku="TEA", name="Green tea", price=30_000)
    # Each scan adds its own line: COCA, COCA, TEA.
    return checkout.record_sale(
        SaleInput(
            at=NOW,
            lines=[
                LineInput(qty=Decimal(1), sku="COCA"),
                LineInput(qty=Decimal(1), sku="COCA"),
                LineInput(qty=Decimal(1), sku="TEA"),
            ],
        ),
        actor=SYSTEM,
    ).receipt


def test_the_sale_facts_show_one_line_per_product_with_the_quantities_summed(sale):
    facts = till.sale_facts(sale_id=sale.id)
    assert [(line.sku, line.qty, line.returned, line.left, line.amount) for line in facts.lines] == [
        ("COCA", 2, 0, 2, 20_000),
        ("TEA", 1, 0, 1, 30_000),
    ]


def test_returning_two_of_a_product_sold_in_two_lines(sale):
    lines = till.return_lines(sale.id, "COCA 2")
    first, second, _tea = sale.lines.order_by(ReceiptLine.position)
    assert lines == [(first.id, 1), (second.id, 1)]
    assert till.refund_split(sale.id, None, "COCA 2", "cash").amount == 20_000
    result = sale_return.record_return(sale, lines=lines, actor=SYSTEM, at=NOW)
    assert result.amount == 20_000
    facts = till.sale_facts(sale_id=sale.id)
    assert [(line.sku, line.returned, line.left) for line in facts.lines] == [("COCA", 2, 0), ("TEA", 0, 1)]
    assert run_checks() == []


def test_the_same_product_twice_in_the_lines_adds_up(sale):
    first, second, _tea = sale.lines.order_by(ReceiptLine.position)
    assert till.return_lines(sale.id, "COCA 1; COCA 1") == [(first.id, 1), (second.id, 1)]
    assert till.refund_split(sale.id, None, "COCA 1; COCA 1", "cash").amount == 20_000


def test_one_returned_already_leaves_one_to_return_across_the_lines(sale):
    sale_return.record_return(sale, lines=till.return_lines(sale.id, "COCA 1"), actor=SYSTEM, at=NOW)
    second = sale.lines.order_by(ReceiptLine.position)[1]
    assert till.return_lines(sale.id, "COCA 1") == [(second.id, 1)]
    assert till.return_lines(sale.id, "COCA") == [(second.id, 1)]  # no quantity: all that is left
    with pytest.raises(RuleViolation, match="At most 1 of Coca-Cola lon 320ml can be returned"):
        till.return_lines(sale.id, "COCA 1; COCA 1")
    with pytest.raises(RuleViolation, match="At most 1 of Coca-Cola lon 320ml can be returned"):
        till.refund_split(sale.id, None, "COCA 2", "cash")
    sale_return.record_return(sale, lines=till.return_lines(sale.id, "COCA 1"), actor=SYSTEM, at=NOW)
    with pytest.raises(RuleViolation, match="At most 0 of Coca-Cola"):
        till.return_lines(sale.id, "COCA 1")
    assert run_checks() == []


def test_more_than_was_sold_counts_both_lines(sale):
    with pytest.raises(RuleViolation, match="At most 2 of Coca-Cola lon 320ml can be returned"):
        till.return_lines(sale.id, "COCA 3")
