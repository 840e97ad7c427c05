"""A thread that reads a people counter on a serial port and hands on its readings.

``CounterListener`` opens the port with pyserial (a device path, a COM port or a pyserial
URL), feeds what it reads to a protocol and calls ``on_reading(reading)`` for each
reading, in its own thread, before it reads on; a lost port is reopened with back-off.
It knows nothing of the database or of screens: callers decide what a reading means.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable, Iterator

import serial

from shoptui import clock
from shoptui.errors import ShopError
from shoptui.i18n import _

from .protocols import DEFAULT_PROTOCOL, Protocol, Reading, make_protocol

log = logging.getLogger(__name__)

DEFAULT_BAUD = 9600
READ_TIMEOUT = 0.25  # how soon the thread notices close() when the port is silent

# States reported through on_status.
LISTENING, LOST, WAITING, ERROR, CLOSED = "listening", "lost", "waiting", "error", "closed"


class CounterPortError(ShopError):
    """The counter's port cannot be opened (missing, busy, not permitted)."""


def backoff_delays(first: float = 0.5, most: float = 10.0) -> Iterator[float]:
    """0.5, 1, 2, 4, 8, 10, 10, ... seconds: quick for a loose plug, calm for a long outage."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, most)


def describe_open_error(port: str, exc: BaseException) -> str:
    """One sentence on why ``port`` did not open, saying what to do where we can tell."""
    text = str(exc)
    code = getattr(exc, "errno", None)
    if "exclusively lock" in text or "Access is denied" in text or code in (errno.EBUSY, errno.EAGAIN):
        # Linux: another listener holds pyserial's lock; Windows: a COM port opens only once.
        return _(
            "The port {port} is in use by another program (another counter listener, or the app); stop that one first."
        ).format(port=port)
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or "FileNotFoundError" in text:
        return _("There is no port {port}; check the cable and the device name.").format(port=port)
    if code in (errno.EACCES, errno.EPERM):
        return _(
            "You may not open the port {port}; add the user to the group that owns it (dialout on most Linux systems) and log in again."
        ).format(port=port)
    reason = getattr(exc, "strerror", None) or text
    return _("Cannot open the port {port}: {reason}").format(port=port, reason=reason)


class CounterListener:
    """Owns the port and the reading thread: ``start()``, then ``close()``.

    Callbacks run in the reading thread: ``on_reading(reading)`` for every reading,
    ``on_listening(port)`` each time the port is (re)opened, ``on_status(state, message)``
    on every change of state (listening, lost, waiting, error, closed).
    """

    def __init__(
        self,
        port: str,
        on_reading: Callable[[Reading], None],
        *,
        baudrate: int = DEFAULT_BAUD,
        protocol: str | Protocol = DEFAULT_PROTOCOL,
        on_listening: Callable[[str], None] | None = None,
        on_status: Callable[[str, str], None] | None = None,
        backoff_first: float = 0.5,
        backoff_most: float = 10.0,
        open_port: Callable[..., serial.SerialBase] | None = None,
    ):
        self.port = port
        self.baudrate = baudrate
        self.protocol = make_protocol(protocol) if isinstance(protocol, str) else protocol
        self.on_reading = on_reading
        self.on_listening = on_listening
        self.on_status = on_status
        self.backoff_first = backoff_first
        self.backoff_most = backoff_most
        self._open_port = open_port or serial.serial_for_url
        self._serial: serial.SerialBase | None = None
        self._exit = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = CLOSED
        self.last_error = ""
        self.failed = False  # the thread ended on an unexpected error, not on close()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, wait_for_port: bool = False) -> None:
        """Open the port and start reading.

        Unless ``wait_for_port``, the port is opened here, so that a port that cannot be
        opened raises ``CounterPortError`` to the caller instead of being retried for ever.
        """
        if not wait_for_port:
            try:
                self._open()
            except (serial.SerialException, OSError, ValueError) as exc:
                raise CounterPortError(describe_open_error(self.port, exc)) from exc
        self._thread = threading.Thread(target=self.run, name=f"counter {self.port}", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        """Stop reading (a reading being stored is stored first) and release the port."""
        self._exit.set()
        port = self._serial
        if port is not None and hasattr(port, "cancel_read"):
            try:
                port.cancel_read()
            except (serial.SerialException, OSError, ValueError):
                pass  # the port went away meanwhile; the thread notices the exit anyway
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the reading thread ----------------------------------------------------------------

    def run(self) -> None:
        """Read until ``close()``; reopen a lost port with back-off. Blocks the caller."""
        delays: Iterator[float] | None = None
        try:
            while not self._exit.is_set():
                if self._serial is None:
                    try:
                        self._open()
                    except (serial.SerialException, OSError, ValueError) as exc:
                        delays = delays or backoff_delays(self.backoff_first, self.backoff_most)
                        self._wait_after(WAITING, describe_open_error(self.port, exc), next(delays))
                        continue
                delays = None
                try:
                    data = self._serial.read(self._serial.in_waiting or 1)
                except (serial.SerialException, OSError) as exc:
                    self._drop_port()
                    delays = backoff_delays(self.backoff_first, self.backoff_most)
                    message = _("Lost the counter on {port}: {reason}").format(port=self.port, reason=exc)
                    self._wait_after(LOST, message, next(delays))
                    continue
                if data:
                    # Every reading of the chunk is handed on, even after close(): it is in hand.
                    for reading in self.protocol.feed(data, at=clock.now()):
                        self._deliver(reading)
        except Exception as exc:  # a bug must end in one sentence, not a thread traceback
            log.debug("counter listener failed", exc_info=True)
            self.last_error = _("The counter listener on {port} stopped: {error}").format(
                port=self.port, error=f"{type(exc).__name__}: {exc}"
            )
            log.error(self.last_error)
            self.failed = True
        finally:
            self._drop_port()
            message = _("Stopped listening on {port}.").format(port=self.port)
            log.info(message)
            self._set_state(CLOSED, message)

    def _open(self) -> None:
        # exclusive: pyserial's lock on POSIX, so the app and a service never share a port
        # (a COM port on Windows is exclusive anyway).
        port = self._open_port(self.port, baudrate=self.baudrate, timeout=READ_TIMEOUT, exclusive=True)
        try:
            # Bytes that arrived before we listened belong to no reading we can place in time.
            port.reset_input_buffer()
        except (serial.SerialException, OSError):
            port.close()
            raise
        self.protocol.reset()
        self._serial = port
        was = self.state
        self._set_state(LISTENING, _("listening on {port}").format(port=self.port))
        if was in (LOST, WAITING):
            log.warning(_("The counter on {port} is back.").format(port=self.port))
        if self.on_listening is not None:
            self.on_listening(self.port)

    def _drop_port(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                pass  # it is already gone, which is why we drop it

    def _wait_after(self, state: str, message: str, delay: float) -> None:
        if self.state != state:
            # Logged once per outage, not once per retry: the journal stays readable.
            log.warning(message)
        self.last_error = message
        self._set_state(state, message)
        self._exit.wait(delay)

    def _deliver(self, reading: Reading) -> None:
        try:
            self.on_reading(reading)
            if self.state == ERROR:
                self._set_state(LISTENING, _("listening on {port}").format(port=self.port))
        except Exception as exc:  # a failed store must not stop the counter
            # With the totals protocol nothing is lost: the next reading's increase is
            # taken over the last reading that was stored, so it includes this one.
            message = _("Could not store the reading {line!r}: {error}").format(line=reading.line, error=exc)
            log.error(message)
            self.last_error = message
            self._set_state(ERROR, message)

    def _set_state(self, state: str, message: str) -> None:
        self.state = state
        if self.on_status is not None:
            try:
                self.on_status(state, message)
            except Exception:  # a display's trouble is no reason to stop counting
                log.exception("counter status callback failed")
