"""The Reports screen, driven by Pilot on a small demo shop (fixed seed, frozen clock): it
opens by key and from the palette, each report shows the figures its function returns,
tables sort, a customer's row opens the card, CSV and xlsx exports read back, a cashier
is refused the export, a bad date runs nothing, a running report can be stopped (the SQL
statement too), and hostile names in a list do not break anything."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from textual.widgets import Input, OptionList, Select

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.dialogs.choice_modal import ChoiceModal
from screens.dialogs.export_path_modal import ExportPathModal
from screens.directory.directory_screen import DirectoryScreen
from screens.reports.calendar_modal import CalendarModal
from screens.reports.report_form import ReportForm, period_dates
from screens.reports.report_screen import ReportScreen
from screens.reports.reports_screen import ReportsScreen
from screens.reports.result_table import ResultTable, cell
from screens.reports.stores_modal import StoresModal
from shoptui import clock, reports
from shoptui.db import database as db_proxy
from shoptui.demo import make_demo
from shoptui.models import Customer, Product, ReceiptLine, User
from shoptui.reports import Money, Share
from shoptui.reports.query import ReportQuery
from shoptui.reports.running import ReportCancelled, ReportRun
from shoptui.services import checkout, customers
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from shoptui.services.stores import add_store
from tests.hostile import NAMES
from tests.hostile import hostile_strings as corpus

from ..actors import SYSTEM
from .helpers import Notes, app_for, palette, pilot_test, screen_text, settled, until

NOW = dt.datetime(2024, 6, 14, 15, 30)
SIZE = (120, 36)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: NOW.date())


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo shop built once; each test works on its own copy of the file."""
    from shoptui import db as dbmod
    from shoptui.services import settings
    from shoptui.services.stores import ensure_main_store

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: NOW)
        patch.setattr(clock, "today", lambda: NOW.date())
        database = dbmod.open_database(str(path))
        try:
            settings.ensure_defaults()
            ensure_main_store()
            make_demo(customers=25, days=20, seed=11, today=NOW.date())
        finally:
            settings.clear_cache()
            database.close()
    return path


@pytest.fixture
def demo(demo_template, db_path, frozen):
    from shoptui import db as dbmod
    from shoptui.services import settings

    shutil.copyfile(demo_template, db_path)
    database = dbmod.open_database(str(db_path))
    settings.clear_cache()
    yield database
    settings.clear_cache()
    database.close()


def shop_app(database):
    """The app as the demo's owner, signed in (the demo has users; these tests are about the reports)."""
    app = app_for(database)
    app.sign_in_required = False
    owner = User.get_or_none(User.role == "owner")
    app.actor = Actor(user=owner) if owner is not None else None
    return app


def build(name: str, **options) -> dict:
    return reports.load(name).build(ReportQuery(as_of=NOW.date(), options=options))


async def open_report(pilot, name: str) -> ReportScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
    await pilot.press("ctrl+t")
    await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
    options = app.screen.query_one("#reports-list", OptionList)
    options.highlighted = app.screen.names.index(name)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen.report_name == name)
    await pilot.pause()
    return app.screen


async def run_report(pilot, screen: ReportScreen) -> None:
    await pilot.press("f5")
    await until(pilot, lambda: screen.data is not None and not screen.running, what="the report's result")
    await pilot.pause()


def table_of(screen: ReportScreen, selector: str = "#report-rows") -> ResultTable:
    return screen.query_one(selector, ResultTable)


def column_texts(table: ResultTable, key: str) -> list[str]:
    position = [c.key for c in table.spec].index(key)
    return [table.get_row_at(index)[position].plain for index in range(table.row_count)]


# -- opening ---------------------------------------------------------------------------------


