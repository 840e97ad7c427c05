"""An amount as a person reads it: in the shop's currency and the current language.

The one place the core turns minor units into text for a person (messages, tables,
problems found by ``check``); the JSON form is ``money.as_string``, the screens use
``Formats``.
"""

from __future__ import annotations

from ..i18n import babel_locale
from ..money import format_money
from . import settings


def shown(minor: int, currency: str | None = None) -> str:
    """125.000 ₫, 1.234,50 €: ``minor`` in ``currency`` (the shop's unless given) as the
    current language writes it."""
    return format_money(int(minor), currency or settings.currency(), babel_locale())
