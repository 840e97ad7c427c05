"""The till's dialogs at 80×24, driven by the keys a cashier uses: a choice ("Pay back",
"Paid by") changes with ↑ ↓ and Enter moves on from it; a card's tab gives its table the
focus; the vouchers list never shows a new row cut; the return and sale dialogs keep their
fields, facts and keys whole in every language (issue 12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input, TabbedContent

from screens.admin.vouchers_screen import VouchersScreen, open_vouchers
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.till.adjust_modal import AdjustModal
from screens.till.debt_payment_modal import DebtPaymentModal
from screens.till.gift_card_modal import GiftCardModal, sell_gift_card
from screens.till.sale_modal import SaleModal
from screens.widgets.form import SELECT_KEYS, TillSelect
from shoptui import clock
from shoptui.i18n import _, set_language
from shoptui.models import Customer, Product
from shoptui.services import checkout, customers, points, vouchers
from shoptui.services.sale_quote import LineInput, SaleInput

from .helpers import app_for, pilot_test, screen_text, until
from .till_helpers import TILL, card_open, done_shown, done_text, type_amount
from .till_helpers import open_return_from_sales_tab as return_from_sales_tab


@pytest.fixture
def bought(database):
    """A customer with a debt and three sales, the last of five lines; another customer's sale."""
    customer = customers.register({"name": "Trần Bình", "phone": "0987 111 222", "credit_limit": 500_000}).customer
    for sku, name in (
        ("TEA", "Green tea Long Jing premium"),
        ("CAKE", "Cake"),
        ("MILK", "Milk"),
        ("RICE", "Rice ST25 5 kg"),
        ("SOAP", "Soap"),
    ):
        Product.create(sku=sku, name=name, price=20_000)
    at = clock.now() - dt.timedelta(days=1)
    checkout.record_sale(SaleInput(customer=customer, amount=30_000, at=at - dt.timedelta(hours=2)))
    checkout.record_sale(SaleInput(customer=customer, amount=40_000, credit=40_000, at=at - dt.timedelta(hours=1)))
    points.adjust_points(customer, 40, "welcome")
    vouchers.create_voucher("THANKS", "amount", 10_000, at=at - dt.timedelta(days=1))
    vouchers.top_up_gift_card("2900000000018", 100_000, "cash", at=at - dt.timedelta(days=1))
    # Paid every way, so that the refund's split is as long as it gets.
    sale = checkout.record_sale(
        SaleInput(
            customer=customer,
            at=at,
            points=20,
            credit=30_000,
            voucher="THANKS",
            gift_card="2900000000018",
            gift_amount=15_000,
            lines=[LineInput(qty=Decimal(1), sku=sku) for sku in ("TEA", "CAKE", "MILK", "RICE", "SOAP")],
        )
    ).receipt
    other = customers.register(
        {"name": "Nguyễn Thị Minh Khai Phương Anh Hoàng Bảo Ngọc Trâm Lê", "phone": "0912 000 111"}
    ).customer
    theirs = checkout.record_sale(SaleInput(customer=other, amount=50_000)).receipt
    return Customer.get_by_id(customer.id), sale, theirs


def visible(app) -> str:
    return screen_text(app).replace("\xa0", " ")


# -- 1. a choice at the till: ↑ ↓ change it, Enter moves on -----------------------------------


@pilot_test
async def test_arrows_change_pay_back_without_a_list_and_enter_takes_the_return(bought, database):
    customer, sale, _theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        modal = await return_from_sales_tab(pilot, customer.id)
        refund = modal.query_one("#refund", TillSelect)
        await pilot.press("tab", "tab")  # amount → lines → pay back
        assert app.focused is refund
        await pilot.press("down")
        assert refund.value == "card" and not refund.expanded
        await pilot.press("down")  # the last choice stays: no wrap
        assert refund.value == "card"
        await pilot.press("up", "down")
        assert refund.value == "card" and not refund.expanded
        await until(
            pilot,
            lambda: "paid back (bank card)" in str(modal.query_one("#refund-split").render()),
            what="the split for the bank card",
        )
        assert _(SELECT_KEYS) in visible(app)  # the dialog says so
        await pilot.press("enter")  # the last field: Enter takes the return, as from Amount
        text = done_text(await done_shown(pilot))
        assert "Paid back (bank card): " in text, text


