"""Sign-in, lock and roles, driven by Pilot: no users runs without sign-in and says so
once; with users the app starts at the sign-in; the header names the user and store;
Ctrl+L and idle time lock; a cashier's owner action through a key is refused."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input

from screens.customer_card_screen import CustomerCardScreen
from screens.directory_screen import DirectoryScreen
from screens.lock_screen import LockScreen
from screens.points_rules_screen import PointsRulesScreen
from screens.sign_in_screen import SignInScreen
from shoptui.models import AuditLog, Receipt
from shoptui.services import customers, settings, users

from .helpers import SIZE, Notes, app_for, pilot_test, scan, until
from .till_helpers import type_amount


@pytest.fixture
def staff(database):
    owner = users.add_user("Hoa", "owner", "9999")
    cashier = users.add_user("Minh", "cashier", "1111")
    return owner, cashier


async def sign_in(pilot, name: str, pin: str) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, SignInScreen), what="the sign-in")
    app.screen.query_one("#sign-in-name", Input).value = name
    app.screen.query_one("#sign-in-pin", Input).focus()
    await type_amount(pilot, pin)
    await pilot.press("enter")


@pilot_test
async def test_without_users_no_sign_in_and_one_quiet_hint(database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert isinstance(app.screen, DirectoryScreen)
        hints = [text for text in notes.texts() if "shoptui users add" in text]
        assert len(hints) == 1
        assert app.actor is None and app.title == "My shop"
        await pilot.press("ctrl+l")  # nothing to lock without users: no dialog
        await pilot.pause(0.1)
        assert isinstance(app.screen, DirectoryScreen) and not app.locked()


@pilot_test
async def test_with_users_the_app_starts_at_the_sign_in(staff, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        # A scan behind the sign-in opens nothing.
        await scan(pilot, "2000000000015")
        await pilot.pause(0.2)
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "Minh", "0000")
        await until(pilot, lambda: "wrong PIN" in app.screen.field("pin").error, what="the wrong PIN")
        assert app.actor is None
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the directory")
        assert app.actor.user.name == "Minh" and app.actor.store.code == "MAIN"
        assert "Minh (cashier)" in app.title and "MAIN" in app.title


@pilot_test
async def test_ctrl_l_locks_and_the_pin_opens_where_it_was(staff, database):
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}).customer
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(customer.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
        assert app.screen.query_one("#sign-in-name", Input).value == "Minh"
        await type_amount(pilot, "1111")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen), what="back on the card")
        # Another user signing in at the lock starts from the directory.
        await pilot.press("ctrl+l")
        await sign_in(pilot, "Hoa", "9999")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        assert app.actor.user.name == "Hoa" and "Hoa (owner)" in app.title


@pilot_test
async def test_idle_time_locks(staff, database):
    app = app_for(database)
    app.idle_lock_minutes = 1
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.call_later(app.lock_if_idle)
        await pilot.pause(0.1)
        assert not app.locked()
        app.last_key_at = time.monotonic() - 61
        app.call_later(app.lock_if_idle)  # as the app's timer calls it
        await until(pilot, lambda: isinstance(app.screen, LockScreen), what="the idle lock")


@pilot_test
async def test_a_cashier_changing_the_points_rules_by_key_is_refused(staff, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, PointsRulesScreen))
        app.screen.query_one("#points_earn_per", Input).value = "5000"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: notes.texts("error"), what="the refusal")
        assert "A cashier may not change settings; ask the owner." in notes.texts("error")
    assert settings.get("points_earn_per") == "10000"
    assert not AuditLog.select().where(AuditLog.action.startswith("setting")).exists()


@pilot_test
async def test_the_signed_in_cashier_is_on_the_receipt(staff, database):
    _owner, cashier = staff
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("f5")  # a sale without a card
        from screens.sale_modal import SaleModal
        from .till_helpers import done_shown

        await until(pilot, lambda: isinstance(app.screen, SaleModal))
        await type_amount(pilot, "50000")
        await pilot.press("enter")
        await done_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
    receipt = Receipt.get()
    assert receipt.customer_id is None and receipt.cashier_id == cashier.id and receipt.total == 50_000


@pilot_test
async def test_the_owner_changes_the_points_rules(staff, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Hoa", "9999")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, PointsRulesScreen)
                    and app.screen.query_one("#points_value", Input).value == "1000")
        screen = app.screen
        screen.query_one("#points_earn_per", Input).value = "abc"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "not an amount" in screen.field("points_earn_per").error, what="the field error")
        assert settings.get("points_earn_per") == "10000"
        screen.query_one("#points_earn_per", Input).value = "5000"
        screen.query_one("#points_expiry_days", Input).value = "365"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
    settings.clear_cache()
    assert settings.get("points_earn_per") == "5000" and settings.get("points_expiry_days") == "365"


@pytest.mark.parametrize("screen_class", [SignInScreen, LockScreen])
@pilot_test
async def test_the_user_and_pin_fields_are_drawn_as_boxes_at_80x24(staff, database, screen_class):
    """Each field has a frame around it on screen, so it reads as a place to type, not a label."""
    from .helpers import screen_text

    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        if screen_class is LockScreen:
            app.push_screen(LockScreen("Minh"))
            await until(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.pause(0.05)
        lines = screen_text(app).splitlines()
        for field_id in ("#sign-in-name", "#sign-in-pin"):
            box = app.screen.query_one(field_id, Input)
            region = box.region
            assert region.height == 3 and region.bottom <= 24, (field_id, region)
            top, bottom = lines[region.y], lines[region.bottom - 1]
            frame = top[region.x:region.right]
            assert frame.startswith("╭") and frame.endswith("╮") and set(frame[1:-1]) == {"─"}, (field_id, frame)
            assert bottom[region.x] == "╰" and bottom[region.right - 1] == "╯"
        if screen_class is SignInScreen:  # still typed into as before
            await sign_in(pilot, "Minh", "1111")
            await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="signed in")
