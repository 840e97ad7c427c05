"""Cash rounding (issue 12): only the cash part of a sale or a cash refund is rounded to the
shop's step; the total (revenue) stays exact and a ``rounding`` row keeps every receipt
adding up. VND with steps of 500 and 1,000, CHF with 0.05, EUR without."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shoptui import check
from shoptui.errors import RuleViolation, ValidationError
from shoptui.models import Payment, Receipt
from shoptui.money import MAX_MINOR
from shoptui.reports import portrait
from shoptui.reports.query import ReportQuery
from shoptui.services import cash_rounding, checkout, customers, points, sale_quote, sale_return, settings
from shoptui.services.sale_quote import LineInput, SaleInput
from tests.actors import SYSTEM

NOW = dt.datetime(2024, 6, 15, 10, 0)


def use(step: int, currency: str = "VND") -> None:
    if currency != "VND":
        settings.set_value("currency", currency)
    settings.set_value("cash_rounding", str(step))


def sell(**values):
    values.setdefault("at", NOW)
    return checkout.record_sale(SaleInput(**values), actor=SYSTEM).receipt


def give_back(sale, amount=None, **kwargs):
    kwargs.setdefault("at", NOW)
    return sale_return.record_return(sale, amount, **kwargs)


def paid(receipt) -> dict[str, int]:
    return {p.method: p.amount for p in Payment.select().where(Payment.receipt == receipt)}


def assert_clean() -> None:
    for receipt in Receipt.select():
        assert sum(paid(receipt).values()) == receipt.total, receipt.number
    assert check.run_checks() == []


@pytest.fixture
def an(database):
    return customers.register({"name": "An"}).customer


def test_round_cash_is_half_up_to_the_step():
    assert [cash_rounding.round_cash(a, 500) for a in (0, 249, 250, 12_345, 12_749, 12_750)] == [
        0,
        0,
        500,
        12_500,
        12_500,
        13_000,
    ]
    assert [cash_rounding.round_cash(a, 5) for a in (1232, 1233, 1235, 1237, 1238)] == [1230, 1235, 1235, 1235, 1240]
    assert cash_rounding.round_cash(12_345, 0) == 12_345


def test_no_rounding_by_default_for_every_currency(database):
    assert settings.get("cash_rounding") == "0"
    receipt = sell(amount=12_345)
    assert paid(receipt) == {"cash": 12_345}
    settings.clear_cache()


def test_eur_without_rounding_stays_exact(database):
    use(0, "EUR")
    receipt = sell(amount=1_233)
    assert paid(receipt) == {"cash": 1_233}
    assert_clean()


@pytest.mark.parametrize(
    ("step", "amount", "cash", "rounding"),
    [
        (500, 12_345, 12_500, -155),
        (500, 12_200, 12_000, 200),
        (500, 12_250, 12_500, -250),
        (1000, 12_345, 12_000, 345),
        (1000, 12_500, 13_000, -500),
    ],
)
def test_vnd_cash_is_rounded_and_the_total_stays_exact(database, step, amount, cash, rounding):
    use(step)
    receipt = sell(amount=amount)
    assert receipt.total == amount
    assert paid(receipt) == {"cash": cash, "rounding": rounding}
    assert_clean()


def test_chf_rounds_cash_to_five_centimes(database):
    use(5, "CHF")
    receipt = sell(amount=1_233)  # 12.33 → 12.35
    assert paid(receipt) == {"cash": 1_235, "rounding": -2}
    receipt = sell(amount=1_232)  # 12.32 → 12.30
    assert paid(receipt) == {"cash": 1_230, "rounding": 2}
    assert_clean()


def test_a_mixed_sale_rounds_only_the_cash(an):
    use(500)
    points.adjust_points(an, 20, "welcome", actor=SYSTEM)
    receipt = sell(customer=an, amount=100_123, points=10, card=30_001, credit=20_000)
    assert paid(receipt) == {"points": 10_000, "card": 30_001, "credit": 20_000, "cash": 40_000, "rounding": 122}
    assert receipt.total == 100_123
    assert_clean()


def test_card_only_and_credit_only_are_never_rounded(an):
    use(1000)
    assert paid(sell(customer=an, amount=12_345, card=12_345)) == {"card": 12_345}
    assert paid(sell(customer=an, amount=12_345, credit=12_345)) == {"credit": 12_345}
    assert_clean()


def test_cash_typed_exact_or_rounded_is_the_rounded_cash(database):
    use(500)
    assert paid(sell(amount=12_345, cash=12_345)) == {"cash": 12_500, "rounding": -155}
    assert paid(sell(amount=12_345, cash=12_500)) == {"cash": 12_500, "rounding": -155}
    with pytest.raises(RuleViolation, match="Not enough cash: type ₫12,500"):
        sell(amount=12_345, cash=12_000)
    assert_clean()


def test_a_cash_part_rounded_to_nothing_keeps_a_zero_cash_row(database):
    use(500)
    receipt = sell(amount=10_200, card=10_000)
    assert paid(receipt) == {"card": 10_000, "cash": 0, "rounding": 200}
    assert_clean()


def test_revenue_is_unchanged_by_rounding(database):
    use(1000)
    sell(amount=12_345)
    sell(amount=10_600)
    report = portrait.portrait(ReportQuery(as_of=NOW.date()))
    assert int(report["revenue"]) == 22_945


def test_a_whole_cash_refund_gives_back_exactly_the_cash_taken(an):
    use(500)
    sale = sell(customer=an, amount=12_345)
    result = give_back(sale)
    assert (result.refunded, result.rounding) == (12_500, -155)
    assert paid(result.receipt) == {"cash": 12_500, "rounding": -155}
    assert_clean()


def test_partial_cash_refunds_add_up_to_the_cash_taken(an):
    use(500)
    sale = sell(customer=an, amount=12_249)  # cash 12,000, rounding +249
    first = give_back(sale, 6_250)
    second = give_back(sale, 5_999)
    assert paid(first.receipt) == {"cash": 6_500, "rounding": -250}
    assert first.refunded + second.refunded == 12_000
    assert paid(second.receipt)["cash"] + paid(second.receipt)["rounding"] == 5_999
    assert_clean()


def test_a_card_refund_is_exact(an):
    use(1000)
    sale = sell(customer=an, amount=12_345)
    result = give_back(sale, 5_432, refund_method="card")
    assert paid(result.receipt) == {"card": 5_432}
    assert_clean()


def test_a_refund_after_points_and_credit_rounds_only_the_cash(an):
    use(1000)
    points.adjust_points(an, 50, "welcome", actor=SYSTEM)
    sale = sell(customer=an, amount=392_500, points=100 // 10 * 5, credit=100_000)
    result = give_back(sale, 185_000)
    back = paid(result.receipt)
    assert back["cash"] % 1000 == 0
    assert sum(back.values()) == 185_000
    assert abs(back.get("rounding", 0)) < 1000
    assert_clean()


def test_partial_returns_by_lines_round_the_cash(an):
    use(500)
    sale = sell(customer=an, lines=[LineInput(qty=Decimal(3), unit_price=4_115, name="Bánh")])  # 12,345
    line = sale.lines[0]
    for _ in range(3):
        result = give_back(sale, lines=[(line.id, Decimal(1))])
        assert result.refunded % 500 == 0
    cash_back = sum(paid(r)["cash"] for r in Receipt.select().where(Receipt.return_of == sale))
    assert cash_back == paid(sale)["cash"] == 12_500
    assert_clean()


def test_the_refund_split_shows_the_rounded_cash(an):
    from shoptui.services import till

    use(1000)
    sale = sell(customer=an, amount=12_345)
    split = till.refund_split(sale.id, 5_432, "", "cash")
    assert (split.refunded, split.rounding) == (5_000, 432)


def test_the_quote_carries_the_step(database):
    use(500)
    q = sale_quote.quote(SaleInput(amount=12_345))
    assert q.cash(12_345) == (12_500, -155)


@pytest.mark.parametrize(
    "value", ["-5", "abc", str(MAX_MINOR + 1), "0.5", "500000", "900000000000", "3", "7", "250", "20000", ""]
)
def test_the_setting_refuses_what_is_not_a_step(database, value):
    with pytest.raises(ValidationError):
        settings.set_value("cash_rounding", value)


@pytest.mark.parametrize("value", ["0", "1", "2", "5", "10", "50", "100", "200", "500", "1000", "5000", "10000"])
def test_the_setting_takes_the_steps_shops_use(database, value):
    assert settings.set_value("cash_rounding", value) == value


def test_a_refused_step_is_one_readable_sentence(database):
    with pytest.raises(ValidationError) as typo:
        settings.set_value("cash_rounding", "500000")
    assert str(typo.value).startswith("500000 is not a cash rounding step") and "500" in str(typo.value)
    for empty in ("", "  "):
        with pytest.raises(ValidationError) as blank:
            settings.set_value("cash_rounding", empty)
        assert str(blank.value)[:1].isalpha(), str(blank.value)


def test_check_names_a_rounding_row_without_cash_or_too_big(database, db_path):
    use(500)
    receipt = sell(amount=12_345, card=12_345)
    sell(amount=12_345)
    assert check.run_checks() == []
    # A rounding row on a card-only receipt, added in SQL: the receipt no longer adds up either.
    Payment.insert(receipt=receipt, method="rounding", amount=0).execute()
    Payment.update(amount=-100).where((Payment.receipt == receipt) & (Payment.method == "rounding")).execute()
    Payment.update(amount=12_445).where((Payment.receipt == receipt) & (Payment.method == "card")).execute()
    problems = check.run_checks()
    assert [p.kind for p in problems] == ["cash_rounding"]
    assert "no cash" in problems[0].message


def test_check_names_a_rounding_over_half_the_largest_step(database):
    use(1000)
    use(500)  # lowered: receipts rounded under the old step stay right
    receipt = sell(amount=12_345)
    Payment.update(amount=-655).where((Payment.receipt == receipt) & (Payment.method == "rounding")).execute()
    Payment.update(amount=13_000).where((Payment.receipt == receipt) & (Payment.method == "cash")).execute()
    problems = check.run_checks()
    assert [p.kind for p in problems] == ["cash_rounding"]
    assert "more than" in problems[0].message


def test_check_refuses_rounding_when_no_step_was_ever_set(database):
    receipt = sell(amount=12_345)
    Payment.update(amount=12_000).where(Payment.receipt == receipt).execute()
    Payment.insert(receipt=receipt, method="rounding", amount=345).execute()
    assert [p.kind for p in check.run_checks()] == ["cash_rounding"]


def test_day_close_counts_the_rounded_cash_and_the_rounding_apart(database, tmp_path):
    import csv

    from shoptui.services import day_close

    use(500)
    an = customers.register({"name": "An"}).customer
    sale = sell(customer=an, amount=12_345)  # cash 12,500, rounding -155
    sell(amount=20_200, card=10_000)  # cash 10,000, rounding +200
    give_back(sale, 5_432)  # cash 5,500, rounding -68
    report = day_close.day_close(NOW.date())
    by_method = dict(report.by_method)
    assert by_method == {"card": 10_000, "cash": 12_500 + 10_000 - 5_500, "rounding": -155 + 200 + 68}
    assert report.sales_total - report.returns_total == 12_345 + 20_200 - 5_432  # revenue: exact
    figures = {(f.section, f.what): f for f in day_close.figures(report)}
    assert figures["payments", "rounding"].label == "cash rounding"
    assert figures["drawer", "expected_cash"].amount == 17_000
    rows = list(csv.reader(day_close.write_csv(report, tmp_path / "close.csv").open(encoding="utf-8")))
    assert ["payments", "rounding", "", "113"] in rows and ["drawer", "expected_cash", "", "17000"] in rows
    # A day without rounding has no drawer line (its cash line is the drawer's).
    settings.set_value("cash_rounding", "0")
    sell(amount=1_000, at=NOW + dt.timedelta(days=1))
    later = day_close.figures(day_close.day_close(NOW.date() + dt.timedelta(days=1)))
    assert not [f for f in later if f.section == "drawer"]


def test_the_month_journal_shows_the_rounding_and_reads_it_back(database, tmp_path, db_path):
    from openpyxl import load_workbook

    from shoptui import db as dbmod
    from shoptui.io.importer import import_sheet
    from shoptui.io.month_export import Month, export_month
    from shoptui.io.readers import open_sheet
    from shoptui.services import stores

    use(500)
    an = customers.register({"name": "An", "code": "KH1"}).customer
    sale = sell(customer=an, amount=12_345, card=2_000)  # cash 10,500, rounding −155
    give_back(sale, 5_432)  # cash 5,500, rounding −68
    sell(amount=10_200, card=10_000)  # cash 0, rounding +200
    june = Month(NOW.date().replace(day=1))
    path = tmp_path / "june.xlsx"
    export_month(june, path, actor=SYSTEM)
    sheet = load_workbook(path)["Receipts"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert "Cash rounding" in header
    rounding = {row[0]: row[header.index("Cash rounding")] for row in rows[1:]}
    assert sorted(rounding.values(), key=str) == sorted([-155, -68, 200], key=str)

    again = import_sheet("sales", open_sheet(path, sheet="Receipts"), dry_run=True, actor=SYSTEM)
    assert again.counts == {"imported": 0, "updated": 0, "unchanged": 3, "rejected": 0}, again.messages[:5]

    dbmod.open_database(str(tmp_path / "other.sqlite"))
    try:
        settings.ensure_defaults()
        stores.ensure_main_store()
        # An empty database (no step set) imports the workbook: each receipt brings its own
        # step, and keeps every figure as it was, adding up, with check clean.
        report = import_sheet("sales", open_sheet(path, sheet="Receipts"), create_customers=True)
        assert report.counts["imported"] == 3, report.messages[:5]
        assert sorted(p.amount for p in Payment.select().where(Payment.method == "rounding")) == [-155, -68, 200]
        assert sorted(p.amount for p in Payment.select().where(Payment.method == "cash")) == [0, 5_500, 10_500]
        assert Receipt.get(Receipt.total == 12_345).cash_step == 500
        assert_clean()
    finally:
        settings.clear_cache()
        dbmod.open_database(str(db_path))


def test_the_same_rounding_and_check_on_postgresql(pg_database):
    use(500)
    an = customers.register({"name": "An"}).customer
    sale = sell(customer=an, amount=12_249)
    give_back(sale, 6_250)
    give_back(sale)
    back = Payment.select().join(Receipt).where((Payment.method == "cash") & (Receipt.kind == "return"))
    assert sum(p.amount for p in back) == paid(sale)["cash"] == 12_000
    assert_clean()
    card_only = sell(amount=1_000, card=1_000)
    Payment.insert(receipt=card_only, method="rounding", amount=100).execute()
    Payment.update(amount=900).where((Payment.receipt == card_only) & (Payment.method == "card")).execute()
    assert [p.kind for p in check.run_checks()] == ["cash_rounding"]


def test_a_cash_refund_is_rounded_with_the_step_its_sale_was_paid_under(an):
    sale = sell(customer=an, amount=12_345)  # no step: exact cash
    first = give_back(sale, 1_234)
    assert paid(first.receipt) == {"cash": 1_234}
    use(500)  # set after the sale: its returns stay exact
    second = give_back(sale, 1_111)
    assert paid(second.receipt) == {"cash": 1_111}
    assert_clean()


def cash_back(sale) -> int:
    return sum(paid(r)["cash"] for r in Receipt.select().where(Receipt.return_of == sale))


@pytest.mark.parametrize("before, after", [(500, 0), (1000, 500), (500, 1000), (0, 500), (1000, 5)])
@pytest.mark.parametrize("parts", [1, 2, 3])
def test_a_sale_returned_gives_back_its_cash_whatever_the_step_is_now(an, before, after, parts):
    use(before)
    sale = sell(customer=an, amount=12_345)
    taken = paid(sale)["cash"]
    use(after)
    for _index in range(parts - 1):
        give_back(sale, 12_345 // parts)
    give_back(sale)  # the rest
    assert cash_back(sale) == taken
    assert Receipt.get(Receipt.return_of == sale).cash_step == before
    assert_clean()


def test_split_refund_keeps_every_cash_refund_a_multiple_of_the_step():
    for before in range(0, 3_000, 137):
        for exact in range(1, 3_000, 89):
            cash, rounding = cash_rounding.split_refund(exact, cash_rounding.round_cash(before, 500), before, 500)
            assert cash % 500 == 0 and cash >= 0 and abs(rounding) < 500 and cash + rounding == exact
            cash, rounding = cash_rounding.split_refund(exact, before, before, 500)  # paid back to no step
            assert cash % 500 == 0 and cash + rounding == exact


def test_a_step_set_by_another_process_takes_effect_at_once(database, db_path):
    """Two tills share one database: `config set cash_rounding 500` run elsewhere is in
    force at the next quote and sale of a till that has read (and cached) the settings."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    assert cash_rounding.step() == 0 and sale_quote.quote(SaleInput(amount=12_345)).cash(12_345) == (12_345, 0)
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTUI_")}
    done = subprocess.run(
        [sys.executable, "-m", "shoptui", "--db", str(db_path), "config", "set", "cash_rounding", "500"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    q = sale_quote.quote(SaleInput(amount=12_345))
    assert q.cash_step == 500 and q.cash(12_345) == (12_500, -155)
    assert paid(sell(amount=12_345)) == {"cash": 12_500, "rounding": -155}
    assert_clean()


def test_migration_0010_gives_old_receipts_the_step_of_their_rounding_row(an, database):
    import importlib

    migration = importlib.import_module("shoptui.migrations.0010_receipt_cash_step")
    use(500)
    rounded = sell(customer=an, amount=12_345)  # cash 12,500, rounding -155
    exact = sell(customer=an, amount=12_500)  # no rounding row
    use(0)
    back = give_back(rounded, 1_000)
    migration.down(None, database)
    migration.up(None, database)
    steps = {r.id: r.cash_step for r in Receipt.select()}
    assert steps[rounded.id] == 500 and steps[back.receipt.id] == 500 and steps[exact.id] == 0
    give_back(rounded)
    assert cash_back(rounded) == 12_500
    assert_clean()
    assert cash_rounding.infer_step(12_500, -155) == 500 and cash_rounding.infer_step(12_340, 5) == 10
    assert cash_rounding.infer_step(12_345, 0) == 0


FORGED = [  # (kind, total, card, rounding): each a rounding no step and no till can make
    ("sale", 12_250, "", 250),  # half-up never gives +250 at 500: cash 12,000
    ("return", 12_250, "", 499),  # cash 11,751 paid back
    ("sale", 1_000, 900, -200),  # card 900 + cash 300 + rounding -200
    ("sale", 0, "", -200),  # total 0 paid cash 200, rounding -200
    ("return", 1, "", -499),  # a return of 1 paying out 500 cash
]


def test_forged_roundings_are_refused_by_the_import_and_named_by_check(database, tmp_path):
    from shoptui.io.importer import import_file

    header = "receipt_no,datetime,kind,total,paid_card,cash_rounding\n"
    rows = "".join(
        f"F{i},2024-06-15 10:00,{kind},{total},{card},{rounding}\n"
        for i, (kind, total, card, rounding) in enumerate(FORGED)
    )
    (tmp_path / "forged.csv").write_text(header + rows + "OK,2024-06-15 10:00,sale,12345,,-155\n", encoding="utf-8")
    report = import_file("sales", tmp_path / "forged.csv")
    assert report.counts["imported"] == 1 and report.counts["rejected"] == len(FORGED), report.messages
    said = " ".join(str(m) for m in report.messages)
    for row in range(2, 2 + len(FORGED)):
        assert f"row {row}:" in said, said
    assert_clean()
    # The same forgeries written into the database by SQL: check names each.
    use(500)
    for kind, total, card, rounding in FORGED:
        receipt = sell(amount=max(total, 1))
        Receipt.update(kind=kind, total=total).where(Receipt.id == receipt.id).execute()
        Payment.delete().where(Payment.receipt == receipt).execute()
        if card:
            Payment.insert(receipt=receipt, method="card", amount=card).execute()
        Payment.insert(receipt=receipt, method="cash", amount=total - (card or 0) - rounding).execute()
        Payment.insert(receipt=receipt, method="rounding", amount=rounding).execute()
    named = [p for p in check.run_checks() if p.kind == "cash_rounding"]
    assert len(named) == len(FORGED), [p.message for p in named]
