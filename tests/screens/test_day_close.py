"""The day close screen, driven by Pilot: F11, the cashier's figures, another day, CSV."""

from __future__ import annotations

import csv

from textual.widgets import Input, Static

from screens.dialogs.export_path_modal import ExportPathModal
from screens.directory.directory_screen import DirectoryScreen
from screens.till.day_close_screen import DayCloseScreen
from shoptui import clock
from shoptui.services import checkout, customers, debts, sale_return, users, vouchers
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, pilot_test, until


def shown(app) -> str:
    return str(app.screen.query_one("#day-close", Static).render())


@pilot_test
async def test_f11_shows_the_cashiers_day_and_exports_it(database, tmp_path):
    minh = users.add_user("Minh", "cashier", "1111", SYSTEM)
    lan = users.add_user("Lan", "cashier", "2222", SYSTEM)
    an = customers.register({"name": "An", "phone": "0912 345 678"}, actor=SYSTEM).customer
    sale = checkout.record_sale(
        SaleInput(customer=an, amount=100_000, card=30_000, credit=20_000), Actor(user=minh)
    ).receipt
    checkout.record_sale(SaleInput(amount=999_000), Actor(user=lan))
    debts.take_payment(an, 5_000, "cash", Actor(user=minh))
    sale_return.record_return(sale, 10_000, actor=Actor(user=minh))
    vouchers.top_up_gift_card("GIFT-1", 70_000, "transfer", Actor(user=minh))
    app = app_for(database)
    app.actor = Actor(user=minh)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, DayCloseScreen) and app.screen.report is not None)
        text = shown(app)
        assert "Minh" in text and "₫100,000" in text and "999,000" not in text  # Lan's sale is hers
        assert "Returns" in text and "₫10,000" in text and "Debt payments" in text and "₫5,000" in text
        assert "bank card" in text and "₫30,000" in text and "on credit" in text
        assert "Gift cards sold or topped up" in text and "by method" in text and "₫70,000" in text
        app.screen.export_dir = tmp_path
        await pilot.press("ctrl+e")
        # The file is asked for, prefilled in the folder, and the notice says where it went.
        await until(pilot, lambda: isinstance(app.screen, ExportPathModal), what="the path asked")
        path_input = app.screen.query_one(Input)
        assert path_input.value == str(tmp_path / f"day-close-{clock.today().isoformat()}.csv")
        await pilot.press("enter")
        await until(pilot, lambda: any("Saved" in t for t in notes.texts()), what="the export")
        assert any(str(tmp_path) in t for t in notes.texts())
        await until(pilot, lambda: isinstance(app.screen, DayCloseScreen))
        # A cashier's "u" is told, not obeyed.
        await pilot.press("u")
        await until(
            pilot,
            lambda: "A cashier may not see another user's day close; ask a manager." in notes.texts("error"),
            what="the refusal",
        )
        assert app.screen.user_id == minh.id
        await pilot.press("left")
        await until(pilot, lambda: app.screen.report.sales_count == 0, what="the day before")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
    (path,) = tmp_path.glob("day-close-*.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert ["receipts", "sales", "1", "100000"] in rows and ["debt_payments", "cash", "", "5000"] in rows


@pilot_test
async def test_an_owner_sees_the_whole_shop_and_narrows_it_to_one_cashier(database, tmp_path):
    owner = users.add_user("Hoa", "owner", "9999", SYSTEM)
    minh = users.add_user("Minh", "cashier", "1111", SYSTEM)
    lan = users.add_user("Lan", "cashier", "2222", SYSTEM)
    checkout.record_sale(SaleInput(amount=100_000), Actor(user=minh))
    checkout.record_sale(SaleInput(amount=999_000), Actor(user=lan))
    app = app_for(database)
    app.actor = Actor(user=owner)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, DayCloseScreen) and app.screen.report is not None)
        # Not the owner's own (empty) day: everyone's.
        assert app.screen.report.sales_total == 1_099_000 and "everyone" in shown(app)
        # u: Hoa (no sales), then Lan, then Minh, then everyone again.
        for name, total in (("Hoa", 0), ("Lan", 999_000), ("Minh", 100_000), (None, 1_099_000)):
            await pilot.press("u")
            await until(pilot, lambda: app.screen.report.user_name == name, what=f"the day of {name}")
            assert app.screen.report.sales_total == total
        # A path the system cannot write is one sentence, and nothing is written.
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ExportPathModal), what="the path asked")
        app.screen.query_one(Input).value = str(tmp_path / "missing" / "close.csv")
        await pilot.press("enter")
        # Said in the dialog itself (the core's output guard), which stays open for another name.
        refusal = lambda: str(app.screen.query_one("#export-path-error", Static).render())  # noqa: E731
        await until(pilot, lambda: "does not exist" in refusal(), what="the refusal")
        assert isinstance(app.screen, ExportPathModal)
    assert not list(tmp_path.rglob("*.csv"))
