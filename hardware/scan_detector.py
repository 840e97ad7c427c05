"""Telling a keyboard-wedge scanner from a person typing, by timing alone. Pure logic.

A scanner "types" its barcode as a burst and ends it with Enter: in tmux its keys arrive
under 0.5 ms apart (a terminal may even hand the whole burst over in one read), while a
person's keys are 100 ms and more apart. The detector sits in front of the focused
widget and *holds back* characters that may start a scan:

- a character that could belong to a barcode is held; the next one within ``gap``
  seconds joins it, so a burst collects while hand typing never does;
- after ``gap`` seconds of silence the held characters are delivered as typed (a person
  sees each key ``gap`` late at most: 50 ms by default, below what anyone notices);
  a burst still going after ``hold_limit`` without Enter is a key held down, and its
  repeats then pass as they come;
- Enter right after a held burst makes it a *candidate*: ``timed`` when it has at least
  ``min_length`` characters and came within ``max_seconds`` from the first key to Enter
  (a scan by timing alone), or not timed (too short or too slow) — then only a lookup
  can tell whether it is a known card; until the caller answers with ``resume`` every
  further key is queued, so that nothing overtakes the burst.

Holding back was chosen over "insert at once, remove if it was a scan" because a scan's
characters never reach a widget at all: no search starts for half a barcode, no letter
of a barcode fires a key binding, and nothing must be undone in an unknown widget.

Keys are opaque ``items`` here (Textual events in the app, strings in tests); every
timestamp is given by the caller, in seconds on one clock, so all of it is testable
without a terminal or a real clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ENTER = "\n"

# Defaults of the shop settings scan_max_ms and scan_min_length.
DEFAULT_MAX_SECONDS = 0.100
DEFAULT_MIN_LENGTH = 6
# Scanners send a key every few ms, slow wireless ones about 20 ms; people 100 ms or more.
DEFAULT_GAP = 0.050
# A barcode is at most 64 characters (services.cards.clean_barcode); more is not a scan.
MAX_LENGTH = 64
# A burst still going after this long without Enter is a key held down (auto-repeat), not
# a scanner, even a slow one (13 characters at 30 ms is 0.4 s): let it through as it comes.
HOLD_LIMIT = 0.5


@dataclass(frozen=True)
class Deliver:
    """Hand these keys, in order, to the focused widget as if just typed."""

    items: tuple[Any, ...]


@dataclass(frozen=True)
class Candidate:
    """An Enter-terminated burst that may be a scan; ``items`` are its keys, Enter included.

    The caller answers by delivering the items or taking them as a scan, then calls
    ``resume`` so that keys queued meanwhile are processed.
    """

    text: str
    items: tuple[Any, ...]
    timed: bool


Action = Deliver | Candidate


def gap_for(max_seconds: float) -> float:
    """The silence that ends a burst, from the scan time setting: half of it, 20 to 50 ms."""
    return min(max(max_seconds / 2, 0.020), DEFAULT_GAP)


def may_be_scanned(char: str | None) -> bool:
    """Whether a key's character could be part of a barcode (one visible character)."""
    return char is not None and len(char) == 1 and char.isprintable() and not char.isspace()