@pilot_test
async def test_reports_open_by_key_from_directory_and_card_and_from_the_palette(demo):
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        text = screen_text(app)
        for name in reports.REPORT_NAMES:
            assert reports.load(name).title in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))

        customer = Customer.select().order_by(Customer.id).first()
        app.open_customer(customer.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))

        await palette(pilot, "Reports")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen), what="the palette's Reports")
        # Enter on a report opens it with its parameters; Escape goes back to the list
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen.report_name == "conversion")
        assert app.screen.query_one("#field-by", Select).value == "day"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))


# -- figures equal the report functions ------------------------------------------------------------


@pilot_test
async def test_portrait_shows_the_report_figures(demo):
    expected = build("portrait")
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "portrait")
        await run_report(pilot, screen)
        assert screen.data == expected
        f = app.formats
        figures = (
            f.money(expected["revenue"]).plain,
            f.money(expected["avg_receipt"]).plain,
            f.number(expected["customers_total"]).plain,
        )
        await until(
            pilot,
            lambda: all(figure in screen_text(app).replace("\xa0", " ") for figure in figures),
            what=f"the figures {figures} on screen",
        )


@pilot_test
async def test_conversion_table_equals_the_report_and_sorts_by_any_column(demo):
    expected = build("conversion")["rows"]
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "conversion")
        await run_report(pilot, screen)
        table = table_of(screen)
        assert table.row_count == len(expected) > 5
        f = app.formats
        assert column_texts(table, "revenue") == [f.money(row["revenue"]).plain for row in expected]
        assert column_texts(table, "visitors") == [f.number(row["visitors"]).plain for row in expected]
        assert column_texts(table, "conversion") == [
            f.percent(round(row["conversion"] * 10000)).plain if row["conversion"] is not None else "—"
            for row in expected
        ]
        assert "hour" not in [c.key for c in table.spec]  # by day: the hour is always empty

        # F9 sorts by the cursor's column; again, the other way round
        table.focus()
        table.move_cursor(column=[c.key for c in table.spec].index("revenue"))
        await pilot.press("f9")
        by_revenue = sorted(expected, key=lambda row: row["revenue"])
        assert column_texts(table, "revenue") == [f.money(row["revenue"]).plain for row in by_revenue]
        await pilot.press("f9")
        assert column_texts(table, "revenue") == [
            f.money(row["revenue"]).plain for row in sorted(expected, key=lambda row: row["revenue"], reverse=True)
        ]

        # a click on a heading sorts by that column
        index = [c.key for c in table.spec].index("visitors")
        x = sum(column.get_render_width(table) for column in list(table.columns.values())[:index]) + 2
        await pilot.click(table, offset=(x, 0))
        await pilot.pause()
        assert table.sort_key == "visitors"
        assert column_texts(table, "visitors") == [
            f.number(v).plain for v in sorted(row["visitors"] for row in expected)
        ]

        # by hour: one row per store-hour
        hourly = build("conversion", by="hour")["rows"]
        screen.query_one("#field-by", Select).value = "hour"
        await run_report(pilot, screen)
        assert table_of(screen).row_count == len(hourly)
        assert screen.data["rows"] == hourly


@pilot_test
async def test_winback_row_opens_the_customer_and_escape_comes_back_to_the_report(demo):
    expected = build("winback", limit=1000)
    assert expected["rows"], "the demo shop has a late customer"
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "winback")
        await run_report(pilot, screen)
        assert screen.data == expected
        table = table_of(screen)
        assert column_texts(table, "code") == [row["code"] for row in expected["rows"]]
        assert app.focused is table
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen), what="the card")
        assert app.screen.customer_id == customers.find_by_code(expected["rows"][0]["code"]).id
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert table_of(screen).row_count == len(expected["rows"])


@pilot_test
async def test_debtors_f6_opens_the_debtor(demo):
    expected = build("debtors", limit=1000)
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "debtors")
        await run_report(pilot, screen)
        table = table_of(screen)
        f = app.formats
        assert column_texts(table, "balance") == [f.money(row["balance"]).plain for row in expected["rows"]]
        table.move_cursor(row=len(expected["rows"]) - 1)
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        assert app.screen.customer_id == customers.find_by_code(expected["rows"][-1]["code"]).id


