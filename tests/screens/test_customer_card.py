"""The customer card, driven by Pilot: open from the directory, every tab, edit with errors on
the field, status changes and the customer limit, adding a card, Escape."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Static, TabbedContent

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.customer.edit_customer_modal import EditCustomerModal
from screens.dialogs.choice_modal import ChoiceModal
from screens.directory.directory_screen import DirectoryScreen
from shoptui import clock
from shoptui.i18n import _, set_language
from shoptui.models import Customer, SurveyAnswer, SurveyQuestion
from shoptui.reports import customer_segment
from shoptui.services import cards, checkout, customers, debts, points, sale_return, settings
from shoptui.services.sale_quote import SaleInput

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, drawn, keys_delivered, pilot_test, screen_text, settled, until

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def an(database):
    settings.set_value("points_earn_per", "1000")
    today = clock.today()
    customer = customers.register(
        {
            "name": "Nguyễn Văn An",
            "phone": "0912 345 678",
            "birthday": today.replace(year=1990) if (today.month, today.day) != (2, 29) else dt.date(1990, 2, 28),
            "discount_bp": 500,
            "credit_limit": 300_000,
            "consent_zalo": True,
            "groups": ["VIP"],
            "notes": "likes [bold]green tea[/]",
        },
    ).customer
    customers.define_property("eyesight", "Eyesight", "number")
    customers.set_property(customer, "eyesight", "-1.5")
    cards.issue_card(customer, "2000000000015", at=T0)
    cards.replace_card("2000000000015", "2000000000022", at=T0 + dt.timedelta(days=2))
    sale = checkout.record_sale(
        SaleInput(customer=customer, amount=200_000, credit=80_000, at=T0 + dt.timedelta(days=3))
    ).receipt
    sale_return.record_return(sale, 20_000, at=T0 + dt.timedelta(days=4))
    debts.take_payment(customer, 10_000, at=T0 + dt.timedelta(days=5))
    points.adjust_points(customer, 7, "welcome gift", at=T0 + dt.timedelta(days=6))
    question = SurveyQuestion.create(text="How did you find us?", created_at=T0)
    SurveyAnswer.create(question=question, customer=customer, answer="From a friend", at=T0)
    customers.register({"name": "Trần Bình", "phone": "0987 111 222"})
    return Customer.get_by_id(customer.id)


def card_of(app) -> CustomerCardScreen:
    assert isinstance(app.screen, CustomerCardScreen), type(app.screen)
    return app.screen


def header_text(app) -> str:
    # Labels are tied to their values with no-break spaces (so a wrapped line keeps them together).
    return str(app.screen.query_one("#card-header", Static).render()).replace("\xa0", " ")


def rows_of(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_card(pilot, name: str) -> CustomerCardScreen:
    """Enter on the directory's row of ``name`` (the list is in name order)."""
    app = pilot.app
    await until(pilot, lambda: app.screen.query_one("#customers", DataTable).row_count == 2)
    names = [app.screen.query_one("#customers", DataTable).get_row_at(i)[1].plain for i in range(2)]
    for _step in range(next(i for i, shown in enumerate(names) if shown.startswith(name))):
        await pilot.press("down")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
    return app.screen


@pilot_test
async def test_enter_opens_the_card_with_the_facts_in_its_header(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, "Nguyễn")
        head = header_text(app)
        for fact in (
            "Nguyễn Văn An",
            an.code,
            "0912 345 678",
            "Points: 177",
            "Debt: ₫50,000",
            "Credit left: ₫250,000",
            "Discount: 5%",
            "birthday this week",
        ):
            assert fact in head, (fact, head)
        assert "incomplete data" not in head
        assert app.screen.query_one("#card-tabs", TabbedContent).active == "profile"


