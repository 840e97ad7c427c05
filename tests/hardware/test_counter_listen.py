"""The counter listener: reopening a lost port (fake ports), and ``counter listen`` through a
real pseudo-terminal pair, stopped by SIGINT, SIGTERM and kill -9."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import serial

from hardware.counter import CounterListener, CounterPortError, backoff_delays, describe_open_error
from hardware.counter import listener as listener_module

TIMEOUT = 10.0
needs_pty = pytest.mark.skipif(not hasattr(os, "openpty"), reason="pseudo-terminals are POSIX")


def wait_until(condition, timeout=TIMEOUT, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


# -- the listener with fake ports ----------------------------------------------------------


class FakePort:
    """A port whose reads follow a script: bytes, or an exception to raise; then silence."""

    def __init__(self, script):
        self.script = list(script)
        self.closed = False

    @property
    def in_waiting(self):
        return 0

    def read(self, size=1):
        if self.script:
            item = self.script.pop(0)
            if isinstance(item, BaseException):
                raise item
            return item
        time.sleep(0.01)  # a real port's read timeout: nothing came (the listener loops on it)
        return b""

    def reset_input_buffer(self):
        pass

    def close(self):
        self.closed = True


class RecordingEvent(threading.Event):
    def __init__(self):
        super().__init__()
        self.waits = []

    def wait(self, timeout=None):
        self.waits.append(timeout)
        return super().wait(timeout)


def test_backoff_doubles_from_half_a_second_to_ten():
    delays = backoff_delays()
    assert [next(delays) for _ in range(8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]


def test_a_lost_port_is_reopened_with_backoff_and_the_outage_reported(caplog):
    caplog.set_level(logging.INFO)
    first = FakePort([b"IN=5;OU", b"T=1\r\nIN=6", serial.SerialException("device disconnected")])
    second = FakePort([b"IN=7;OUT=2\n"])
    opens = [first, serial.SerialException(errno.ENOENT, "no such file"), OSError(errno.ENOENT, "gone"), second]
    asked = []

    def open_port(port, **options):
        asked.append((port, options))
        item = opens.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item

    readings, statuses, listening = [], [], []
    listener = CounterListener(
        "/dev/ttyFAKE",
        readings.append,
        open_port=open_port,
        on_status=lambda s, m: statuses.append(s),
        on_listening=listening.append,
        backoff_first=0.01,
        backoff_most=0.03,
    )
    listener._exit = RecordingEvent()
    listener.start()
    try:
        wait_until(lambda: len(readings) == 2, what="two readings")
    finally:
        listener.close()
    assert not listener.is_alive()
    assert [(r.visitors_in, r.visitors_out) for r in readings] == [(5, 1), (7, 2)]  # the half line "IN=6" is gone
    assert statuses == ["listening", "lost", "waiting", "waiting", "listening", "closed"]
    assert listening == ["/dev/ttyFAKE", "/dev/ttyFAKE"]
    assert listener._exit.waits == [0.01, 0.02, 0.03]
    assert first.closed and second.closed
    assert asked[0] == ("/dev/ttyFAKE", {"baudrate": 9600, "timeout": listener_module.READ_TIMEOUT, "exclusive": True})
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert messages == [
        "Lost the counter on /dev/ttyFAKE: device disconnected",
        "There is no port /dev/ttyFAKE; check the cable and the device name.",
        "The counter on /dev/ttyFAKE is back.",
    ]


def test_a_failing_store_is_reported_and_the_listener_goes_on():
    port = FakePort([b"IN=1\nIN=2\nIN=3\n"])
    stored, statuses = [], []

    def on_reading(reading):
        if reading.visitors_in == 2:
            raise RuntimeError("database is locked")
        stored.append(reading.visitors_in)

    listener = CounterListener(
        "p", on_reading, open_port=lambda *a, **k: port, on_status=lambda s, m: statuses.append((s, m))
    )
    listener.start()
    try:
        wait_until(lambda: stored == [1, 3], what="readings 1 and 3")
    finally:
        listener.close()
    assert [s for s, _m in statuses] == ["listening", "error", "listening", "closed"]
    assert statuses[1][1] == "Could not store the reading 'IN=2': database is locked"
    assert not listener.failed


def test_a_port_that_cannot_be_opened_at_start_is_one_sentence():
    def missing(*args, **kwargs):
        raise serial.SerialException(errno.ENOENT, "could not open port /dev/ttyNONE: [Errno 2] No such file")

    listener = CounterListener("/dev/ttyNONE", lambda r: None, open_port=missing)
    with pytest.raises(CounterPortError) as caught:
        listener.start()
    assert str(caught.value) == "There is no port /dev/ttyNONE; check the cable and the device name."
    assert not listener.is_alive()


def test_open_errors_say_what_to_do():
    busy = serial.SerialException(errno.EAGAIN, "Could not exclusively lock port /dev/ttyS0: [Errno 11] busy")
    assert describe_open_error("/dev/ttyS0", busy) == (
        "The port /dev/ttyS0 is in use by another program (another counter listener, or the app); stop that one first."
    )
    windows_busy = serial.SerialException(
        "could not open port 'COM3': PermissionError(13, 'Access is denied.', None, 5)"
    )
    assert describe_open_error("COM3", windows_busy).startswith("The port COM3 is in use by another program")
    denied = serial.SerialException(errno.EACCES, "could not open port /dev/ttyUSB0: [Errno 13] Permission denied")
    assert "dialout" in describe_open_error("/dev/ttyUSB0", denied)
    assert (
        describe_open_error("x", ValueError("Not a valid baudrate: -1"))
        == "Cannot open the port x: Not a valid baudrate: -1"
    )


@needs_pty
def test_the_listener_reads_a_real_pty_and_reports_its_loss():
    master, slave = os.openpty()
    path = os.ttyname(slave)
    readings, statuses = [], []
    listener = CounterListener(path, readings.append, on_status=lambda s, m: statuses.append(s), backoff_first=0.05)
    try:
        listener.start()
        os.write(master, b"IN=3;OUT=0\r\nIN=4;OUT=1\r\n")
        wait_until(lambda: len(readings) == 2, what="two readings")
        os.close(master)  # the counter is unplugged
        master = None
        wait_until(lambda: "lost" in statuses, what="the loss")
        started = time.monotonic()
        listener.close()
        assert time.monotonic() - started < 2
        assert not listener.is_alive()
        assert [(r.visitors_in, r.visitors_out) for r in readings] == [(3, 0), (4, 1)]
        assert statuses[0] == "listening" and statuses[-1] == "closed"
    finally:
        listener.close()
        os.close(slave)
        if master is not None:
            os.close(master)


# -- `shoptui counter listen` through a pseudo-terminal -----------------------------------


def shoptui_command() -> list[str]:
    script = Path(sys.executable).with_name("shoptui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shoptui"]


class Listen:
    """``shoptui counter listen`` as a subprocess whose stderr is read line by line."""

    def __init__(self, db: Path, port: str, *options: str):
        self.process = subprocess.Popen(
            [*shoptui_command(), "--db", str(db), "counter", "listen", "--port", port, *options],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stderr:
            self.stderr.append(line)
            self.lines.put(line)

    def wait_listening(self) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if line.startswith("listening on"):
                return line
        raise AssertionError(f"no 'listening on' line; stderr: {''.join(self.stderr)!r}")

    def stop(self, sig=signal.SIGINT) -> int:
        self.process.send_signal(sig)
        return self.process.wait(TIMEOUT)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(TIMEOUT)


def counted(db: Path, counter: str = "door1") -> tuple[int, int, list[dt.datetime]]:
    """(visitors in, visitors out, hours) of a counter, read with plain sqlite3."""
    if not db.exists():
        return 0, 0, []
    with sqlite3.connect(db, timeout=5) as connection:
        try:
            rows = connection.execute(
                "SELECT hour, visitors_in, visitors_out FROM visit_count WHERE source = ?", (f"counter:{counter}",)
            ).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return 0, 0, []
    return sum(r[1] for r in rows), sum(r[2] for r in rows), [dt.datetime.fromisoformat(r[0]) for r in rows]


def last_reading(db: Path, counter: str = "door1"):
    with sqlite3.connect(db, timeout=5) as connection:
        return connection.execute(
            "SELECT s.code, c.last_in, c.last_out FROM counter_state c JOIN store s ON s.id = c.store_id WHERE c.name = ?",
            (counter,),
        ).fetchone()


def this_hour_and_next(started: dt.datetime) -> set[dt.datetime]:
    # A test that straddles o'clock rightly splits its readings over two hours.
    hour = started.replace(minute=0, second=0, microsecond=0)
    return {hour, hour + dt.timedelta(hours=1)}


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    # The test keeps the slave end open too, so the pty outlives a killed listener.
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


@needs_pty
def test_listen_stores_readings_and_stops_on_sigint(tmp_path, pty_pair):
    master, path = pty_pair
    db = tmp_path / "shop.sqlite"
    started = dt.datetime.now()
    listen = Listen(db, path, "--counter", "door1", "-v")
    try:
        assert listen.wait_listening() == f"listening on {path}\n"
        os.write(master, b"IN=5;OUT=1\r\n")
        os.write(master, b"garbage\r\n")
        os.write(master, b"IN=8;OUT=2\n")
        os.write(master, b"IN=3\n")  # the counter was switched off and on
        wait_until(lambda: counted(db)[0] == 11, what="11 visitors")
        assert listen.stop(signal.SIGINT) == 0
    finally:
        listen.kill()
    visitors_in, visitors_out, hours = counted(db)
    assert (visitors_in, visitors_out) == (5 + 3 + 3, 1 + 1 + 0)
    assert set(hours) <= this_hour_and_next(started)
    assert last_reading(db) == ("MAIN", 3, None)
    log = "".join(listen.stderr)
    assert "Skipped a line that is not a totals reading: 'garbage'" in log
    assert log.count("door1 IN=") == 3  # -v: one line per reading
    assert "door1 IN=3: +3 in, +0 out" in log and "(counter was reset)" in log


def unread(path: str) -> int:
    """Bytes written to the pty that nobody has read at its tty end yet (the listener's port is raw)."""
    import fcntl
    import struct
    import termios

    fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    finally:
        os.close(fd)


@needs_pty
def test_listen_stops_cleanly_on_sigterm(tmp_path, pty_pair):
    master, path = pty_pair
    db = tmp_path / "shop.sqlite"
    assert (
        subprocess.run(
            [*shoptui_command(), "--db", str(db), "stores", "add", "HN1", "Hà Nội 1"],
            capture_output=True,
            timeout=TIMEOUT,
        ).returncode
        == 0
    )
    listen = Listen(db, path, "--protocol", "pulse", "--store", "HN1", "--counter", "beam")
    try:
        listen.wait_listening()
        os.write(master, b"P\r\n\r\nP\n")
        os.write(master, b"P")  # the third pulse's line ends in the next read
        wait_until(lambda: counted(db, "beam")[0] == 2 and unread(path) == 0, what="the listener to read the P")
        os.write(master, b"\r\n")
        wait_until(lambda: counted(db, "beam")[0] == 3, what="3 pulses")
        assert listen.stop(signal.SIGTERM) == 0
    finally:
        listen.kill()
    assert counted(db, "beam")[:2] == (3, 0)
    assert last_reading(db, "beam") == ("HN1", None, None)
    assert "Traceback" not in "".join(listen.stderr)


@needs_pty
def test_a_killed_listener_restarted_counts_nothing_twice(tmp_path, pty_pair):
    master, path = pty_pair
    db = tmp_path / "shop.sqlite"
    listen = Listen(db, path, "--counter", "door1")
    try:
        listen.wait_listening()
        os.write(master, b"IN=5;OUT=1\nIN=8;OUT=2\n")
        wait_until(lambda: counted(db)[:2] == (8, 2), what="the first readings")
        listen.process.send_signal(signal.SIGKILL)
        assert listen.process.wait(TIMEOUT) == -signal.SIGKILL
    finally:
        listen.kill()
    again = Listen(db, path, "--counter", "door1")
    try:
        again.wait_listening()
        os.write(master, b"IN=10;OUT=2\r\n")  # the counter went on counting meanwhile
        wait_until(lambda: last_reading(db) == ("MAIN", 10, 2), what="the reading after the restart")
        assert again.stop() == 0
    finally:
        again.kill()
    assert counted(db)[:2] == (10, 2)


@needs_pty
def test_a_port_held_by_another_listener_is_refused(tmp_path, pty_pair):
    master, path = pty_pair
    db = tmp_path / "shop.sqlite"
    first = Listen(db, path, "--counter", "door1")
    try:
        first.wait_listening()
        second = subprocess.run(
            [*shoptui_command(), "--db", str(db), "counter", "listen", "--port", path],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert second.returncode == 1
        assert second.stderr == (
            f"The port {path} is in use by another program (another counter listener, or the app); stop that one first.\n"
        )
        os.write(master, b"IN=2\n")  # the first listener still owns the port
        wait_until(lambda: counted(db)[0] == 2, what="the first listener's reading")
        assert first.stop() == 0
    finally:
        first.kill()


def test_a_port_that_cannot_be_opened_exits_1_with_one_sentence(tmp_path):
    result = subprocess.run(
        [
            *shoptui_command(),
            "--db",
            str(tmp_path / "shop.sqlite"),
            "counter",
            "listen",
            "--port",
            str(tmp_path / "ttyNONE"),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 1
    assert result.stderr == f"There is no port {tmp_path / 'ttyNONE'}; check the cable and the device name.\n"


@pytest.mark.parametrize("option", [["--protocol", "morse"], ["--baud", "fast"], ["--baud", "0"]])
def test_bad_options_are_usage_errors(tmp_path, capsys, option):
    from shoptui.cli import main

    code = main(["--db", str(tmp_path / "shop.sqlite"), "counter", "listen", "--port", "/dev/null", *option])
    assert code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / "shop.sqlite").exists()  # refused before anything was opened
