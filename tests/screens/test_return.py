"""Returns at the till, driven by Pilot: from the card's Sales tab (F8), by receipt number,
part by amount or lines, points and credit shown; a late return needs a manager's PIN."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Input, Static

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.till.override_modal import OverrideModal
from screens.till.return_modal import ReturnModal
from shoptui import clock
from shoptui.check import run_checks
from shoptui.models import AuditLog, Customer, Payment, Product, Receipt
from shoptui.services import checkout, customers, sale_return, settings, users
from shoptui.services.context import Actor
from shoptui.services.sale_quote import LineInput, SaleInput

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, pilot_test, settled, until
from .till_helpers import card_open, done_shown, done_text, open_return_from_sales_tab, type_amount


@pytest.fixture
def bought(database):
    """A sale of 200,000 (10 points earned, 20 redeemed, 50,000 on credit) a day ago."""
    settings.set_value("points_earn_per", "10000")
    customer = customers.register({"name": "Trần Bình", "phone": "0987 111 222", "credit_limit": 500_000}).customer
    from shoptui.services import points

    points.adjust_points(customer, 40, "welcome")
    sale = checkout.record_sale(
        SaleInput(customer=customer, amount=200_000, points=20, credit=50_000, at=clock.now() - dt.timedelta(days=1))
    ).receipt
    return Customer.get_by_id(customer.id), sale


@pilot_test
async def test_whole_return_from_the_sales_tab(bought, database):
    customer, sale = bought
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_return_from_sales_tab(pilot, customer.id)
        assert modal.query_one("#receipt", Input).value == sale.number
        assert "left to return: ₫200,000" in str(modal.query_one("#return-sale", Static).render())
        await pilot.press("enter")
        done = await done_shown(pilot)
        text = done_text(done)
        # 200,000 - 20,000 by points = 180,000 earns 18; 50,000 of credit is taken off the debt first.
        assert "Returned: ₫200,000" in text and "Points taken back: 18" in text and "Points given back: 20" in text
        assert "Credit reduced: ₫50,000" in text and "Paid back (cash): ₫130,000" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
    after = Customer.get_by_id(customer.id)
    assert after.debt_balance == 0 and after.points_balance == 40
    assert run_checks() == []


@pilot_test
async def test_part_return_by_receipt_number_to_the_bank_card(bought, database):
    customer, sale = bought
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f8")  # on the Profile tab: the receipt is typed
        await until(pilot, lambda: isinstance(app.screen, ReturnModal))
        modal = app.screen
        modal.query_one("#receipt", Input).value = sale.number
        await pilot.press("enter")
        await until(pilot, lambda: modal.sale is not None and app.focused is modal.query_one("#amount", Input))
        await type_amount(pilot, "100000")
        modal.query_one("#refund").value = "card"
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Returned: ₫100,000" in text and "Points taken back: 9" in text and "Points given back: 10" in text
        # Credit is reduced before anything is paid back: 90,000 - 50,000 of credit = 40,000.
        assert "Credit reduced: ₫50,000" in text and "Paid back (bank card): ₫40,000" in text
        await pilot.press("enter")
    ret = Receipt.get(Receipt.kind == "return")
    assert {p.method: p.amount for p in Payment.select().where(Payment.receipt == ret)} == {
        "points": 10_000,
        "credit": 50_000,
        "card": 40_000,
    }
    assert run_checks() == []


@pilot_test
async def test_return_by_lines(database):
    Product.create(sku="TEA", name="Green tea", price=30_000)
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}).customer
    sale = checkout.record_sale(SaleInput(customer=customer, lines=[LineInput(qty=Decimal(3), sku="TEA")])).receipt
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_return_from_sales_tab(pilot, customer.id)
        modal.query_one("#lines", Input).value = "TEA 1"
        modal.query_one("#lines", Input).focus()
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Returned: ₫30,000" in text
        await pilot.press("enter")
    assert sale_return.returned_so_far(sale) == 30_000
    assert run_checks() == []


@pilot_test
async def test_more_than_is_left_is_refused_on_the_field(bought, database):
    customer, sale = bought
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_return_from_sales_tab(pilot, customer.id)
        await type_amount(pilot, "300000")
        notes = Notes(app)
        await pilot.press("enter")
        await until(pilot, lambda: notes.texts("error"), what="the refusal")
        assert "At most ₫200,000 is left" in notes.texts("error")[0]
    assert Receipt.select().where(Receipt.kind == "return").count() == 0


@pilot_test
async def test_late_return_needs_a_manager_pin(bought, database):
    customer, _sale = bought
    settings.set_value("cashier_return_days", "0")
    manager = users.add_user("Lan", "manager", "4321", SYSTEM)
    cashier = users.add_user("Minh", "cashier", "1111", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=cashier)
    async with app.run_test(size=SIZE) as pilot:
        await open_return_from_sales_tab(pilot, customer.id)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OverrideModal), what="the manager PIN")
        assert "older than 0 days" in str(app.screen.query_one("#override-reason", Static).render())
        app.screen.query_one("#override-name", Input).value = "Lan"
        app.screen.query_one("#override-pin", Input).focus()
        await type_amount(pilot, "4321")
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Returned: ₫200,000" in text
        await pilot.press("enter")
    entry = AuditLog.get(AuditLog.action == "receipt.return")
    assert entry.override_by_id == manager.id and entry.user_id == cashier.id
    assert run_checks() == []


@pilot_test
async def test_a_sale_of_another_customer_is_refused_and_the_short_number_is_read(bought, database):
    customer, sale = bought
    other = customers.register({"name": "Lê Chi", "phone": "0987 333 444"}).customer
    theirs = checkout.record_sale(SaleInput(customer=other, amount=90_000)).receipt
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f8")
        await until(pilot, lambda: isinstance(app.screen, ReturnModal))
        modal = app.screen
        modal.query_one("#receipt", Input).value = theirs.number
        await pilot.press("enter")
        await until(pilot, lambda: modal.field("receipt").error, what="the refusal")
        assert "Lê Chi" in modal.field("receipt").error and other.code in modal.field("receipt").error
        shown = str(modal.query_one("#return-sale", Static).render())
        assert theirs.number in shown and "₫90,000" in shown and "Lê Chi" in shown
        await pilot.press("enter")  # Enter again takes no return
        await settled(pilot)
        assert Receipt.select().where(Receipt.kind == "return").count() == 0
        # The short number of this store's receipt finds the customer's own sale.
        modal.query_one("#receipt", Input).value = str(int(sale.number.rsplit("-", 1)[1]))
        await pilot.press("enter")
        await until(pilot, lambda: modal.sale is not None and modal.sale.id == sale.id, what="the own sale")
        assert modal.query_one("#receipt", Input).value == sale.number
        assert not modal.field("receipt").error


@pilot_test
async def test_a_receipt_typed_and_left_with_tab_is_the_one_returned(bought, database):
    # Issue 12, defect 1: F8 prefilled the last sale; the cashier went back, typed another
    # receipt, tabbed on and saved: the return was posted to the prefilled sale.
    customer, first = bought
    second = checkout.record_sale(SaleInput(customer=customer, amount=80_000)).receipt
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_return_from_sales_tab(pilot, customer.id)
        assert modal.sale.id == second.id  # the last sale, prefilled
        await pilot.press("shift+tab")
        receipt = modal.query_one("#receipt", Input)
        assert app.focused is receipt
        receipt.value = ""
        await type_amount(pilot, str(int(first.number.rsplit("-", 1)[1])))
        await pilot.press("tab")
        await type_amount(pilot, "10000")
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert f"Of sale: {first.number}" in text
        await pilot.press("enter")
    ret = Receipt.get(Receipt.kind == "return")
    assert (ret.return_of_id, ret.total) == (first.id, 10_000)
    assert run_checks() == []


@pilot_test
async def test_a_save_while_the_typed_receipt_is_not_shown_posts_nothing(bought, database):
    customer, first = bought
    second = checkout.record_sale(SaleInput(customer=customer, amount=80_000)).receipt
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_return_from_sales_tab(pilot, customer.id)
        assert modal.sale.id == second.id
        # The field changed without leaving it (a paste, say), and Enter pressed on another field.
        modal.query_one("#receipt", Input).value = first.number
        modal.query_one("#amount", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: modal.sale is not None and modal.sale.id == first.id, what="the typed sale shown")
        assert Receipt.select().where(Receipt.kind == "return").count() == 0
        assert "Check the sale shown" in modal.field("receipt").error
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert f"Of sale: {first.number}" in text


@pilot_test
async def test_scans_in_the_return_dialog_go_where_they_belong(database):
    # A product adds a line to return; a receipt's number picks the sale; an unknown
    # receipt number typed fast stays typed in the receipt field (never a registration).
    from .helpers import scan

    Product.create(sku="TEA", barcode="8930000000019", name="Green tea", price=30_000)
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}).customer
    sale = checkout.record_sale(SaleInput(customer=customer, lines=[LineInput(qty=Decimal(3), sku="TEA")])).receipt
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f8")
        await until(pilot, lambda: isinstance(app.screen, ReturnModal))
        modal = app.screen
        assert app.focused is modal.query_one("#receipt", Input)
        await scan(pilot, "MAIN-999999")
        await until(pilot, lambda: modal.query_one("#receipt", Input).value == "MAIN-999999", what="typed, kept")
        assert isinstance(app.screen, ReturnModal)
        modal.query_one("#receipt", Input).value = ""
        await scan(pilot, sale.number)
        await until(pilot, lambda: modal.sale is not None and modal.sale.id == sale.id, what="the sale scanned")
        await scan(pilot, "8930000000019")
        await until(pilot, lambda: modal.query_one("#lines", Input).value == "TEA 1", what="a line")
        await scan(pilot, "8930000000019")
        # One more of it: added to its entry, not a second entry.
        await until(pilot, lambda: modal.query_one("#lines", Input).value == "TEA 2", what="a second one")
        modal.query_one("#lines", Input).focus()
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Returned: ₫60,000" in text
        await pilot.press("enter")
    assert sale_return.returned_so_far(sale) == 60_000
    assert run_checks() == []


@pilot_test
async def test_the_dialog_lists_the_lines_and_shows_the_refund_split_before_saving(database):
    # Issue 12: lines picked with the arrow keys, what was already returned, and the split
    # (points back at their price, the debt reduced, what is paid out) before it is saved.
    settings.set_value("points_value", "1000")
    Product.create(sku="TEA", name="Green tea", price=30_000)
    Product.create(sku="CAKE", name="Cake", price=20_000)
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333", "credit_limit": 500_000}).customer
    from shoptui.services import points

    points.adjust_points(customer, 10, "welcome")
    sale = checkout.record_sale(
        SaleInput(
            customer=customer,
            lines=[LineInput(qty=Decimal(2), sku="TEA"), LineInput(qty=Decimal(1), sku="CAKE")],
            points=10,
            credit=20_000,
        )
    ).receipt  # 80,000: 10,000 points, 20,000 credit
    sale_return.record_return(sale, lines=[(sale.lines[0].id, Decimal(1))])
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_return_from_sales_tab(pilot, customer.id)
        table = modal.query_one("#return-lines")
        await until(pilot, lambda: table.row_count == 2, what="the sale's lines")
        assert [c.plain if hasattr(c, "plain") else str(c) for c in table.get_row_at(0)][:4] == [
            "TEA Green tea",
            "2",
            "1",
            "1",
        ]
        table.focus()
        await pilot.press("down", "enter")  # one Cake
        assert modal.query_one("#lines", Input).value == "CAKE 1"
        split = lambda: str(modal.query_one("#refund-split", Static).render())  # noqa: E731
        await until(pilot, lambda: "Returns ₫20,000" in split(), what="the split")
        assert "points back (₫" in split() and "paid back (cash)" in split()
        assert Receipt.select().where(Receipt.kind == "return").count() == 1  # nothing written yet
