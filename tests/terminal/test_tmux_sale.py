"""A whole sale in a real terminal (tmux), typed as a cashier would: the card scanned as a
burst, F5, the amount by hand, Enter, Enter."""

from __future__ import annotations

import pytest

from shoptui.models import Payment, Receipt
from shoptui.services import cards, customers, settings

from .tmux import SHOPTUI

pytestmark = pytest.mark.terminal


def test_a_sale_typed_as_a_cashier_would(terminal, database, db_path):
    settings.set_value("points_earn_per", "10000")
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678", "discount_bp": 500}).customer
    cards.issue_card(an, "2000000000015")

    terminal.start([str(SHOPTUI), "--db", str(db_path)], 120, 40)
    terminal.wait_for(lambda s: "Nguyễn Văn An" in s, "the directory")

    terminal.keys("2000000000015", "Enter")  # one burst, as a wedge scanner sends it
    terminal.wait_for(lambda s: "Surveys" in s and "☎ 0912 345 678" in s, "the customer's card")
    terminal.keys("F5")
    terminal.wait_for(lambda s: "New sale" in s and "Enter: record the sale" in s, "the sale")
    terminal.type_by_hand("200000")
    screen = terminal.wait_for(lambda s: "To pay: ₫190,000" in s, "the quote with the personal discount")
    assert "Discount 5%: ₫10,000" in screen
    terminal.keys("Enter")
    screen = terminal.wait_for(lambda s: "Sale recorded" in s, "the confirmation")
    assert "Total: ₫190,000" in screen and "Points earned: 19" in screen and "Points now: 19" in screen
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "Sale recorded" not in s and "Points: 19" in s.replace("\xa0", " "), "the card again")
    terminal.keys("C-q")
    assert terminal.exit_status(timeout=10) == 0

    receipt = Receipt.get()
    assert receipt.customer_id == an.id and receipt.total == 190_000 and receipt.source == "till"
    assert [(p.method, p.amount) for p in Payment.select()] == [("cash", 190_000)]
