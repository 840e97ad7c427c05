"""``shoptui counter listen --port DEVICE``: the people counter as a service of the shop PC."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from ..errors import UsageError
from ..i18n import _
from . import add_actions, add_command

log = logging.getLogger(__name__)

# Scripts and service managers wait for this line; it is not translated.
LISTENING_LINE = "listening on {port}"


def _baud(value: str) -> int:
    try:
        baud = int(value)
    except ValueError:
        baud = 0
    if baud <= 0:
        raise argparse.ArgumentTypeError(_("{value} is not a baud rate.").format(value=value))
    return baud


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "counter",
        run,
        _("the people counter on a serial port"),
        _(
            "Read a people counter on a serial port into the visitor counts. "
            "Example: shoptui counter listen --port /dev/ttyUSB0 --store MAIN"
        ),
    )
    actions = add_actions(parser)
    listen = add_command(
        actions,
        "listen",
        None,
        _("read the counter until stopped (SIGINT or SIGTERM)"),
        _(
            "Read the counter on DEVICE and store every reading in the hour it arrives. "
            "Prints 'listening on DEVICE' once the port is open; stops cleanly on SIGINT or SIGTERM. "
            "Example: shoptui counter listen --port /dev/serial/by-id/usb-FTDI_FT232R-if00-port0 --store MAIN"
        ),
    )
    listen.add_argument(
        "--port",
        required=True,
        metavar="DEVICE",
        help=_("serial device (/dev/ttyUSB0, COM3) or pyserial URL; prefer /dev/serial/by-id/…"),
    )
    listen.add_argument("--baud", type=_baud, default=9600, metavar="N", help=_("baud rate (default 9600)"))
    listen.add_argument(
        "--protocol",
        default="totals",
        metavar="NAME",
        help=_("what the counter sends: totals (IN=n;OUT=m, the default) or pulse (one line per visitor)"),
    )
    listen.add_argument("--store", metavar="CODE", help=_("the store the counter is in (default: the only store)"))
    listen.add_argument("--counter", metavar="NAME", help=_("the counter's name (default: the port)"))
    # Its own dest: a subcommand's default would overwrite the global -v.
    listen.add_argument("-v", "--verbose", dest="log_readings", action="store_true", help=_("log one line per reading"))


def run(args) -> int:
    from ..cli import device_module

    PROTOCOLS = device_module("counter").PROTOCOLS

    protocol = args.protocol.lower()
    if protocol not in PROTOCOLS:
        raise UsageError(
            _("Unknown counter protocol {name}; known: {known}.").format(
                name=args.protocol, known=", ".join(sorted(PROTOCOLS))
            )
        )
    # From here on a stop request is honoured, even one that comes while the database opens.
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda signum, frame: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _listen(args, protocol, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _listen(args, protocol: str, stop: threading.Event) -> int:
    from ..cli import device_module, open_db

    CounterListener = device_module("counter").CounterListener
    from ..services import stores, visits

    database = open_db(args)
    store = stores.get_store(args.store) if args.store else stores.default_store()
    counter = args.counter or args.port
    if args.log_readings or args.verbose:
        logging.getLogger().setLevel(logging.INFO)

    def on_reading(reading) -> None:
        # Called in the listener's thread, which gets its own connection.
        with database.connection_context():
            added = visits.record_reading(
                store.id,
                counter,
                reading.visitors_in,
                reading.visitors_out,
                at=reading.at,
                cumulative=reading.cumulative,
            )
        log.info(
            _("{counter} {line}: +{added_in} in, +{added_out} out, hour {hour}{reset}").format(
                counter=counter,
                line=reading.line,
                added_in=added.visitors_in,
                added_out=added.visitors_out,
                hour=added.hour.strftime("%Y-%m-%d %H:00"),
                reset=_(" (counter was reset)") if added.reset else "",
            )
        )

    def on_listening(port: str) -> None:
        print(LISTENING_LINE.format(port=port), file=sys.stderr, flush=True)

    if stop.is_set():
        return 0
    listener = CounterListener(args.port, on_reading, baudrate=args.baud, protocol=protocol, on_listening=on_listening)
    listener.start()
    try:
        # A timed wait, so that the signal handlers run promptly in this (main) thread.
        while not stop.wait(0.5) and listener.is_alive():
            pass
    finally:
        listener.close()
    return 1 if listener.failed else 0
