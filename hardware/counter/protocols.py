"""What people counters say on the wire, as readings.

A counter speaks ASCII lines ending in ``\\n`` (a ``\\r`` before it is ignored). A
``Protocol`` is fed the bytes as they come off the port, in pieces of any size, and
returns the readings of the lines it completed; anything else is logged and skipped.
A new counter model is one subclass with a ``parse_line`` and an entry in ``PROTOCOLS``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace

from shoptui.i18n import _

log = logging.getLogger(__name__)

# No counter line comes near this; a longer run without a newline is noise on the line.
MAX_LINE = 256


@dataclass(frozen=True)
class Reading:
    """One reading: cumulative totals since power-on, or (``cumulative=False``) visitors as such."""

    visitors_in: int
    visitors_out: int | None = None
    cumulative: bool = True
    line: str = ""
    at: dt.datetime | None = None  # when it arrived; set by whoever fed the bytes


class Protocol:
    """Splits the byte stream into lines and turns each into a reading (or skips it)."""

    name = ""

    def __init__(self, max_line: int = MAX_LINE):
        self.max_line = max_line
        self._buffer = bytearray()
        self._skipping = False  # inside an over-long line: drop up to its newline

    def feed(self, data: bytes, at: dt.datetime | None = None) -> list[Reading]:
        """The readings completed by ``data``; a partial line waits for the rest."""
        readings = []
        self._buffer.extend(data)
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                break
            raw = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            if self._skipping:
                self._skipping = False
                continue
            reading = self._line(raw)
            if reading is not None:
                readings.append(reading if at is None else replace(reading, at=at))
        if len(self._buffer) > self.max_line + 1:  # + 1: room for the line's \r
            if not self._skipping:
                log.warning(_("Skipped a line longer than {n} bytes from the counter.").format(n=self.max_line))
            self._skipping = True
            self._buffer.clear()
        return readings

    def reset(self) -> None:
        """Forget a partial line (the port was reopened: its rest will never come)."""
        self._buffer.clear()
        self._skipping = False

    def _line(self, raw: bytes) -> Reading | None:
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if len(raw) > self.max_line:
            log.warning(_("Skipped a line longer than {n} bytes from the counter.").format(n=self.max_line))
            return None
        try:
            text = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            text = None
        if text == "":
            return None  # blank lines separate, they say nothing
        reading = None if text is None else self.parse_line(text)
        if reading is None:
            log.warning(
                _("Skipped a line that is not a {name} reading: {line!r}").format(
                    name=self.name, line=raw.decode("ascii", "backslashreplace")[:80]
                )
            )
        return reading

    def parse_line(self, line: str) -> Reading | None:
        """The reading of one stripped, non-empty line, or None when it is not one."""
        raise NotImplementedError


class TotalsProtocol(Protocol):
    """``IN=<n>;OUT=<m>``: cumulative counts since power-on; OUT optional, keys in any case."""

    name = "totals"
    _pair = re.compile(r"\s*([A-Za-z]+)\s*=\s*([0-9]{1,18})\s*")

    def parse_line(self, line: str) -> Reading | None:
        values: dict[str, int] = {}
        parts = line.split(";")
        if parts[-1].strip() == "":
            parts.pop()  # a trailing ";"
        for part in parts:
            match = self._pair.fullmatch(part)
            if match is None:
                return None
            key = match.group(1).upper()
            if key not in ("IN", "OUT") or key in values:
                return None
            values[key] = int(match.group(2))
        if "IN" not in values:
            return None
        return Reading(values["IN"], values.get("OUT"), cumulative=True, line=line)


class PulseProtocol(Protocol):
    """Every non-empty line is one visitor in (a beam that prints on each break)."""

    name = "pulse"

    def parse_line(self, line: str) -> Reading | None:
        return Reading(1, None, cumulative=False, line=line)


PROTOCOLS: dict[str, type[Protocol]] = {cls.name: cls for cls in (TotalsProtocol, PulseProtocol)}
DEFAULT_PROTOCOL = TotalsProtocol.name


def make_protocol(name: str) -> Protocol:
    try:
        return PROTOCOLS[name.lower()]()
    except KeyError:
        raise LookupError(name) from None
