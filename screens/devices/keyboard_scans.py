"""The scan detector wired in front of every screen's focused widget.

Textual hands each key from the terminal to ``App.on_event`` before the focused widget
sees it (a focused ``Input`` would swallow a scan's characters otherwise); ShopApp gives
every fresh key to ``KeyboardScans.key`` and nothing else. Keys the detector releases go
on their normal way (priority bindings, then the focused widget) through ``deliver``.

A candidate burst is looked up in a worker; until the answer, later keys wait in the
detector's queue, so typing never overtakes a scan. With the answer:

- anything the shop knows (a card, held or withdrawn, a gift card, a voucher, a
  product, a customer code, a receipt number): a ``CardScanned`` message carrying what
  the classifier said, so nobody looks it up again;
- an unknown text that came as a scan by timing: ``CardScanned`` too (the app offers to
  register it as a card), unless it reads as a phone number, or cannot be a card of this
  shop while a field that takes typed codes has the focus: then it was typing (a phone pasted with its line
  break, a number typed fast), so its characters are typed and the Enter dropped (in the
  directory an Enter would open whichever row was highlighted before the search ran);
- anything else (short or slow, and no card): the keys as they were typed, Enter included.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable

from textual import events
from textual.timer import Timer
from textual.widgets import Input

from hardware.scan_detector import ENTER, Candidate, Deliver, ScanDetector
from shoptui.services.scans import Scan

from ..db_work import run_db
from .scan_lookup import lookup

# The class of an Input that takes codes typed fast (a receipt number): an unknown burst
# there that cannot be a card is what was typed, not a scan.
TYPED_CODES = "typed-codes"

# The clock Textual stamps ``Message.time`` with (textual/_time.py, not exported):
# perf_counter on Windows, monotonic elsewhere.
get_time = time.perf_counter if sys.platform == "win32" else time.monotonic

# Keys that end a scan: scanners send CR (Enter) by default, some LF (Ctrl+J).
TERMINATORS = ("enter", "ctrl+j")


class KeyboardScans:
    def __init__(
        self,
        app,
        detector: ScanDetector,
        deliver: Callable[[events.Key], Awaitable[None]],
        on_scan: Callable[[str, Scan | None], None],
        clock: Callable[[], float] = get_time,
        settle: Callable[[], Awaitable[None]] | None = None,
    ):
        self.app = app
        self.detector = detector
        self.deliver = deliver
        self.on_scan = on_scan
        # The clock of event.time; tests may give their own with events stamped on it.
        self.clock = clock
        self.settle = settle
        self._timer: Timer | None = None

    async def key(self, event: events.Key) -> None:
        char = ENTER if event.key in TERMINATORS else event.character
        await self._act(self.detector.feed(event, char, event.time))
        self._arm()

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        deadline = self.detector.deadline
        if deadline is not None:
            # Never 0: Textual's timer divides by its delay.
            self._timer = self.app.set_timer(max(0.001, deadline - self.clock()), self._expired, name="scan-gap")

    async def _expired(self) -> None:
        self._timer = None
        await self._act(self.detector.expire(self.clock()))
        self._arm()

    async def _act(self, actions) -> None:
        for action in actions:
            if isinstance(action, Deliver):
                await self._deliver_all(action.items)
            elif isinstance(action, Candidate):
                self._look_up(action)

    def _look_up(self, candidate: Candidate) -> None:
        run_db(
            self.app,
            lookup,
            candidate.text,
            group="scan",
            on_done=lambda outcome: self._answered(candidate, outcome),
            on_error=lambda _exc: self._answered(candidate, None),
        )

    async def _answered(self, candidate: Candidate, outcome: Scan | None) -> None:
        if outcome is None:  # the database could not say: a timed burst is still a scan
            if candidate.timed:
                self.on_scan(candidate.text, None)
            else:
                await self._deliver_all(candidate.items)
        elif outcome.kind != "unknown" or (candidate.timed and not outcome.phone_like and not self._typing(outcome)):
            self.on_scan(outcome.code, outcome)
        elif candidate.timed:
            await self._deliver_all(candidate.items[:-1])
        else:
            await self._deliver_all(candidate.items)
        await self._act(self.detector.resume())
        self._arm()

    def _typing(self, outcome: Scan) -> bool:
        """An unknown burst that cannot be a card of this shop, into a field that takes
        typed codes (a receipt number typed fast): typed text. Elsewhere it stays a scan,
        so an unknown product's barcode never lands in a money field."""
        focused = self.app.focused
        return outcome.new_card_refusal is not None and isinstance(focused, Input) and focused.has_class(TYPED_CODES)

    async def _deliver_all(self, items) -> None:
        # Held keys go to the focused widget's queue; a key after them may be a priority
        # binding that the app runs at once (Ctrl+S reads the form): let the widget take
        # each key before the next one is handed over.
        for index, event in enumerate(items):
            await self.deliver(event)
            if self.settle is not None and index < len(items) - 1:
                await self.settle()
