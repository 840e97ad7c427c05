"""The hostile-input corpus (tests/hostile.py) pasted into the main forms, one app session
per form, one value after another: registering a customer, editing one, and the sale's
amount. The app stays up; a value is either kept (as the service cleans it: control
characters out, nothing else changed) or refused with one sentence on one line."""

from __future__ import annotations

from textual.widgets import Input

from screens.customer.edit_customer_modal import EditCustomerModal
from screens.directory.directory_screen import DirectoryScreen
from screens.directory.register_modal import RegisterModal
from screens.till.sale_modal import SaleModal
from shoptui.errors import ShopError
from shoptui.models import Customer
from shoptui.money import MAX_MINOR, parse_money
from shoptui.services import customer_view, customers
from shoptui.services.customers import clean_text
from tests.hostile import AMOUNTS, DATES, hostile_strings

from .helpers import SIZE, Notes, app_for, pilot_test, until
from .till_helpers import open_sale

CORPUS = hostile_strings()


def one_refusal(modal, notes: Notes, before: int) -> str:
    """The one sentence a refused value got: under its field or as a notification."""
    said = [field.error for field in modal._fields.values() if field.error] + notes.texts("error")[before:]
    assert len(said) == 1, said
    assert "\n" not in said[0].strip() and "Error" not in said[0], said[0]
    return said[0]


def answered(app, modal, notes: Notes, before: int, saved: list | None = None) -> bool:
    if app.screen is not modal:
        return saved is None or bool(saved)  # the callback runs once the modal is gone
    return not modal.busy and (
        any(field.error for field in modal._fields.values()) or len(notes.texts("error")) > before
    )


async def modal_open(pilot, modal):
    pilot.app.push_screen(modal, getattr(modal, "saved_to", None))
    await until(pilot, lambda: pilot.app.screen is modal and bool(modal.query("#name")))
    return modal


@pilot_test
async def test_the_registration_form_keeps_or_refuses_each_hostile_name(database):
    """Every string but the amounts and dates (names, all the same, but many more saves)."""
    app = app_for(database)
    notes = Notes(app)
    kept = refused = 0
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        modal = None
        saved: list = []
        for i, text in enumerate(
            t for t in CORPUS if t not in hostile_strings(False, AMOUNTS) + hostile_strings(False, DATES)
        ):
            if modal is None or app.screen is not modal:  # a refused value leaves the form open for the next
                saved = []
                modal = RegisterModal()
                modal.saved_to = saved.append
                await modal_open(pilot, modal)
            modal.query_one("#name", Input).value = text
            modal.query_one("#phone", Input).value = f"0913 {i:03d} {i:03d}"
            before = len(notes.texts("error"))
            modal.action_save()
            await until(pilot, lambda: answered(app, modal, notes, before, saved), what=repr(text[:40]))
            if app.screen is modal:
                one_refusal(modal, notes, before)
                refused += 1
            else:
                assert saved and saved[0] is not None, repr(text[:40])
                assert Customer.get_by_id(saved[0]).name == clean_text(text, "name"), repr(text[:40])
                kept += 1
        assert app.is_running
    assert kept > 60 and refused > 0  # blank names and names over 200 characters are refused


@pilot_test
async def test_the_edit_form_keeps_or_refuses_each_hostile_value(database):
    """The name, the credit limit (an amount) and the birthday (a date) take each string."""
    customer = customers.register({"name": "An", "phone": "0912 345 678"}).customer
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        modal = None
        for text in CORPUS:
            if modal is None or app.screen is not modal:
                modal = await modal_open(pilot, EditCustomerModal(customer_view.profile(customer.id), app.formats))
            modal.query_one("#name", Input).value = text
            modal.query_one("#credit_limit", Input).value = text
            modal.query_one("#birthday", Input).value = text if len(text) < 40 else ""
            before = len(notes.texts("error"))
            modal.action_save()
            await until(pilot, lambda: answered(app, modal, notes, before), what=repr(text[:40]))
            if app.screen is modal:
                one_refusal(modal, notes, before)
            else:
                stored = Customer.get_by_id(customer.id)
                assert stored.name == clean_text(text, "name"), repr(text[:40])
                assert stored.credit_limit == (parse_money(text.strip(), "VND") if text.strip() else None), repr(text)
        assert app.is_running


@pilot_test
async def test_the_sale_amount_reads_or_refuses_each_hostile_value(database):
    customer = customers.register({"name": "An", "phone": "0912 345 678"}).customer
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        modal = await open_sale(pilot, customer.id)
        amount = modal.query_one("#amount", Input)
        for text in CORPUS:
            amount.value = text
            shown = amount.value  # what the field took (it holds 30 characters)
            try:
                expected = parse_money(shown.strip(), "VND") if shown.strip() else None
            except ShopError:
                expected = None
            await pilot.pause()  # the field's Changed message is handled
            if expected is not None and 0 < expected <= MAX_MINOR:
                await until(
                    pilot,
                    lambda: (
                        modal.last_quote is not None
                        and modal.last_quote.subtotal == expected
                        or bool(modal.field("amount").error)
                    ),
                    what=repr(shown),
                )
            else:
                # Refused (no quote), or a quote of what was read (0, or a negative the quote takes).
                await until(
                    pilot,
                    lambda: modal.last_quote is None or expected is not None and modal.last_quote.subtotal == expected,
                    what=repr(shown),
                )
            error = modal.field("amount").error
            assert "\n" not in error.strip() and "Error" not in error, error
            assert isinstance(app.screen, SaleModal) and app.is_running


def test_an_unexpected_error_on_screen_is_one_sentence_without_its_name():
    """What a worker's unexpected error shows (db_work.run_db, the report screen)."""
    import sqlite3

    from screens.db_work import unexpected_message

    class App:
        db_url = "postgresql://shop:s3cr3t@db/shop"

    said = unexpected_message(App(), OverflowError("date value out of range"))
    assert "OverflowError" not in said and "out of range" not in said and "\n" not in said
    full = unexpected_message(App(), sqlite3.OperationalError("database or disk is full"))
    assert "full" in full and "s3cr3t" not in full and "OperationalError" not in full
