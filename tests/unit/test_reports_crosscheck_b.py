"""Cross-check: conversion, points, buyers, discounts and surveys computed by their SQL
equal a naive Python reference that walks every row, on a generated shop of a few
thousand receipts (the demo of two stores, extra till sales with line discounts,
fractional quantities and line returns, and an imported line-level file).

The references below follow the definitions in the reports' docstrings, row by row;
they share no code with the reports but ``rfm.segment_of`` (the RFM engineer's own
per-customer path) for the segment split of the surveys.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from shoptui import clock
from shoptui import db as dbmod
from shoptui.demo import make_demo
from shoptui.io.importer import import_file
from shoptui.models import (
    Customer,
    PointsEntry,
    Product,
    Receipt,
    ReceiptLine,
    Store,
    SurveyAnswer,
    SurveyQuestion,
    VisitCount,
)
from shoptui.reports.buyers import buyers
from shoptui.reports.conversion import conversion
from shoptui.reports.discounts import discounts
from shoptui.reports.points import points
from shoptui.reports.query import ReportQuery
from shoptui.reports.rfm import segment_of
from shoptui.reports.surveys import surveys
from shoptui.services import checkout, sale_return, settings
from shoptui.services import points as points_service
from shoptui.services.context import Actor
from shoptui.services.sale_quote import LineInput, SaleInput
from shoptui.services.stores import add_store, ensure_main_store
from tests.actors import SYSTEM

TODAY = dt.date(2025, 3, 31)
DAYS = 60
FIRST_DAY = TODAY - dt.timedelta(days=DAYS - 1)
EXPIRY_DAYS = 45

QUERIES = {
    "everything": dict(as_of=TODAY),
    "as_of_mid_march": dict(as_of=dt.date(2025, 3, 15)),
    "a_period": dict(as_of=TODAY, date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 20)),
    "second_store": dict(as_of=TODAY, stores=["B2"]),
    "last_days": dict(as_of=dt.date(2025, 3, 30), date_from=dt.date(2025, 3, 27)),
}


# -- the shop ------------------------------------------------------------------------------------


def _extra_till_sales(rng: random.Random) -> None:
    """Sales the demo does not make: line discounts, fractional quantities, a product the
    catalogue lacks, both stores, and returns of some of them by line, amount or whole."""
    stores = list(Store.select().order_by(Store.id))
    products = list(Product.select().order_by(Product.id))
    customer_ids = [
        c for (c,) in Customer.select(Customer.id).where(Customer.status != "archived").order_by(Customer.id).tuples()
    ]
    made = []
    for number in range(300):
        at = dt.datetime.combine(
            FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)), dt.time(rng.randrange(7, 21), rng.randrange(60))
        )
        lines = []
        for product in rng.sample(products, rng.randint(1, 3)):
            qty = Decimal(rng.choice(("1", "2", "0.5", "1.25", "3")))
            gross = int((qty * product.price).to_integral_value(rounding=ROUND_HALF_UP))
            discount = rng.choice((0, 0, min(500, gross), gross // 10))
            lines.append(LineInput(qty=qty, sku=product.sku, line_discount=discount))
        if rng.random() < 0.1:
            lines.append(LineInput(qty=Decimal("0.75"), sku="LOOSE-TEA", name="Loose tea", unit_price=12_000))
        sale = SaleInput(
            customer=rng.choice(customer_ids) if rng.random() < 0.7 else None,
            lines=lines,
            at=at,
            extra_discount=rng.choice((0, 0, 0, 1_000)),
            number=f"X{number:04d}",
        )
        made.append(checkout.record_sale(sale, Actor(store=rng.choice(stores), system="cli:tester")).receipt)
    for receipt in rng.sample(made, 60):
        when = receipt.at + dt.timedelta(days=rng.randint(0, 4), hours=1)
        roll = rng.random()
        if roll < 0.5:
            line = rng.choice(list(receipt.lines))
            qty = min(Decimal(str(line.qty)), Decimal(rng.choice(("0.5", "1"))))
            sale_return.record_return(receipt, lines=[(line.id, qty)], at=when, actor=SYSTEM)
        elif roll < 0.8 and receipt.total > 2_000:
            sale_return.record_return(receipt, amount=receipt.total // 3, at=when, actor=SYSTEM)
        else:
            sale_return.record_return(receipt, at=when, actor=SYSTEM)


def _imported_file(path, rng: random.Random) -> None:
    """Line-level receipts from another program: line discounts in the file and returns
    whose lines point to no sale line."""
    codes = [c for (c,) in Customer.select(Customer.code).order_by(Customer.id).limit(200).tuples()]
    products = list(Product.select().order_by(Product.id))
    rows = [
        [
            "receipt_no",
            "datetime",
            "kind",
            "return_of",
            "customer",
            "store",
            "sku",
            "product",
            "qty",
            "price",
            "line_discount",
        ]
    ]
    for number in range(150):
        at = dt.datetime.combine(
            FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)), dt.time(rng.randrange(8, 20), rng.randrange(60))
        )
        customer = rng.choice(codes) if rng.random() < 0.6 else ""
        store = rng.choice(("MAIN", "B2"))
        picked = rng.sample(products, rng.randint(1, 2))
        for product in picked:
            rows.append(
                [
                    f"I{number:04d}",
                    at.isoformat(sep=" "),
                    "sale",
                    "",
                    customer,
                    store,
                    product.sku,
                    product.name,
                    rng.choice(("1", "2")),
                    product.price,
                    rng.choice(("0", "0", "1000")),
                ]
            )
        if number % 10 == 0:  # the first line comes back the next day
            product = picked[0]
            back = (at + dt.timedelta(days=1)).isoformat(sep=" ")
            rows.append(
                [
                    f"IR{number:04d}",
                    back,
                    "return",
                    f"I{number:04d}",
                    customer,
                    store,
                    product.sku,
                    product.name,
                    "1",
                    product.price,
                    "0",
                ]
            )
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """One generated shop for the whole module (building it takes most of the time)."""
    database = dbmod.open_database(str(tmp_path_factory.mktemp("crosscheck") / "shop.sqlite"))
    settings.ensure_defaults()
    ensure_main_store()
    add_store("B2", "Second store")
    make_demo(customers=700, days=DAYS, seed=11, today=TODAY)
    rng = random.Random(5)
    _extra_till_sales(rng)
    path = tmp_path_factory.mktemp("import") / "sales.csv"
    _imported_file(path, rng)
    report = import_file("sales", path, actor=SYSTEM)
    assert report.counts["rejected"] == 0, report.messages
    settings.set_value("points_expiry_days", str(EXPIRY_DAYS), SYSTEM)
    points_service.expire_points(dt.date(2025, 3, 20), at=dt.datetime(2025, 3, 20, 6, 0))
    data = _snapshot()
    assert len(data["receipts"]) > 2_500
    yield data
    settings.clear_cache()
    database.close()


def _snapshot() -> dict:
    """Every row the references read, fetched plainly (no aggregate)."""
    stores = {sid: code for sid, code in Store.select(Store.id, Store.code).tuples()}
    customers = {
        row["id"]: row
        for row in Customer.select(
            Customer.id,
            Customer.code,
            Customer.name,
            Customer.store,
            Customer.phone,
            Customer.phone_typed,
        ).dicts()
    }
    receipts = [
        dict(
            id=r.id,
            store=stores[r.store_id],
            number=r.number,
            kind=r.kind,
            at=r.at,
            customer=r.customer_id,
            subtotal=r.subtotal,
            discount=r.discount,
            total=r.total,
        )
        for r in Receipt.select()
    ]
    lines = [
        dict(
            receipt=line.receipt_id,
            product=line.product_id,
            sku=line.sku,
            name=line.name,
            qty=Decimal(str(line.qty)),
            unit_price=line.unit_price,
            line_discount=line.line_discount,
            amount=line.amount,
            return_of_line=line.return_of_line_id,
        )
        for line in ReceiptLine.select()
    ]
    return {
        "stores": stores,
        "customers": customers,
        "receipts": receipts,
        "by_id": {r["id"]: r for r in receipts},
        "lines": lines,
        "visits": [(stores[v.store_id], v.hour, v.source, v.visitors_in) for v in VisitCount.select()],
        "points": [(e.customer_id, e.at, e.kind, e.points) for e in PointsEntry.select()],
        "answers": [(a.id, a.question_id, a.customer_id, a.answer, a.at) for a in SurveyAnswer.select()],
        "questions": list(SurveyQuestion.select().order_by(SurveyQuestion.position, SurveyQuestion.id)),
        "products": {p.id: p for p in Product.select()},
    }


# -- shared reference helpers ----------------------------------------------------------------------


def window(q: ReportQuery) -> tuple[dt.datetime | None, dt.datetime]:
    last = q.as_of if q.date_to is None else min(q.as_of, q.date_to)
    start = clock.start_of_day(q.date_from) if q.date_from else None
    return start, clock.end_of_day(last)


def in_window(at: dt.datetime, q: ReportQuery) -> bool:
    start, end = window(q)
    return at < end and (start is None or at >= start)


def in_scope(receipt: dict, q: ReportQuery) -> bool:
    return in_window(receipt["at"], q) and (not q.stores or receipt["store"] in q.stores)


def customer_in_stores(data: dict, customer_id: int, q: ReportQuery) -> bool:
    return not q.stores or data["stores"][data["customers"][customer_id]["store"]] in q.stores


def sign(receipt: dict) -> int:
    return 1 if receipt["kind"] == "sale" else -1


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole > 0 else 0.0


@pytest.fixture(params=sorted(QUERIES))
def query(request) -> ReportQuery:
    return ReportQuery(**QUERIES[request.param])


# -- conversion ------------------------------------------------------------------------------------


def reference_conversion(data: dict, q: ReportQuery, hourly: bool) -> list[dict]:
    start, end = window(q)
    hours: dict[tuple, dict] = defaultdict(lambda: {"import": None, "counter": 0})
    for store, hour, source, visitors in data["visits"]:
        if hour >= end or (start is not None and hour < start) or (q.stores and store not in q.stores):
            continue
        slot = hours[(store, hour)]
        if source == "import":
            slot["import"] = visitors
        else:
            slot["counter"] += visitors
    rows: dict[tuple, dict] = defaultdict(lambda: {"visitors": 0, "receipts": 0, "identified": 0, "revenue": 0})
    for (store, hour), slot in hours.items():
        key = (store, hour.date(), hour.hour if hourly else None)
        rows[key]["visitors"] += slot["import"] if slot["import"] is not None else slot["counter"]
    for r in data["receipts"]:
        if not in_scope(r, q):
            continue
        row = rows[(r["store"], r["at"].date(), r["at"].hour if hourly else None)]
        row["revenue"] += sign(r) * r["total"]
        if r["kind"] == "sale":
            row["receipts"] += 1
            row["identified"] += r["customer"] is not None
    return [
        {
            "store": store,
            "date": day,
            "hour": hour,
            "visitors": row["visitors"],
            "receipts": row["receipts"],
            "identified_receipts": row["identified"],
            "revenue": row["revenue"],
            "conversion": round(row["receipts"] / row["visitors"], 4) if row["visitors"] > 0 else None,
        }
        for (store, day, hour), row in sorted(rows.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0))
    ]


@pytest.mark.parametrize("by", ["day", "hour"])
def test_conversion(shop, query, by):
    query.options = {"by": by}
    got = conversion(query)["rows"]
    assert got == reference_conversion(shop, query, by == "hour")
    assert got, "the generated shop has receipts and visitors in every query"


# -- points ------------------------------------------------------------------------------------------


def reference_points(data: dict, q: ReportQuery) -> dict:
    as_of_end = clock.end_of_day(q.as_of)
    cutoff = clock.start_of_day(q.as_of + dt.timedelta(days=30 - EXPIRY_DAYS))
    balance, credits, debits = defaultdict(int), defaultdict(int), defaultdict(int)
    period = defaultdict(int)
    for customer, at, kind, amount in data["points"]:
        if not customer_in_stores(data, customer, q):
            continue
        if at < as_of_end:
            balance[customer] += amount
            if amount > 0 and at < cutoff:
                credits[customer] += amount
            if amount < 0:
                debits[customer] -= amount
        if in_window(at, q):
            period[kind] += amount
    holders = [c for c, b in balance.items() if b > 0]
    due = {c: min(credits[c] - debits[c], balance[c]) for c in holders if credits[c] - debits[c] > 0}
    value = settings.get_money("points_value")
    return {
        "outstanding_points": sum(balance[c] for c in holders),
        "liability": sum(balance[c] for c in holders) * value,
        "customers_with_points": len(holders),
        "period": {
            "earned": period["earn"],
            "redeemed": -period["redeem"],
            "reversed": -period["reverse"],
            "restored": period["restore"],
            "expired": -period["expire"],
            "adjusted": period["adjust"],
            "opening": period["opening"],
            "moved": period["move"],
            "net": sum(period.values()),
        },
        "expiring": {"points": sum(due.values()), "value": sum(due.values()) * value, "customers": len(due)},
    }


def test_points(shop, query):
    got = points(query)
    expected = reference_points(shop, query)
    assert {key: got[key] for key in ("outstanding_points", "liability", "customers_with_points", "period")} == {
        key: expected[key] for key in ("outstanding_points", "liability", "customers_with_points", "period")
    }
    assert {key: got["expiring"][key] for key in ("points", "value", "customers")} == expected["expiring"]
    assert got["outstanding_points"] > 0 and got["period"]["earned"] > 0


# -- buyers ------------------------------------------------------------------------------------------


def reference_buyers(data: dict, q: ReportQuery, sku: str) -> list[tuple]:
    product = next((p for p in data["products"].values() if p.sku == sku), None)
    per: dict = defaultdict(lambda: {"milli": 0, "amount": 0, "sales": set(), "last": None})
    for line in data["lines"]:
        receipt = data["by_id"][line["receipt"]]
        mine = (
            (line["product"] == product.id or (line["product"] is None and line["sku"] == sku))
            if product
            else (line["product"] is None and line["sku"] == sku)
        )
        if not mine or not in_scope(receipt, q):
            continue
        row = per[receipt["customer"]]
        row["milli"] += sign(receipt) * int(line["qty"] * 1000)
        row["amount"] += sign(receipt) * line["amount"]
        if receipt["kind"] == "sale":
            row["sales"].add(receipt["id"])
            row["last"] = max(row["last"] or receipt["at"], receipt["at"])
    bought = {c: row for c, row in per.items() if row["sales"]}
    code = {c: data["customers"][c]["code"] for c in bought if c is not None}
    order = sorted((c for c in bought if c is not None), key=lambda c: (-bought[c]["amount"], code[c]))
    if None in bought:
        order.append(None)
    return [
        (
            code.get(c),
            Decimal(bought[c]["milli"]) / 1000,
            bought[c]["amount"],
            len(bought[c]["sales"]),
            bought[c]["last"],
        )
        for c in order
    ]


@pytest.mark.parametrize("sku", ["GAO-ST25-5", "SUA-BOT", "LOOSE-TEA"])
def test_buyers(shop, query, sku):
    query.options = {"product": sku}
    got = [(r["code"], r["qty"], r["amount"], r["receipts"], r["last_purchase"]) for r in buyers(query)["rows"]]
    assert got == reference_buyers(shop, query, sku)


# -- discounts -----------------------------------------------------------------------------------


def line_discount(line: dict, receipt: dict) -> int:
    if receipt["kind"] == "return" and line["return_of_line"] is not None:
        gross = int((line["qty"] * line["unit_price"]).to_integral_value(rounding=ROUND_HALF_UP))
        return gross - line["amount"]
    return line["line_discount"]


def reference_discounts(data: dict, q: ReportQuery) -> dict:
    scope = [r for r in data["receipts"] if in_scope(r, q)]
    list_price = sum(sign(r) * r["subtotal"] for r in scope)
    discount = sum(sign(r) * r["discount"] for r in scope)
    products: dict = defaultdict(lambda: {"milli": 0, "discount": 0, "amount": 0, "names": set()})
    line_total = 0
    for line in data["lines"]:
        receipt = data["by_id"][line["receipt"]]
        if not in_scope(receipt, q):
            continue
        given = sign(receipt) * line_discount(line, receipt)
        line_total += given
        row = products[line["sku"] or line["name"]]
        row["milli"] += sign(receipt) * int(line["qty"] * 1000)
        row["discount"] += given
        row["amount"] += sign(receipt) * line["amount"]
    per_customer: dict = defaultdict(lambda: {"receipts": 0, "list_price": 0, "discount": 0, "total": 0})
    for r in scope:
        row = per_customer[r["customer"]]
        row["receipts"] += r["kind"] == "sale"
        row["list_price"] += sign(r) * r["subtotal"]
        row["discount"] += sign(r) * r["discount"]
        row["total"] += sign(r) * r["total"]
    codes = {c: (data["customers"][c]["code"] if c is not None else None) for c in per_customer}
    customers = sorted(
        (c for c, row in per_customer.items() if row["discount"] != 0),
        key=lambda c: (-per_customer[c]["discount"], c is None, c or 0),
    )
    receipts = sorted((r for r in scope if r["discount"] != 0), key=lambda r: (-r["discount"], r["at"], r["id"]))
    return {
        "list_price": list_price,
        "discount": discount,
        "line_discounts": line_total,
        "receipt_discounts": discount - line_total,
        "total": sum(sign(r) * r["total"] for r in scope),
        "share": share(discount, list_price),
        "receipts": sum(r["kind"] == "sale" for r in scope),
        "receipts_with_discount": sum(r["kind"] == "sale" and r["discount"] != 0 for r in scope),
        "customers_with_discount": sum(1 for c in customers if c is not None),
        "by_product": {
            key: (
                Decimal(row["milli"]) / 1000,
                row["amount"] + row["discount"],
                row["discount"],
                row["amount"],
                share(row["discount"], row["amount"] + row["discount"]),
            )
            for key, row in sorted(products.items(), key=lambda item: (-item[1]["discount"], item[0]))
        },
        "by_receipt": [
            (
                f"{r['store']}/{r['number']}",
                sign(r) * r["subtotal"],
                sign(r) * r["discount"],
                sign(r) * r["total"],
                share(r["discount"], r["subtotal"]),
            )
            for r in receipts[:100]
        ],
        "by_customer": [
            (
                codes[c] or "anonymous",
                per_customer[c]["receipts"],
                per_customer[c]["list_price"],
                per_customer[c]["discount"],
                per_customer[c]["total"],
                share(per_customer[c]["discount"], per_customer[c]["list_price"]),
            )
            for c in customers[:100]
        ],
    }


def test_discounts(shop, query):
    got = discounts(query)
    expected = reference_discounts(shop, query)
    for key in (
        "list_price",
        "discount",
        "line_discounts",
        "receipt_discounts",
        "total",
        "share",
        "receipts",
        "receipts_with_discount",
        "customers_with_discount",
    ):
        assert got[key] == expected[key], key
    assert {
        key: (v["qty"], v["list_price"], v["line_discount"], v["amount"], v["share"])
        for key, v in got["by_product"].items()
    } == expected["by_product"]
    assert [
        (key, v["subtotal"], v["discount"], v["total"], v["share"]) for key, v in got["by_receipt"].items()
    ] == expected["by_receipt"]
    assert [
        (key, v["receipts"], v["list_price"], v["discount"], v["total"], v["share"])
        for key, v in got["by_customer"].items()
    ] == expected["by_customer"]
    assert got["line_discounts"] != 0 and got["by_receipt"]


# -- surveys -------------------------------------------------------------------------------------


def reference_surveys(data: dict, q: ReportQuery) -> list[tuple]:
    from shoptui.reports.rfm import SEGMENTS

    latest: dict[tuple, tuple] = {}
    for answer_id, question, customer, text, at in data["answers"]:
        if not in_window(at, q) or not customer_in_stores(data, customer, q):
            continue
        key = (question, customer)
        if key not in latest or (at, answer_id) > latest[key][:2]:
            latest[key] = (at, answer_id, text)
    visits = defaultdict(int)
    for r in data["receipts"]:
        if in_scope(r, q) and r["kind"] == "sale" and r["customer"] is not None:
            visits[r["customer"]] += 1
    segments = {}
    for _question, customer in latest:
        if customer not in segments:
            scored = segment_of(customer, q)
            segments[customer] = scored.segment if scored else None

    def visit_group(customer):
        n = visits.get(customer, 0)
        return "3+" if n >= 3 else str(n) if n else "0"

    counts, totals = defaultdict(int), defaultdict(int)
    texts: dict = defaultdict(lambda: [0, None])
    for (question, customer), (at, _id, text) in latest.items():
        groups = [("all", "all"), ("visits", visit_group(customer))]
        if segments[customer] is not None:
            groups.append(("rfm", segments[customer]))
        for split, group in groups:
            totals[(question, split, group)] += 1
            counts[(question, split, group, text)] += 1
        entry = texts[(question, text)]
        entry[0] += 1
        entry[1] = max(entry[1] or at, at)
    answered = {question for question, _customer in latest}
    rows = []
    for question in data["questions"]:
        if not (question.active or question.id in answered):
            continue
        if question.kind == "text":
            mine = sorted(
                ((text, n, last) for (qid, text), (n, last) in texts.items() if qid == question.id),
                key=lambda item: (-item[2].timestamp(), item[0]),
            )[:20]
            of = totals[(question.id, "all", "all")]
            rows += [(question.id, "all", "all", text, n, of, share(n, of)) for text, n, _last in mine]
            continue
        choices = [c.strip() for c in question.choices.splitlines() if c.strip()]
        others = sorted({key[3] for key in counts if key[0] == question.id and key[3] not in choices})
        for split, group in (
            [("all", "all")] + [("visits", g) for g in ("1", "2", "3+", "0")] + [("rfm", s) for s in SEGMENTS]
        ):
            of = totals[(question.id, split, group)]
            if of == 0 and split != "all":
                continue
            for text in choices + others:
                n = counts[(question.id, split, group, text)]
                rows.append((question.id, split, group, text, n, of, share(n, of)))
    return rows


def test_surveys(shop, query):
    got = [
        (r["question_id"], r["split"], r["group"], r["answer"], r["answers"], r["group_answers"], r["share"])
        for r in surveys(query)["rows"]
    ]
    assert got == reference_surveys(shop, query)
    assert any(row[1] == "rfm" and row[4] for row in got) or query.stores
