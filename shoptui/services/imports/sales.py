"""Receipts of an import, written in bulk: payments, lines, voucher uses, the customers' cached sales."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import peewee as pw

from ... import clock, phones
from ...db import database
from ...errors import NotFound, RuleViolation, ShopError, ValidationError
from ...i18n import _
from ...models import (
    Card,
    CardBinding,
    Customer,
    Payment,
    Product,
    Receipt,
    ReceiptLine,
    User,
    Voucher,
    VoucherUse,
)
from ...textfold import fold
from .. import cards, cash_rounding, customers, points, scans, settings
from ..amounts import shown
from ..audit import record as audit
from ..context import require
from ..money_math import round_qty_price
from .records import Options, Outcome, Record, RowError, Stores, chunks, rejected


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert many rows with one prepared statement (``executemany``).

    peewee builds the SQL of every row afresh, which at 70,000 receipts costs several
    times SQLite's own work; the statement is built here once, with peewee's quoting,
    parameter style and value conversion, so the rows are exactly what peewee would write.
    """
    if not rows:
        return
    db = database.obj
    names = list(rows[0])
    fields = [model._meta.fields[name] for name in names]
    open_q, close_q = db.quote[0], db.quote[1]
    columns = ", ".join(f"{open_q}{f.column_name}{close_q}" for f in fields)
    params = ", ".join([db.param] * len(fields))
    sql = f"INSERT INTO {open_q}{model._meta.table_name}{close_q} ({columns}) VALUES ({params})"
    cursor = db.cursor()
    cursor.executemany(sql, [[f.db_value(row[name]) for name, f in zip(names, fields)] for row in rows])


def refresh_sales_cache(customer_ids) -> None:
    """Recompute the customers' cached ``total_sales`` (sales − returns) and ``last_purchase_at``
    (latest sale) from their receipts: one statement per chunk instead of one per customer."""
    other = Receipt.alias()
    signed = pw.Case(None, [(other.kind == "return", other.total * -1)], other.total)
    net = other.select(pw.fn.COALESCE(pw.fn.SUM(signed), 0)).where(other.customer == Customer.id)
    # The kind goes inside MAX, not in WHERE: there SQLite would pick the (kind, at) index
    # and scan every sale of the shop for each customer.
    last = other.select(pw.fn.MAX(pw.Case(None, [(other.kind == "sale", other.at)]))).where(
        other.customer == Customer.id
    )
    for chunk in chunks(sorted(customer_ids), 500):
        Customer.update(total_sales=net, last_purchase_at=last).where(Customer.id.in_(chunk)).execute()


@dataclass
class KnownReceipt:
    """A receipt of the store+number key, stored or waiting in the batch (``id`` None)."""

    id: int | None
    content_hash: str | None
    kind: str
    total: int
    customer_id: int | None


class CustomerIndex:
    """Card barcodes, customer codes and phones to customer ids, loaded once per import."""

    def __init__(self, region: str):
        self.region = region
        self.by_code = dict(Customer.select(Customer.code, Customer.id).tuples())
        self.by_card = dict(
            CardBinding.select(Card.barcode, CardBinding.customer)
            .join(Card, on=(CardBinding.card == Card.id))
            .where(CardBinding.ended_at.is_null())
            .tuples()
        )
        self.by_phone: dict[str, int] = {}
        # Archived customers last, so a phone finds the one still active.
        query = Customer.select(Customer.phone, Customer.id).where(Customer.phone.is_null(False))
        for phone, cid in query.order_by(Customer.status == "archived", Customer.id).tuples():
            self.by_phone.setdefault(phone, cid)
        self._e164: dict[str, str | None] = {}

    def e164(self, typed: str) -> str | None:
        if typed not in self._e164:
            self._e164[typed] = phones.normalize(typed, self.region)
        return self._e164[typed]

    def find(self, ref: str) -> int | None:
        found = self.by_card.get(ref) or self.by_code.get(ref)
        if found is None:
            found = self.by_phone_typed(ref)
        return found

    def by_phone_typed(self, typed: str) -> int | None:
        e164 = self.e164(typed)
        return self.by_phone.get(e164) if e164 else None

    def add(self, customer: Customer, card: str | None = None) -> None:
        self.by_code[customer.code] = customer.id
        if customer.phone:
            self.by_phone.setdefault(customer.phone, customer.id)
        if card:
            self.by_card[card] = customer.id


