"""The month workbook's long sheets, read from the database a chunk at a time: the new
customers with all their fields, the debt and points ledgers' movements per customer, and
the receipts journal (one row per receipt line, in the columns ``import sales`` reads).

A chunk is ``CHUNK`` rows in key order, each chunk starting after the last key of the
one before (keyset paging: portable between SQLite and PostgreSQL, whose driver would
otherwise fetch a whole result into memory), so memory stays flat whatever the month.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee as pw
from peewee import Case, fn

from .. import phones
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
    Voucher,
)
from ..reports import Money, Share
from ..reports.debtors import advance_paid_per_receipt
from ..services import settings
from ..services.customers import parse_gender
from ..services.points import point_value as points_value
from .headers import header_word, readable_word
from .month import Month
from .values import parse_kind, parse_status
from .xlsx import Book, Column

CHUNK = 5000  # rows read from the database at a time


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


def customers_sheet(book: Book, name: str, month: Month, progress: Callable[[int], None] | None = None) -> None:
    lang = language()
    region = settings.region()
    definitions = list(
        PropertyDefinition.select()
        .where(PropertyDefinition.active == True)  # noqa: E712
        .order_by(PropertyDefinition.position, PropertyDefinition.id)
    )
    word = lambda name: header_word("customers", name, lang)  # noqa: E731
    columns = [
        Column("code", word("code")),
        Column("name", word("name")),
        Column("phone", word("phone")),
        Column("gender", word("gender")),
        Column("birthday", word("birthday"), "date"),
        Column("email", word("email")),
        Column("company", word("company")),
        Column("address", word("address")),
        Column("area", word("area")),
        Column("status", word("status")),
        Column("card", word("card")),
        Column("registered", word("registered"), "datetime"),
        Column("store", word("store")),
        Column("registered_by", _("Registered by")),
        Column("discount", _("Personal discount"), "share"),
        Column("credit_limit", _("Credit limit"), "money"),
        Column("sms", _("SMS"), "bool"),
        Column("zalo", _("Zalo"), "bool"),
        Column("facebook", _("Facebook"), "bool"),
        Column("email_consent", _("e-mail"), "bool"),
        Column("groups", _("Groups")),
        Column("notes", _("Notes")),
    ] + [Column(f"property:{d.id}", d.name, _PROPERTY_KINDS.get(d.kind, "text")) for d in definitions]
    select = (
        Customer.select(
            Customer.code,
            Customer.name,
            Customer.phone,
            Customer.phone_typed,
            Customer.gender,
            Customer.birthday,
            Customer.email,
            Customer.company,
            Customer.address,
            Customer.area,
            Customer.status,
            Customer.registered_at,
            Store.code,
            User.name,
            Customer.discount_bp,
            Customer.credit_limit,
            Customer.consent_sms,
            Customer.consent_zalo,
            Customer.consent_facebook,
            Customer.consent_email,
            Customer.notes,
            Customer.id,
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
            for (
                code,
                name,
                phone,
                typed,
                gender,
                birthday,
                email,
                company,
                address,
                area,
                status,
                registered,
                store,
                by,
                discount_bp,
                credit_limit,
                sms,
                zalo,
                facebook,
                mail,
                notes,
                cid,
            ) in chunk:
                shown_phone = phones.display(phone, region) if phone else typed
                row = [
                    code,
                    name,
                    shown_phone or None,
                    genders.get(gender),
                    birthday,
                    email or None,
                    company or None,
                    address or None,
                    area or None,
                    statuses.get(status, status),
                    cards.get(cid),
                    registered,
                    store,
                    by,
                    Share(discount_bp / 10000) if discount_bp else None,
                    None if credit_limit is None else Money(credit_limit),
                    sms,
                    zalo,
                    facebook,
                    mail,
                    groups.get(cid),
                    notes or None,
                ]
                props = values.get(cid, {})
                row += [_property(d, props.get(d.id)) for d in definitions]
                yield row

    book.table(name, columns, rows(), progress=progress)


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
    return _joined(
        CardBinding.select(CardBinding.customer, Card.barcode)
        .join(Card)
        .where(CardBinding.customer.in_(ids) & CardBinding.ended_at.is_null())
        .order_by(CardBinding.bound_at)
    )


def _groups(ids: list[int]) -> dict[int, str]:
    return _joined(
        CustomerGroup.select(CustomerGroup.customer, Group.name)
        .join(Group)
        .where(CustomerGroup.customer.in_(ids))
        .order_by(Group.name)
    )


def _joined(query: pw.Select) -> dict[int, str]:
    """Rows of (customer id, text): each customer's texts in one cell, comma-separated, in the query's order."""
    found: dict[int, list[str]] = {}
    for cid, text in query.tuples():
        found.setdefault(cid, []).append(text)
    return {cid: ", ".join(texts) for cid, texts in found.items()}


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

    model: Any
    amount: str
    kind: str  # the column kind of the amounts: money or int
    columns: tuple[tuple[str, str, tuple[str, ...], int], ...]  # key, header, entry kinds, sign
    rest: tuple[str, str]  # the column that takes every other kind (adjustments)
    # The column whose entries include what sales paid from the advance (a ``credit_sale``
    # entry too), shown apart right after it: an advance used is no credit.
    advance_from: str | None = None


ADVANCE_USED = ("advance_used", N_("Paid from the advance"))

DEBTS = Ledger(
    DebtEntry,
    "amount",
    "money",
    (
        ("credit_sales", N_("Credit sales"), ("credit_sale",), 1),
        ("payments", N_("Payments"), ("payment", "advance"), -1),
        ("returns", N_("Returns"), ("return",), -1),
    ),
    ("adjustments", N_("Adjustments")),
    advance_from="credit_sales",
)


def _advance_used(month: Month, after: int) -> pw.Select:
    """Per customer, what the month's sales paid from the advance: the ``advance``
    payments of the receipts whose ``credit_sale`` entries are the customer's (once a receipt)."""
    advance_paid = advance_paid_per_receipt()
    per_receipt = (
        DebtEntry.select(DebtEntry.customer.alias("customer_id"), fn.MAX(advance_paid.c.advance).alias("advance"))
        .join(advance_paid, on=(advance_paid.c.receipt_id == DebtEntry.receipt))
        .where(
            (DebtEntry.kind == "credit_sale")
            & (DebtEntry.at >= month.start)
            & (DebtEntry.at < month.end)
            & (DebtEntry.customer > after)
        )
        .group_by(DebtEntry.customer, DebtEntry.receipt)
        .alias("per_receipt")
    )
    return (
        DebtEntry.select(per_receipt.c.customer_id, fn.SUM(per_receipt.c.advance).alias("advance"))
        .from_(per_receipt)
        .group_by(per_receipt.c.customer_id)
        .alias("advance_used")
    )


