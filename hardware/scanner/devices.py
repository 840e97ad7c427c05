"""Finding the input devices that look like barcode scanners.

A scanner in keyboard mode is, to the kernel, a keyboard; what sets it apart is its
name or its USB vendor. Anything else the user can still choose by path.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import re
import stat
from dataclasses import dataclass

from shoptui.errors import ShopError
from shoptui.i18n import N_, _

INPUT_DIR = "/dev/input"

log = logging.getLogger(__name__)

# Lower-case parts of device names that scanners announce themselves with.
SCANNER_NAME_WORDS = (
    "barcode",
    "bar code",
    "scanner",
    "honeywell",
    "metrologic",
    "hand held products",
    "zebra",
    "symbol",
    "datalogic",
    "newland",
    "netum",
    "opticon",
    "intermec",
    "cipherlab",
    "mindeo",
    "mertech",
    "inateck",
    "eyoyo",
    "hid kbw",
)

# USB vendor ids of scanner makers (usb.ids); chip makers used by cheap scanners for
# other things too (e.g. QinHeng 1a86) are left out on purpose.
SCANNER_VENDORS = {
    0x0536: "Hand Held Products (Honeywell)",
    0x0C2E: "Metrologic (Honeywell)",
    0x05E0: "Symbol (Zebra)",
    0x0A5F: "Zebra",
    0x05F9: "Datalogic",
    0x080C: "Datalogic",
    0x1EAB: "Newland",
    0x067E: "Intermec",
    0x065A: "Opticon",
    0x27DD: "Mindeo",
    0x2DD6: "Mertech",
}

NO_SCANNERS = N_("no scanners found")


class ScannerError(ShopError):
    """A scanner cannot be found, opened or read."""


class ScannerPermissionError(ScannerError):
    """The input devices exist but this user may not read them."""


@dataclass(frozen=True)
class InputDeviceInfo:
    """One input device as ``scanner list`` shows it."""

    path: str
    name: str
    vendor_product: str  # "0c2e:0b61", hexadecimal as lsusb writes it
    looks_like_scanner: bool
    reason: str
    phys: str = ""
    readable: bool = True


def permission_hint(path: str = INPUT_DIR) -> str:
    return _(
        'Cannot read {path}: add your user to the "input" group (sudo usermod -aG input $USER, '
        "then log out and in) or install the udev rule shown in the README."
    ).format(path=path)


def evdev_available() -> bool:
    try:
        import evdev  # noqa: F401 - Linux only
    except ImportError:
        return False
    return True


def classify(name: str, vendor: int, key_codes) -> tuple[bool, str]:
    """Whether a device with this name, USB vendor and key capabilities looks like a scanner, and why."""
    from evdev import ecodes

    keys = set(key_codes)
    digits = {getattr(ecodes, f"KEY_{d}") for d in range(10)}
    lowered = name.lower()
    word = next((w for w in SCANNER_NAME_WORDS if w in lowered), None)
    maker = SCANNER_VENDORS.get(vendor)
    if not digits <= keys:
        if word or maker:
            return False, _("a scanner that does not type (not in keyboard mode?)")
        return False, _("not a keyboard")
    if word:
        return True, _('name contains "{word}"').format(word=word.strip())
    if maker:
        return True, _("vendor {vendor} is {maker}").format(vendor=f"{vendor:04x}", maker=maker)
    return False, _("a keyboard not known as a scanner (choose it by path if it is one)")


def describe(device) -> InputDeviceInfo:
    """The listing entry of an opened ``evdev.InputDevice`` (or anything shaped like one)."""
    from evdev import ecodes

    info = device.info
    key_codes = device.capabilities().get(ecodes.EV_KEY, [])
    looks, reason = classify(device.name or "", info.vendor, key_codes)
    return InputDeviceInfo(
        path=str(device.path),
        name=device.name or "",
        vendor_product=f"{info.vendor:04x}:{info.product:04x}",
        looks_like_scanner=looks,
        reason=reason,
        phys=device.phys or "",
    )


def _event_number(path: str) -> int:
    match = re.search(r"(\d+)$", path)
    return int(match.group(1)) if match else -1


def list_devices(input_dir: str = INPUT_DIR) -> list[InputDeviceInfo]:
    """Every event device under ``input_dir``, scanners or not, in event-number order.

    No ``input_dir`` (a container, Windows, macOS) gives an empty list; devices this user
    may not read are listed with ``readable=False`` (see ``permission_problem``).
    """
    if not evdev_available() or not os.path.isdir(input_dir):
        return []
    from evdev import InputDevice

    found = []
    for path in sorted(glob.glob(os.path.join(input_dir, "event*")), key=_event_number):
        try:
            if not stat.S_ISCHR(os.stat(path).st_mode):
                continue
            # Read-only: opening read-write makes some keyboards re-send their LED state.
            device = InputDevice(path, readonly=True)
        except PermissionError:
            found.append(InputDeviceInfo(path, "", "", False, _("permission denied"), readable=False))
            continue
        except OSError as exc:
            # Unplugged while we looked, or not an evdev device at all (ENOTTY): not an input to list.
            if exc.errno not in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
                log.info("skipping %s: %s", path, exc)
            continue
        try:
            found.append(describe(device))
        finally:
            device.close()
    return found


def permission_problem(devices: list[InputDeviceInfo], input_dir: str = INPUT_DIR) -> str | None:
    """One sentence on what to do when input devices could not be read, else None."""
    if os.path.isdir(input_dir) and not os.access(input_dir, os.R_OK | os.X_OK):
        return permission_hint(input_dir)
    unreadable = [d for d in devices if not d.readable]
    if unreadable:
        return permission_hint(unreadable[0].path if len(unreadable) == 1 else input_dir)
    return None


def scanners(devices: list[InputDeviceInfo]) -> list[InputDeviceInfo]:
    return [d for d in devices if d.readable and d.looks_like_scanner]


def choose(spec: str | None, devices: list[InputDeviceInfo]) -> list[InputDeviceInfo]:
    """The devices meant by ``spec``: a path, a part of a name, or (None) every scanner."""
    readable = [d for d in devices if d.readable]
    if spec is None:
        return scanners(devices)
    if os.sep in spec or spec.startswith("event"):
        path = spec if os.sep in spec else os.path.join(INPUT_DIR, spec)
        listed = [d for d in devices if d.path == path]
        if listed:
            return listed
        if os.path.exists(path):
            return [InputDeviceInfo(path, path, "", False, _("chosen by path"))]
        raise ScannerError(_("There is no input device {path}.").format(path=path))
    wanted = spec.lower()
    return [d for d in readable if wanted in d.name.lower()]
