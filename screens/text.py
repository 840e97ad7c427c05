"""User text on screen, safely: ``Text``/``Content`` objects, never markup.

Whatever a name holds (``[/]``, ``[bold]``, an escape sequence, 5,000 characters, emoji,
right-to-left script) is shown literally: markup is never parsed, and characters that
would drive the terminal instead of being drawn are replaced by visible stand-ins.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from babel.dates import format_skeleton, format_time
from babel.numbers import format_decimal, format_percent
from rich.text import Text
from textual.content import Content

from shoptui import phones
from shoptui.money import format_money
from shoptui.textsafe import show_hidden

# C0 controls, DEL and C1 controls would reach the terminal as commands (ESC starts an
# escape sequence); lone surrogates cannot be written out at all. Bidi controls and
# zero-width characters (which would reorder a row or hide text) are shown as stand-ins by
# the one rule of shoptui.textsafe. RTL letters themselves are left alone.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _stand_in(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC, ␊ for LF
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def printable(value: object) -> str:
    """``value`` as a string that draws as itself, one character per character."""
    return show_hidden(_UNSAFE.sub(_stand_in, "" if value is None else str(value)))


def plain(value: object, max_cells: int | None = None, justify: str = "left") -> Text:
    """A rich ``Text`` (what DataTable cells take) of user text, cut with … past ``max_cells``."""
    text = Text(printable(value), no_wrap=True, overflow="ellipsis", end="", justify=justify)
    if max_cells is not None and text.cell_len > max_cells:
        text.truncate(max_cells, overflow="ellipsis")
    return text


def content(value: object) -> Content:
    """A Textual ``Content`` (what Static and Label take) of user text; never parsed as markup."""
    return Content(printable(value))


def content_lines(lines) -> Content:
    """Several lines of user text as one ``Content``, each safe as ``content`` makes it, with
    real line breaks between them (``content`` of the joined text would draw them as ␊)."""
    return Content("\n").join(content(line) for line in lines)


@dataclass(frozen=True)
class Formats:
    """How the shop's money, numbers, dates and phones read in the interface language.

    Built once by the app factory, so no screen reads settings from the UI thread.
    """

    currency: str
    region: str
    locale: str

    def money(self, minor: int) -> Text:
        return plain(format_money(minor, self.currency, self.locale), justify="right")

    def number(self, value: int) -> Text:
        return plain(format_decimal(value, locale=self.locale), justify="right")

    def date(self, value: dt.date | dt.datetime | None) -> Text:
        if value is None:
            return plain("")
        day = value.date() if isinstance(value, dt.datetime) else value
        return plain(self._day(day))

    def datetime(self, value: dt.datetime | None) -> Text:
        if value is None:
            return plain("")
        return plain(f"{self._day(value.date())} {format_time(value, format='short', locale=self.locale)}")

    def _day(self, day: dt.date) -> str:
        # The locale's numeric order with the full year: a birthday in 1998 must not read
        # as "4/2/98" (Babel's "short" pattern for Vietnamese), which a cashier may misread.
        return format_skeleton("yMd", day, locale=self.locale)

    def signed_number(self, value: int) -> Text:
        """A ledger change: + for what is added, as the till shows it."""
        sign = "+" if value > 0 else ""
        return plain(sign + format_decimal(value, locale=self.locale), justify="right")

    def signed_money(self, minor: int) -> Text:
        sign = "+" if minor > 0 else ""
        return plain(sign + format_money(minor, self.currency, self.locale), justify="right")

    def percent(self, basis_points: int) -> Text:
        """A discount kept in hundredths of a percent (500: 5%)."""
        return plain(format_percent(Decimal(basis_points) / 10000, format="#,##0.##%", locale=self.locale))

    def phone(self, e164: str | None, typed: str = "") -> Text:
        """The national form for numbers of the shop's country; as typed when unreadable."""
        return plain(phones.display(e164, self.region) if e164 else typed)