def best_selling_sku() -> str:
    from peewee import fn

    return (
        Product.select(Product.sku)
        .join(ReceiptLine)
        .group_by(Product.sku)
        .order_by(fn.COUNT(ReceiptLine.id).desc(), Product.sku)
        .scalar()
    )


@pilot_test
async def test_buyers_needs_a_product_then_shows_its_buyers(demo):
    sku = best_selling_sku()
    expected = build("buyers", product=sku, limit=1000)
    assert len(expected["rows"]) >= 2
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "buyers")
        await pilot.press("f5")
        form = screen.query_one(ReportForm)
        await until(pilot, lambda: "product" in form.fields["product"].error.lower(), what="the product's refusal")
        assert screen.data is None and not screen.running
        product = screen.query_one("#field-product", Input)
        product.focus()
        product.value = sku
        await pilot.press("enter")  # Enter in a field runs the report
        await until(pilot, lambda: screen.data is not None)
        assert screen.data == expected
        f = app.formats
        assert column_texts(table_of(screen), "amount") == [f.money(row["amount"]).plain for row in expected["rows"]]


@pilot_test
async def test_rfm_figures_sections_and_a_capped_list(demo, monkeypatch):
    import screens.reports.report_screen as report_screen

    monkeypatch.setattr(report_screen, "DISPLAY_CAP", 5)
    expected = build("rfm")
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "rfm")
        await run_report(pilot, screen)
        segments = screen.query_one("#report-section-0", ResultTable)
        names = [reports.load("rfm").labels[name] for name in expected["segments"]]
        assert column_texts(segments, "key") == names
        f = app.formats
        assert column_texts(segments, "revenue") == [f.money(s["revenue"]).plain for s in expected["segments"].values()]
        assert column_texts(segments, "customers_share") == [
            f.percent(round(s["customers_share"] * 10000)).plain for s in expected["segments"].values()
        ]

        # Ctrl+PageDown: the next tab, its table in focus
        segments.focus()
        await pilot.pause()
        await pilot.press("ctrl+pagedown")
        await pilot.pause()
        assert screen.query_one("#report-tabs").active == "tab-chart"
        await pilot.press("ctrl+pageup")
        await pilot.pause()
        assert screen.query_one("#report-tabs").active == "tab-figures"
        assert isinstance(app.focused, ResultTable)

        await pilot.click("#field-details")
        await run_report(pilot, screen)
        assert table_of(screen).row_count == 5
        status = str(screen.query_one("#report-status").render())
        assert "first 5 of {total}".format(total=expected["customers"]) in status


# -- export ----------------------------------------------------------------------------------


async def export(pilot, screen, key: str, path: Path) -> None:
    app = pilot.app
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, ExportPathModal))
    field = app.screen.query_one("#export-path", Input)
    assert field.value.endswith(".csv" if key == "f7" else ".xlsx")
    field.value = str(path)
    await pilot.press("enter")
    await until(pilot, lambda: path.exists() and not screen.timer, what="the file")


@pilot_test
async def test_export_csv_and_xlsx_read_back(demo, tmp_path):
    expected = build("debtors")
    app = shop_app(demo)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "debtors")
        await pilot.press("f7")
        await settled(pilot)
        assert not isinstance(app.screen, ExportPathModal)  # nothing to export before a run
        await run_report(pilot, screen)
        target = tmp_path / "debts.csv"
        await export(pilot, screen, "f7", target)
        with target.open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.reader(file))
        assert rows[0][:4] == ["Code", "Name", "Phone", "Owes"]
        assert [row[0] for row in rows[1:]] == [row["code"] for row in expected["rows"]]
        assert any(str(target) in text for text in notes.texts())

        # the same name again: asked before it is replaced
        target.write_text("old", encoding="utf-8")
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(app.screen, ExportPathModal))
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert target.read_text(encoding="utf-8") == "old"

        book_path = tmp_path / "debts.xlsx"
        await export(pilot, screen, "f8", book_path)
        sheet = openpyxl.load_workbook(book_path).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == "Code"
        assert [row[0] for row in values[1 : len(expected["rows"]) + 1]] == [row["code"] for row in expected["rows"]]
        assert values[1][3] == pytest.approx(int(expected["rows"][0]["balance"]))  # money as a number (VND)


