"""The manager's list of vouchers and coupons: code, amount or percent, validity, uses,
the customer it is bound to; add one, or switch one off (it then ends yesterday, so the
till refuses it from today; its uses stay in the history)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from shoptui.i18n import N_, _
from shoptui.services import vouchers
from shoptui.services.context import Actor

from ..db_work import run_db
from ..dialogs.choice_modal import ChoiceModal
from ..role_keys import refused
from ..text import Formats, plain
from ..widgets.footer import ShopFooter
from ..widgets.paged_table import Column, PagedTable, row_under_cursor
from .voucher_modal import VOUCHER_KIND_NAMES, VoucherModal

STATE_NAMES = {"valid": N_("valid"), "not_yet": N_("not yet valid"), "expired": N_("expired"), "used_up": N_("used up")}


def open_vouchers(app: App) -> None:
    if not isinstance(app.screen, VouchersScreen):
        app.push_screen(VouchersScreen(app.formats, getattr(app, "actor", None)))


class VouchersScreen(Screen[None]):
    # The permission each key needs: a key the signed-in role may not use is not offered.
    ACTION_NEEDS = {"add": "vouchers", "expire": "vouchers"}
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
        # What the cashier asks about first comes first, so 80 columns show it. A PagedTable
        # sizes each column to what it holds as the rows come: a plain DataTable sizes them
        # only when idle, and showed a new row cut for a moment ("Nguyễn …").
        yield PagedTable(
            [
                Column("code", _("Code"), widest=20),
                Column("value", _("Value")),
                Column("kind", _("Kind")),
                Column("uses", _("Uses")),
                Column("state", _("State")),
                Column("from", _("Valid from")),
                Column("to", _("Valid to")),
                Column("customer", _("Customer"), widest=30),
                Column("note", _("Note"), widest=30),
            ],
            self._cells,
            id="vouchers",
        )
        yield ShopFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Vouchers")
        self.query_one("#vouchers", PagedTable).focus()
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        run_db(
            self,
            vouchers.list_vouchers,
            on_done=lambda rows: self._show(rows, select_id),
            group="vouchers",
            exclusive=True,
        )

    def _show(self, rows: list[vouchers.VoucherRow], select_id: int | None) -> None:
        self.rows = rows
        table = self.query_one("#vouchers", PagedTable)
        keep = table.cursor_row
        table.show(rows)
        ids = [r.id for r in rows]
        if select_id in ids:
            table.move_cursor(row=ids.index(select_id))
        elif rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    def _cells(self, r: vouchers.VoucherRow) -> tuple:
        f = self.formats
        value = f.money(r.value) if r.kind == "amount" else f.percent(r.value)
        uses = f"{r.uses} / {r.max_uses}" if r.max_uses is not None else f"{r.uses} / ∞"
        customer = f"{r.customer_name} ({r.customer_code})" if r.customer_code else ""
        return (
            plain(r.code),
            value,
            plain(_(VOUCHER_KIND_NAMES.get(r.kind, r.kind))),
            plain(uses),
            plain(_(STATE_NAMES[r.state])),
            f.date(r.valid_from),
            f.date(r.valid_to),
            plain(customer),
            plain(r.note),
        )

    @property
    def selected(self) -> vouchers.VoucherRow | None:
        return row_under_cursor(self.query_one("#vouchers", PagedTable), self.rows)

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        if not refused(self, "add"):
            self.app.push_screen(VoucherModal(self.actor), self._saved)

    def _saved(self, voucher_id: int | None) -> None:
        if voucher_id is not None:
            self.app.data_changed()
            self.reload(voucher_id)

    def action_expire(self) -> None:
        row = self.selected
        if row is None or refused(self, "expire"):
            return

        def answered(choice: str | None) -> None:
            if choice == "expire":
                run_db(
                    self,
                    vouchers.expire_voucher,
                    row.id,
                    self.actor,
                    on_done=lambda _v: self._saved(row.id),
                    group="vouchers-write",
                    title=_("Voucher"),
                )

        self.app.push_screen(
            ChoiceModal(
                _("Switch off voucher"),
                _("Voucher {code} can no longer be used from today on. Switch it off?").format(code=row.code),
                [("expire", _("Switch it off")), ("cancel", _("Cancel"))],
            ),
            answered,
        )
