"""Characters assembled into scans: a scan ends on Enter or Tab, or after a gap of silence.

Pure logic with explicit timestamps (seconds, any clock as long as it is one clock), so
every timing case is testable without a device.
"""

from __future__ import annotations

from .keymap import ENTER, TAB

# Scanners type a code within a few milliseconds per key; a human pause is far longer.
DEFAULT_GAP = 0.05


class ScanAssembler:
    """Collects characters fed with their timestamps and returns the scans they complete.

    ``gap``: seconds of silence that end a scan (None: only a terminator ends one).
    ``min_length``: shorter scans are dropped (a stray key is not a scan).
    ``max_length``: a runaway scan is cut, so a key held in the terminal cannot grow it forever.
    """

    def __init__(
        self,
        gap: float | None = DEFAULT_GAP,
        *,
        terminators: str = ENTER + TAB,
        min_length: int = 1,
        max_length: int = 4096,
    ):
        self.gap = gap
        self.terminators = frozenset(terminators)
        self.min_length = max(1, min_length)
        self.max_length = max_length
        self.reset()

    def reset(self) -> None:
        self._chars: list[str] = []
        self._last: float | None = None

    @property
    def pending(self) -> str:
        return "".join(self._chars)

    @property
    def deadline(self) -> float | None:
        """When silence will end the scan being typed (None: nothing pending or no gap)."""
        if not self._chars or self.gap is None or self._last is None:
            return None
        return self._last + self.gap

    def feed(self, text: str, timestamp: float) -> list[str]:
        """Add the characters typed at ``timestamp``; returns the scans completed (usually none)."""
        scans: list[str] = []
        for char in text:
            if self._chars and self.gap is not None and self._last is not None and timestamp - self._last >= self.gap:
                self._emit(scans)
            if char in self.terminators:
                self._emit(scans)
                continue
            self._chars.append(char)
            self._last = timestamp
            if len(self._chars) >= self.max_length:
                self._emit(scans)
        return scans

    def poll(self, now: float) -> str | None:
        """The pending scan if ``now`` is past its gap of silence, else None."""
        deadline = self.deadline
        if deadline is None or now < deadline:
            return None
        return self.flush()

    def flush(self) -> str | None:
        """End the pending scan now (None if there is none or it is too short)."""
        scans: list[str] = []
        self._emit(scans)
        return scans[0] if scans else None

    def _emit(self, scans: list[str]) -> None:
        text = "".join(self._chars)
        self.reset()
        if len(text) >= self.min_length:
            scans.append(text)
