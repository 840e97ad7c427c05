"""The directory warms the caches the first search reads, and the day's RFM cuts, in a worker
when the app starts; closing the app cuts a warm-up short instead of waiting for it."""

from __future__ import annotations

import threading
import time

import pytest

from screens.directory import directory_screen
from screens.directory.directory_screen import DirectoryScreen
from shoptui import clock
from shoptui.reports import customer_segment
from shoptui.services import checkout, customers, directory
from shoptui.services.sale_quote import SaleInput

from .helpers import SIZE, app_for, pilot_test, until

# A read that never ends by itself: only SQLite's interrupt stops it.
ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"


@pytest.fixture
def shop(database):
    customer_segment.forget()
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    customers.register({"name": "Trần Bình", "phone": "0987 111 222"})
    checkout.record_sale(SaleInput(customer=an, amount=100_000))
    yield an
    customer_segment.forget()


def test_warm_up_reads_and_changes_nothing(shop, database):
    before = directory.search("nguyen")
    assert directory.warm_up() is True
    assert directory.warm_up(full=False) is True
    assert directory.search("nguyen") == before


def test_stop_cuts_a_warm_up_short(shop, database, db_path, monkeypatch):
    monkeypatch.setattr(directory, "WARM_UP_READS", (ENDLESS,))
    result = []

    def run() -> None:
        with database.connection_context():
            result.append(directory.warm_up())

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 5
    while not directory._warming and time.monotonic() < deadline:
        time.sleep(0.01)
    directory.stop_warm_up()
    thread.join(5)
    assert not thread.is_alive() and result == [False]


@pilot_test
async def test_the_app_warms_up_at_start_with_the_days_segment_cuts(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await until(pilot, lambda: any(day == clock.today() for _db, day in customer_segment._cuts), what="cuts cached")
        assert customer_segment.segment_of(shop.id) == "lost"  # the only buyer: lowest fifth of all


@pilot_test
async def test_quitting_during_a_warm_up_does_not_wait_for_it(shop, database, monkeypatch):
    monkeypatch.setattr(directory, "WARM_UP_READS", (ENDLESS,))
    finished = threading.Event()
    real = directory_screen.warm_up

    def watched() -> None:
        try:
            real()
        finally:
            finished.set()

    monkeypatch.setattr(directory_screen, "warm_up", watched)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(directory._warming), what="warm-up under way")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running)
    assert finished.wait(5), "the warm-up went on after the app closed"