POINTS = Ledger(
    PointsEntry,
    "points",
    "int",
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
            .having(
                (fn.SUM(Case(None, [(model.at < month.start, amount)], 0)) != 0)
                | (fn.SUM(Case(None, [(in_month, 1)], 0)) > 0)
            )
            .order_by(model.customer)
            .limit(CHUNK)
            .alias("per")
        )
        if ledger.advance_from is None:
            return (
                Customer.select(
                    Customer.code,
                    Customer.name,
                    Customer.phone,
                    Customer.phone_typed,
                    *[getattr(per.c, key) for key in keys],
                    Customer.id,
                )
                .join(per, on=(per.c.customer_id == Customer.id))
                .order_by(Customer.id)
            )
        used = _advance_used(month, after)
        return (
            Customer.select(
                Customer.code,
                Customer.name,
                Customer.phone,
                Customer.phone_typed,
                *[getattr(per.c, key) for key in keys],
                fn.COALESCE(used.c.advance, 0),
                Customer.id,
            )
            .join(per, on=(per.c.customer_id == Customer.id))
            .join_from(Customer, used, pw.JOIN.LEFT_OUTER, on=(used.c.customer_id == Customer.id))
            .order_by(Customer.id)
        )

    signs = [1] + [sign for _k, _h, _kinds, sign in ledger.columns] + [1, 1] + ([1] if ledger.advance_from else [])
    region = settings.region()
    wrap = Money if ledger.kind == "money" else int
    after = 0
    while True:
        rows = list(chunk(after).tuples())
        for code, name, phone, typed, *figures, _cid in rows:
            shown = phones.display(phone, region) if phone else typed
            values = [wrap(sign * int(v or 0)) for sign, v in zip(signs, figures)]
            if ledger.advance_from is not None:
                # The advance used is taken out of its column and shown right after it.
                used = int(values.pop())
                at = keys.index(ledger.advance_from)
                values[at] = wrap(int(values[at]) - used)
                values.insert(at + 1, wrap(used))
            yield [code, name, shown or None] + values
        if len(rows) < CHUNK:
            return
        after = rows[-1][-1]


def ledger_sheet(
    book: Book, name: str, month: Month, ledger: Ledger, progress: Callable[[int], None] | None = None
) -> None:
    kind = ledger.kind
    columns = [
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("phone", _("Phone")),
        Column("opening", _("Opening balance"), kind, total=True),
        *[
            column
            for key, header, _kinds, _sign in ledger.columns
            for column in [Column(key, _(header), kind, total=True)]
            + ([Column(ADVANCE_USED[0], _(ADVANCE_USED[1]), kind, total=True)] if key == ledger.advance_from else [])
        ],
        Column(ledger.rest[0], _(ledger.rest[1]), kind, total=True),
        Column("closing", _("Closing balance"), kind, total=True),
    ]
    book.table(name, columns, ledger_movements(ledger, month), totals=True, progress=progress)


# -- the receipts journal ---------------------------------------------------------------------------

