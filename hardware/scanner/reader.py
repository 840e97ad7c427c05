"""A thread that reads one evdev scanner and hands over each scan through a plain callback.

It knows nothing of the terminal app: ``on_scan(text)`` and ``on_status(state, message)``
are called from this thread, so a UI must hand them over to its own thread itself.
An unplugged scanner is reported and looked for again (same name, USB ids and, when it
comes back on the same port, the same physical path) with a growing delay.
"""

from __future__ import annotations

import errno
import logging
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from shoptui.errors import ShopError
from shoptui.i18n import _

from . import devices
from .assembler import DEFAULT_GAP, ScanAssembler
from .keymap import KeyDecoder, Layout

log = logging.getLogger(__name__)

CONNECTING = "connecting"
CONNECTED = "connected"
DISCONNECTED = "disconnected"
ERROR = "error"
CLOSED = "closed"

# Seconds between attempts to find an unplugged scanner again.
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)
_GONE = (errno.ENODEV, errno.ENOENT, errno.ENXIO, errno.EIO)


def open_input_device(path: str):
    """Open the device (the seam tests replace with a fake)."""
    from evdev import InputDevice

    return InputDevice(path)


@dataclass(frozen=True)
class _Identity:
    name: str
    phys: str
    vendor_product: str


def _identity(device) -> _Identity:
    info = getattr(device, "info", None)
    vendor_product = f"{info.vendor:04x}:{info.product:04x}" if info else ""
    return _Identity(getattr(device, "name", "") or "", getattr(device, "phys", "") or "", vendor_product)


