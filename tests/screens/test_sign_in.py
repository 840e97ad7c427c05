"""Sign-in, lock and roles, driven by Pilot: no users runs without sign-in and says so
once; with users the app starts at the sign-in; the header names the user and store;
Ctrl+L and idle time lock; a cashier's owner action through a key is refused."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input

from screens.admin.points_rules_modal import PointsRulesModal
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.directory.directory_screen import DirectoryScreen
from screens.sign_in.lock_screen import LockScreen
from screens.sign_in.sign_in_modal import SignInModal
from shoptui.models import AuditLog, Customer, Receipt, User
from shoptui.services import customers, settings, users

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, drawn, pilot_test, scan, screen_text, settled, started, until
from .till_helpers import sign_in, type_amount


@pytest.fixture
def staff(database):
    owner = users.add_user("Hoa", "owner", "9999", SYSTEM)
    cashier = users.add_user("Minh", "cashier", "1111", SYSTEM)
    return owner, cashier


@pilot_test
async def test_without_users_no_sign_in_and_one_quiet_hint(database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, DirectoryScreen)
        hints = [text for text in notes.texts() if "shoptui users add" in text]
        assert len(hints) == 1
        assert app.actor is None and app.title == "My shop"
        await pilot.press("ctrl+l")  # nothing to lock without users: no dialog
        await settled(pilot)
        assert isinstance(app.screen, DirectoryScreen) and not app.locked()


@pilot_test
async def test_with_users_the_app_starts_at_the_sign_in(staff, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInModal))
        # A scan behind the sign-in opens nothing.
        await scan(pilot, "2000000000015")
        await settled(pilot)
        assert isinstance(app.screen, SignInModal)
        await sign_in(pilot, "Minh", "0000")
        await until(pilot, lambda: "wrong PIN" in app.screen.field("pin").error, what="the wrong PIN")
        assert app.actor is None
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the directory")
        assert app.actor.user.name == "Minh" and app.actor.store.code == "MAIN"
        assert "Minh (cashier)" in app.title and "MAIN" in app.title


@pilot_test
async def test_ctrl_l_locks_and_the_pin_opens_where_it_was(staff, database):
    customer = customers.register({"name": "Lê Chi", "phone": "0911 222 333"}, SYSTEM).customer
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(customer.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
        assert "Minh locked the till" in screen_text(app)
        await type_amount(pilot, "Minh")
        await pilot.press("enter")  # on to the PIN
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
        await settled(pilot)
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
        await until(pilot, lambda: isinstance(app.screen, PointsRulesModal))
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
        from screens.till.sale_modal import SaleModal

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
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, PointsRulesModal)
                and app.screen.query_one("#points_value", Input).value == "1000"
            ),
        )
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


@pytest.mark.parametrize("screen_class", [SignInModal, LockScreen])
@pilot_test
async def test_the_user_and_pin_fields_are_drawn_as_boxes_at_80x24(staff, database, screen_class):
    """Each field has a frame around it on screen, so it reads as a place to type, not a label."""
    from .helpers import screen_text

    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInModal))
        if screen_class is LockScreen:
            app.push_screen(LockScreen("Minh"))
            await until(pilot, lambda: isinstance(app.screen, LockScreen))
        await until(
            pilot,
            lambda: app.screen.query(Input) and all(box.region.height for box in app.screen.query(Input)),
            what="the fields laid out",
        )
        await drawn(pilot)
        lines = screen_text(app).splitlines()
        for field_id in ("#sign-in-name", "#sign-in-pin"):
            box = app.screen.query_one(field_id, Input)
            region = box.region
            assert region.height == 3 and region.bottom <= 24, (field_id, region)
            top, bottom = lines[region.y], lines[region.bottom - 1]
            frame = top[region.x : region.right]
            assert frame.startswith("╭") and frame.endswith("╮") and set(frame[1:-1]) == {"─"}, (field_id, frame)
            assert bottom[region.x] == "╰" and bottom[region.right - 1] == "╯"
        if screen_class is SignInModal:  # still typed into as before
            await sign_in(pilot, "Minh", "1111")
            await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="signed in")


# --- the sign-in and the lock are a wall (issue 16, defect 1; issue 12, defect 9) ----------------


async def still_walled(pilot, screen_class=SignInModal) -> None:
    """Whatever was tried, the sign-in (or lock) is on top, with no palette over it."""
    from textual.command import CommandPalette

    app = pilot.app
    await pilot.pause()
    assert type(app.screen) is screen_class, app.screen_stack
    assert not CommandPalette.is_open(app)


async def every_way_around(pilot, screen_class) -> None:
    """The app keys and what the palette's commands call, tried behind the sign-in or the lock."""
    from screens import commands

    app = pilot.app
    for key in ("ctrl+p", "f1", "f3", "f5", "f11", "ctrl+t", "ctrl+o", "ctrl+l"):
        await pilot.press(key)
        await still_walled(pilot, screen_class)
    # What "Customer directory", "Reports", "Export month…" and the others run when picked.
    for command in commands.screen_commands(app):
        command.callback()
        await still_walled(pilot, screen_class)
    app.open_customer(Customer.get().id)
    app.register_customer(card="2000000000015")
    app.action_day_close()
    app.action_points_rules()
    await still_walled(pilot, screen_class)


