"""The parameters of a report: as-of day, period, stores and the report's own options, read
into a ``ReportQuery`` with a message under each field that cannot be read.

Dates are typed as YYYY-MM-DD (or in the shop region's order, 31/01/2025 in VN); F4 steps
through the usual periods (this month, last month, …) and Ctrl+D opens a calendar for the
date field in focus. An empty "from" or "to" means no bound: everything up to the as-of day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.dates import get_month_names
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from shoptui import clock
from shoptui.errors import ShopError, UsageError
from shoptui.i18n import N_, _
from shoptui.io.values import date_order, parse_date
from shoptui.reports.query import ReportQuery

from ..text import content
from ..widgets.form import LabelledField

# The periods F4 steps through, in this order; each gives (from, to) for an as-of day.
PERIODS = (
    ("this_month", N_("this month")),
    ("last_month", N_("last month")),
    ("this_week", N_("this week")),
    ("last_30_days", N_("the last 30 days")),
    ("this_year", N_("this year")),
    ("today", N_("the as-of day")),
    ("everything", N_("everything")),
)


def period_dates(period: str, as_of: dt.date) -> tuple[dt.date | None, dt.date | None]:
    if period == "this_month":
        return as_of.replace(day=1), as_of
    if period == "last_month":
        last = as_of.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    if period == "this_week":
        return as_of - dt.timedelta(days=as_of.weekday()), as_of
    if period == "last_30_days":
        return as_of - dt.timedelta(days=29), as_of
    if period == "this_year":
        return as_of.replace(month=1, day=1), as_of
    if period == "today":
        return as_of, as_of
    return None, None


@dataclass(frozen=True)
class Option:
    """A report's own option, as ``commands/report.py`` passes it to the report."""

    key: str
    label: str  # N_-marked
    kind: str  # "number", "text", "product", "choice", "check"
    choices: tuple[tuple[str, str], ...] = ()  # (value, N_-marked label)
    placeholder: str = ""


def _segments() -> tuple[tuple[str, str], ...]:
    from shoptui.reports.rfm import LABELS, SEGMENTS

    return tuple((name, LABELS.get(name, name)) for name in SEGMENTS)


def options_of(report: str) -> tuple[Option, ...]:
    if report == "conversion":
        return (Option("by", N_("By"), "choice", (("day", N_("day")), ("hour", N_("hour")))),)
    if report == "rfm":
        return (
            Option("details", N_("One row per customer"), "check"),
            Option("segment", N_("Segment"), "choice", _segments()),
        )
    if report == "winback":
        return (
            Option("factor", N_("Late × interval"), "number", placeholder="2"),
            Option("min_days", N_("Or days since"), "number"),
        )
    if report == "birthdays":
        return (Option("days", N_("Days ahead"), "number", placeholder="7"), Option("month", N_("Or month"), "month"))
    if report == "buyers":
        return (Option("product", N_("Product (SKU)"), "product"),)
    if report == "discounts":
        return (Option("limit", N_("Rows per list"), "number", placeholder="100"),)
    return ()


COMMON_FIELDS = ("as_of", "date_from", "date_to", "stores")
# Columns a field's widget takes (see ReportField's styles), to lay the form out.
WIDGET_WIDTHS = {Input: 12, Select: 20, Checkbox: 5, Static: 18}

# Reports that look at a day's window of their own instead of a period.
NO_PERIOD = frozenset({"birthdays"})


class ReportField(LabelledField, Vertical):
    """A label over its widget, and the error under it while there is one."""

    PREFIX = "report-field"

    DEFAULT_CSS = """
    ReportField {
        width: auto;
        min-width: 12;
        height: auto;
        margin: 0 1 0 0;
    }
    ReportField > .report-field-label {
        color: $text-muted;
    }
    ReportField > .report-field-error {
        color: $error;
        max-width: 40;
        height: auto;
    }
    ReportField.-invalid > .report-field-label {
        color: $error;
    }
    ReportField Input {
        width: 12;
    }
    ReportField Checkbox {
        width: 5;
    }
    ReportField Input.wide {
        width: 24;
    }
    ReportField Select {
        width: 20;
    }
    ReportField #field-stores-value {
        width: 18;
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    """

    def width_needed(self) -> int:
        widget = (
            24
            if self.widget.has_class("wide")
            else next((width for kind, width in WIDGET_WIDTHS.items() if isinstance(self.widget, kind)), 12)
        )
        return max(widget, Text(self.label).cell_len) + 1  # and the margin


