"""The devices the app reads while it runs: an evdev scanner and a serial people counter.

``DeviceManager`` is Toolong's watcher pattern: the app creates it, ``start()``s it in
``on_mount`` and ``close()``s it in ``on_unmount``. The device threads of ``hardware/``
call plain callbacks; here those become messages (``post_message`` is thread-safe): a
scan is the same ``CardScanned`` a terminal burst gives, a change of state a
``DeviceStatus``. A counter reading is stored from the listener's own thread, with its
own connection, through the core's visits service.

The device classes come from ``DeviceFactories``, so tests hand in fakes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shoptui import clock
from shoptui.errors import ShopError
from shoptui.i18n import _
from shoptui.services import settings

from ..messages import CardScanned, DeviceStatus, ScannerTested

log = logging.getLogger(__name__)

SCANNER, COUNTER = "scanner", "counter"

# States a person should hear about at once (the Devices screen shows every state).
_SCANNER_PROBLEMS = ("error", "disconnected")
_COUNTER_PROBLEMS = ("error", "waiting", "lost")


def _scanner_reader(*args, **kwargs):
    from hardware.scanner.reader import ScannerReader

    return ScannerReader(*args, **kwargs)


def _counter_listener(*args, **kwargs):
    from hardware.counter.listener import CounterListener

    return CounterListener(*args, **kwargs)


def _list_input_devices():
    from hardware.scanner.devices import list_devices

    return list_devices()


@dataclass
class DeviceFactories:
    """What builds the device threads; the defaults are the real ones (evdev, pyserial)."""

    scanner: Callable[..., Any] = _scanner_reader
    counter: Callable[..., Any] = _counter_listener
    list_scanners: Callable[[], list] = _list_input_devices


@dataclass
class DeviceConfig:
    scanner_device: str = ""
    scanner_layout: str = "us"
    counter_port: str = ""
    counter_protocol: str = "totals"
    counter_baud: int = 9600
    counter_name: str = ""

    @classmethod
    def from_settings(cls, shop: settings.ShopSettings | None = None) -> DeviceConfig:
        shop = shop or settings.current()
        return cls(
            scanner_device=shop.get("scanner_device"),
            scanner_layout=shop.get("scanner_layout"),
            counter_port=shop.get("counter_port"),
            counter_protocol=shop.get("counter_protocol"),
            counter_baud=shop.get_int("counter_baud") or 9600,
            counter_name=shop.get("counter_name"),
        )


@dataclass
class CounterInfo:
    """What the Devices screen shows of the counter."""

    port: str = ""
    state: str = ""
    message: str = ""
    last_reading_at: dt.datetime | None = None
    last_error: str = ""


@dataclass
class ScannerInfo:
    spec: str = ""
    path: str = ""
    state: str = ""
    message: str = ""
    last_scan: str | None = None


class DeviceManager:
    """Owns the app's scanner reader and counter listener, from ``start()`` to ``close()``."""

    def __init__(self, app, config: DeviceConfig | None = None, factories: DeviceFactories | None = None):
        self.app = app
        self.config = config or DeviceConfig()
        self.factories = factories or DeviceFactories()
        self.scanner = None
        self.counter = None
        self.scanner_info = ScannerInfo(spec=self.config.scanner_device)
        self.counter_info = CounterInfo(port=self.config.counter_port)
        # A screen testing the scanner: the next scan goes to it, not to the card lookup.
        self.capture = None
        # Screens showing device states (the Devices screen) get each DeviceStatus too.
        self.watchers: set = set()
        self._notified: dict[str, tuple[str, str]] = {}
        self._store_id: int | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        self.start_scanner()
        self.start_counter()

    def close(self) -> None:
        self.stop_scanner()
        if self.counter is not None:
            counter, self.counter = self.counter, None
            counter.close()

    # -- the scanner ---------------------------------------------------------------------

    def resolve_scanner(self, spec: str) -> str | None:
        """The device path the setting means: a path as it is, a part of a name looked up."""
        if os.sep in spec or spec.startswith("event"):
            return spec if os.sep in spec else os.path.join("/dev/input", spec)
        from hardware.scanner.devices import choose

        matches = choose(spec, self.factories.list_scanners())
        return matches[0].path if matches else None

    def start_scanner(self, spec: str | None = None) -> None:
        """(Re)start reading the scanner ``spec`` (default: the configured one; empty: none)."""
        self.stop_scanner()
        if spec is not None:
            self.config.scanner_device = spec
        spec = self.config.scanner_device.strip()
        self.scanner_info = ScannerInfo(spec=spec)
        if not spec:
            return
        try:
            path = self.resolve_scanner(spec)
        except (ShopError, OSError) as exc:
            self._scanner_status("error", str(exc))
            return
        if path is None:
            self._scanner_status("error", _('No input device matches the scanner setting "{spec}".').format(spec=spec))
            return
        self.scanner_info.path = path
        try:
            self.scanner = self.factories.scanner(
                path, self._scanned, self._scanner_status, layout=self.config.scanner_layout
            )
            self.scanner.start()
        except (ShopError, OSError) as exc:
            self.scanner = None
            self._scanner_status("error", str(exc))

    def stop_scanner(self) -> None:
        if self.scanner is not None:
            scanner, self.scanner = self.scanner, None
            scanner.close()

    def _scanned(self, text: str) -> None:
        """In the reader's thread."""
        self.scanner_info.last_scan = text
        target, self.capture = self.capture, None
        if target is not None:
            target.post_message(ScannerTested(text))
        else:
            self.app.post_message(CardScanned(text, "evdev"))

    def _scanner_status(self, state: str, message: str) -> None:
        self.scanner_info.state, self.scanner_info.message = state, message
        self.app.post_message(DeviceStatus(SCANNER, state, message))

    # -- the counter ---------------------------------------------------------------------

    @property
    def counter_name(self) -> str:
        return self.config.counter_name or self.config.counter_port

    def start_counter(self) -> None:
        port = self.config.counter_port.strip()
        if not port:
            return
        try:
            self.counter = self.factories.counter(
                port,
                self._reading,
                baudrate=self.config.counter_baud,
                protocol=self.config.counter_protocol,
                on_status=self._counter_status,
            )
            self.counter.start(wait_for_port=True)
        except (ShopError, OSError) as exc:
            self.counter = None
            self._counter_status("error", str(exc))

    def _reading(self, reading) -> None:
        """In the listener's thread, with its own connection; an error here is the listener's to report."""
        from shoptui.services import stores, visits

        with self.app.database.connection_context():
            if self._store_id is None:
                self._store_id = stores.default_store().id
            visits.record_reading(
                self._store_id,
                self.counter_name,
                reading.visitors_in,
                reading.visitors_out,
                at=reading.at,
                cumulative=reading.cumulative,
            )
        self.counter_info.last_reading_at = reading.at or clock.now()
        self.app.post_message(DeviceStatus(COUNTER, "reading", _("Reading stored: {line}").format(line=reading.line)))

    def _counter_status(self, state: str, message: str) -> None:
        self.counter_info.state, self.counter_info.message = state, message
        if state in _COUNTER_PROBLEMS:
            self.counter_info.last_error = message
        self.app.post_message(DeviceStatus(COUNTER, state, message))

    # -- on the UI thread ----------------------------------------------------------------

    def status_arrived(self, message: DeviceStatus) -> None:
        """A DeviceStatus reached the app: tell the person of a new problem, and the watchers."""
        problems = _SCANNER_PROBLEMS if message.device == SCANNER else _COUNTER_PROBLEMS
        seen = (message.state, message.message)
        if message.state in problems and self._notified.get(message.device) != seen:
            title = _("Scanner") if message.device == SCANNER else _("People counter")
            self.app.notify(
                message.message,
                title=title,
                severity="error" if message.state == "error" else "warning",
                markup=False,
                timeout=10,
            )
        if message.state != "reading":
            self._notified[message.device] = seen
        for watcher in list(self.watchers):
            watcher.post_message(DeviceStatus(message.device, message.state, message.message))