class ScanDetector:
    """Feed every key with its time; act on the actions returned, in order."""

    def __init__(
        self,
        max_seconds: float = DEFAULT_MAX_SECONDS,
        min_length: int = DEFAULT_MIN_LENGTH,
        gap: float | None = None,
        max_length: int = MAX_LENGTH,
        hold_limit: float = HOLD_LIMIT,
    ):
        # 0 turns the timing rule off: then only known cards are scans.
        self.max_seconds = max(0.0, max_seconds)
        self.min_length = max(1, min_length)
        self.gap = gap if gap is not None else gap_for(self.max_seconds or DEFAULT_MAX_SECONDS)
        self.max_length = max_length
        self.hold_limit = hold_limit
        self._held: list[tuple[Any, str, float]] = []
        # While a held-down key repeats, its characters pass at once until a pause.
        self._streaming_since: float | None = None
        self._queue: list[tuple[Any, str | None, float]] = []
        self._waiting = False

    @property
    def waiting(self) -> bool:
        """A candidate is out for an answer; keys are queued until ``resume``."""
        return self._waiting

    @property
    def held(self) -> str:
        return "".join(char for _item, char, _t in self._held)

    @property
    def deadline(self) -> float | None:
        """When silence will deliver the held characters (None: nothing held)."""
        if not self._held or self._waiting:
            return None
        return self._held[-1][2] + self.gap

    def feed(self, item: Any, char: str | None, t: float) -> list[Action]:
        """One key: ``char`` is what it types (``ENTER`` for Enter, None for other keys)."""
        if self._waiting:
            self._queue.append((item, char, t))
            return []
        actions: list[Action] = []
        if self._held and t - self._held[-1][2] > self.gap:
            # A pause the timer did not get to report (a busy app): the held keys were typing.
            actions.append(self._release())
        if self._streaming_since is not None:
            if t - self._streaming_since <= self.gap and may_be_scanned(char):
                self._streaming_since = t
                return actions + [Deliver((item,))]
            self._streaming_since = None
        if char == ENTER:
            if not self._held:
                return actions + [Deliver((item,))]
            return actions + [self._candidate(item, t)]
        if not may_be_scanned(char):
            return actions + [Deliver(self._take() + (item,))]
        if len(self._held) >= self.max_length:
            actions.append(self._release())
        elif self._held and t - self._held[0][2] > self.hold_limit:
            actions.append(Deliver(self._take() + (item,)))
            self._streaming_since = t
            return actions
        self._held.append((item, char, t))
        return actions

    def expire(self, t: float) -> list[Action]:
        """The timer: deliver the held characters once ``gap`` has passed since the last."""
        deadline = self.deadline
        if deadline is None or t < deadline:
            return []
        return [self._release()]

    def resume(self) -> list[Action]:
        """The candidate was answered: go on with the keys that came meanwhile."""
        self._waiting = False
        queued, self._queue = self._queue, []
        actions: list[Action] = []
        for item, char, t in queued:
            actions.extend(self.feed(item, char, t))
        return actions

    def _candidate(self, enter: Any, t: float) -> Candidate:
        first = self._held[0][2]
        text = self.held
        timed = bool(self.max_seconds) and len(text) >= self.min_length and t - first <= self.max_seconds
        items = self._take() + (enter,)
        self._waiting = True
        return Candidate(text, items, timed)

    def _take(self) -> tuple[Any, ...]:
        items = tuple(item for item, _char, _t in self._held)
        self._held = []
        return items

    def _release(self) -> Deliver:
        return Deliver(self._take())


# -- keyboard layouts ----------------------------------------------------------------------
#
# A scanner sends key positions; the computer turns them into characters with its active
# layout. Barcodes are ASCII, so a scan typed through a Russian layout arrives as Cyrillic
# letters, and through a German one with y and z swapped and symbols moved. These tables
# give, for each character such a layout types, what the same key types on a US layout.

_US = "`qwertyuiop[]asdfghjkl;'zxcvbnm,./" + '~QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>?' + "@#$^&"
_RU = "ёйцукенгшщзхъфывапролджэячсмитьбю." + "ЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ," + '"№;:?'
RU_TO_US = str.maketrans(_RU, _US)

_DE = "yzYZß´ü+öä#-Ü*ÖÄ';:_\"§&/()=?`°^"
_DE_US = "zyZY-=[];'\\/{}:\"|<>?@#^&*()_+~`"
DE_TO_US = str.maketrans(_DE, _DE_US)

_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Characters only a German layout types where a US one would type ASCII.
_GERMAN_ONLY = re.compile("[ßüöäÜÖÄ§´°]")


def us_candidates(text: str) -> list[str]:
    """What a scan may have meant, most likely first, for a lookup to try in turn.

    Cyrillic letters can only come from a Russian layout and German letters only from a
    German one: then the mapped text is the only reading. Otherwise the text as it came
    is first; when it holds y or z, the German reading (y and z swapped) comes second,
    because a German layout types plain ASCII for letters and digits.
    """
    if _CYRILLIC.search(text):
        return [text.translate(RU_TO_US)]
    if _GERMAN_ONLY.search(text):
        return [text.translate(DE_TO_US)]
    found = [text]
    if any(c in "yzYZ" for c in text):
        german = text.translate(DE_TO_US)
        if german != text:
            found.append(german)
    return found