@pilot_test
async def test_every_tab_shows_its_data(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, "Nguyễn")
        profile = dict((row[0], row[1]) for row in rows_of(app, "profile-table"))
        assert profile["E-mail"] == "" and profile["Personal discount"] == "5%"
        assert profile["Credit limit"] == "₫300,000" and profile["Groups"] == "VIP"
        assert profile["Agrees to messages by"] == "Zalo" and profile["Eyesight"] == "-1.5"
        assert profile["Notes"] == "likes [bold]green tea[/]"  # user text, never markup

        sale_row = rows_of(app, "sales-table")[0]
        assert sale_row[3:6] == ["₫190,000", "₫10,000", "₫80,000"] and sale_row[-1] == "₫20,000"
        assert rows_of(app, "returns-table")[0][3] == "₫20,000"
        cards_rows = rows_of(app, "cards-table")
        assert [(r[0], r[2], r[5]) for r in cards_rows] == [
            ("2000000000022", "held now", ""),
            ("2000000000015", "replaced", "2000000000022"),
        ]
        assert [(r[1], r[2], r[3]) for r in rows_of(app, "points-table")] == [
            ("+7", "177", "adjustment"),
            ("-20", "170", "reversed (return)"),
            ("+190", "190", "earned"),
        ]
        assert [(r[1], r[2], r[3]) for r in rows_of(app, "debts-table")] == [
            ("-₫10,000", "₫50,000", "payment"),
            ("-₫20,000", "₫60,000", "return"),
            ("+₫80,000", "₫80,000", "sale on credit"),
        ]
        aging = str(app.screen.query_one("#aging", Static).render())
        assert "Unpaid: ₫50,000" in aging and "91+ days: ₫50,000" in aging
        assert rows_of(app, "surveys-table")[0][1:3] == ["How did you find us?", "From a friend"]
        # Each tab is reachable by key from the tab bar, which has the focus.
        tabs = app.screen.query_one("#card-tabs", TabbedContent)
        for expected in ("sales", "returns", "cards", "points", "debts", "surveys"):
            await pilot.press("right")
            assert tabs.active == expected
        await pilot.press("ctrl+pagedown")
        assert tabs.active == "profile"


@pilot_test
async def test_escape_closes_the_card_and_the_search_has_the_focus_again(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, "Nguyễn")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        assert isinstance(app.focused, Input) and app.focused.id == "search"


async def open_editor(pilot) -> EditCustomerModal:
    await pilot.press("f4")
    await until(pilot, lambda: isinstance(pilot.app.screen, EditCustomerModal))
    return pilot.app.screen


async def replace_text(pilot, field_id: str, text: str) -> None:
    """Set a field as if typed (typing itself, through the scan detector, is tested elsewhere)."""
    widget = pilot.app.screen.query_one(f"#{field_id}", Input)
    widget.focus()
    widget.value = text


async def save_and_wait_error(pilot, field: str) -> str:
    modal = pilot.app.screen
    await pilot.press("ctrl+s")
    await until(pilot, lambda: modal.field(field).error, what=f"an error on {field}")
    return modal.field(field).error


@pilot_test
async def test_edit_shows_each_error_on_its_field_and_saves_when_right(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, "Nguyễn")
        modal = await open_editor(pilot)

        await replace_text(pilot, "phone", "0987 111 222")
        assert "already belongs to Trần Bình" in await save_and_wait_error(pilot, "phone")
        assert app.focused.id == "phone"

        await replace_text(pilot, "phone", "12ab")
        assert "not a phone number" in await save_and_wait_error(pilot, "phone")

        await replace_text(pilot, "phone", "0912 345 679")
        await replace_text(pilot, "birthday", "31/02/1990")
        assert "is not a date" in await save_and_wait_error(pilot, "birthday")
        assert modal.field("phone").error == ""  # errors of the last attempt only

        await replace_text(pilot, "birthday", "2199-01-01")
        assert "not possible" in await save_and_wait_error(pilot, "birthday")

        await replace_text(pilot, "birthday", "17/05/1990")  # the shop's (VN) day-first order
        await replace_text(pilot, "email", "an-at-example")
        assert "not an e-mail address" in await save_and_wait_error(pilot, "email")

        await replace_text(pilot, "email", "an@example.com")
        await replace_text(pilot, "discount", "150")
        assert "more than 100" in await save_and_wait_error(pilot, "discount")  # the form's own check

        await replace_text(pilot, "discount", "2.5")
        await replace_text(pilot, "credit_limit", "1.5")
        assert "more decimals" in await save_and_wait_error(pilot, "credit_limit")

        await replace_text(pilot, "credit_limit", "500000")
        await replace_text(pilot, "prop-eyesight", "sharp")
        assert "not a number" in await save_and_wait_error(pilot, "prop-eyesight")

        await replace_text(pilot, "prop-eyesight", "-2")
        app.screen.query_one("#consent_sms").value = True
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        await until(pilot, lambda: "Discount: 2.5%" in header_text(app))
    saved = Customer.get_by_id(an.id)
    assert (saved.phone, saved.birthday, saved.email) == ("+84912345679", dt.date(1990, 5, 17), "an@example.com")
    assert (saved.discount_bp, saved.credit_limit, saved.consent_sms, saved.consent_zalo) == (250, 500_000, True, True)
    assert dict((d.code, v) for d, v in customers.properties_of(saved)) == {"eyesight": "-2"}