@pilot_test
async def test_capped_list_exports_every_row(demo, tmp_path, monkeypatch):
    import screens.reports.report_screen as report_screen

    monkeypatch.setattr(report_screen, "DISPLAY_CAP", 3)
    expected = build("rfm", details=True)
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "rfm")
        await pilot.click("#field-details")
        await run_report(pilot, screen)
        assert table_of(screen).row_count == 3
        target = tmp_path / "rfm.csv"
        await export(pilot, screen, "f7", target)
        with target.open(encoding="utf-8-sig", newline="") as file:
            assert len(list(csv.reader(file))) == 1 + len(expected["rows"]) > 4


@pilot_test
async def test_a_cashier_is_refused_the_export(demo, tmp_path):
    app = shop_app(demo)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        app.actor = Actor(user=User.get(User.role == "cashier"))
        screen = await open_report(pilot, "winback")
        await run_report(pilot, screen)
        for key in ("f7", "f8"):
            await pilot.press(key)
            await settled(pilot)
            assert app.screen is screen
        refusals = notes.texts("error")
        assert len(refusals) == 2 and "may not export data" in refusals[0]
        assert not any(path.suffix in (".csv", ".xlsx") for path in tmp_path.iterdir())
        # the core refuses it too, whoever calls it
        from shoptui.errors import PermissionDenied
        from shoptui.io.report_output import export_report

        with pytest.raises(PermissionDenied):
            export_report("winback", screen.query_done, tmp_path / "w.csv", app.actor)
        assert not (tmp_path / "w.csv").exists()


# -- parameters ------------------------------------------------------------------------------


@pilot_test
async def test_a_bad_date_is_marked_on_its_field_and_nothing_runs(demo, monkeypatch):
    ran = []
    monkeypatch.setattr(ReportRun, "run", lambda self: ran.append(self) or {})
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "portrait")
        form = screen.query_one(ReportForm)
        screen.query_one("#field-as_of", Input).value = "2024-13-45"
        screen.query_one("#field-date_from", Input).value = "yesterday"
        await pilot.press("f5")
        await until(pilot, lambda: "2024-13-45 is not a date" in form.fields["as_of"].error, what="the date's refusal")
        assert "yesterday is not a date" in form.fields["date_from"].error
        assert app.focused is screen.query_one("#field-as_of", Input)
        assert "nothing was run" in str(screen.query_one("#report-status").render())
        # a period that ends before it starts is marked too
        screen.query_one("#field-as_of", Input).value = "2024-06-14"
        screen.query_one("#field-date_from", Input).value = "2024-06-10"
        screen.query_one("#field-date_to", Input).value = "2024-06-01"
        await pilot.press("f5")
        await until(pilot, lambda: "starts" in form.fields["date_to"].error, what="the period's refusal")
        assert not form.fields["as_of"].error
        assert ran == [] and screen.data is None


@pilot_test
async def test_report_option_errors_land_on_their_field(demo):
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "winback")
        screen.query_one("#field-factor", Input).value = "lots"
        await pilot.press("f5")
        await until(pilot, lambda: screen.query_one(ReportForm).fields["factor"].error, what="the factor's error")
        assert "number" in screen.query_one(ReportForm).fields["factor"].error
        assert screen.data is None


