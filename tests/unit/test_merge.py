"""Merging duplicate customers: everything moves to the kept one, ledger entries with their dates,
the duplicate is archived with a pointer, ``check`` stays clean and the audit shows it."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.check import run_checks
from shoptui.errors import PermissionDenied, RuleViolation
from shoptui.models import AuditLog, CardBinding, Customer, DebtEntry, PointsEntry, Receipt, SurveyAnswer, User
from shoptui.services import cards, checkout, customers, debts, points, receipt_owner, sale_return, settings, surveys
from shoptui.services.context import Actor
from shoptui.services.merge import merge_customers
from shoptui.services.sale_quote import SaleInput
from shoptui.services.surveys import QuestionInput
from tests.actors import SYSTEM

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def pair(database):
    settings.set_value("points_earn_per", "1000")
    keep = customers.register({"name": "Nguyễn An", "phone": "0912345678", "groups": ["VIP"]}).customer
    other = customers.register(
        {
            "name": "Nguyen An",
            "phone": "0912345679",
            "email": "an@example.com",
            "groups": ["VIP", "Wholesale"],
            "notes": "second file",
        }
    ).customer
    customers.define_property("eyesight", "Eyesight", "number")
    customers.set_property(other, "eyesight", "-2")
    checkout.record_sale(SaleInput(customer=keep, amount=100_000, at=T0))
    sale = checkout.record_sale(
        SaleInput(customer=other, amount=200_000, credit=50_000, at=T0 + dt.timedelta(days=2))
    ).receipt
    sale_return.record_return(sale, 20_000, at=T0 + dt.timedelta(days=3))
    debts.take_payment(other, 10_000, at=T0 + dt.timedelta(days=4))
    points.adjust_points(other, 5, "welcome", at=T0 + dt.timedelta(days=4))
    cards.issue_card(other, "2000000000015", at=T0)
    cards.replace_card("2000000000015", "2000000000022", at=T0 + dt.timedelta(days=1))
    question = surveys.define_question(QuestionInput(text="Wishes?", kind="text"))
    surveys.record_answer(question, other, "tea")
    assert run_checks() == []
    return Customer.get_by_id(keep.id), Customer.get_by_id(other.id)


def test_merge_moves_everything_and_check_stays_clean(pair):
    keep, other = pair
    points_total = keep.points_balance + other.points_balance
    debt_total = keep.debt_balance + other.debt_balance
    sales_total = keep.total_sales + other.total_sales
    result = merge_customers(keep, other, at=T0 + dt.timedelta(days=10))
    assert run_checks() == []
    kept, merged = Customer.get_by_id(keep.id), Customer.get_by_id(other.id)
    assert (kept.points_balance, kept.debt_balance, kept.total_sales) == (points_total, debt_total, sales_total)
    assert (merged.points_balance, merged.debt_balance, merged.total_sales) == (0, 0, 0)
    assert merged.status == "archived" and merged.merged_into_id == keep.id
    assert kept.last_purchase_at == T0 + dt.timedelta(days=2)
    assert Receipt.select().where(Receipt.customer == other.id).count() == 0
    assert Receipt.select().where(Receipt.customer == keep.id).count() == 3
    assert result.receipts == 2 and result.cards == 2 and result.answers == 1
    assert CardBinding.select().where(CardBinding.customer == keep.id).count() == 2
    assert cards.resolve_scan("2000000000022").customer.id == keep.id
    assert SurveyAnswer.select().where(SurveyAnswer.customer == keep.id).count() == 1
    assert customers.groups_of(kept) == ["VIP", "Wholesale"]
    assert dict((d.code, v) for d, v in customers.properties_of(kept))["eyesight"] == "-2"
    assert kept.email == "an@example.com" and "second file" in kept.notes
    # The entries stay (append-only); the balances moved by a closing 'merge' entry on the
    # duplicate and an opening one on the kept customer, and no entry was rewritten.
    for model, value, moved in (
        (PointsEntry, PointsEntry.points, other.points_balance),
        (DebtEntry, DebtEntry.amount, other.debt_balance),
    ):
        pair = {(e.customer_id, getattr(e, value.name)) for e in model.select().where(model.kind == "merge")}
        assert pair == {(other.id, -moved), (keep.id, moved)}
        assert model.select().where(model.kind == "move").count() == 0
    assert PointsEntry.select().where(PointsEntry.customer == other.id).count() > 1
    actions = {a.action for a in AuditLog.select().where(AuditLog.action.startswith("customer.merge"))}
    assert actions == {"customer.merge", "customer.merge_keep"}


def test_merge_refusals(pair):
    keep, other = pair
    with pytest.raises(RuleViolation):
        merge_customers(keep, keep)
    cashier = Actor(User.create(name="Lan", role="cashier", pin_hash="x", pin_salt="y", created_at=T0))
    with pytest.raises(PermissionDenied):
        merge_customers(keep, other, cashier)
    merge_customers(keep, other, actor=SYSTEM)
    with pytest.raises(RuleViolation):
        merge_customers(keep, other, actor=SYSTEM)
    with pytest.raises(RuleViolation):
        merge_customers(other, keep, actor=SYSTEM)


def test_failed_merge_changes_nothing(pair, monkeypatch):
    keep, other = pair
    import shoptui.services.merge as merge

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge, "add_sales", broken)
    with pytest.raises(RuntimeError):
        merge_customers(keep, other)
    assert Customer.get_by_id(other.id).merged_into_id is None
    assert Receipt.select().where(Receipt.customer == other.id).count() == 2
    assert DebtEntry.select().where(DebtEntry.customer == other.id).count() > 0
    assert run_checks() == []


def test_the_duplicates_debt_keeps_its_age_last_payment_and_the_stricter_limit(database):
    from shoptui.reports import debtors
    from shoptui.reports.query import ReportQuery

    day = dt.datetime(2024, 5, 1, 10, 0)
    keep = customers.register({"name": "Trần Bình", "phone": "0912345678"}).customer
    other = customers.register({"name": "Tran Binh", "phone": "0912345679", "credit_limit": 2_000_000}).customer
    checkout.record_sale(SaleInput(customer=other, amount=300_000, credit=300_000, at=day))
    debts.take_payment(other, 100_000, at=day + dt.timedelta(days=2))
    merge_day = day + dt.timedelta(days=22)
    merge_customers(keep, other, at=merge_day)
    assert run_checks() == []
    kept = Customer.get_by_id(keep.id)
    assert kept.debt_balance == 200_000 and kept.credit_limit == 2_000_000
    assert debts.oldest_unpaid(kept) == day
    assert debts.aging_days(kept, merge_day.date()) == 22
    report = debtors.debtors(ReportQuery(as_of=merge_day.date()))
    row = next(r for r in report["rows"] if r["code"] == kept.code)
    assert row["oldest_days"] == 22 and row["last_payment"] == (day + dt.timedelta(days=2)).date()
    # The running balance of the kept ledger, oldest first, never goes below zero.
    running = 0
    for entry in DebtEntry.select().where(DebtEntry.customer == keep.id).order_by(DebtEntry.at, DebtEntry.id):
        running += entry.amount
        assert running >= 0


@pytest.mark.parametrize(
    ("keep_limit", "other_limit", "kept"),
    [
        (None, 2_000_000, 2_000_000),
        (1_000_000, 2_000_000, 1_000_000),
        (None, None, None),
        (0, None, 0),
    ],
)
def test_the_lower_credit_limit_is_kept(database, keep_limit, other_limit, kept):
    keep = customers.register({"name": "A", "phone": "0912345678", "credit_limit": keep_limit}).customer
    other = customers.register({"name": "B", "phone": "0912345679", "credit_limit": other_limit}).customer
    merge_customers(keep, other)
    assert Customer.get_by_id(keep.id).credit_limit == kept


def test_the_reports_read_the_same_after_a_merge_and_points_expire_as_they_would_have(pair):
    """Issue 16: the merge moves balances by compensating entries, not by rewriting rows (the
    database refuses that now); the points and debtors reports, the duplicate's points
    expiring and a receipt moved on afterwards read as before."""
    from shoptui.reports import debtors
    from shoptui.reports import points as points_report
    from shoptui.reports.query import ReportQuery

    keep, other = pair
    settings.set_value("points_expiry_days", "20")
    query = ReportQuery(as_of=(T0 + dt.timedelta(days=15)).date(), date_from=T0.date())

    def figures():
        p = points_report.points(query)
        d = debtors.debtors(query)["totals"]
        return (
            p["outstanding_points"],
            p["liability"],
            p["period"],
            p["expiring"]["points"],
            d["owed"],
            d["balance"],
            {k: v for k, v in d.items() if k not in ("customers", "owing_customers")},
        )

    before = figures()
    merge_customers(keep, other, at=T0 + dt.timedelta(days=10))
    assert figures() == before
    # The duplicate's points earned on day 2 expire on day 22 with the kept customer's, as they would have.
    expiring = points.expire_points(today=(T0 + dt.timedelta(days=23)).date(), at=T0 + dt.timedelta(days=23))
    kept = Customer.get_by_id(keep.id)
    assert expiring == keep.points_balance + other.points_balance - kept.points_balance > 0
    assert run_checks() == []
    # A receipt of the duplicate moved on from the kept customer takes its points and credit along.
    third = customers.register({"name": "Lê Chi"}).customer
    sale = Receipt.get((Receipt.customer == keep.id) & (Receipt.total == 200_000))
    kept_debt = Customer.get_by_id(keep.id).debt_balance
    receipt_owner.move_receipt(sale, third, at=T0 + dt.timedelta(days=24))
    moved = Customer.get_by_id(third.id).debt_balance
    assert moved > 0 and Customer.get_by_id(keep.id).debt_balance == kept_debt - moved
    assert Customer.get_by_id(third.id).points_balance > 0
    assert run_checks() == []
