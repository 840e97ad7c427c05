"""One points tier on a form: its name, the spend in the last 12 months from which it
applies, its money per point and its discount. Ctrl+S (or Enter on the last field)
saves it through the tiers service at once; the modal answers the tier's id, or None."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.i18n import _
from shoptui.money import as_string
from shoptui.services import tiers
from shoptui.services.context import Actor
from shoptui.services.tiers import TierInput, TierRow

from ..text import content
from ..widgets.form import Field, FormModal
from ..widgets.form_values import read_money, read_percent


def save_tier(tier_id: int | None, values: dict, actor: Actor | None) -> int:
    """Runs in a worker: the typed values read as the shop writes them, then saved."""
    tier = TierInput(
        name=values["name"] or "",
        min_spend=read_money(values["min_spend"], "min_spend") or 0,
        earn_per=read_money(values["earn_per"], "earn_per") or 0,
        discount_bp=read_percent(values["discount"], "discount_bp"),
    )
    if tier_id is None:
        return tiers.add_tier(tier, actor)
    tiers.update_tier(tier_id, tier, actor)
    return tier_id


def percent_text(basis_points: int) -> str:
    whole, rest = divmod(basis_points, 100)
    return str(whole) if not rest else f"{whole}.{rest:02d}".rstrip("0")


class TierModal(FormModal):
    aliases = {"discount_bp": "discount"}

    def __init__(self, tier: TierRow | None, actor: Actor | None = None):
        super().__init__()
        self.tier = tier
        self.actor = actor

    def fields(self) -> Iterable[Field]:
        yield Field(_("Name"), Input(id="tier-name", max_length=64), "name")
        yield Field(_("From spend in the last 12 months"), Input(id="tier-min-spend", max_length=30), "min_spend")
        yield Field(_("Money per point earned"), Input(id="tier-earn-per", max_length=30), "earn_per")
        yield Field(_("Discount %"), Input(id="tier-discount", max_length=10), "discount")

    def compose(self) -> ComposeResult:
        title = _("New tier") if self.tier is None else _("Edit tier")
        with Vertical(id="dialog", classes="form-dialog tier-dialog"):
            yield Static(content(title), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static(content(_("Ctrl+S: save   Esc: cancel")), classes="dialog-message")

    def on_mount(self) -> None:
        if self.tier is not None:
            currency = self.app.formats.currency
            self.query_one("#tier-name", Input).value = self.tier.name
            self.query_one("#tier-min-spend", Input).value = as_string(self.tier.min_spend, currency)
            self.query_one("#tier-earn-per", Input).value = as_string(self.tier.earn_per, currency)
            self.query_one("#tier-discount", Input).value = percent_text(self.tier.discount_bp)
        self.query_one("#tier-name", Input).focus()

    def action_save(self) -> None:
        values = self.values_to_save()
        if values is None:
            return
        self.submit(
            save_tier, self.tier.id if self.tier else None, values, self.actor, on_done=self._saved, group="tier-save"
        )

    def _saved(self, tier_id: int) -> None:
        self.dismiss(tier_id)