@pilot_test
async def test_periods_calendar_and_stores(demo):
    add_store("S2", "Second shop", actor=SYSTEM)
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "portrait")
        date_from = screen.query_one("#field-date_from", Input)
        date_to = screen.query_one("#field-date_to", Input)
        await pilot.press("f4")
        assert (date_from.value, date_to.value) == ("2024-06-01", "2024-06-14")
        await pilot.press("f4")
        assert (date_from.value, date_to.value) == ("2024-05-01", "2024-05-31")
        assert period_dates("this_week", dt.date(2024, 6, 14)) == (dt.date(2024, 6, 10), dt.date(2024, 6, 14))

        date_to.focus()
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, CalendarModal))
        await pilot.press("right", "down", "enter")  # 31 May + 1 day + 1 week
        await until(pilot, lambda: app.screen is screen)
        assert date_to.value == "2024-06-08"

        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, StoresModal))
        await pilot.press("down", "space", "enter")  # MAIN, S2: tick S2
        await until(pilot, lambda: app.screen is screen)
        assert screen.query_one(ReportForm).stores == ["S2"]
        await run_report(pilot, screen)
        assert screen.query_done.stores == ["S2"]
        assert screen.query_done.date_from == dt.date(2024, 5, 1)
        assert screen.query_done.date_to == dt.date(2024, 6, 8)
        assert screen.data["customers_total"] == 0  # nobody registered in S2


# -- cancelling -------------------------------------------------------------------------------


@pilot_test
async def test_escape_cancels_a_running_report_and_its_result_is_dropped(demo, monkeypatch):
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    real = reports.load("winback").build

    def slow(query):
        started.set()
        release.wait(10)
        try:
            return real(query)
        finally:
            finished.set()

    monkeypatch.setattr("shoptui.reports.winback.winback", slow)
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "winback")
        await pilot.press("f5")
        await until(pilot, started.is_set)
        await until(
            pilot,
            lambda: (
                screen.running
                and screen.query_one("#report-progress").display
                and "Escape stops it" in str(screen.query_one("#report-status").render())
            ),
            what="the run shown",
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not screen.running  # Escape stopped the run, not the screen
        assert "Cancelled" in str(screen.query_one("#report-status").render())
        release.set()
        await until(pilot, finished.is_set, what="the cancelled run's end")
        await settled(pilot)
        assert screen.data is None  # its answer came too late and was dropped
        # a new run works
        await run_report(pilot, screen)
        assert screen.data["rows"] == build("winback", limit=1000)["rows"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))


def test_cancel_interrupts_the_running_sql_statement(database):
    """A statement that would run for minutes stops within a moment of cancel()."""

    running = threading.Event()

    def endless(query):
        # running(i) tells the test that the statement has started (cancel() before it would
        # have nothing to interrupt), then hands i on.
        db_proxy.connection().create_function("running", 1, lambda i: running.set() or i)
        db_proxy.execute_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT SUM(running(i)) FROM n"
        )
        return {}

    outcome = {}
    run = ReportRun("portrait", ReportQuery(as_of=dt.date(2024, 1, 1)))

    def work():
        try:
            with db_proxy.connection_context():
                from unittest import mock

                with mock.patch("shoptui.reports.portrait.portrait", endless):
                    run.run()
        except ReportCancelled as exc:
            outcome["cancelled"] = str(exc)
        except Exception as exc:  # pragma: no cover - shown on failure
            outcome["error"] = repr(exc)

    thread = threading.Thread(target=work)
    thread.start()
    assert running.wait(10), "the statement did not start"
    begun = time.monotonic()
    run.cancel()
    thread.join(10)
    assert not thread.is_alive()
    assert time.monotonic() - begun < 2
    assert outcome == {"cancelled": "The report was cancelled."}


