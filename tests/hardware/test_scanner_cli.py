"""``shoptui scanner list`` and ``shoptui scanner test``: real runs on this machine and fake scanners in-process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("evdev")

from hardware.scanner import devices  # noqa: E402
from hardware.scanner import reader as reader_module  # noqa: E402
from shoptui.cli import main  # noqa: E402
from shoptui.commands import scanner as scanner_command  # noqa: E402
from tests.hardware.evdev_fakes import FakeHub, keystrokes, wait_for  # noqa: E402


def shoptui(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shoptui", *args], capture_output=True, text=True, timeout=60)


def test_list_runs_on_the_real_machine_and_exits_0():
    """Whatever is plugged in here: every input device this machine lists is on a line of its
    own with its verdict, and "no scanners found" is said exactly when none looks like one."""
    listed = devices.list_devices()
    result = shoptui("scanner", "list")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    for device in listed:
        verdict = "yes" if device.looks_like_scanner else "no"
        assert any(line.split()[:1] == [device.path] and line.split()[2:3] == [verdict] for line in lines), (
            device,
            lines,
        )
    assert ("no scanners found" in result.stdout.lower()) == (not devices.scanners(listed))


def test_test_without_scanners_says_so_in_one_line(monkeypatch, capsys):
    """A machine with a keyboard and no scanner (this one's devices are not asked)."""
    monkeypatch.setattr(devices, "list_devices", lambda input_dir=devices.INPUT_DIR: LISTING[:1])
    monkeypatch.setattr(devices, "evdev_available", lambda: True)
    assert main(["scanner", "test"]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1, err
    assert "no scanners found" in lines[0] and "shoptui scanner test /dev/input/eventN" in lines[0]


def test_test_with_a_missing_device_path_is_an_error(tmp_path):
    result = shoptui("scanner", "test", str(tmp_path / "event99"))
    assert result.returncode == 1
    assert "no input device" in result.stderr and "Traceback" not in result.stderr


def test_unknown_layout_is_an_error():
    result = shoptui("scanner", "test", "--layout", "klingon")
    assert result.returncode == 1
    assert "klingon" in result.stderr and "Traceback" not in result.stderr


LISTING = [
    devices.InputDeviceInfo(
        "/dev/input/event3",
        "AT Translated Set 2 keyboard",
        "0001:0001",
        False,
        "a keyboard not known as a scanner",
        phys="isa0060/serio0/input0",
    ),
    devices.InputDeviceInfo(
        "/dev/input/event5",
        "Honeywell Imaging & Mobility 1250g",
        "0c2e:0b61",
        True,
        'name contains "honeywell"',
        phys="usb-0000:00:14.0-2/input0",
    ),
    devices.InputDeviceInfo("/dev/input/event9", "", "", False, "permission denied", readable=False),
]


def test_list_prints_path_name_ids_and_verdict(monkeypatch, capsys):
    monkeypatch.setattr(devices, "list_devices", lambda input_dir=devices.INPUT_DIR: LISTING)
    assert main(["scanner", "list"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["PATH", "VENDOR:PRODUCT"]
    assert lines[1].split()[:3] == ["/dev/input/event3", "0001:0001", "no"]
    assert lines[2].split()[:3] == ["/dev/input/event5", "0c2e:0b61", "yes"]
    assert "Honeywell Imaging & Mobility 1250g" in lines[2]
    assert lines[3].split()[:3] == ["/dev/input/event9", "-", "no"]
    assert "no scanners found" not in out.lower()
    assert "input" in err and "udev" in err  # what to do about event9


def test_list_with_keyboards_only_says_no_scanners_found(monkeypatch, capsys):
    monkeypatch.setattr(devices, "list_devices", lambda input_dir=devices.INPUT_DIR: LISTING[:1])
    assert main(["scanner", "list"]) == 0
    out, err = capsys.readouterr()
    assert "/dev/input/event3" in out and "no scanners found" in out.lower() and err == ""


@pytest.fixture
def fake_scanner(monkeypatch):
    """A Honeywell on event5 that the CLI finds, opens and reads like a real one."""
    hub = FakeHub()
    device = hub.plug("/dev/input/event5")
    monkeypatch.setattr(devices, "list_devices", lambda input_dir=devices.INPUT_DIR: hub.list())
    monkeypatch.setattr(reader_module, "open_input_device", hub.open)
    yield hub, device
    device.close()


def run_until_printed(monkeypatch, argv, hub, events, count):
    """Run the CLI in this (main) thread; type ``events`` once it reads, press Ctrl-C after ``count`` scans."""
    printed: list[str] = []
    original = scanner_command.printable

    def spy(text):
        printed.append(text)
        return original(text)

    monkeypatch.setattr(scanner_command, "printable", spy)

    def operator():
        try:
            wait_for(lambda: hub.opened or done.is_set())
            if hub.opened:
                hub.opened[0].push(events)
                # A line whose text is taken is printed before the command ends: Ctrl-C makes it
                # close its readers, which waits for their threads.
                wait_for(lambda: len(printed) >= count or done.is_set())
        finally:  # whatever happened, end the command rather than hang the suite
            if not done.is_set():
                os.kill(os.getpid(), signal.SIGINT)

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("Ctrl-C can only be delivered to the main thread")
    done = threading.Event()

    def ctrl_c(signum, frame):
        if not done.is_set():  # a late signal must not interrupt the test run itself
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, ctrl_c)
    helper = threading.Thread(target=operator, daemon=True)
    helper.start()
    started = time.monotonic()
    try:
        code = main(argv)
    finally:
        done.set()
        helper.join(10)
        signal.signal(signal.SIGINT, previous)
    return code, time.monotonic() - started


def test_test_prints_each_scan_until_ctrl_c(monkeypatch, capsys, fake_scanner):
    hub, device = fake_scanner
    events = keystrokes("8934567890128\n") + keystrokes("CARD-42\n", start=1_700_000_001.0)
    code, elapsed = run_until_printed(monkeypatch, ["scanner", "test"], hub, events, count=2)
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == ["8934567890128", "CARD-42"]
    assert "Honeywell" in err  # which device it reads
    assert device.closed and not device.grabbed
    assert elapsed < 5


def test_test_by_name_with_german_layout_and_a_gap_without_grabbing(monkeypatch, capsys, fake_scanner):
    hub, device = fake_scanner
    events = keystrokes("Zö-1", layout="de")  # no Enter: the 30 ms of silence end the scan
    argv = ["scanner", "test", "honeywell", "--layout", "de", "--gap", "30", "--no-grab"]
    code, _elapsed = run_until_printed(monkeypatch, argv, hub, events, count=1)
    out, _err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == ["Zö-1"]
    assert hub.opened == [device] and not device.grabbed


def test_control_codes_are_shown_visibly():
    assert scanner_command.printable("\x1d0104012345678901\r") == "\\x1d0104012345678901\\x0d"


def test_test_on_an_unreadable_device_says_what_to_do(monkeypatch, capsys):
    monkeypatch.setattr(devices, "list_devices", lambda input_dir=devices.INPUT_DIR: LISTING)
    assert main(["scanner", "test", "/dev/input/event9"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "input" in err and "udev" in err


def test_without_evdev_list_finds_nothing_and_test_explains(monkeypatch, capsys):
    monkeypatch.setattr(devices, "evdev_available", lambda: False)
    assert main(["scanner", "list"]) == 0
    assert "no scanners found" in capsys.readouterr().out.lower()
    assert main(["scanner", "test"]) == 1
    assert "Linux" in capsys.readouterr().err