class ReportForm(Vertical):
    """The fields of one report; ``read()`` gives its query or None (errors on the fields).

    One line of fields when they fit the screen's width, else the report's own options on
    a second line (80 columns), so that every field stays in view.
    """

    DEFAULT_CSS = """
    ReportForm {
        height: auto;
        padding: 0 1;
    }
    ReportForm > Horizontal {
        height: auto;
    }
    """

    def __init__(self, report: str, region: str, locale: str, as_of: dt.date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.report = report
        self.shop_region = region
        self.shop_locale = locale
        self.stores: list[str] = []
        self.store_names: dict[str, str] = {}
        self.period_index = -1
        self.fields: dict[str, ReportField] = {}
        self.initial_as_of = as_of or clock.today()

    # -- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        fields = self.make_fields()
        for field in fields:
            self.fields[field.field_name] = field
        common = [field for field in fields if field.field_name in COMMON_FIELDS]
        options = [field for field in fields if field.field_name not in COMMON_FIELDS]
        if sum(field.width_needed() for field in fields) + 2 <= self.app.size.width:
            common, options = fields, []
        with Horizontal(id="report-fields"):
            yield from common
        if options:
            with Horizontal(id="report-options"):
                yield from options

    def make_fields(self) -> list[ReportField]:
        hint = _("YYYY-MM-DD")
        fields = [ReportField(_("As of"), self._input("as_of", self.initial_as_of.isoformat(), hint), "as_of")]
        if self.report not in NO_PERIOD:
            fields.append(ReportField(_("From"), self._input("date_from", "", hint), "date_from"))
            fields.append(ReportField(_("To"), self._input("date_to", "", hint), "date_to"))
        fields.append(
            ReportField(_("Stores (F2)"), Static(content(_("all stores")), id="field-stores-value"), "stores")
        )
        for option in options_of(self.report):
            fields.append(ReportField(_(option.label), self._option_widget(option), option.key))
        return fields

    def _input(self, name: str, value: str, placeholder: str, wide: bool = False) -> Input:
        return Input(
            value=value,
            placeholder=placeholder,
            id=f"field-{name}",
            compact=True,
            max_length=200,
            classes="wide" if wide else "",
        )

    def _option_widget(self, option: Option) -> Widget:
        if option.kind == "check":
            return Checkbox("", id=f"field-{option.key}", compact=True)
        if option.kind == "choice":
            choices = [(_(label), value) for value, label in option.choices]
            if option.key == "by":
                return Select(choices, value="day", allow_blank=False, id=f"field-{option.key}", compact=True)
            return Select(choices, prompt=_("all"), id=f"field-{option.key}", compact=True)
        if option.kind == "month":
            names = get_month_names("wide", locale=self.shop_locale)
            return Select(
                [(str(names[month]), str(month)) for month in range(1, 13)],
                prompt=_("none"),
                id=f"field-{option.key}",
                compact=True,
            )
        return self._input(option.key, "", option.placeholder, wide=option.kind == "product")

    def offer_products(self, choices: list[tuple[str, str]]) -> None:
        """The catalogue's SKUs complete what is typed in the product field."""
        if "product" in self.fields:
            field = self.query_one("#field-product", Input)
            field.suggester = SuggestFromList([sku for sku, _name in choices], case_sensitive=False)

    # -- stores and periods ---------------------------------------------------------------

    def set_stores(self, codes: list[str]) -> None:
        self.stores = list(codes)
        text = ", ".join(codes) if codes else _("all stores")
        self.query_one("#field-stores-value", Static).update(content(text))

    def step_period(self) -> str | None:
        """Fill from/to with the next usual period; its name, or None for a report without one."""
        if self.report in NO_PERIOD:
            return None
        as_of = self._date("as_of") or clock.today()
        self.period_index = (self.period_index + 1) % len(PERIODS)
        key, name = PERIODS[self.period_index]
        start, end = period_dates(key, as_of)
        self.query_one("#field-date_from", Input).value = start.isoformat() if start else ""
        self.query_one("#field-date_to", Input).value = end.isoformat() if end else ""
        self.fields["date_from"].set_error(None)
        self.fields["date_to"].set_error(None)
        return _(name)

    def set_date(self, name: str, day: dt.date) -> None:
        self.query_one(f"#field-{name}", Input).value = day.isoformat()
        self.fields[name].set_error(None)

    def date_fields(self) -> list[str]:
        return [name for name in ("as_of", "date_from", "date_to") if name in self.fields]

    # -- reading --------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.set_error(None)

    def show_error(self, name: str, message: str) -> None:
        field = self.fields.get(name)
        if field is None:
            return
        field.set_error(message)
        field.widget.focus()

    def _text(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Input).value.strip()

    def _date(self, name: str) -> dt.date | None:
        try:
            return self._read_date(name)
        except ShopError:
            return None

    def _read_date(self, name: str) -> dt.date | None:
        text = self._text(name)
        if not text:
            return None
        try:
            return parse_date(text, date_order(self.shop_region))
        except ShopError:
            raise UsageError(_("{value} is not a date; write it as YYYY-MM-DD.").format(value=text)) from None

    def read(self) -> ReportQuery | None:
        """The query the fields ask for; None after marking every field that cannot be read."""
        self.clear_errors()
        errors: dict[str, str] = {}
        dates: dict[str, dt.date | None] = {}
        for name in self.date_fields():
            try:
                dates[name] = self._read_date(name)
            except ShopError as exc:
                errors[name] = str(exc)
        if "as_of" not in errors and dates.get("as_of") is None:
            dates["as_of"] = clock.today()
        options = self.options()
        if self.report == "buyers" and not options.get("product"):
            errors["product"] = _("Choose the product: type its SKU.")
        query = None
        if not errors:
            try:
                query = ReportQuery(
                    as_of=dates["as_of"],
                    date_from=dates.get("date_from"),
                    date_to=dates.get("date_to"),
                    stores=list(self.stores),
                    options=options,
                )
            except ShopError as exc:
                errors["date_to"] = str(exc)
        for name, message in errors.items():
            self.fields[name].set_error(message)
        if errors:
            self.fields[next(iter(errors))].widget.focus()
            return None
        return query

    def options(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for option in options_of(self.report):
            widget = self.query_one(f"#field-{option.key}")
            if isinstance(widget, Checkbox):
                if widget.value:
                    found[option.key] = True
            elif isinstance(widget, Select):
                if widget.value is not Select.NULL:
                    found[option.key] = widget.value
            elif isinstance(widget, Input) and widget.value.strip():
                found[option.key] = widget.value.strip()
        return found

    def field_of_message(self, message: str) -> str | None:
        """The option a report's message is about ("--factor must be …"), if any."""
        for option in options_of(self.report):
            if "--" + option.key.replace("_", "-") in message:
                return option.key
        return None
