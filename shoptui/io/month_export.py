"""The owner's month-end workbook (``shoptui export month YYYY-MM -o FILE.xlsx``).

Sheets, in order: Summary (the month's figures against the month before and the same
month a year before), Sales by day, Conversion by day, Conversion by hour, Customers
(new this month), Debts and Points (opening balance, the month's movements by kind,
closing balance, per customer), Portrait, the reports target lists are made from
(RFM segments and customers, Win-back; left out of a version that lacks them), and Receipts (the
month's journal, one row per receipt line, in the columns ``import sales`` reads).

Every figure comes from the report functions where one exists (portrait, conversion,
points, debtors, rfm, winback) or from one SQL aggregate (sales by day here, the
ledgers' movements in ``month_lists``); the long sheets (``month_lists``) are read from
the database in key-ordered chunks, so memory stays flat whatever the size of the month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee as pw
from peewee import Case, fn

from .. import clock, files, reports
from ..errors import ShopError
from ..i18n import N_, _
from ..models import Receipt
from ..reports import Money, Share
from ..reports import portrait as portrait_report
from ..reports.grid import sections as sections_of
from ..reports.portrait import average
from ..reports.query import ReportQuery, calendar_date
from ..services import settings
from ..services.context import Actor, require
from . import month_lists as lists
from .month import Month  # noqa: F401 (re-exported)
from .report_xlsx import label_of, section_tables
from .xlsx import Block, Book, Chart, Column, column_kind

SHEETS = {
    "summary": N_("Summary"),
    "sales_by_day": N_("Sales by day"),
    "conversion_by_day": N_("Conversion by day"),
    "conversion_by_hour": N_("Conversion by hour"),
    "customers": N_("Customers"),
    "debts": N_("Debts"),
    "points": N_("Points"),
    "portrait": N_("Portrait"),
    "rfm": N_("RFM segments"),
    "rfm_customers": N_("RFM customers"),
    "winback": N_("Win-back"),
    "receipts": N_("Receipts"),
}
WORDS_SHOWN = {"segment"}  # report columns whose values are keys of the report's labels

# Reports written as sheets when the registry has them (they were built one by one):
# (report, its options, sheet of its sections, sheet of its rows).
REPORT_SHEETS: tuple[tuple[str, dict[str, Any], str | None, str], ...] = (
    ("rfm", {"details": True}, "rfm", "rfm_customers"),
    ("winback", {}, None, "winback"),
)


@dataclass
class ExportResult:
    path: Path
    sheets: list[str] = field(default_factory=list)
    rows: int = 0  # rows of the receipts journal


Progress = Callable[[str, int, int], None]  # (stage, done, total)


class Cancelled(ShopError):
    """Raised by a progress callback to stop an export; nothing is left at the target."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("The export was cancelled; nothing was written."))


def check_target(path: str | Path, **guard) -> Path:
    """``path`` as a file the workbook can be written to, or one sentence saying why not
    (``files.check_output``: never the database's files, a device or a folder)."""
    return files.check_output(path, **guard)


def export_month(
    month: Month | str, path: str | Path, *, progress: Progress | None = None, actor: Actor | None = None
) -> ExportResult:
    """Write the month's workbook to ``path``: owners only (``actor``; the command line passes its system actor).

    The workbook is written to a temporary file beside ``path`` and renamed at the end,
    so an export that fails or is cancelled (``progress`` raising ``Cancelled``) leaves
    whatever was at ``path`` as it was.
    """
    require(actor, "export")
    month = Month.parse(month) if isinstance(month, str) else month
    target = check_target(path)
    book = Book(
        settings.currency(),
        title=_("{shop}: month {month}").format(shop=settings.get("shop_name"), month=month.label),
        subject=_("Month-end workbook"),
    )
    say = progress or (lambda stage, done, total: None)
    try:
        result = _write_sheets(book, month, target, say)
        say(_("Saving the workbook"), 0, 0)  # the last moment a cancel is heard
    except BaseException:
        book.discard()  # the sheets written so far are temporary files
        raise
    try:
        with files.atomic_output(target) as partial:
            book.save(partial)
    except BaseException:
        book.discard()
        raise
    return result


