"""The gettext catalogs: up to date with the code, compiled, complete, and safe to format."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from shoptui import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def code_messages() -> set[str]:
    found = set()
    for package in ("shoptui", "screens", "hardware"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str):
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "shoptui.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_of_the_code_is_in_the_catalog(lang):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang) if m.id}
    missing = sorted(code_messages() - ids)
    assert not missing, f"run `make messages`: {len(missing)} new messages, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_compiled_catalog_matches_the_po_file(lang):
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "shoptui.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog(lang):
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
            assert compiled.gettext(message.id) == message.string, f"run `make messages`: {message.id!r} is stale"


@pytest.mark.parametrize("lang", ["vi", "ru", "de"])
def test_translations_are_complete_and_keep_their_placeholders(lang):
    untranslated, broken = [], []
    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(ids[0])
            continue
        wanted = set(PLACEHOLDER.findall(ids[0]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            broken.append(ids[0])
    assert not untranslated, f"{len(untranslated)} untranslated in {lang}, e.g. {untranslated[:5]}"
    assert not broken, f"placeholders differ in {lang}: {broken[:5]}"


def test_set_language_switches_and_falls_back_to_english():
    assert i18n.set_language("de") == "de"
    assert i18n.babel_locale() == "de_DE"
    assert i18n.set_language("xx") == "en"
    assert i18n._("Customers") == "Customers"
