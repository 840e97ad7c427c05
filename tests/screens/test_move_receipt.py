"""Moving a receipt recorded on the wrong customer (F2 on the card, a manager's job): the
sale highlighted on the Sales tab, the right customer's card scanned, a confirmation
naming both, then its points and credit move by compensating entries; refusals are
the service's own sentences, on the field they are about."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static, TabbedContent

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.dialogs.choice_modal import ChoiceModal
from screens.till.move_receipt_modal import MoveReceiptModal
from shoptui.check import run_checks
from shoptui.errors import PermissionDenied, RuleViolation
from shoptui.models import AuditLog, Customer, Receipt
from shoptui.services import cards, checkout, customers, points, receipt_owner, sale_return, settings, users
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, pilot_test, scan, until
from .till_helpers import card_open

B_CARD = "2000000000992"  # an in-store EAN-13: the shop's own card


@pytest.fixture
def shop(database):
    """A sale of 200,000 on An (20 points redeemed, 50,000 on credit) that was Chi's."""
    settings.set_value("points_earn_per", "10000")
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678", "credit_limit": 500_000}).customer
    chi = customers.register({"name": "Lê Chi", "phone": "0987 333 444", "credit_limit": 500_000}).customer
    cards.issue_card(chi, B_CARD)
    points.adjust_points(an, 40, "welcome")
    points.adjust_points(chi, 5, "welcome")
    sale = checkout.record_sale(SaleInput(customer=an, amount=200_000, points=20, credit=50_000)).receipt
    manager = users.add_user("Lan", "manager", "4321", SYSTEM)
    cashier = users.add_user("Minh", "cashier", "1111", SYSTEM)
    return Customer.get_by_id(an.id), Customer.get_by_id(chi.id), sale, manager, cashier


async def open_move(pilot, customer_id: int, from_sales_tab: bool = True) -> MoveReceiptModal:
    app = pilot.app
    app.open_customer(customer_id)
    card = await card_open(pilot, customer_id)
    if from_sales_tab:
        card.query_one("#card-tabs", TabbedContent).active = "sales"
        await pilot.pause()
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(app.screen, MoveReceiptModal), what="the move dialog")
    modal = app.screen
    if from_sales_tab:
        await until(pilot, lambda: modal.facts is not None, what="the receipt's facts")
    return modal


async def confirmation_shown(pilot) -> ChoiceModal:
    """The question, ready for keys (its list has the focus, not the dialog beneath)."""
    app = pilot.app
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, ChoiceModal)
            and app.screen.is_mounted
            and app.focused is app.screen.query_one("#choices", OptionList)
        ),
        what="the confirmation",
    )
    return app.screen


def facts_text(modal: MoveReceiptModal) -> str:
    return str(modal.query_one("#move-facts", Static).render())


def choice_text(app) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


def service_refusal(receipt, target, actor) -> str:
    """What receipt_owner.move_receipt itself says (it writes nothing when it refuses)."""
    with pytest.raises(RuleViolation) as refused:
        receipt_owner.move_receipt(receipt, target, actor)
    return str(refused.value)


@pilot_test
async def test_a_manager_moves_a_sale_with_points_and_credit_by_scanning_the_right_card(shop, database):
    an, chi, sale, manager, _cashier = shop
    an_points_before_sale = 40
    carried = an.points_balance - an_points_before_sale  # earned minus redeemed
    app = app_for(database)
    app.actor = Actor(user=manager)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_move(pilot, an.id)
        assert modal.query_one("#move-receipt", Input).value == sale.number
        facts = facts_text(modal)
        assert sale.number in facts and "₫200,000" in facts and "Nguyễn Văn An" in facts
        assert "redeemed 20" in facts and "on credit ₫50,000" in facts
        await scan(pilot, B_CARD)
        await confirmation_shown(pilot)
        question = choice_text(app)
        for part in ("Nguyễn Văn An", an.code, "Lê Chi", chi.code, sale.number, "₫50,000", "redeemed 20"):
            assert part in question
        assert Receipt.get_by_id(sale.id).customer_id == an.id  # not before the answer
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen), what="back on the card")
        card = app.screen
        await until(pilot, lambda: card.data is not None and not card.data.sales.rows, what="the card reloaded")
        assert card.data.header.points == an_points_before_sale and card.data.header.debt == 0
        assert any("moved" in t and "Lê Chi" in t and chi.code in t for t in notes.texts())
        app.open_customer(chi.id)
        chi_card = await card_open(pilot, chi.id)
        assert [r.number for r in chi_card.data.sales.rows] == [sale.number]
        assert chi_card.data.header.points == 5 + carried and chi_card.data.header.debt == 50_000
    assert Receipt.get_by_id(sale.id).customer_id == chi.id
    assert Customer.get_by_id(an.id).points_balance == an_points_before_sale
    assert Customer.get_by_id(an.id).debt_balance == 0
    assert Customer.get_by_id(chi.id).points_balance == 5 + carried
    assert Customer.get_by_id(chi.id).debt_balance == 50_000
    entry = AuditLog.get(AuditLog.action == "receipt.move")
    assert entry.user_id == manager.id
    assert run_checks() == []


@pilot_test
async def test_a_cashier_is_refused_at_the_key_and_by_the_service(shop, database):
    an, chi, sale, _manager, cashier = shop
    app = app_for(database)
    app.actor = Actor(user=cashier)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(an.id)
        await card_open(pilot, an.id)
        await pilot.press("f2")
        await until(pilot, lambda: notes.texts("error"), what="the refusal")
        assert "move a receipt" in notes.texts("error")[0]
        assert isinstance(app.screen, CustomerCardScreen)
    with pytest.raises(PermissionDenied):
        receipt_owner.move_receipt(sale, chi, Actor(user=cashier))
    assert Receipt.get_by_id(sale.id).customer_id == an.id