@pilot_test
async def test_space_opens_the_list_enter_picks_and_enter_again_takes_the_return(bought, database):
    customer, sale, _theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        modal = await return_from_sales_tab(pilot, customer.id)
        refund = modal.query_one("#refund", TillSelect)
        refund.focus()
        await pilot.press("space")
        assert refund.expanded
        await pilot.press("down", "enter")  # picks in the list, which closes
        await until(pilot, lambda: not refund.expanded and app.focused is refund, what="the list closed")
        assert refund.value == "card"
        await pilot.press("enter")
        assert "Paid back (bank card)" in done_text(await done_shown(pilot))


@pilot_test
async def test_paid_by_of_a_debt_payment_changes_with_arrows_and_enter_records(bought, database):
    customer, _sale, _theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, DebtPaymentModal))
        await type_amount(pilot, "10000")
        # A shop without users lets anyone take an advance, so "Payment" comes between the two.
        await pilot.press("tab")
        assert app.screen.focused.id == "pay-kind"
        await pilot.press("tab", "down", "down")
        assert app.screen.query_one("#pay-kind", TillSelect).value == "payment"
        assert app.screen.query_one("#pay-method", TillSelect).value == "transfer"
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid: ₫10,000" in text and "Paid by: transfer" in text, text


@pilot_test
async def test_enter_on_paid_by_sells_the_gift_card(database):
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        sell_gift_card(app, "2900000000025")  # a new card, as its scan opens the form
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, GiftCardModal) and app.focused is not None and app.focused.id == "gift-amount"
            ),
            what="the gift card form",
        )
        await type_amount(pilot, "50000")
        await pilot.press("tab", "down")
        assert app.screen.query_one("#gift-method", TillSelect).value != "cash"
        await pilot.press("enter")
        assert "Gift card: 2900000000025" in done_text(await done_shown(pilot))


@pilot_test
async def test_what_of_an_adjustment_changes_with_arrows_and_enter_goes_to_the_change(bought, database):
    customer, _sale, _theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, AdjustModal))
        modal = app.screen
        await pilot.press("shift+tab")  # from the change up to What
        kind = modal.query_one("#adjust-kind", TillSelect)
        assert app.focused is kind
        await pilot.press("down")
        assert kind.value == "debt" and not kind.expanded
        await pilot.press("enter")  # not the last field: Enter moves on
        assert app.focused is modal.query_one("#adjust-amount", Input)
        await pilot.press(*"-5000")
        modal.query_one("#adjust-reason", Input).value = "rounding"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
    assert Customer.get_by_id(customer.id).debt_balance == 70_000 - 5_000  # 40,000 + 30,000 on credit before


# -- 2. the card's tabs: the table has the focus once its tab is shown -----------------------


@pilot_test
async def test_each_tab_of_the_card_gives_its_table_the_focus(bought, database):
    customer, _sale, _theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        app.open_customer(customer.id)
        card = await card_open(pilot, customer.id)
        tabs = card.query_one("#card-tabs", TabbedContent)
        await pilot.press("right")  # from the tab bar, as a cashier does
        assert tabs.active == "sales"
        table = card.query_one("#sales-table", DataTable)
        await until(pilot, lambda: app.focused is table, what="the sales table focused")
        await pilot.press("down", "down")  # no Tab first
        assert table.cursor_row == 2
        # ← → go on through the tabs from a table too, each table focused in turn.
        for expected in ("returns", "cards", "points", "debts", "surveys"):
            await pilot.press("right")
            assert tabs.active == expected
            await until(pilot, lambda: app.focused is card.query_one(f"#{expected}-table"), what=expected)
        await pilot.press("ctrl+pagedown")
        assert tabs.active == "profile"
        await until(pilot, lambda: app.focused is card.query_one("#profile-table"), what="profile")
        await pilot.press("left")
        assert tabs.active == "surveys"
        # F7 shows the Cards tab with its card field focused: the table does not take it.
        await pilot.press("f7")
        await until(pilot, lambda: tabs.active == "cards")
        await pilot.pause()
        assert app.focused is card.query_one("#new-card", Input)


