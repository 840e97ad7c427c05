"""A new custom property of the shop's customers: its name, code, type and, for a choice,
its choices."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import Input, TextArea

from shoptui.i18n import N_, _
from shoptui.services import customers
from shoptui.services.context import Actor
from shoptui.services.customers import PROPERTY_KINDS

from ..widgets.form import Field, FormModal, TillSelect

PROPERTY_KIND_NAMES = {
    "text": N_("text"),
    "number": N_("number"),
    "date": N_("date"),
    "choice": N_("choice"),
    "yesno": N_("yes/no"),
}


def define(values: dict, actor: Actor | None) -> int:
    choices = [line for line in (values.get("choices") or "").split("\n")]
    return customers.define_property(values["code"], values["name"], values["kind"], choices, actor).id


class PropertyModal(FormModal):
    """A new property definition; returns its id, or None."""

    FIRST_FIELD = "name"

    def __init__(self, actor: Actor | None = None):
        super().__init__()
        self.actor = actor

    def fields(self) -> Iterable[Field]:
        yield Field(_("Name"), Input(id="name", max_length=200), "name")
        yield Field(_("Code (letters, digits and _)"), Input(id="code", max_length=64), "code")
        yield Field(
            _("Type"),
            TillSelect(
                [(_(PROPERTY_KIND_NAMES[k]), k) for k in PROPERTY_KINDS], id="kind", value="text", allow_blank=False
            ),
            "kind",
        )
        yield Field(_("Choices (one a line, for the type choice)"), TextArea(id="choices"), "choices")

    DIALOG_CLASS = "property-dialog"

    def dialog_title(self) -> str:
        return _("New property")

    def action_save(self) -> None:
        values = self.values_to_save()
        if values is None:
            return
        if not values["code"].strip():
            # A code from the name saves a keystroke: "Shoe size" -> shoe_size.
            from shoptui.textfold import fold

            values["code"] = "_".join(fold(values["name"]).split())
        self.submit(define, values, self.actor, on_done=self._saved, group="save")

    def _saved(self, definition_id: int) -> None:
        self.dismiss(definition_id)
