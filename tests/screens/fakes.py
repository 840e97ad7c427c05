"""Fake device classes standing in for evdev and pyserial: they call the device manager's
callbacks from their own threads, as the real ones do."""

from __future__ import annotations

import threading

from hardware.counter.protocols import Reading


class FakeScanner:
    instances: list[FakeScanner] = []

    def __init__(self, path, on_scan, on_status=None, *, layout="us", **kwargs):
        self.path, self.on_scan, self.on_status, self.layout = path, on_scan, on_status, layout
        self.started = self.closed = False
        FakeScanner.instances.append(self)

    def start(self):
        self.started = True
        self.from_thread(self.on_status, "connected", f"Reading {self.path}.")

    def close(self):
        self.closed = True

    def scan(self, text: str) -> None:
        self.from_thread(self.on_scan, text)

    @staticmethod
    def from_thread(function, *args):
        thread = threading.Thread(target=function, args=args)
        thread.start()
        thread.join()


class FakeCounter:
    instances: list[FakeCounter] = []

    def __init__(self, port, on_reading, *, baudrate=9600, protocol="totals", on_status=None, **kwargs):
        self.port, self.on_reading, self.on_status = port, on_reading, on_status
        self.baudrate, self.protocol = baudrate, protocol
        self.started_with = None
        self.closed = False
        FakeCounter.instances.append(self)

    def start(self, wait_for_port=False):
        self.started_with = wait_for_port

    def close(self):
        self.closed = True

    def send(self, reading: Reading) -> None:
        FakeScanner.from_thread(self.on_reading, reading)

    def report(self, state: str, message: str) -> None:
        FakeScanner.from_thread(self.on_status, state, message)