def _write_sheets(book: Book, month: Month, target: Path, say: Progress) -> ExportResult:
    currency = settings.currency()
    shop = settings.get("shop_name")
    result = ExportResult(target)
    say(_(SHEETS["summary"]), 0, 0)
    portrait = _portrait(month)
    kpis = {
        m: month_figures(m, portrait if m == month else None) for m in (month, month.previous(), month.year_before())
    }
    summary_sheet(book, month, kpis, shop, currency)
    say(_(SHEETS["sales_by_day"]), 0, 0)
    sales_by_day_sheet(book, month)
    say(_(SHEETS["conversion_by_day"]), 0, 0)
    conversion_sheets(book, month)
    # The long sheets report their rows as they go, so that a cancel is heard within them too.
    for key, write in (
        ("customers", lambda stage, rows: lists.customers_sheet(book, stage, month, rows)),
        ("debts", lambda stage, rows: lists.ledger_sheet(book, stage, month, lists.DEBTS, rows)),
        ("points", lambda stage, rows: lists.ledger_sheet(book, stage, month, lists.POINTS, rows)),
    ):
        stage = _(SHEETS[key])
        say(stage, 0, 0)
        write(stage, lambda done, stage=stage: say(stage, done, 0))
    say(_(SHEETS["portrait"]), 0, 0)
    portrait_sheet(book, portrait)
    for name, options, sections_sheet, rows_sheet in REPORT_SHEETS:
        stage = _(SHEETS[sections_sheet or rows_sheet])
        say(stage, 0, 0)
        report_sheets(book, name, month, options, sections_sheet, rows_sheet)
    total = lists.journal_size(month)
    stage = _(SHEETS["receipts"])
    say(stage, 0, total)
    result.rows = lists.journal_sheet(book, stage, month, lambda done: say(stage, done, total))
    result.sheets = [ws.title for ws in book.workbook.worksheets]
    return result


# -- the month's figures -----------------------------------------------------------------------


def _portrait(month: Month) -> dict:
    return portrait_report.portrait(month.query())


def month_figures(month: Month, portrait: dict | None = None) -> dict[str, Any]:
    """The Summary's figures of one month: the portrait's, the conversion report's, and the
    points and debtors reports' at the month's last day."""
    portrait = portrait or _portrait(month)
    receipts = portrait["receipts"]
    days = reports.load("conversion").build(month.query(by="day"))["rows"]
    visitors = sum(row["visitors"] for row in days)
    # Receipts of the store-days whose visitors were counted: a store without a counter
    # must not raise the shop's conversion.
    counted = sum(row["receipts"] for row in days if row["visitors"])
    identified = sum(row["identified_receipts"] for row in days)
    as_of = ReportQuery(as_of=month.last)
    points = reports.load("points").build(as_of)
    return {
        "revenue": portrait["revenue"],
        "receipts": receipts,
        "avg_receipt": portrait["avg_receipt"],
        "identified_share": Share(round(identified / receipts, 4)) if receipts else None,
        "new_customers": portrait["new_customers"]["this_month"],
        "visitors": visitors,
        "conversion": Share(round(counted / visitors, 4)) if visitors else None,
        "points_outstanding": points["outstanding_points"],
        "points_liability": points["liability"],
        **_debt_figures(reports.load("debtors").build(as_of)["totals"]),
    }


def _debt_figures(totals: dict) -> dict[str, Any]:
    # Owed less advances is the Debts sheet's closing total: the Summary shows all three.
    return {"debt_outstanding": totals["owed"], "debt_advances": totals["advances"], "debt_balance": totals["balance"]}


KPI_ROWS = (
    ("revenue", N_("Revenue")),
    ("receipts", N_("Receipts")),
    ("avg_receipt", N_("Average receipt")),
    ("identified_share", N_("Receipts with a known customer")),
    ("new_customers", N_("New customers")),
    ("visitors", N_("Visitors")),
    ("conversion", N_("Conversion")),
    ("points_outstanding", N_("Points outstanding")),
    ("points_liability", N_("Points liability")),
    ("debt_outstanding", N_("Debt outstanding")),
    ("debt_advances", N_("Paid in advance")),
    ("debt_balance", N_("Debt balance (owed less advances)")),
)


