"""A choice in the customer forms behaves as in the till's dialogs (issue 12, new-user
tester): ↑/↓ change it in place, Enter moves on to the next field, Space opens the list.
Textual's own Select opened its list on Enter, so Enter never left the Gender field."""

from __future__ import annotations

from textual.widgets import Input, Select

from screens.admin.points_rules_modal import PointsRulesModal
from screens.admin.properties_screen import PropertiesScreen
from screens.admin.property_modal import PropertyModal
from screens.customer.edit_customer_modal import EditCustomerModal
from screens.directory.directory_screen import DirectoryScreen
from screens.directory.register_modal import RegisterModal
from screens.widgets.form import TillSelect
from shoptui.services import customers, users
from shoptui.services.context import Actor

from ..actors import SYSTEM
from .helpers import app_for, pilot_test, until
from .till_helpers import card_open

SMALL = (80, 24)


async def enter_moves_on(pilot, choice: TillSelect, next_id: str) -> None:
    app = pilot.app
    choice.focus()
    await until(pilot, lambda: app.focused is choice, what="the choice focused")
    await pilot.press("enter")
    await until(pilot, lambda: app.focused is not None and app.focused.id == next_id, what=f"Enter to {next_id}")
    assert not choice.expanded  # the list did not open


async def arrows_and_space(pilot, choice: TillSelect, values: list) -> None:
    app = pilot.app
    choice.focus()
    await until(pilot, lambda: app.focused is choice)
    for key, value in zip(["down"] * (len(values) - 1) + ["up"], values[1:] + [values[-2]]):
        await pilot.press(key)
        await until(pilot, lambda: choice.value == value, what=f"{key} to {value}")
        assert not choice.expanded
    await pilot.press("space")
    await until(pilot, lambda: choice.expanded, what="the list opened by Space")
    await pilot.press("escape")
    await until(pilot, lambda: not choice.expanded)


@pilot_test
async def test_gender_in_the_new_customer_form_moves_on_with_enter(database):
    cashier = users.add_user("Lan", "cashier", "2222", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=cashier)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal) and app.focused is not None, what="the form")
        gender = app.screen.query_one("#gender")
        await enter_moves_on(pilot, gender, "email")  # it opened the list before
        assert isinstance(gender, TillSelect)
        # Not given (blank) first, then each gender: "not given" is reachable by the arrows too.
        await arrows_and_space(pilot, gender, [Select.NULL, "female", "male"])
        await pilot.press("up")
        await until(pilot, lambda: gender.value == Select.NULL, what="back to not given")
        await enter_moves_on(pilot, gender, "email")


@pilot_test
async def test_gender_and_a_choice_property_in_the_edit_form_move_on_with_enter(database):
    customers.define_property("eyes", "Eyes", "choice", ["brown", "blue"], SYSTEM)
    an = customers.register({"name": "An", "phone": "0903 456 789", "gender": "female"}, SYSTEM).customer
    manager = users.add_user("Hoa", "manager", "9999", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=manager)
    async with app.run_test(size=SMALL) as pilot:
        app.open_customer(an.id)
        await card_open(pilot, an.id)
        await pilot.press("f4")
        await until(
            pilot, lambda: isinstance(app.screen, EditCustomerModal) and app.focused is not None, what="the form"
        )
        gender = app.screen.query_one("#gender")
        await enter_moves_on(pilot, gender, "email")  # it opened the list before
        assert isinstance(gender, TillSelect) and gender.value == "female"
        await arrows_and_space(pilot, gender, ["female", "male", "other"])
        await enter_moves_on(pilot, gender, "email")
        eyes = next(widget for widget in app.screen.query(TillSelect) if widget.id != "gender")
        await arrows_and_space(pilot, eyes, [Select.NULL, "brown", "blue"])
        # The last one-line field of the form: Enter saves, as it does from a last input.
        form = app.screen
        eyes.focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is not form, what="the form saved by Enter")


@pilot_test
async def test_the_choices_of_the_property_and_points_rules_forms_are_till_choices(database):
    owner = users.add_user("Hoa", "owner", "9999", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=owner)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.push_screen(PropertiesScreen(app.actor))
        await until(pilot, lambda: isinstance(app.screen, PropertiesScreen))
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, PropertyModal) and app.focused is not None, what="the form")
        kind = app.screen.query_one("#kind")
        assert isinstance(kind, TillSelect)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PropertiesScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("f3")
        await until(
            pilot,
            lambda: isinstance(app.screen, PointsRulesModal) and app.screen.query_one("#points_value", Input).value,
            what="the rules",
        )
        choice = app.screen.query_one("#points_earn_on_points")
        assert isinstance(choice, TillSelect)
        choice.focus()
        await until(pilot, lambda: app.focused is choice)
        assert choice.value == "no"
        await pilot.press("up")
        await until(pilot, lambda: choice.value == "yes", what="up to yes")
        await pilot.press("down")
        await until(pilot, lambda: choice.value == "no", what="down to no")
        assert not choice.expanded
