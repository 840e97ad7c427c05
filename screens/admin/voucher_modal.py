"""A new voucher or coupon: code, amount or percent, value, validity, uses allowed,
an optional customer it is bound to, a note. The service checks every rule; the form
shows its refusal under the field it names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.widgets import Input

from shoptui.errors import ValidationError
from shoptui.i18n import N_, _
from shoptui.services import cards, scans, vouchers
from shoptui.services.context import Actor

from ..db_work import run_db
from ..messages import CardScanned
from ..widgets.form import Field, FormModal, TillSelect
from ..widgets.form_values import read_date, read_money, read_percent, read_whole

VOUCHER_KIND_NAMES = {"amount": N_("amount"), "percent": N_("percent")}


@dataclass(frozen=True)
class VoucherForm:
    """What the form holds, as typed."""

    code: str
    kind: str
    value: str
    valid_from: str
    valid_to: str
    max_uses: str
    customer: str
    note: str


def read_uses(text: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None  # no limit
    if not (text.isascii() and text.isdigit()):  # "²".isdigit() is true, and int() refuses it
        raise ValidationError(_("The number of uses is a whole number, or blank for no limit."), "max_uses")
    return read_whole(text, "max_uses")


def customer_of(text: str):
    """The customer a code or a held card names; blank: none."""
    text = (text or "").strip()
    if not text:
        return None
    found = cards.resolve_scan(text)
    if found.kind in ("known", "customer") and found.customer is not None:
        return found.customer
    raise ValidationError(_("No customer has the code or card {text}.").format(text=text), "customer")


def save_voucher(form: VoucherForm, actor: Actor | None) -> int:
    """Runs in a worker: reads what was typed and creates the voucher; its id."""
    if form.kind == "percent":
        value = read_percent(form.value, "value")
    else:
        value = read_money(form.value, "value") or 0
    voucher = vouchers.create_voucher(
        form.code,
        form.kind,
        value,
        valid_from=read_date(form.valid_from, "valid_from"),
        valid_to=read_date(form.valid_to, "valid_to"),
        max_uses=read_uses(form.max_uses),
        customer=customer_of(form.customer),
        actor=actor,
        note=form.note,
    )
    return voucher.id


class VoucherModal(FormModal):
    """Answers the new voucher's id, or None when cancelled."""

    FIRST_FIELD = "voucher-code"

    DEFAULT_CSS = """
    VoucherModal #dialog { width: 84; }
    """

    def __init__(self, actor: Actor | None = None):
        super().__init__()
        self.actor = actor
        self._clash_shown: str | None = None  # what the code field was refused for on leaving it

    def fields(self) -> Iterable[Field]:
        yield Field(_("Code"), Input(id="voucher-code", max_length=64), "code")
        yield Field(
            _("Kind"),
            TillSelect(
                [(_(VOUCHER_KIND_NAMES[k]), k) for k in VOUCHER_KIND_NAMES],
                id="voucher-kind",
                value="amount",
                allow_blank=False,
            ),
            "kind",
        )
        yield Field(_("Value (an amount, or a percent such as 10%)"), Input(id="voucher-value", max_length=30), "value")
        yield Field(
            _("Valid from"),
            Input(id="voucher-from", placeholder=_("YYYY-MM-DD, blank: now"), max_length=20),
            "valid_from",
        )
        yield Field(
            _("Valid to"), Input(id="voucher-to", placeholder=_("YYYY-MM-DD, blank: no end"), max_length=20), "valid_to"
        )
        yield Field(
            _("Uses allowed"), Input("1", id="voucher-uses", placeholder=_("blank: no limit"), max_length=9), "max_uses"
        )
        yield Field(_("Only for customer (code or card)"), Input(id="voucher-customer", max_length=64), "customer")
        yield Field(_("Note"), Input(id="voucher-note", max_length=500), "note")

    DIALOG_CLASS = "voucher-dialog"

    def dialog_title(self) -> str:
        return _("New voucher")

    def on_descendant_blur(self, event) -> None:
        """A code left (Tab, Enter, a click): refused on its field at once when it already
        means something else at the till (a product, a customer's card, a gift card)."""
        if getattr(event.widget, "id", None) == "voucher-code":
            self._check_code(event.widget.value)

    def on_card_scanned(self, message: CardScanned) -> None:
        """A scan while the code field has the focus is the new voucher's code."""
        code_input = self.query_one("#voucher-code", Input)
        if self.app.focused is not code_input:
            return
        message.stop()
        code_input.value = message.barcode
        self._check_code(message.barcode)

    def _check_code(self, text: str) -> None:
        if text.strip():
            run_db(
                self,
                scans.new_code_refusal,
                text.strip(),
                "voucher",
                on_done=self._code_checked,
                on_error=lambda _exc: None,
                group="voucher-code",
                exclusive=True,
            )

    def _code_checked(self, refusal: str | None) -> None:
        field = self.field("code")
        if refusal is not None:
            field.set_error(refusal)
        elif self._clash_shown and field.error == self._clash_shown:
            field.set_error(None)  # the code was changed into a free one
        self._clash_shown = refusal

    def action_save(self) -> None:
        v = self.values_to_save()
        if v is None:
            return
        form = VoucherForm(
            v["code"], v["kind"], v["value"], v["valid_from"], v["valid_to"], v["max_uses"], v["customer"], v["note"]
        )
        self.submit(save_voucher, form, self.actor, on_done=self._saved, group="voucher-save", title=_("Voucher"))

    def _saved(self, voucher_id: int) -> None:
        self.dismiss(voucher_id)
