"""The import engine: a sheet of rows in, records out to a writer, batch by batch.

    sheet (readers) -> header map (headers) -> typed cells (values) -> records -> writer (services.imports)

Rows become records: a customer, a receipt (consecutive rows with the same store and
receipt number are one receipt with one line each), a store-hour (rows of the same
hour add up), a product. Every ``BATCH_SIZE`` records are one transaction, together
with the file's progress in ``ImportSource``: an import killed half-way leaves whole
batches behind, and running it again finds them stored ("unchanged") and completes.

A dry run is the same run inside one transaction that is rolled back at the end, so
it reports exactly what the import would do and leaves nothing behind. On SQLite that
transaction is on a private copy of the database (``scratch_database``): on the shop's
file it would hold the write lock for the whole file and keep every till from selling.

Messages (rejected rows, warnings) are handed to ``emit`` as they are known, in row
order within each batch; the caller prints ``ImportReport.summary()`` last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from .. import phones
from ..backup import scratch_copy
from ..db import database, make_database
from ..errors import ImportFileError, ShopError, ValidationError, one_line
from ..i18n import _
from ..money import MAX_MINOR
from ..services import settings
from ..services.cards import clean_barcode
from ..services.customers import parse_gender
from ..services.imports import WRITERS, progress
from ..services.imports.records import STATUSES, Options, Outcome, Record, Stores
from ..services.ledger import write_transaction
from . import values as cells
from .headers import HeaderMap, map_headers
from .readers import Sheet, open_sheet

KINDS = ("customers", "sales", "visits", "products")
BATCH_SIZE = 500
# A customer goes through the services one by one (about 3 ms each), a receipt is written
# in bulk: smaller customer batches keep the write lock short, so a till's sale waits for
# at most one batch (a fraction of a second) and never for the whole file.
BATCH_SIZES = {"customers": 100}
# Each batch begins through the writers' turnstile (``db.write_turn``): a till waiting for
# the lock goes before the import's next batch.

RECEIPT_FIELDS = (
    "receipt_no",
    "datetime",
    "kind",
    "return_of",
    "customer",
    "customer_phone",
    "customer_name",
    "store",
    "cashier",
    "total",
    "discount",
    "paid_credit",
    "paid_advance",
    "paid_card",
    "points_redeemed",
    "voucher",
    "voucher_amount",
    "cash_rounding",
)
LINE_FIELDS = ("sku", "product", "qty", "price", "line_discount", "line_amount")


@dataclass
class Context:
    currency: str
    order: str  # date order of the shop region: "dmy", "mdy" or "ymd"
    region: str = ""


def _text(value, ctx):
    return cells.text(value)


def _identifier(value, ctx):
    return cells.identifier(value)


def _card(value, ctx):
    """A card barcode as the card service keeps it (control characters removed), so that
    importing the same file again finds the card it issued instead of a conflict."""
    raw = cells.identifier(value)
    return clean_barcode(raw) if raw else raw


def _amount(value, ctx):
    return cells.parse_amount(value, ctx.currency)


def _datetime(value, ctx):
    return cells.parse_datetime(excel_date(value), ctx.order)


def _date(value, ctx):
    return cells.parse_date(excel_date(value), ctx.order)


def _time(value, ctx):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        return cells.parse_time(excel_date(value))
    return cells.parse_time(value)


EXCEL_LAST_DAY = 2_958_465  # 9999-12-31 as Excel counts days


def excel_date(value):
    """A spreadsheet number in a date column as the date it stands for; anything else as it is.

    A cell whose date format was lost (or a program that writes dates as plain numbers)
    holds Excel's day count, with the time of day as its fraction: 45721.5 is
    2025-03-05 12:00. A whole number of eight digits is a date written yyyymmdd.
    CSV cells are text and never come here as numbers.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, int) and 19_000_101 <= value <= 29_991_231:
        try:
            return dt.date(value // 10_000, value // 100 % 100, value % 100)
        except ValueError:
            raise ValidationError(_("{value} is not a date.").format(value=value)) from None
    if not 0 <= value <= EXCEL_LAST_DAY:
        raise ValidationError(_("{value} is not a date.").format(value=cells.text(value)))
    from openpyxl.utils.datetime import from_excel

    moment = from_excel(value)
    if isinstance(moment, dt.datetime):
        return moment.replace(microsecond=0) + (
            dt.timedelta(seconds=1) if moment.microsecond >= 500_000 else dt.timedelta()
        )
    return moment


def _non_negative(value, ctx):
    number = cells.parse_int(value)
    if number < 0:
        raise ValidationError(_("{value} may not be negative.").format(value=cells.text(value)))
    return number


PARSERS: dict[str, dict[str, Callable]] = {
    "customers": {
        "code": _identifier,
        "phone": _identifier,
        "card": _card,
        "name": _text,
        "email": _text,
        "company": _text,
        "address": _text,
        "area": _text,
        "store": _text,
        "gender": lambda v, ctx: parse_gender(cells.text(v)),
        "birthday": _date,
        "status": lambda v, ctx: cells.parse_status(v),
        "points": lambda v, ctx: cells.parse_int(v),
        "debt": _amount,
        "registered": _datetime,
    },
    "sales": {
        **{name: _identifier for name in ("receipt_no", "return_of", "customer", "customer_phone", "sku")},
        **{name: _text for name in ("customer_name", "store", "cashier", "voucher", "product")},
        "datetime": _datetime,
        "time": _time,
        "kind": lambda v, ctx: cells.parse_kind(v),
        **{
            name: _amount
            for name in (
                "total",
                "discount",
                "paid_credit",
                "paid_advance",
                "paid_card",
                "voucher_amount",
                "price",
                "line_discount",
                "line_amount",
                "cash_rounding",
            )
        },
        "points_redeemed": lambda v, ctx: cells.parse_int(v),
        "qty": lambda v, ctx: cells.parse_quantity(v),
    },
    "visits": {
        "store": _text,
        "datetime": _datetime,
        "time": _time,
        "in": _non_negative,
        "out": _non_negative,
    },
    "products": {"sku": _identifier, "barcode": _identifier, "name": _text, "group": _text, "price": _amount},
}


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    messages: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return self.counts["rejected"]

    def summary(self) -> str:
        # The words are SPEC's contract, read by scripts: never translated.
        c = self.counts
        return f"imported {c['imported']}, updated {c['updated']}, unchanged {c['unchanged']}, rejected {c['rejected']}"


def import_file(kind: str, path: str | Path, **options) -> ImportReport:
    return import_sheet(kind, open_sheet(path), **options)


def import_sheet(
    kind: str,
    sheet: Sheet,
    *,
    dry_run: bool = False,
    create_customers: bool = False,
    actor=None,
    emit: Callable[[str], None] | None = None,
    batch_size: int | None = None,
) -> ImportReport:
    if kind not in KINDS:
        raise ImportFileError(
            _("Cannot import {kind}; choose one of: {kinds}.").format(kind=kind, kinds=", ".join(KINDS))
        )
    report = ImportReport(kind, dry_run)
    batch_size = batch_size or BATCH_SIZES.get(kind, BATCH_SIZE)

    def say(line: str) -> None:
        line = one_line(line)  # a quoted cell's line breaks and escapes stay inside its line
        report.messages.append(line)
        if emit is not None:
            emit(line)

    header_map = map_headers(kind, sheet.headers)
    _check_columns(kind, header_map, sheet.name)
    ignored = header_map.unknown + header_map.repeated
    if ignored:
        say(_("warning: these columns are not known and are ignored: {columns}").format(columns=", ".join(ignored)))
    ctx = Context(settings.currency(), cells.date_order(settings.region()), settings.region())
    records = RECORD_BUILDERS[kind](sheet.rows, header_map, ctx)
    options = Options(create_customers=create_customers, actor=actor)

    def run() -> None:
        writer = WRITERS[kind](options)
        source = None if dry_run else progress.start_source(kind, sheet.sha256, sheet.name, actor)
        for batch in _batches(records, batch_size):
            ready = [r for r in batch if not r.errors]
            with write_transaction():
                outcomes = iter(writer.write(ready))
                if source is not None:
                    progress.note_progress(source, max(r.rows[-1] for r in batch))
            messages: list[tuple[int, str, bool]] = []
            for record in batch:
                if record.errors:
                    outcome = Outcome("rejected", [(row, text, False) for row, text in record.errors])
                else:
                    outcome = next(outcomes)
                report.counts[outcome.status] += 1
                messages.extend(outcome.messages)
            for row, text, warning in sorted(messages, key=lambda m: m[0]):
                template = _("row {row}: warning: {reason}") if warning else _("row {row}: {reason}")
                say(template.format(row=row, reason=text))
        for text in writer.finish():
            say(_("warning: {reason}").format(reason=text))
        if source is not None:
            progress.finish_source(source, dict(report.counts), actor)

    if dry_run:
        # One transaction rolled back at the end (the batches see each other's rows), on a
        # copy of an SQLite file so that the tills keep selling; on PostgreSQL the
        # transaction locks only the rows it touches.
        with scratch_database(), write_transaction():
            with database.atomic() as savepoint:
                run()
                savepoint.rollback()
    else:
        run()
    return report


@contextlib.contextmanager
def scratch_database():
    """Bind the models to a private copy of an SQLite database for the time of the block
    (in a 0700 temporary folder, removed afterwards); any other database is used as it is."""
    shop = database.obj
    if not isinstance(shop, peewee.SqliteDatabase) or shop.database in ("", ":memory:"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="shoptui-dry-run-") as folder:
        copy = Path(folder) / "dry-run.sqlite"
        scratch_copy(Path(shop.database), copy)
        scratch = make_database(str(copy))
        database.initialize(scratch)
        try:
            yield
        finally:
            scratch.close()
            database.initialize(shop)


def _check_columns(kind: str, header_map: HeaderMap, name: str) -> None:
    have = set(header_map.columns)
    if kind == "customers":
        missing = [] if have & {"name", "code"} else ["name"]
    elif kind == "sales":
        missing = [f for f in ("receipt_no", "datetime") if f not in have]
        if "total" not in have and not have & {"price", "line_amount"}:
            missing.append("total")
    elif kind == "visits":
        missing = [f for f in ("datetime", "in") if f not in have]
    else:
        missing = [] if "sku" in have else ["sku"]
    if missing:
        raise ImportFileError(
            _("The first row of {file} has no column for {fields}: the first row must name the columns.").format(
                file=name, fields=", ".join(missing)
            )
        )


def _parse_row(raw: dict, header_map: HeaderMap, parsers: dict, ctx: Context, number: int) -> tuple[dict, list]:
    """The filled cells of a row as typed values, and a reason for each cell that cannot be read."""
    out: dict = {}
    errors: list[tuple[int, str]] = []
    for name, header in header_map.columns.items():
        value = raw.get(header)
        if value is None or (isinstance(value, str) and not cells.text(value)):
            continue  # empty, or only spaces and invisible characters (textsafe)
        try:
            out[name] = parsers[name](value, ctx)
        except ShopError as exc:
            errors.append((number, _("{column}: {reason}").format(column=header, reason=exc)))
    if "time" in out:
        when = out.pop("time")
        if "datetime" in out:
            out["datetime"] = dt.datetime.combine(out["datetime"].date(), when)
    return out, errors


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- rows to records, per kind ---------------------------------------------------------------


def _missing(number: int, header_map: HeaderMap, name: str) -> tuple[int, str]:
    return number, _("{column} is empty.").format(column=header_map.label(name))


def customer_records(rows, header_map: HeaderMap, ctx: Context) -> Iterator[Record]:
    """A code or a phone twice in the file with other data is a conflict: the later row is
    rejected (never an update of the earlier one), so the same file always reports the same."""
    parsers = PARSERS["customers"]
    codes: dict[str, tuple[int, int]] = {}  # code -> (first row, fingerprint of its data)
    numbers: dict[str, tuple[int, int, str]] = {}  # phone -> (first row, fingerprint, code)
    for number, raw in rows:
        values, errors = _parse_row(raw, header_map, parsers, ctx, number)
        if not (values.get("name") or values.get("code")) and not errors:
            errors.append((number, _("The row has neither a name nor a code.")))
        if not errors:
            conflict = _repeated_customer(values, number, ctx, codes, numbers)
            if conflict:
                errors.append((number, conflict))
        yield Record([number], values, errors=errors)


def _repeated_customer(values: dict, number: int, ctx: Context, codes: dict, numbers: dict) -> str | None:
    code = str(values.get("code") or "").strip()
    typed = str(values.get("phone") or "").strip()
    phone = (phones.normalize(typed, ctx.region) or typed) if typed else ""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if phone:
        data["phone"] = phone
    fingerprint = hash(tuple(sorted(data.items(), key=lambda item: item[0])))
    if code:
        first = codes.setdefault(code, (number, fingerprint))
        if first[1] != fingerprint:
            return _("{key} is also on row {row} with other data").format(key=code, row=first[0])
    if phone:
        first_row, first_print, first_code = numbers.setdefault(phone, (number, fingerprint, code))
        # Two codes with one phone are two customers; the phone's owner decides (a conflict
        # the customer service names). Without a code, the phone is who the row is.
        if first_print != fingerprint and (not code or not first_code or code == first_code):
            return _("{key} is also on row {row} with other data").format(key=typed, row=first_row)
    return None


def product_records(rows, header_map: HeaderMap, ctx: Context) -> Iterator[Record]:
    parsers = PARSERS["products"]
    for number, raw in rows:
        values, errors = _parse_row(raw, header_map, parsers, ctx, number)
        if not values.get("sku") and not errors:
            errors.append(_missing(number, header_map, "sku"))
        yield Record([number], values, errors=errors)


def sales_records(rows, header_map: HeaderMap, ctx: Context) -> Iterator[Record]:
    """Consecutive rows with the same store and receipt number are one receipt; receipt
    fields are taken from the first row that fills them, every row may add a line."""
    parsers = PARSERS["sales"]
    current: Record | None = None
    key = None
    for number, raw in rows:
        values, errors = _parse_row(raw, header_map, parsers, ctx, number)
        receipt_no = values.get("receipt_no")
        if not receipt_no:
            if current is not None:
                yield current
                current, key = None, None
            yield Record([number], values, errors=errors or [_missing(number, header_map, "receipt_no")])
            continue
        row_key = (values.get("store", "").upper(), receipt_no)
        if current is None or row_key != key:
            if current is not None:
                yield _checked_receipt(current, header_map)
            current, key = Record([number]), row_key
        else:
            current.rows.append(number)
        current.errors.extend(errors)
        for name in RECEIPT_FIELDS:
            if name in values:
                current.values.setdefault(name, values[name])
        line = {name: values[name] for name in LINE_FIELDS if name in values}
        if line:
            line["row"] = number
            current.lines.append(line)
            if abs(line.get("qty", 1) * line.get("price", 0)) > MAX_MINOR:
                current.errors.append((number, _("The quantity times the price is too large an amount.")))
    if current is not None:
        yield _checked_receipt(current, header_map)


def _checked_receipt(record: Record, header_map: HeaderMap) -> Record:
    if not record.errors:
        if "datetime" not in record.values:
            record.errors.append(_missing(record.row, header_map, "datetime"))
        elif "total" not in record.values and not any("price" in ln or "line_amount" in ln for ln in record.lines):
            record.errors.append(_missing(record.row, header_map, "total"))
    return record


def visit_records(rows, header_map: HeaderMap, ctx: Context) -> Iterator[Record]:
    """Rows of the same store and hour add up (minutes are ignored); a bad row is rejected alone."""
    parsers = PARSERS["visits"]
    stores = Stores()
    hours: dict[tuple[int, dt.datetime], Record] = {}
    for number, raw in rows:
        values, errors = _parse_row(raw, header_map, parsers, ctx, number)
        if not errors:
            for name in ("datetime", "in"):
                if name not in values:
                    errors.append(_missing(number, header_map, name))
        if not errors:
            try:  # "MAIN", "main", the store's name and an empty cell may all be one store
                store_id = stores.resolve(values.get("store"))
            except ShopError as exc:
                errors.append((number, str(exc)))
        if errors:
            yield Record([number], values, errors=errors)
            continue
        hour = values["datetime"].replace(minute=0, second=0, microsecond=0)
        key = (store_id, hour)
        record = hours.get(key)
        if record is None:
            hours[key] = Record(
                [number], {"store_id": store_id, "datetime": hour, "in": values["in"], "out": values.get("out", 0)}
            )
        else:
            record.rows.append(number)
            record.values["in"] += values["in"]
            record.values["out"] += values.get("out", 0)
    yield from hours.values()


RECORD_BUILDERS = {
    "customers": customer_records,
    "sales": sales_records,
    "visits": visit_records,
    "products": product_records,
}