@pilot_test
async def test_an_unreadable_phone_saved_twice_is_kept_as_typed(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, "Nguyễn")
        await open_editor(pilot)
        await replace_text(pilot, "phone", "12ab")
        await save_and_wait_error(pilot, "phone")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        await until(pilot, lambda: "incomplete data" in header_text(app))
    saved = Customer.get_by_id(an.id)
    assert (saved.phone, saved.phone_typed, saved.status) == (None, "12ab", "incomplete")


@pilot_test
async def test_status_change_and_the_limit_of_active_customers(an, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_card(pilot, "Nguyễn")
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("down", "down", "enter")  # active -> archived
        # An owes money: a second question, "Keep as it is" first, before archiving.
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal) and "Archive" in screen_text(app))
        await pilot.press("down", "enter")
        await until(pilot, lambda: "archived" in header_text(app))
        assert Customer.get_by_id(an.id).status == "archived"

        settings.set_value("active_customer_limit", "1")  # Trần Bình is the one allowed
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("up", "up", "enter")  # archived -> active
        await until(pilot, lambda: notes.texts("error"))
        assert "limit of 1 active customers is reached" in notes.texts("error")[0]
        assert Customer.get_by_id(an.id).status == "archived" and app.is_running
        assert "archived" in header_text(app)


@pilot_test
async def test_a_card_is_added_by_typing_it(an, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_card(pilot, "Nguyễn")
        await pilot.press("f7")
        assert app.focused.id == "new-card"
        await pilot.press(*"2000000000039")
        await keys_delivered(pilot)  # typed: the Enter after a pause is no scanner's
        await pilot.press("enter")
        await until(pilot, lambda: any(r[0] == "2000000000039" for r in rows_of(app, "cards-table")))
        assert app.screen.query_one("#new-card", Input).value == ""
        # A card someone else holds is refused with a message naming the holder.
        await pilot.press(*"2000000000022")
        await keys_delivered(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: notes.texts("error"))
        assert "already belongs to Nguyễn Văn An" in notes.texts("error")[0]


@pilot_test
async def test_hostile_text_in_the_card_shows_literally(database):
    customer = customers.register({"name": "placeholder"}).customer
    Customer.update(name="[/]\x1b[31m[bold]x", notes="[link=http://x]y[/link]").where(
        Customer.id == customer.id
    ).execute()
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.query_one("#customers", DataTable).row_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        assert "[/]␛[31m[bold]x" in header_text(app)
        app.export_screenshot()
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, EditCustomerModal))
        app.export_screenshot()
        assert app.screen.query_one("#name", Input).value == "[/]␛[31m[bold]x"
        assert app.is_running


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
@pilot_test
async def test_card_and_forms_fit_small_and_large_terminals(an, database, size):
    app = app_for(database)
    async with app.run_test(size=size) as pilot:
        await open_card(pilot, "Nguyễn")
        # The tabs and the footer are drawn a moment after the card's data (it flaked on a busy box).
        await until(
            pilot,
            lambda: all(word in screen_text(app) for word in ("Nguyễn Văn An", "Surveys", "Back")),
            what="the card drawn",
        )
        screen = screen_text(app)
        assert len(screen.splitlines()) == size[1] and max(map(len, screen.splitlines())) <= size[0]
        await pilot.press("f4")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, EditCustomerModal)
                and app.screen.query("#save")
                and app.screen.query_one("#save").region.height > 0
            ),
            what="the form laid out",
        )
        await drawn(pilot)
        buttons = app.screen.query_one("#save")
        assert buttons.region.bottom <= size[1]  # the Save button is on screen


