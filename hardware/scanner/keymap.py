"""Key events of a keyboard-wedge scanner turned back into the characters it meant to type.

A scanner "types" through the host's keyboard layout, so decoding needs the layout the
scanner was set up for: the US one by default, German QWERTZ (y/z swapped, symbols
elsewhere) as the common alternative. Layouts are plain tables so another one is a
dictionary, not code.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from evdev import ecodes

from shoptui.errors import ValidationError
from shoptui.i18n import _

# What the decoder returns for the keys that end a scan; the assembler knows them as terminators.
ENTER = "\n"
TAB = "\t"

KEY_PRESS, KEY_RELEASE, KEY_HOLD = 1, 0, 2

_SHIFT = {ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT}
_CTRL = {ecodes.KEY_LEFTCTRL, ecodes.KEY_RIGHTCTRL}
_ALTGR = ecodes.KEY_RIGHTALT
_ALT = ecodes.KEY_LEFTALT
_ENDS = {ecodes.KEY_ENTER: ENTER, ecodes.KEY_KPENTER: ENTER, ecodes.KEY_TAB: TAB}
_KEYPAD_DIGITS = {getattr(ecodes, f"KEY_KP{d}"): str(d) for d in range(10)}


@dataclass(frozen=True)
class Layout:
    """Characters per evdev key code: without modifier, with Shift, with AltGr."""

    name: str
    plain: Mapping[int, str]
    shifted: Mapping[int, str]
    altgr: Mapping[int, str] = field(default_factory=dict)


def _table(rows: str) -> tuple[dict[int, str], dict[int, str]]:
    """Rows of ``KEY_NAME plain shifted``; the characters are written literally."""
    plain, shifted = {}, {}
    for line in rows.strip().splitlines():
        key, lower, upper = line.split()
        code = getattr(ecodes, key)
        plain[code], shifted[code] = lower, upper
    return plain, shifted


def _letters(swap_yz: bool = False) -> tuple[dict[int, str], dict[int, str]]:
    plain, shifted = {}, {}
    for letter in string.ascii_lowercase:
        code = getattr(ecodes, f"KEY_{letter.upper()}")
        if swap_yz and letter in "yz":
            letter = "z" if letter == "y" else "y"
        plain[code], shifted[code] = letter, letter.upper()
    return plain, shifted


# Keys that type the same on every layout here (the keypad assumes NumLock on, as scanners do).
_COMMON_PLAIN = {
    ecodes.KEY_SPACE: " ",
    ecodes.KEY_KPSLASH: "/",
    ecodes.KEY_KPASTERISK: "*",
    ecodes.KEY_KPMINUS: "-",
    ecodes.KEY_KPPLUS: "+",
    ecodes.KEY_KPEQUAL: "=",
    ecodes.KEY_KPCOMMA: ",",
    **_KEYPAD_DIGITS,
}

_US_SYMBOLS = r"""
KEY_GRAVE ` ~
KEY_1 1 !
KEY_2 2 @
KEY_3 3 #
KEY_4 4 $
KEY_5 5 %
KEY_6 6 ^
KEY_7 7 &
KEY_8 8 *
KEY_9 9 (
KEY_0 0 )
KEY_MINUS - _
KEY_EQUAL = +
KEY_LEFTBRACE [ {
KEY_RIGHTBRACE ] }
KEY_BACKSLASH \ |
KEY_SEMICOLON ; :
KEY_APOSTROPHE ' "
KEY_COMMA , <
KEY_DOT . >
KEY_SLASH / ?
KEY_102ND \ |
"""

_DE_SYMBOLS = r"""
KEY_GRAVE ^ °
KEY_1 1 !
KEY_2 2 "
KEY_3 3 §
KEY_4 4 $
KEY_5 5 %
KEY_6 6 &
KEY_7 7 /
KEY_8 8 (
KEY_9 9 )
KEY_0 0 =
KEY_MINUS ß ?
KEY_EQUAL ´ `
KEY_LEFTBRACE ü Ü
KEY_RIGHTBRACE + *
KEY_BACKSLASH # '
KEY_SEMICOLON ö Ö
KEY_APOSTROPHE ä Ä
KEY_COMMA , ;
KEY_DOT . :
KEY_SLASH - _
KEY_102ND < >
"""

_DE_ALTGR = r"""
KEY_Q @
KEY_E €
KEY_2 ²
KEY_3 ³
KEY_7 {
KEY_8 [
KEY_9 ]
KEY_0 }
KEY_MINUS \
KEY_RIGHTBRACE ~
KEY_102ND |
KEY_M µ
"""


def _layout(name: str, symbols: str, swap_yz: bool = False, altgr: str = "", keypad_decimal: str = ".") -> Layout:
    plain, shifted = _letters(swap_yz)
    sym_plain, sym_shifted = _table(symbols)
    plain |= sym_plain | _COMMON_PLAIN | {ecodes.KEY_KPDOT: keypad_decimal}
    shifted |= sym_shifted | {ecodes.KEY_SPACE: " "}
    altgr_table = {getattr(ecodes, key): char for key, char in (line.split() for line in altgr.strip().splitlines())}
    return Layout(name, plain, shifted, altgr_table)


LAYOUTS: dict[str, Layout] = {
    "us": _layout("us", _US_SYMBOLS),
    "de": _layout("de", _DE_SYMBOLS, swap_yz=True, altgr=_DE_ALTGR, keypad_decimal=","),
}


def layout(name: str | Layout) -> Layout:
    """The layout called ``name`` (``us``, ``de``); a ``Layout`` is returned as it is."""
    if isinstance(name, Layout):
        return name
    try:
        return LAYOUTS[name.lower()]
    except KeyError:
        raise ValidationError(
            _("Unknown keyboard layout {name}; known: {known}.").format(name=name, known=", ".join(sorted(LAYOUTS)))
        ) from None


class KeyDecoder:
    """Turns a device's key events into text, one event at a time, keeping modifier state.

    Key repeats (value 2) are ignored: a scanner never holds a key, so a repeat can only
    come from a stuck or human-held key and would duplicate a character of the code.
    """

    def __init__(self, keyboard_layout: str | Layout = "us"):
        self.layout = layout(keyboard_layout)
        self.reset()

    def reset(self) -> None:
        """Forget held modifiers, e.g. after the device was unplugged mid-scan."""
        self._shift: set[int] = set()
        self._ctrl: set[int] = set()
        self._altgr = False
        self._alt = False
        self._capslock = False
        self._alt_digits = ""

    def feed(self, event) -> str | None:
        """The text this event types (a character, ``ENTER`` or ``TAB``), or None."""
        if event.type != ecodes.EV_KEY or event.value == KEY_HOLD:
            return None
        code, pressed = event.code, event.value == KEY_PRESS
        if code in _SHIFT:
            (self._shift.add if pressed else self._shift.discard)(code)
            return None
        if code in _CTRL:
            (self._ctrl.add if pressed else self._ctrl.discard)(code)
            return None
        if code == _ALTGR:
            self._altgr = pressed
            return None
        if code == _ALT:
            self._alt = pressed
            return None if pressed else self._finish_alt_code()
        if not pressed:
            return None
        if code == ecodes.KEY_CAPSLOCK:
            self._capslock = not self._capslock
            return None
        if code in _ENDS:
            return _ENDS[code]
        if self._alt and code in _KEYPAD_DIGITS:
            # Scanners in "ALT mode" type every character as Alt + its code on the keypad,
            # which works whatever the host's layout is.
            self._alt_digits += _KEYPAD_DIGITS[code]
            return None
        return self._character(code)

    def _character(self, code: int) -> str | None:
        table = self.layout
        if self._altgr or (self._alt and self._ctrl):
            # Scanners without a right Alt key send AltGr as Ctrl+Alt, as Windows reads it.
            return table.altgr.get(code)
        if self._alt:
            return None  # Alt+key is a shortcut, not text
        char = table.plain.get(code)
        if char is None:
            return None
        if self._ctrl:
            # Ctrl+letter is how scanners send control codes, e.g. Ctrl+] = GS, the GS1 separator.
            upper = char.upper()
            return chr(ord(upper) & 0x1F) if upper in string.ascii_uppercase + "@[\\]^_" else None
        shifted = bool(self._shift)
        if self._capslock and char.isalpha():
            shifted = not shifted
        return table.shifted.get(code, char) if shifted else char

    def _finish_alt_code(self) -> str | None:
        digits, self._alt_digits = self._alt_digits, ""
        if not digits:
            return None
        number = int(digits)
        if number < 256:
            # Windows' convention, which scanners follow: a leading 0 means the ANSI code
            # page (cp1252), without it the OEM one (cp437); both agree on printable ASCII.
            if number < 32:
                return chr(number)
            return bytes([number]).decode("cp1252" if digits.startswith("0") else "cp437", errors="replace")
        return chr(number) if number < 0x110000 else None


def decode(events, keyboard_layout: str | Layout = "us") -> str:
    """All the text a sequence of events types (a convenience for tests and tools)."""
    decoder = KeyDecoder(keyboard_layout)
    return "".join(text for text in map(decoder.feed, events) if text)
