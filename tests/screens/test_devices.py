"""The app's own devices: scans from an evdev scanner open cards, counter readings land in
visits, and both device threads stop with the app. Fake device classes stand in for evdev
and pyserial; they call the manager's callbacks from their own threads, as the real ones do."""

from __future__ import annotations

import datetime as dt

import pytest

from hardware.counter.protocols import Reading
from hardware.scanner.devices import InputDeviceInfo
from screens.app import make_app
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.devices.device_manager import DeviceFactories
from shoptui.services import cards, customers, settings, stores, visits

from .fakes import FakeCounter, FakeScanner
from .helpers import SIZE, Notes, pilot_test, settled, until

T0 = dt.datetime(2024, 3, 1, 9, 0)


SCANNERS = [
    InputDeviceInfo("/dev/input/event3", "AT Translated Set 2 keyboard", "0001:0001", False, "a keyboard"),
    InputDeviceInfo("/dev/input/event7", "Honeywell Barcode Scanner", "0c2e:0b61", True, 'name contains "barcode"'),
]


@pytest.fixture
def fakes():
    FakeScanner.instances.clear()
    FakeCounter.instances.clear()
    return DeviceFactories(scanner=FakeScanner, counter=FakeCounter, list_scanners=lambda: list(SCANNERS))


@pytest.fixture
def an(database):
    customer = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    cards.issue_card(customer, "2000000000015", at=T0)
    return customer


def configure(**values) -> None:
    for key, value in values.items():
        settings.set_value(key, value)


def app_with(database, fakes):
    return make_app(database=database, db_url="test", search_delay=0.02, device_factories=fakes)


@pilot_test
async def test_a_scan_from_the_evdev_scanner_opens_the_card_and_readings_are_stored(database, fakes, an):
    configure(
        scanner_device="barcode",
        scanner_layout="de",
        counter_port="/dev/ttyUSB0",
        counter_protocol="pulse",
        counter_name="door",
    )
    app = app_with(database, fakes)
    async with app.run_test(size=SIZE) as pilot:
        (scanner,) = FakeScanner.instances
        (counter,) = FakeCounter.instances
        # The name part in the setting found the scanner among the input devices.
        assert scanner.started and scanner.path == "/dev/input/event7" and scanner.layout == "de"
        assert counter.port == "/dev/ttyUSB0" and counter.protocol == "pulse" and counter.started_with is True

        scanner.scan("2000000000015")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, CustomerCardScreen)
                and app.screen.customer_id == an.id
                and app.screen.data is not None
            ),
            what="the card of the scanned customer",
        )

        at = dt.datetime(2024, 3, 2, 10, 15)
        counter.send(Reading(1, None, cumulative=False, line="P", at=at))
        counter.send(Reading(1, None, cumulative=False, line="P", at=at + dt.timedelta(minutes=5)))
        await until(pilot, lambda: app.device_manager.counter_info.last_reading_at is not None)
        with database.connection_context():
            assert visits.visitors(stores.default_store(), at) == 2
            assert visits.counter_state(stores.default_store(), "door") is not None
        assert not scanner.closed and not counter.closed
    assert scanner.closed and counter.closed


@pilot_test
async def test_no_devices_configured_starts_none(database, fakes):
    app = app_with(database, fakes)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert FakeScanner.instances == [] and FakeCounter.instances == []
    assert app.device_manager.scanner is None and app.device_manager.counter is None


@pilot_test
async def test_a_busy_port_is_a_notification_once_not_a_crash(database, fakes):
    configure(counter_port="/dev/ttyUSB0")
    app = app_with(database, fakes)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        (counter,) = FakeCounter.instances
        busy = "The port /dev/ttyUSB0 is in use by another program (another counter listener, or the app); stop that one first."
        for _retry in range(3):
            counter.report("waiting", busy)
        await until(pilot, lambda: app.device_manager.counter_info.state == "waiting")
        await pilot.pause()
        assert notes.texts("warning") == [busy]
        assert app.device_manager.counter_info.last_error == busy
        assert app.is_running


