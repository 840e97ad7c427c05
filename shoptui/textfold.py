"""Folding text into a search key: case, accents and letters like đ, ё, ß.

``anyascii`` transliterates to ASCII (đ→d, ß→ss, Ж→Zh), but it reads ё as "yo"
while Russian shoppers type е for ё, so ё/Ё become е/Е first.
"""

from __future__ import annotations

import re

from anyascii import anyascii

_YO = str.maketrans({"ё": "е", "Ё": "Е"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces."""
    if not text:
        return ""
    ascii_text = anyascii(text.translate(_YO)).lower()
    return _NON_WORD.sub(" ", ascii_text).strip()


def words(text: str | None) -> list[str]:
    return fold(text).split()
