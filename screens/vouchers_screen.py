"""The manager's list of vouchers and coupons: code, amount or percent, validity, uses,
the customer it is bound to; add one, or switch one off (it then ends yesterday, so the
till refuses it from today; its uses stay in the history)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header

from shoptui.errors import PermissionDenied
from shoptui.i18n import N_, _
from shoptui.services import vouchers
from shoptui.services.context import Actor, require

from .choice_modal import ChoiceModal
from .db_work import notify_error, run_db
from .footer import ShopFooter
from .text import Formats, plain
from .voucher_modal import VOUCHER_KIND_NAMES, VoucherModal

STATE_NAMES = {"valid": N_("valid"), "not_yet": N_("not yet valid"), "expired": N_("expired"), "used_up": N_("used up")}


def open_vouchers(app: App) -> None:
    if not isinstance(app.screen, VouchersScreen):
        app.push_screen(VouchersScreen(app.formats, getattr(app, "actor", None)))


class VouchersScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", N_("Back"), id="vouchers-back"),
        Binding("f2", "add", N_("New voucher"), id="vouchers-add"),
        Binding("f6", "expire", N_("Switch off"), id="vouchers-expire"),
    ]

    def __init__(self, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.formats = formats
        self.actor = actor
        self.rows: list[vouchers.VoucherRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="vouchers", cursor_type="row", zebra_stripes=True)
        yield ShopFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Vouchers")
        table = self.query_one("#vouchers", DataTable)
        # What the cashier asks about first comes first, so 80 columns show it.
        for label in (_("Code"), _("Value"), _("Kind"), _("Uses"), _("State"), _("Valid from"), _("Valid to"), _("Customer"), _("Note")):
            table.add_column(label)
        table.focus()
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        run_db(self, vouchers.list_vouchers, on_done=lambda rows: self._show(rows, select_id), group="vouchers", exclusive=True)

    def _show(self, rows: list[vouchers.VoucherRow], select_id: int | None) -> None:
        self.rows = rows
        f = self.formats
        table = self.query_one("#vouchers", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in rows:
            value = f.money(r.value) if r.kind == "amount" else f.percent(r.value)
            uses = "{uses} / {max}".format(uses=r.uses, max=r.max_uses) if r.max_uses is not None else "{uses} / ∞".format(uses=r.uses)
            customer = "{name} ({code})".format(name=r.customer_name, code=r.customer_code) if r.customer_code else ""
            table.add_row(
                plain(r.code, 20), value, plain(_(VOUCHER_KIND_NAMES.get(r.kind, r.kind))), plain(uses), plain(_(STATE_NAMES[r.state])),
                f.date(r.valid_from), f.date(r.valid_to), plain(customer, 30), plain(r.note, 30), key=str(r.id),
            )
        ids = [r.id for r in rows]
        if select_id in ids:
            table.move_cursor(row=ids.index(select_id))
        elif rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    @property
    def selected(self) -> vouchers.VoucherRow | None:
        table = self.query_one("#vouchers", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _allowed(self) -> bool:
        """Asked before a form opens, so nobody types a voucher the role may not save."""
        try:
            require(self.actor, "vouchers")
        except PermissionDenied as exc:
            notify_error(self, str(exc))
            return False
        return True

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        if self._allowed():
            self.app.push_screen(VoucherModal(self.actor), self._saved)

    def _saved(self, voucher_id: int | None) -> None:
        if voucher_id is not None:
            self.app.data_changed()
            self.reload(voucher_id)

    def action_expire(self) -> None:
        row = self.selected
        if row is None or not self._allowed():
            return

        def answered(choice: str | None) -> None:
            if choice == "expire":
                run_db(self, vouchers.expire_voucher, row.id, self.actor,
                       on_done=lambda _v: self._saved(row.id), group="vouchers-write", title=_("Voucher"))

        self.app.push_screen(
            ChoiceModal(
                _("Switch off voucher"),
                _("Voucher {code} can no longer be used from today on. Switch it off?").format(code=row.code),
                [("expire", _("Switch it off")), ("cancel", _("Cancel"))],
            ),
            answered,
        )
