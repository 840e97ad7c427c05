"""What the app does for the till besides screens: sign-in at start when the shop has
users, the lock (Ctrl+L, and after ``idle_lock_minutes`` without a key), the signed-in
user and store in the header, and the till's app-wide keys (a sale without a card from
the directory, the day close, the points rules).

The sign-in and the lock are a wall (``walled``): while the shop has users and nobody is
signed in, or the till is locked, no app key but Ctrl+Q acts, the command palette does not
open, no other screen is pushed above the sign-in and nothing pops it but a right PIN. The
services refuse an actor without a user as well; this keeps the screens from even trying.

A mixin of ``ShopApp`` so that app.py stays small; it uses the app's ``actor``,
``formats``, ``shop_name``, ``sign_in_required``, ``idle_lock_minutes`` and ``last_key_at``.
"""

from __future__ import annotations

import time

from textual.await_complete import AwaitComplete
from textual.binding import Binding

from shoptui.i18n import N_, _
from shoptui.services.context import ROLE_NAMES, Actor

from .sign_in.lock_screen import LockScreen
from .sign_in.sign_in_modal import SignInModal
from .text import printable

# Shown in the footer only where they act (see check_action); the day close and the
# points rules stay out of the crowded footer (F1 help and the palette list them).
TILL_BINDINGS = [
    Binding("ctrl+l", "lock", N_("Lock"), id="lock", priority=True),
    Binding("f5", "anonymous_sale", N_("Sale"), id="anonymous-sale"),
    Binding("f11", "day_close", N_("Day close"), show=False, id="day-close"),
    Binding("f3", "points_rules", N_("Points rules"), show=False, id="points-rules"),
]
IDLE_CHECK_SECONDS = 5.0
# The app's actions that still act behind the sign-in or the lock: quitting, and moving
# between the user and PIN fields (Tab, Shift+Tab), which is no way through.
ACTIONS_BEHIND_THE_WALL = frozenset({"quit", "help_quit", "focus_next", "focus_previous"})


class TillActions:
    def on_mount(self) -> None:
        if self.sign_in_required and (self.actor is None or self.actor.user is None):
            self.push_screen(SignInModal(), self._signed_in)
        elif not self.sign_in_required:
            # Once, quietly: a shop may run for years without users.
            self.notify(
                _(
                    "No users are set up, so anyone may do anything here. To sign in with PINs, add the owner first: shoptui users add NAME --role owner --pin 1234"
                ),
                title=_("Single-user shop"),
                markup=False,
                timeout=8,
            )
        if self.idle_lock_minutes:
            self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.show_user()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Till keys only where they make sense: False hides them from the footer."""
        from .directory.directory_screen import DirectoryScreen

        if self.walled():
            return action in ACTIONS_BEHIND_THE_WALL
        if action == "anonymous_sale":
            return isinstance(self.screen, DirectoryScreen)
        if action == "lock":
            return self.actor is not None and self.actor.user is not None and not self.locked()
        if action in ("day_close", "points_rules"):
            return not self.locked()
        return super().check_action(action, parameters)

    def show_user(self) -> None:
        actor = self.actor
        if actor is None or actor.user is None:
            self.title = self.shop_name
            return
        store = actor.store.code if actor.store is not None else ""
        role = actor.user.role
        title = _("{shop} · {user} ({role}) · {store}").format(
            shop=self.shop_name,
            user=actor.user.name,
            role=_(ROLE_NAMES[role]) if role in ROLE_NAMES else role,
            store=store,
        )
        self.title = printable(title if store else title.rstrip(" ·"))  # no dangling "·" without a store

    def _signed_in(self, signed) -> None:
        if signed is None:
            return
        user, store = signed
        before = self.actor.user_id if self.actor is not None else None
        self.actor = Actor(user=user, store=store)
        if before is not None and before != user.id:
            # What was open belonged to the user before: start again from the directory.
            for _screen in range(len(self.screen_stack) - 1):
                self.pop_screen()
        self.show_user()
        from .directory.directory_screen import DirectoryScreen

        for screen in self.screen_stack:  # the customers are read now, not behind the sign-in
            if isinstance(screen, DirectoryScreen):
                screen.start_reading()

    def locked(self) -> bool:
        return any(isinstance(screen, SignInModal) for screen in self.screen_stack)

    def signed_in(self) -> bool:
        return self.actor is not None and self.actor.user is not None

    def walled(self) -> bool:
        """Nobody may act: the till is locked, or the shop has users and nobody signed in."""
        return self.locked() or (self.sign_in_required and not self.signed_in())

    # The wall on the screen stack: whatever asks (a palette command, a scan answered late,
    # a key), no screen goes above the sign-in and none comes off it but by a right PIN.

    def push_screen(self, screen, callback=None, wait_for_dismiss: bool = False, *, mode: str | None = None):
        if self.walled() and not isinstance(screen, SignInModal):
            self.log.warning("not shown behind the sign-in:", screen)
            return AwaitComplete.nothing()
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)

    def switch_screen(self, screen):
        if self.walled() and not isinstance(screen, SignInModal):
            self.log.warning("not shown behind the sign-in:", screen)
            return AwaitComplete.nothing()
        return super().switch_screen(screen)

    def pop_screen(self):
        top = self.screen_stack[-1] if self.screen_stack else None
        if isinstance(top, SignInModal) and not top.passed:
            self.log.warning("the sign-in stays until a right PIN")
            return AwaitComplete.nothing()
        return super().pop_screen()

    def action_lock(self) -> None:
        if self.actor is None or self.actor.user is None:
            self.notify(_("Locking needs users with PINs (shoptui users add)."), markup=False)
            return
        if not self.locked():
            self.push_screen(LockScreen(self.actor.user.name), self._signed_in)

    def lock_if_idle(self) -> None:
        if self.idle_lock_minutes and time.monotonic() - self.last_key_at >= self.idle_lock_minutes * 60:
            self.action_lock()

    def action_anonymous_sale(self) -> None:
        from .directory.directory_screen import DirectoryScreen
        from .till.sale_modal import SaleModal

        def done(result) -> None:
            if result is None:
                return
            self.data_changed()
            if result.receipt.customer_id is not None:  # a card was scanned during the sale
                from .customer.survey_modal import ask_survey

                ask_survey(self, result.receipt.customer_id, "card_read", self.actor)

        if isinstance(self.screen, DirectoryScreen):
            self.push_screen(SaleModal(None, self.formats, self.actor), done)

    def action_day_close(self) -> None:
        from .till.day_close_screen import DayCloseScreen

        if not self.locked() and not isinstance(self.screen, DayCloseScreen):
            self.push_screen(DayCloseScreen(self.formats, self.actor))

    def action_points_rules(self) -> None:
        from .admin.points_rules_modal import PointsRulesModal

        if not self.locked() and not isinstance(self.screen, PointsRulesModal):
            self.push_screen(PointsRulesModal(self.actor))
