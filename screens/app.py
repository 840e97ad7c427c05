"""The terminal app: the App itself stays small; screens do the work.

``make_app`` is the one factory: the command line (and the tests) hand it an open
database, and it reads what the screens need once, before the app runs.

The App does three things besides holding the screens: it puts the scan detector in
front of every key (``on_event`` sees keys before any widget does), it routes a
``CardScanned`` message to the focused widget first and acts on it when nobody there
took it, and it opens a customer's card or the registration form from anywhere.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import sys
import time
from collections.abc import Callable

from textual import events
from textual.app import App, ScreenStackError
from textual.binding import Binding

from hardware.scan_detector import ScanDetector
from shoptui.i18n import N_, _, babel_locale
from shoptui.services import points, settings
from shoptui.services.context import Actor
from shoptui.services.scans import Scan

from .commands import PALETTE_PLACEHOLDER, THEMES_PLACEHOLDER, shop_commands, textual_commands
from .customer.customer_card_screen import CustomerCardScreen
from .customer.survey_modal import ask_survey
from .db_work import run_db
from .devices.device_manager import DeviceConfig, DeviceFactories, DeviceManager
from .devices.keyboard_scans import KeyboardScans
from .devices.scan_lookup import lookup
from .dialogs.choice_modal import ChoiceModal
from .dialogs.help_screen import HelpScreen, keys_of
from .directory.directory_screen import DirectoryScreen
from .directory.register_modal import RegisterModal
from .messages import CardScanned, DeviceStatus
from .text import Formats, printable
from .till.gift_balance_modal import open_gift_card
from .till_keys import TILL_BINDINGS, TillActions


class ShopApp(TillActions, App[None]):
    """shoptui in the terminal; the customer directory is its home screen."""

    CSS_PATH = "app.tcss"
    # English message ids: the footer (screens/widgets/footer.py), F1 and the palette translate them.
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True),
        *TILL_BINDINGS,
        Binding("f1", "show_help", N_("Help"), id="help"),
        # Off the footer: the owner opens it rarely (the palette lists it too).
        Binding("ctrl+o", "show_devices", N_("Devices"), id="devices", show=False),
        Binding("ctrl+t", "show_reports", N_("Reports"), id="reports", show=False),
    ]

    def __init__(
        self,
        *,
        database,
        db_url: str,
        shop: settings.ShopSettings,
        search_delay: float = 0.15,
        actor: Actor | None = None,
        scan_clock: Callable[[], float] | None = None,
        sign_in: bool = False,
        device_factories: DeviceFactories | None = None,
    ):
        super().__init__()
        # The evdev scanner and people counter read while the app runs (none unless configured).
        self.device_manager = DeviceManager(self, DeviceConfig.from_settings(shop), device_factories)
        # Users exist: the app starts with the sign-in; idle_lock_minutes: 0 never locks.
        self.sign_in_required = sign_in
        self.idle_lock_minutes = shop.get_int("idle_lock_minutes")
        self.last_key_at = time.monotonic()
        shop_name = shop.get("shop_name")
        self.shop_name = printable(shop_name)
        self.database = database
        self.db_url = db_url
        self.formats = Formats(currency=shop.currency, region=shop.region, locale=babel_locale())
        self.search_delay = search_delay
        # The signed-in user; None in a shop without users (the services then allow every
        # action) and, where users exist, until someone signs in (the services refuse then).
        self.actor = actor
        # Bumped after every write, so a screen shown again knows to read afresh.
        self.data_version = 0
        # The Header shows the title as plain Content; printable() keeps control characters out.
        self.title = printable(shop_name)
        detector = ScanDetector(
            max_seconds=shop.get_int("scan_max_ms") / 1000, min_length=shop.get_int("scan_min_length")
        )
        extra = {"clock": scan_clock} if scan_clock is not None else {}
        self.scans = KeyboardScans(self, detector, self._deliver_key, self.scan_received, settle=self._settle, **extra)

    def get_default_screen(self) -> DirectoryScreen:
        return DirectoryScreen(self.database, self.formats, search_delay=self.search_delay)

    def on_mount(self) -> None:
        # Textual also runs TillActions.on_mount (handlers are called along the MRO).
        self.device_manager.start()
        self._watch_terminal()
        # Points that ran out leave every balance, in batches behind the first screen (a
        # card expires its own customer's points first, whether or not the batch got there).
        run_db(self, points.expire_points, group="points-expiry", on_done=self._points_expired)

    def _points_expired(self, expired: int) -> None:
        if expired:
            self.data_changed()

    def on_unmount(self) -> None:
        self._unwatch_terminal()
        self.device_manager.close()

    # -- the terminal going away ---------------------------------------------------------

    _terminal_fd: int | None = None

    def _watch_terminal(self) -> None:
        """End the app, the normal way (the database closed after it), when its terminal
        goes away: on SIGHUP, and when the terminal hangs up without one (the app not its
        controlling process, or started with SIGHUP ignored, as under nohup).

        Textual's input thread (LinuxDriver.run_input_thread) takes an empty read for
        piped input and selects again: on a hung-up terminal every read is empty at once,
        so it would spin at full CPU, for ever. The loop watches the same descriptor and
        asks the kernel whether it hung up (POLLHUP), which a live terminal never reports.
        """
        if self.is_headless:
            return  # tests: no terminal
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGHUP, self._terminal_gone)
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            pass  # no SIGHUP (Windows), or not the main thread
        stdin = sys.__stdin__
        try:
            fd = stdin.fileno() if stdin is not None else None
        except (OSError, ValueError):
            fd = None
        if fd is None or not hasattr(select, "poll"):
            return
        try:
            loop.add_reader(fd, self._terminal_readable)
        except (NotImplementedError, OSError, ValueError):
            return
        self._terminal_fd = fd

    def _unwatch_terminal(self) -> None:
        loop = asyncio.get_running_loop()
        if self._terminal_fd is not None:
            loop.remove_reader(self._terminal_fd)
            self._terminal_fd = None
        try:
            loop.remove_signal_handler(signal.SIGHUP)
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            pass

    def _terminal_readable(self) -> None:
        # Called for every key too (the driver's thread reads them): only a hangup counts.
        if self._terminal_fd is not None and _hung_up(self._terminal_fd):
            self._terminal_gone()

    def _terminal_gone(self) -> None:
        fd = self._terminal_fd
        if fd is not None:
            asyncio.get_running_loop().remove_reader(fd)
            self._terminal_fd = None
            if _hung_up(fd):
                _discard_output_to(fd)
        self.exit()

    def on_device_status(self, message: DeviceStatus) -> None:
        self.device_manager.status_arrived(message)

    # -- keys and scans ------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        # A key from the terminal (not one already forwarded to a widget) goes to the scan
        # detector first; the keys it releases come back through _deliver_key.
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.last_key_at = time.monotonic()
            await self.scans.key(event)
            return
        await super().on_event(event)

    async def _deliver_key(self, event: events.Key) -> None:
        if not self.is_running or not self.screen_stack:
            return  # a held key whose timer fired while the app shuts down
        await super().on_event(event)

    async def _settle(self) -> None:
        """Wait until the focused widget has handled the keys forwarded to it so far."""
        try:
            target = self.focused or self.screen
        except ScreenStackError:
            return
        handled = asyncio.Event()
        if target.call_later(handled.set):
            try:
                await asyncio.wait_for(handled.wait(), 0.25)
            except TimeoutError:
                pass  # the widget went away meanwhile

    def scan_received(self, barcode: str, scan: Scan | None = None, source: str = "keyboard") -> None:
        self.post_message(CardScanned(barcode, source, scan=scan))

    def on_card_scanned(self, message: CardScanned) -> None:
        if not message.routed:
            # The focused widget and its screen may want it (a card field); if not, it
            # bubbles back up here, routed.
            target = self.focused or self.screen
            target.post_message(CardScanned(message.barcode, message.source, routed=True, scan=message.scan))
            return
        if message.scan is not None:
            self._scan_resolved(message.scan)
            return
        run_db(self, lookup, message.barcode, on_done=self._scan_resolved, group="scan-open", title=_("Scan"))

    def _scan_resolved(self, scan: Scan) -> None:
        """A scan nobody's field took: it goes where its kind belongs."""
        if scan.opens_customer:
            self.open_customer(scan.customer_id)
            if scan.kind == "loyalty":  # a card was read: the second survey
                ask_survey(self, scan.customer_id, "card_read", self.actor)
        elif scan.kind == "withdrawn":
            self._say(self._withdrawn_message(scan), _("Card not valid"))
        elif scan.kind == "gift":  # whoever brings it: its balance, never a registration
            open_gift_card(self, scan.code)
        elif scan.kind == "product":
            self._say(
                _("This is a product: {name} ({sku}).").format(name=scan.product_name, sku=scan.product_sku), _("Scan")
            )
        elif scan.kind == "voucher":
            self._say(
                _("This is voucher {code}: scan it in a sale (F5 on the card).").format(code=scan.code), _("Scan")
            )
        elif scan.kind == "receipt":
            if scan.customer_id is not None:
                self.open_customer(scan.customer_id)
            else:
                self._say(_("Receipt {number} is a sale without a card.").format(number=scan.code), _("Scan"))
        elif scan.new_card_refusal is not None:
            self._say(scan.new_card_refusal, _("Not a card of this shop"))
        else:
            self._offer_registration(scan.code)

    def _say(self, text: str, title: str) -> None:
        self.notify(printable(text), title=title, severity="warning", markup=False, timeout=10)

    def _withdrawn_message(self, outcome: Scan) -> str:
        when = self.formats.date(outcome.ended_at).plain
        if outcome.end_reason == "replaced" and outcome.replaced_by:
            return _(
                "Card {barcode} belonged to {name} ({code}); it was replaced by card {new} on {date} and is no longer valid."
            ).format(
                barcode=outcome.code,
                name=outcome.customer_name,
                code=outcome.customer_code,
                new=outcome.replaced_by,
                date=when,
            )
        return _(
            "Card {barcode} belonged to {name} ({code}); it was withdrawn on {date} and is no longer valid."
        ).format(barcode=outcome.code, name=outcome.customer_name, code=outcome.customer_code, date=when)

    def _offer_registration(self, barcode: str) -> None:
        choices = [("register", _("Register a new customer with this card"))]
        card_screen = self.screen if isinstance(self.screen, CustomerCardScreen) else None
        if card_screen is not None and card_screen.data is not None:
            choices.append(("add", _("Give it to {name}").format(name=card_screen.data.header.name)))
        choices.append(("cancel", _("Cancel")))

        def answered(choice: str | None) -> None:
            if choice == "register":
                self.register_customer(card=barcode)
            elif choice == "add" and card_screen is not None:
                card_screen.add_card(barcode)

        self.push_screen(
            ChoiceModal(_("Unknown card"), _("Card {barcode} is not known.").format(barcode=barcode), choices), answered
        )

    # -- opening screens -----------------------------------------------------------------

    def open_customer(self, customer_id: int) -> None:
        """The customer's card on top of the directory, replacing any card or dialog open."""
        if isinstance(self.screen, CustomerCardScreen) and self.screen.customer_id == customer_id:
            self.screen.reload()
            return
        for _screen in range(len(self.screen_stack) - 1):
            self.pop_screen()
        self.push_screen(CustomerCardScreen(customer_id, self.formats, self.actor))

    def register_customer(self, card: str = "", name: str = "", phone: str = "") -> None:
        def registered(customer_id: int | None) -> None:
            if customer_id is not None:
                self.data_changed()
                self.open_customer(customer_id)
                ask_survey(self, customer_id, "registration", self.actor)

        self.push_screen(RegisterModal(card=card, name=name, phone=phone, actor=self.actor), registered)

    def action_show_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(keys_of(self), self.screen.sub_title or self.title))

    def action_show_devices(self) -> None:
        from .devices.devices_screen import DevicesScreen

        if not isinstance(self.screen, DevicesScreen):
            self.push_screen(DevicesScreen(self.actor))

    def action_show_reports(self) -> None:
        from .reports.report_screen import ReportScreen
        from .reports.reports_screen import ReportsScreen

        if not isinstance(self.screen, (ReportsScreen, ReportScreen)) and not self.locked():
            self.push_screen(ReportsScreen(self.formats, self.actor))

    def get_system_commands(self, screen):
        if self.walled():
            return
        yield from textual_commands(super().get_system_commands(screen), self)
        yield from shop_commands(self, screen)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.walled():
            return  # the sign-in and the lock are a wall: no palette through them
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_(PALETTE_PLACEHOLDER)))

    def search_themes(self) -> None:
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_(THEMES_PLACEHOLDER)))

    def data_changed(self) -> None:
        self.data_version += 1


def make_app(
    database, db_url: str, *, search_delay: float = 0.15, device_factories: DeviceFactories | None = None
) -> ShopApp:
    """The app for an open, migrated database (the composition root opened it), with the
    settings in force (one snapshot, read once) and whether anyone must sign in."""
    from shoptui.services import users

    return ShopApp(
        database=database,
        db_url=db_url,
        shop=settings.current(),
        search_delay=search_delay,
        sign_in=users.has_users(),
        device_factories=device_factories,
    )


def _hung_up(fd: int) -> bool:
    """Whether the terminal on ``fd`` hung up (a live one never reports POLLHUP)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _fd, mask in poller.poll(0))


def _discard_output_to(terminal_fd: int) -> None:
    """Point stdout and stderr, where they are the hung-up terminal, at /dev/null: every
    write to it fails (EIO), and Python would end with status 120 when its last flush fails.
    Nobody is left to read what Textual writes while it shuts down."""
    try:
        terminal = os.fstat(terminal_fd).st_rdev
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        for fd in (1, 2):
            try:
                if os.fstat(fd).st_rdev == terminal:
                    os.dup2(devnull, fd)
            except OSError:
                pass
    finally:
        os.close(devnull)