@pilot_test
async def test_footer_keys_of_the_card_are_named_and_each_does_something(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "Nguyễn")
        shown = {
            binding.id: (key, binding.description)
            for key, (_node, binding, _enabled, _tip) in app.screen.active_bindings.items()
            if binding.show
        }
        # What the till needs all day is in the footer; the rest (so that 80 columns hold it in
        # every language) is bound, named and remappable, and listed by F1 and the palette.
        assert shown == {
            "card-back": ("escape", "Back"),
            "card-edit": ("f4", "Edit"),
            "card-sale": ("f5", "Sale"),
            "card-return": ("f8", "Return"),
            "card-debt-payment": ("f9", "Pay debt"),
            "help": ("f1", "Help"),
            "quit": ("ctrl+q", "Quit"),
        }
        off_footer = {
            binding.id: (key, binding.description)
            for key, (_node, binding, _enabled, _tip) in app.screen.active_bindings.items()
            if not binding.show and binding.id and binding.id.startswith("card-")
        }
        assert {
            "card-status": ("f6", "Status"),
            "card-add": ("f7", "Add card"),
            "card-adjust": ("f10", "Adjust"),
            "card-merge": ("f12", "Merge duplicate"),
        }.items() <= off_footer.items()
        await pilot.press("f7")
        assert app.focused.id == "new-card"
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card)
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, EditCustomerModal))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running)


# -- the RFM segment: after the card, never in its way -------------------------------------------


@pytest.fixture
def no_cached_cuts():
    customer_segment.forget()
    yield
    customer_segment.forget()


@pilot_test
async def test_the_header_shows_the_segment_once_it_is_known(an, database, no_cached_cuts):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "Nguyễn")
        await until(pilot, lambda: card.segment_done)
        # The only buyer is in the lowest fifth of everything: "lost", as the rfm report says.
        assert card.segment == "lost"
        await until(pilot, lambda: "Segment: Lost" in header_text(app))


@pilot_test
async def test_the_card_opens_while_the_segment_is_slow(an, database, no_cached_cuts, monkeypatch):
    release = threading.Event()
    real = customer_segment.compute_cuts

    def slow(query):
        release.wait(10)
        return real(query)

    monkeypatch.setattr(customer_segment, "compute_cuts", slow)
    app = app_for(database)
    try:
        async with app.run_test(size=SIZE) as pilot:
            card = await open_card(pilot, "Nguyễn")
            assert "Nguyễn Văn An" in header_text(app) and "Segment" not in header_text(app)
            await pilot.press("f4")  # the card answers keys meanwhile
            await until(pilot, lambda: isinstance(app.screen, EditCustomerModal))
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is card)
            release.set()
            await until(pilot, lambda: "Segment: Lost" in header_text(app))
    finally:
        release.set()


@pilot_test
async def test_the_card_opens_when_the_segment_fails(an, database, no_cached_cuts, monkeypatch):
    def broken(query):
        raise RuntimeError("no such table: receipt")

    monkeypatch.setattr(customer_segment, "compute_cuts", broken)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        card = await open_card(pilot, "Nguyễn")
        await until(pilot, lambda: card.segment_done)
        await settled(pilot)
        assert card.data is not None and "Nguyễn Văn An" in header_text(app)
        assert "Segment" not in header_text(app) and not notes.texts("error")
        assert app.is_running and app.screen is card


@pytest.mark.parametrize("language", ["ru", "de"])
@pilot_test
async def test_header_lines_break_between_facts_never_inside_one_at_80_columns(an, database, language, no_cached_cuts):
    set_language(language)
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_customer(an.id)
        card = await until_card(pilot)
        await until(pilot, lambda: card.segment_done)
        await settled(pilot)
        lines = header_text(app).splitlines()
        facts = lines[1:]
        labels = [_("Points"), _("Debt"), _("Credit left"), _("Discount"), _("Birthday"), _("Segment")]
        for label in labels:
            line = next(line for line in facts if label + ":" in line)
            assert not line.rstrip().endswith(label + ":"), (label, lines)  # its value is on its line
        assert all(cell_len(line) <= 78 for line in lines), lines
        await pilot.resize_terminal(200, 40)

        def facts_on_one_line() -> bool:
            line = next(line for line in header_text(app).splitlines() if _("Points") + ":" in line)
            return _("Segment") + ":" in line

        await until(pilot, facts_on_one_line, what="one line of facts at 200 columns")


async def until_card(pilot) -> CustomerCardScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
    return app.screen


# -- a lost card, a cashier's keys, the debt rule at card read ------------------------------------