class ScannerReader(threading.Thread):
    """Reads scans from the input device at ``path`` until ``close()``.

    ``grab``: take the device exclusively, so its keystrokes do not also reach the
    terminal or the desktop. ``gap``: seconds of silence that end a scan without Enter.
    """

    def __init__(
        self,
        path: str,
        on_scan: Callable[[str], None],
        on_status: Callable[[str, str], None] | None = None,
        *,
        layout: str | Layout = "us",
        gap: float | None = DEFAULT_GAP,
        min_length: int = 1,
        grab: bool = True,
        poll_interval: float = 0.2,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        open_device: Callable[[str], object] | None = None,
        list_devices: Callable[[], list[devices.InputDeviceInfo]] | None = None,
    ):
        super().__init__(name=f"scanner {path}", daemon=True)
        self.path = path
        self.on_scan = on_scan
        self.on_status = on_status
        self.decoder = KeyDecoder(layout)  # checks the layout name before the thread starts
        self.assembler = ScanAssembler(gap, min_length=min_length)
        self.grab_device = grab
        self.poll_interval = poll_interval
        self.retry_delays = retry_delays or (1.0,)
        self._open_device = open_device
        self._list_devices = list_devices
        self.exit_event = threading.Event()
        self.state = CONNECTING
        self.message = ""
        self.device_name = ""
        self.last_scan: str | None = None
        self.last_scan_at: float | None = None  # time.time()
        self._identity: _Identity | None = None

    # -- lifecycle -------------------------------------------------------

    def close(self, timeout: float = 2.0) -> None:
        """Stop reading, release the device and wait (briefly) for the thread to end."""
        self.exit_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a reader thread must never die silently
            log.exception("scanner reader %s failed", self.path)
            self._status(ERROR, _("The scanner stopped: {error}").format(error=exc))
        finally:
            self._status(CLOSED, _("Stopped reading the scanner."))

    def _run(self) -> None:
        attempt = 0
        while not self.exit_event.is_set():
            path = self._locate()
            device = self._open(path) if path else None
            if device is None:
                delay = self.retry_delays[min(attempt, len(self.retry_delays) - 1)]
                attempt += 1
                self.exit_event.wait(delay)
                continue
            attempt = 0
            try:
                self._read(device)
            except OSError as exc:
                if exc.errno not in _GONE:
                    log.warning("scanner %s: %s", path, exc)
                self._status(
                    DISCONNECTED,
                    _("The scanner {name} was unplugged; waiting for it to come back.").format(
                        name=self.device_name or path
                    ),
                )
            finally:
                self._release(device)

    # -- finding and opening --------------------------------------------

    def _locate(self) -> str | None:
        """The path to open: the chosen one at first, afterwards wherever the same scanner reappears."""
        if self._identity is None:
            return self.path
        try:
            listing = (self._list_devices or devices.list_devices)()
        except (OSError, ShopError) as exc:
            log.info("scanner %s: cannot list input devices: %s", self.path, exc)
            return None
        same = [
            d
            for d in listing
            if d.readable and d.name == self._identity.name and d.vendor_product == self._identity.vendor_product
        ]
        same.sort(key=lambda d: (d.phys != self._identity.phys, d.path != self.path))
        return same[0].path if same else None

    def _open(self, path: str):
        try:
            device = (self._open_device or open_input_device)(path)
        except PermissionError:
            self._status(ERROR, devices.permission_hint(path))
            return None
        except OSError as exc:
            if exc.errno in _GONE:
                self._status(DISCONNECTED, _("Waiting for the scanner {path} to be plugged in.").format(path=path))
            else:
                self._status(ERROR, _("Cannot open {path}: {reason}").format(path=path, reason=exc.strerror or exc))
            return None
        if self._identity is None:
            self._identity = _identity(device)
        self.path = path
        self.device_name = getattr(device, "name", "") or path
        message = _("Reading {name} ({path}).").format(name=self.device_name, path=path)
        if self.grab_device:
            try:
                device.grab()
            except OSError as exc:
                log.info("scanner %s: grab failed: %s", path, exc)
                message = _(
                    "Reading {name} ({path}), but another program holds it, so scans may also reach it."
                ).format(name=self.device_name, path=path)
        self._status(CONNECTED, message)
        return device

    def _release(self, device) -> None:
        if self.grab_device:
            try:
                device.ungrab()
            except OSError:
                pass  # not grabbed, or already gone
        try:
            device.close()
        except OSError:
            pass

    # -- reading ---------------------------------------------------------

    def _read(self, device) -> None:
        """Deliver scans until closed; an unplug surfaces as OSError from select or read."""
        self.decoder.reset()
        self.assembler.reset()
        # Event timestamps come from the kernel's clock; the gap is measured on it, and the
        # silence after the last event is added from the monotonic clock.
        last_event_time = last_read_at = None
        while not self.exit_event.is_set():
            timeout = self.poll_interval
            deadline = self.assembler.deadline
            if deadline is not None and last_event_time is not None:
                now = last_event_time + (time.monotonic() - last_read_at)
                timeout = max(0.0, min(timeout, deadline - now))
            ready, _w, _x = select.select([device], [], [], timeout)
            if ready:
                try:
                    events = list(device.read())
                except BlockingIOError:
                    events = []
                for event in events:
                    last_event_time, last_read_at = event.timestamp(), time.monotonic()
                    text = self.decoder.feed(event)
                    if text:
                        for scan in self.assembler.feed(text, last_event_time):
                            self._deliver(scan)
            if last_event_time is not None:
                scan = self.assembler.poll(last_event_time + (time.monotonic() - last_read_at))
                if scan:
                    self._deliver(scan)

    def _deliver(self, scan: str) -> None:
        self.last_scan, self.last_scan_at = scan, time.time()
        try:
            self.on_scan(scan)
        except Exception:
            log.exception("scanner %s: the scan handler failed", self.path)

    def _status(self, state: str, message: str) -> None:
        if (state, message) == (self.state, self.message):
            return  # retries repeat themselves; say it once
        self.state, self.message = state, message
        if self.on_status is None:
            return
        try:
            self.on_status(state, message)
        except Exception:
            log.exception("scanner %s: the status handler failed", self.path)
