"""The directory's list fits the terminal: at 80 columns no column hides off to the right
(nobody scrolls it sideways, the search box keeps the focus); wider, every column shows."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from screens.directory.directory_screen import DirectoryScreen
from shoptui.i18n import set_language
from shoptui.services import checkout, customers, debts
from shoptui.services.sale_quote import SaleInput

from .helpers import app_for, drawn, pilot_test, until


@pytest.fixture
def shop(database):
    an = customers.register({"name": "Nguyễn Thị Thanh Hương Giang", "phone": "0912 345 678"}).customer
    checkout.record_sale(SaleInput(customer=an, amount=12_345_000, credit=250_000))
    customers.register({"name": "Trần Bình", "phone": "0987 111 222"})
    return an


def columns(app) -> list[str]:
    table = app.screen.query_one("#customers", DataTable)
    return [str(column.key.value) for column in table.ordered_columns]


@pytest.mark.parametrize("language", ["en", "de", "ru"])
@pilot_test
async def test_at_80_columns_the_list_fits_and_keeps_what_the_till_needs(shop, database, language):
    set_language(language)
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DirectoryScreen) and app.screen.query_one("#customers", DataTable).row_count == 2
            ),
        )
        await drawn(pilot)
        table = app.screen.query_one("#customers", DataTable)
        assert table.max_scroll_x == 0, columns(app)
        assert {"code", "name", "phone", "debt", "points"} <= set(columns(app))
        phones = [table.get_row_at(i)[columns(app).index("phone")].plain for i in range(2)]
        assert "0912 345 678" in phones  # a phone is never cut
        await pilot.resize_terminal(140, 30)
        await until(pilot, lambda: len(columns(app)) == 8, what="every column at 140")
        assert app.screen.query_one("#customers", DataTable).max_scroll_x == 0


@pytest.mark.parametrize("language", ["en", "ru"])
@pilot_test
async def test_the_empty_shop_hint_is_whole_at_80x24(database, language):
    """No customers yet: the hint names both ways in (import, `shoptui demo`), wrapped, not cut."""
    from textual.widgets import Static

    from .helpers import screen_text

    set_language(language)
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DirectoryScreen)
                and "shoptui demo" in str(app.screen.query_one("#directory-status", Static).render())
            ),
        )
        await drawn(pilot)
        widget = app.screen.query_one("#directory-status", Static)
        shown = " ".join(screen_text(app).splitlines()[widget.region.y : widget.region.bottom])
        assert "shoptui import customers" in shown and "shoptui demo" in shown, shown
        assert " ".join(shown.split()) == " ".join(str(widget.render()).split())


@pytest.mark.parametrize("language", ["en", "ru"])
@pilot_test
async def test_a_customer_who_paid_in_advance_is_shown_so_not_as_a_negative_debt(shop, database, language):
    # Issue 12 (new-user tester): the Debt column showed "-50 250 ₫" for a customer the card
    # calls "Paid in advance".
    from shoptui.i18n import _

    from ..actors import SYSTEM

    set_language(language)
    ahead = customers.register({"name": "Lê Ứng", "phone": "0903 222 333"}).customer
    debts.take_payment(ahead, 50_250, actor=SYSTEM, advance=True)
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DirectoryScreen) and app.screen.query_one("#customers", DataTable).row_count == 3
            ),
        )
        await drawn(pilot)
        table = app.screen.query_one("#customers", DataTable)
        assert table.max_scroll_x == 0, columns(app)  # still fits 80 columns
        debt_at = columns(app).index("debt")
        name_at = columns(app).index("name")
        cells = {table.get_row_at(i)[name_at].plain: table.get_row_at(i)[debt_at] for i in range(3)}
        advance = cells["Lê Ứng"]
        amount = app.formats.money(50_250).plain
        assert advance.plain == _("advance {amount}").format(amount=amount), advance.plain
        assert "-" not in advance.plain and "−" not in advance.plain
        assert advance.spans, "drawn in a style of its own"
        assert cells["Nguyễn Thị Thanh Hương Giang"].plain == app.formats.money(250_000).plain
        # Still sorted by the balance: F9 sorts by debt, largest first, the advance last.
        await pilot.press("f9")

        def names() -> list[str]:
            return [table.get_row_at(i)[name_at].plain for i in range(table.row_count)]

        await until(
            pilot,
            lambda: (
                app.screen.sort.key == "debt"
                and table.row_count == 3
                and names() == ["Nguyễn Thị Thanh Hương Giang", "Trần Bình", "Lê Ứng"]
            ),
            what="sorted by debt",
        )
