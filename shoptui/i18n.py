"""Translations through gettext catalogs (compiled with Babel) and locale-aware formats.

``_`` looks the message up in the active language at call time, so module-level
constants must use ``N_`` (mark only) and translate where shown.
"""

from __future__ import annotations

import contextlib
import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "shoptui"
LANGUAGES = ("en", "vi", "ru", "de")
# Babel locales used for number, date and money formats of each interface language.
BABEL_LOCALES = {"en": "en_US", "vi": "vi_VN", "ru": "ru_RU", "de": "de_DE"}

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str | None) -> str:
    """Activate ``language`` (one of LANGUAGES); an unknown one falls back to English."""
    global _current, _language
    lang = (language or "en").split("_")[0].split("-")[0].lower()
    if lang not in LANGUAGES:
        lang = "en"
    _current = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
    _language = lang
    return lang


def language() -> str:
    return _language


def babel_locale() -> str:
    return BABEL_LOCALES[_language]


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


@contextlib.contextmanager
def library_messages():
    """While the block runs, the libraries that translate through gettext's default domain
    speak the active language from our catalog: argparse ("usage:", "invalid choice",
    "the following arguments are required", "show this help message and exit", ...), whose
    msgids ``shoptui/argparse_messages.py`` lists for extraction.

    argparse calls ``gettext.gettext``, which reads the default domain (``textdomain``) in
    the directory bound to it (``bindtextdomain``), in the language the environment names
    (LANGUAGE first): the block binds our catalog and names the active language in
    LANGUAGE, and gives both back afterwards. The command line wraps building and parsing
    its arguments in it (single-threaded, before any command runs).
    """
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    previous_domain = gettext.textdomain()
    previous_language = os.environ.get("LANGUAGE")
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = _language
    try:
        yield
    finally:
        gettext.textdomain(previous_domain)
        if previous_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous_language


def language_from_environment() -> str | None:
    """The language the environment asks for (LANGUAGE/LC_ALL/LANG), if it is one of ours."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        for part in value.split(":"):
            lang = part.split("_")[0].split(".")[0].lower()
            if lang in LANGUAGES:
                return lang
    return None
