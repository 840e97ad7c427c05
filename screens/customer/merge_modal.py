"""Merging a duplicate into the customer whose card is open (a manager's job).

Type a name, phone or code to find the duplicate; Enter picks the highlighted one (Down
moves into the list), and the confirmation names both customers with their codes and the
points and debt that will move; its receipts, ledgers, cards and answers move to the
customer kept, and the duplicate is archived with a pointer to it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from shoptui import phones
from shoptui.i18n import N_, _
from shoptui.services import directory, settings
from shoptui.services.context import Actor
from shoptui.services.merge import MergePreview, MergeResult, merge_customers, merge_preview

from ..db_work import run_db
from ..dialogs.choice_modal import ChoiceModal
from ..text import content, printable
from ..widgets.results import down_into_results

RESULTS = 20


def find_duplicates(text: str, keep_id: int) -> list[tuple[int, str]]:
    """Customers matching ``text`` other than the one kept, as (id, what the list shows)."""
    rows = directory.search(text, RESULTS + 1)
    region = settings.region()
    return [
        (r.id, f"{r.code}  {r.name}  {phones.display(r.phone, region) if r.phone else r.phone_typed}".rstrip())
        for r in rows
        if r.id != keep_id and r.status != "archived"
    ][:RESULTS]


class MergeModal(ModalScreen[bool]):
    """Returns True when a duplicate was merged into ``keep_id``."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="merge-cancel")]

    def __init__(self, keep_id: int, keep_name: str, actor: Actor | None = None):
        super().__init__()
        self.keep_id = keep_id
        self.keep_name = keep_name
        self.actor = actor
        self.found: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="merge-dialog"):
            yield Static(
                content(_("Merge a duplicate into {name}").format(name=self.keep_name)), classes="dialog-title"
            )
            yield Static(
                content(
                    _(
                        "Find the duplicate by name, phone or code; its receipts, points, debt, cards and answers move to {name}."
                    ).format(name=self.keep_name)
                ),
                classes="dialog-message",
            )
            yield Input(id="merge-search", placeholder=_("Search the duplicate"), max_length=100)
            yield OptionList(id="merge-results")

    def on_mount(self) -> None:
        self.query_one("#merge-search", Input).focus()

    @on(Input.Changed, "#merge-search")
    def _search(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self._show([])
            return
        run_db(
            self, find_duplicates, event.value, self.keep_id, on_done=self._show, group="merge-search", exclusive=True
        )

    def _show(self, rows: list[tuple[int, str]]) -> None:
        self.found = {str(cid): label for cid, label in rows}
        results = self.query_one("#merge-results", OptionList)
        results.clear_options()
        results.add_options([Option(content(label), id=str(cid)) for cid, label in rows])
        if rows:
            results.highlighted = 0

    @on(Input.Submitted, "#merge-search")
    def _pick_highlighted(self, event: Input.Submitted) -> None:
        event.stop()
        results = self.query_one("#merge-results", OptionList)
        if results.option_count and results.highlighted is not None:
            self._confirm(int(results.get_option_at_index(results.highlighted).id))

    def on_key(self, event) -> None:
        down_into_results(self, event, "merge-search", "merge-results")

    @on(OptionList.OptionSelected, "#merge-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._confirm(int(event.option.id))

    def _confirm(self, other_id: int) -> None:
        run_db(self, merge_preview, self.keep_id, other_id, on_done=self._ask, group="merge-preview", title=_("Merge"))

    def _ask(self, preview: MergePreview) -> None:
        money = self.app.formats.money
        message = _(
            "Merge {other} ({other_code}) into {keep} ({keep_code})? "
            "Moving to {keep}: receipts {receipts}, points {points}, debt {debt}. "
            "{other} ({other_code}) is archived; this cannot be undone."
        ).format(
            other=preview.other_name,
            other_code=preview.other_code,
            keep=preview.keep_name,
            keep_code=preview.keep_code,
            receipts=preview.receipts,
            points=self.app.formats.number(preview.points).plain,
            debt=money(preview.debt).plain,
        )
        other_id = preview.other_id
        self.app.push_screen(
            ChoiceModal(_("Merge customers"), message, [("merge", _("Merge")), ("cancel", _("Cancel"))]),
            lambda answer: self._merge(other_id) if answer == "merge" else None,
        )

    def _merge(self, other_id: int) -> None:
        run_db(
            self,
            merge_customers,
            self.keep_id,
            other_id,
            self.actor,
            on_done=self._merged,
            group="merge",
            title=_("Merge"),
        )

    def _merged(self, result: MergeResult) -> None:
        self.app.notify(
            printable(
                _("Merged: {receipts} receipts and {cards} cards moved to {name}.").format(
                    receipts=result.receipts, cards=result.cards, name=self.keep_name
                )
            ),
            markup=False,
        )
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
