"""Issue 12, defect 10 ("Lock screen and roles"): a key the signed-in user may not use is
not offered to them (footer, F1, palette), and pressed anyway it is refused at once with
the sentence that says whom to ask, before a form could be filled in for nothing. One
table per screen (``ACTION_NEEDS``) says what each key needs; a manager or the owner is
offered the same keys. All at 80×24, as a till's terminal."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from screens.admin.points_rules_modal import PointsRulesModal
from screens.admin.question_modal import QuestionModal
from screens.admin.surveys_screen import SurveysScreen
from screens.admin.tier_modal import TierModal
from screens.admin.voucher_modal import VoucherModal
from screens.admin.vouchers_screen import VouchersScreen, open_vouchers
from screens.commands import key_commands, open_surveys
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.dialogs.help_screen import keys_of
from screens.directory.directory_screen import DirectoryScreen
from screens.till.day_close_screen import DayCloseScreen
from screens.till.sale_modal import SaleModal
from shoptui.services import customers, surveys, users, vouchers
from shoptui.services.context import Actor
from shoptui.services.surveys import QuestionInput

from ..actors import SYSTEM
from .helpers import Notes, app_for, footer_names, pilot_test, until

SMALL = (80, 24)


def start(database, role: str):
    user = users.add_user("Lan", role, "2222", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=user)
    return app, Notes(app)


def help_names(app) -> set[str]:
    return {row.what for row in keys_of(app)}


def palette_names(app) -> set[str]:
    return {str(command.title).rsplit(" (", 1)[0] for command in key_commands(app, app.screen)}


async def refused_at_the_key(pilot, notes: Notes, key: str, sentence: str) -> None:
    screen = pilot.app.screen
    before = len(notes.texts("error"))
    await pilot.press(key)
    await until(pilot, lambda: len(notes.texts("error")) > before, what=f"the refusal of {key}")
    assert notes.texts("error")[-1] == sentence
    assert pilot.app.screen is screen, (key, pilot.app.screen)  # no form that could not be saved


@pilot_test
@pytest.mark.parametrize("role, offered", [("cashier", False), ("manager", True)])
async def test_the_vouchers_keys_are_offered_only_to_whom_may_use_them(database, role, offered):
    vouchers.create_voucher("WELCOME", "percent", 500, actor=SYSTEM)
    app, notes = start(database, role)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        open_vouchers(app)
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, VouchersScreen) and len(app.screen.rows) == 1 and "Back" in footer_names(app)
            ),
            what="the vouchers",
        )
        keys = {"New voucher", "Switch off"}
        for names in (set(footer_names(app)), help_names(app), palette_names(app)):
            assert (keys <= names) is offered and (not keys & names) is (not offered), names
        if offered:
            await pilot.press("f2")
            await until(pilot, lambda: isinstance(app.screen, VoucherModal))
        else:
            await refused_at_the_key(pilot, notes, "f2", "A cashier may not manage vouchers; ask a manager.")
            await refused_at_the_key(pilot, notes, "f6", "A cashier may not manage vouchers; ask a manager.")


@pilot_test
@pytest.mark.parametrize("role, offered", [("cashier", False), ("manager", True)])
async def test_the_surveys_keys_are_offered_only_to_whom_may_use_them(database, role, offered):
    surveys.define_question(QuestionInput(text="How did you find us?", kind="text"), SYSTEM)
    app, notes = start(database, role)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        open_surveys(app)
        await until(
            pilot,
            lambda: isinstance(app.screen, SurveysScreen) and len(app.screen.rows) == 1 and "Back" in footer_names(app),
            what="the surveys",
        )
        keys = {"New question", "Edit", "On/off"}
        for names in (set(footer_names(app)), help_names(app), palette_names(app)):
            assert (keys <= names) is offered and (not keys & names) is (not offered), names
        assert ("Move up" in help_names(app)) is offered
        if offered:
            await pilot.press("f2")
            await until(pilot, lambda: isinstance(app.screen, QuestionModal))
        else:
            sentence = "A cashier may not change surveys; ask a manager."
            for key in ("f2", "f4", "f6", "enter"):  # Enter on the list edits too
                await refused_at_the_key(pilot, notes, key, sentence)
            assert [q.active for q in surveys.questions()] == [True]


@pilot_test
@pytest.mark.parametrize("role, offered", [("cashier", False), ("owner", True)])
async def test_the_points_rules_offer_their_keys_only_to_the_owner(database, role, offered):
    app, notes = start(database, role)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        # F1 in the directory names F3 by what it does for this user.
        assert ("Points rules" in help_names(app)) is offered
        assert ("View points rules" in help_names(app)) is not offered
        assert ("View points rules" in palette_names(app)) is not offered
        await pilot.press("f3")
        await until(
            pilot,
            lambda: isinstance(app.screen, PointsRulesModal) and app.screen.query_one("#points_value").value,
            what="the rules",
        )
        rules = app.screen
        await until(pilot, lambda: "No tiers" in str(rules.query_one("#tiers-note", Static).render()), what="the note")
        # Shown to look at, not to type in: nothing typed there could be saved.
        assert all(
            rules.query_one(f"#{key}").disabled is not offered
            for key in (
                "points_earn_per",
                "points_value",
                "points_min_redeem",
                "points_expiry_days",
                "points_earn_on_points",
            )
        )
        hints = " ".join(str(static.render()) for static in rules.query(Static))
        assert ("F2" in hints) is offered, hints
        keys = {"New tier", "Edit tier", "Delete tier", "Save"}
        for names in (help_names(app), palette_names(app)):
            assert (keys <= names) is offered and (not keys & names) is (not offered), names
        if offered:
            await pilot.press("f2")
            await until(pilot, lambda: isinstance(app.screen, TierModal))
        else:
            sentence = "A cashier may not change settings; ask the owner."
            for key in ("f2", "f4", "f8", "ctrl+s"):
                await refused_at_the_key(pilot, notes, key, sentence)
            assert not isinstance(app.screen, TierModal)


@pilot_test
@pytest.mark.parametrize("role, offered", [("cashier", False), ("manager", True)])
async def test_whose_day_is_offered_only_to_whom_sees_the_whole_shop(database, role, offered):
    app, notes = start(database, role)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("f11")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DayCloseScreen) and app.screen.report is not None and "Back" in footer_names(app)
            ),
            what="the day close",
        )
        assert ("Whose day" in footer_names(app)) is offered
        assert ("Whose day" in help_names(app)) is offered
        if not offered:
            await refused_at_the_key(
                pilot, notes, "u", "A cashier may not see another user's day close; ask a manager."
            )
            assert app.screen.user_id == app.actor.user_id


@pilot_test
@pytest.mark.parametrize(
    "role, sentence",
    [
        (
            "cashier",
            "Nguyễn Văn An ({code}) is archived: ask a manager to make the customer active again before selling.",
        ),
        (
            "manager",
            "Nguyễn Văn An ({code}) is archived: make the customer active again (Status, F6 on the card) before selling.",
        ),
    ],
)
async def test_a_sale_to_an_archived_customer_is_refused_at_f5(database, role, sentence):
    an = customers.register({"name": "Nguyễn Văn An"}, SYSTEM).customer
    customers.archive(an, SYSTEM)
    app, notes = start(database, role)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(an.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        await refused_at_the_key(pilot, notes, "f5", sentence.format(code=an.code))
        assert not isinstance(app.screen, SaleModal)
