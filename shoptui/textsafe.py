"""Invisible formatting characters: the one rule for text that could be shown as something else.

A right-to-left override (U+202E) turns "Nguyễn‮gnuH" into a name that reads differently
from what is stored; bidi embeddings and isolates reorder the rest of a line or a table
row; zero-width characters and bidi marks make two different names look the same (a
duplicate that search and the phone check cannot see) or hide text in a name.

The rule (README, "Text that is kept"): **these characters are removed where text enters**
(``services.customers.clean_text``, which every service and the importer use for what a
person types or a file holds), so that what is stored is exactly what is kept and every
export gives it back byte for byte. Removing them changes nothing a reader sees: they
draw nothing themselves. The one exception is a zero-width joiner between two emoji, which
builds one emoji out of several (👨‍👩‍👧); there it draws as part of the emoji and is kept.

Every display (the screens through ``screens.text``, the terminal's report tables, one-line
messages) also shows any such character still present (text stored before this rule, or
from a path that is not an entry, such as a file name) as a visible stand-in, so that
nothing can be displayed spoofed whatever the database holds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Bidi embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Zero-width space, non-joiner, joiner, the LRM/RLM marks, word joiner and invisible
# operators, the Arabic letter mark, the Mongolian vowel separator and the byte order mark
# (zero-width no-break space) inside text.
ZERO_WIDTH = "\u200b-\u200f\u2060-\u2064\u061c\u180e\ufeff"
HIDDEN_CLASS = BIDI_CONTROLS + ZERO_WIDTH
_HIDDEN = re.compile(f"[{HIDDEN_CLASS}]")

ZWJ = "\u200d"
_EMOJI_TAIL = {"\ufe0f"}  # the emoji presentation selector, which may stand before a ZWJ


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk") or char in _EMOJI_TAIL


def _replace_hidden(text: str, stand_in: str | Callable[[str], str]) -> str:
    def replace(match: re.Match) -> str:
        at = match.start()
        if (
            match.group() == ZWJ
            and 0 < at < len(text) - 1
            and _is_emoji(text[at - 1])
            and unicodedata.category(text[at + 1]) == "So"
        ):
            return ZWJ  # part of an emoji sequence: it draws as the emoji
        return stand_in if isinstance(stand_in, str) else stand_in(match.group())

    return _HIDDEN.sub(replace, text)


def has_hidden(text: str) -> bool:
    return _HIDDEN.search(text) is not None and _replace_hidden(text, "") != text


def strip_hidden(text: str) -> str:
    """``text`` without bidi controls and zero-width characters (a ZWJ inside an emoji kept):
    the rule at entry."""
    return _replace_hidden(text, "") if _HIDDEN.search(text) else text


def show_hidden(text: str, stand_in: str | Callable[[str], str] = "\ufffd") -> str:
    """``text`` with each bidi control or zero-width character replaced by a visible
    ``stand_in`` (or what it gives for the character), one for one: the rule at display."""
    return _replace_hidden(text, stand_in) if _HIDDEN.search(text) else text