def change(now: Any, before: Any) -> Share | None:
    """The relative change from ``before`` to ``now``; none when there is nothing to compare."""
    if now is None or before is None or not before:
        return None
    return Share(round((float(now) - float(before)) / abs(float(before)), 4))


def summary_sheet(book: Book, month: Month, kpis: dict[Month, dict], shop: str, currency: str) -> None:
    this, previous, last_year = month, month.previous(), month.year_before()
    header = [_("Figure"), this.label, previous.label, _("Change"), last_year.label, _("Change")]
    rows = []
    for key, label in KPI_ROWS:
        now, before, year_ago = kpis[this][key], kpis[previous][key], kpis[last_year][key]
        rows.append([_(label), now, before, change(now, before), year_ago, change(now, year_ago)])
    about: list[list[Any]] = [
        [_("Shop"), shop],
        [_("Month"), month.label],
        [_("Currency"), currency],
        [_("Made"), clock.now()],
    ]
    book.blocks(
        _(SHEETS["summary"]),
        [
            Block(_("{shop}: month {month}").format(shop=shop, month=month.label), rows, header),
            Block(_("About this workbook"), about),
        ],
    )


# -- sales and conversion by day ---------------------------------------------------------------

SALE = Receipt.kind == "sale"
RETURN = Receipt.kind == "return"


def _sum_if(condition, value=1) -> pw.ColumnBase:
    return fn.COALESCE(fn.SUM(Case(None, [(condition, value)], 0)), 0)


def sales_by_day(month: Month) -> list[list[Any]]:
    """One row per calendar day of the month (days without sales too)."""
    day = calendar_date(Receipt.at)
    query = (
        Receipt.select(
            day,
            _sum_if(SALE),
            _sum_if(SALE & Receipt.customer.is_null(False)),
            _sum_if(SALE, Receipt.total),
            _sum_if(RETURN),
            _sum_if(RETURN, Receipt.total),
            _sum_if(SALE, Receipt.discount),
        )
        .where(month.query().receipts())
        .group_by(day)
        .tuples()
    )
    found = {str(d)[:10]: [int(v or 0) for v in values] for d, *values in query}
    rows = []
    for date in month.days():
        receipts, identified, sales, returns, returned, discount = found.get(date.isoformat(), [0] * 6)
        revenue = sales - returned
        rows.append(
            [
                date,
                receipts,
                identified,
                Money(sales),
                returns,
                Money(returned),
                Money(revenue),
                Money(average(revenue, receipts)),
                Money(discount),
            ]
        )
    return rows


def sales_by_day_sheet(book: Book, month: Month):
    columns = [
        Column("date", _("Date"), "date"),
        Column("receipts", _("Receipts"), "int", total=True),
        Column("identified", _("Receipts with a known customer"), "int", total=True),
        Column("sales", _("Sales"), "money", total=True),
        Column("returns", _("Returns"), "int", total=True),
        Column("returned", _("Returned amount"), "money", total=True),
        Column("revenue", _("Revenue"), "money", total=True),
        Column("avg_receipt", _("Average receipt"), "money"),
        Column("discount", _("Discounts"), "money", total=True),
    ]
    return book.table(
        _(SHEETS["sales_by_day"]),
        columns,
        sales_by_day(month),
        totals=lambda sums: {"avg_receipt": average(sums["revenue"], sums["receipts"])},
        chart=Chart("bar", _("Revenue by day"), "date", ("revenue",)),
    )


def _conversion_columns(first: Column) -> list[Column]:
    return [
        Column("store", _("Store")),
        first,
        Column("visitors", _("Visitors"), "int", total=True),
        Column("receipts", _("Receipts"), "int", total=True),
        Column("identified_receipts", _("Receipts with a known customer"), "int", total=True),
        Column("revenue", _("Revenue"), "money", total=True),
        Column("counted", _("Receipts when visitors were counted"), "int", total=True),
        Column("conversion", _("Conversion"), "share"),
    ]


