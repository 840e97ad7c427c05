"""The register and edit dialogs make one service call: a refusal saves nothing and is one
sentence on its field. (The dialogs are told apart by class name, so these tests do not
depend on which module of screens/ holds them.)"""

from __future__ import annotations

from textual.widgets import DataTable, Input

from shoptui.models import AuditLog, Customer
from shoptui.services import cards, customers

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, pilot_test, settled, until

CARD = "2000000000015"


def shop() -> Customer:
    customers.define_property("eyesight", "Eyesight", "number", actor=SYSTEM)
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}, SYSTEM).customer
    customers.set_property(an, "eyesight", "-1.5", SYSTEM)
    cards.issue_card(an, CARD, actor=SYSTEM)
    return an


def on(app, class_name: str) -> bool:
    return type(app.screen).__name__ == class_name and app.screen.is_mounted


def eyesight(customer: Customer) -> str | None:
    return dict((d.code, v) for d, v in customers.properties_of(Customer.get_by_id(customer.id)))["eyesight"]


def one_sentence(text: str) -> bool:
    """One sentence a person reads: no line break, no exception name, one full stop at the end."""
    body = text.rstrip()
    return bool(body) and "\n" not in body and "Error" not in body and body.count(". ") == 0 and body[-1] in ".!?"


@pilot_test
async def test_the_register_dialog_with_a_card_someone_holds_saves_nothing_and_says_one_sentence(database):
    shop()
    customers_before, audit_before = Customer.select().count(), AuditLog.select().count()
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await until(pilot, lambda: on(app, "DirectoryScreen"))
        await settled(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: on(app, "RegisterModal"))
        modal = app.screen
        modal.query_one("#name", Input).value = "Võ Hải"
        modal.query_one("#phone", Input).value = "0903 999 888"
        modal.query_one("#card", Input).value = CARD
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("card").error, what="an error on the card")
        await settled(pilot)
        error = modal.field("card").error
        assert "already belongs to Nguyễn Văn An" in error and one_sentence(error), error
        assert on(app, "RegisterModal")  # the form stays open to correct the card
        assert [text for text in notes.texts() if "Võ Hải" in text or "card" in text.lower()] == []
    assert (Customer.select().count(), AuditLog.select().count()) == (customers_before, audit_before)


@pilot_test
async def test_the_edit_dialog_saves_no_property_when_a_field_is_refused(database):
    """The dialog used to write each changed property in its own transaction before the
    fields: a refused e-mail left the new eyesight saved behind the error."""
    an = shop()
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: on(app, "DirectoryScreen"))
        await until(pilot, lambda: app.screen.query_one("#customers", DataTable).row_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: on(app, "CustomerCardScreen") and app.screen.data is not None)
        await pilot.press("f4")
        await until(pilot, lambda: on(app, "EditCustomerModal"))
        modal = app.screen
        modal.query_one("#prop-eyesight", Input).value = "-2"
        modal.query_one("#email", Input).value = "an-at-example"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("email").error, what="an error on the e-mail")
        await settled(pilot)
        assert one_sentence(modal.field("email").error), modal.field("email").error
        assert eyesight(an) == "-1.5"
        modal.query_one("#email", Input).value = "an@example.com"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: on(app, "CustomerCardScreen"))
    assert eyesight(an) == "-2" and Customer.get_by_id(an.id).email == "an@example.com"
