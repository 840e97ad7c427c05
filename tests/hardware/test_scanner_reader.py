"""The scanner thread with fake devices (unplug, reconnect, grab, gaps), the device listing, and uinput."""

from __future__ import annotations

import errno
import os
import time

import pytest

evdev = pytest.importorskip("evdev")
from evdev import ecodes  # noqa: E402

from hardware.scanner import devices  # noqa: E402
from hardware.scanner.devices import InputDeviceInfo  # noqa: E402
from hardware.scanner.reader import CLOSED, CONNECTED, DISCONNECTED, ERROR, ScannerReader  # noqa: E402
from tests.hardware.evdev_fakes import HONEYWELL, FakeDevice, FakeHub, Recorder, keystrokes, wait_for  # noqa: E402


@pytest.fixture
def hub():
    hub = FakeHub()
    yield hub
    for device in [*hub.plugged.values(), *hub.opened]:
        device.close()


@pytest.fixture
def make_reader(hub):
    readers = []

    def make(path="/dev/input/event5", recorder=None, **kw):
        recorder = recorder or Recorder()
        options = (
            dict(open_device=hub.open, list_devices=hub.list, poll_interval=0.05, retry_delays=(0.01, 0.02, 0.05)) | kw
        )
        reader = ScannerReader(path, recorder.on_scan, recorder.on_status, **options)
        readers.append(reader)
        reader.start()
        return reader, recorder

    yield make
    for reader in readers:
        reader.close()


def test_scans_arrive_through_the_callback_and_close_releases_the_device(hub, make_reader):
    device = hub.plug("/dev/input/event5")
    reader, rec = make_reader()
    wait_for(lambda: reader.state == CONNECTED)
    assert device.grabbed
    device.push(keystrokes("2000001234567\n", start=time.time()))
    device.push(keystrokes("HELLO-42\n", start=time.time() + 0.1))
    wait_for(lambda: len(rec.scans) == 2)
    assert rec.scans == ["2000001234567", "HELLO-42"]
    assert reader.last_scan == "HELLO-42"
    started = time.monotonic()
    reader.close()
    assert time.monotonic() - started < 1.0
    assert not reader.is_alive()
    assert device.closed and not device.grabbed
    assert rec.states()[-1] == CLOSED


def test_a_scan_without_enter_ends_after_the_gap(hub, make_reader):
    device = hub.plug("/dev/input/event5")
    reader, rec = make_reader(gap=0.05)
    wait_for(lambda: reader.state == CONNECTED)
    device.push(keystrokes("8934567890128", start=time.time()))
    wait_for(lambda: rec.scans)
    assert rec.scans == ["8934567890128"]


def test_unplug_mid_read_is_reported_and_the_scanner_is_found_again_on_a_new_path(hub, make_reader):
    first = hub.plug("/dev/input/event5")
    hub.plug(
        "/dev/input/event3",
        name="AT Translated Set 2 keyboard",
        vendor=0x0001,
        product=0x0001,
        phys="isa0060/serio0/input0",
    )
    reader, rec = make_reader(gap=None)
    wait_for(lambda: reader.state == CONNECTED)
    first.push(keystrokes("1111\n", start=time.time()))
    wait_for(lambda: rec.scans == ["1111"])

    first.push(keystrokes("22", start=time.time()))  # half a scan, then the cable is pulled
    wait_for(lambda: reader.assembler.pending == "22")
    hub.unplug("/dev/input/event5")
    wait_for(lambda: reader.state == DISCONNECTED)
    assert first.closed
    looks = hub.looks
    wait_for(lambda: hub.looks >= looks + 3)  # a few retries find nothing; the keyboard on event3 is not taken for it

    second = hub.plug("/dev/input/event7", **(HONEYWELL | {"phys": "usb-0000:00:14.0-3/input0"}))
    wait_for(lambda: reader.state == CONNECTED and reader.path == "/dev/input/event7")
    assert second.grabbed
    second.push(keystrokes("3333\n", start=time.time()))
    wait_for(lambda: len(rec.scans) == 2)
    assert rec.scans == ["1111", "3333"]  # the half scan was not glued to the next one
    assert [d.path for d in hub.opened] == ["/dev/input/event5", "/dev/input/event7"]
    assert rec.states()[:3] == [CONNECTED, DISCONNECTED, CONNECTED]
    assert "unplugged" in rec.statuses[1][1]