def conversion_rows(month: Month, by: str) -> list[list[Any]]:
    """The conversion report of the month, every store with every day (or every hour of
    the day the shop saw visitors or receipts, summed over the month's days)."""
    spec = reports.load("conversion")
    rows = spec.build(month.query(by=by))["rows"]
    if by == "day":
        keys: list[Any] = month.days()  # dates, or hours (int) below
        slot = lambda row: row["date"]  # noqa: E731
    else:
        hours = sorted({row["hour"] for row in rows})
        keys = list(range(hours[0], hours[-1] + 1)) if hours else []
        slot = lambda row: row["hour"]  # noqa: E731
    sums: dict[tuple[str, Any], list[int]] = {}
    for row in rows:
        entry = sums.setdefault((row["store"], slot(row)), [0, 0, 0, 0, 0])
        counted = row["receipts"] if row["visitors"] else 0
        for i, value in enumerate(
            (row["visitors"], row["receipts"], row["identified_receipts"], row["revenue"], counted)
        ):
            entry[i] += int(value)
    out = []
    for store in sorted({store for store, _key in sums}):
        for key in keys:
            visitors, receipts, identified, revenue, counted = sums.get((store, key), [0, 0, 0, 0, 0])
            conversion = Share(round(counted / visitors, 4)) if visitors else None
            out.append([store, key, visitors, receipts, identified, Money(revenue), counted, conversion])
    return out


def _conversion_total(sums: dict) -> dict:
    return {"conversion": Share(round(sums["counted"] / sums["visitors"], 4)) if sums["visitors"] else None}


def conversion_sheets(book: Book, month: Month) -> None:
    chart_title = _("Conversion")
    book.table(
        _(SHEETS["conversion_by_day"]),
        _conversion_columns(Column("date", _("Date"), "date")),
        conversion_rows(month, "day"),
        totals=_conversion_total,
        chart=Chart("line", chart_title, "date", ("conversion",), group_by="store", percent=True),
    )
    book.table(
        _(SHEETS["conversion_by_hour"]),
        _conversion_columns(Column("hour", _("Hour"), "int")),
        conversion_rows(month, "hour"),
        totals=_conversion_total,
        chart=Chart("bar", chart_title, "hour", ("conversion",), group_by="store", percent=True),
    )


# -- reports as sheets -------------------------------------------------------------------------------


def portrait_sheet(book: Book, data: dict) -> str:
    labels = portrait_report.LABELS
    scalars = [[label_of(k, labels), v] for k, v in data.items() if not isinstance(v, dict)]
    blocks = [Block(_(portrait_report.TITLE), scalars)]
    for key, section, names in sections_of(data):
        title = label_of(key, labels)
        if names is not None:
            rows = [[label_of(k, labels)] + [v.get(n) for n in names] for k, v in section.items()]
            blocks.append(Block(title, rows, [""] + [label_of(n, labels) for n in names], chart_column=2))
        else:
            rows = [[label_of(k, labels), v] for k, v in section.items()]
            histogram = key not in ("new_customers", "channels")
            blocks.append(Block(title, rows, chart_column=2 if histogram else None))
    return book.blocks(_(SHEETS["portrait"]), blocks)


def report_sheets(
    book: Book, name: str, month: Month, options: dict, sections_sheet: str | None, rows_sheet: str | None
) -> None:
    """The report ``name`` as of the month's last day: its sections (segments) as tables
    with a chart, its rows as a list."""
    spec = reports.load(name)
    data = spec.build(ReportQuery(as_of=month.last, options=dict(options)))
    sections = {k: v for k, v in data.items() if isinstance(v, dict)}
    if sections_sheet:
        for title, columns, rows, chart in section_tables(sections, spec.labels):
            sheet = _(SHEETS[sections_sheet]) if len(sections) == 1 else f"{_(SHEETS[sections_sheet])} - {title}"
            book.table(sheet, columns, rows, chart=chart)
    rows = data.get("rows")
    if rows_sheet and isinstance(rows, list):
        names = list(spec.columns) or (list(rows[0]) if rows else [])
        columns = [Column(n, label_of(n, spec.labels), column_kind(r.get(n) for r in rows)) for n in names]

        def shown(key: str, value: Any) -> Any:
            # A workbook is for people: a segment is its name, not its key ("lost" -> "Lost").
            return label_of(value, spec.labels) if key in WORDS_SHOWN and value is not None else value

        book.table(_(SHEETS[rows_sheet]), columns, ([shown(n, r.get(n)) for n in names] for r in rows))
