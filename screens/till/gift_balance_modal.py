"""A gift card's balance and history, shown when one is scanned; T tops it up (the form
is gift_card_modal.py's).

A gift card belongs to whoever brings it, so its scan never opens or registers a
customer; the money on it is its own ledger (services.vouchers).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from shoptui.i18n import N_, _
from shoptui.services import vouchers
from shoptui.services.context import Actor

from ..db_work import run_db
from ..text import Formats, content, plain, printable
from ..widgets.labels import METHOD_NAMES, name_of
from .gift_card_modal import GiftCardModal

ENTRY_NAMES = {
    "issue": N_("sold"),
    "topup": N_("topped up"),
    "redeem": N_("paid with"),
    "refund": N_("given back (return)"),
    "adjust": N_("adjustment"),
}
HISTORY_SHOWN = 50


def _actor(app: App) -> Actor | None:
    return getattr(app, "actor", None)


def open_gift_card(app: App, barcode: str) -> None:
    """The balance of a scanned gift card, on top of whatever is open (a second scan replaces it)."""
    screen = app.screen
    if isinstance(screen, GiftBalanceModal):
        if screen.barcode == barcode:
            screen.reload()
            return
        screen.dismiss(None)
    app.push_screen(GiftBalanceModal(barcode, app.formats, _actor(app)))


class GiftBalanceModal(ModalScreen[None]):
    """A gift card's balance and history; T tops it up, Escape closes."""

    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="gift-close"),
        Binding("t", "top_up", N_("Top up"), id="gift-top-up"),
    ]
    DEFAULT_CSS = """
    GiftBalanceModal #gift-history { height: auto; max-height: 12; }
    GiftBalanceModal #gift-balance { text-style: bold; }
    """

    def __init__(self, barcode: str, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.barcode = barcode
        self.formats = formats
        self.actor = actor
        self.view: vouchers.GiftCardView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="gift-dialog"):
            yield Static(content(_("Gift card {barcode}").format(barcode=self.barcode)), classes="dialog-title")
            yield Static(content(_("Reading the card…")), id="gift-balance", classes="dialog-message")
            yield DataTable(id="gift-history", cursor_type="row", zebra_stripes=True)
            yield Static("", id="gift-more", classes="dialog-message")
            yield Static(content(_("T: top up   Esc: close")), classes="dialog-message")

    def on_mount(self) -> None:
        table = self.query_one("#gift-history", DataTable)
        for label in (_("Date"), _("What"), _("Amount"), _("Receipt"), _("By")):
            table.add_column(label)
        table.focus()
        self.reload()

    def reload(self) -> None:
        run_db(
            self,
            vouchers.gift_card_view,
            self.barcode,
            HISTORY_SHOWN,
            on_done=self._show,
            group="gift-view",
            exclusive=True,
            title=_("Gift card"),
        )

    def _show(self, view: vouchers.GiftCardView) -> None:
        self.view = view
        f = self.formats
        balance = Text(end="")
        balance.append(printable(_("Balance")) + ": ", style="dim")
        balance.append(f.money(view.balance))
        balance.append("   " + printable(_("sold on {date}").format(date=f.date(view.sold_at).plain)), style="dim")
        self.query_one("#gift-balance", Static).update(balance)
        table = self.query_one("#gift-history", DataTable)
        table.clear()
        for e in view.entries:
            what = name_of(ENTRY_NAMES, e.kind)
            if e.kind in ("issue", "topup") and e.reason:
                what = f"{what} ({name_of(METHOD_NAMES, e.reason)})"
            table.add_row(
                f.datetime(e.at),
                plain(what, 30),
                f.signed_money(e.amount),
                plain(e.receipt_number, 20),
                plain(e.user_name, 20),
            )
        more = view.entry_count - len(view.entries)
        self.query_one("#gift-more", Static).update(
            content(_("… and {count} earlier entries.").format(count=more)) if more > 0 else ""
        )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_top_up(self) -> None:
        def done(top_up: vouchers.GiftTopUp | None) -> None:
            if top_up is not None:
                self.reload()

        self.app.push_screen(GiftCardModal(self.formats, self.actor, self.barcode), done)
