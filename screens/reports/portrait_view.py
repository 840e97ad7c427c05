"""The customer portrait as a dashboard (iPOS CRM's "Bức tranh khách hàng").

Key figures on top (customers, new today / this week / this month, revenue, receipts,
average receipt, voucher users), then one chart per section of the portrait: new
customers per day (read through ``reports.series``), visit buckets with their shares of
customers and of revenue, gender, age, spend, connected channels and the days between
visits. Two columns of charts on a wide screen, one on an 80-column one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from babel.numbers import format_percent
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.widgets import Label, Static

from shoptui.i18n import _
from shoptui.reports import portrait as portrait_report
from shoptui.reports import series as report_series
from shoptui.reports.query import ReportQuery

from ..text import Formats, printable
from .chart_plots import LazyChart, chart, compact_number, day_labels, percent_tick

# Below this many columns the charts stack in one column.
TWO_COLUMNS_FROM = 110


def label(key: str) -> str:
    return _(portrait_report.LABELS.get(key, key))


class Figure(Horizontal):
    """One key figure: its caption above its value, or beside it on a narrow screen."""

    DEFAULT_CSS = """
    Figure {
        layout: vertical;
        width: 1fr;
        height: 2;
        padding: 0 1;
        background: $boost;
    }
    Figure > Label {
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    Figure > .figure-caption {
        color: $text-muted;
    }
    Figure > .figure-value {
        text-style: bold;
    }
    """

    def __init__(self, caption: str, value: Text, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.caption = printable(caption)
        self.value = value.plain
        self.tooltip = Text(self.caption)  # the caption in full where it is cut short

    def compose(self) -> ComposeResult:
        yield Label(Text(self.caption), classes="figure-caption")
        yield Label(Text(self.value), classes="figure-value")


class PortraitView(VerticalScroll):
    """The dashboard for one portrait result (the dict ``reports.portrait`` returns)."""

    DEFAULT_CSS = """
    PortraitView {
        height: 1fr;
        /* Charts keep their width when the scrollbar comes and goes (a chart read later). */
        scrollbar-gutter: stable;
    }
    PortraitView #portrait-figures {
        grid-size: 4;
        grid-gutter: 1 1;
        height: auto;
        grid-rows: 2;
        margin-bottom: 1;
    }
    /* Two columns of one-line figures: every digit of a large amount stays in view. */
    PortraitView #portrait-figures.-narrow {
        grid-size: 2;
        grid-gutter: 0 2;
        grid-rows: 1;
    }
    PortraitView #portrait-figures.-narrow > Figure {
        layout: horizontal;
        height: 1;
    }
    PortraitView #portrait-figures.-narrow > Figure > .figure-value {
        width: auto;
        margin-left: 1;
    }
    PortraitView #portrait-charts {
        grid-size: 1;
        grid-gutter: 1 2;
        height: auto;
        grid-rows: auto;
    }
    PortraitView #portrait-charts.-wide {
        grid-size: 2;
    }
    PortraitView .portrait-cell {
        height: auto;
    }
    PortraitView .portrait-note {
        color: $text-muted;
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, data: Mapping, formats: Formats, *, id: str | None = "portrait-view") -> None:
        super().__init__(id=id)
        self.data = data
        self.formats = formats

    def query_of_report(self) -> ReportQuery:
        data = self.data
        return ReportQuery(
            as_of=data["as_of"],
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            stores=list(data.get("stores") or []),
        )

    def compose(self) -> ComposeResult:
        with Grid(id="portrait-figures"):
            yield from self.figures()
        with Grid(id="portrait-charts"):
            yield LazyChart(
                _("New customers per day"),
                report_series.new_customers_per_day,
                (self.query_of_report(),),
                new_customers_chart,
                id="lazy-portrait-new",
            )
            with Vertical(id="portrait-visits", classes="portrait-cell"):
                yield from self.visit_buckets()
            yield from self.histogram("gender", "hbars", label)
            yield from self.histogram("age_bands", "bars", label)
            yield from self.histogram("spend_bands", "hbars", spend_band_label)
            yield from self.histogram("channels", "hbars", label)
            yield from self.histogram("return_intervals", "bars", series=_("Return visits"))

    def figures(self) -> ComposeResult:
        data, formats = self.data, self.formats
        new = data.get("new_customers") or {}
        yield Figure(label("customers_total"), formats.number(data.get("customers_total", 0)), id="figure-customers")
        yield Figure(_("New today"), formats.number(new.get("today", 0)), id="figure-new-today")
        yield Figure(_("New this week"), formats.number(new.get("this_week", 0)), id="figure-new-week")
        yield Figure(_("New this month"), formats.number(new.get("this_month", 0)), id="figure-new-month")
        yield Figure(label("revenue"), formats.money(data.get("revenue", 0)), id="figure-revenue")
        yield Figure(label("receipts"), formats.number(data.get("receipts", 0)), id="figure-receipts")
        yield Figure(label("avg_receipt"), formats.money(data.get("avg_receipt", 0)), id="figure-avg-receipt")
        yield Figure(
            _("Voucher users (over 2 receipts)"),
            formats.number(data.get("voucher_users_over_2", 0)),
            id="figure-vouchers",
        )

    def visit_buckets(self) -> ComposeResult:
        buckets = self.data.get("visit_buckets") or {}
        keys = list(buckets)
        names = {"1": _("1 visit"), "2": _("2 visits"), "3+": _("3+ visits")}
        yield chart(
            label("visit_buckets"),
            [names.get(key, key) for key in keys],
            [
                (label("customers_share"), [round(buckets[key]["customers_share"] * 100) for key in keys]),
                (label("revenue_share"), [round(buckets[key]["revenue_share"] * 100) for key in keys]),
            ],
            tick_format=percent_tick,
            id="chart-portrait-visits",
        )
        lines = Text()
        for key in keys:
            figures = buckets[key]
            if lines:
                lines.append("\n")
            lines.append(
                _("{visits}: {customers} customers ({customers_share}), revenue {revenue} ({revenue_share})").format(
                    visits=names.get(key, key),
                    customers=self.formats.number(figures["customers"]).plain,
                    customers_share=self.share(figures["customers_share"]),
                    revenue=self.formats.money(figures["revenue"]).plain,
                    revenue_share=self.share(figures["revenue_share"]),
                )
            )
        yield Static(lines, id="portrait-visit-figures", classes="portrait-note")

    def share(self, ratio: float) -> str:
        return format_percent(float(ratio), format="#,##0.#%", locale=self.formats.locale)

    def histogram(self, key: str, kind: str, name: Callable[[str], str] = str, series: str = "") -> ComposeResult:
        """A chart of one portrait histogram with its figures written out under it."""
        counts = self.data.get(key) or {}
        names = [name(bucket) for bucket in counts]
        with Vertical(id=f"portrait-{key.replace('_', '-')}", classes="portrait-cell"):
            yield chart(
                label(key),
                names,
                [(series or _("Customers"), list(counts.values()))],
                kind=kind,
                id=f"chart-portrait-{key.replace('_', '-')}",
            )
            if key == "channels":  # how much of the customer base each channel reaches
                whole = self.data.get("customers_total") or 0
                figures = "  ".join(
                    _("{name}: {count} ({share})").format(
                        name=bucket,
                        count=self.formats.number(count).plain,
                        share=self.share(count / whole if whole else 0),
                    )
                    for bucket, count in zip(names, counts.values())
                )
            else:
                figures = "  ".join(
                    _("{name}: {count}").format(name=bucket, count=self.formats.number(count).plain)
                    for bucket, count in zip(names, counts.values())
                )
            yield Static(
                Text(printable(figures)), id=f"figures-portrait-{key.replace('_', '-')}", classes="portrait-note"
            )

    def on_resize(self, event: Resize) -> None:
        wide = event.size.width >= TWO_COLUMNS_FROM
        self.query_one("#portrait-charts").set_class(wide, "-wide")
        self.query_one("#portrait-figures").set_class(not wide, "-narrow")


def spend_band_label(band: str) -> str:
    """A spend band in compact numbers of the major unit ("100000-500000" reads "100K-500K")."""
    return re.sub(r"\d+", lambda number: compact_number(int(number.group())), band)


def new_customers_chart(days: list) -> Static:
    return chart(
        _("New customers per day"),
        day_labels([day for day, _count in days]),
        [(_("New customers"), [count for _day, count in days])],
        id="chart-portrait-new",
    )
