"""The points rules (the owner's): money per point earned, what a redeemed point pays,
the fewest points redeemed at once, expiry after N days, and whether the part paid with
points earns points. Saved together, in one transaction; anyone but the owner is refused
by the settings service.

The tiers (by spend in the last 12 months, each with its own money per point and
discount) are listed beneath: F2 adds one, F4 (or Enter on the list) edits the
highlighted one and F8 deletes it. Each tier is saved on its own form at once, by the
tiers service, which refuses anyone but the owner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import InvalidOperation

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Static

from shoptui.errors import ValidationError
from shoptui.i18n import N_, _
from shoptui.money import read_decimal
from shoptui.services import settings, tiers
from shoptui.services.context import Actor, allows
from shoptui.services.tiers import TierRow

from ..db_work import run_db
from ..dialogs.choice_modal import ChoiceModal
from ..role_keys import refused
from ..text import content, plain
from ..widgets.form import Field, FormModal, TillSelect
from ..widgets.paged_table import row_under_cursor
from .tier_modal import TierModal

RULES = (
    ("points_earn_per", N_("Money per point earned")),
    ("points_value", N_("Money one redeemed point pays")),
    ("points_min_redeem", N_("Fewest points redeemed at once")),
    ("points_expiry_days", N_("Points expire after days (0: never)")),
)
YES_NO = (("yes", N_("yes")), ("no", N_("no")))
TIER_COLUMNS = (N_("Tier"), N_("From spend in 12 months"), N_("Money per point"), N_("Discount"))


@dataclass(frozen=True)
class Rules:
    values: dict[str, str]
    tiers: list[TierRow]


def load_rules() -> Rules:
    keys = [key for key, _label in RULES] + ["points_earn_on_points"]
    return Rules({key: settings.get(key) for key in keys}, tiers.list_tiers())


# The rules that are money and must be more than zero: the setting's own message says
# "0 must be more than zero.", which names no field; the form names it.
POSITIVE = ("points_earn_per", "points_value")


def _check_positive(key: str, value: str) -> None:
    try:
        number = read_decimal(value.strip())
    except (InvalidOperation, ValueError):
        return  # not a number at all: the setting says so
    if number.is_finite() and number <= 0:
        label = _(dict(RULES)[key])
        raise ValidationError(_("{field} must be more than zero.").format(field=label), key)


def save_rules(values: dict[str, str], actor: Actor | None) -> None:
    """All rules or none: a wrong value is an error on its own field."""
    for key in POSITIVE:
        if key in values:
            _check_positive(key, values[key])
    settings.set_values(values, actor)


class PointsRulesModal(FormModal):
    # The permission each key needs: a user who may only look is not offered the keys that
    # change the rules, and a form they could not save does not open.
    ACTION_NEEDS = {
        "add_tier": tiers.ACTION,
        "edit_tier": tiers.ACTION,
        "delete_tier": tiers.ACTION,
        "save": "settings",
    }
    BINDINGS = [
        Binding("f2", "add_tier", N_("New tier"), id="tier-add"),
        Binding("f4", "edit_tier", N_("Edit tier"), id="tier-edit"),
        Binding("f8", "delete_tier", N_("Delete tier"), id="tier-delete"),
    ]
    DEFAULT_CSS = """
    PointsRulesModal #tiers {
        height: auto;
        max-height: 6;
        margin: 1 0 0 0;
    }
    """

    def __init__(self, actor: Actor | None = None, formats=None):
        super().__init__()
        self.actor = actor
        self.formats = formats
        self.tiers: list[TierRow] = []

    @property
    def read_only(self) -> bool:
        """A user who may only look at the rules: the fields are shown, not typed in."""
        return not allows(self.actor, "settings")

    def fields(self) -> Iterable[Field]:
        locked = self.read_only
        for key, label in RULES:
            yield Field(_(label), Input(id=key, max_length=20, disabled=locked), key)
        yield Field(
            _("The part paid with points earns points"),
            TillSelect(
                [(_(label), value) for value, label in YES_NO],
                id="points_earn_on_points",
                value="no",
                allow_blank=False,
                disabled=locked,
            ),
            "points_earn_on_points",
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog points-rules-dialog"):
            yield Static(content(_("Points rules")), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield DataTable(id="tiers", cursor_type="row", zebra_stripes=True)
            yield Static(content(""), classes="dialog-message", id="tiers-note")
            if allows(self.actor, tiers.ACTION):
                yield Static(
                    content(_("Ctrl+S: save   F2: new tier   F4: edit tier   F8: delete tier   Esc: cancel")),
                    classes="dialog-message",
                )
            else:
                # Said up front, in place of keys that would only be refused (the services refuse all the same).
                yield Static(
                    content(_("Only the owner may change the points rules and tiers.   Esc: back")),
                    classes="dialog-message",
                    id="points-rules-read-only",
                )

    def on_mount(self) -> None:
        table = self.query_one("#tiers", DataTable)
        table.add_columns(*(_(label) for label in TIER_COLUMNS))
        self.query_one("#tiers" if self.read_only else "#points_earn_per").focus()
        run_db(self, load_rules, on_done=self._show, group="points-rules")

    def _show(self, rules: Rules) -> None:
        for key, value in rules.values.items():
            self.query_one(f"#{key}").value = value
        self._show_tiers(rules.tiers)

    def _show_tiers(self, rows: list[TierRow], select_id: int | None = None) -> None:
        self.tiers = rows
        table = self.query_one("#tiers", DataTable)
        table.clear()
        formats = self.app.formats
        for row in rows:
            table.add_row(
                plain(row.name, 30),
                formats.money(row.min_spend),
                formats.money(row.earn_per),
                formats.percent(row.discount_bp),
                key=str(row.id),
            )
        table.display = bool(rows)
        # One line each, so that the dialog still fits 80×24 with the list full.
        if rows:
            note = _("Highest tier reached by 12 months' spend applies; larger discount wins.")
        elif allows(self.actor, tiers.ACTION):
            note = _("No tiers: everyone earns at the rate above. F2 adds a tier.")
        else:
            note = _("No tiers: everyone earns at the rate above.")
        self.query_one("#tiers-note", Static).update(content(note))
        ids = [row.id for row in rows]
        if select_id in ids:
            table.move_cursor(row=ids.index(select_id))

    def reload_tiers(self, select_id: int | None = None) -> None:
        run_db(self, tiers.list_tiers, on_done=lambda rows: self._show_tiers(rows, select_id), group="points-tiers")

    # -- tiers ----------------------------------------------------------------------------

    def highlighted_tier(self) -> TierRow | None:
        return row_under_cursor(self.query_one("#tiers", DataTable), self.tiers)

    def action_add_tier(self) -> None:
        if refused(self, "add_tier"):
            return
        self.app.push_screen(TierModal(None, self.actor), self._tier_saved)

    def _tier_to(self, action: str, none_left: str):
        """The highlighted tier, when the role may ``action`` it and there is one; else None,
        said (``none_left``, when there is no tier)."""
        if refused(self, action):
            return None
        tier = self.highlighted_tier()
        if tier is None:
            self.app.notify(none_left, markup=False)
        return tier

    def action_edit_tier(self) -> None:
        tier = self._tier_to("edit_tier", _("There is no tier to edit; F2 adds one."))
        if tier is None:
            return
        self.app.push_screen(TierModal(tier, self.actor), self._tier_saved)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_tier()

    def _tier_saved(self, tier_id: int | None) -> None:
        if tier_id is not None:
            self.app.notify(_("Tier saved."), markup=False)
            self.reload_tiers(tier_id)

    def action_delete_tier(self) -> None:
        tier = self._tier_to("delete_tier", _("There is no tier to delete."))
        if tier is None:
            return

        def answered(choice: str | None) -> None:
            if choice == "delete":
                run_db(self, tiers.delete_tier, tier.id, self.actor, on_done=self._tier_deleted, group="tier-delete")

        self.app.push_screen(
            ChoiceModal(
                _("Delete tier"),
                _("Delete tier {name}? Its customers then earn by the next lower tier.").format(name=tier.name),
                [("cancel", _("Keep it")), ("delete", _("Delete"))],
            ),
            answered,
        )

    def _tier_deleted(self, _result) -> None:
        self.app.notify(_("Tier deleted."), markup=False)
        self.reload_tiers()

    # -- the rules ------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.busy or refused(self, "save"):
            return
        self.clear_errors()
        values = {key: str(value).strip() for key, value in self.values().items()}
        self.submit(save_rules, values, self.actor, on_done=self._saved, group="points-rules-save")

    def _saved(self, _result) -> None:
        self.app.notify(_("Points rules saved."), markup=False)
        self.dismiss(True)
