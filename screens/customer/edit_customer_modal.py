"""Editing a customer in place: every field of the profile, custom properties included.

Only the fields that changed are sent, with the custom properties that changed, to
``services.customers.save_profile`` (so an old duplicate phone does not block a change
of address): one transaction, so a wrong value anywhere saves nothing. A
``ValidationError`` shows under its field and the form stays open.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from textual.widgets import Input, Select, TextArea

from shoptui.i18n import _
from shoptui.money import to_decimal
from shoptui.services import customer_view, customers
from shoptui.services.context import Actor
from shoptui.services.customers import CHANNELS, GENDERS, PROPERTY_FIELD

from ..db_work import run_db
from ..text import Formats, printable
from ..widgets.form import Field, FormModal, TillSelect, YesNoCheckbox
from ..widgets.form_values import check_phone, read_date, read_money, read_percent
from ..widgets.labels import CHANNEL_NAMES, GENDER_NAMES

PROPERTY_PREFIX = PROPERTY_FIELD  # a property's field: the one the service names when it refuses the value


def property_text(row: customer_view.PropertyRow) -> str:
    """A property's stored value as the person edits it."""
    if row.value is None:
        return ""
    if row.kind == "yesno":
        return _("yes") if row.value == "1" else _("no")
    return row.value


def percent_text(basis_points: int) -> str:
    """Hundredths of a percent as typed: 500 -> "5", 250 -> "2.5"; no discount: empty."""
    if not basis_points:
        return ""
    return format((Decimal(basis_points) / 100).normalize(), "f")


def save_profile(customer_id: int, changed: dict, actor: Actor | None, phone_confirmed: str | None = None) -> list[str]:
    """Runs in a worker: read the typed values, then the one service call."""
    if "phone" in changed:
        check_phone(changed["phone"], phone_confirmed)
    values = {}
    for name, value in changed.items():
        if name.startswith(PROPERTY_PREFIX):
            continue
        if name == "birthday":
            values["birthday"] = read_date(value, "birthday")
        elif name == "discount":
            values["discount_bp"] = read_percent(value)
        elif name == "credit_limit":
            values["credit_limit"] = read_money(value, "credit_limit")
        elif name == "gender":
            values["gender"] = value or ""
        else:
            values[name] = value
    properties = {
        name[len(PROPERTY_PREFIX) :]: value for name, value in changed.items() if name.startswith(PROPERTY_PREFIX)
    }
    return customers.save_profile(customer_id, values, properties, actor).warnings


class EditCustomerModal(FormModal):
    """Returns True when something was saved."""

    aliases = {"discount_bp": "discount"}

    def __init__(self, profile: customer_view.Profile, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.profile = profile
        self.formats = formats
        self.actor = actor
        self._original: dict = {}

    def fields(self) -> Iterable[Field]:
        p = self.profile

        def line(name: str, label: str, value: str, **kwargs) -> Field:
            return Field(label, Input(printable(value), id=name, **kwargs), name)

        yield line("name", _("Name"), p.name, max_length=200)
        yield line("phone", _("Phone"), p.phone_typed or (p.phone or ""), max_length=40)
        yield line("birthday", _("Birthday"), p.birthday.isoformat() if p.birthday else "", placeholder=_("YYYY-MM-DD"))
        gender = TillSelect(
            [(_(GENDER_NAMES[g]), g) for g in GENDERS],
            value=p.gender or Select.NULL,
            id="gender",
            prompt=_("not given"),
        )
        yield Field(_("Gender"), gender, "gender")
        yield line("email", _("E-mail"), p.email, max_length=200)
        yield line("company", _("Company"), p.company, max_length=200)
        yield line("address", _("Address"), p.address, max_length=1000)
        yield line("area", _("Area"), p.area, max_length=100)
        yield line("discount", _("Personal discount, %"), percent_text(p.discount_bp))
        limit = "" if p.credit_limit is None else str(to_decimal(p.credit_limit, self.formats.currency))
        yield line("credit_limit", _("Credit limit (empty: no limit)"), limit)
        for channel in CHANNELS:
            label = _("Messages by {channel}").format(channel=_(CHANNEL_NAMES[channel]))
            yield Field(
                label, YesNoCheckbox(p.consents.get(channel, False), id=f"consent_{channel}"), f"consent_{channel}"
            )
        for prop in self.profile.properties:
            name = PROPERTY_PREFIX + prop.code
            if prop.kind == "choice":
                widget = TillSelect(
                    [(printable(c), c) for c in prop.choices],
                    value=prop.value if prop.value in prop.choices else Select.NULL,
                    id=name,
                )
            else:
                widget = Input(
                    printable(property_text(prop)), id=name, placeholder=_("YYYY-MM-DD") if prop.kind == "date" else ""
                )
            yield Field(prop.name, widget, name)
        yield Field(_("Notes"), TextArea(self.profile.notes, id="notes", soft_wrap=True), "notes")

    def dialog_title(self) -> str:
        return _("Edit {name} ({code})").format(name=self.profile.name, code=self.profile.code)

    def on_mount(self) -> None:
        self._original = self.values()
        self.query_one("#name", Input).focus()

    def action_save(self) -> None:
        self.clear_errors()
        current = self.values()
        changed = {name: value for name, value in current.items() if value != self._original.get(name)}
        if not changed:
            self.dismiss(False)
            return
        run_db(
            self,
            save_profile,
            self.profile.id,
            changed,
            self.actor,
            self.phone_confirmed,
            on_done=self._saved,
            on_error=self.show_error,
            group="save",
        )

    def _saved(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.app.notify(printable(warning), severity="warning", markup=False)
        self.dismiss(True)
