"""Vouchers: creating, listing with their uses and state, switching off; gift cards sold,
topped up and shown with their ledger, paid by a method, the money exact."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shoptui import check
from shoptui.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from shoptui.models import AuditLog, GiftCardEntry, Voucher
from shoptui.services import cards, checkout, customers, users, vouchers
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from tests.actors import SYSTEM

TODAY = dt.date(2024, 6, 15)
NOW = dt.datetime(2024, 6, 15, 10, 0)


@pytest.fixture
def an(database):
    return customers.register({"name": "An", "code": "K-AN"}).customer


@pytest.fixture
def cashier(database):
    return Actor(user=users.add_user("Lan", "cashier", "1111", SYSTEM))


@pytest.fixture
def manager(database):
    return Actor(user=users.add_user("Minh", "manager", "2222", SYSTEM))


def test_create_keeps_the_note_and_refuses_bad_vouchers(database, an):
    hostile = "[bold]x[/bold] \x1b[31m 💥 ' OR 1=1 --"
    voucher = vouchers.create_voucher(
        "SPRING-10", "percent", 1000, TODAY, TODAY + dt.timedelta(days=30), customer=an, note=hostile, at=NOW
    )
    stored = Voucher.get(Voucher.code == "SPRING-10")
    assert (stored.id, stored.value, stored.customer_id) == (voucher.id, 1000, an.id)
    assert "[bold]x[/bold]" in stored.note and "💥 ' OR 1=1 --" in stored.note
    for kwargs, field in (
        (dict(code="SPRING-10", kind="amount", value=1), "code"),  # not unique
        (dict(code="two words", kind="amount", value=1), "code"),
        (dict(code="P", kind="percent", value=10_001), "value"),
        (dict(code="P", kind="amount", value=0), "value"),
        (dict(code="P", kind="amount", value=5, valid_from=TODAY, valid_to=TODAY - dt.timedelta(days=1)), "valid_to"),
        (dict(code="P", kind="amount", value=5, max_uses=0), "max_uses"),
    ):
        with pytest.raises(ValidationError) as refused:
            vouchers.create_voucher(**kwargs)
        assert refused.value.field == field
    assert Voucher.select().count() == 1


def test_only_managers_manage_vouchers(database, cashier, manager):
    with pytest.raises(PermissionDenied, match="A cashier may not manage vouchers; ask a manager."):
        vouchers.create_voucher("C1", "amount", 10_000, actor=cashier)
    voucher = vouchers.create_voucher("C1", "amount", 10_000, actor=manager)
    with pytest.raises(PermissionDenied):
        vouchers.expire_voucher(voucher.id, cashier)
    assert Voucher.select().count() == 1


def test_list_counts_uses_and_tells_the_state(database, an):
    vouchers.create_voucher("ONCE", "amount", 20_000, at=NOW - dt.timedelta(days=2))
    vouchers.create_voucher("LATER", "amount", 5_000, TODAY + dt.timedelta(days=1), at=NOW - dt.timedelta(days=1))
    vouchers.create_voucher("OLD", "percent", 250, valid_to=TODAY - dt.timedelta(days=1), max_uses=None, at=NOW)
    checkout.record_sale(SaleInput(customer=an, amount=100_000, voucher="ONCE", at=NOW))
    rows = {row.code: row for row in vouchers.list_vouchers(TODAY)}
    assert [row.code for row in vouchers.list_vouchers(TODAY)] == ["OLD", "LATER", "ONCE"]
    assert (rows["ONCE"].uses, rows["ONCE"].max_uses, rows["ONCE"].state) == (1, 1, "used_up")
    assert rows["LATER"].state == "not_yet" and rows["OLD"].state == "expired" and rows["OLD"].max_uses is None
    assert (rows["OLD"].kind, rows["OLD"].value) == ("percent", 250)


def test_expire_switches_a_voucher_off_from_today(database, an, manager):
    voucher = vouchers.create_voucher(
        "MULTI", "amount", 1_000, TODAY - dt.timedelta(days=10), max_uses=None, at=NOW, actor=SYSTEM
    )
    future = vouchers.create_voucher("NEXT", "amount", 1_000, TODAY + dt.timedelta(days=5), at=NOW, actor=SYSTEM)
    assert vouchers.usable_voucher("MULTI", None, TODAY)
    vouchers.expire_voucher(voucher.id, manager, at=NOW)
    with pytest.raises(RuleViolation, match="expired"):
        vouchers.usable_voucher("MULTI", None, TODAY)
    with pytest.raises(RuleViolation, match="already expired"):
        vouchers.expire_voucher(voucher.id, manager, at=NOW)
    ended = vouchers.expire_voucher(future.id, manager, at=NOW)
    assert ended.valid_from == ended.valid_to == TODAY - dt.timedelta(days=1)  # never ends before it starts
    log = AuditLog.get((AuditLog.action == "voucher.expire") & (AuditLog.entity_id == str(voucher.id)))
    after = log.after if isinstance(log.after, dict) else json.loads(log.after)
    assert after == {"valid_to": "2024-06-14"} and log.user_id == manager.user_id
    with pytest.raises(NotFound):
        vouchers.expire_voucher(99_999, actor=SYSTEM)
    assert check.run_checks() == []


@pytest.mark.parametrize("currency, amount, spend", [("VND", 500_000, 123_456), ("EUR", 5_000, 1_234)])
def test_gift_card_sold_topped_up_and_shown(database, an, cashier, currency, amount, spend):
    from shoptui.services import settings

    settings.set_value("currency", currency, actor=SYSTEM)
    sold = vouchers.top_up_gift_card("2900000000018", amount, "card", cashier, at=NOW)
    assert (sold.kind, sold.amount, sold.method, sold.balance_before, sold.balance_after) == (
        "issue",
        amount,
        "card",
        0,
        amount,
    )
    checkout.record_sale(
        SaleInput(
            customer=an, amount=spend, gift_card="2900000000018", gift_amount=spend, at=NOW + dt.timedelta(hours=1)
        ),
        cashier,
    )
    topped = vouchers.top_up_gift_card("2900000000018", 1, "cash", cashier, at=NOW + dt.timedelta(hours=2))
    assert (topped.kind, topped.balance_before, topped.balance_after) == ("topup", amount - spend, amount - spend + 1)
    view = vouchers.gift_card_view("2900000000018")
    assert view.balance == amount - spend + 1 and view.entry_count == 3
    assert [(e.kind, e.amount, e.reason, e.user_name) for e in view.entries] == [
        ("topup", 1, "cash", "Lan"),
        ("redeem", -spend, "", "Lan"),
        ("issue", amount, "card", "Lan"),
    ]
    assert view.entries[1].receipt_number  # the sale that spent it
    assert cards.resolve_scan("2900000000018").kind == "gift"
    assert check.run_checks() == []


def test_gift_card_refusals(database, an):
    cards.issue_card(an, "2000000010007")
    for barcode, amount, method, error in (
        ("2000000010007", 1_000, "cash", ValidationError),  # a customer's card holds no money: "This is An's card"
        ("2900000000018", 0, "cash", ValidationError),
        ("2900000000018", -5, "cash", ValidationError),
        ("2900000000018", 1_000, "credit", ValidationError),  # a gift card is paid for now
        ("29 00", 1_000, "cash", ValidationError),
    ):
        with pytest.raises(error):
            vouchers.top_up_gift_card(barcode, amount, method)
    assert GiftCardEntry.select().count() == 0
    with pytest.raises(NotFound):
        vouchers.gift_card_view("2900000000018")
