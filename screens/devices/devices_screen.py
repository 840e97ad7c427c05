"""The Devices screen: the input devices (which look like scanners), the scanner the app
reads and the people counter it listens to, each with its state; the owner chooses the
scanner here and tests it (the next scan is shown here instead of opening a card).

States arrive as ``DeviceStatus`` messages: the screen watches the app's device manager
while it is shown. The device listing opens every input device, so it runs in a thread.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from shoptui.i18n import N_, _
from shoptui.services import settings

from ..db_work import run_db
from ..messages import CardScanned, DeviceStatus, ScannerTested
from ..text import content_lines, plain, printable
from ..widgets.footer import ShopFooter
from ..widgets.paged_table import row_under_cursor

# The listener's states, as the owner reads them.
COUNTER_STATES = {
    "listening": N_("connected"),
    "lost": N_("disconnected"),
    "waiting": N_("disconnected"),
    "closed": N_("disconnected"),
    "error": N_("error"),
}
SCANNER_STATES = {
    "connecting": N_("connecting"),
    "connected": N_("connected"),
    "disconnected": N_("disconnected"),
    "error": N_("error"),
    "closed": N_("stopped"),
}


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


class DevicesScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="devices-back"),
        Binding("u", "use_scanner", N_("Use this scanner"), id="devices-use"),
        Binding("t", "test_scanner", N_("Test the scanner"), id="devices-test"),
        Binding("r", "reload", N_("Refresh"), id="devices-refresh", show=False),
    ]

    def __init__(self, actor=None):
        super().__init__()
        self.actor = actor
        self.sub_title = _("Devices")
        self.paths: list[str] = []
        self.testing_keyboard = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="scanner-state", markup=False)
        yield Static(id="scanner-problem", markup=False)
        yield DataTable(id="scanners", cursor_type="row", zebra_stripes=True)
        yield Static(id="scanner-test", markup=False)
        yield Static(id="counter-state", markup=False)
        yield ShopFooter()

    @property
    def manager(self):
        return self.app.device_manager

    def on_mount(self) -> None:
        table = self.query_one("#scanners", DataTable)
        table.add_columns(
            _("Path"), _("Name"), _("Vendor:product"), _("Looks like a scanner"), _("Readable"), _("In use")
        )
        self.manager.watchers.add(self)
        self.show_states()
        self.action_reload()

    def on_unmount(self) -> None:
        self.manager.watchers.discard(self)
        if self.manager.capture is self:
            self.manager.capture = None

    # -- the listing ---------------------------------------------------------------------

    def action_reload(self) -> None:
        self.list_scanners()

    @work(thread=True, exclusive=True, exit_on_error=False, group="devices-list")
    def list_scanners(self) -> None:
        from hardware.scanner.devices import permission_problem

        try:
            found = self.manager.factories.list_scanners()
            problem = permission_problem(found)
        except Exception as exc:  # a listing that fails is one sentence on the screen
            found, problem = [], str(exc)
        self.app.call_from_thread(self.show_scanners, found, problem)

    def show_scanners(self, found, problem: str | None) -> None:
        table = self.query_one("#scanners", DataTable)
        table.clear()
        self.paths = [device.path for device in found]
        in_use = self.manager.scanner_info.path if self.manager.scanner is not None else ""
        for device in found:
            table.add_row(
                plain(device.path),
                plain(device.name),
                plain(device.vendor_product),
                plain(_yes_no(device.looks_like_scanner)),
                plain(_yes_no(device.readable)),
                plain(_("in use") if device.path == in_use else ""),
                key=device.path,
            )
        if not found and not problem:
            problem = _("No scanners found (no input devices can be read here).")
        self.query_one("#scanner-problem", Static).update(printable(problem or ""))
        if found:
            table.focus()

    # -- states --------------------------------------------------------------------------

    def on_device_status(self, message: DeviceStatus) -> None:
        message.stop()
        self.show_states()

    def show_states(self) -> None:
        scanner = self.manager.scanner_info
        if not scanner.spec:
            text = _("Scanner: none chosen (the terminal still takes scans typed by a keyboard-mode scanner).")
        else:
            text = _("Scanner: {spec} — {state}. {message}").format(
                spec=scanner.path or scanner.spec,
                state=_(SCANNER_STATES.get(scanner.state, scanner.state or "connecting")),
                message=scanner.message,
            )
        self.query_one("#scanner-state", Static).update(printable(text))
        self.query_one("#counter-state", Static).update(content_lines(self.counter_lines()))

    def counter_lines(self) -> list[str]:
        counter = self.manager.counter_info
        if not counter.port:
            return [_("People counter: none (set counter_port to listen on one).")]
        when = self.app.formats.datetime(counter.last_reading_at).plain if counter.last_reading_at else _("none yet")
        lines = [
            _("People counter on {port}: {state}. Last reading: {when}.").format(
                port=counter.port,
                state=_(COUNTER_STATES.get(counter.state, counter.state or "disconnected")),
                when=when,
            )
        ]
        if counter.last_error:
            lines.append(_("Last error: {error}").format(error=counter.last_error))
        return lines

    # -- choosing and testing ------------------------------------------------------------

    def highlighted_path(self) -> str | None:
        return row_under_cursor(self.query_one("#scanners", DataTable), self.paths)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_use_scanner()

    def action_use_scanner(self) -> None:
        path = self.highlighted_path()
        if path is None:
            self.notify(_("There is no scanner to choose."), severity="warning")
            return

        def saved(_value) -> None:
            self.manager.start_scanner(path)
            self.notify(printable(_("The app now reads the scanner {path}.").format(path=path)), markup=False)
            self.show_states()
            self.action_reload()

        run_db(self, settings.set_value, "scanner_device", path, self.actor, on_done=saved, title=_("Devices"))

    def action_test_scanner(self) -> None:
        if self.manager.scanner is not None:
            self.manager.capture = self
        # Most shops' scanners type like a keyboard: with no evdev scanner chosen, the
        # test takes the next scan from the terminal instead.
        self.testing_keyboard = self.manager.scanner is None
        self.query_one("#scanner-test", Static).update(_("Scan a barcode now: it is shown here and opens no card."))

    def on_scanner_tested(self, message: ScannerTested) -> None:
        self.testing_keyboard = False
        self.query_one("#scanner-test", Static).update(
            printable(_("Test scan received: {barcode}").format(barcode=message.barcode))
        )

    def on_card_scanned(self, message: CardScanned) -> None:
        if not self.testing_keyboard:
            return  # an ordinary scan: the app opens the card
        message.stop()
        self.testing_keyboard = False
        self.query_one("#scanner-test", Static).update(
            printable(_("Test scan received from the keyboard-mode scanner: {barcode}").format(barcode=message.barcode))
        )

    def action_back(self) -> None:
        self.dismiss()
