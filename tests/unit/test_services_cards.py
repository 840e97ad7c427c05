"""Cards: issue, withdraw, replace with their history, and what a scan means."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

from shoptui.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from shoptui.models import AuditLog, Card, CardBinding
from shoptui.services import cards, customers, users
from shoptui.services.context import Actor
from tests.actors import SYSTEM

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def an(database):
    return customers.register({"name": "An"}).customer


@pytest.fixture
def binh(database):
    return customers.register({"name": "Bình"}).customer


def test_issue_binds_a_new_card(an):
    card = cards.issue_card(an, " 2000000010007 ", at=T0)
    assert card.barcode == "2000000010007" and card.kind == "loyalty" and card.created_at == T0
    binding = cards.open_binding(card)
    assert (binding.customer_id, binding.bound_at, binding.ended_at) == (an.id, T0, None)
    assert AuditLog.get(AuditLog.action == "card.issue").at == T0


def test_barcode_and_kind_are_checked(an):
    for bad in ("", "   ", "20 00", "x" * 65):
        with pytest.raises(ValidationError):
            cards.issue_card(an, bad)
    with pytest.raises(ValidationError):
        cards.issue_card(an, "2000000010007", kind="platinum")
    assert not Card.select().exists()


def test_a_card_bound_to_someone_is_refused(an, binh):
    cards.issue_card(an, "2000000010007")
    with pytest.raises(RuleViolation, match="An"):
        cards.issue_card(binh, "2000000010007")
    assert CardBinding.select().count() == 1


def test_the_database_refuses_a_second_open_binding(an, binh):
    card = cards.issue_card(an, "2000000010007")
    with pytest.raises(peewee.IntegrityError):
        CardBinding.create(card=card, customer=binh, bound_at=T0)
    # A closed binding beside the open one is history, not a clash.
    CardBinding.create(card=card, customer=binh, bound_at=T0 - dt.timedelta(days=9), ended_at=T0 - dt.timedelta(days=1))


def test_withdraw_keeps_the_history_and_frees_the_card(an, binh):
    cards.issue_card(an, "2000000010007", at=T0)
    ended = cards.withdraw_card("2000000010007", at=T0 + dt.timedelta(days=3))
    assert (ended.ended_at, ended.end_reason) == (T0 + dt.timedelta(days=3), "withdrawn")
    assert cards.resolve_scan("2000000010007").kind == "withdrawn"
    cards.issue_card(binh, "2000000010007", at=T0 + dt.timedelta(days=4))
    history = list(CardBinding.select().order_by(CardBinding.id))
    assert [(b.customer_id, b.end_reason) for b in history] == [(an.id, "withdrawn"), (binh.id, None)]


def test_withdraw_refusals(an):
    with pytest.raises(NotFound):
        cards.withdraw_card("404")
    cards.issue_card(an, "2000000010007", at=T0)
    with pytest.raises(ValidationError):
        cards.withdraw_card("2000000010007", at=T0 - dt.timedelta(minutes=1))
    cards.withdraw_card("2000000010007")
    with pytest.raises(RuleViolation):
        cards.withdraw_card("2000000010007")


def test_replace_moves_the_customer_to_the_new_card(an):
    old = cards.issue_card(an, "2000000010007", kind="discount", at=T0)
    later = T0 + dt.timedelta(days=30)
    new = cards.replace_card("2000000010007", "2000000010014", at=later)
    assert new.kind == "discount"
    old_binding = CardBinding.get(CardBinding.card == old)
    assert (old_binding.end_reason, old_binding.replaced_by_id, old_binding.ended_at) == ("replaced", new.id, later)
    assert cards.open_binding(new).customer_id == an.id
    assert [b.card.barcode for b in cards.cards_of(an)] == ["2000000010014", "2000000010007"]


def test_replace_refusals(an, binh):
    with pytest.raises(RuleViolation):
        cards.replace_card("2000000010007", "2000000010014")
    cards.issue_card(an, "2000000010007")
    cards.issue_card(binh, "2000000010014")
    with pytest.raises(RuleViolation, match="Bình"):
        cards.replace_card("2000000010007", "2000000010014")
    # Nothing changed: the old card is still An's.
    assert cards.resolve_scan("2000000010007").customer.id == an.id


def test_resolve_scan(an, binh):
    cards.issue_card(an, "2000000010007")
    assert cards.resolve_scan(" 2000000010007\n").kind == "known"
    assert cards.resolve_scan("2000000010007").customer.id == an.id
    cards.issue_card(binh, "2000000010014")
    cards.withdraw_card("2000000010014")
    withdrawn = cards.resolve_scan("2000000010014")
    assert (withdrawn.kind, withdrawn.customer.id) == ("withdrawn", binh.id)
    by_code = cards.resolve_scan(an.code)
    assert (by_code.kind, by_code.customer.id) == ("customer", an.id)
    unknown = cards.resolve_scan("9999999999999")
    assert (unknown.kind, unknown.customer, unknown.card) == ("unknown", None, None)


def test_cashiers_issue_cards_and_the_user_is_recorded(an):
    cashier = Actor(user=users.add_user("Lan", "cashier", "1111", SYSTEM))
    cards.issue_card(an, "2000000010007", actor=cashier)
    assert cards.open_binding(Card.get()).user_id == cashier.user.id


def test_a_role_below_cashier_may_not_issue(an):
    odd = users.add_user("Ghost", "cashier", "1111", SYSTEM)
    odd.role = "visitor"  # a role the shop does not know ranks below every known one
    with pytest.raises(PermissionDenied):
        cards.issue_card(an, "2000000010007", actor=Actor(user=odd))


# --- gift cards are no customer's card; withdraw and replace with the person's words ---------


def test_a_gift_card_is_never_bound_to_a_customer(an):
    from shoptui.services import vouchers

    vouchers.load_gift_card("2900000000018", 100_000)
    refusal = 'Card 2900000000018 is a gift card: sell or top it up with "Gift card…"; it cannot be a customer\'s card.'
    with pytest.raises(RuleViolation) as refused:
        cards.issue_card(an, "2900000000018")
    assert str(refused.value) == refusal
    with pytest.raises(RuleViolation, match="is a gift card"):
        cards.check_bindable(" 2900000000018 ")
    cards.issue_card(an, "2000000010007")
    with pytest.raises(RuleViolation, match="is a gift card"):
        cards.replace_card("2000000010007", "2900000000018")
    assert CardBinding.select().count() == 1 and cards.resolve_scan("2000000010007").kind == "known"
    assert cards.resolve_scan("2900000000018").kind == "gift"
    assert cards.check_bindable("2000000010014") == "2000000010014"
    with pytest.raises(RuleViolation, match="already belongs to An"):
        cards.check_bindable("2000000010007")


def test_withdraw_and_replace_keep_the_reason_in_the_audit_log(an):
    cards.issue_card(an, "2000000010007", at=T0)
    with pytest.raises(ValidationError):
        cards.replace_card("2000000010007", "2000000010007")
    cards.replace_card("2000000010007", "2000000010014", at=T0 + dt.timedelta(days=1), note="lost at the market")
    assert AuditLog.get(AuditLog.action == "card.replaced").note == "lost at the market"
    cards.withdraw_card("2000000010014", at=T0 + dt.timedelta(days=2), note="[red]broken[/red]")
    assert AuditLog.get(AuditLog.action == "card.withdrawn").note == "[red]broken[/red]"
    with pytest.raises(ValidationError):
        cards.withdraw_card("2000000010014", reason="eaten")
    assert [(b.card.barcode, b.end_reason) for b in cards.cards_of(an)] == [
        ("2000000010014", "withdrawn"),
        ("2000000010007", "replaced"),
    ]


def test_a_cashier_may_replace_a_card_but_a_stranger_role_may_not(an):
    cashier = Actor(user=users.add_user("Lan", "cashier", "1111", SYSTEM))
    cards.issue_card(an, "2000000010007", actor=cashier)
    cards.replace_card("2000000010007", "2000000010014", cashier)
    odd = users.add_user("Odd", "cashier", "3333", SYSTEM)
    odd.role = "guest"
    with pytest.raises(PermissionDenied):
        cards.withdraw_card("2000000010014", Actor(user=odd))
