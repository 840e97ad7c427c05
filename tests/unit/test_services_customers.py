"""Registering, editing and archiving customers; groups and custom properties."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from shoptui.models import AuditLog, Customer, PropertyValue
from shoptui.services import customers, settings, users
from shoptui.services.context import Actor
from tests.actors import SYSTEM


@pytest.fixture
def cashier(database):
    return Actor(user=users.add_user("Lan", "cashier", "1111", SYSTEM))


@pytest.fixture
def manager(database):
    return Actor(user=users.add_user("Minh", "manager", "2222", SYSTEM))


def register(**values):
    return customers.register(values, actor=SYSTEM)


# --- register -----------------------------------------------------------------------------


def test_codes_are_numbered_with_the_prefix(database):
    first = register(name="An").customer
    second = register(name="Bình").customer
    assert (first.code, second.code) == ("KH000001", "KH000002")
    settings.set_value("customer_code_prefix", "C-")
    assert register(name="Chi").customer.code == "C-000003"


def test_an_explicit_code_is_kept_and_numbering_skips_it(database):
    assert register(name="An", code="KH000001").customer.code == "KH000001"
    assert register(name="Bình").customer.code == "KH000002"


def test_a_duplicate_code_is_refused_naming_the_field(database):
    register(name="An", code="VIP1")
    with pytest.raises(ValidationError, match="VIP1") as err:
        register(name="Bình", code="VIP1")
    assert err.value.field == "code"


def test_phone_is_stored_as_e164_and_kept_as_typed(database):
    customer = register(name="An", phone="0912 345 678").customer
    assert customer.phone == "+84912345678"
    assert customer.phone_typed == "0912 345 678"
    assert customer.phone_rev == "87654321948"
    assert customer.status == "active"


def test_a_duplicate_phone_is_refused_in_any_typed_form(database):
    register(name="An", phone="0912345678")
    with pytest.raises(ValidationError, match="An") as err:
        register(name="Bình", phone="+84 912 345 678")
    assert err.value.field == "phone"


def test_an_archived_customers_phone_may_be_reused(database):
    old = register(name="An", phone="0912345678").customer
    customers.archive(old)
    assert register(name="An again", phone="0912345678").customer.phone == "+84912345678"


def test_an_unreadable_phone_is_kept_and_makes_the_customer_incomplete(database):
    outcome = register(name="An", phone="12-34")
    assert outcome.customer.status == "incomplete"
    assert outcome.customer.phone is None
    assert outcome.customer.phone_typed == "12-34"
    assert outcome.warnings and "12-34" in outcome.warnings[0]


def test_a_name_is_required(database):
    for name in ("", "   ", None, "\x1b\x07"):
        with pytest.raises(ValidationError) as err:
            register(name=name)
        assert err.value.field == "name"


def test_a_too_long_name_is_refused(database):
    register(name="x" * 200)
    with pytest.raises(ValidationError, match="200") as err:
        register(name="x" * 201)
    assert err.value.field == "name"


def test_control_characters_are_stripped(database):
    customer = register(name="An\x1b[31m\x00 Nguyễn\u202e", company="A\tB\nC", address="line 1\r\nline 2\x07").customer
    assert customer.name == "An[31m Nguyễn"
    assert customer.company == "A B C"
    assert customer.address == "line 1\nline 2"
    # Every caller cleans a field alike (an import compares with what is stored).
    assert customers.clean_text("line 1\r\nline 2", "address") == customer.address
    assert customers.clean_text("a\nb", "name") == "a b"


def test_birthday_must_be_possible(database):
    assert register(name="An", birthday="1990-02-28").customer.birthday == dt.date(1990, 2, 28)
    assert register(name="Bình", birthday=dt.date(1985, 12, 1)).customer.birthday_md == 1201
    for bad in ("1899-12-31", (dt.date.today() + dt.timedelta(days=1)).isoformat(), "31/12/1990", "1990-02-30"):
        with pytest.raises(ValidationError) as err:
            register(name="Chi", birthday=bad)
        assert err.value.field == "birthday"


@pytest.mark.parametrize(
    "typed, gender",
    [
        ("female", "female"),
        ("F", "female"),
        ("Nữ", "female"),
        ("Ж", "female"),
        ("женский", "female"),
        ("weiblich", "female"),
        ("W", "female"),
        ("male", "male"),
        ("m", "male"),
        ("Nam", "male"),
        ("М", "male"),
        ("мужской", "male"),
        ("männlich", "male"),
        ("other", "other"),
        ("Khác", "other"),
        ("другой", "other"),
        ("divers", "other"),
        ("d", "other"),
        ("", None),
    ],
)
def test_gender_words_of_four_languages(database, typed, gender):
    assert register(name="An", gender=typed).customer.gender == gender


def test_an_unknown_gender_is_refused(database):
    with pytest.raises(ValidationError) as err:
        register(name="An", gender="maybe")
    assert err.value.field == "gender"


def test_email_is_checked(database):
    assert register(name="An", email=" an@example.vn ").customer.email == "an@example.vn"
    for bad in ("an@", "an example@x.vn", "an@x", "@x.vn"):
        with pytest.raises(ValidationError) as err:
            register(name="Bình", email=bad)
        assert err.value.field == "email"


def test_discount_and_credit_limit_are_checked(database):
    customer = register(name="An", discount_bp="500", credit_limit=100000).customer
    assert (customer.discount_bp, customer.credit_limit) == (500, 100000)
    for field, bad in (
        ("discount_bp", 10001),
        ("discount_bp", -1),
        ("discount_bp", "abc"),
        ("credit_limit", -5),
        ("credit_limit", "1.5"),
    ):
        with pytest.raises(ValidationError) as err:
            register(name="Bình", **{field: bad})
        assert err.value.field == field


def test_registration_records_store_user_time_and_audit(database, cashier):
    at = dt.datetime(2024, 5, 1, 9, 30)
    customer = customers.register({"name": "An"}, cashier, registered_at=at).customer
    assert customer.registered_at == at
    assert customer.registered_by_id == cashier.user.id
    assert customer.store.code == "MAIN"
    entry = AuditLog.get(AuditLog.action == "customer.register")
    assert entry.user_id == cashier.user.id and entry.after["name"] == "An"


def test_search_key_folds_name_code_and_company(database):
    customer = register(name="Nguyễn Thị Hồng", company="Đặng & Co").customer
    assert customer.search_key == "nguyen thi hong kh000001 dang co"


# --- update ---------------------------------------------------------------------------------


def test_update_recomputes_the_search_key_and_audits_before_and_after(database, manager):
    customer = register(name="Nguyễn An").customer
    updated = customers.update(customer, {"name": "Trần Bình", "email": "b@x.vn"}, manager).customer
    assert updated.search_key == "tran binh kh000001"
    entry = AuditLog.get(AuditLog.action == "customer.update")
    # Only what changed is logged (updated_at too when the clock moved on).
    assert set(entry.before) - {"updated_at"} == {"name", "email", "search_key"}
    assert (entry.before["name"], entry.before["email"], entry.before["search_key"]) == (
        "Nguyễn An",
        "",
        "nguyen an kh000001",
    )
    assert (entry.after["name"], entry.after["email"], entry.after["search_key"]) == (
        "Trần Bình",
        "b@x.vn",
        "tran binh kh000001",
    )
    assert entry.user_id == manager.user.id


def test_update_refuses_unknown_fields_and_a_taken_phone(database):
    register(name="An", phone="0912345678")
    other = register(name="Bình").customer
    with pytest.raises(ValidationError):
        customers.update(other, {"code": "X"})
    with pytest.raises(ValidationError) as err:
        customers.update(other, {"phone": "0912345678"})
    assert err.value.field == "phone"


def test_a_customer_may_keep_their_own_phone(database):
    customer = register(name="An", phone="0912345678").customer
    assert customers.update(customer, {"phone": "+84912345678"}).customer.phone_typed == "+84912345678"


def test_an_unreadable_phone_on_edit_makes_an_active_customer_incomplete(database):
    customer = register(name="An").customer
    outcome = customers.update(customer, {"phone": "abc 12"})
    assert outcome.customer.status == "incomplete" and outcome.warnings


def test_a_cashier_may_not_edit(database, cashier):
    customer = register(name="An").customer
    with pytest.raises(PermissionDenied, match="cashier.*manager"):
        customers.update(customer, {"name": "B"}, cashier)
    assert customers.get(customer).name == "An"


def test_an_unknown_customer_is_not_found(database):
    with pytest.raises(NotFound):
        customers.update(9999, {"name": "B"})


# --- statuses and the active-customer limit ------------------------------------------------


def test_status_changes_are_audited(database):
    customer = register(name="An").customer
    assert customers.set_status(customer, "incomplete").status == "incomplete"
    entry = AuditLog.get(AuditLog.action == "customer.status")
    assert (entry.before, entry.after) == ({"status": "active"}, {"status": "incomplete"})
    with pytest.raises(ValidationError):
        customers.set_status(customer, "deleted")


def test_the_active_customer_limit_counts_active_and_incomplete_only(database):
    settings.set_value("active_customer_limit", "2")
    first = register(name="An").customer
    register(name="Bình", phone="12")  # incomplete counts too
    with pytest.raises(RuleViolation, match="2"):
        register(name="Chi")
    customers.archive(first)
    register(name="Chi")  # archived never count
    register(name="Dũng", status="archived")  # registering as archived is always allowed
    assert Customer.select().where(Customer.status != "archived").count() == 2


def test_unarchiving_over_the_limit_is_refused(database):
    settings.set_value("active_customer_limit", "1")
    first = register(name="An").customer
    customers.archive(first)
    register(name="Bình")
    with pytest.raises(RuleViolation):
        customers.set_status(first, "active")
    assert customers.get(first).status == "archived"


def test_unarchiving_refuses_a_phone_taken_meanwhile(database):
    old = register(name="An", phone="0912345678").customer
    customers.archive(old)
    register(name="An again", phone="0912345678")
    with pytest.raises(ValidationError) as err:
        customers.set_status(old, "active")
    assert err.value.field == "phone"


# --- groups -----------------------------------------------------------------------------------


def test_groups(database, cashier):
    customer = customers.register({"name": "An", "groups": ["VIP", "Wholesale"]}, cashier).customer
    assert customers.groups_of(customer) == ["VIP", "Wholesale"]
    customers.add_to_group(customer, "VIP", actor=SYSTEM)  # twice is once
    customers.add_to_group(customer, " Zalo fans ", actor=SYSTEM)
    customers.remove_from_group(customer, "Wholesale", actor=SYSTEM)
    assert customers.groups_of(customer) == ["VIP", "Zalo fans"]
    with pytest.raises(ValidationError):
        customers.add_to_group(customer, "  ", actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        customers.add_to_group(customer, "Other", cashier)


# --- custom properties ---------------------------------------------------------------------


@pytest.fixture
def properties(database):
    customers.define_property("eyesight", "Eyesight", "number")
    customers.define_property("last_exam", "Last exam", "date")
    customers.define_property("frame", "Frame", "choice", ["metal", "plastic"])
    customers.define_property("contacts", "Wears contacts", "yesno")
    customers.define_property("doctor", "Doctor", "text")


def test_properties_of_each_kind(properties):
    customer = register(name="An").customer
    customers.set_property(customer, "eyesight", "-1,5")
    customers.set_property(customer, "last_exam", dt.datetime(2024, 3, 1, 10, 0))
    customers.set_property(customer, "frame", "metal")
    customers.set_property(customer, "contacts", "Có")
    customers.set_property(customer, "doctor", "Dr.\x1b Lê")
    values = {d.code: v for d, v in customers.properties_of(customer)}
    assert values == {
        "eyesight": "-1.5",
        "last_exam": "2024-03-01",
        "frame": "metal",
        "contacts": "1",
        "doctor": "Dr. Lê",
    }
    customers.set_property(customer, "contacts", "nein")
    customers.set_property(customer, "doctor", "")  # empty clears
    values = {d.code: v for d, v in customers.properties_of(customer)}
    assert values["contacts"] == "0" and values["doctor"] is None
    assert AuditLog.select().where(AuditLog.action == "customer.property").count() == 7


@pytest.mark.parametrize(
    "code, bad",
    [
        ("eyesight", "strong"),
        ("eyesight", "NaN"),
        ("eyesight", "Infinity"),
        ("last_exam", "01.03.2024"),
        ("frame", "wood"),
        ("contacts", "perhaps"),
    ],
)
def test_property_values_of_the_wrong_type_are_refused(properties, code, bad):
    customer = register(name="An").customer
    with pytest.raises(ValidationError) as err:
        customers.set_property(customer, code, bad)
    assert err.value.field == code
    assert not PropertyValue.select().exists()


def test_property_definitions_are_checked(database):
    with pytest.raises(ValidationError):
        customers.define_property("Eye sight", "Eyesight", "number")
    with pytest.raises(ValidationError):
        customers.define_property("eyes", "Eyes", "colour")
    with pytest.raises(ValidationError):
        customers.define_property("frame", "Frame", "choice", [])
    customers.define_property("eyes", "Eyes", "text")
    with pytest.raises(ValidationError):
        customers.define_property("eyes", "Eyes again", "text")
    with pytest.raises(NotFound):
        customers.set_property(register(name="An").customer, "unknown", "1")


def test_find_by_phone_and_code(database):
    customer = register(name="An", phone="0912345678").customer
    assert customers.find_by_phone("912345678").id == customer.id
    assert customers.find_by_code(" KH000001 ").id == customer.id
    assert customers.find_by_phone("123") is None
