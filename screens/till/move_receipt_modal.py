"""A sale recorded on the wrong customer goes to the right one (a manager's job, F2 on
the card): its points and credit move with it by compensating entries on both ledgers.

The receipt is the sale highlighted on the Sales tab, or a number typed (in full or by
its digits, this store's receipt); its facts are shown before anything else. The customer
it goes to is a card scanned, or a code, phone or name typed and picked from a short list.
A confirmation names both customers and what moves; only then is the receipt moved
(``receipt_owner.move_receipt``, which checks the role and every rule again).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from shoptui.errors import PermissionDenied, ShopError, ValidationError
from shoptui.i18n import _
from shoptui.services import customer_view, directory, receipt_lookup, receipt_owner
from shoptui.services.context import Actor
from shoptui.services.receipt_lookup import ReceiptPreview

from ..db_work import notify_error, run_db
from ..dialogs.choice_modal import ChoiceModal
from ..messages import CardScanned
from ..text import Formats, content, printable
from ..widgets.form import Field, FormModal
from ..widgets.results import down_into_results

RESULTS = 8
# The customer's sales are read a page at a time to find the receipt's points and credit;
# a receipt moved is nearly always a recent one, on the first page.
FACT_PAGE = 100
FACT_PAGES = 20


@dataclass(frozen=True)
class MoveFacts:
    """What the modal shows of the receipt: the preview, and what it carries."""

    receipt: ReceiptPreview
    points_earned: int = 0
    points_redeemed: int = 0
    on_credit: int = 0
    returned: int = 0


@dataclass(frozen=True)
class Target:
    id: int
    code: str
    name: str
    phone: str

    @property
    def label(self) -> str:
        return f"{self.code}  {self.name}  {self.phone}".rstrip()


def load_facts(typed: str | None, receipt_id: int | None, actor: Actor | None) -> MoveFacts:
    """Runs in a worker: the receipt typed (or the one highlighted) and what it carries."""
    found = (
        receipt_lookup.preview_by_id(receipt_id)
        if receipt_id is not None
        else receipt_lookup.preview_of(typed or "", actor, "receipt")
    )
    if found.kind != "sale" or found.customer_id is None:
        return MoveFacts(found)
    for page in range(FACT_PAGES):
        rows = customer_view.sales(found.customer_id, FACT_PAGE, page * FACT_PAGE)
        for row in rows.rows:
            if row.id == found.id:
                return MoveFacts(found, row.points_earned, row.points_redeemed, row.on_credit, row.returned)
        if not rows.has_more:
            break
    return MoveFacts(found)


def find_targets(text: str) -> tuple[str, list[Target]]:
    """Runs in a worker: customers a code, card, phone or name names (the directory's search)."""
    rows = directory.search(text, RESULTS)
    return text, [Target(r.id, r.code, r.name, r.phone_typed or r.phone or "") for r in rows]


def move(receipt_id: int, target_id: int, actor: Actor | None) -> None:
    receipt_owner.move_receipt(receipt_id, target_id, actor)


class MoveReceiptModal(FormModal):
    """Returns True when the receipt was moved away from this customer."""

    DEFAULT_CSS = """
    MoveReceiptModal #move-results {
        height: auto;
        max-height: 8;
        margin: 0 1 1 1;
    }
    MoveReceiptModal #move-facts {
        padding: 0 1 1 1;
    }
    """

    def __init__(
        self, customer_id: int, name: str, formats: Formats, actor: Actor | None = None, sale_id: int | None = None
    ):
        super().__init__()
        self.customer_id = customer_id
        self.customer_name = name
        self.formats = formats
        self.actor = actor
        self.sale_id = sale_id
        self.facts: MoveFacts | None = None  # the receipt shown, once it may be moved
        self.targets: dict[int, Target] = {}
        # A card scanned, or Enter before the list answered: when the search for this text
        # answers, one customer found is confirmed at once.
        self.pick_when_found: str | None = None
        self.listed_for: str | None = None  # the text the list shows the answer to
        self._busy = False

    def dialog_title(self) -> str:
        return _("Move a receipt to another customer")

    def fields(self) -> Iterable[Field]:
        yield Field(_("Receipt"), Input(id="move-receipt", max_length=40), "receipt")
        yield Field(
            _("Move to"),
            Input(id="move-target", max_length=100, placeholder=_("Scan the card, or type a code, phone or name")),
            "customer",
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog move-dialog"):
            yield Static(content(self.dialog_title()), classes="dialog-title")
            yield Static(
                content(
                    _(
                        "A sale recorded on {name} by mistake goes to the right customer; its points and credit move with it."
                    ).format(name=self.customer_name)
                ),
                classes="dialog-message",
            )
            yield from self.compose_fields()
            yield Static("", id="move-facts")
            yield OptionList(id="move-results")
            yield Static(content(_("Enter: next   Down: the list   Esc: cancel")), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#move-results", OptionList).display = False
        if self.sale_id is not None:
            self._busy = True
            run_db(
                self,
                load_facts,
                None,
                self.sale_id,
                self.actor,
                on_done=self._show_facts,
                on_error=self._failed,
                group="move-receipt",
            )
            self.query_one("#move-target", Input).focus()
        else:
            self.query_one("#move-receipt", Input).focus()

    # -- the receipt ----------------------------------------------------------------------

    def _look_up(self) -> None:
        if self._busy:
            return
        self.clear_errors()
        self.facts = None
        self.query_one("#move-facts", Static).update("")
        typed = self.query_one("#move-receipt", Input).value.strip()
        if not typed:
            self.show_error(ValidationError(_("Type the receipt number."), "receipt"))
            return
        self._busy = True
        run_db(
            self,
            load_facts,
            typed,
            None,
            self.actor,
            on_done=self._show_facts,
            on_error=self._failed,
            group="move-receipt",
        )

    def _show_facts(self, facts: MoveFacts) -> None:
        self._busy = False
        f = self.formats
        found = facts.receipt
        self.query_one("#move-receipt", Input).value = found.number
        whose = (
            _("{name} ({code})").format(name=found.customer_name, code=found.customer_code)
            if found.customer_id
            else _("no card")
        )
        lines = [
            _("Receipt {number}, {time}: {total}, {whose}.").format(
                number=found.number, time=f.datetime(found.at).plain, total=f.money(found.total).plain, whose=whose
            )
        ]
        if found.kind == "sale" and found.customer_id is not None:
            lines.append(
                _("Points earned {earned}, redeemed {redeemed}; on credit {credit}.").format(
                    earned=f.number(facts.points_earned).plain,
                    redeemed=f.number(facts.points_redeemed).plain,
                    credit=f.money(facts.on_credit).plain,
                )
            )
            if facts.returned:
                lines.append(
                    _("Returned so far: {amount}; its returns move with it.").format(
                        amount=f.money(facts.returned).plain
                    )
                )
        # One line each: a line break inside user text would be drawn as a symbol.
        self.query_one("#move-facts", Static).update(Text("\n").join(Text(printable(line)) for line in lines))
        if found.kind != "sale" or found.customer_id is None:
            # The service's own sentence (it refuses the same at the move).
            self.show_error(
                ValidationError(
                    _("Only a sale of a known customer can be moved; attach an anonymous one instead."), "receipt"
                )
            )
            return
        self.facts = facts
        self.query_one("#move-target", Input).focus()

    def _failed(self, exc: ShopError) -> None:
        self._busy = False
        self.show_error(exc if getattr(exc, "field", None) else ValidationError(str(exc), "receipt"))

    @on(Input.Changed, "#move-receipt")
    def _receipt_changed(self, event: Input.Changed) -> None:
        if self.facts is not None and event.value.strip() != self.facts.receipt.number:
            self.facts = None  # what is confirmed is what is shown
            self.query_one("#move-facts", Static).update("")

    # -- the customer it goes to ----------------------------------------------------------

    @on(Input.Changed, "#move-target")
    def _search(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self._show_targets(("", []))
            return
        run_db(self, find_targets, event.value, on_done=self._show_targets, group="move-search", exclusive=True)

    def _show_targets(self, found: tuple[str, list[Target]]) -> None:
        text, rows = found
        if text != self.query_one("#move-target", Input).value:
            return  # an answer to what was typed before
        self.targets = {t.id: t for t in rows}
        self.listed_for = text
        results = self.query_one("#move-results", OptionList)
        results.clear_options()
        results.add_options([Option(content(t.label), id=str(t.id)) for t in rows])
        results.display = bool(rows)
        if rows:
            results.highlighted = 0
        if self.pick_when_found is not None and text.strip() == self.pick_when_found:
            self.pick_when_found = None
            if len(rows) == 1:
                self._confirm(rows[0].id)
            elif not rows:
                self.show_error(ValidationError(_("No customer matches {text}.").format(text=text.strip()), "customer"))

    def on_card_scanned(self, message: CardScanned) -> None:
        """A scan here is the card of the customer the receipt goes to."""
        message.stop()
        barcode = message.barcode.strip()
        if not barcode:
            return
        self.clear_errors()
        target = self.query_one("#move-target", Input)
        self.pick_when_found = barcode
        if target.value == barcode:
            run_db(self, find_targets, barcode, on_done=self._show_targets, group="move-search", exclusive=True)
        target.value = barcode  # its Changed searches
        target.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "move-receipt":
            self._look_up()
            return
        self._pick_or_wait(event.value)

    def _pick_or_wait(self, typed: str) -> None:
        """The highlighted customer, once the list answers what is typed now."""
        results = self.query_one("#move-results", OptionList)
        if self.listed_for == typed and results.option_count and results.highlighted is not None:
            self._confirm(int(results.get_option_at_index(results.highlighted).id))
        elif not typed.strip():
            self.show_error(ValidationError(_("Choose the customer to move the receipt to."), "customer"))
        elif self.listed_for == typed:
            self.show_error(ValidationError(_("No customer matches {text}.").format(text=typed.strip()), "customer"))
        else:
            self.pick_when_found = typed.strip()

    def on_key(self, event) -> None:
        down_into_results(self, event, "move-target", "move-results")

    @on(OptionList.OptionSelected, "#move-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._confirm(int(event.option.id))

    def action_save(self) -> None:
        if self.facts is None:
            self._look_up()
            return
        self._pick_or_wait(self.query_one("#move-target", Input).value)

    # -- the confirmation and the move ----------------------------------------------------

    def _confirm(self, target_id: int) -> None:
        if self.app.screen is not self:
            return  # the question is up already (a key typed ahead of it reached this dialog)
        self.clear_errors()
        if self.facts is None:
            if self.query_one("#move-receipt", Input).value.strip():
                self._look_up()
            else:
                self.show_error(ValidationError(_("Type the receipt number."), "receipt"))
            return
        target = self.targets.get(target_id)
        if target is None:
            return
        found = self.facts.receipt
        if target.id == found.customer_id:
            self.show_error(
                ValidationError(_("The receipt already belongs to {name}.").format(name=target.name), "customer")
            )
            return
        f = self.formats
        message = _(
            "Move receipt {number} ({total}) from {source} ({source_code}) to {target} ({target_code})? "
            "Its points (earned {earned}, redeemed {redeemed}) and credit ({credit}) move with it, "
            "and its returns too."
        ).format(
            number=found.number,
            total=f.money(found.total).plain,
            source=found.customer_name,
            source_code=found.customer_code,
            target=target.name,
            target_code=target.code,
            earned=f.number(self.facts.points_earned).plain,
            redeemed=f.number(self.facts.points_redeemed).plain,
            credit=f.money(self.facts.on_credit).plain,
        )
        facts = self.facts
        self.app.push_screen(
            ChoiceModal(_("Move the receipt"), message, [("move", _("Move")), ("cancel", _("Cancel"))]),
            lambda answer: self._move(facts, target) if answer == "move" else None,
        )

    def _move(self, facts: MoveFacts, target: Target) -> None:
        if self._busy:
            return
        self._busy = True
        run_db(
            self,
            move,
            facts.receipt.id,
            target.id,
            self.actor,
            on_done=lambda _none: self._moved(facts, target),
            on_error=self._move_failed,
            group="move",
        )

    def _move_failed(self, exc: ShopError) -> None:
        self._busy = False
        if isinstance(exc, PermissionDenied):
            notify_error(self, str(exc))
            return
        # The service refused it: the receipt's own rule on the receipt, the rest on the customer.
        field = getattr(exc, "field", None) or "customer"
        self.show_error(ValidationError(str(exc), field))

    def _moved(self, facts: MoveFacts, target: Target) -> None:
        self._busy = False
        self.app.data_changed()
        self.app.notify(
            printable(
                _("Receipt {number} moved from {source} ({source_code}) to {target} ({target_code}).").format(
                    number=facts.receipt.number,
                    source=facts.receipt.customer_name,
                    source_code=facts.receipt.customer_code,
                    target=target.name,
                    target_code=target.code,
                )
            ),
            markup=False,
            timeout=8,
        )
        self.dismiss(True)