@pilot_test
async def test_the_palette_does_not_open_on_the_sign_in(staff, database):
    """Ctrl+P, "Customer directory", Enter on the sign-in used to remove the sign-in: the app then
    ran with nobody signed in, which the services took for "everything allowed"."""
    customers.register({"name": "Lê Chi"}, SYSTEM)
    before = AuditLog.select().count()
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInModal), what="the sign-in")
        await pilot.press("ctrl+p")
        await type_amount(pilot, "Customer directory")
        await pilot.press("enter")
        # The keys went to the user field: Enter moved on to the PIN, the palette never opened.
        await until(pilot, lambda: app.screen.query_one("#sign-in-pin", Input).has_focus, what="the PIN field")
        await still_walled(pilot)
        assert app.screen.query_one("#sign-in-name", Input).value == "Customer directory"
        await every_way_around(pilot, SignInModal)
        assert app.actor is None and app.is_running
        assert app.screen.query_one("#sign-in-name", Input).value == "Customer directory"
        await pilot.press("enter")  # a user unknown, an empty PIN: refused as any wrong PIN
        await until(pilot, lambda: "wrong PIN" in app.screen.field("pin").error, what="the refusal")
        await still_walled(pilot)
    # Nothing written but the one wrong PIN (of nobody: the name is not a user's).
    assert AuditLog.select().count() == before


@pilot_test
async def test_the_lock_is_a_wall_and_ctrl_q_still_quits(staff, database):
    customers.register({"name": "Lê Chi"}, SYSTEM)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Hoa", "9999")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="signed in")
        before = AuditLog.select().count()
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen), what="the lock")
        await every_way_around(pilot, LockScreen)
        assert AuditLog.select().count() == before
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, what="the app quit")


@pilot_test
async def test_the_lock_starts_from_an_empty_user_field(staff, database):
    """The cashier locked; the owner types their name and PIN. The user field used to keep the
    cashier with the focus on the PIN, so "Hoa" and "9999" were two wrong PINs of the cashier."""
    _owner, cashier = staff
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="signed in")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen), what="the lock")
        name = app.screen.query_one("#sign-in-name", Input)
        assert name.value == "" and name.has_focus
        # A wrong PIN of the owner counts against the owner, never against the cashier.
        for keys in ("Hoa", "enter", "1111", "enter"):
            await (pilot.press("enter") if keys == "enter" else type_amount(pilot, keys))
        await until(pilot, lambda: "wrong PIN" in app.screen.field("pin").error, what="the wrong PIN")
        assert (users.get_user("Hoa").failed_pins, users.get_user("Minh").failed_pins) == (1, 0)
        await type_amount(pilot, "9999")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the owner signed in")
        assert app.actor.user.name == "Hoa"
    assert User.get_by_id(cashier.id).failed_pins == 0 and users.get_user("Hoa").failed_pins == 0