@pilot_test
async def test_a_scanner_setting_that_matches_nothing_is_said(database, fakes):
    configure(scanner_device="no such scanner")
    app = app_with(database, fakes)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: notes.texts("error"), what="a notification")
        assert "no such scanner" in notes.texts("error")[0]
        assert FakeScanner.instances == []


def shown(app, selector: str) -> str:
    from textual.css.query import NoMatches
    from textual.widgets import Static

    try:
        return str(app.screen.query_one(selector, Static).render())
    except NoMatches:  # the screen is pushed but not composed yet
        return ""


@pilot_test
async def test_devices_screen_lists_scanners_and_the_counter_and_chooses_and_tests_a_scanner(database, fakes, an):
    from textual.widgets import DataTable

    from screens.devices.devices_screen import DevicesScreen

    configure(
        scanner_device="/dev/input/event7", counter_port="/dev/ttyUSB0", counter_name="door", counter_protocol="pulse"
    )
    app = app_with(database, fakes)
    async with app.run_test(size=SIZE) as pilot:
        (first,) = FakeScanner.instances
        (counter,) = FakeCounter.instances
        await pilot.press("ctrl+o")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DevicesScreen) and app.screen.query_one("#scanners", DataTable).row_count == 2
            ),
        )
        table = app.screen.query_one("#scanners", DataTable)
        assert [str(c) for c in table.get_row("/dev/input/event7")] == [
            "/dev/input/event7",
            "Honeywell Barcode Scanner",
            "0c2e:0b61",
            "yes",
            "yes",
            "in use",
        ]
        assert [str(c) for c in table.get_row("/dev/input/event3")][3:] == ["no", "yes", ""]
        assert "/dev/input/event7 — connected" in shown(app, "#scanner-state")

        # The counter's state and its readings refresh the screen as they come.
        counter.report("listening", "listening on /dev/ttyUSB0")
        await until(pilot, lambda: "connected" in shown(app, "#counter-state"))
        assert "Last reading: none yet" in shown(app, "#counter-state")
        counter.send(Reading(1, None, cumulative=False, line="P", at=dt.datetime(2024, 3, 2, 10, 15)))
        await until(pilot, lambda: "none yet" not in shown(app, "#counter-state"))
        counter.report("lost", "Lost the counter on /dev/ttyUSB0: cable pulled")
        await until(pilot, lambda: "disconnected" in shown(app, "#counter-state"))
        assert "Last error: Lost the counter on /dev/ttyUSB0: cable pulled" in shown(app, "#counter-state")

        # Testing: the next scan is shown here and opens no card; the one after opens it.
        await pilot.press("t")
        await until(pilot, lambda: "Scan a barcode now" in shown(app, "#scanner-test"))
        first.scan("2000000000015")
        await until(pilot, lambda: "Test scan received: 2000000000015" in shown(app, "#scanner-test"))
        await settled(pilot)  # a test scan opens no card
        assert isinstance(app.screen, DevicesScreen)

        # Choosing the other device (cursor on the first row) saves the setting and restarts the reader.
        table.move_cursor(row=0)
        await pilot.press("u")
        await until(pilot, lambda: len(FakeScanner.instances) == 2, what="a new reader")
        second = FakeScanner.instances[1]
        assert first.closed and second.started and second.path == "/dev/input/event3"
        with database.connection_context():
            settings.clear_cache()
            assert settings.get("scanner_device") == "/dev/input/event3"
        await until(pilot, lambda: "/dev/input/event3 — connected" in shown(app, "#scanner-state"))

        second.scan("2000000000015")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
    assert second.closed and counter.closed


