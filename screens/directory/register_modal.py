"""Registering a customer at the till, in under 30 seconds: name, phone, card, then save.

The form is short on purpose: name and phone first, the card by scanning it (a scan
while this form is open always lands in the card field, whatever field has the focus)
or typing it, then the optional birthday, gender and e-mail. Enter goes to the next
field and saves from the last; Ctrl+S saves from anywhere. Without a phone the cashier
is asked whether to save the customer as "incomplete", to be completed later.

The customer and the card are saved together (``services.registration``): a card the
shop's rule refuses, a product's barcode or another customer's card is an error on the
card field and nothing is saved. A scan into the card field moves on to the next field
(the scanner's Enter is not a key the form sees), and a card prefilled by the scan that
opened the form is not a stop on the way through the fields, so typing meant for the
birthday never lands in it; a new scan still replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textual.widgets import Input

from shoptui.errors import ValidationError
from shoptui.i18n import _
from shoptui.services import registration
from shoptui.services.context import Actor
from shoptui.services.customers import GENDERS

from ..devices.keyboard_scans import TYPED_CODES
from ..dialogs.choice_modal import ChoiceModal
from ..messages import CardScanned
from ..text import printable
from ..widgets.form import Field, FormModal, TillSelect
from ..widgets.form_values import check_phone, read_date
from ..widgets.labels import GENDER_NAMES


@dataclass
class Registered:
    customer_id: int
    warnings: list[str] = field(default_factory=list)


def register_with_card(values: dict, card: str, actor: Actor | None, phone_confirmed: str | None = None) -> Registered:
    """Runs in a worker: what was typed, read, then the one service call."""
    check_phone(values.get("phone") or "", phone_confirmed)
    values = dict(values)
    values["birthday"] = read_date(values.get("birthday") or "", "birthday")
    outcome = registration.register(values, card, actor)
    return Registered(outcome.customer.id, list(outcome.warnings))


class RegisterModal(FormModal):
    """Returns the new customer's id, or None when cancelled."""

    def __init__(self, card: str = "", name: str = "", phone: str = "", actor: Actor | None = None):
        super().__init__()
        self.card = card
        self.initial_name = name
        self.initial_phone = phone
        self.actor = actor

    def fields(self) -> Iterable[Field]:
        # A name typed (or pasted) fast with its Enter is a name, not a card: the scan
        # detector gives such a burst back as typing here (keyboard_scans.TYPED_CODES).
        yield Field(
            _("Name"), Input(printable(self.initial_name), id="name", max_length=200, classes=TYPED_CODES), "name"
        )
        yield Field(_("Phone"), Input(printable(self.initial_phone), id="phone", max_length=40), "phone")
        yield Field(_("Card (scan or type)"), Input(printable(self.card), id="card", max_length=64), "card")
        yield Field(_("Birthday"), Input(id="birthday", placeholder=_("YYYY-MM-DD")), "birthday")
        yield Field(
            _("Gender"),
            TillSelect([(_(GENDER_NAMES[g]), g) for g in GENDERS], id="gender", prompt=_("not given")),
            "gender",
        )
        yield Field(_("E-mail"), Input(id="email", max_length=200), "email")

    DIALOG_CLASS = "register-dialog"

    def dialog_title(self) -> str:
        return _("New customer")

    def on_mount(self) -> None:
        if self.card:
            self.query_one("#card", Input).can_focus = False
        self.query_one("#name", Input).focus()

    def on_card_scanned(self, message: CardScanned) -> None:
        """A scan while registering is this customer's new card."""
        message.stop()
        card = self.query_one("#card", Input)
        card.value = message.barcode
        self.field("card").set_error(None)
        # What is typed next belongs to the next field still to fill, never to the card or to
        # a field already typed in (a birthday after a phone typed without Enter).
        for name in ("name", "phone", "birthday"):
            field = self.query_one(f"#{name}", Input)
            if not field.value.strip() or name == "birthday":
                field.focus()
                break

    def action_save(self) -> None:
        values = self.values_to_save()
        if values is None:
            return
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
        self.submit(
            register_with_card, values, card, self.actor, self.phone_confirmed, on_done=self._saved, group="save"
        )

    def _saved(self, result: Registered) -> None:
        for warning in result.warnings:
            self.app.notify(printable(warning), severity="warning", markup=False, timeout=8)
        self.dismiss(result.customer_id)