@pilot_test
async def test_an_anonymous_receipt_a_return_and_the_same_customer_are_refused_on_their_field(shop, database):
    an, chi, sale, manager, _cashier = shop
    boss = Actor(user=manager)
    anonymous = checkout.record_sale(SaleInput(customer=None, amount=30_000), actor=SYSTEM).receipt
    small = checkout.record_sale(SaleInput(customer=an, amount=20_000), actor=SYSTEM).receipt
    returned = sale_return.record_return(small, actor=SYSTEM).receipt
    anonymous_says = service_refusal(anonymous, chi, boss)
    return_says = service_refusal(returned, chi, boss)
    same_says = service_refusal(sale, an, boss)
    app = app_for(database)
    app.actor = boss
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_move(pilot, an.id, from_sales_tab=False)
        assert modal.facts is None and app.screen.focused is modal.query_one("#move-receipt", Input)
        short = str(int(anonymous.number.rsplit("-", 1)[1]))
        await pilot.press(*short, "enter")
        await until(pilot, lambda: modal.field("receipt").error, what="the anonymous refusal")
        assert modal.field("receipt").error == anonymous_says
        assert "no card" in facts_text(modal)
        modal.query_one("#move-receipt", Input).value = returned.number
        await pilot.press("enter")
        await until(
            pilot,
            lambda: returned.number in facts_text(modal) and modal.field("receipt").error,
            what="the return refused",
        )
        assert modal.field("receipt").error == return_says
        modal.query_one("#move-receipt", Input).value = sale.number
        await pilot.press("enter")
        await until(pilot, lambda: modal.facts is not None, what="the sale shown")
        await pilot.press(*an.code)
        await until(pilot, lambda: modal.query_one("#move-results", OptionList).option_count == 1, what="An found")
        await pilot.press("enter")
        await until(pilot, lambda: modal.field("customer").error, what="the same customer refused")
        assert modal.field("customer").error == same_says
        assert isinstance(app.screen, MoveReceiptModal)
    assert Receipt.get_by_id(sale.id).customer_id == an.id
    assert Receipt.get_by_id(anonymous.id).customer_id is None
    assert run_checks() == []


@pilot_test
async def test_hostile_names_are_shown_literally_and_escape_changes_nothing(database):
    settings.set_value("points_earn_per", "10000")
    wrong = customers.register({"name": "[bold]Sai[/bold] \\[x]", "phone": "0912 000 111"}).customer
    right = customers.register({"name": "[red]Đúng[/red] $(rm -rf /)", "phone": "0912 000 222"}).customer
    sale = checkout.record_sale(SaleInput(customer=wrong, amount=100_000)).receipt
    app = app_for(database)  # a single-user shop: anyone may move it
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_move(pilot, wrong.id)
        assert "[bold]Sai[/bold] \\[x]" in facts_text(modal)
        await pilot.press(*right.code)
        results = modal.query_one("#move-results", OptionList)
        await until(pilot, lambda: results.option_count == 1, what="the right customer listed")
        assert "[red]Đúng[/red] $(rm -rf /)" in str(results.get_option_at_index(0).prompt)
        await pilot.press("down", "enter")
        await confirmation_shown(pilot)
        question = choice_text(app)
        assert "[bold]Sai[/bold] \\[x]" in question and "[red]Đúng[/red] $(rm -rf /)" in question
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is modal, what="back in the dialog")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen), what="back on the card")
    assert Receipt.get_by_id(sale.id).customer_id == wrong.id
    assert not AuditLog.select().where(AuditLog.action == "receipt.move").exists()
    assert run_checks() == []


@pilot_test
async def test_f2_is_listed_and_a_phone_typed_with_enter_at_once_picks_the_one_customer(shop, database):
    from screens.commands import key_commands
    from screens.dialogs.help_screen import keys_of

    an, chi, sale, manager, _cashier = shop
    app = app_for(database)
    app.actor = Actor(user=manager)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(an.id)
        await card_open(pilot, an.id)
        title = "Move receipt to another customer"
        assert ("F2", title) in [(row.key, row.what) for row in keys_of(app)]
        assert f"{title} (F2)" in [command.title for command in key_commands(app, app.screen)]
        modal = await open_move(pilot, an.id)
        await pilot.press(*"0987333444", "enter")  # before the list has answered
        await confirmation_shown(pilot)
        assert "Lê Chi" in choice_text(app)
        await pilot.press("down", "enter")  # Cancel
        await until(pilot, lambda: app.screen is modal)
    assert Receipt.get_by_id(sale.id).customer_id == an.id


@pilot_test
async def test_a_target_archived_meanwhile_is_refused_by_the_service_on_the_customer_field(shop, database):
    an, chi, sale, manager, _cashier = shop
    app = app_for(database)
    app.actor = Actor(user=manager)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_move(pilot, an.id)
        await pilot.press(*chi.code)
        await until(pilot, lambda: modal.query_one("#move-results", OptionList).option_count == 1, what="Chi found")
        await pilot.press("enter")
        await confirmation_shown(pilot)
        customers.archive(chi, actor=SYSTEM)  # at another till, before the answer
        says = service_refusal(sale, chi, Actor(user=manager))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is modal and modal.field("customer").error, what="the refusal")
        assert modal.field("customer").error == says
    assert Receipt.get_by_id(sale.id).customer_id == an.id
    assert run_checks() == []