@pilot_test
async def test_devices_screen_with_no_input_devices_says_so_and_is_in_the_palette(database):
    from screens.commands import screen_commands
    from screens.devices.devices_screen import DevicesScreen

    fakes = DeviceFactories(scanner=FakeScanner, counter=FakeCounter, list_scanners=lambda: [])
    app = app_with(database, fakes)
    async with app.run_test(size=SIZE) as pilot:
        devices_command = [c for c in screen_commands(app) if c.title == "Devices"]
        assert len(devices_command) == 1
        devices_command[0].callback()
        await until(
            pilot,
            lambda: isinstance(app.screen, DevicesScreen) and "No scanners found" in shown(app, "#scanner-problem"),
        )
        assert "Scanner: none chosen" in shown(app, "#scanner-state")
        assert "People counter: none" in shown(app, "#counter-state")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DevicesScreen))


@pilot_test
async def test_a_keyboard_mode_scanner_is_tested_on_the_devices_screen(database, an):
    """No evdev scanner chosen (most shops): `t` takes the next terminal scan, opening no card."""
    from screens.devices.devices_screen import DevicesScreen

    from .helpers import scan

    fakes = DeviceFactories(scanner=FakeScanner, counter=FakeCounter, list_scanners=lambda: [])
    app = app_with(database, fakes)
    async with app.run_test(size=SIZE) as pilot:
        app.action_show_devices()
        await until(
            pilot,
            lambda: isinstance(app.screen, DevicesScreen) and "No scanners found" in shown(app, "#scanner-problem"),
        )
        await pilot.press("t")
        await until(pilot, lambda: "Scan a barcode now" in shown(app, "#scanner-test"), what="the test waiting")
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: "2000000000015" in shown(app, "#scanner-test"))
        assert isinstance(app.screen, DevicesScreen)  # the card was not opened
        await scan(pilot, "2000000000015")  # the test is over: a scan opens the card again
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))


# -- the real device threads behind the manager --------------------------------------------


@pilot_test
async def test_the_real_scanner_reader_on_a_fake_evdev_device_opens_the_card(database, an):
    pytest.importorskip("evdev")
    import functools

    from hardware.scanner.reader import ScannerReader
    from tests.hardware.evdev_fakes import HONEYWELL, FakeDevice, keystrokes

    device = FakeDevice("/dev/input/event7", **HONEYWELL)
    factories = DeviceFactories(
        scanner=functools.partial(ScannerReader, open_device=lambda path: device, poll_interval=0.05)
    )
    configure(scanner_device="/dev/input/event7")
    app = app_with(database, factories)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.device_manager.scanner_info.state == "connected", what="the reader connected")
        assert device.grabbed
        device.push(keystrokes("2000000000015\n"))
        await until(
            pilot,
            lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None,
            what="the card of the scanned customer",
        )
        assert app.screen.customer_id == an.id
        reader = app.device_manager.scanner
    assert not reader.is_alive() and device.closed


needs_pty = pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="pseudo-terminals are POSIX")


@pytest.fixture
def pty_port():
    import os

    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


@needs_pty
@pilot_test
async def test_the_real_counter_listener_on_a_pty_stores_readings(database, pty_port):
    import os

    master, path = pty_port
    configure(counter_port=path, counter_protocol="pulse", counter_name="door")
    app = app_with(database, None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.device_manager.counter_info.state == "listening", what="the port open")
        os.write(master, b"P\r\nP\r\nP\n")
        await until(pilot, lambda: app.device_manager.counter_info.last_reading_at is not None, what="a reading")

        def visitors() -> int:
            with database.connection_context():
                return visits.visitors(stores.default_store(), app.device_manager.counter_info.last_reading_at)

        await until(pilot, lambda: visitors() == 3, what="the three readings stored")
        listener = app.device_manager.counter
    assert not listener.is_alive()


@needs_pty
@pilot_test
async def test_a_port_held_by_another_listener_is_a_clear_notification(database, pty_port):
    import serial

    _master, path = pty_port
    configure(counter_port=path)
    held = serial.Serial(path, exclusive=True)
    try:
        app = app_with(database, None)
        notes = Notes(app)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: notes.texts("warning"), what="a notification")
            assert "in use by another program" in notes.texts("warning")[0]
            assert app.device_manager.counter_info.state == "waiting"
    finally:
        held.close()
