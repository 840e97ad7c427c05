"""Archiving a customer who owes money or has points asks first; an archived customer cannot buy."""

from __future__ import annotations

import pytest

from shoptui.errors import RuleViolation
from shoptui.services import checkout, customers, points
from shoptui.services.merge import merge_customers
from shoptui.services.sale_quote import SaleInput


def test_the_warning_names_the_debt_and_the_points(database):
    an = customers.register({"name": "An", "phone": "0912345678"}).customer
    assert customers.archive_warning(an) is None
    checkout.record_sale(SaleInput(customer=an, amount=300_000, credit=120_000))
    points.adjust_points(an, 15, "welcome")
    warning = customers.archive_warning(an.id)
    assert an.code in warning and "₫120,000" in warning and "45 points" in warning and "Archive anyway?" in warning
    customers.archive(an)  # the service itself still archives: the question is the screen's
    assert customers.archive_warning(an) is None


def test_an_archived_customer_cannot_buy_and_is_told_why(database):
    an = customers.register({"name": "An", "phone": "0912345678"}).customer
    binh = customers.register({"name": "Bình", "phone": "0912345679"}).customer
    customers.ensure_can_buy(customers.get(an))
    customers.archive(an)
    with pytest.raises(RuleViolation, match="archived: make the customer active again"):
        customers.ensure_can_buy(customers.get(an))
    merge_customers(an, binh)
    with pytest.raises(RuleViolation, match=f"merged into An \\({an.code}\\)"):
        customers.ensure_can_buy(customers.get(binh))


def test_an_advance_is_named_too(database):
    from shoptui.services import debts

    an = customers.register({"name": "An", "phone": "0912345678"}).customer
    debts.set_opening_balance(an, -50_000)
    assert "₫50,000 paid in advance" in customers.archive_warning(an)


def test_the_refusal_tells_a_cashier_to_ask_a_manager(database):
    # Issue 12, defect 10: "make active again (F6)", and F6 then told the cashier they may not.
    from shoptui.services import users
    from shoptui.services.context import Actor

    owner = Actor(user=users.add_user("Owner", "owner", "1111"))
    cashier = Actor(user=users.add_user("Lan", "cashier", "2222", owner))
    c = customers.register({"name": "Bình"}, owner).customer
    customers.set_status(c, "archived", owner)
    with pytest.raises(RuleViolation, match="ask a manager to make the customer active again"):
        checkout.record_sale(SaleInput(customer=c, amount=10_000), cashier)
    with pytest.raises(RuleViolation, match=r"make the customer active again \(Status, F6"):
        checkout.record_sale(SaleInput(customer=c, amount=10_000), owner)
