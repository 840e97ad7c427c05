"""The return dialog at 80×24 with a sale where one product was scanned twice (two lines
of one sku), and with a receipt typed over the sale shown (a new-user tester's findings)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.widgets import DataTable, Input, Static

from screens.till.return_modal import ReturnModal
from shoptui import clock
from shoptui.check import run_checks
from shoptui.models import Product
from shoptui.services import checkout, customers, sale_return
from shoptui.services.sale_quote import LineInput, SaleInput

from .helpers import Notes, app_for, pilot_test, scan, until
from .till_helpers import TILL, done_shown, done_text, type_amount
from .till_helpers import open_return_from_sales_tab as return_from_sales_tab

COCA, TEA = "8930000000217", "8930000000033"


def products() -> None:
    Product.create(sku="COCA", barcode=COCA, name="Coca-Cola lon 320ml", price=10_000)
    Product.create(sku="TEA", barcode=TEA, name="Green tea", price=30_000)


def scanned_twice(customer, at=None):
    """What the till records for COCA scanned twice and TEA once: a line a scan."""
    return checkout.record_sale(
        SaleInput(
            customer=customer,
            at=at or clock.now() - dt.timedelta(hours=1),
            lines=[
                LineInput(qty=Decimal(1), sku=COCA),
                LineInput(qty=Decimal(1), sku=COCA),
                LineInput(qty=Decimal(1), sku=TEA),
            ],
        )
    ).receipt


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)][:4] for i in range(table.row_count)]


def split_text(modal) -> str:
    return str(modal.query_one("#refund-split", Static).render())


@pilot_test
async def test_a_product_scanned_twice_is_one_row_and_two_of_it_can_be_returned(database):
    products()
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}).customer
    sale = scanned_twice(customer)
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=TILL) as pilot:
        modal = await return_from_sales_tab(pilot, customer.id)  # crashed: DuplicateKey
        table = modal.query_one("#return-lines", DataTable)
        await until(pilot, lambda: table.row_count == 2, what="the sale's lines")
        assert rows(table) == [["COCA Coca-Cola lon 320ml", "2", "0", "2"], ["TEA Green tea", "1", "0", "1"]]
        table.focus()
        await pilot.press("enter", "enter")  # two Coca-Colas picked on their row
        lines = modal.query_one("#lines", Input)
        assert lines.value == "COCA 2"
        await until(pilot, lambda: "Returns ₫20,000" in split_text(modal), what="the split for two")
        lines.value = ""
        await scan(pilot, COCA)
        await until(pilot, lambda: lines.value == "COCA 1", what="one scanned")
        await scan(pilot, COCA)
        await until(pilot, lambda: lines.value == "COCA 2", what="the second added to it")
        await until(pilot, lambda: "Returns ₫20,000" in split_text(modal), what="the split for two scanned")
        lines.focus()
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Returned: ₫20,000" in text, text
        await pilot.press("enter")
    assert sale_return.returned_so_far(sale) == 20_000
    assert not notes.texts("error")
    assert run_checks() == []


@pilot_test
async def test_scanning_more_than_is_left_says_what_is_left_of_the_product(database):
    products()
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}).customer
    sale = scanned_twice(customer)
    first = sale.lines[0]
    sale_return.record_return(sale, lines=[(first.id, Decimal(1))])  # one Coca-Cola back already
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        modal = await return_from_sales_tab(pilot, customer.id)
        table = modal.query_one("#return-lines", DataTable)
        await until(pilot, lambda: table.row_count == 2, what="the sale's lines")
        assert rows(table)[0] == ["COCA Coca-Cola lon 320ml", "2", "1", "1"]
        await scan(pilot, COCA)
        await until(pilot, lambda: "Returns ₫10,000" in split_text(modal), what="one is left")
        await scan(pilot, COCA)
        lines = modal.query_one("#lines", Input)
        await until(pilot, lambda: lines.value == "COCA 2", what="the second added to it")
        await until(
            pilot,
            lambda: "At most 1 of Coca-Cola lon 320ml can be returned." in split_text(modal),
            what="what is left, counted over both lines",
        )


@pilot_test
async def test_another_receipt_typed_shows_its_own_lines_and_split(database):
    products()
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}).customer
    other = customers.register({"name": "Trần Thị Dung", "phone": "0912 000 111"}).customer
    earlier = checkout.record_sale(
        SaleInput(customer=customer, at=clock.now() - dt.timedelta(days=1), lines=[LineInput(qty=Decimal(1), sku=TEA)])
    ).receipt
    theirs = checkout.record_sale(
        SaleInput(customer=other, at=clock.now() - dt.timedelta(hours=2), lines=[LineInput(qty=Decimal(4), sku=TEA)])
    ).receipt
    last = checkout.record_sale(
        SaleInput(
            customer=customer,
            at=clock.now() - dt.timedelta(hours=1),
            lines=[LineInput(qty=Decimal(2), sku=COCA), LineInput(qty=Decimal(1), sku=TEA)],
        )
    ).receipt
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        modal = await return_from_sales_tab(pilot, customer.id)  # the last sale, prefilled
        table = modal.query_one("#return-lines", DataTable)
        receipt, lines = modal.query_one("#receipt", Input), modal.query_one("#lines", Input)
        assert receipt.value == last.number
        await until(
            pilot, lambda: table.row_count == 2 and "Returns ₫50,000" in split_text(modal), what="the last sale"
        )
        await scan(pilot, COCA)
        await until(
            pilot, lambda: lines.value == "COCA 1" and "Returns ₫10,000" in split_text(modal), what="one picked"
        )

        # The earlier sale of this customer, typed by its digits.
        await pilot.press("shift+tab")
        assert pilot.app.focused is receipt
        await pilot.press(*["backspace"] * (len(receipt.value) + 1))
        assert receipt.value == ""
        await type_amount(pilot, earlier.number.split("-")[-1].lstrip("0"))
        await pilot.press("tab")
        await until(pilot, lambda: modal.sale is not None and modal.sale.id == earlier.id, what="the earlier sale")
        await until(pilot, lambda: rows(table) == [["TEA Green tea", "1", "0", "1"]], what="its lines")
        assert lines.value == ""  # the line picked was of the other sale
        await until(pilot, lambda: "Returns ₫30,000" in split_text(modal), what="its split")
        await pilot.pause()
        assert "Returns ₫30,000" in split_text(modal)

        # Another customer's sale: named, refused, and none of the earlier sale is left.
        receipt.focus()
        await pilot.press(*["backspace"] * (len(receipt.value) + 1))
        await type_amount(pilot, theirs.number.split("-")[-1].lstrip("0"))
        await pilot.press("tab")
        await until(
            pilot,
            lambda: "Trần Thị Dung" in str(modal.query_one("#return-sale", Static).render()),
            what="whose sale it is",
        )
        assert modal.sale is None
        assert not table.display and table.row_count == 0
        assert lines.value == "" and split_text(modal) == ""


@pilot_test
async def test_one_point_is_said_in_the_singular_in_the_split(database):
    from shoptui.services import points, settings

    settings.set_value("points_earn_per", "10000")
    products()
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}).customer
    points.adjust_points(customer, 1, "welcome")
    # 20,000 less 1 point's money: earns 1 point, redeemed 1.
    checkout.record_sale(
        SaleInput(
            customer=customer,
            at=clock.now() - dt.timedelta(hours=1),
            points=1,
            lines=[LineInput(qty=Decimal(2), sku=COCA)],
        )
    )
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        modal = await return_from_sales_tab(pilot, customer.id)
        await until(pilot, lambda: "Returns" in split_text(modal), what="the split")
        text = split_text(modal)
        assert "1 point back (" in text and "1 point taken back" in text, text
        assert "points" not in text, text


@pilot_test
async def test_the_testers_keys_sale_with_a_product_scanned_twice_then_f8(database):
    # On a card: F5, Tab, scan COCA twice and TEA once, Enter, Enter, Right (Sales tab), F8.
    from screens.customer.customer_card_screen import CustomerCardScreen
    from screens.till.sale_modal import SaleModal

    from .till_helpers import card_open

    products()
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}).customer
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, SaleModal), what="the sale")
        sale_modal = app.screen
        await pilot.press("tab")
        for code in (COCA, COCA, TEA):
            await scan(pilot, code)
        quoted = lambda: sale_modal.last_quote is not None and sale_modal.last_quote.subtotal == 50_000  # noqa: E731
        await until(pilot, quoted, what="three lines")
        await pilot.press("enter")
        await done_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen), what="back on the card")
        from shoptui.models import ReceiptLine

        assert ReceiptLine.select().where(ReceiptLine.sku == "COCA").count() == 2  # a line a scan
        await pilot.press("right")
        await pilot.pause()
        await pilot.press("f8")
        await until(
            pilot, lambda: isinstance(app.screen, ReturnModal) and app.screen.sale is not None, what="the return"
        )
        modal = app.screen
        table = modal.query_one("#return-lines", DataTable)
        await until(pilot, lambda: table.row_count == 2, what="the sale's lines")
        assert rows(table) == [["COCA Coca-Cola lon 320ml", "2", "0", "2"], ["TEA Green tea", "1", "0", "1"]]
