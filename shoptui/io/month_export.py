"""The owner's month-end workbook (``shoptui export month YYYY-MM -o FILE.xlsx``).

Sheets, in order: Summary (the month's figures against the month before and the same
month a year before), Sales by day, Conversion by day, Conversion by hour, Customers
(new this month), Debts and Points (opening balance, the month's movements by kind,
closing balance, per customer), Portrait, the reports of the registry that target
lists are made from (RFM segments, Win-back, when they are built), and Receipts (the
month's journal, one row per receipt line, in the columns ``import sales`` reads).

Every figure comes from the report functions where one exists (portrait, conversion,
points) or from one SQL aggregate here (sales by day, the ledgers' movements); the
long sheets are read from the database in key-ordered chunks, so memory stays flat
whatever the size of the month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import peewee as pw
from peewee import Case, fn

from .. import clock, phones, reports
from ..errors import UsageError
from ..i18n import N_, _, language
from ..models import (
    GENDERS,
    STATUSES,
    Card,
    CardBinding,
    Customer,
    CustomerGroup,
    DebtEntry,
    Group,
    Payment,
    PointsEntry,
    PropertyDefinition,
    PropertyValue,
    Receipt,
    ReceiptLine,
    Store,
    User,
)
from ..reports import Money, Share
from ..reports.portrait import average
from ..reports.query import ReportQuery, calendar_date
from ..services import settings
from ..services.customers import parse_gender
from ..services.visits import visits_by_hour_query
from .values import parse_kind, parse_status
from .headers import header_word, readable_word
from .xlsx import Block, Book, Chart, Column, column_kind, label_of, section_tables

CHUNK = 5000  # rows read from the database at a time

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
# Reports written as sheets when the registry has them (they were built one by one):
# (report, its options, sheet of its sections, sheet of its rows).
REPORT_SHEETS = (
    ("rfm", {"details": True}, "rfm", "rfm_customers"),
    ("winback", {}, None, "winback"),
)


@dataclass(frozen=True)
class Month:
    first: dt.date

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year, month = (int(part) for part in text.strip().split("-"))
            return cls(dt.date(year, month, 1))
        except (ValueError, TypeError):
            raise UsageError(_("{value} is not a month; write it as YYYY-MM.").format(value=text)) from None

    @property
    def last(self) -> dt.date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def start(self) -> dt.datetime:
        return clock.start_of_day(self.first)

    @property
    def end(self) -> dt.datetime:
        return clock.end_of_day(self.last)

    @property
    def label(self) -> str:
        return f"{self.first.year:04d}-{self.first.month:02d}"

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range(self.last.day)]

    def previous(self) -> Month:
        return Month((self.first - dt.timedelta(days=1)).replace(day=1))

    def year_before(self) -> Month:
        return Month(self.first.replace(year=self.first.year - 1))

    def query(self, **options) -> ReportQuery:
        return ReportQuery(as_of=self.last, date_from=self.first, date_to=self.last, options=options)


@dataclass
class ExportResult:
    path: Path
    sheets: list[str] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)  # sheets of reports not built yet
    rows: int = 0  # rows of the receipts journal


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def export_month(month: Month | str, path: str | Path, *, progress: Progress | None = None) -> ExportResult:
    """Write the month's workbook to ``path`` (written to a temporary file, then renamed)."""
    month = Month.parse(month) if isinstance(month, str) else month
    currency = settings.currency()
    shop = settings.get("shop_name")
    target = Path(path)
    result = ExportResult(target)
    say = progress or (lambda stage, done, total: None)
    book = Book(
        currency,
        title=_("{shop}: month {month}").format(shop=shop, month=month.label),
        subject=_("Month-end workbook"),
    )
    portrait = _portrait(month)
    kpis = {m: month_figures(m, portrait if m == month else None) for m in (month, month.previous(), month.year_before())}
    say(_(SHEETS["summary"]), 0, 0)
    summary_sheet(book, month, kpis, shop, currency)
    say(_(SHEETS["sales_by_day"]), 0, 0)
    sales_by_day_sheet(book, month)
    conversion_sheets(book, month)
    say(_(SHEETS["customers"]), 0, 0)
    customers_sheet(book, month)
    say(_(SHEETS["debts"]), 0, 0)
    ledger_sheet(book, month, DEBTS)
    ledger_sheet(book, month, POINTS)
    portrait_sheet(book, portrait)
    for name, options, sections_sheet, rows_sheet in REPORT_SHEETS:
        if not report_sheets(book, name, month, options, sections_sheet, rows_sheet):
            result.omitted.append(_(SHEETS[sections_sheet or rows_sheet]))
    total = journal_size(month)
    stage = _(SHEETS["receipts"])
    say(stage, 0, total)
    result.rows = journal_sheet(book, month, lambda done: say(stage, done, total)).rows
    result.sheets = [ws.title for ws in book.workbook.worksheets]
    partial = target.with_name(target.name + ".part")
    try:
        book.save(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return result


# -- the month's figures -----------------------------------------------------------------------


def _portrait(month: Month) -> dict:
    from ..reports.portrait import portrait

    return portrait(month.query())


def month_figures(month: Month, portrait: dict | None = None) -> dict[str, Any]:
    """The Summary's figures of one month (SPEC definitions; the portrait's where it has them)."""
    portrait = portrait or _portrait(month)
    receipts = portrait["receipts"]
    identified = (
        Receipt.select(fn.COUNT(Receipt.id))
        .where((Receipt.kind == "sale") & Receipt.customer.is_null(False) & month.query().receipts())
        .scalar()
    ) or 0
    visitors, counted_receipts = _visitors(month)
    points, debt = _balances_at(month)
    return {
        "revenue": portrait["revenue"],
        "receipts": receipts,
        "avg_receipt": portrait["avg_receipt"],
        "identified_share": Share(round(identified / receipts, 4)) if receipts else None,
        "new_customers": portrait["new_customers"]["this_month"],
        "visitors": visitors,
        # Receipts of the store-days whose visitors were counted: a store without a
        # counter must not raise the shop's conversion.
        "conversion": Share(round(counted_receipts / visitors, 4)) if visitors else None,
        **points,
        "debt_outstanding": debt,
    }


def _balances_at(month: Month) -> tuple[dict, Money]:
    """Points outstanding and their value, and the debt owed, at the month's end: from the
    points and debtors reports when this version has them, else from the ledgers here."""
    as_of = ReportQuery(as_of=month.last)
    if "points" in reports.IMPLEMENTED:
        data = reports.load("points").build(as_of)
        points = {"points_outstanding": data["outstanding_points"], "points_liability": data["liability"]}
    else:
        outstanding = _positive_balances(PointsEntry, PointsEntry.points, month.end)
        points = {"points_outstanding": outstanding,
                  "points_liability": Money(outstanding * settings.get_money("points_value"))}
    if "debtors" in reports.IMPLEMENTED:
        debt = reports.load("debtors").build(as_of)["totals"]["owed"]
    else:
        debt = Money(_positive_balances(DebtEntry, DebtEntry.amount, month.end))
    return points, debt


def _visitors(month: Month) -> tuple[int, int]:
    """(visitors counted in the month, sale receipts of the store-days with visitors)."""
    hours = visits_by_hour_query(None, month.start, month.end).alias("hours")
    per_day = (
        Store.select(hours.c.store_id.alias("store_id"), calendar_date(hours.c.hour).alias("day"),
                     fn.SUM(hours.c.visitors_in).alias("visitors"))
        .from_(hours)
        .group_by(hours.c.store_id, calendar_date(hours.c.hour))
    )
    by_day = {(store, str(day)[:10]): int(v or 0) for store, day, v in per_day.tuples()}
    sales = (
        Receipt.select(Receipt.store, calendar_date(Receipt.at), fn.COUNT(Receipt.id))
        .where((Receipt.kind == "sale") & month.query().receipts())
        .group_by(Receipt.store, calendar_date(Receipt.at))
        .tuples()
    )
    counted = sum(int(n) for store, day, n in sales if by_day.get((store, str(day)[:10]), 0) > 0)
    return sum(by_day.values()), counted


def _positive_balances(model, amount: pw.Field, end: dt.datetime) -> int:
    """The sum of the customers' positive balances at ``end`` (a balance below zero is
    the shop owing the customer, which does not lower what the others owe)."""
    per = model.select(fn.SUM(amount).alias("balance")).where(model.at < end).group_by(model.customer).alias("per")
    total = model.select(fn.SUM(Case(None, [(per.c.balance > 0, per.c.balance)], 0))).from_(per).scalar()
    return int(total or 0)


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
    about = [
        [_("Shop"), shop],
        [_("Month"), month.label],
        [_("Currency"), currency],
        [_("Made"), clock.now()],
    ]
    book.blocks(_(SHEETS["summary"]), [
        Block(_("{shop}: month {month}").format(shop=shop, month=month.label), rows, header),
        Block(_("About this workbook"), about),
    ])


# -- sales and conversion by day ---------------------------------------------------------------

SALE = Receipt.kind == "sale"
RETURN = Receipt.kind == "return"


def _sum_if(condition, value=1) -> pw.Node:
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
        rows.append([date, receipts, identified, Money(sales), returns, Money(returned), Money(revenue),
                     Money(average(revenue, receipts)), Money(discount)])
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
        _(SHEETS["sales_by_day"]), columns, sales_by_day(month),
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
        keys = month.days()
        slot = lambda row: row["date"]  # noqa: E731
    else:
        hours = sorted({row["hour"] for row in rows})
        keys = list(range(hours[0], hours[-1] + 1)) if hours else []
        slot = lambda row: row["hour"]  # noqa: E731
    sums: dict[tuple[str, Any], list[int]] = {}
    for row in rows:
        entry = sums.setdefault((row["store"], slot(row)), [0, 0, 0, 0, 0])
        counted = row["receipts"] if row["visitors"] else 0
        for i, value in enumerate((row["visitors"], row["receipts"], row["identified_receipts"], row["revenue"], counted)):
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
    if "conversion" not in reports.IMPLEMENTED:
        return
    chart_title = _("Conversion")
    book.table(
        _(SHEETS["conversion_by_day"]), _conversion_columns(Column("date", _("Date"), "date")),
        conversion_rows(month, "day"), totals=_conversion_total,
        chart=Chart("line", chart_title, "date", ("conversion",), group_by="store", percent=True),
    )
    book.table(
        _(SHEETS["conversion_by_hour"]), _conversion_columns(Column("hour", _("Hour"), "int")),
        conversion_rows(month, "hour"), totals=_conversion_total,
        chart=Chart("bar", chart_title, "hour", ("conversion",), group_by="store", percent=True),
    )


# -- customers -------------------------------------------------------------------------------------


def keyset(select: pw.Select, order: Sequence[pw.Field], size: int | None = None) -> Iterator[tuple]:
    """The rows of ``select`` in ``order`` (columns that are unique together and never
    null), read ``size`` at a time: each chunk starts after the last key of the one before."""
    size = size or CHUNK
    keyed = select.select_extend(*order)
    width = len(order)
    last = None
    while True:
        query = keyed.order_by(*order).limit(size)
        if last is not None:
            # The first key alone lets the database use its index; the tuple picks up after the last row.
            query = query.where((order[0] >= last[0]) & (pw.Tuple(*order) > pw.Tuple(*last)))
        rows = list(query.tuples())
        for row in rows:
            yield row[:-width]
        if len(rows) < size:
            return
        last = rows[-1][-width:]


def customers_sheet(book: Book, month: Month):
    lang = language()
    region = settings.region()
    definitions = list(
        PropertyDefinition.select().where(PropertyDefinition.active == True)  # noqa: E712
        .order_by(PropertyDefinition.position, PropertyDefinition.id)
    )
    word = lambda name: header_word("customers", name, lang)  # noqa: E731
    columns = [
        Column("code", word("code")), Column("name", word("name")), Column("phone", word("phone")),
        Column("gender", word("gender")), Column("birthday", word("birthday"), "date"),
        Column("email", word("email")), Column("company", word("company")), Column("address", word("address")),
        Column("area", word("area")), Column("status", word("status")), Column("card", word("card")),
        Column("registered", word("registered"), "datetime"), Column("store", word("store")),
        Column("registered_by", _("Registered by")), Column("discount", _("Personal discount"), "share"),
        Column("credit_limit", _("Credit limit"), "money"),
        Column("sms", _("SMS"), "bool"), Column("zalo", _("Zalo"), "bool"),
        Column("facebook", _("Facebook"), "bool"), Column("email_consent", _("e-mail"), "bool"),
        Column("groups", _("Groups")), Column("notes", _("Notes")),
    ] + [Column(f"property:{d.id}", d.name, _PROPERTY_KINDS.get(d.kind, "text")) for d in definitions]
    select = (
        Customer.select(
            Customer.code, Customer.name, Customer.phone, Customer.phone_typed, Customer.gender, Customer.birthday,
            Customer.email, Customer.company, Customer.address, Customer.area, Customer.status,
            Customer.registered_at, Store.code, User.name, Customer.discount_bp, Customer.credit_limit,
            Customer.consent_sms, Customer.consent_zalo, Customer.consent_facebook, Customer.consent_email,
            Customer.notes, Customer.id,
        )
        .join(Store, on=(Customer.store == Store.id))
        .switch(Customer)
        .join(User, pw.JOIN.LEFT_OUTER, on=(Customer.registered_by == User.id))
        .where((Customer.registered_at >= month.start) & (Customer.registered_at < month.end))
    )

    genders = {g: readable_word(g, parse_gender) for g in GENDERS}
    statuses = {s: readable_word(s, parse_status) for s in STATUSES}

    def rows() -> Iterator[list]:
        source = keyset(select, [Customer.id])
        while True:
            chunk = list(itertools.islice(source, CHUNK))
            if not chunk:
                return
            ids = [row[-1] for row in chunk]
            cards, groups, values = _cards(ids), _groups(ids), _property_values(ids)
            for (code, name, phone, typed, gender, birthday, email, company, address, area, status, registered,
                 store, by, discount_bp, credit_limit, sms, zalo, facebook, mail, notes, cid) in chunk:
                shown_phone = phones.display(phone, region) if phone else typed
                row = [
                    code, name, shown_phone or None, genders.get(gender), birthday, email or None,
                    company or None, address or None, area or None, statuses.get(status, status), cards.get(cid),
                    registered, store,
                    by, Share(discount_bp / 10000) if discount_bp else None,
                    None if credit_limit is None else Money(credit_limit), sms, zalo, facebook, mail,
                    groups.get(cid), notes or None,
                ]
                props = values.get(cid, {})
                row += [_property(d, props.get(d.id)) for d in definitions]
                yield row

    return book.table(_(SHEETS["customers"]), columns, rows())


_PROPERTY_KINDS = {"number": "number", "date": "date", "yesno": "bool"}


def _property(definition: PropertyDefinition, text: str | None) -> Any:
    if text is None or text == "":
        return None
    try:
        if definition.kind == "number":
            return Decimal(text)
        if definition.kind == "date":
            return dt.date.fromisoformat(text)
        if definition.kind == "yesno":
            return text == "1"
    except ValueError:
        pass
    return text


def _cards(ids: list[int]) -> dict[int, str]:
    query = (
        CardBinding.select(CardBinding.customer, Card.barcode)
        .join(Card)
        .where(CardBinding.customer.in_(ids) & CardBinding.ended_at.is_null())
        .order_by(CardBinding.bound_at)
        .tuples()
    )
    found: dict[int, list[str]] = {}
    for cid, barcode in query:
        found.setdefault(cid, []).append(barcode)
    return {cid: ", ".join(codes) for cid, codes in found.items()}


def _groups(ids: list[int]) -> dict[int, str]:
    query = (
        CustomerGroup.select(CustomerGroup.customer, Group.name)
        .join(Group)
        .where(CustomerGroup.customer.in_(ids))
        .order_by(Group.name)
        .tuples()
    )
    found: dict[int, list[str]] = {}
    for cid, name in query:
        found.setdefault(cid, []).append(name)
    return {cid: ", ".join(names) for cid, names in found.items()}


def _property_values(ids: list[int]) -> dict[int, dict[int, str]]:
    query = PropertyValue.select(PropertyValue.customer, PropertyValue.definition, PropertyValue.value).where(
        PropertyValue.customer.in_(ids)
    )
    found: dict[int, dict[int, str]] = {}
    for cid, definition, value in query.tuples():
        found.setdefault(cid, {})[definition] = value
    return found


# -- the ledgers' movements ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """How a ledger's month is shown: its entry kinds by column, each with the sign that
    makes the column read as people say it (payments are a positive amount that lowers the debt)."""

    sheet: str
    model: Any
    amount: str
    kind: str  # the column kind of the amounts: money or int
    columns: tuple[tuple[str, str, tuple[str, ...], int], ...]  # key, header, entry kinds, sign
    rest: tuple[str, str]  # the column that takes every other kind (adjustments)


DEBTS = Ledger(
    "debts", DebtEntry, "amount", "money",
    (
        ("credit_sales", N_("Credit sales"), ("credit_sale",), 1),
        ("payments", N_("Payments"), ("payment",), -1),
        ("returns", N_("Returns"), ("return",), -1),
    ),
    ("adjustments", N_("Adjustments")),
)
POINTS = Ledger(
    "points", PointsEntry, "points", "int",
    (
        ("earned", N_("Earned"), ("earn",), 1),
        ("redeemed", N_("Redeemed"), ("redeem",), -1),
        ("returns", N_("Returns"), ("reverse", "restore"), 1),
        ("expired", N_("Expired"), ("expire",), -1),
    ),
    ("adjustments", N_("Adjustments")),
)


def ledger_movements(ledger: Ledger, month: Month) -> Iterator[list]:
    """Per customer with a balance or a movement: opening, the month's kinds, closing.

    opening + Σ(sign × column) = closing, row by row and in the totals, because every
    entry before the month end falls in exactly one column (SQL CASE, ELSE: adjustments).
    """
    model = ledger.model
    amount = getattr(model, ledger.amount)
    in_month = model.at >= month.start
    named = [k for _key, _h, kinds, _s in ledger.columns for k in kinds]
    sums = [fn.SUM(Case(None, [(model.at < month.start, amount)], 0)).alias("opening")]
    for key, _header, kinds, _sign in ledger.columns:
        sums.append(fn.SUM(Case(None, [(in_month & model.kind.in_(kinds), amount)], 0)).alias(key))
    sums.append(fn.SUM(Case(None, [(in_month & model.kind.not_in(named), amount)], 0)).alias("rest"))
    sums.append(fn.SUM(amount).alias("closing"))
    keys = ["opening"] + [key for key, *_r in ledger.columns] + ["rest", "closing"]

    def chunk(after: int) -> pw.Select:
        # The chunk's customers are chosen inside the aggregate, so that each chunk reads
        # only its customers' entries (the ledger's index is on customer and time).
        per = (
            model.select(model.customer.alias("customer_id"), *sums)
            .where((model.at < month.end) & (model.customer > after))
            .group_by(model.customer)
            .having((fn.SUM(Case(None, [(model.at < month.start, amount)], 0)) != 0) | (fn.SUM(Case(None, [(in_month, 1)], 0)) > 0))
            .order_by(model.customer)
            .limit(CHUNK)
            .alias("per")
        )
        return (
            Customer.select(Customer.code, Customer.name, Customer.phone, Customer.phone_typed,
                            *[getattr(per.c, key) for key in keys], Customer.id)
            .join(per, on=(per.c.customer_id == Customer.id))
            .order_by(Customer.id)
        )

    signs = [1] + [sign for _k, _h, _kinds, sign in ledger.columns] + [1, 1]
    region = settings.region()
    wrap = Money if ledger.kind == "money" else int
    after = 0
    while True:
        rows = list(chunk(after).tuples())
        for code, name, phone, typed, *figures, cid in rows:
            shown = phones.display(phone, region) if phone else typed
            yield [code, name, shown or None] + [wrap(sign * int(v or 0)) for sign, v in zip(signs, figures)]
        if len(rows) < CHUNK:
            return
        after = rows[-1][-1]


def ledger_sheet(book: Book, month: Month, ledger: Ledger):
    kind = ledger.kind
    columns = [
        Column("code", _("Code")), Column("name", _("Name")), Column("phone", _("Phone")),
        Column("opening", _("Opening balance"), kind, total=True),
        *[Column(key, _(header), kind, total=True) for key, header, _kinds, _sign in ledger.columns],
        Column(ledger.rest[0], _(ledger.rest[1]), kind, total=True),
        Column("closing", _("Closing balance"), kind, total=True),
    ]
    return book.table(_(SHEETS[ledger.sheet]), columns, ledger_movements(ledger, month), totals=True)


# -- reports as sheets -------------------------------------------------------------------------------


def portrait_sheet(book: Book, data: dict) -> str:
    from ..reports import portrait as module

    labels = module.LABELS
    scalars = [[label_of(k, labels), v] for k, v in data.items() if not isinstance(v, dict)]
    blocks = [Block(_(module.TITLE), scalars)]
    for key, section in data.items():
        if not isinstance(section, dict):
            continue
        title = label_of(key, labels)
        inner = [v for v in section.values() if isinstance(v, dict)]
        if inner:
            names = list(dict.fromkeys(n for v in inner for n in v))
            rows = [[label_of(k, labels)] + [v.get(n) for n in names] for k, v in section.items()]
            blocks.append(Block(title, rows, [""] + [label_of(n, labels) for n in names], chart_column=2))
        else:
            rows = [[label_of(k, labels), v] for k, v in section.items()]
            histogram = key not in ("new_customers", "channels")
            blocks.append(Block(title, rows, chart_column=2 if histogram else None))
    return book.blocks(_(SHEETS["portrait"]), blocks)


def report_sheets(book: Book, name: str, month: Month, options: dict, sections_sheet: str | None,
                  rows_sheet: str | None) -> bool:
    """The report ``name`` as of the month's last day: its sections (segments) as tables
    with a chart, its rows as a list; False when this version does not build it yet."""
    if name not in reports.IMPLEMENTED:
        return False
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
        book.table(_(SHEETS[rows_sheet]), columns, ([r.get(n) for n in names] for r in rows))
    return True


# -- the receipts journal -------------------------------------------------------------------------------

JOURNAL_FIELDS = (
    ("receipt_no", "text"), ("datetime", "datetime"), ("kind", "text"), ("return_of", "text"),
    ("store", "text"), ("customer", "text"), ("customer_name", "text"), ("cashier", "text"),
    ("total", "money"), ("discount", "money"), ("paid_credit", "money"), ("points_redeemed", "int"),
    ("sku", "text"), ("product", "text"), ("qty", "qty"), ("price", "money"),
    ("line_discount", "money"), ("line_amount", "money"),
)


def journal_size(month: Month) -> int:
    """Rows of the journal: a receipt's lines, or one row for a receipt without lines."""
    in_month = month.query().receipts()
    lines = ReceiptLine.select().join(Receipt).where(in_month).count()
    bare = Receipt.select().where(in_month & ~fn.EXISTS(ReceiptLine.select().where(ReceiptLine.receipt == Receipt.id))).count()
    return lines + bare


def journal_rows(month: Month) -> Iterator[list]:
    """Every receipt of the month in time order with its lines, read a chunk of receipts
    at a time (keyset on time and id), each chunk's lines and credit in two more queries."""
    original = Receipt.alias("original")
    select = (
        Receipt.select(
            Receipt.number, Receipt.at, Receipt.kind, original.number, Store.code, Customer.code, Customer.name,
            User.name, Receipt.total, Receipt.discount, Receipt.points_redeemed, Receipt.id,
        )
        .join(Store, on=(Receipt.store == Store.id))
        .switch(Receipt)
        .join(original, pw.JOIN.LEFT_OUTER, on=(Receipt.return_of == original.id))
        .switch(Receipt)
        .join(Customer, pw.JOIN.LEFT_OUTER, on=(Receipt.customer == Customer.id))
        .switch(Receipt)
        .join(User, pw.JOIN.LEFT_OUTER, on=(Receipt.cashier == User.id))
        .where(month.query().receipts())
    )
    kinds = {kind: readable_word(kind, parse_kind) for kind in ("sale", "return")}
    source = keyset(select, [Receipt.at, Receipt.id])
    while True:
        chunk = list(itertools.islice(source, CHUNK))
        if not chunk:
            return
        ids = [row[-1] for row in chunk]
        lines: dict[int, list[tuple]] = {}
        for line in (
            ReceiptLine.select(ReceiptLine.receipt, ReceiptLine.sku, ReceiptLine.name, ReceiptLine.qty,
                               ReceiptLine.unit_price, ReceiptLine.line_discount, ReceiptLine.amount)
            .where(ReceiptLine.receipt.in_(ids))
            .order_by(ReceiptLine.receipt, ReceiptLine.position)
            .tuples()
        ):
            lines.setdefault(line[0], []).append(line[1:])
        credit = dict(
            Payment.select(Payment.receipt, fn.SUM(Payment.amount))
            .where(Payment.receipt.in_(ids) & (Payment.method == "credit"))
            .group_by(Payment.receipt)
            .tuples()
        )
        for number, at, kind, return_of, store, customer, name, cashier, total, discount, points, rid in chunk:
            head = [number, at, kinds.get(kind, kind), return_of, store, customer, name, cashier,
                    total, discount, credit.get(rid), points or None]
            for sku, product, qty, price, line_discount, amount in lines.get(rid) or [(None,) * 6]:
                yield head + [sku or None, product or None, qty, price, line_discount, amount]


def journal_sheet(book: Book, month: Month, progress: Callable[[int], None] | None = None):
    lang = language()
    columns = [Column(key, header_word("sales", key, lang), kind) for key, kind in JOURNAL_FIELDS]
    return book.table(_(SHEETS["receipts"]), columns, journal_rows(month), progress=progress)