def test_back_on_the_same_port_is_preferred_over_a_twin_elsewhere(hub, make_reader):
    device = hub.plug("/dev/input/event5")
    reader, rec = make_reader()
    wait_for(lambda: reader.state == CONNECTED)
    hub.unplug("/dev/input/event5")
    wait_for(lambda: reader.state == DISCONNECTED)
    hub.plug("/dev/input/event8", **(HONEYWELL | {"phys": "usb-0000:00:14.0-4/input0"}))  # a second scanner
    hub.plug("/dev/input/event9")  # ours, same port
    wait_for(lambda: reader.state == CONNECTED)
    assert reader.path == "/dev/input/event9"
    assert device.closed


def test_a_device_missing_at_start_is_waited_for(hub, make_reader):
    reader, rec = make_reader("/dev/input/event5")
    wait_for(lambda: reader.state == DISCONNECTED)
    looks = hub.looks
    wait_for(lambda: hub.looks >= looks + 3)  # retried a few times
    assert rec.states() == [DISCONNECTED]  # said once, not at every retry
    device = hub.plug("/dev/input/event5")
    wait_for(lambda: reader.state == CONNECTED)
    device.push(keystrokes("77\n", start=time.time()))
    wait_for(lambda: rec.scans == ["77"])


def test_permission_denied_says_what_to_do(hub, make_reader):
    hub.plug("/dev/input/event5")
    hub.denied.add("/dev/input/event5")
    reader, rec = make_reader()
    wait_for(lambda: reader.state == ERROR)
    message = rec.statuses[-1][1]
    assert "input" in message and "udev" in message and "/dev/input/event5" in message
    hub.denied.clear()  # the user was added to the group; the reader keeps trying
    wait_for(lambda: reader.state == CONNECTED)


def test_a_device_grabbed_by_another_program_is_still_read_with_a_warning(hub, make_reader):
    device = hub.plug("/dev/input/event5", grab_error=errno.EBUSY)
    reader, rec = make_reader()
    wait_for(lambda: reader.state == CONNECTED)
    assert "another program" in reader.message
    device.push(keystrokes("5\n", start=time.time()))
    wait_for(lambda: rec.scans == ["5"])


def test_no_grab_leaves_the_device_shared(hub, make_reader):
    device = hub.plug("/dev/input/event5")
    reader, _rec = make_reader(grab=False)
    wait_for(lambda: reader.state == CONNECTED)
    assert not device.grabbed


def test_a_failing_scan_handler_does_not_stop_the_reader(hub, make_reader):
    device = hub.plug("/dev/input/event5")
    seen = []

    class Failing(Recorder):
        def on_scan(self, text):
            seen.append(text)
            raise RuntimeError("handler bug")

    reader, _rec = make_reader(recorder=Failing())
    wait_for(lambda: reader.state == CONNECTED)
    device.push(keystrokes("1\n", start=time.time()))
    device.push(keystrokes("2\n", start=time.time() + 0.1))
    wait_for(lambda: seen == ["1", "2"])
    assert reader.is_alive()


# -- the listing ----------------------------------------------------------


def test_real_listing_finds_nothing_gracefully_on_a_box_without_input_devices():
    found = devices.list_devices()  # the real /dev/input path: CI has none, or none readable
    assert isinstance(found, list)
    if not os.path.isdir(devices.INPUT_DIR):
        assert found == [] and devices.permission_problem(found) is None


def test_listing_a_missing_or_empty_folder_gives_nothing(tmp_path):
    assert devices.list_devices(str(tmp_path / "no-such-dir")) == []
    assert devices.list_devices(str(tmp_path)) == []


def test_listing_skips_files_and_character_devices_that_are_not_input_devices(tmp_path):
    (tmp_path / "event0").write_text("not a device")
    os.symlink("/dev/null", tmp_path / "event1")  # a character device, but evdev's ioctls fail on it
    assert devices.list_devices(str(tmp_path)) == []


def test_unreadable_devices_are_listed_and_explained(tmp_path, monkeypatch):
    os.symlink("/dev/null", tmp_path / "event2")

    def denied(path, readonly=False):
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(evdev, "InputDevice", denied)
    found = devices.list_devices(str(tmp_path))
    assert [(d.path, d.readable, d.looks_like_scanner) for d in found] == [(str(tmp_path / "event2"), False, False)]
    hint = devices.permission_problem(found, str(tmp_path))
    assert "input" in hint and "udev" in hint
    assert devices.scanners(found) == []


