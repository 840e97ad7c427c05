"""The owner's and manager's list of survey questions: add, edit, switch off, reorder.

Questions are never deleted (their answers stay meaningful); a question switched off is
asked no more. The asking order is the list's order.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header

from shoptui.i18n import N_, _
from shoptui.services import surveys
from shoptui.services.context import Actor

from ..db_work import run_db
from ..role_keys import refused
from ..text import plain
from ..widgets.footer import ShopFooter
from ..widgets.paged_table import row_under_cursor
from .question_modal import KIND_NAMES, TARGET_NAMES, QuestionModal, QuestionRow


def load_questions() -> list[QuestionRow]:
    return [
        QuestionRow(
            q.id,
            q.position,
            q.text,
            q.kind,
            tuple(surveys.choices_of(q)),
            q.target,
            q.group.name if q.group_id is not None else "",
            q.ask_at_card_read,
            q.active,
        )
        for q in surveys.questions()
    ]


class SurveysScreen(Screen[None]):
    # The permission each key needs: a key the signed-in role may not use is not offered.
    ACTION_NEEDS = {"add": "surveys", "edit": "surveys", "toggle_active": "surveys", "move": "surveys"}
    BINDINGS = [
        Binding("escape", "close", N_("Back"), id="surveys-back"),
        Binding("f2", "add", N_("New question"), id="surveys-add"),
        Binding("f4", "edit", N_("Edit"), id="surveys-edit"),
        Binding("f6", "toggle_active", N_("On/off"), id="surveys-toggle"),
        Binding("ctrl+up", "move(-1)", N_("Move up"), id="surveys-up", show=False),
        Binding("ctrl+down", "move(1)", N_("Move down"), id="surveys-down", show=False),
    ]

    def __init__(self, actor: Actor | None = None):
        super().__init__()
        self.actor = actor
        self.rows: list[QuestionRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="questions", cursor_type="row")
        yield ShopFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Surveys")
        table = self.query_one("#questions", DataTable)
        for label in (_("No."), _("Question"), _("Kind"), _("Answers"), _("Asked of"), _("At card read"), _("Active")):
            table.add_column(label)
        table.focus()
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        run_db(self, load_questions, on_done=lambda rows: self._show(rows, select_id), group="surveys", exclusive=True)

    def _show(self, rows: list[QuestionRow], select_id: int | None) -> None:
        self.rows = rows
        table = self.query_one("#questions", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in rows:
            asked_of = _(TARGET_NAMES[r.target]) if r.target == "new" else r.group
            table.add_row(
                plain(str(r.position)),
                plain(r.text, 60),
                plain(_(KIND_NAMES.get(r.kind, r.kind))),
                plain(" / ".join(r.choices), 40),
                plain(asked_of, 24),
                plain(_("yes") if r.ask_at_card_read else ""),
                plain(_("yes") if r.active else _("no")),
                key=str(r.id),
            )
        ids = [r.id for r in rows]
        if select_id in ids:
            table.move_cursor(row=ids.index(select_id))
        elif rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    @property
    def selected(self) -> QuestionRow | None:
        return row_under_cursor(self.query_one("#questions", DataTable), self.rows)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        if not refused(self, "add"):
            self.app.push_screen(QuestionModal(None, self.actor), self._saved)

    def action_edit(self) -> None:
        if self.selected is not None and not refused(self, "edit"):
            self.app.push_screen(QuestionModal(self.selected, self.actor), self._saved)

    def _saved(self, question_id: int | None) -> None:
        if question_id is not None:
            self.reload(question_id)

    def action_toggle_active(self) -> None:
        row = self.selected
        if row is not None and not refused(self, "toggle_active"):
            run_db(
                self,
                surveys.set_active,
                row.id,
                not row.active,
                self.actor,
                on_done=lambda _q: self.reload(row.id),
                group="surveys-write",
            )

    def action_move(self, step: int) -> None:
        row = self.selected
        if row is not None and not refused(self, "move"):
            run_db(
                self,
                surveys.move_question,
                row.id,
                step,
                self.actor,
                on_done=lambda _r: self.reload(row.id),
                group="surveys-write",
            )
