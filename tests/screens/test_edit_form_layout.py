"""The edit form at 80×24 in every language: each consent checkbox shows its whole box, its
state in words, and its label in full (Textual's auto width once cut it to "▐X…")."""

from __future__ import annotations

import html
import re

import pytest
from textual.widgets import Checkbox

from screens.customer.edit_customer_modal import EditCustomerModal
from screens.widgets.labels import CHANNEL_NAMES
from shoptui.i18n import LANGUAGES, _, language, set_language
from shoptui.services import customers
from shoptui.services.customers import CHANNELS

from .helpers import app_for, drawn, pilot_test, until
from .till_helpers import card_open


def screen_lines(svg: str) -> list[str]:
    rows: dict[float, list[str]] = {}
    for match in re.finditer(r'<text[^>]*y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(match.group(1)), []).append(html.unescape(re.sub("<[^>]+>", "", match.group(2))))
    return ["".join(parts).replace("\u00a0", " ") for _y, parts in sorted(rows.items())]


@pytest.fixture
def speaking():
    before = language()
    yield set_language
    set_language(before)


@pytest.mark.parametrize("lang", LANGUAGES)
@pilot_test
async def test_consent_checkboxes_are_readable_at_80_columns(database, speaking, lang):
    speaking(lang)
    an = customers.register({"name": "An", "phone": "0903 456 789", "consent_zalo": True}).customer
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_customer(an.id)
        await card_open(pilot, an.id)
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, EditCustomerModal))
        for channel in CHANNELS:
            box = app.screen.query_one(f"#consent_{channel}", Checkbox)
            box.scroll_visible(animate=False)
            await drawn(pilot)
            label = _("Messages by {channel}").format(channel=_(CHANNEL_NAMES[channel]))
            word = _("yes") if box.value else _("no")
            line = next((line for line in screen_lines(app.export_screenshot()) if "▐" in line and label in line), None)
            assert line is not None, (lang, label)
            assert "▐X▌ " + word in line, (lang, line)
        zalo = app.screen.query_one("#consent_zalo", Checkbox)
        assert zalo.value and str(zalo.label) == _("yes")
        zalo.toggle()
        await pilot.pause()
        assert str(zalo.label) == _("no")