JOURNAL_FIELDS = (
    ("receipt_no", "text"),
    ("datetime", "datetime"),
    ("kind", "text"),
    ("return_of", "text"),
    ("store", "text"),
    ("customer", "text"),
    ("customer_phone", "text"),
    ("customer_name", "text"),
    ("cashier", "text"),
    ("total", "money"),
    ("discount", "money"),
    ("paid_credit", "money"),
    ("paid_advance", "money"),
    ("paid_card", "money"),
    ("points_redeemed", "int"),
    ("voucher", "text"),
    ("voucher_amount", "money"),
    ("cash_rounding", "money"),
    ("sku", "text"),
    ("product", "text"),
    ("qty", "qty"),
    ("price", "money"),
    ("line_discount", "money"),
    ("line_amount", "money"),
)


def journal_size(month: Month) -> int:
    """Rows of the journal: a receipt's lines, or one row for a receipt without lines."""
    in_month = month.query().receipts()
    lines = ReceiptLine.select().join(Receipt).where(in_month).count()
    bare = (
        Receipt.select()
        .where(in_month & ~fn.EXISTS(ReceiptLine.select().where(ReceiptLine.receipt == Receipt.id)))
        .count()
    )
    return lines + bare


def journal_rows(month: Month) -> Iterator[list]:
    """Every receipt of the month in time order with its lines, read a chunk of receipts
    at a time (keyset on time and id), each chunk's lines and credit in two more queries."""
    original = Receipt.alias("original")
    select = (
        Receipt.select(
            Receipt.number,
            Receipt.at,
            Receipt.kind,
            original.number,
            Store.code,
            Customer.code,
            Customer.phone,
            Customer.phone_typed,
            Customer.name,
            User.name,
            Receipt.total,
            Receipt.discount,
            Receipt.points_redeemed,
            Receipt.id,
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
    region = settings.region()
    point_value = points_value()
    source = keyset(select, [Receipt.at, Receipt.id])
    while True:
        chunk = list(itertools.islice(source, CHUNK))
        if not chunk:
            return
        ids = [row[-1] for row in chunk]
        lines: dict[int, list[tuple]] = {}
        for line in (
            ReceiptLine.select(
                ReceiptLine.receipt,
                ReceiptLine.sku,
                ReceiptLine.name,
                ReceiptLine.qty,
                ReceiptLine.unit_price,
                ReceiptLine.line_discount,
                ReceiptLine.amount,
            )
            .where(ReceiptLine.receipt.in_(ids))
            .order_by(ReceiptLine.receipt, ReceiptLine.position)
            .tuples()
        ):
            lines.setdefault(line[0], []).append(line[1:])
        paid: dict[tuple[int, str], int] = {}
        voucher_codes: dict[int, str] = {}
        for rid, method, amount, code in (
            Payment.select(Payment.receipt, Payment.method, fn.SUM(Payment.amount), fn.MAX(Voucher.code))
            .join(Voucher, pw.JOIN.LEFT_OUTER, on=(Payment.voucher == Voucher.id))
            .where(
                Payment.receipt.in_(ids)
                & Payment.method.in_(("credit", "card", "voucher", "points", "rounding", "advance"))
            )
            .group_by(Payment.receipt, Payment.method)
            .tuples()
        ):
            # What an advance paid is not credit: it has its own column, which the sales
            # import reads back as a payment from the advance.
            paid[rid, method] = paid.get((rid, method), 0) + amount
            if code:
                voucher_codes[rid] = code
        for (
            number,
            at,
            kind,
            return_of,
            store,
            customer,
            phone,
            typed,
            name,
            cashier,
            total,
            discount,
            points,
            rid,
        ) in chunk:
            # The customer's phone beside the code lets an import into another shop create
            # the customer with it; the code alone finds the customer in this one.
            shown_phone = (phones.display(phone, region) if phone else typed) or None
            if not points and paid.get((rid, "points")):
                # An imported receipt posts no points ledger, so its points are only its
                # points payment: written back as points at the shop's point value.
                points = paid[rid, "points"] // point_value
            head = [
                number,
                at,
                kinds.get(kind, kind),
                return_of,
                store,
                customer,
                shown_phone,
                name,
                cashier,
                total,
                discount,
                paid.get((rid, "credit")),
                paid.get((rid, "advance")),
                paid.get((rid, "card")),
                points or None,
                voucher_codes.get(rid),
                paid.get((rid, "voucher")),
                paid.get((rid, "rounding")),
            ]
            for sku, product, qty, price, line_discount, amount in lines.get(rid) or [(None,) * 6]:
                yield head + [sku or None, product or None, qty, price, line_discount, amount]


def journal_sheet(book: Book, name: str, month: Month, progress: Callable[[int], None] | None = None) -> int:
    lang = language()
    columns = [Column(key, header_word("sales", key, lang), kind) for key, kind in JOURNAL_FIELDS]
    return book.table(name, columns, journal_rows(month), progress=progress).rows
