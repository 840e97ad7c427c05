"""Registering a customer at the till, in under 30 seconds: name, phone, card, then save.

The form is short on purpose: name and phone first, the card by scanning it (a scan
while this form is open always lands in the card field, whatever field has the focus)
or typing it, then the optional birthday, gender and e-mail. Enter goes to the next
field and saves from the last; Ctrl+S saves from anywhere. Without a phone the cashier
is asked whether to save the customer as "incomplete", to be completed later.

Registering and binding the card are two service transactions today. The card is
checked before the customer is written (a card held by someone else is an error on the
card field and nothing is saved); should binding still fail afterwards, the customer is
kept and the error is shown, and the card can be added from the customer's card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from textual.widgets import Input, Select

from shoptui.errors import ShopError, ValidationError
from shoptui.i18n import _
from shoptui.models import GENDERS
from shoptui.services import cards, customers
from shoptui.services.context import Actor

from .choice_modal import ChoiceModal
from .form import Field, FormModal
from .form_values import check_phone, read_date
from .labels import GENDER_NAMES
from .messages import CardScanned
from .text import printable


@dataclass
class Registered:
    customer_id: int
    warnings: list[str] = field(default_factory=list)


def register_with_card(values: dict, card: str, actor: Actor | None, phone_confirmed: str | None = None) -> Registered:
    """Runs in a worker. The card is checked first so that a bad card saves nothing."""
    check_phone(values.get("phone") or "", phone_confirmed)
    barcode = ""
    if card.strip():
        try:
            # One check, the service's: malformed, a gift card or another customer's card
            # is an error on the card field before anything is saved.
            barcode = cards.check_bindable(card)
        except ShopError as exc:
            raise ValidationError(str(exc), "card") from None
    values = dict(values)
    values["birthday"] = read_date(values.get("birthday") or "", "birthday")
    outcome = customers.register(values, actor)
    result = Registered(outcome.customer.id, list(outcome.warnings))
    if barcode:
        try:
            cards.issue_card(outcome.customer.id, barcode, actor=actor)
        except ShopError as exc:
            result.warnings.append(
                _("The customer is saved, but the card could not be bound: {reason}").format(reason=exc)
            )
    return result


class RegisterModal(FormModal):
    """Returns the new customer's id, or None when cancelled."""

    def __init__(self, card: str = "", name: str = "", phone: str = "", actor: Actor | None = None):
        super().__init__()
        self.card = card
        self.initial_name = name
        self.initial_phone = phone
        self.actor = actor

    def fields(self) -> Iterable[Field]:
        yield Field(_("Name"), Input(printable(self.initial_name), id="name", max_length=200), "name")
        yield Field(_("Phone"), Input(printable(self.initial_phone), id="phone", max_length=40), "phone")
        yield Field(_("Card (scan or type)"), Input(printable(self.card), id="card", max_length=64), "card")
        yield Field(_("Birthday"), Input(id="birthday", placeholder=_("YYYY-MM-DD")), "birthday")
        yield Field(
            _("Gender"),
            Select([(_(GENDER_NAMES[g]), g) for g in GENDERS], id="gender", prompt=_("not given")),
            "gender",
        )
        yield Field(_("E-mail"), Input(id="email", max_length=200), "email")

    DIALOG_CLASS = "register-dialog"

    def dialog_title(self) -> str:
        return _("New customer")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_card_scanned(self, message: CardScanned) -> None:
        """A scan while registering is this customer's new card."""
        message.stop()
        card = self.query_one("#card", Input)
        card.value = message.barcode
        self.field("card").set_error(None)

    def action_save(self) -> None:
        if self.busy:
            return
        self.clear_errors()
        values = self.values()
        if not values["name"].strip():
            self.show_error(ValidationError(_("A customer needs a name."), "name"))
            return
        if not values["phone"].strip():
            self.app.push_screen(
                ChoiceModal(
                    _("No phone number"),
                    _("Save this customer as incomplete, to complete the data later?"),
                    [("incomplete", _("Save as incomplete")), ("back", _("Back to the form"))],
                ),
                self._missing_phone_answered,
            )
            return
        self._save(values, "active")

    def _missing_phone_answered(self, answer: str | None) -> None:
        if answer == "incomplete":
            self._save(self.values(), "incomplete")
        else:
            self.query_one("#phone", Input).focus()

    def _save(self, values: dict, status: str) -> None:
        card = values.pop("card") or ""
        values = {name: value for name, value in values.items() if value not in (None, "")}
        values["status"] = status
        self.submit(register_with_card, values, card, self.actor, self.phone_confirmed, on_done=self._saved, group="save")

    def _saved(self, result: Registered) -> None:
        for warning in result.warnings:
            self.app.notify(printable(warning), severity="warning", markup=False, timeout=8)
        self.dismiss(result.customer_id)
