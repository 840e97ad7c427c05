"""One use case, one service call, one transaction: registering a customer with a card and
properties, saving a profile with its properties, saving the points rules. A refusal
anywhere leaves nothing of the use case behind."""

from __future__ import annotations

import pytest

from shoptui.errors import PermissionDenied, ValidationError
from shoptui.models import AuditLog, Card, Customer, PropertyValue, Setting
from shoptui.services import cards, customers, registration, settings, users
from shoptui.services.context import Actor

from ..actors import SYSTEM

CARD = "2000000000015"  # in-store EAN-13, the shop's default card rule
NEW_CARD = "2000000000022"


@pytest.fixture
def shop(database):
    customers.define_property("eyesight", "Eyesight", "number", actor=SYSTEM)
    customers.define_property("since", "Customer since", "date", actor=SYSTEM)
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}, SYSTEM).customer
    customers.set_property(an, "eyesight", "-1.5", SYSTEM)
    cards.issue_card(an, CARD, actor=SYSTEM)
    return an


def properties(customer) -> dict:
    return {d.code: v for d, v in customers.properties_of(Customer.get_by_id(customer.id))}


def audit_count() -> int:
    return AuditLog.select().count()


# --- saving a profile ------------------------------------------------------------------------


def test_a_refused_property_saves_no_field_and_no_other_property(shop):
    before = audit_count()
    with pytest.raises(ValidationError) as caught:
        customers.save_profile(shop, {"name": "Nguyễn Văn Anh"}, {"eyesight": "-2", "since": "not a date"}, SYSTEM)
    assert caught.value.field == "prop-since"
    assert Customer.get_by_id(shop.id).name == "Nguyễn Văn An"
    assert properties(shop) == {"eyesight": "-1.5", "since": None}
    assert audit_count() == before


def test_a_refused_field_saves_no_property(shop):
    """The old screen wrote each property in its own transaction before the fields: a wrong
    e-mail then left the new eyesight saved and the form still open with an error."""
    with pytest.raises(ValidationError) as caught:
        customers.save_profile(shop, {"email": "an-at-example"}, {"eyesight": "-2"}, SYSTEM)
    assert caught.value.field == "email"
    assert properties(shop)["eyesight"] == "-1.5"


def test_a_profile_is_saved_with_its_properties_in_one_call(shop):
    outcome = customers.save_profile(
        shop, {"name": "Nguyễn Văn Anh"}, {"eyesight": "-2", "since": "2020-05-01"}, SYSTEM
    )
    assert outcome.customer.name == "Nguyễn Văn Anh"
    assert properties(shop) == {"eyesight": "-2", "since": "2020-05-01"}
    assert customers.save_profile(shop, {}, {"eyesight": ""}, SYSTEM).customer.name == "Nguyễn Văn Anh"
    assert properties(shop)["eyesight"] is None


# --- registering ------------------------------------------------------------------------------


def test_a_card_that_cannot_be_bound_leaves_no_new_customer(shop):
    before = (Customer.select().count(), audit_count())
    with pytest.raises(ValidationError) as caught:
        registration.register({"name": "Trần Bình", "phone": "0987 111 222"}, CARD, SYSTEM, {"eyesight": "1"})
    assert caught.value.field == "card" and "already belongs to Nguyễn Văn An" in str(caught.value)
    assert (Customer.select().count(), audit_count()) == before
    assert PropertyValue.select().count() == 1  # An's only


def test_a_refused_property_at_registration_leaves_no_customer_and_no_card(shop):
    before = (Customer.select().count(), Card.select().count(), audit_count())
    with pytest.raises(ValidationError) as caught:
        registration.register({"name": "Trần Bình", "phone": "0987 111 222"}, NEW_CARD, SYSTEM, {"since": "soon"})
    assert caught.value.field == "prop-since"
    assert (Customer.select().count(), Card.select().count(), audit_count()) == before


def test_a_cashier_registers_a_customer_with_card_and_properties_in_one_call(shop):
    cashier = Actor(user=users.add_user("Lan", "cashier", "1111", SYSTEM))
    outcome = registration.register(
        {"name": "Trần Bình", "phone": "0987 111 222"}, NEW_CARD, cashier, {"eyesight": "0.5", "since": "2024-01-02"}
    )
    assert cards.resolve_scan(NEW_CARD).customer.id == outcome.customer.id
    assert properties(outcome.customer) == {"eyesight": "0.5", "since": "2024-01-02"}
    with pytest.raises(PermissionDenied):  # editing a profile stays a manager's job
        customers.save_profile(outcome.customer, {}, {"eyesight": "1"}, cashier)


# --- the points rules -------------------------------------------------------------------------


def test_the_points_rules_are_saved_all_or_none(database):
    before = {s.key: s.value for s in Setting.select()}
    with pytest.raises(ValidationError) as caught:
        settings.set_values({"points_earn_per": "2000", "points_min_redeem": "many"}, SYSTEM)
    assert caught.value.field == "points_min_redeem"
    assert {s.key: s.value for s in Setting.select()} == before
    settings.clear_cache()
    assert settings.get("points_earn_per") == before.get(
        "points_earn_per", settings.SETTINGS["points_earn_per"].default
    )
    settings.set_values({"points_earn_per": "2000", "points_min_redeem": "10"}, SYSTEM)
    assert (settings.get("points_earn_per"), settings.get("points_min_redeem")) == ("2000", "10")
