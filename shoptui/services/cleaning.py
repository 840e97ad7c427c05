"""Cleaning text where it enters: the one rule every service and the importer use.

A leaf of the services (it imports no service), so that any service may clean text
without importing ``customers``; ``services.customers`` re-exports ``clean_text``.
"""

from __future__ import annotations

import re

from ..errors import ValidationError
from ..i18n import _
from ..textsafe import strip_hidden

# C0/C1 controls and DEL (escape sequences); tabs and line breaks are handled apart (kept
# only in multi-line fields). Bidi controls and zero-width characters go by the one rule of
# shoptui.textsafe, which says why.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|\n")
_SPACES = re.compile(r"[ \t]*\n[ \t]*|[\t\n]")

# Fields whose line breaks are kept; every other field is one line.
MULTILINE_FIELDS = frozenset({"address", "notes"})


def clean_text(value, field_name: str, limit: int | None = None, *, multiline: bool | None = None) -> str:
    """Text as typed, without control characters (escape sequences cannot reach a screen or
    file) nor bidi controls and zero-width characters (``textsafe.strip_hidden``: a name
    cannot be stored to display as another).

    A one-line field turns tabs and line breaks into spaces; a multi-line one (by default
    those of MULTILINE_FIELDS, so that every caller cleans a field alike) keeps its line
    breaks (as ``\n``) and turns tabs into spaces.
    """
    if multiline is None:
        multiline = field_name in MULTILINE_FIELDS
    text = _LINE_BREAKS.sub("\n", "" if value is None else str(value))
    text = strip_hidden(_CONTROL.sub("", text))
    text = text.replace("\t", " ") if multiline else _SPACES.sub(" ", text)
    text = text.strip()
    if limit is not None and len(text) > limit:
        raise ValidationError(
            _("{field} is too long: at most {limit} characters.").format(field=field_name, limit=limit), field_name
        )
    return text