def test_interrupt_reaches_a_sqlite_connection():
    from shoptui.reports.running import interrupt

    connection = sqlite3.connect(":memory:", check_same_thread=False)
    running = threading.Event()  # set from inside the statement: interrupt() then has something to stop
    connection.create_function("running", 1, lambda i: running.set() or i)
    interrupter = threading.Thread(target=lambda: running.wait(10) and interrupt(connection))
    interrupter.start()
    with pytest.raises(sqlite3.OperationalError):
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(running(i)) FROM n"
        ).fetchone()
    interrupter.join()


# -- hostile data -----------------------------------------------------------------------------


def hostile_strings() -> list[str]:
    return corpus(long=False, section=NAMES)


@pilot_test
async def test_hostile_names_in_a_list_report_show_literally(database, frozen):
    names = hostile_strings()
    for index, name in enumerate(names):
        customer = customers.register({"name": f"H{index:02d}"}, registered_at=dt.datetime(2024, 1, 1, 9)).customer
        Customer.update(name=name[:200] or "?", phone_typed=name[:40]).where(Customer.id == customer.id).execute()
        for day in (1, 3, 5):  # every 2 days, then nothing for weeks: late
            checkout.record_sale(SaleInput(customer=customer, amount=1000 + index, at=dt.datetime(2024, 5, day, 10)))
    expected = build("winback", limit=1000)
    assert len(expected["rows"]) == len(names)
    app = shop_app(database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "winback")
        await run_report(pilot, screen)
        table = table_of(screen)
        assert table.row_count == len(names)
        await pilot.press("f9")  # sorting hostile text works too
        table.move_cursor(column=1)
        await pilot.press("f9", "f9")
        text = screen_text(app)
        assert "[bold]x[/bold]" in text or "[/]" in text  # markup drawn literally
        assert "\x1b" not in text
        await pilot.press("end", "enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))


def test_cells_are_drawn_in_the_shop_formats():
    from screens.text import Formats

    f = Formats(currency="VND", region="VN", locale="en_US")
    assert cell(Money(1234500), f).plain == f.money(1234500).plain
    assert cell(Share(0.1234), f).plain == "12.34%"
    assert cell(None, f).plain == "—"
    assert cell(True, f).plain == "yes"
    assert cell(dt.date(2024, 6, 1), f).plain == f.date(dt.date(2024, 6, 1)).plain
    assert cell(7.5, f).plain == "7.5"
    assert cell("[b]x\x1b", f).plain == "[b]x\u241b"


@pytest.mark.parametrize("language", ["en", "vi", "ru", "de"])
@pilot_test
async def test_the_report_footer_fits_80_columns_with_help_and_quit(demo, language):
    from textual.widgets._footer import FooterKey

    from screens.widgets.footer import ShopFooter
    from shoptui.i18n import _, set_language

    set_language(language)
    try:
        app = shop_app(demo)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_report(pilot, "winback")
            await run_report(pilot, screen)
            footer = screen.query_one(ShopFooter)
            # The footer recomposes after the screen's bindings settle; a key not laid out has no width.
            await until(
                pilot,
                lambda: (
                    _("Help") in [key.description for key in footer.query(FooterKey)]
                    and all(key.region.width for key in footer.query(FooterKey))
                ),
                what="the footer",
            )
            keys = list(footer.query(FooterKey))
            assert _("Help") in [key.description for key in keys] and _("Quit") in [key.description for key in keys]
            assert max(key.region.right for key in keys) <= 80
    finally:
        set_language("en")


@pilot_test
async def test_a_long_table_draws_its_first_rows_and_sorts_them_all(demo, monkeypatch):
    import screens.reports.report_screen as report_screen
    import screens.reports.result_table as report_table

    monkeypatch.setattr(report_table, "MAX_DRAWN", 4)
    monkeypatch.setattr(report_screen, "MAX_DRAWN", 4)
    expected = build("conversion")["rows"]
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "conversion")
        await run_report(pilot, screen)
        table = table_of(screen)
        assert table.row_count == 4 and table.cut
        assert "first 4" in str(screen.query_one("#report-status").render())
        table.sort_by("revenue", descending=True)
        top = sorted(expected, key=lambda row: row["revenue"], reverse=True)[:4]
        assert column_texts(table, "revenue") == [app.formats.money(row["revenue"]).plain for row in top]


