"""The points rules screen's tiers, driven by Pilot: the owner adds, edits and deletes a
tier with a form (errors on their field); a cashier's attempt is refused and changes
nothing; a tier's name is shown as text, never as markup."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from screens.admin.points_rules_modal import PointsRulesModal
from screens.admin.tier_modal import TierModal
from screens.dialogs.choice_modal import ChoiceModal
from screens.directory.directory_screen import DirectoryScreen
from shoptui.models import AuditLog, PointsTier
from shoptui.services import tiers, users
from shoptui.services.context import Actor
from shoptui.services.tiers import TierInput

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, pilot_test, screen_text, until
from .till_helpers import sign_in


@pytest.fixture
def staff(database):
    owner = users.add_user("Hoa", "owner", "9999", SYSTEM)
    cashier = users.add_user("Minh", "cashier", "1111", SYSTEM)
    return owner, cashier


async def open_rules(pilot, name: str, pin: str) -> PointsRulesModal:
    app = pilot.app
    await sign_in(pilot, name, pin)
    await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
    await pilot.press("f3")
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, PointsRulesModal) and app.screen.query_one("#points_value", Input).value == "1000"
        ),
        what="the rules",
    )
    return app.screen


def fill(modal: TierModal, **values: str) -> None:
    for name, value in values.items():
        modal.query_one(f"#tier-{name.replace('_', '-')}", Input).value = value


@pilot_test
async def test_the_owner_adds_edits_and_deletes_a_tier(staff, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        rules = await open_rules(pilot, "Hoa", "9999")
        assert "No tiers" in screen_text(app) and not rules.query("#points-rules-read-only")
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, TierModal))
        modal = app.screen
        fill(modal, name="Gold", min_spend="2.000.000", earn_per="abc", discount="5")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Not an amount" in modal.field("earn_per").error, what="the amount error")
        fill(modal, earn_per="5000", discount="120")
        await pilot.press("ctrl+s")
        # The form's reader or the service refuses it; either way on the discount's field.
        await until(pilot, lambda: "100" in modal.field("discount").error, what="the discount error")
        assert not PointsTier.select().exists()
        fill(modal, discount="2,5")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is rules and len(rules.tiers) == 1, what="the tier listed")
        gold = PointsTier.get()
        assert (gold.name, gold.min_spend, gold.earn_per, gold.discount_bp) == ("Gold", 2_000_000, 5_000, 250)
        shown = screen_text(app)
        assert "Gold" in shown and "2.5%" in shown and "₫2,000,000" in shown

        # F4 edits the highlighted tier; the form opens with its values.
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, TierModal))
        modal = app.screen
        assert modal.query_one("#tier-min-spend", Input).value == "2000000"
        assert modal.query_one("#tier-discount", Input).value == "2.5"
        fill(modal, name="Vàng", discount="8")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is rules and rules.tiers and rules.tiers[0].name == "Vàng")
        assert PointsTier.get().discount_bp == 800

        # F8 asks first; "Keep it" keeps it, "Delete" deletes it.
        await pilot.press("f8")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("enter")  # the first choice: keep it
        await until(pilot, lambda: app.screen is rules)
        assert PointsTier.select().count() == 1
        await pilot.press("f8")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.screen is rules and not rules.tiers, what="the tier gone")
    assert not PointsTier.select().exists()
    actions = [e.action for e in AuditLog.select().where(AuditLog.entity == "points_tier").order_by(AuditLog.id)]
    assert actions == ["tier.add", "tier.update", "tier.delete"]


@pilot_test
async def test_a_duplicate_threshold_is_refused_on_the_form(staff, database):
    owner, _cashier = staff
    tiers.add_tier(TierInput("Silver", 500_000, 8_000, 100), Actor(user=owner))
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_rules(pilot, "Hoa", "9999")
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, TierModal))
        fill(app.screen, name="Gold", min_spend="500000", earn_per="5000", discount="")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: notes.texts("error"), what="the refusal")
        assert notes.texts("error") == ["Tier Silver already starts at this spend; each tier needs its own threshold."]
        assert isinstance(app.screen, TierModal)  # the form stays open to correct it
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PointsRulesModal))
    assert PointsTier.select().count() == 1


@pilot_test
async def test_a_cashier_adding_editing_or_deleting_a_tier_is_refused(staff, database):
    # Refused at the key (issue 12): no tier form opens that the cashier could not save.
    owner, _cashier = staff
    tier_id = tiers.add_tier(TierInput("Silver", 500_000, 8_000, 100), Actor(user=owner))
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        rules = await open_rules(pilot, "Minh", "1111")
        await until(pilot, lambda: len(rules.tiers) == 1)
        assert "Only the owner may change the points rules and tiers" in screen_text(app)
        await pilot.press("f2")
        await until(pilot, lambda: len(notes.texts("error")) == 1, what="the first refusal")
        assert app.screen is rules
        rules.query_one("#tiers", DataTable).focus()
        await pilot.press("enter")  # Enter on the list edits too
        await until(pilot, lambda: len(notes.texts("error")) == 2, what="the second refusal")
        assert app.screen is rules
        await pilot.press("f8")
        await until(pilot, lambda: len(notes.texts("error")) == 3, what="the third refusal")
        assert app.screen is rules
        assert not isinstance(app.screen, (TierModal, ChoiceModal))
    assert set(notes.texts("error")) == {"A cashier may not change settings; ask the owner."}
    assert tiers.list_tiers() == [tiers.TierRow(tier_id, "Silver", 500_000, 8_000, 100)]
    assert not AuditLog.select().where(AuditLog.entity == "points_tier", AuditLog.user == _cashier.id).exists()


@pilot_test
async def test_a_hostile_tier_name_is_shown_as_text(staff, database):
    owner, _cashier = staff
    tiers.add_tier(TierInput("[bold red]Gold[/] [link=x]", 0, 8_000, 100), Actor(user=owner))
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        rules = await open_rules(pilot, "Hoa", "9999")
        await until(pilot, lambda: len(rules.tiers) == 1)
        await until(pilot, lambda: "[bold red]Gold[/]" in screen_text(app), what="the tier's name, literally")


@pytest.mark.parametrize("value", ["0", "-5", "0,0"])
def test_a_rule_that_must_be_more_than_zero_names_its_field(database, value):
    from screens.admin.points_rules_modal import save_rules
    from shoptui.errors import ValidationError
    from shoptui.services import settings

    with pytest.raises(ValidationError) as refused:
        save_rules({"points_earn_per": value, "points_value": "1000"}, None)
    assert str(refused.value) == "Money per point earned must be more than zero."
    assert refused.value.field == "points_earn_per"
    with pytest.raises(ValidationError, match="^Money one redeemed point pays must be more than zero.$"):
        save_rules({"points_earn_per": "10000", "points_value": value}, None)
    assert settings.get("points_earn_per") == "10000"  # nothing saved