# -- 3. the vouchers list: columns fit a new row the moment it is shown ----------------------


@pilot_test
async def test_the_vouchers_columns_fit_a_new_row_as_soon_as_it_is_listed(bought, database):
    customer, _sale, _theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        open_vouchers(app)
        await until(pilot, lambda: isinstance(app.screen, VouchersScreen) and app.screen.is_mounted)
        screen = app.screen
        cut: list[tuple[str, int, int]] = []
        shown = screen._show

        def show_and_measure(rows, select_id):
            # Measured in the same turn as the rows are added, before Textual's idle pass.
            shown(rows, select_id)
            table = screen.query_one("#vouchers", DataTable)
            for i in range(table.row_count):
                for column, cell in zip(table.ordered_columns, table.get_row_at(i)):
                    room = column.get_render_width(table) - 2 * table.cell_padding
                    if room < cell.cell_len:
                        cut.append((str(cell), cell.cell_len, room))

        screen._show = show_and_measure
        voucher = vouchers.create_voucher(
            "SUMMER-FOR-AN", "amount", 25_000, customer=customer, note="for the long customer"
        )
        screen.reload(voucher.id)
        await until(pilot, lambda: voucher.id in [r.id for r in screen.rows], what="the voucher listed")
        assert not cut, cut
        another = vouchers.create_voucher(
            "WINTER-2026-LONGER-CODE",
            "amount",
            1_250_000,
            max_uses=3,
            customer=Customer.get(Customer.name == "Nguyễn Thị Minh Khai Phương Anh Hoàng Bảo Ngọc Trâm Lê"),
        )
        screen.reload(another.id)
        await until(pilot, lambda: another.id in [r.id for r in screen.rows], what="the second voucher listed")
        assert not cut, cut
        assert screen.selected.id == another.id


# -- 4. the return and sale dialogs at 80×24 in every language -------------------------------


@pytest.mark.parametrize("language", ["ru", "de", "vi", "en"])
@pilot_test
async def test_the_return_dialog_keeps_its_title_field_and_keys_whole_at_80x24(bought, database, language):
    set_language(language)
    customer, sale, theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        modal = await return_from_sales_tab(pilot, customer.id)
        await until(pilot, lambda: modal.query_one("#return-lines", DataTable).row_count == 5, what="the lines")
        # The split of the whole sale (points, credit, cash), then another customer's receipt:
        # the dialog shows that sale and a long refusal under the receipt, the split still there.
        await until(pilot, lambda: str(modal.query_one("#refund-split").render()).strip(), what="the split")
        await pilot.press("shift+tab")
        receipt = modal.query_one("#receipt", Input)
        assert app.focused is receipt
        receipt.value = theirs.number
        await pilot.press("tab")
        await until(pilot, lambda: modal.field("receipt").error and app.focused is receipt, what="the refusal")
        await pilot.pause()
        text = visible(app)
        lines = text.splitlines()
        assert len(lines) == 24 and all(cell_len(line) <= 80 for line in lines)
        top = next(i for i, line in enumerate(lines) if line.startswith("█▀"))
        assert _("Return") in lines[top + 1], text  # the title, under the border
        assert any(line.startswith("█▄") for line in lines[top:]), text  # and the whole dialog
        for part in _("Enter: take the return   Esc: cancel").split("   ") + [_(SELECT_KEYS)]:
            assert part in text, (part, text)
        # The field with the focus is whole on screen, its label beside its value.
        assert any(_("Receipt") in line and theirs.number in line for line in lines), text