@pilot_test
async def test_letters_do_not_go_into_the_pin(staff, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInModal))
        app.screen.query_one("#sign-in-name", Input).value = "Minh"
        pin = app.screen.query_one("#sign-in-pin", Input)
        pin.focus()
        await type_amount(pilot, "owner1111")
        await until(pilot, lambda: pin.value == "1111", what="the digits only")


@pilot_test
async def test_tab_and_shift_tab_move_between_the_user_and_the_pin(staff, database):
    # Found by a hostile tester: from the PIN nothing went back to the user field, so a
    # mistyped name could only be fixed by quitting.
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInModal) and app.focused is not None, what="the sign-in")
        name = app.screen.query_one("#sign-in-name", Input)
        pin = app.screen.query_one("#sign-in-pin", Input)
        assert app.focused is name
        await pilot.press("tab")
        await until(pilot, lambda: app.focused is pin, what="the PIN")
        await pilot.press("shift+tab")
        await until(pilot, lambda: app.focused is name, what="back to the user")
        assert isinstance(app.screen, SignInModal)


@pilot_test
async def test_the_directory_reads_no_customer_until_a_right_pin(staff, database, monkeypatch):
    """Issue 16 (left open): with users, the directory under the sign-in read the customers
    at start (hidden, but in memory). Now nothing is read until someone signs in."""
    from screens.directory import directory_screen
    from shoptui.services import directory

    customers.register({"name": "Lê Chi", "phone": "0911 222 333"}, SYSTEM)
    reads: list[str] = []
    search, warm = directory.search, directory_screen.warm_up
    monkeypatch.setattr(directory, "search", lambda *a, **k: reads.append("search") or search(*a, **k))
    monkeypatch.setattr(directory_screen, "warm_up", lambda: reads.append("warm-up") or warm())
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInModal), what="the sign-in")
        directory_screen_ = app.screen_stack[0]
        assert isinstance(directory_screen_, DirectoryScreen)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await sign_in(pilot, "Minh", "0000")  # a wrong PIN reads nothing either
        await until(pilot, lambda: "wrong PIN" in app.screen.field("pin").error, what="the wrong PIN")
        await app.workers.wait_for_complete()
        assert reads == [] and directory_screen_.query_one("#customers").row_count == 0
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the directory")
        await until(pilot, lambda: app.screen.query_one("#customers").row_count == 1, what="the customer listed")
        assert "search" in reads and "warm-up" in reads


@pilot_test
@pytest.mark.parametrize("screen_class", [SignInModal, LockScreen])
async def test_the_focus_cycles_between_user_and_pin_only_and_a_wrong_pin_leaves_it_on_the_pin(
    staff, database, screen_class
):
    # Issue 12 (new-user tester): User → PIN → an invisible stop, where what was typed was
    # lost: after "lan" Tab "9999" Enter (wrong PIN), Tab, "2" appeared nowhere.
    users.add_user("Lan", "cashier", "2222", SYSTEM)
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        if screen_class is LockScreen:
            await sign_in(pilot, "Minh", "1111")
            await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
            await pilot.press("ctrl+l")
        await until(pilot, lambda: type(app.screen) is screen_class and app.focused is not None, what="the sign-in")
        screen = app.screen
        name = screen.query_one("#sign-in-name", Input)
        pin = screen.query_one("#sign-in-pin", Input)
        assert app.focused is name
        await pilot.press(*"lan", "tab", *"9999", "enter")
        await until(pilot, lambda: screen.field("pin").error != "", what="the wrong PIN")
        assert app.focused is pin and pin.value == ""  # where the cashier types next, emptied
        for key, there in (("tab", name), ("tab", pin), ("shift+tab", name), ("shift+tab", pin)):
            await pilot.press(key)
            await until(pilot, lambda: app.focused is there, what=f"{key} to {there.id}")
        await pilot.press("tab", "2")
        # (Tab selects the field's text, so the 2 may replace "lan": it is there, not lost.)
        await until(pilot, lambda: name.value in ("lan2", "2"), what="the 2 typed in the user field")
        await pilot.press("tab", "2")
        await until(pilot, lambda: pin.value == "2", what="the 2 typed in the PIN")
