"""The charts the Reports screen shows beside a report's table, and the portrait dashboard.

``charts_for(name, data, query)`` turns a report's own output into charts (no SQL here);
a series the report does not return is read through ``shoptui.reports.series`` in a
worker (``LazyChart``). ``dashboard_for(name, data, formats)`` gives the portrait's
dashboard, and None for every other report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping

from textual.widget import Widget

from shoptui.i18n import _
from shoptui.reports import debtors as debtors_report
from shoptui.reports import points as points_report
from shoptui.reports import rfm as rfm_report
from shoptui.reports import series as report_series
from shoptui.reports.query import ReportQuery

from ..text import Formats
from .chart_plots import LazyChart, chart, day_labels, money_ticks, percent_tick
from .portrait_view import PortraitView

FUNNEL_KEYS = report_series.FUNNEL
# Survey questions drawn at most (one chart each); the table has them all.
SURVEY_CHARTS = 6
# The visit buckets a survey's answers are compared across (customers who bought nothing left out).
VISIT_GROUPS = ("1", "2", "3+")
# Bars in a "largest first" chart: what fits an 80x24 screen.
TOP = 8
DEBT_BUCKETS = ("days_0_30", "days_31_60", "days_61_90", "days_over_90")
POINT_MOVES = ("earned", "redeemed", "expired")


def charts_for(name: str, data: Mapping, query: ReportQuery) -> list[Widget]:
    """The charts of report ``name`` for its output ``data``; [] for a report without any."""
    build = CHARTS.get(name)
    if build is None or not isinstance(data, Mapping):
        return []
    return build(data, query)


def dashboard_for(name: str, data: Mapping, formats: Formats) -> Widget | None:
    """The dashboard that replaces the table of report ``name``; None when it has none."""
    if name != "portrait":
        return None
    return PortraitView(data, formats)


# -- shared ---------------------------------------------------------------------------------


def funnel_names() -> list[str]:
    return [_("Visitors"), _("Receipts"), _("Receipts with a card")]


def hour_chart(rows: list[dict]) -> Widget:
    return chart(
        _("Visitors, receipts and card receipts by hour of day"),
        [str(row["hour"]) for row in rows],
        [(label, [row[key] for row in rows]) for label, key in zip(funnel_names(), FUNNEL_KEYS)],
        kind="funnel",
        id="chart-conversion-hours",
    )


def day_chart(rows: list[dict]) -> Widget:
    return chart(
        _("Visitors, receipts and card receipts by day"),
        day_labels([row["date"] for row in rows]),
        [(label, [row[key] for row in rows]) for label, key in zip(funnel_names(), FUNNEL_KEYS)],
        kind="lines",
        id="chart-conversion-days",
    )


# -- per report -----------------------------------------------------------------------------


def conversion_charts(data: Mapping, query: ReportQuery) -> list[Widget]:
    """The funnel by hour of day (summed over the period) and by day (stores summed).

    A report run ``--by hour`` holds both; one run by day has no hours, which are then
    read from the database.
    """
    rows = list(data.get("rows") or [])
    hourly = any(row.get("hour") is not None for row in rows)
    by_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        for n, key in enumerate(FUNNEL_KEYS):
            by_day[row["date"]][n] += row[key]
    days = [dict(date=day, **dict(zip(FUNNEL_KEYS, by_day[day]))) for day in sorted(by_day)]
    if hourly:
        by_hour: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in rows:
            for n, key in enumerate(FUNNEL_KEYS):
                by_hour[row["hour"]][n] += row[key]
        hours = [dict(hour=hour, **dict(zip(FUNNEL_KEYS, by_hour[hour]))) for hour in range(24)]
        first: Widget = hour_chart(hours)
    else:
        first = LazyChart(
            _("Visitors, receipts and card receipts by hour of day"),
            report_series.conversion_by_hour_of_day,
            (query,),
            hour_chart,
            id="lazy-conversion-hours",
        )
    return [first, day_chart(fill_days(days))]


def fill_days(rows: list[dict]) -> list[dict]:
    """Days with nothing counted become zeros, so that the line's x axis is time."""
    if not rows:
        return []
    found = {row["date"]: row for row in rows}
    first, last = rows[0]["date"], rows[-1]["date"]
    every = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [found.get(day) or dict(date=day, **{key: 0 for key in FUNNEL_KEYS}) for day in every]


