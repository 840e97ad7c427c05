"""Administration of the shop's custom properties (an optician's "eyesight", a tailor's
sizes) and a view of the card kinds the shop can issue.

Each property has a type (text, number, date, choice, yes/no); a choice property lists
its choices. Card kinds are fixed (loyalty, discount, voucher, gift): they are shown
here, and chosen when a card is added on the customer's card.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from shoptui.i18n import N_, _
from shoptui.services import property_admin
from shoptui.services.cards import CARD_KINDS
from shoptui.services.context import Actor
from shoptui.services.property_admin import DefinitionRow

from ..db_work import run_db
from ..role_keys import refused
from ..text import content, plain
from ..widgets.footer import ShopFooter
from ..widgets.labels import CARD_KIND_NAMES, name_of
from ..widgets.paged_table import row_under_cursor
from .property_modal import PROPERTY_KIND_NAMES, PropertyModal


class PropertiesScreen(Screen[None]):
    # The permission each key needs: a key the signed-in role may not use is not offered.
    ACTION_NEEDS = {"add": "settings", "toggle_active": "settings"}
    BINDINGS = [
        Binding("escape", "close", N_("Back"), id="properties-back"),
        Binding("f2", "add", N_("New property"), id="properties-add"),
        Binding("f6", "toggle_active", N_("On/off"), id="properties-toggle"),
    ]

    def __init__(self, actor: Actor | None = None):
        super().__init__()
        self.actor = actor
        self.rows: list[DefinitionRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(content(_("Custom properties")), classes="section-title")
        yield DataTable(id="properties", cursor_type="row")
        yield Static(content(_("Card kinds")), classes="section-title")
        yield Static(id="card-kinds")
        yield ShopFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Properties and cards")
        table = self.query_one("#properties", DataTable)
        for label in (_("Name"), _("Code"), _("Type"), _("Choices"), _("Active"), _("Customers with a value")):
            table.add_column(label)
        kinds = ", ".join(name_of(CARD_KIND_NAMES, kind) for kind in CARD_KINDS)
        self.query_one("#card-kinds", Static).update(
            content(_("{kinds}. The kind is chosen when a card is added on the customer's card.").format(kinds=kinds))
        )
        table.focus()
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        run_db(
            self,
            property_admin.definitions,
            on_done=lambda rows: self._show(rows, select_id),
            group="properties",
            exclusive=True,
        )

    def _show(self, rows: list[DefinitionRow], select_id: int | None) -> None:
        self.rows = rows
        table = self.query_one("#properties", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in rows:
            table.add_row(
                plain(r.name, 40),
                plain(r.code),
                plain(name_of(PROPERTY_KIND_NAMES, r.kind)),
                plain(" / ".join(r.choices), 40),
                plain(_("yes") if r.active else _("no")),
                plain(str(r.values), justify="right"),
                key=str(r.id),
            )
        ids = [r.id for r in rows]
        if select_id in ids:
            table.move_cursor(row=ids.index(select_id))
        elif rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        if refused(self, "add"):
            return
        self.app.push_screen(PropertyModal(self.actor), lambda pid: self.reload(pid) if pid is not None else None)

    def action_toggle_active(self) -> None:
        row = row_under_cursor(self.query_one("#properties", DataTable), self.rows)
        if row is None or refused(self, "toggle_active"):
            return
        run_db(
            self,
            property_admin.set_active,
            row.id,
            not row.active,
            self.actor,
            on_done=lambda _r: self.reload(row.id),
            group="properties-write",
        )