def test_listing_describes_and_orders_devices(tmp_path, monkeypatch):
    for n in (10, 2):
        os.symlink("/dev/null", tmp_path / f"event{n}")
    fakes = {
        str(tmp_path / "event2"): dict(name="AT Translated Set 2 keyboard", vendor=1, product=1, phys="isa0060"),
        str(tmp_path / "event10"): HONEYWELL,
    }
    monkeypatch.setattr(evdev, "InputDevice", lambda path, readonly=False: FakeDevice(path, **fakes[path]))
    found = devices.list_devices(str(tmp_path))
    assert [(d.path, d.vendor_product, d.looks_like_scanner) for d in found] == [
        (str(tmp_path / "event2"), "0001:0001", False),
        (str(tmp_path / "event10"), "0c2e:0b61", True),
    ]
    assert "honeywell" in found[1].reason


@pytest.mark.parametrize(
    "name, vendor, keys, looks",
    [
        ("Honeywell Imaging & Mobility 1900", 0x0C2E, "keyboard", True),
        ("USB Barcode Scanner", 0x1A86, "keyboard", True),
        ("SM SM-2D PRODUCT HID KBW", 0x1EAB, "keyboard", True),
        ("Generic USB", 0x05E0, "keyboard", True),  # Symbol/Zebra by vendor id
        ("Logitech USB Keyboard", 0x046D, "keyboard", False),
        ("Honeywell HID POS", 0x0C2E, "none", False),  # not in keyboard mode
        ("Power Button", 0x0000, "power", False),
    ],
)
def test_classify(name, vendor, keys, looks):
    codes = {"keyboard": range(1, 128), "none": [], "power": [ecodes.KEY_POWER]}[keys]
    result, reason = devices.classify(name, vendor, codes)
    assert result is looks and reason


def test_choose_by_path_name_or_every_scanner(tmp_path):
    listing = [
        InputDeviceInfo("/dev/input/event3", "AT keyboard", "0001:0001", False, "keyboard"),
        InputDeviceInfo("/dev/input/event5", "Honeywell 1250g", "0c2e:0b61", True, "name"),
    ]
    assert [d.path for d in devices.choose(None, listing)] == ["/dev/input/event5"]
    assert [d.path for d in devices.choose("/dev/input/event3", listing)] == ["/dev/input/event3"]
    assert [d.path for d in devices.choose("event3", listing)] == ["/dev/input/event3"]
    assert [d.path for d in devices.choose("honeywell", listing)] == ["/dev/input/event5"]
    assert devices.choose("zebra", listing) == []
    with pytest.raises(devices.ScannerError, match="no input device"):
        devices.choose(str(tmp_path / "event99"), listing)


# -- a real virtual keyboard, where the kernel offers uinput ---------------


def _uinput_usable() -> bool:
    return os.path.exists("/dev/uinput") and os.access("/dev/uinput", os.R_OK | os.W_OK)


@pytest.mark.skipif(not _uinput_usable(), reason="no writable /dev/uinput on this machine")
def test_a_virtual_scanner_through_uinput_is_read():
    from evdev import UInput

    from hardware.scanner.keymap import LAYOUTS

    codes = sorted(set(LAYOUTS["us"].plain) | {ecodes.KEY_LEFTSHIFT, ecodes.KEY_ENTER, ecodes.KEY_TAB})
    with UInput({ecodes.EV_KEY: codes}, name="Test Barcode Scanner", vendor=0x0C2E, product=0x0B61) as ui:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(d.name == "Test Barcode Scanner" for d in devices.list_devices()):
            time.sleep(0.05)
        ours = [d for d in devices.list_devices() if d.name == "Test Barcode Scanner"]
        if not ours:
            pytest.skip("the virtual device did not show up under /dev/input")
        assert ours[0].looks_like_scanner
        rec = Recorder()
        reader = ScannerReader(ours[0].path, rec.on_scan, rec.on_status)
        reader.start()
        try:
            wait_for(lambda: reader.state == CONNECTED)
            for ev in keystrokes("Card-0042\n", start=0.0):
                if ev.type == ecodes.EV_KEY:
                    ui.write(ev.type, ev.code, ev.value)
                    ui.syn()
            wait_for(lambda: rec.scans)
            assert rec.scans == ["Card-0042"]
        finally:
            reader.close()