def rfm_charts(data: Mapping, query: ReportQuery) -> list[Widget]:
    segments = data.get("segments") or {}
    names = [_(rfm_report.LABELS.get(key, key)) for key in segments]
    currency = data.get("currency", "")
    return [
        chart(
            _("Customers per segment"),
            names,
            [(_("Customers"), [figures["customers"] for figures in segments.values()])],
            kind="hbars",
            id="chart-rfm-customers",
        ),
        chart(
            _("Revenue per segment"),
            names,
            [(_("Revenue"), [figures["revenue"] for figures in segments.values()])],
            kind="hbars",
            tick_format=money_ticks(currency),
            id="chart-rfm-revenue",
        ),
    ]


def debtors_charts(data: Mapping, query: ReportQuery) -> list[Widget]:
    totals = data.get("totals") or {}
    return [
        chart(
            _("Debt by age"),
            [_(debtors_report.LABELS[key]) for key in DEBT_BUCKETS],
            [(_("Owed"), [totals.get(key, 0) for key in DEBT_BUCKETS])],
            tick_format=money_ticks(data.get("currency", "")),
            id="chart-debtors-aging",
        )
    ]


def points_charts(data: Mapping, query: ReportQuery) -> list[Widget]:
    period = data.get("period") or {}
    return [
        chart(
            _("Points in the period"),
            [_(points_report.LABELS[key]) for key in POINT_MOVES],
            [(_("Points"), [period.get(key, 0) for key in POINT_MOVES])],
            id="chart-points-moves",
        )
    ]


def surveys_charts(data: Mapping, query: ReportQuery) -> list[Widget]:
    """Per choice question: how many customers gave each answer, and the answers' shares
    among customers of 1, 2 and 3+ visits (the seed's "loyal vs rare customers")."""
    questions: dict[object, dict] = {}
    for row in data.get("rows") or []:
        if row.get("kind") != "choice":
            continue
        question = questions.setdefault(row["question_id"], {"text": row["question"], "answers": {}, "groups": {}})
        if row.get("split") == "all":
            question["answers"][row["answer"]] = row["answers"]
        elif row.get("split") == "visits" and row.get("group") in VISIT_GROUPS and row.get("group_answers"):
            question["groups"].setdefault(row["group"], {})[row["answer"]] = row["share"]
    charts: list[Widget] = []
    for n, question in enumerate(list(questions.values())[:SURVEY_CHARTS]):
        answers = list(question["answers"])
        charts.append(
            chart(
                question["text"],
                answers,
                [(_("Answers"), list(question["answers"].values()))],
                kind="hbars",
                id=f"chart-survey-{n}",
                classes="chart-survey",
            )
        )
        groups = [group for group in VISIT_GROUPS if group in question["groups"]]
        if len(groups) > 1:
            charts.append(
                chart(
                    _("{question}: share by visits").format(question=question["text"]),
                    answers,
                    [
                        (
                            visit_group_name(group),
                            [round(question["groups"][group].get(answer, 0) * 100) for answer in answers],
                        )
                        for group in groups
                    ],
                    kind="hbars",
                    tick_format=percent_tick,
                    id=f"chart-survey-{n}-visits",
                    classes="chart-survey-split",
                )
            )
    return charts


def visit_group_name(group: str) -> str:
    return {"1": _("1 visit"), "2": _("2 visits"), "3+": _("3+ visits")}.get(group, group)


def discounts_charts(data: Mapping, query: ReportQuery) -> list[Widget]:
    """Where the discounts went: the customers and the products given the most."""
    ticks = money_ticks(data.get("currency", ""))
    customers = sorted((data.get("by_customer") or {}).values(), key=lambda row: -row["discount"])[:TOP]
    products = sorted((data.get("by_product") or {}).values(), key=lambda row: -row["line_discount"])[:TOP]
    return [
        chart(
            _("Discounts per customer (the {n} largest)").format(n=TOP),
            [_("Anonymous") if row["name"] is None else row["name"] for row in customers],
            [(_("Discount"), [row["discount"] for row in customers])],
            kind="hbars",
            tick_format=ticks,
            id="chart-discounts-customers",
        ),
        chart(
            _("Line discounts per product (the {n} largest)").format(n=TOP),
            [row["name"] for row in products],
            [(_("Discount"), [row["line_discount"] for row in products])],
            kind="hbars",
            tick_format=ticks,
            id="chart-discounts-products",
        ),
    ]


CHARTS: dict[str, Callable[[Mapping, ReportQuery], list[Widget]]] = {
    "discounts": discounts_charts,
    "conversion": conversion_charts,
    "rfm": rfm_charts,
    "debtors": debtors_charts,
    "points": points_charts,
    "surveys": surveys_charts,
}
