"""What the scanner tests share (evdev installed): key events as a scanner sends them, a fake
evdev device and hub the reader opens, a recorder of its callbacks, a wait with a deadline."""

from __future__ import annotations

import errno
import os
import threading
import time

from evdev import InputEvent, ecodes
from evdev.device import DeviceInfo

from hardware.scanner import devices
from hardware.scanner.keymap import LAYOUTS

STEP = 0.004  # seconds between keys: a fast scanner


def event(t: float, etype: int, code: int, value: int) -> InputEvent:
    sec = int(t)
    return InputEvent(sec, int(round((t - sec) * 1_000_000)), etype, code, value)


def key(t: float, code: int, value: int) -> list[InputEvent]:
    """A key event as the kernel sends it: scan code, key, sync."""
    return [
        event(t, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70000 + code),
        event(t, ecodes.EV_KEY, code, value),
        event(t, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
    ]


def _stroke_for(char: str, layout: str) -> tuple[int, bool]:
    if char == "\n":
        return ecodes.KEY_ENTER, False
    if char == "\t":
        return ecodes.KEY_TAB, False
    table = LAYOUTS[layout]
    for code, typed in table.plain.items():
        if typed == char:
            return code, False
    for code, typed in table.shifted.items():
        if typed == char:
            return code, True
    raise ValueError(f"cannot type {char!r} on {layout}")


def keystrokes(text: str, start: float = 1_700_000_000.0, step: float = STEP, layout: str = "us") -> list[InputEvent]:
    """The events a scanner sends to type ``text`` on ``layout``, one key every ``step`` seconds."""
    events: list[InputEvent] = []
    t = start
    for char in text:
        code, shift = _stroke_for(char, layout)
        if shift:
            events += key(t, ecodes.KEY_LEFTSHIFT, 1)
        events += key(t, code, 1) + key(t + step / 2, code, 0)
        if shift:
            events += key(t + step / 2, ecodes.KEY_LEFTSHIFT, 0)
        t += step
    return events


HONEYWELL = dict(
    name="Honeywell Imaging & Mobility 1250g", vendor=0x0C2E, product=0x0B61, phys="usb-0000:00:14.0-2/input0"
)


class FakeDevice:
    """Shaped like ``evdev.InputDevice``: a pipe makes it selectable; read() returns what was pushed."""

    def __init__(self, path, name, vendor, product, phys, grab_error=None):
        self.path, self.name, self.phys = path, name, phys
        self.info = DeviceInfo(3, vendor, product, 0x0110)
        self.grab_error = grab_error
        self._r, self._w = os.pipe()
        os.set_blocking(self._r, False)
        self._events: list = []
        self._lock = threading.Lock()
        self.gone = self.grabbed = self.closed = False
        self.reads = 0

    def capabilities(self):
        return {ecodes.EV_KEY: list(range(1, 128))}

    def fileno(self):
        return self._r

    def push(self, events):
        with self._lock:
            self._events += events
        os.write(self._w, b".")

    def unplug(self):
        self.gone = True
        os.write(self._w, b".")

    def read(self):
        try:
            os.read(self._r, 4096)
        except BlockingIOError:
            pass
        self.reads += 1
        if self.gone:
            raise OSError(errno.ENODEV, "No such device")
        with self._lock:
            events, self._events = self._events, []
        if not events:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        return iter(events)

    def read_one(self):
        with self._lock:
            return self._events.pop(0) if self._events else None

    def grab(self):
        if self.grab_error:
            raise OSError(self.grab_error, os.strerror(self.grab_error))
        self.grabbed = True

    def ungrab(self):
        if self.gone or not self.grabbed:
            raise OSError(errno.EINVAL, "Invalid argument")
        self.grabbed = False

    def close(self):
        if not self.closed:
            self.closed = True
            os.close(self._r)
            os.close(self._w)


class FakeHub:
    """The plugged-in devices: what the reader opens and what its re-discovery lists."""

    def __init__(self):
        self.plugged: dict[str, FakeDevice] = {}
        self.opened: list[FakeDevice] = []
        self.denied: set[str] = set()
        self.looks = 0  # how often the reader has looked for a device (opened or listed)

    def plug(self, path, **kw) -> FakeDevice:
        device = FakeDevice(path, **(HONEYWELL | kw))
        self.plugged[path] = device
        return device

    def unplug(self, path):
        self.plugged.pop(path).unplug()

    def open(self, path):
        self.looks += 1
        if path in self.denied:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        if path not in self.plugged:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        device = self.plugged[path]
        self.opened.append(device)
        return device

    def list(self):
        self.looks += 1
        return [devices.describe(d) for d in self.plugged.values()]


class Recorder:
    def __init__(self):
        self.scans: list[str] = []
        self.statuses: list[tuple[str, str]] = []

    def on_scan(self, text):
        self.scans.append(text)

    def on_status(self, state, message):
        self.statuses.append((state, message))

    def states(self):
        return [state for state, _message in self.statuses]


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.005)
    raise AssertionError("timed out waiting")
