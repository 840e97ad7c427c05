"""Never crash on data: customers whose names and notes are hostile strings (markup, escape
sequences, 5,000 characters, emoji, right-to-left text, formulas, format strings) are
searched, opened, shown tab by tab and edited; the app stays up and shows them literally."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static, TabbedContent, TextArea

from screens.customer.customer_card_screen import TABS, CustomerCardScreen
from screens.customer.edit_customer_modal import EditCustomerModal
from screens.directory.directory_screen import DirectoryScreen
from screens.text import printable
from shoptui.models import Customer
from shoptui.services import customer_view, customers, surveys
from shoptui.services.surveys import QuestionInput
from tests.hostile import NAMES
from tests.hostile import hostile_strings as corpus

from .helpers import SIZE, app_for, drawn, pilot_test, screen_text, search_answered, until


def hostile_strings() -> list[str]:
    """The names and notes of the corpus (opening every tab of each is slow), with its long strings."""
    return corpus(section=NAMES)


@pytest.fixture
def hostile(database):
    """One customer per string. The services clean what they store; the rows are then written
    raw as well, as an old version or another program might have left them."""
    question = surveys.define_question(QuestionInput(text="[b]Note?[/b] \x1b[1m", kind="text"))
    made = []
    for i, text in enumerate(hostile_strings()):
        customer = customers.register({"name": f"H{i:02d}", "phone": f"0912 000 {i:03d}"}).customer
        Customer.update(name=text[:200] or "?", notes=text).where(Customer.id == customer.id).execute()
        if text.strip():
            surveys.record_answer(question, customer, text[:2000])
        made.append((customer.id, customer.code, text[:200] or "?", text))
    return made


def header_of(app) -> str:
    return str(app.screen.query_one("#card-header", Static).render()).replace("\xa0", " ")


@pilot_test
async def test_hostile_names_are_searched_and_listed_literally(hostile, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DirectoryScreen) and app.screen.query_one("#customers", DataTable).row_count > 0
            ),
        )
        search = app.screen.query_one("#search", Input)
        table = app.screen.query_one("#customers", DataTable)
        for _cid, code, name, raw in hostile:
            search.value = raw[:300]  # whatever is typed or pasted, the search answers or says why
            await until(pilot, lambda: search_answered(app), what=f"the search for {raw[:40]!r}")
            search.value = code
            await until(pilot, lambda: table.row_count == 1 and table.get_row_at(0)[0].plain == code, what=code)
            shown = table.get_row_at(0)[1].plain
            assert shown.rstrip("…") == printable(name)[: len(shown.rstrip("…"))]
        assert app.is_running
        search.value = "H0"
        await until(pilot, lambda: search_answered(app), what="the search for H0")
        await drawn(pilot)
        text = screen_text(app)
        assert len(text.splitlines()) == SIZE[1]  # nothing drew outside the screen
        assert "\x1b" not in text


@pilot_test
async def test_hostile_customers_are_opened_every_tab_shown_and_edited(hostile, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        for index, (cid, code, name, raw) in enumerate(hostile):
            app.open_customer(cid)
            await until(
                pilot,
                lambda: (
                    isinstance(app.screen, CustomerCardScreen)
                    and app.screen.customer_id == cid
                    and app.screen.data is not None
                ),
                what=code,
            )
            header = header_of(app)
            assert printable(name)[:40] in header.replace("\n", "")
            assert code in header
            profile = app.screen.query_one("#profile-table", DataTable)
            values = [profile.get_row_at(i)[1].plain for i in range(profile.row_count)]
            notes = values[-1].rstrip("…")
            assert notes == printable(raw)[: len(notes)]
            tabs = app.screen.query_one("#card-tabs", TabbedContent)
            answers = [row.answer for row in customer_view.survey_answers(cid).rows]
            for tab in TABS[1:] + TABS[:1]:
                # Set directly: the same key pressed again and again reads as a held-down key (slow).
                tabs.active = tab
                table = app.screen.query_one(f"#{tab}-table", DataTable)
                # The hostile customers have no sales, returns, cards, points or debts: those
                # tabs list nothing; the surveys tab lists the answer, the profile its fields.
                rows = len(answers) if tab == "surveys" else profile.row_count if tab == "profile" else 0
                await until(
                    pilot,
                    lambda: tabs.active_pane is not None and tabs.active_pane.id == tab and table.row_count == rows,
                    what=f"{code}: the {tab} tab",
                )
                if tab == "surveys" and answers:
                    shown = table.get_row_at(0)[2].plain.rstrip("…")
                    assert shown and shown == printable(answers[0])[: len(shown)], (shown, answers[0])
                    assert "Note?" in table.get_row_at(0)[1].plain and "[b]" in table.get_row_at(0)[1].plain
            shown = screen_text(app)  # back on the profile
            assert "\x1b" not in shown and len(shown.splitlines()) == SIZE[1]
            if index % 4 == 0 or name in ("[/]", "\x1b[31mred\x1b[0m"):
                await pilot.press("f4")
                await until(pilot, lambda: isinstance(app.screen, EditCustomerModal) and app.screen.query("#notes"))
                app.screen.query_one("#notes", TextArea).text = raw[:5000] + " [edited]"
                app.screen.query_one("#name", Input).value = (raw[:150].strip() or "?") + " ✓"
                await pilot.press("ctrl+s")
                await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen), what=f"save {code}")
                await until(pilot, lambda: Customer.get_by_id(cid).notes.endswith("[edited]"), what=f"saved {code}")
                await until(pilot, lambda: "✓" in header_of(app), what=f"header of {code}")
            assert app.is_running
        text = screen_text(app)
        assert "\x1b" not in text and len(text.splitlines()) == SIZE[1]
