"""A lost or broken card: the customer's current cards, each can be withdrawn (with the
reason in the person's words) or replaced by a new card scanned or typed. The old
binding stays in the history (the Cards tab shows it as withdrawn or replaced).

Also the card's most final action, ``confirm_anonymise`` (owner only): the customer asked
to be forgotten; their cards end with it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from shoptui.errors import ShopError, ValidationError
from shoptui.i18n import N_, _
from shoptui.services import cards, customer_view, customers, privacy
from shoptui.services.context import Actor

from ..db_work import notify_error, run_db
from ..dialogs.choice_modal import ChoiceModal
from ..messages import CardScanned
from ..text import Formats, content, plain, printable
from ..widgets.labels import CARD_KIND_NAMES, name_of


@dataclass(frozen=True)
class HeldCards:
    name: str
    code: str
    cards: list[customer_view.CardRow]


def held_cards(customer_id: int) -> HeldCards:
    """Runs in a worker: the customer and the cards they hold now."""
    customer = customers.get(customer_id)
    return HeldCards(customer.name, customer.code, [row for row in customer_view.cards(customer_id) if row.current])


def withdraw(barcode: str, note: str, actor: Actor | None) -> str:
    return cards.withdraw_card(barcode, actor, note=note).card.barcode


def replace(old: str, new: str, note: str, actor: Actor | None) -> str:
    if not new.strip():
        raise ValidationError(_("Scan or type the new card's barcode."), "barcode")
    return cards.replace_card(old, new, actor, note=note).barcode


def anonymise(customer_id: int, actor: Actor | None) -> str:
    return privacy.anonymise(customer_id, actor).code


def confirm_anonymise(node, customer_id: int, name: str, code: str, actor: Actor | None, on_done) -> None:
    """Ask once more, then erase what identifies the customer (``on_done()`` after)."""

    def done(erased_code: str) -> None:
        node.app.notify(printable(_("Customer {code} anonymised.").format(code=erased_code)), markup=False)
        on_done()

    def answered(answer: str | None) -> None:
        if answer == "anonymise":
            run_db(node, anonymise, customer_id, actor, on_done=done, group="anonymise", title=_("Anonymise"))

    node.app.push_screen(
        ChoiceModal(
            _("Anonymise the customer?"),
            _(
                "{name} ({code}): the name, phone, e-mail, address, birthday, notes and property values are erased "
                "for good, and the cards end. Receipts, points and debt stay."
            ).format(name=name, code=code),
            [("keep", _("Keep as it is")), ("anonymise", _("Anonymise"))],
        ),
        answered,
    )


def open_card_actions(app: App, customer_id: int) -> None:
    """The card actions of ``customer_id``; the customer's card underneath reads afresh after a change."""
    below = app.screen

    def closed(changed: bool | None) -> None:
        if changed:
            app.data_changed()
            if getattr(below, "customer_id", None) == customer_id and hasattr(below, "reload"):
                below.reload()

    app.push_screen(CardActionsModal(customer_id, app.formats, getattr(app, "actor", None)), closed)


class CardActionsModal(ModalScreen[bool]):
    """Answers True when a card was withdrawn or replaced."""

    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="cards-close"),
        Binding("f6", "withdraw", N_("Withdraw card"), id="cards-withdraw"),
        Binding("f7", "replace", N_("Replace card"), id="cards-replace"),
    ]
    DEFAULT_CSS = """
    CardActionsModal #held-cards { height: auto; max-height: 8; }
    CardActionsModal Input { margin: 0 0 1 0; }
    CardActionsModal #cards-error { color: $error; height: auto; }
    """

    def __init__(self, customer_id: int, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.customer_id = customer_id
        self.formats = formats
        self.actor = actor
        self.held: HeldCards | None = None
        self.changed = False
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="cards-dialog"):
            yield Static(content(_("Withdraw or replace a card")), id="cards-title", classes="dialog-title")
            yield DataTable(id="held-cards", cursor_type="row")
            yield Static("", id="cards-none", classes="dialog-message")
            yield Static(content(_("Reason (lost, broken…)")), classes="field-label")
            yield Input(id="card-reason", max_length=500)
            yield Static(content(_("New card for a replacement (scan or type)")), classes="field-label")
            yield Input(id="card-new-barcode", max_length=64)
            yield Static("", id="cards-error")
            yield Static(content(_("F6: withdraw   F7: replace   Esc: close")), classes="dialog-message")

    def on_mount(self) -> None:
        table = self.query_one("#held-cards", DataTable)
        for label in (_("Card"), _("Kind"), _("Given")):
            table.add_column(label)
        table.focus()
        self.reload()

    def reload(self) -> None:
        run_db(
            self, held_cards, self.customer_id, on_done=self._show, group="held-cards", exclusive=True, title=_("Cards")
        )

    def _show(self, held: HeldCards) -> None:
        self.held = held
        self.query_one("#cards-title", Static).update(
            content(_("Cards of {name} ({code})").format(name=held.name, code=held.code))
        )
        table = self.query_one("#held-cards", DataTable)
        table.clear()
        for row in held.cards:
            table.add_row(
                plain(row.barcode, 40), plain(name_of(CARD_KIND_NAMES, row.kind)), self.formats.datetime(row.bound_at)
            )
        self.query_one("#cards-none", Static).update(content(_("No card is held now.")) if not held.cards else "")

    @property
    def selected(self) -> str | None:
        table = self.query_one("#held-cards", DataTable)
        if self.held is None or not self.held.cards or table.cursor_row >= len(self.held.cards):
            return None
        return self.held.cards[table.cursor_row].barcode

    def on_card_scanned(self, message: CardScanned) -> None:
        """A scan here is the new card of a replacement."""
        message.stop()
        self.query_one("#card-new-barcode", Input).value = message.barcode
        self._error("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "card-new-barcode" and event.value.strip():
            self.action_replace()
        else:
            self.focus_next()

    def _error(self, message: str) -> None:
        self.query_one("#cards-error", Static).update(content(message))

    def action_close(self) -> None:
        self.dismiss(self.changed)

    def action_withdraw(self) -> None:
        barcode = self.selected
        if barcode is None or self._busy:
            return
        self._run(withdraw, barcode, self.query_one("#card-reason", Input).value, done=_("Card {barcode} withdrawn."))

    def action_replace(self) -> None:
        barcode = self.selected
        if barcode is None or self._busy:
            return
        new = self.query_one("#card-new-barcode", Input).value
        self._run(
            replace,
            barcode,
            new,
            self.query_one("#card-reason", Input).value,
            done=_("Card {barcode} replaced by {new}."),
        )

    def _run(self, job, *args, done: str) -> None:
        self._busy = True
        self._error("")
        old = args[0]

        def finished(result: str) -> None:
            self._busy = False
            self.changed = True
            for field in ("#card-reason", "#card-new-barcode"):
                self.query_one(field, Input).value = ""
            self.app.notify(printable(done.format(barcode=old, new=result)), markup=False)
            self.reload()

        def failed(exc: ShopError) -> None:
            self._busy = False
            self._error(str(exc))
            notify_error(self, str(exc))

        run_db(self, job, *args, self.actor, on_done=finished, on_error=failed, group="card-action", title=_("Card"))