@pytest.mark.parametrize("language", ["ru", "de"])
@pilot_test
async def test_the_sale_dialog_breaks_the_customer_facts_between_facts_at_80x24(bought, database, language):
    set_language(language)
    customer, _sale, _theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f5")
        await until(
            pilot,
            lambda: isinstance(app.screen, SaleModal) and app.screen.header is not None,
            what="the sale with its customer",
        )
        modal = app.screen
        f, h = modal.formats, modal.header
        template = _("{name} ({code})   points: {points}   debt: {debt}   credit left: {credit}")
        facts = [
            part.format(
                name=h.name,
                code=h.code,
                points=f.number(h.points).plain,
                debt=f.money(h.debt).plain,
                credit=f.money(h.credit_left).plain,
            ).replace("\xa0", " ")
            for part in template.split("   ")
        ]
        await until(pilot, lambda: all(fact in visible(app) for fact in facts), what=f"{facts} whole")
        for part in _("Enter: record the sale   Tab: next field   Esc: cancel").split("   "):
            assert part in visible(app), part


@pytest.mark.parametrize("language", ["ru", "de"])
@pilot_test
async def test_the_return_lines_show_every_heading_and_figure_at_80x24(database, language):
    set_language(language)
    customer = customers.register({"name": "Trần Bình", "phone": "0987 111 222"}).customer
    Product.create(sku="TEA250", name="Trà xanh Long Tỉnh thượng hạng hộp thiếc 250 g", price=1_250_000)
    Product.create(sku="CAKE", name="Cake", price=20_000)
    checkout.record_sale(
        SaleInput(
            customer=customer,
            at=clock.now() - dt.timedelta(days=1),
            lines=[LineInput(qty=Decimal(2), sku="TEA250"), LineInput(qty=Decimal(1), sku="CAKE")],
        )
    )
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        modal = await return_from_sales_tab(pilot, customer.id)
        await until(pilot, lambda: modal.query_one("#return-lines", DataTable).row_count == 2, what="the lines")
        await pilot.pause()
        text = visible(app)
        f = modal.formats
        for whole in (
            _("Sold"),
            _("Returned"),
            _("Left"),
            _("Amount"),
            f.money(2_500_000).plain,
            f.money(20_000).plain,
        ):
            assert whole.replace("\xa0", " ") in text, (whole, text)
        assert "TEA250 Trà xanh" in text  # the name gives way, cut with …


@pytest.mark.parametrize("language", ["ru", "de"])
@pilot_test
async def test_the_sale_dialog_keeps_its_total_and_keys_whole_with_lines_at_80x24(bought, database, language):
    set_language(language)
    customer, _sale, _theirs = bought
    app = app_for(database)
    async with app.run_test(size=TILL) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f5")
        await until(
            pilot,
            lambda: isinstance(app.screen, SaleModal) and app.screen.header is not None,
            what="the sale with its customer",
        )
        modal = app.screen
        await pilot.press("tab")
        assert app.focused is modal.query_one("#lines", Input)
        await type_amount(pilot, "TEA; CAKE; MILK; SOAP")
        to_pay = f"{_('To pay')}: {modal.formats.money(80_000).plain}".replace("\xa0", " ")
        await until(pilot, lambda: to_pay in visible(app), what=f"{to_pay} on screen")
        text = visible(app)
        for part in _("Enter: record the sale   Tab: next field   Esc: cancel").split("   "):
            assert part in text, (part, text)
        top = next(i for i, line in enumerate(text.splitlines()) if line.startswith("█▀"))
        assert _("New sale") in text.splitlines()[top + 1], text
        assert any(_("Lines") in line and "TEA; CAKE" in line for line in text.splitlines()), text