_NO_VOUCHER = {"", "0", "no", "none", "false", "khong", "net", "nein"}


@dataclass
class _Waiting:
    """A receipt of the batch not inserted yet, with the rows that need its id."""

    key: tuple[int, str]
    receipt: dict
    lines: list[dict]
    payments: list[dict]
    use: dict | None


class SalesWriter:
    """Receipts keyed by store and number. The same content again is ``unchanged``; other
    content under a stored number is a conflict, never an overwrite.

    Payments add up to the total: ``paid_credit`` is paid on credit, ``paid_advance`` from the
    customer's advance (not credit), ``paid_card`` by
    bank card, ``points_redeemed`` × the ``points_value`` setting with points,
    ``voucher_amount`` with the voucher, ``cash_rounding`` (signed) is the rounding of the
    cash (services.cash_rounding), and the rest in cash. A voucher code the shop
    does not know is created (the old program issued it) and its use recorded.
    """

    def __init__(self, options: Options):
        self.options = options
        self.actor = options.actor
        self.now = clock.now()
        self.region = settings.region()
        self.point_value = points.point_value()
        self.stores = Stores()
        self.users = {fold(name): uid for name, uid in User.select(User.name, User.id).tuples()}
        self.index = CustomerIndex(self.region)
        self.products: dict[str, tuple[int, int]] = {}  # sku or barcode -> (id, price)
        for pid, sku, barcode, price in Product.select(
            Product.id, Product.sku, Product.barcode, Product.price
        ).tuples():
            self.products[sku] = (pid, price)
            if barcode:
                self.products.setdefault(barcode, (pid, price))
        self.vouchers = dict(Voucher.select(Voucher.code, Voucher.id).tuples())
        self.known: dict[tuple[int, str], KnownReceipt] = {}
        self.returned: dict[tuple[int, str], int] = {}  # sale key -> returned so far
        self.cash_backs: dict[tuple[int, str], tuple[int, int]] = {}  # sale key -> (cash paid back, exact owed)
        self.created_at: dict[int, dt.datetime] = {}  # customers this import created -> registered at
        self.unknown_cashiers: set[str] = set()
        self.waiting: list[_Waiting] = []
        self.customers_touched: set[int] = set()

    # The batch: prefetch what it refers to, one pass in file order, then bulk writes.

    def write(self, records: list[Record]) -> list[Outcome]:
        require(self.actor, "import")
        stores: list[int | None] = []
        refused: dict[int, Outcome] = {}  # position in the batch -> the row's refusal
        for i, record in enumerate(records):
            try:
                stores.append(self.stores.resolve(record.values.get("store")))
            except ShopError as exc:
                stores.append(None)
                refused[i] = rejected(record.row, str(exc))
        self._prefetch(records, stores)
        self.customers_touched = set()
        outcomes: list[Outcome] = []
        for i, (record, store) in enumerate(zip(records, stores)):
            if store is None:
                outcomes.append(refused[i])
                continue
            try:
                outcomes.append(self._write_one(record, store))
            except ShopError as exc:
                outcomes.append(rejected(getattr(exc, "row", record.row), str(exc)))
        self._insert_waiting()
        refresh_sales_cache(self.customers_touched)
        return outcomes

    def finish(self) -> list[str]:
        if not self.unknown_cashiers:
            return []
        return [
            _("These cashiers are not users of the shop, so their receipts have no cashier: {names}.").format(
                names=", ".join(sorted(self.unknown_cashiers))
            )
        ]

    def _prefetch(self, records: list[Record], stores: list[int | None]) -> None:
        wanted: dict[int, set[str]] = defaultdict(set)
        for record, store_id in zip(records, stores):
            if store_id is None:
                continue
            for number in (record.values.get("receipt_no"), record.values.get("return_of")):
                if number and (store_id, number) not in self.known:
                    wanted[store_id].add(number)
        sales: dict[int, tuple[int, str]] = {}
        for store_id, numbers in wanted.items():
            for chunk in chunks(sorted(numbers), 500):
                query = Receipt.select(
                    Receipt.id, Receipt.number, Receipt.content_hash, Receipt.kind, Receipt.total, Receipt.customer
                ).where((Receipt.store == store_id) & Receipt.number.in_(chunk))
                for rid, number, content_hash, kind, total, customer_id in query.tuples():
                    key = (store_id, number)
                    self.known[key] = KnownReceipt(rid, content_hash, kind, total, customer_id)
                    if kind == "sale":
                        sales[rid] = key
                        self.returned[key] = 0
        for chunk in chunks(sorted(sales), 500):
            sums = (
                Receipt.select(Receipt.return_of, pw.fn.SUM(Receipt.total))
                .where(Receipt.return_of.in_(chunk) & (Receipt.kind == "return"))
                .group_by(Receipt.return_of)
                .tuples()
            )
            for sale_id, amount in sums:
                self.returned[sales[sale_id]] = int(amount or 0)

    def _write_one(self, record: Record, store_id: int) -> Outcome:
        values = record.values
        number = values["receipt_no"]
        if len(number) > 64:
            raise ValidationError(_("A receipt number is at most 64 characters."))
        kind, total, lines = self._kind_total_lines(record)
        content_hash = self._content_hash(values, kind, total, lines)
        key = (store_id, number)
        known = self.known.get(key)
        if known is not None:
            if known.content_hash == content_hash or self._same_as_stored(known, record, kind, total, lines):
                return Outcome("unchanged")
            return rejected(
                record.row,
                _("Receipt {number} is already stored with different content (a conflict); it was not changed.").format(
                    number=number
                ),
            )
        paid = self._payments(values, kind, total)
        discount = values.get("discount", 0)
        if kind == "return":
            discount = abs(discount)
        elif discount < 0:
            raise ValidationError(_("A discount may not be negative."))
        voucher_code = self._voucher_code(values)
        messages: list[tuple[int, str, bool]] = []
        return_of, sale_customer = self._return_link(record, store_id, kind, total, messages)
        # The receipt brings its own step (inferred from its cash and rounding), judged by
        # the rule ``check`` holds every receipt to, whatever the shop's step is now; a
        # return of a known sale also on the running total of the sale's cash refunds.
        sale_key = (store_id, values["return_of"]) if return_of is not None else None
        before = self._cash_back(sale_key, return_of) if sale_key and return_of is not None else None
        cash_step = cash_rounding.check_imported(kind, total, paid["cash"], paid.get("rounding", 0), before)
        at = values["datetime"]
        customer_id = self._customer(values, at) or sale_customer
        if customer_id is None and (paid["credit"] or paid["points"] or paid["advance"]):
            raise RuleViolation(_("Only a known customer can buy on credit or pay with points."))

        # Nothing below refuses the record: what it writes is all or nothing with the batch.
        subtotal = sum(line["gross"] for line in lines) if lines else total + discount
        receipt = dict(
            store=store_id,
            number=number,
            kind=kind,
            return_of=return_of,
            at=at,
            cashier=self._cashier(values.get("cashier")),
            customer=customer_id,
            subtotal=subtotal,
            discount=discount if "discount" in values else max(0, subtotal - total),
            total=total,
            # Imported receipts post no ledger entries, so their points fields stay 0 (the
            # points paid are in the payments); `check` holds these fields to the ledger.
            points_earned=0,
            points_redeemed=0,
            source="import",
            content_hash=content_hash,
            created_at=self.now,
            cash_step=cash_step,
        )
        self._queue(key, receipt, lines, paid, voucher_code)
        if sale_key and before is not None and (paid.get("cash") or paid.get("rounding")):
            self.cash_backs[sale_key] = (before[0] + paid["cash"], before[1] + paid["cash"] + paid.get("rounding", 0))
        if kind == "sale":
            self.returned[key] = 0
        elif return_of is not None:
            sale_key = (store_id, values["return_of"])
            self.returned[sale_key] = self.returned.get(sale_key, 0) + total
        if customer_id is not None:
            self.customers_touched.add(customer_id)
            if customer_id in self.created_at and at < self.created_at[customer_id]:
                # A customer this import created is registered no later than their first receipt.
                self.created_at[customer_id] = at
                Customer.update(registered_at=at).where(Customer.id == customer_id).execute()
        return Outcome("imported", messages)

    def _same_as_stored(self, known: KnownReceipt, record: Record, kind: str, total: int, lines: list[dict]) -> bool:
        """Whether the row says what the stored receipt holds. A receipt rung up in the shop
        has no hash, and one imported from another file was hashed from that file's columns,
        so the month workbook's journal read back is compared field by field: what the file
        can say (the cash and gift card parts are what is left of the total after the rest)."""
        if known.id is None:
            return False
        receipt = Receipt.get_or_none(Receipt.id == known.id)
        if receipt is None:
            return False
        values = record.values
        subtotal = sum(line["gross"] for line in lines) if lines else total + values.get("discount", 0)
        discount = abs(values["discount"]) if "discount" in values else max(0, subtotal - total)
        original = receipt.return_of.number if receipt.return_of_id else ""
        head = (
            kind,
            _to_second(values["datetime"]),
            total,
            discount,
            str(values.get("return_of") or "").strip(),
            self._known_customer(values),
            self._known_cashier(values.get("cashier")),
        )
        stored_head = (
            receipt.kind,
            _to_second(receipt.at),
            receipt.total,
            receipt.discount,
            original,
            receipt.customer_id,
            receipt.cashier_id,
        )
        if head != stored_head:
            return False
        paid = self._payments(values, kind, total)
        stored_paid = dict.fromkeys(("credit", "advance", "card", "points", "voucher", "rounding"), 0)
        for method, amount in (
            Payment.select(Payment.method, pw.fn.SUM(Payment.amount))
            .where(Payment.receipt == receipt.id)
            .group_by(Payment.method)
            .tuples()
        ):
            if method in stored_paid:
                stored_paid[method] += int(amount)
        if any(paid.get(method, 0) != amount for method, amount in stored_paid.items()):
            return False
        stored_lines = [
            (sku or "", (name or "")[:300], Decimal(qty).normalize(), price, line_discount, amount)
            for sku, name, qty, price, line_discount, amount in ReceiptLine.select(
                ReceiptLine.sku,
                ReceiptLine.name,
                ReceiptLine.qty,
                ReceiptLine.unit_price,
                ReceiptLine.line_discount,
                ReceiptLine.amount,
            )
            .where(ReceiptLine.receipt == receipt.id)
            .order_by(ReceiptLine.position)
            .tuples()
        ]
        return stored_lines == [
            (
                line["sku"],
                line["name"],
                Decimal(line["qty"]).normalize(),
                line["price"],
                line["line_discount"],
                line["amount"],
            )
            for line in lines
        ]

    def _known_customer(self, values: dict) -> int | None:
        ref = str(values.get("customer") or "").strip()
        phone = str(values.get("customer_phone") or "").strip()
        found = self.index.find(ref) if ref else None
        if found is None and phone:
            found = self.index.by_phone_typed(phone)
        return found

    def _known_cashier(self, name) -> int | None:
        name = str(name or "").strip()
        return self.users.get(fold(name)) if name else None

    def _kind_total_lines(self, record: Record) -> tuple[str, int, list[dict]]:
        """The receipt's kind and positive total: a negative total (or quantities) without a
        kind is a return, as many exports write them; a sale with a negative total is refused."""
        kind = record.values.get("kind")
        lines = self._lines(record, kind)
        total = record.values.get("total")
        if total is None:
            total = sum(line["amount"] for line in lines) - record.values.get("discount", 0)
        if total < 0:
            if kind == "sale":
                raise ValidationError(
                    _('A sale cannot have a negative total ({total}); write a return as kind "return".').format(
                        total=shown(total)
                    )
                )
            return "return", -total, lines
        return kind or ("return" if lines and lines[0]["negative"] else "sale"), total, lines

    def _payments(self, values: dict, kind: str, total: int) -> dict[str, int]:
        """How the total was paid, by method; what the file does not say was paid in cash."""
        paid = {
            "credit": values.get("paid_credit", 0),
            "advance": values.get("paid_advance", 0),
            "card": values.get("paid_card", 0),
            "points": values.get("points_redeemed", 0) * self.point_value,
            "voucher": values.get("voucher_amount", 0),
        }
        if kind == "return":  # exports write what a return pays back as negatives
            paid = {method: abs(amount) for method, amount in paid.items()}
        for method, amount in paid.items():
            if amount < 0:
                raise ValidationError(_("A payment by {method} may not be negative.").format(method=method))
        # Cash rounding (services.cash_rounding) is signed, as stored: never made positive.
        rounding = values.get("cash_rounding", 0) or 0
        paid["cash"] = total - sum(paid.values()) - rounding
        if paid["cash"] < 0:
            raise RuleViolation(_("The payments add up to more than the total of {total}.").format(total=shown(total)))
        if rounding:
            paid["rounding"] = rounding
        return paid

    def _voucher_code(self, values: dict) -> str:
        code = customers.clean_text(values.get("voucher"), "voucher")
        if fold(code) in _NO_VOUCHER:
            return ""
        if len(code) > 64:
            raise ValidationError(_("A voucher code is at most 64 characters."))
        if code not in self.vouchers:  # a new voucher: one code, one meaning at the till
            clash = scans.new_code_refusal(code, "voucher")
            if clash is not None:
                raise ValidationError(_("Voucher {code}: {reason}").format(code=code, reason=clash))
        return code

    def _queue(self, key, receipt: dict, lines: list[dict], paid: dict[str, int], voucher_code: str) -> None:
        """The receipt and the rows that need its id wait for the batch's bulk insert."""
        line_rows = [
            dict(
                receipt=None,
                position=position,
                product=self._product_id(line),
                sku=line["sku"],
                name=line["name"],
                qty=line["qty"],
                unit_price=line["price"],
                line_discount=line["line_discount"],
                amount=line["amount"],
                return_of_line=None,
            )
            for position, line in enumerate(lines, start=1)
        ]
        voucher_id = self._voucher(voucher_code, paid["voucher"]) if voucher_code else None
        payments = [
            dict(
                receipt=None,
                method=method,
                amount=amount,
                voucher=voucher_id if method == "voucher" else None,
                gift_card=None,
            )
            for method, amount in paid.items()
            # A cash part rounded to nothing keeps its (zero) cash row beside its rounding.
            if amount or (method == "cash" and paid.get("rounding"))
        ]
        use = None
        if voucher_id is not None and receipt["kind"] == "sale":
            use = dict(
                voucher=voucher_id, receipt=None, customer=receipt["customer"], at=receipt["at"], amount=paid["voucher"]
            )
        self.waiting.append(_Waiting(key, receipt, line_rows, payments, use))
        self.known[key] = KnownReceipt(
            None, receipt["content_hash"], receipt["kind"], receipt["total"], receipt["customer"]
        )

    def _insert_waiting(self) -> None:
        """Insert the batch's receipts, learn their ids, then their lines, payments and voucher uses."""
        if not self.waiting:
            return
        bulk_insert(Receipt, [w.receipt for w in self.waiting])
        by_store: dict[int, list[str]] = defaultdict(list)
        for w in self.waiting:
            by_store[w.key[0]].append(w.key[1])
        ids: dict[tuple[int, str], int] = {}
        for store_id, numbers in by_store.items():
            for chunk in chunks(numbers, 500):
                query = Receipt.select(Receipt.id, Receipt.number).where(
                    (Receipt.store == store_id) & Receipt.number.in_(chunk)
                )
                ids.update(((store_id, number), rid) for rid, number in query.tuples())
        lines, payments, uses = [], [], []
        for w in self.waiting:
            rid = ids[w.key]
            self.known[w.key].id = rid
            for row in w.lines + w.payments + ([w.use] if w.use else []):
                row["receipt"] = rid
            lines += w.lines
            payments += w.payments
            if w.use:
                uses.append(w.use)
        bulk_insert(ReceiptLine, lines)
        bulk_insert(Payment, payments)
        bulk_insert(VoucherUse, uses)
        self.waiting = []

    def _lines(self, record: Record, kind: str | None) -> list[dict]:
        out = []
        for line in record.lines:
            try:
                out.append(self._line(line, kind))
            except ShopError as exc:
                raise RowError(str(exc), line["row"]) from None
        if out and (kind == "return" or any(line["negative"] for line in out)):
            for line in out:  # a return's quantities and amounts are positive, whatever the export wrote
                line["qty"], line["amount"], line["gross"] = abs(line["qty"]), abs(line["amount"]), abs(line["gross"])
        return out

    def _line(self, line: dict, kind: str | None) -> dict:
        qty = line.get("qty", Decimal(1))
        price = line.get("price")
        amount = line.get("line_amount")
        line_discount = abs(line.get("line_discount", 0))
        negative = qty < 0 or (amount is not None and amount < 0)
        if kind == "sale" and negative:
            raise ValidationError(_('A sale cannot have a negative quantity; write a return as kind "return".'))
        if qty == 0:
            raise ValidationError(_("A quantity must be more than zero."))
        sku = str(line.get("sku") or "").strip()
        if len(sku) > 64:
            raise ValidationError(_("A sku is at most 64 characters."))
        known = self.products.get(sku) if sku else None
        if price is None:
            if amount is not None:
                price = int(
                    ((abs(Decimal(amount)) + line_discount) / abs(qty)).to_integral_value(rounding=ROUND_HALF_UP)
                )
            elif known is not None:
                price = known[1]
            else:
                raise ValidationError(_("The line has no price."))
        price = abs(price)
        gross = round_qty_price(qty, price)  # negative with a negative quantity
        if amount is None:
            amount = gross - line_discount if gross >= 0 else gross + line_discount
        name = customers.clean_text(line.get("product"), "product")[:300]
        return dict(
            sku=sku,
            name=name,
            qty=qty,
            price=price,
            line_discount=line_discount,
            amount=amount,
            gross=gross,
            negative=negative,
        )

    def _product_id(self, line: dict) -> int | None:
        """A product sold in the file but missing from the catalogue joins it (by sku)."""
        sku = line["sku"]
        if not sku:
            return None
        if sku not in self.products:
            pid = Product.insert(sku=sku, name=line["name"] or sku, price=line["price"]).execute()
            self.products[sku] = (pid, line["price"])
        return self.products[sku][0]

    def _content_hash(self, values: dict, kind: str, total: int, lines: list[dict]) -> str:
        content = [
            kind,
            values["datetime"].isoformat(),
            total,
            *(
                values.get(name)
                for name in ("discount", "paid_credit", "paid_card", "points_redeemed", "voucher_amount")
            ),
            *(
                str(values.get(name) or "").strip()
                for name in ("return_of", "customer", "customer_phone", "cashier", "voucher")
            ),
            [
                [
                    line["sku"],
                    line["name"],
                    str(line["qty"].normalize()),
                    line["price"],
                    line["line_discount"],
                    line["amount"],
                ]
                for line in lines
            ],
        ]
        if values.get("cash_rounding"):  # only then: the hashes of files without it stay as they were
            content.append(values["cash_rounding"])
        if values.get("paid_advance"):  # likewise
            content.append(["advance", values["paid_advance"]])
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, default=str).encode()).hexdigest()

    def _cash_back(self, sale_key, sale_id: int) -> tuple[int, int]:
        """The cash the earlier returns of a sale paid back and the exact cash they owed
        (services.cash_rounding.split_refund's running total), stored or in this import."""
        if sale_key not in self.cash_backs:
            sums = dict(
                Payment.select(Payment.method, pw.fn.SUM(Payment.amount))
                .join(Receipt, on=(Payment.receipt == Receipt.id))
                .where((Receipt.return_of == sale_id) & Payment.method.in_(("cash", "rounding")))
                .group_by(Payment.method)
                .tuples()
            )
            cash = int(sums.get("cash") or 0)
            self.cash_backs[sale_key] = (cash, cash + int(sums.get("rounding") or 0))
        return self.cash_backs[sale_key]

    def _return_link(
        self, record: Record, store_id: int, kind: str, total: int, messages: list
    ) -> tuple[int | None, int | None]:
        number = record.values.get("return_of")
        if not number:
            return None, None
        row = record.row
        if kind != "return":
            messages.append(
                (
                    row,
                    _("A sale refers to no other receipt; return_of {number} is ignored.").format(number=number),
                    True,
                )
            )
            return None, None
        key = (store_id, number)
        sale = self.known.get(key)
        if sale is None or sale.kind != "sale":
            messages.append(
                (
                    row,
                    _("Sale {number} is not stored; the return is kept without a link to it.").format(number=number),
                    True,
                )
            )
            return None, None
        if self.returned.get(key, 0) + total > sale.total:
            messages.append(
                (
                    row,
                    _("Returns of sale {number} would exceed it; the return is kept without a link to it.").format(
                        number=number
                    ),
                    True,
                )
            )
            return None, None
        if sale.id is None:
            self._insert_waiting()  # the sale is in this batch: it needs its id now
        return sale.id, sale.customer_id

    def _customer(self, values: dict, at: dt.datetime) -> int | None:
        ref = str(values.get("customer") or "").strip()
        phone = str(values.get("customer_phone") or "").strip()
        if not ref and not phone:
            return None
        found = self.index.find(ref) if ref else None
        if found is None and phone:
            found = self.index.by_phone_typed(phone)
        if found is not None:
            return found
        if not self.options.create_customers:
            raise NotFound(
                _("Unknown customer {customer}: import the customers first, or use --create-customers.").format(
                    customer=ref or phone
                )
            )
        return self._create_customer(ref, phone, str(values.get("customer_name") or "").strip(), at)

    def _create_customer(self, ref: str, phone: str, name: str, at: dt.datetime) -> int:
        """A customer known only by the receipt: registered at that receipt, data to complete later.

        The reference is a phone when it reads as one, a card when it is a long number
        (EAN-13 and the like), else the customer's code."""
        fields: dict = {"status": "incomplete"}
        card = None
        if ref and self.index.e164(ref):
            phone = phone or ref
        elif ref and ref.isdigit() and len(ref) >= 8:
            card = ref
        elif ref:
            fields["code"] = ref
        if phone:
            fields["phone"] = phone
        fields["name"] = name or ref or phone
        with database.atomic():
            customer = customers.register(fields, self.actor, registered_at=at).customer
            if card:
                cards.issue_card(customer, card, actor=self.actor, follow_rule=False)
        self.index.add(customer, card)
        self.created_at[customer.id] = at
        return customer.id

    def _cashier(self, name) -> int | None:
        name = str(name or "").strip()
        if not name:
            return None
        found = self.users.get(fold(name))
        if found is None:
            self.unknown_cashiers.add(name)
        return found

    def _voucher(self, code: str, amount: int) -> int:
        """A voucher code the shop does not know yet is created: the old program issued it."""
        if code not in self.vouchers:
            self.vouchers[code] = Voucher.insert(
                code=code,
                kind="amount",
                value=amount,
                max_uses=None,
                created_at=self.now,
                note=_("created by an import of sales"),
            ).execute()
            audit(self.actor, "voucher.import", "voucher", self.vouchers[code], None, {"code": code})
        return self.vouchers[code]


def _to_second(moment: dt.datetime) -> dt.datetime:
    """A workbook keeps times to the millisecond at best, an import to the second."""
    return moment.replace(microsecond=0) + dt.timedelta(seconds=1 if moment.microsecond >= 500_000 else 0)
