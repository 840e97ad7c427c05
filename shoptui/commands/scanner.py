"""``shoptui scanner list`` and ``shoptui scanner test [DEVICE]``: evdev barcode scanners (Linux)."""

from __future__ import annotations

import sys

from ..errors import ShopError
from ..i18n import _
from . import add_actions, add_command


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "scanner",
        run,
        _("find barcode scanners and show what a scan reads"),
        _(
            "Barcode scanners plugged in by USB (Linux, evdev). "
            "Example: shoptui scanner list; shoptui scanner test /dev/input/event5"
        ),
    )
    actions = add_actions(parser)
    add_command(
        actions,
        "list",
        None,
        _("list input devices and whether each looks like a scanner"),
        _("Path, name, USB vendor:product and whether each input device looks like a barcode scanner."),
    )
    test = add_command(
        actions,
        "test",
        None,
        _("print each scan as it arrives, until Ctrl-C"),
        _(
            "Read scans and print each one as it arrives, until Ctrl-C. Without DEVICE: every device that "
            "looks like a scanner. Example: shoptui scanner test /dev/input/event5"
        ),
    )
    test.add_argument(
        "device", nargs="?", metavar="DEVICE", help=_("a device path (/dev/input/event5) or part of its name")
    )
    test.add_argument("--layout", default="us", help=_("keyboard layout the scanner types in: us or de (default: us)"))
    test.add_argument(
        "--gap",
        type=int,
        default=50,
        metavar="MS",
        help=_("milliseconds of silence that end a scan without Enter (default: 50)"),
    )
    test.add_argument(
        "--no-grab", dest="grab", action="store_false", help=_("let the keystrokes also reach other programs")
    )


def run(args) -> int:
    from ..cli import device_module

    devices = device_module("scanner.devices")

    return list_command(devices) if args.action == "list" else test_command(devices, args)


def list_command(devices) -> int:
    found = devices.list_devices()
    problem = devices.permission_problem(found)
    if found:
        header = (_("PATH"), _("VENDOR:PRODUCT"), _("SCANNER"), _("NAME"), _("WHY"))
        rows = [
            (d.path, d.vendor_product or "-", _("yes") if d.looks_like_scanner else _("no"), d.name or "-", d.reason)
            for d in found
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths)) + "  " + row[4])
    if not devices.scanners(found):
        print(_(devices.NO_SCANNERS))
    if problem:
        print(problem, file=sys.stderr)
    return 0


def printable(scan: str) -> str:
    """A scan as one line: control codes (GS1 separators, stray CR) shown as \\xNN."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in scan)


def test_command(devices, args) -> int:
    import threading

    if not devices.evdev_available():
        raise devices.ScannerError(
            _(
                "USB scanners are read through evdev, which needs Linux; "
                "elsewhere a scanner types into the app like a keyboard."
            )
        )
    from ..cli import device_module

    layout = device_module("scanner.keymap").layout
    reader = device_module("scanner.reader")
    ERROR, ScannerReader = reader.ERROR, reader.ScannerReader

    layout(args.layout)  # an unknown layout is a plain error before anything opens
    if args.gap < 0:
        raise ShopError(_("The gap must be 0 or more milliseconds."))
    found = devices.list_devices()
    chosen = devices.choose(args.device, found)
    if chosen and not any(d.readable for d in chosen):
        raise devices.ScannerPermissionError(devices.permission_hint(chosen[0].path))
    chosen = [d for d in chosen if d.readable]
    if not chosen:
        problem = devices.permission_problem(found)
        if problem:
            raise devices.ScannerPermissionError(problem)
        if args.device:
            raise devices.ScannerError(_("No input device matches {device}.").format(device=args.device))
        raise devices.ScannerError(
            _("no scanners found; plug one in, or give its path: shoptui scanner test /dev/input/eventN")
        )

    lock = threading.Lock()  # several readers print; keep their lines whole

    def on_scan(text: str) -> None:
        with lock:
            print(printable(text), flush=True)

    def status_printer(path: str):
        def on_status(state: str, message: str) -> None:
            with lock:
                print(f"{path}: {message}" if state == ERROR else message, file=sys.stderr, flush=True)

        return on_status

    readers = [
        ScannerReader(
            d.path, on_scan, status_printer(d.path), layout=args.layout, gap=(args.gap / 1000) or None, grab=args.grab
        )
        for d in chosen
    ]
    print(_("Scan a barcode; Ctrl-C stops."), file=sys.stderr, flush=True)
    try:
        for reader in readers:
            reader.start()
        while any(reader.is_alive() for reader in readers):
            readers[0].exit_event.wait(0.2)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how this command ends
    finally:
        for reader in readers:
            reader.exit_event.set()
        for reader in readers:
            reader.close()
    return 0
