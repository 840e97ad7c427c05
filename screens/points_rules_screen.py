"""The points rules (the owner's): money per point earned, what a redeemed point pays,
the fewest points redeemed at once, expiry after N days, and whether the part paid with
points earns points. Saved together, in one transaction; anyone but the owner is refused
by the settings service. Tiers (by spend in the last 12 months) are listed as they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from shoptui.errors import ShopError, ValidationError
from shoptui.i18n import N_, _
from shoptui.services import settings, till
from shoptui.services.context import Actor
from shoptui.services.ledger import write_transaction

from .db_work import run_db
from .form import Field, FormModal
from .text import content, printable

RULES = (
    ("points_earn_per", N_("Money per point earned")),
    ("points_value", N_("Money one redeemed point pays")),
    ("points_min_redeem", N_("Fewest points redeemed at once")),
    ("points_expiry_days", N_("Points expire after days (0: never)")),
)
YES_NO = (("yes", N_("yes")), ("no", N_("no")))


@dataclass(frozen=True)
class Rules:
    values: dict[str, str]
    tiers: list[tuple[str, int, int, int]]  # name, min spend, money per point, discount bp


def load_rules() -> Rules:
    keys = [key for key, _label in RULES] + ["points_earn_on_points"]
    return Rules({key: settings.get(key) for key in keys}, till.points_tiers())


def save_rules(values: dict[str, str], actor: Actor | None) -> None:
    """All rules or none: a wrong value is an error on its own field."""
    with write_transaction():
        for key, value in values.items():
            try:
                settings.set_value(key, value, actor)
            except ValidationError as exc:
                raise ValidationError(str(exc), key) from None


class PointsRulesScreen(FormModal):
    def __init__(self, actor: Actor | None = None, formats=None):
        super().__init__()
        self.actor = actor
        self.formats = formats
        self._busy = False

    def fields(self) -> Iterable[Field]:
        for key, label in RULES:
            yield Field(_(label), Input(id=key, max_length=20), key)
        yield Field(
            _("The part paid with points earns points"),
            Select([(_(label), value) for value, label in YES_NO], id="points_earn_on_points", value="no", allow_blank=False),
            "points_earn_on_points",
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog points-rules-dialog"):
            yield Static(content(_("Points rules")), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static(content(""), classes="dialog-message", id="tiers")
            yield Static(content(_("Ctrl+S: save   Esc: cancel")), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#points_earn_per", Input).focus()
        run_db(self, load_rules, on_done=self._show, group="points-rules")

    def _show(self, rules: Rules) -> None:
        for key, value in rules.values.items():
            self.query_one(f"#{key}").value = value
        text = Text(end="")
        if not rules.tiers:
            text.append(_("No tiers: everyone earns at the rate above."))
        for i, (name, min_spend, earn_per, discount_bp) in enumerate(rules.tiers):
            if i:
                text.append("\n")
            money = self.app.formats.money
            text.append(printable(_("Tier {name}: from {spend} in 12 months, a point per {per}, discount {percent}").format(
                name=name, spend=money(min_spend).plain, per=money(earn_per).plain,
                percent=self.app.formats.percent(discount_bp).plain)))
        self.query_one("#tiers", Static).update(text)

    def action_save(self) -> None:
        if self._busy:
            return
        self.clear_errors()
        values = {key: str(value).strip() for key, value in self.values().items()}
        self._busy = True
        run_db(self, save_rules, values, self.actor, on_done=self._saved, on_error=self._failed, group="points-rules-save")

    def _failed(self, exc: ShopError) -> None:
        self._busy = False
        self.show_error(exc)

    def _saved(self, _result) -> None:
        self._busy = False
        self.app.notify(_("Points rules saved."), markup=False)
        self.dismiss(True)
