"""Points tiers: only the owner changes them, each change validated, audited and one
transaction; at sale time the customer's tier (by spend in the last 12 months) decides
the earn rate and the discount."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from shoptui.models import AuditLog, PointsTier, Receipt
from shoptui.services import checkout, customers, points, settings, tiers, users
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from shoptui.services.tiers import TierInput
from tests.actors import SYSTEM

NOW = dt.datetime(2024, 6, 15, 10, 0)


@pytest.fixture
def owner(database):
    return Actor(user=users.add_user("Hoa", "owner", "9999", SYSTEM))


@pytest.fixture
def manager(owner):
    return Actor(user=users.add_user("Minh", "manager", "2222", SYSTEM))


@pytest.fixture
def cashier(owner):
    return Actor(user=users.add_user("Lan", "cashier", "1111", SYSTEM))


def gold(**changes) -> TierInput:
    values = dict(name="Gold", min_spend=1_000_000, earn_per=5_000, discount_bp=500)
    values.update(changes)
    return TierInput(**values)


def test_the_owner_adds_edits_and_deletes_a_tier_each_audited(owner):
    tier_id = tiers.add_tier(gold(name="  Gold   club "), owner)
    assert tiers.list_tiers() == [tiers.TierRow(tier_id, "Gold club", 1_000_000, 5_000, 500)]
    tiers.update_tier(tier_id, gold(discount_bp=700, earn_per=4_000), owner)
    row = PointsTier.get_by_id(tier_id)
    assert (row.name, row.earn_per, row.discount_bp) == ("Gold", 4_000, 700)
    tiers.delete_tier(tier_id, owner)
    assert not PointsTier.select().exists()
    log = list(AuditLog.select().where(AuditLog.entity == "points_tier").order_by(AuditLog.id))
    assert [entry.action for entry in log] == ["tier.add", "tier.update", "tier.delete"]
    assert all(entry.user_id == owner.user_id and entry.entity_id == str(tier_id) for entry in log)
    assert log[1].before == {"name": "Gold club", "earn_per": 5_000, "discount_bp": 500}
    assert log[1].after == {"name": "Gold", "earn_per": 4_000, "discount_bp": 700}
    assert log[2].before["min_spend"] == 1_000_000 and log[2].after is None


@pytest.mark.parametrize("who", ["cashier", "manager"])
def test_only_the_owner_may_change_tiers(who, owner, request):
    actor = request.getfixturevalue(who)
    tier_id = tiers.add_tier(gold(), owner)
    before = AuditLog.select().count()
    with pytest.raises(PermissionDenied, match=f"A {who} may not change settings; ask the owner."):
        tiers.add_tier(gold(name="Silver", min_spend=500_000), actor)
    with pytest.raises(PermissionDenied):
        tiers.update_tier(tier_id, gold(discount_bp=9_000), actor)
    with pytest.raises(PermissionDenied):
        tiers.delete_tier(tier_id, actor)
    assert tiers.list_tiers() == [tiers.TierRow(tier_id, "Gold", 1_000_000, 5_000, 500)]
    assert AuditLog.select().count() == before


@pytest.mark.parametrize(
    ("changes", "error", "field", "message"),
    [
        ({"name": "   "}, ValidationError, "name", "A tier needs a name."),
        ({"name": "x" * 65}, ValidationError, "name", "A tier's name is at most 64 characters."),
        ({"min_spend": -1}, ValidationError, "min_spend", "A tier's spend threshold may not be negative."),
        ({"earn_per": 0}, ValidationError, "earn_per", "The money per point must be more than zero."),
        ({"earn_per": -5}, ValidationError, "earn_per", "The money per point must be more than zero."),
        ({"discount_bp": -1}, ValidationError, "discount_bp", "A tier's discount is between 0 and 100%."),
        ({"discount_bp": 10_001}, ValidationError, "discount_bp", "A tier's discount is between 0 and 100%."),
        ({"earn_per": 1.5}, ValidationError, "earn_per", "1.5 is not a whole number."),
        ({"name": "GOLD", "min_spend": 3_000_000}, RuleViolation, None, "There is already a tier named Gold."),
        (
            {"name": "Platinum", "min_spend": 1_000_000},
            RuleViolation,
            None,
            "Tier Gold already starts at this spend; each tier needs its own threshold.",
        ),
    ],
)
def test_a_wrong_tier_is_refused_with_a_plain_sentence(owner, changes, error, field, message):
    tiers.add_tier(gold(), owner)
    with pytest.raises(error) as caught:
        tiers.add_tier(gold(**changes), owner)
    assert str(caught.value) == message
    assert getattr(caught.value, "field", None) == field
    assert PointsTier.select().count() == 1


def test_limits_are_accepted_and_an_edit_may_keep_its_own_threshold(owner):
    base = tiers.add_tier(gold(name="Base", min_spend=0, earn_per=1, discount_bp=0), owner)
    top = tiers.add_tier(gold(name="All", min_spend=5_000_000, discount_bp=10_000), owner)
    tiers.update_tier(top, gold(name="All", min_spend=5_000_000, discount_bp=9_000), owner)
    with pytest.raises(RuleViolation):
        tiers.update_tier(top, gold(name="base", min_spend=5_000_000), owner)
    assert [(t.id, t.discount_bp) for t in tiers.list_tiers()] == [(base, 0), (top, 9_000)]


def test_a_missing_tier_is_not_found(owner):
    with pytest.raises(NotFound, match="There is no such tier."):
        tiers.update_tier(999, gold(), owner)
    with pytest.raises(NotFound):
        tiers.delete_tier(999, owner)


def test_a_sale_applies_the_tier_reached_in_the_last_12_months(owner):
    # Points: 10,000 per point by default; Silver halves it, Gold is better still.
    tiers.add_tier(gold(name="Silver", min_spend=500_000, earn_per=5_000, discount_bp=200), owner)
    tiers.add_tier(gold(name="Gold", min_spend=2_000_000, earn_per=2_000, discount_bp=800), owner)
    an = customers.register({"name": "An"}, actor=SYSTEM).customer
    first = checkout.record_sale(SaleInput(customer=an, amount=600_000, at=NOW - dt.timedelta(days=30)), actor=SYSTEM)
    assert first.receipt.total == 600_000 and first.points_earned == 60  # no tier yet
    assert points.rate_for(an, NOW).tier == "Silver"
    second = checkout.record_sale(SaleInput(customer=an, amount=1_500_000, at=NOW), actor=SYSTEM)
    # Silver: 2% off 1,500,000 = 30,000; 1,470,000 / 5,000 = 294 points.
    assert (second.receipt.total, second.receipt.discount, second.points_earned) == (1_470_000, 30_000, 294)
    assert points.rate_for(an, NOW).tier == "Gold"  # 600,000 + 1,470,000
    third = checkout.record_sale(SaleInput(customer=an, amount=100_000, at=NOW + dt.timedelta(minutes=1)), actor=SYSTEM)
    assert (third.receipt.total, third.points_earned) == (92_000, 46)
    # A year after the first sales only the newest counts (1,470,000 + 92,000 ≥ 500,000).
    assert points.rate_for(an, NOW + dt.timedelta(days=340)).tier == "Silver"
    assert points.rate_for(an, NOW + dt.timedelta(days=400)).tier is None


def test_the_personal_discount_wins_when_it_is_larger(owner):
    tiers.add_tier(gold(name="Everyone", min_spend=0, earn_per=5_000, discount_bp=300), owner)
    an = customers.register({"name": "An", "discount_bp": 1_000}, actor=SYSTEM).customer
    result = checkout.record_sale(SaleInput(customer=an, amount=100_000, at=NOW), actor=SYSTEM)
    assert result.receipt.total == 90_000 and result.points_earned == 18  # the tier's rate, the larger discount
    anonymous = checkout.record_sale(SaleInput(amount=100_000, at=NOW), actor=SYSTEM)
    assert anonymous.receipt.total == 100_000  # tiers are for known customers


def test_a_tier_edited_applies_to_the_next_sale(owner):
    tier_id = tiers.add_tier(gold(name="Everyone", min_spend=0, discount_bp=0), owner)
    an = customers.register({"name": "An"}, actor=SYSTEM).customer
    assert checkout.record_sale(SaleInput(customer=an, amount=100_000, at=NOW), actor=SYSTEM).receipt.total == 100_000
    tiers.update_tier(tier_id, gold(name="Everyone", min_spend=0, discount_bp=1_000), owner)
    assert checkout.record_sale(SaleInput(customer=an, amount=100_000, at=NOW), actor=SYSTEM).receipt.total == 90_000
    tiers.delete_tier(tier_id, owner)
    latest = checkout.record_sale(SaleInput(customer=an, amount=100_000, at=NOW), actor=SYSTEM)
    assert latest.receipt.total == 100_000 and latest.points_earned == 10
    assert Receipt.select().count() == 3


def test_tiers_in_eur_round_the_discount_half_up(owner):
    settings.set_value("currency", "EUR", owner)
    tiers.add_tier(gold(name="Silver", min_spend=0, earn_per=100, discount_bp=250), owner)
    an = customers.register({"name": "An"}, actor=SYSTEM).customer
    result = checkout.record_sale(SaleInput(customer=an, amount=1_999, at=NOW), actor=SYSTEM)  # 19.99 EUR
    # 2.5% of 19.99 = 0.49975 -> 0.50; 19.49 EUR earns 19 points at 1.00 EUR a point.
    assert (result.receipt.total, result.points_earned) == (1_949, 19)
