"""Users and PINs, roles enforced in the services, stores, and shop settings."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui import clock
from shoptui.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from shoptui.models import AuditLog, Product, Setting, User
from shoptui.services import customers, debts, points, sales, settings, stores, users, vouchers
from shoptui.services.context import ACTION_NAMES, ACTION_ROLES, Actor, allows, require
from shoptui.services.sales import SaleInput

NOW = dt.datetime(2024, 6, 15, 10, 0)


@pytest.fixture
def frozen(monkeypatch):
    """A clock the test moves by hand."""
    state = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


@pytest.fixture
def roles(database):
    return {role: Actor(user=users.add_user(role.title(), role, "1234")) for role in ("cashier", "manager", "owner")}


# --- users and PINs ------------------------------------------------------------------------


def test_pins_are_salted_hashes(database):
    lan = users.add_user("Lan", "cashier", "1234")
    hoa = users.add_user("Hoa", "cashier", "1234")
    assert "1234" not in (lan.pin_hash, lan.pin_salt)
    assert lan.pin_salt != hoa.pin_salt and lan.pin_hash != hoa.pin_hash
    assert users.verify_pin("Lan", "1234").id == lan.id
    assert users.verify_pin(" Hoa ", "1234").id == hoa.id


def test_a_wrong_pin_or_unknown_user_says_the_same(database):
    users.add_user("Lan", "cashier", "1234")
    for name, pin in (("Lan", "4321"), ("Nobody", "1234")):
        with pytest.raises(PermissionDenied, match="Unknown user or wrong PIN"):
            users.verify_pin(name, pin)


def test_five_wrong_pins_lock_the_user_out_for_a_while(database, frozen):
    users.add_user("Lan", "cashier", "1234")
    for _ in range(4):
        with pytest.raises(PermissionDenied, match="wrong PIN"):
            users.verify_pin("Lan", "0000")
    assert users.get_user("Lan").failed_pins == 4
    with pytest.raises(PermissionDenied, match="wrong PIN"):
        users.verify_pin("Lan", "0000")
    with pytest.raises(PermissionDenied, match="locked until 10:05"):
        users.verify_pin("Lan", "1234")  # even the right PIN
    frozen["now"] = NOW + users.LOCKOUT
    assert users.verify_pin("Lan", "1234").name == "Lan"
    assert AuditLog.select().where(AuditLog.action == "user.wrong_pin").count() == 5


def test_a_right_pin_clears_the_count_of_wrong_ones(database, frozen):
    users.add_user("Lan", "cashier", "1234")
    for _ in range(4):
        with pytest.raises(PermissionDenied):
            users.verify_pin("Lan", "0000")
    users.verify_pin("Lan", "1234")
    assert users.get_user("Lan").failed_pins == 0
    with pytest.raises(PermissionDenied, match="wrong PIN"):
        users.verify_pin("Lan", "0000")  # a fresh count: not locked after one more


def test_an_inactive_user_cannot_sign_in(database):
    lan = users.add_user("Lan", "cashier", "1234")
    User.update(active=False).where(User.id == lan.id).execute()
    with pytest.raises(PermissionDenied):
        users.verify_pin("Lan", "1234")
    assert not users.has_users()


def test_set_pin_changes_it_and_unlocks(database, frozen):
    users.add_user("Lan", "cashier", "1234")
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            users.verify_pin("Lan", "0000")
    users.set_pin("Lan", "5678")
    assert users.verify_pin("Lan", "5678").name == "Lan"
    with pytest.raises(PermissionDenied):
        users.verify_pin("Lan", "1234")
    with pytest.raises(NotFound):
        users.set_pin("Nobody", "5678")


def test_user_data_is_checked(database):
    users.add_user("Lan", "cashier", "1234")
    for name, role, pin in (("", "cashier", "1234"), ("x" * 101, "cashier", "1234"), ("Hoa", "boss", "1234"),
                            ("Hoa", "cashier", "123"), ("Hoa", "cashier", "12ab"), ("Hoa", "cashier", "1" * 13),
                            ("Lan", "manager", "1234")):
        with pytest.raises(ValidationError):
            users.add_user(name, role, pin)
    assert [u.name for u in users.list_users()] == ["Lan"]
    assert users.add_user(" Hoa\x1b[2J ", "cashier", "1234").name == "Hoa[2J"


def test_an_override_needs_the_right_role(roles):
    assert users.authorize_override("Manager", "1234", "credit_override").role == "manager"
    with pytest.raises(PermissionDenied, match="Cashier may not allow this"):
        users.authorize_override("Cashier", "1234", "credit_override")
    with pytest.raises(PermissionDenied):
        users.authorize_override("Manager", "9999", "credit_override")


# --- roles enforced by the services ----------------------------------------------------------------


def test_what_a_cashier_may_not_do(roles):
    cashier = roles["cashier"]
    customer = customers.register({"name": "An"}, cashier).customer
    refusals = {
        "adjust points": lambda: points.adjust_points(customer, 5, "gift", cashier),
        "adjust debt": lambda: debts.adjust_debt(customer, 5, "gift", cashier),
        "settings": lambda: settings.set_value("shop_name", "Mine", cashier),
        "users": lambda: users.add_user("Hoa", "cashier", "1234", cashier),
        "pins": lambda: users.set_pin("Cashier", "9999", cashier),
        "stores": lambda: stores.add_store("S2", "Second", actor=cashier),
        "vouchers": lambda: vouchers.create_voucher("V", "amount", 1, actor=cashier),
        "properties": lambda: customers.define_property("eyes", "Eyes", "text", actor=cashier),
        "archive": lambda: customers.archive(customer, cashier),
    }
    for what, attempt in refusals.items():
        with pytest.raises(PermissionDenied, match=r"^A cashier may not .+; ask (a manager|the owner)\.$"):
            attempt()
    assert settings.get("shop_name") == "My shop"
    assert User.select().count() == 3


def test_what_a_manager_may_and_may_not_do(roles):
    manager = roles["manager"]
    customer = customers.register({"name": "An"}).customer
    points.adjust_points(customer, 5, "gift", manager)
    customers.archive(customer, manager)
    with pytest.raises(PermissionDenied, match="A manager may not change settings; ask the owner."):
        settings.set_value("shop_name", "Mine", manager)
    with pytest.raises(PermissionDenied):
        users.add_user("Hoa", "cashier", "1234", manager)
    settings.set_value("shop_name", "Mine", roles["owner"])


def test_every_action_has_a_role_and_a_name():
    assert set(ACTION_ROLES) == set(ACTION_NAMES)
    assert allows(None, "settings") and allows(Actor(), "users")  # the command line acts as the shop
    require(None, "users")


# --- stores -------------------------------------------------------------------------------------------


def test_stores(database):
    assert stores.default_store().code == "MAIN"
    second = stores.add_store(" s2 ", "Second store", "12 Lê Lợi")
    assert second.code == "S2" and stores.get_store("s2").id == second.id
    assert [s.code for s in stores.list_stores()] == ["MAIN", "S2"]
    assert stores.default_store().code == "MAIN"
    for code, name in (("S 3", "Third"), ("", "Third"), ("S3", "  "), ("S2", "Again")):
        with pytest.raises(ValidationError):
            stores.add_store(code, name)
    with pytest.raises(NotFound):
        stores.get_store("S9")


# --- settings --------------------------------------------------------------------------------------------


def test_defaults_are_written_and_listed(database):
    keys = [k for k, _v, _h in settings.all_settings()]
    assert keys == list(settings.SETTINGS)
    assert Setting.select().count() == len(settings.SETTINGS)
    assert settings.get("currency") == "VND" and settings.get_money("points_earn_per") == 10_000


def test_set_value_reads_stores_and_audits(database):
    assert settings.set_value("currency", " eur ") == "EUR"
    assert settings.currency() == "EUR"
    settings.set_value("points_earn_per", "1,5")
    assert settings.get("points_earn_per") == "1.5" and settings.get_money("points_earn_per") == 150
    entry = AuditLog.get(AuditLog.action == "setting.set")
    assert (entry.entity_id, entry.before, entry.after) == ("currency", {"value": "VND"}, {"value": "EUR"})


def test_a_setting_changed_at_another_till_is_seen_within_the_cache_time(database, monkeypatch):
    now = {"t": 1000.0}
    monkeypatch.setattr(settings.time, "monotonic", lambda: now["t"])
    assert settings.get("shop_name") == "My shop"
    # Another till on the same PostgreSQL database writes the row; this process has it cached.
    Setting.update(value="Other till").where(Setting.key == "shop_name").execute()
    now["t"] += settings.CACHE_SECONDS - 1
    assert settings.get("shop_name") == "My shop"
    now["t"] += 2
    assert settings.get("shop_name") == "Other till"


def test_unknown_keys_are_refused(database):
    with pytest.raises(ValidationError, match="config list"):
        settings.get("colour")
    with pytest.raises(ValidationError, match="config list"):
        settings.set_value("colour", "red")


@pytest.mark.parametrize(
    "key, typed, stored",
    [
        ("shop_name", "  Tạp hóa Hồng  ", "Tạp hóa Hồng"),
        ("region", "de", "DE"),
        ("language", "VI", "vi"),
        ("language", "", ""),
        ("customer_code_prefix", "KH-", "KH-"),
        ("points_earn_per", "10000", "10000"),
        ("points_value", "0.50", "0.5"),
        ("points_expiry_days", " 365 ", "365"),
        ("credit_rule", "WARN", "warn"),
        ("points_earn_on_points", "true", "yes"),
        ("points_earn_on_points", "0", "no"),
        ("active_customer_limit", "0", "0"),
    ],
)
def test_each_reader_accepts(database, key, typed, stored):
    assert settings.set_value(key, typed) == stored
    assert settings.get(key) == stored


@pytest.mark.parametrize(
    "key, typed",
    [
        ("currency", "XYZ"), ("currency", "dong"), ("region", "XX"), ("language", "fr"),
        ("customer_code_prefix", "K H"), ("customer_code_prefix", "X" * 11),
        ("points_earn_per", "0"), ("points_earn_per", "-1"), ("points_earn_per", "abc"),
        ("points_earn_per", "NaN"), ("points_value", "Infinity"),
        ("points_expiry_days", "-1"), ("points_expiry_days", "1.5"), ("points_expiry_days", "soon"),
        ("credit_rule", "maybe"), ("points_earn_on_points", "perhaps"),
    ],
)
def test_each_reader_refuses(database, key, typed):
    before = settings.get(key)
    with pytest.raises(ValidationError):
        settings.set_value(key, typed)
    assert settings.get(key) == before


def test_the_currency_cannot_change_once_money_is_recorded(database):
    settings.set_value("currency", "EUR")
    settings.set_value("currency", "VND")
    sales.record_sale(SaleInput(amount=1))
    with pytest.raises(RuleViolation, match="it is VND"):
        settings.set_value("currency", "EUR")
    settings.set_value("currency", "vnd")  # the same currency is no change
    assert settings.currency() == "VND"


@pytest.mark.parametrize(
    "record",
    [
        lambda: customers.register({"name": "An", "credit_limit": 500_000}),
        lambda: Product.create(sku="A", name="A", price=10_000),
        lambda: vouchers.create_voucher("V", "amount", 10_000),
        lambda: debts.set_opening_balance(customers.register({"name": "An"}).customer, 10_000),
        lambda: vouchers.load_gift_card("G", 10_000),
    ],
)
def test_any_stored_amount_counts_as_money(database, record):
    record()
    with pytest.raises(RuleViolation):
        settings.set_value("currency", "EUR")


def test_things_without_amounts_do_not_block_the_currency(database):
    customers.register({"name": "An"})
    vouchers.create_voucher("P10", "percent", 1000)
    Product.create(sku="A", name="A")
    assert settings.set_value("currency", "EUR") == "EUR"
