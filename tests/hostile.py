"""The hostile-input corpus (tests/data/hostile_strings.txt): the one reader every test uses.

The file holds one JSON string a line, so that NUL, escapes, tabs and line breaks fit in
a text file; ``#`` lines are comments and ``## title`` starts a section. Two strings of
5,000 characters are made here rather than written out.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "data" / "hostile_strings.txt"

NAMES = "Names and notes"  # the first section: what the slow screen tests open one by one
AMOUNTS = "Amounts"
DATES = "Dates"

LONG = [
    "ü" * 2500 + "[/]" * 833 + "x",  # markup at the end of a long string: 5,000 characters
    ("=A1 " + "\u202e\u200bNguyễn " * 600)[:5000],  # a formula, bidi and zero-width characters: 5,000
]


@functools.cache
def sections() -> dict[str, tuple[str, ...]]:
    """Each section's strings, by the title of its ``##`` line."""
    found: dict[str, list[str]] = {}
    current = found.setdefault("", [])
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = found.setdefault(line[3:].strip(), [])
        elif line.strip() and not line.startswith("#"):
            current.append(json.loads(line))
    return {title: tuple(strings) for title, strings in found.items() if strings}


def hostile_strings(long: bool = True, section: str | None = None) -> list[str]:
    """Every string of the corpus (or of the sections whose title starts with ``section``),
    then, with ``long``, the two 5,000-character ones."""
    chosen = [
        s for title, strings in sections().items() if section is None or title.startswith(section) for s in strings
    ]
    return chosen + (LONG if long else [])