def _sleeping_on(url: str) -> bool:
    """Whether a pg_sleep statement is running on the server, as another connection sees it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return (
            conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep%'"
            ).fetchone()[0]
            > 0
        )


def test_cancel_interrupts_a_postgresql_statement(pg_url):
    """On PostgreSQL the cancel request stops the server's statement."""
    from unittest import mock

    from shoptui import db as dbmod

    database = dbmod.open_database(pg_url)
    run = ReportRun("portrait", ReportQuery(as_of=dt.date(2024, 1, 1)))
    outcome = {}

    def work():
        try:
            with db_proxy.connection_context():
                run.run()
        except ReportCancelled as exc:
            outcome["cancelled"] = str(exc)
        except Exception as exc:  # pragma: no cover - shown on failure
            outcome["error"] = repr(exc)

    with mock.patch(
        "shoptui.reports.portrait.portrait", lambda query: db_proxy.execute_sql("SELECT pg_sleep(30)") and {}
    ):
        thread = threading.Thread(target=work)
        thread.start()
        deadline = time.monotonic() + 10
        while not _sleeping_on(pg_url):  # the statement runs on the server: cancel has something to stop
            assert thread.is_alive() and time.monotonic() < deadline, outcome
            time.sleep(0.01)  # polling interval
        begun = time.monotonic()
        run.cancel()
        thread.join(10)
    database.close()
    assert not thread.is_alive()
    assert time.monotonic() - begun < 3
    assert outcome == {"cancelled": "The report was cancelled."}


@pilot_test
async def test_survey_splits_and_rfm_segments_show_by_their_names(demo):
    expected = build("surveys")["rows"]
    app = shop_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_report(pilot, "surveys")
        await run_report(pilot, screen)
        table = table_of(screen)
        splits = column_texts(table, "split")
        assert splits[0] == "all" and "by visits" in splits
        groups = dict(zip(column_texts(table, "group"), [row["group"] for row in expected]))
        if "at_risk" in groups.values():
            assert "At risk" in groups
        assert column_texts(table, "answer") == [row["answer"] or "—" for row in expected]


@pilot_test
async def test_at_80_columns_every_field_is_in_view(demo):
    app = shop_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        for name in ("winback", "rfm", "birthdays", "buyers"):
            screen = await open_report(pilot, name)
            fields = screen.query_one(ReportForm).fields.values()
            await until(pilot, lambda: all(field.region.height > 0 for field in fields), what=f"{name}'s form laid out")
            for field in fields:
                assert 0 <= field.region.x and field.region.right <= 80 and field.region.height > 0, (
                    name,
                    field.field_name,
                )
            await pilot.press("escape", "escape")
            await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))


@pytest.mark.parametrize("language", ["en", "ru"])
@pilot_test
async def test_the_reports_help_text_breaks_its_lines_and_shows_no_line_feed_picture(database, language):
    # Issue 12 (new-user tester): "…runs the report.␊Dates: YYYY-MM-DD…" in English and Russian.
    from textual.widgets import Static

    from shoptui.i18n import _, set_language

    set_language(language)
    try:
        app = app_for(database)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
            app.push_screen(ReportScreen("portrait", app.formats, app.actor))
            await until(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen.query(".report-hint"))
            hint = app.screen.query_one(".report-hint", Static)
            text = str(hint.render())
            assert "\u240a" not in text and "\u240a" not in screen_text(app)
            assert text.splitlines()[:2] == [
                _("Choose the parameters, then Enter or F5 runs the report."),
                _(
                    "Dates: YYYY-MM-DD, or Ctrl+D for a calendar; F4 steps through the usual periods; F2 chooses stores."
                ),
            ]
    finally:
        set_language("en")
