"""People counters on a serial port: protocols that parse their lines, and a listener thread.

``CounterListener(port, on_reading, ...)`` reads in its own thread and calls plain
callbacks; the command line and the app decide what to do with a reading (the core's
``shoptui.services.visits.record_reading`` stores it).
"""

from .listener import DEFAULT_BAUD, CounterListener, CounterPortError, backoff_delays, describe_open_error
from .protocols import DEFAULT_PROTOCOL, PROTOCOLS, Protocol, PulseProtocol, Reading, TotalsProtocol, make_protocol

__all__ = [
    "CounterListener",
    "CounterPortError",
    "DEFAULT_BAUD",
    "DEFAULT_PROTOCOL",
    "PROTOCOLS",
    "Protocol",
    "PulseProtocol",
    "Reading",
    "TotalsProtocol",
    "backoff_delays",
    "describe_open_error",
    "make_protocol",
]
