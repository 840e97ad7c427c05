"""The directory, driven by Pilot: focus, search as you type, Escape, hostile data, paging, Ctrl+Q."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from screens.directory.directory_screen import DirectoryScreen
from shoptui.models import Customer
from shoptui.services import customers, debts, directory, points
from tests.actors import SYSTEM

from .helpers import app_for, drawn, keys_delivered, pilot_test, search_answered, settled, until

SIZE = (120, 40)

HOSTILE = (
    "[/]",
    "[bold]x[/bold]",
    "[link=http://x]y[/link]",
    "\x1b[31mred",
    "w" * 5000,
    "Thảo 😀👍🏽 🇻🇳",
    "שלום עליכם",
    "مرحبا بالعالم",
    "\u202eevil\u202c",
    "[@click=app.quit]quit[/]",
)


@pytest.fixture
def shop(database):
    made = {}
    for name, phone in (
        ("Nguyễn Thị Hồng", "0912 345 678"),
        ("Nguyễn Văn An", "0987 111 222"),
        ("Đặng Văn Lâm", "0903 000 111"),
        ("Hans Straße", ""),
        ("Trần Bảo", ""),
    ):
        made[name] = customers.register({"name": name, "phone": phone}).customer
    return made


def table_of(app) -> DataTable:
    return app.screen.query_one("#customers", DataTable)


def shown_names(app) -> list[str]:
    table = table_of(app)
    return [table.get_row_at(i)[1].plain for i in range(table.row_count)]


async def search_for(pilot, text: str, expect) -> None:
    """Type ``text`` key by key into the search box and wait until ``expect`` names are shown."""
    await pilot.press(*text)
    await until(pilot, lambda: shown_names(pilot.app) == expect)


@pilot_test
async def test_search_box_has_the_focus_and_everyone_is_listed(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        assert isinstance(app.focused, Input) and app.focused.id == "search"
        assert shown_names(app) == ["Đặng Văn Lâm", "Hans Straße", "Nguyễn Thị Hồng", "Nguyễn Văn An", "Trần Bảo"]
        assert app.title == "My shop"
        assert str(app.screen.query_one("#directory-status", Static).render()) == "5 customers"


@pilot_test
async def test_typing_filters_as_you_type(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await search_for(pilot, "nguyen", ["Nguyễn Thị Hồng", "Nguyễn Văn An"])
        await search_for(pilot, " hong", ["Nguyễn Thị Hồng"])
        await pilot.press(*["backspace"] * 5)
        await until(pilot, lambda: shown_names(app) == ["Nguyễn Thị Hồng", "Nguyễn Văn An"])
        assert app.focused.id == "search"


@pytest.mark.parametrize(
    "query, found",
    [("dang", "Đặng Văn Lâm"), ("strasse", "Hans Straße"), ("TRAN bao", "Trần Bảo"), ("5678", "Nguyễn Thị Hồng")],
)
@pilot_test
async def test_accents_and_phone_digits_find_the_customer(shop, database, query, found):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await search_for(pilot, query, [found])


@pilot_test
async def test_rows_show_phone_money_points_and_status_as_the_shop_reads_them(shop, database):
    lam = shop["Đặng Văn Lâm"]
    debts.set_opening_balance(lam, 125_000)
    points.set_opening_balance(lam, 1_250)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "lam", ["Đặng Văn Lâm"])
        cells = [cell.plain for cell in table_of(app).get_row_at(0)]
        assert cells == [lam.code, "Đặng Văn Lâm", "0903 000 111", "₫125,000", "₫0", "", "1,250", "active"]


def drawn_lines(table: DataTable) -> list[str]:
    return [strip.text.rstrip() for strip in table.render_lines(table.region.reset_offset)]


@pilot_test
async def test_columns_fit_each_search_even_when_drawn_before_the_table_is_idle(shop, database):
    # The compositor may draw between add_row and DataTable's idle-time width update; cells
    # drawn then must not keep a stale width (Textual issue #4470), and a narrower result
    # gets narrower columns (auto widths only ever grow).
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        table = table_of(app)
        await until(pilot, lambda: table.row_count == 5)
        add_row = table.add_row

        def add_row_then_draw(*cells, **kwargs):
            key = add_row(*cells, **kwargs)
            drawn_lines(table)
            return key

        table.add_row = add_row_then_draw
        await search_for(pilot, "lam", ["Đặng Văn Lâm"])
        await drawn(pilot)  # DataTable fits its columns when idle
        lines = drawn_lines(table)
        lam = shop["Đặng Văn Lâm"]
        assert "Name" in lines[0] and "Last purchase" in lines[0], lines
        assert f"{lam.code}  Đặng Văn Lâm  0903 000 111" in lines[1], lines


@pilot_test
async def test_no_match_says_so(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "zzz", [])
        await until(
            pilot, lambda: "No customer matches" in str(app.screen.query_one("#directory-status", Static).render())
        )


@pilot_test
async def test_escape_clears_the_search_and_never_quits(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "nguyen", ["Nguyễn Thị Hồng", "Nguyễn Văn An"])
        await pilot.press("escape")
        await until(pilot, lambda: table_of(app).row_count == 5)
        search = app.screen.query_one("#search", Input)
        assert search.value == "" and app.focused is search
        for _ in range(3):  # on an empty search too: Escape is never "quit" here
            await pilot.press("escape")
        await settled(pilot)
        assert app.is_running and app.screen is not None and table_of(app).row_count == 5


@pilot_test
async def test_arrows_move_the_cursor_while_the_search_box_keeps_the_focus(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await pilot.press("down", "down")
        assert table_of(app).cursor_row == 2
        await pilot.press("up")
        assert table_of(app).cursor_row == 1
        assert app.focused.id == "search"


@pilot_test
async def test_hostile_names_show_literally_and_the_app_goes_on(database):
    # Names as another program or an old import may have stored them: the services would
    # clean control characters and cut the length, so they are written here directly.
    for i, name in enumerate(HOSTILE):
        customer = customers.register({"name": f"placeholder {i}"}).customer
        Customer.update(name=name).where(Customer.id == customer.id).execute()
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == len(HOSTILE))
        shown = set(shown_names(app))
        for literal in (
            "[/]",
            "[bold]x[/bold]",
            "[link=http://x]y[/link]",
            "Thảo 😀👍🏽 🇻🇳",
            "שלום עליכם",
            "مرحبا بالعالم",
            "[@click=app.quit]quit[/]",
        ):
            assert literal in shown
        assert "\u241b[31mred" in shown  # ESC is drawn as ␛, never sent to the terminal
        assert "\ufffdevil\ufffd" in shown  # a bidi override cannot reorder the row
        long_name = next(name for name in shown if name.startswith("www"))
        assert long_name.endswith("…") and len(long_name) < 100
        # Drawing the whole screen is where markup would be parsed; it must not be.
        screen = app.export_screenshot()
        assert "[bold]x[/bold]" in screen and "\x1b[31m" not in screen
        # Hostile text typed into the search box is only a search.
        await pilot.press(*"[/]")
        await until(pilot, lambda: app.screen.query_one("#search", Input).value == "[/]")
        await until(pilot, lambda: search_answered(app), what="the search for [/]")
        app.export_screenshot()
        assert app.is_running


@pilot_test
async def test_paging_loads_more_rows_as_the_cursor_goes_down(database):
    for i in range(230):
        customer = customers.register({"name": f"Khách {i:03d}"}).customer
        if i == 150:  # a wider amount on a later page widens its column
            debts.set_opening_balance(customer, 1_000_000_000)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        table = table_of(app)
        await until(pilot, lambda: table.row_count == 100)
        assert "more below" in str(app.screen.query_one("#directory-status", Static).render())
        for _ in range(12):
            await pilot.press("pagedown")
            await settled(pilot)  # the next page, if this one asked for it
        await until(pilot, lambda: table.row_count == 230)
        assert shown_names(app) == [f"Khách {i:03d}" for i in range(230)]
        assert table.cursor_row > 100  # refitting the columns kept the cursor where it was
        assert table.columns["debt"].width >= len("₫1,000,000,000")
        assert table.get_row_at(150)[3].plain == "₫1,000,000,000"
        assert str(app.screen.query_one("#directory-status", Static).render()) == "230 customers"
        # A new search starts again from its first page.
        await search_for(pilot, "007", ["Khách 007"])


@pilot_test
async def test_a_database_error_is_a_notification_not_a_crash(shop, database):
    app = app_for(database)
    notes = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        original = app.notify

        def notify(message, **kwargs):
            notes.append((str(message), kwargs.get("severity")))
            return original(message, **kwargs)

        app.notify = notify
        database.execute_sql("ALTER TABLE customer RENAME TO customer_gone")
        try:
            await pilot.press(*"nguyen")
            # No key still held when the test ends: the detector's timer handed one on while the
            # app closed, and Textual raised ScreenStackError (under load).
            await keys_delivered(pilot)
            # Other notes (such as the quiet hint on setting up users) may come first.
            await until(pilot, lambda: any(severity == "error" for _text, severity in notes))
            errors = [text for text, severity in notes if severity == "error"]
            assert "customer list cannot be read" in errors[0]
            await until(pilot, lambda: "cannot" in app.export_screenshot())  # the toast is drawn
            assert app.is_running
        finally:
            database.execute_sql("ALTER TABLE customer_gone RENAME TO customer")


@pilot_test
async def test_an_unexpected_error_in_the_search_is_a_notification_too(shop, database, monkeypatch):
    app = app_for(database)
    notes = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        original = app.notify

        def notify(message, **kwargs):
            notes.append((str(message), kwargs.get("severity")))
            return original(message, **kwargs)

        app.notify = notify

        def broken(*args, **kwargs):
            raise RuntimeError("boom [/]")

        monkeypatch.setattr("shoptui.services.directory.search", broken)
        await pilot.press("a")
        await until(pilot, lambda: notes)
        assert notes == [("The customer list cannot be read: boom [/]", "error")]
        await until(pilot, lambda: "boom&#160;[/]" in app.export_screenshot())  # drawn literally
        assert app.is_running and table_of(app).row_count == 5


@pilot_test
async def test_ctrl_q_quits(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, what="the app to end")
    assert app.return_code in (0, None)


@pilot_test
async def test_footer_keys_are_named_and_remappable(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        shown = {
            binding.id: binding.description
            for _key, (_node, binding, _enabled, _tip) in app.screen.active_bindings.items()
            if binding.show
        }
        mine = {"open-customer": "Open", "new-customer": "New customer", "quit": "Quit", "help": "Help"}
        assert {key: shown.get(key) for key in mine} == mine
        # Filters and sorting work and have ids, but stay off the footer so that it fits 80 columns.
        hidden = {
            binding.id: binding.description
            for _key, (_node, binding, _enabled, _tip) in app.screen.active_bindings.items()
            if not binding.show
        }
        assert {
            "directory-filter-status",
            "directory-filter-group",
            "directory-filter-debt",
            "directory-filter-birthdays",
            "directory-sort",
            "directory-sort-reverse",
        } <= set(hidden)
        # Escape and the owner's export too (80 columns in Russian); F1 and the palette name them.
        assert hidden["clear-search"] == "Clear the search, then the filters" and hidden["directory-export"] == "Export"
        app.set_keymap({"directory-filter-debt": "f12"})
        await pilot.press("f12")
        assert app.screen.filters.with_debt


@pilot_test
async def test_enter_right_after_typing_opens_the_customer_just_found(shop, database):
    from screens.customer.customer_card_screen import CustomerCardScreen

    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)  # Đặng Văn Lâm is on the first row
        await pilot.press(*"tran", "enter")  # faster than the search answers
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        assert app.screen.customer_id == shop["Trần Bảo"].id


@pilot_test
async def test_f2_starts_a_registration_with_what_was_searched(shop, database):
    from screens.directory.register_modal import RegisterModal

    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "0977", [])
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        assert app.screen.query_one("#phone", Input).value == "0977"
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, RegisterModal))
        await pilot.press("escape")
        await search_for(pilot, "Mai Anh", [])
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        assert app.screen.query_one("#name", Input).value == "Mai Anh"


# -- filters, order and export ----------------------------------------------------------------


def status_line(app) -> str:
    return str(app.screen.query_one("#directory-status", Static).render())


@pilot_test
async def test_function_keys_filter_by_status_debt_and_birthday(shop, database):
    from shoptui import clock

    customers.set_status(shop["Trần Bảo"], "archived")
    customers.set_status(shop["Hans Straße"], "incomplete")
    debts.set_opening_balance(shop["Đặng Văn Lâm"], 50_000)
    customers.update(shop["Nguyễn Văn An"], {"birthday": clock.today().replace(year=1990, day=1)})
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 4)
        await pilot.press("f4")  # active only
        await until(pilot, lambda: shown_names(app) == ["Đặng Văn Lâm", "Nguyễn Thị Hồng", "Nguyễn Văn An"])
        assert "Filters: active" in status_line(app)
        await pilot.press("f4")  # incomplete
        await until(pilot, lambda: shown_names(app) == ["Hans Straße"])
        await pilot.press("f4")  # archived
        await until(pilot, lambda: shown_names(app) == ["Trần Bảo"])
        await pilot.press("f4")  # everyone
        await until(pilot, lambda: table_of(app).row_count == 5)
        await pilot.press("f4")  # back to the start
        await until(pilot, lambda: table_of(app).row_count == 4)
        await pilot.press("f7")
        await until(pilot, lambda: shown_names(app) == ["Đặng Văn Lâm"])
        assert "with debt" in status_line(app)
        await pilot.press("f7", "f8")
        await until(pilot, lambda: shown_names(app) == ["Nguyễn Văn An"])
        assert "birthday this month" in status_line(app)
        await pilot.press(*"dang")
        await until(
            pilot,
            lambda: status_line(app).startswith(
                "No customer matches this search with the filters on. Escape twice clears the search and the filters."
            ),
        )
        assert "Filters: birthday this month" in status_line(app)
        await pilot.press("f8")
        await until(pilot, lambda: shown_names(app) == ["Đặng Văn Lâm"])
        assert app.focused.id == "search"


@pilot_test
async def test_f6_picks_a_group_and_all_groups_again(shop, database):
    from screens.dialogs.choice_modal import ChoiceModal

    customers.add_to_group(shop["Hans Straße"], "Stammkunden")
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("down", "enter")
        await until(pilot, lambda: not isinstance(app.screen, ChoiceModal) and shown_names(app) == ["Hans Straße"])
        assert "Filters: group Stammkunden" in status_line(app)
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("up", "enter")
        await until(pilot, lambda: not isinstance(app.screen, ChoiceModal) and table_of(app).row_count == 5)
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ChoiceModal))
        assert app.screen.filters.group is None


@pilot_test
async def test_sort_by_keys_and_by_clicking_a_heading(shop, database):
    debts.set_opening_balance(shop["Hans Straße"], 10_000)
    debts.set_opening_balance(shop["Trần Bảo"], 90_000)
    points.set_opening_balance(shop["Nguyễn Văn An"], 7)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await pilot.press("f9")  # by debt, largest first
        await until(pilot, lambda: shown_names(app)[:2] == ["Trần Bảo", "Hans Straße"])
        assert "sorted by Debt ↓" in status_line(app)
        assert table_of(app).columns["debt"].label.plain.endswith("▼")
        await pilot.press("f10")
        await until(pilot, lambda: shown_names(app)[-2:] == ["Hans Straße", "Trần Bảo"])
        await pilot.press("f9", "f9", "f9")  # total sales, last purchase, points
        await until(pilot, lambda: shown_names(app)[0] == "Nguyễn Văn An")
        await pilot.press("f9")  # back to names
        await until(pilot, lambda: shown_names(app)[0] == "Đặng Văn Lâm")
        # A click on a heading sorts by it; a second click turns the order round.
        table = table_of(app)
        table.post_message(DataTable.HeaderSelected(table, table.columns["debt"].key, 3, table.columns["debt"].label))
        await until(pilot, lambda: shown_names(app)[0] == "Trần Bảo")
        table.post_message(DataTable.HeaderSelected(table, table.columns["debt"].key, 3, table.columns["debt"].label))
        await until(pilot, lambda: shown_names(app)[-1] == "Trần Bảo")
        table.post_message(DataTable.HeaderSelected(table, table.columns["phone"].key, 2, table.columns["phone"].label))
        await settled(pilot)
        assert app.screen.sort.key == "debt"  # the phone is no order


@pytest.mark.parametrize("ending", ["csv", "xlsx"])
@pilot_test
async def test_ctrl_e_exports_the_list_as_shown(shop, database, tmp_path, ending):
    from screens.dialogs.export_path_modal import ExportPathModal

    debts.set_opening_balance(shop["Đặng Văn Lâm"], 50_000)
    customers.update(shop["Trần Bảo"], {"name": "=cmd|' /C calc'!A0"})
    target = tmp_path / f"khach.{ending}"
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ExportPathModal))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ExportPathModal))
        await pilot.press("f9", "ctrl+e")  # by debt
        await until(pilot, lambda: isinstance(app.screen, ExportPathModal))
        path_box = app.screen.query_one("#export-path", Input)
        path_box.value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: target.exists())
    if ending == "csv":
        import csv

        with target.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        names = [row[1] for row in rows[1:]]
        assert rows[0][:2] == ["Code", "Name"]
        assert names[0] == "Đặng Văn Lâm" and len(names) == 5
        assert "'=cmd|' /C calc'!A0" in names
    else:
        from openpyxl import load_workbook

        values = [[c.value for c in row] for row in load_workbook(target).active.iter_rows()]
        assert values[1][1] == "Đặng Văn Lâm" and values[1][3] == 50_000 and len(values) == 6


@pilot_test
async def test_filters_order_and_export_fit_a_small_terminal(shop, database):
    from screens.dialogs.export_path_modal import ExportPathModal

    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await pilot.press("f4", "f7", "f9", "f10")
        await until(pilot, lambda: app.screen.filters.with_debt and table_of(app).row_count == 0)
        assert "with debt" in status_line(app), status_line(app)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ExportPathModal))
        assert app.screen.query_one("#export-path", Input).value.endswith(".csv")
        await pilot.press("escape", "f7")
        await until(pilot, lambda: table_of(app).row_count == 5)  # all five are active


@pilot_test
async def test_escape_clears_the_search_first_then_the_filters_and_never_quits(shop, database):
    debts.set_opening_balance(shop["Đặng Văn Lâm"], 50_000)
    customers.set_status(shop["Trần Bảo"], "archived")
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 4)
        await pilot.press("f7", "f9")  # with debt, sorted by debt
        await until(pilot, lambda: shown_names(app) == ["Đặng Văn Lâm"])
        await search_for(pilot, "nguyen", [])
        # Filtered out, not missing: the message says so and how to get them back.
        await until(pilot, lambda: "with the filters on" in status_line(app))
        assert "Escape twice" in status_line(app) and "Filters: with debt" in status_line(app)
        await pilot.press("escape")  # the search text first
        await until(pilot, lambda: shown_names(app) == ["Đặng Văn Lâm"])
        assert app.screen.query_one("#search", Input).value == "" and app.screen.filters.with_debt
        await pilot.press("escape")  # then the filters; the order stays
        await until(pilot, lambda: table_of(app).row_count == 4)
        assert app.screen.filters == directory.Filters() and app.screen.sort.key == "debt"
        assert "Filters" not in status_line(app)
        await pilot.press("escape")
        await settled(pilot)
        assert app.is_running and table_of(app).row_count == 4


@pilot_test
async def test_filters_on_an_empty_search_that_match_nobody_say_escape_clears_them(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        await pilot.press("f7")
        await until(pilot, lambda: status_line(app).startswith("No customer matches the filters. Escape clears them."))
        await pilot.press("escape")
        await until(pilot, lambda: table_of(app).row_count == 5)


@pytest.mark.parametrize("language", ["en", "ru"])
@pilot_test
async def test_the_filter_line_is_whole_at_80_columns(shop, database, language):
    """Every filter on at 80 columns: the status line wraps (Russian too), nothing is cut."""
    from shoptui import clock
    from shoptui.i18n import set_language

    from .helpers import screen_text

    set_language(language)
    customers.add_to_group(shop["Hans Straße"], "Stammkunden")
    debts.set_opening_balance(shop["Hans Straße"], 50_000)
    customers.update(shop["Hans Straße"], {"birthday": clock.today().replace(year=1990, day=1)})
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: table_of(app).row_count == 5)
        screen = app.screen
        screen.filters = directory.Filters(
            statuses=("active",), with_debt=True, group="Stammkunden", birthday_month=clock.today().month
        )
        screen.start_search()
        await pilot.press("f9")
        await until(pilot, lambda: shown_names(app) == ["Hans Straße"] and "Stammkunden" in status_line(app))
        await drawn(pilot)
        widget = screen.query_one("#directory-status", Static)
        lines = screen_text(app).splitlines()[widget.region.y : widget.region.bottom]
        assert " ".join(" ".join(lines).split()) == " ".join(status_line(app).split()), (lines, status_line(app))
        assert widget.region.height >= 2 and table_of(app).region.height >= 5


@pilot_test
async def test_a_cashier_pressing_ctrl_e_is_told_at_once_that_exports_are_the_owners(shop, database, tmp_path):
    from screens.dialogs.export_path_modal import ExportPathModal
    from shoptui.services import users

    from .helpers import Notes
    from .till_helpers import sign_in

    users.add_user("Hoa", "owner", "9999", SYSTEM)
    users.add_user("Minh", "cashier", "1111", SYSTEM)
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen) and table_of(app).row_count == 5)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: notes.texts("error"))
        assert notes.texts("error") == ["A cashier may not export data; ask the owner."]
        await settled(pilot)
        assert not isinstance(app.screen, ExportPathModal) and app.screen.query_one("#search", Input).has_focus
    assert not list(tmp_path.glob("*.csv"))
