"""Messages that carry results from worker threads back to the screens (post_message is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.message import Message

from shoptui.services.scans import Scan


@dataclass
class DirectoryPage(Message):
    """One page of directory rows, ready to show: (row key, cells) per customer.

    ``generation`` names the search it answers, so a late answer to an older query is dropped.
    """

    generation: int
    offset: int
    rows: list[tuple[str, tuple[Text, ...]]] = field(default_factory=list)
    has_more: bool = False


@dataclass
class DirectoryFailed(Message):
    """A directory search could not be done; ``reason`` is one sentence for the person at the till."""

    generation: int
    reason: str


@dataclass
class CardScanned(Message):
    """A barcode read by a scanner (``source``: "keyboard" for the terminal wedge, or a device).

    Post it to the app from anywhere (a device thread too: post_message is thread-safe).
    The app first offers it to the focused widget and its screen (``routed``), so a field
    waiting for a card (registration, "add a card") takes it; otherwise it reaches the app
    again and opens the customer, offers to register an unknown card, or says a withdrawn
    card is no longer valid.
    """

    barcode: str
    source: str = "keyboard"
    routed: bool = False
    # What the core's classifier made of it, when the terminal's scan detector already
    # asked (a device's scan is classified by the app): one lookup per scan.
    scan: Scan | None = None


@dataclass
class DeviceStatus(Message):
    """A device thread changed state: ``device`` is "scanner" or "counter"; ``message`` one sentence.

    Posted from the device's own thread; the app hands it to its device manager.
    """

    device: str
    state: str
    message: str = ""

    bubble = False  # the app hands it to the screens that watch devices; it must not come back


@dataclass
class ScannerTested(Message):
    """A scan taken by a screen that is testing the scanner, instead of opening a card."""

    barcode: str

    bubble = False  # for the testing screen only; the app would open the card