@pilot_test
async def test_ctrl_w_withdraws_a_lost_card_from_the_card(an, database):
    from screens.customer.card_actions_modal import CardActionsModal

    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "Nguyễn")
        binding = next(b for _k, (_n, b, _e, _t) in app.screen.active_bindings.items() if b.id == "card-actions")
        assert binding.description == "Withdraw or replace a card"  # so F1 and the palette list it
        from screens.commands import key_commands
        from screens.dialogs.help_screen import keys_of

        assert ("^w", "Withdraw or replace a card") in [(row.key, row.what) for row in keys_of(app)]
        assert "Withdraw or replace a card (^w)" in [command.title for command in key_commands(app, app.screen)]
        await pilot.press("ctrl+w")
        await until(pilot, lambda: isinstance(app.screen, CardActionsModal) and app.screen.held is not None)
        assert app.screen.selected == "2000000000022"
        app.screen.query_one("#card-reason", Input).value = "lost"
        await pilot.press("f6")
        await until(pilot, lambda: app.screen.held is not None and not app.screen.held.cards, what="withdrawn")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card)
        assert app.screen.query_one("#card-tabs", TabbedContent).active == "cards"
        await until(
            pilot, lambda: ("2000000000022", "withdrawn") in [(r[0], r[2]) for r in rows_of(app, "cards-table")]
        )


@pilot_test
async def test_the_ctrl_w_key_works_from_the_card_field_too(an, database):
    from screens.customer.card_actions_modal import CardActionsModal

    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, "Nguyễn")
        await pilot.press("f7")
        assert app.focused.id == "new-card"
        await pilot.press("ctrl+w")
        await until(pilot, lambda: isinstance(app.screen, CardActionsModal))


@pilot_test
async def test_a_cashier_is_told_at_once_which_card_keys_are_not_theirs(an, database):
    from screens.customer.merge_modal import MergeModal
    from shoptui.services import users

    from .till_helpers import sign_in

    users.add_user("Hoa", "owner", "9999", SYSTEM)
    users.add_user("Minh", "cashier", "1111", SYSTEM)
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(an.id)
        card = await until_card(pilot)
        for key, sentence in (
            ("f4", "A cashier may not edit a customer; ask a manager."),
            ("f6", "A cashier may not edit a customer; ask a manager."),
            ("f10", "A cashier may not adjust points or debt; ask a manager."),
            ("f12", "A cashier may not merge customers; ask a manager."),
        ):
            before = len(notes.texts("error"))
            await pilot.press(key)
            await until(pilot, lambda: len(notes.texts("error")) > before, what=f"the refusal of {key}")
            assert notes.texts("error")[-1] == sentence
            await settled(pilot)
            assert app.screen is card, (key, app.screen)  # no form that could not be saved
        assert not isinstance(app.screen, (EditCustomerModal, ChoiceModal, MergeModal))
        # What a cashier may do still opens: the sale.
        await pilot.press("f5")
        await until(pilot, lambda: app.screen is not card)


@pilot_test
async def test_the_header_shows_the_age_of_the_oldest_debt_and_marks_the_shops_rule(database):
    from screens.customer.customer_card_screen import WARNING_STYLE

    settings.set_value("credit_max_age_days", "30")
    customer = customers.register({"name": "Phạm Thu"}).customer
    checkout.record_sale(
        SaleInput(customer=customer, amount=560_000, credit=560_000, at=clock.now() - dt.timedelta(days=72))
    )
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(customer.id)
        card = await until_card(pilot)
        head = header_text(app)
        assert "Debt: ₫560,000 · oldest 72 days" in head, head
        assert "debt older than the shop allows" in head
        text = card._header_text(card.data.header)
        marked = [text.plain[span.start : span.end] for span in text.spans if span.style == WARNING_STYLE]
        assert "₫560,000 · oldest 72 days" in marked and " debt older than the shop allows " in marked
        assert all(cell_len(line) <= 78 for line in head.splitlines())


@pilot_test
async def test_a_young_debt_within_the_rule_is_shown_without_a_warning(database):
    from screens.customer.customer_card_screen import WARNING_STYLE

    settings.set_value("credit_max_age_days", "30")
    customer = customers.register({"name": "Phạm Thu"}).customer
    checkout.record_sale(
        SaleInput(customer=customer, amount=100_000, credit=100_000, at=clock.now() - dt.timedelta(days=5))
    )
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(customer.id)
        card = await until_card(pilot)
        assert "Debt: ₫100,000 · oldest 5 days" in header_text(app)
        text = card._header_text(card.data.header)
        assert not [span for span in text.spans if span.style == WARNING_STYLE]


@pilot_test
async def test_a_negative_debt_is_shown_as_paid_in_advance(database):
    customer = customers.register({"name": "Dũng"}).customer
    debts.set_opening_balance(customer, -50_000)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(customer.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        head = header_text(app)
        assert "Paid in advance: ₫50,000" in head and "Debt:" not in head and "-₫" not in head
