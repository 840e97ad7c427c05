"""``demo.make_demo``: a realistic shop, the same for a seed and a day, that passes ``check``."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import phonenumbers
import pytest

from shoptui import check, demo
from shoptui import db as dbmod
from shoptui.errors import RuleViolation, UsageError
from shoptui.models import (
    Card,
    Customer,
    CustomerGroup,
    DebtEntry,
    GiftCardEntry,
    Payment,
    PointsEntry,
    PropertyValue,
    Receipt,
    ReceiptLine,
    SurveyAnswer,
    SurveyQuestion,
    User,
    VisitCount,
    VoucherUse,
)
from shoptui.services import settings, users
from shoptui.services.stores import ensure_main_store
from tests.actors import SYSTEM

TODAY = dt.date(2025, 6, 30)
FAMILY = {name for name, _share in demo.FAMILY_NAMES}


def make(path, **kwargs):
    database = dbmod.open_database(str(path))
    settings.ensure_defaults()
    ensure_main_store()
    summary = demo.make_demo(today=TODAY, **kwargs)
    return database, summary


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    database, summary = make(path, customers=160, days=60, seed=3)
    settings.clear_cache()
    database.close()
    return path, summary


@pytest.fixture
def shop(demo_file):
    """The module's demo shop, opened for one test (the tests only read it)."""
    path, summary = demo_file
    database = dbmod.open_database(str(path))
    yield summary
    settings.clear_cache()
    database.close()


def test_it_passes_every_check(shop):
    assert check.run_checks() == []


def test_summary_matches_the_database(shop):
    assert shop.customers == Customer.select().count() == 160
    assert shop.sales == Receipt.select().where(Receipt.kind == "sale").count()
    assert shop.anonymous == Receipt.select().where((Receipt.kind == "sale") & Receipt.customer.is_null()).count() > 0
    assert shop.returns == Receipt.select().where(Receipt.kind == "return").count() > 0
    assert (shop.first_day, shop.last_day) == (TODAY - dt.timedelta(days=59), TODAY)
    line = shop.line()
    assert "160 customers" in line and "\n" not in line and "PIN 1111" in line


def test_users_and_their_pins(shop):
    assert [(u.name, u.role, u.pin) for u in demo.DEMO_USERS] == [
        ("owner", "owner", "1111"),
        ("lan", "cashier", "2222"),
        ("minh", "cashier", "3333"),
    ]
    for demo_user in demo.DEMO_USERS:
        assert users.verify_pin(demo_user.name, demo_user.pin).role == demo_user.role
    cashiers = {u.id for u in User.select().where(User.role == "cashier")}
    assert {r.cashier_id for r in Receipt.select(Receipt.cashier)} == cashiers


def test_customers_look_vietnamese_and_real(shop):
    people = list(Customer.select())
    assert all(c.name.split()[0] in FAMILY for c in people)
    assert sum(c.name.startswith("Nguyễn ") for c in people) > len(people) * 0.2
    phones = [c.phone for c in people if c.phone]
    assert len(phones) == len(set(phones)) > len(people) * 0.9
    for phone in phones:
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) == "VN"
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    birthdays = [c.birthday for c in people]
    assert None in birthdays and sum(b is not None for b in birthdays) > len(people) * 0.7
    assert all(TODAY.year - 75 < b.year <= TODAY.year - 16 for b in birthdays if b)
    assert {c.gender for c in people} >= {"female", "male"}
    assert any(c.consent_zalo for c in people) and any(not c.consent_sms for c in people)
    assert any(c.area for c in people) and any(c.company for c in people)
    assert {c.status for c in people} >= {"active", "incomplete"}
    first = dt.datetime.combine(TODAY - dt.timedelta(days=59), dt.time())
    assert all(first <= c.registered_at < dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time()) for c in people)


def test_cards_are_in_store_ean13(shop):
    barcodes = [c.barcode for c in Card.select()]
    assert len(barcodes) > 80
    for code in barcodes:
        assert len(code) == 13 and code.isdigit() and code.startswith("2")
        assert code == demo.ean13(code[:12])
        weights = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code))
        assert weights % 10 == 0
    gift = Card.get(Card.kind == "gift")
    assert GiftCardEntry.select().where((GiftCardEntry.card == gift) & (GiftCardEntry.kind == "redeem")).exists()


def test_loyal_regulars_and_many_one_time_buyers(shop):
    visits = pw.fn.COUNT(Receipt.id)
    counts = [
        n
        for (n,) in Receipt.select(visits)
        .where((Receipt.kind == "sale") & Receipt.customer.is_null(False))
        .group_by(Receipt.customer)
        .tuples()
    ]
    once = sum(1 for n in counts if n == 1)
    assert once > len(counts) * 0.35
    assert max(counts) >= 6
    assert sum(1 for n in counts if n >= 3) >= 5


def test_money_paths_all_appear(shop):
    methods = {m for (m,) in Payment.select(Payment.method).distinct().tuples()}
    assert methods >= {"cash", "card", "credit", "points", "voucher", "giftcard"}
    assert {k for (k,) in PointsEntry.select(PointsEntry.kind).distinct().tuples()} >= {"earn", "redeem", "reverse"}
    assert {k for (k,) in DebtEntry.select(DebtEntry.kind).distinct().tuples()} >= {"credit_sale", "payment"}
    # Credit stays within each customer's limit.
    assert (
        not Customer.select()
        .where(Customer.credit_limit.is_null(False) & (Customer.debt_balance > Customer.credit_limit))
        .exists()
    )
    assert not Customer.select().where(Customer.credit_limit.is_null() & (Customer.debt_balance != 0)).exists()


def test_returns_are_whole_and_partial(shop):
    returns = list(Receipt.select().where(Receipt.kind == "return"))
    whole = [r for r in returns if r.total == r.return_of.total]
    partial = [r for r in returns if r.total < r.return_of.total]
    assert whole and partial
    assert ReceiptLine.select().where(ReceiptLine.return_of_line.is_null(False)).exists()
    assert all(r.at > r.return_of.at for r in returns)


def test_some_customers_use_vouchers_on_more_than_two_receipts(shop):
    receipts = pw.fn.COUNT(VoucherUse.receipt.distinct())
    heavy = (
        VoucherUse.select(VoucherUse.customer)
        .where(VoucherUse.customer.is_null(False))
        .group_by(VoucherUse.customer)
        .having(receipts > 2)
    )
    assert heavy.count() >= 1


def test_visitors_every_opening_hour_at_least_the_buyers(shop):
    rows = list(VisitCount.select())
    assert len(rows) == 60 * (demo.CLOSE_HOUR - demo.OPEN_HOUR)
    assert {r.source for r in rows} == {"counter:demo"}
    assert sum(r.visitors_in for r in rows) == shop.visitors
    buyers = {}
    for (at,) in Receipt.select(Receipt.at).where(Receipt.kind == "sale").tuples():
        hour = at.replace(minute=0, second=0)
        buyers[hour] = buyers.get(hour, 0) + 1
    assert all(r.visitors_in >= buyers.get(r.hour, 0) for r in rows)
    assert all(demo.OPEN_HOUR <= hour.hour < demo.CLOSE_HOUR for hour in buyers)


def test_surveys_groups_and_a_custom_property(shop):
    second = SurveyQuestion.get(SurveyQuestion.ask_at_card_read == True)  # noqa: E712
    answers = list(SurveyAnswer.select().where(SurveyAnswer.question == second))
    assert answers and all(a.receipt_id and a.answer in second.choices.split("\n") for a in answers)
    assert SurveyAnswer.select().where(SurveyAnswer.question != second).count() > 10
    assert CustomerGroup.select().count() > 0
    assert PropertyValue.select().count() > 0


def test_same_seed_same_day_same_shop_and_another_seed_another(tmp_path):
    def fingerprint(path, seed):
        database, _summary = make(path, customers=25, days=20, seed=seed)
        people = list(
            Customer.select(Customer.code, Customer.name, Customer.phone, Customer.birthday)
            .order_by(Customer.id)
            .tuples()
        )
        receipts = list(
            Receipt.select(Receipt.number, Receipt.at, Receipt.total, Receipt.customer).order_by(Receipt.id).tuples()
        )
        settings.clear_cache()
        database.close()
        return people, receipts

    first = fingerprint(tmp_path / "a.sqlite", 5)
    assert fingerprint(tmp_path / "b.sqlite", 5) == first
    assert fingerprint(tmp_path / "c.sqlite", 6) != first


def test_refuses_a_shop_with_data_and_bad_sizes(database):
    with pytest.raises(UsageError):
        demo.make_demo(customers=0)
    with pytest.raises(UsageError):
        demo.make_demo(days=0)
    demo.make_demo(customers=3, days=2, today=TODAY)
    with pytest.raises(RuleViolation, match="already has customers, cards or receipts"):
        demo.make_demo(customers=3, days=2, today=TODAY)


def test_keeps_the_pin_of_an_existing_user(database):
    users.add_user("lan", "manager", "9876", SYSTEM)
    demo.make_demo(customers=3, days=2, today=TODAY, actor=SYSTEM)
    assert users.verify_pin("lan", "9876").role == "manager"
    assert users.verify_pin("minh", "3333").role == "cashier"


def test_a_shop_with_users_is_filled_only_by_someone_who_may_add_users(database):
    from shoptui.errors import PermissionDenied
    from shoptui.services.context import Actor

    users.add_user("lan", "cashier", "9876", SYSTEM)
    for nobody in (None, Actor(user=users.get_user("lan"))):
        with pytest.raises(PermissionDenied):
            demo.make_demo(customers=3, days=2, today=TODAY, actor=nobody)
    assert Customer.select().count() == 0 and users.list_users()[0].name == "lan"


def test_a_shop_with_two_stores_sells_and_counts_in_both(database):
    from shoptui.models import Store
    from shoptui.services.stores import add_store

    add_store("Q3", "Cửa hàng Quận 3")
    summary = demo.make_demo(customers=40, days=5, seed=9, today=TODAY)
    stores = {code for (code,) in Receipt.select(Store.code).join(Store).distinct().tuples()}
    assert stores == {"MAIN", "Q3"}
    assert VisitCount.select().count() == 2 * 5 * (demo.CLOSE_HOUR - demo.OPEN_HOUR)
    assert summary.visitors == sum(v.visitors_in for v in VisitCount.select())
    assert check.run_checks() == []


def test_a_demo_made_during_the_day_has_nothing_after_now(database, monkeypatch):
    from shoptui import clock

    now = dt.datetime.combine(TODAY, dt.time(9, 5))
    monkeypatch.setattr(clock, "now", lambda: now)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    summary = demo.make_demo(customers=60, days=3, seed=5)
    assert summary.customers == 60 == Customer.select().count()  # also those planned for tonight
    assert Customer.select(pw.fn.MAX(Customer.registered_at)).scalar() <= now
    latest = Receipt.select(pw.fn.MAX(Receipt.at)).scalar()
    assert latest is not None and latest <= now
    assert Receipt.select().where(Receipt.at >= dt.datetime.combine(TODAY, dt.time(8))).exists()
    last_hour = VisitCount.select(pw.fn.MAX(VisitCount.hour)).scalar()
    assert last_hour + dt.timedelta(hours=1) <= now
    assert check.run_checks() == []


def test_the_registration_survey_asks_nothing_a_new_customer_cannot_answer(shop):
    from shoptui.services import surveys

    asked = surveys.registration_questions()
    assert len(asked) == 1 and not asked[0].ask_at_card_read
    rating = SurveyQuestion.get(SurveyQuestion.ask_at_card_read == True)  # noqa: E712
    assert rating.target == "group"
    raters = {a.customer_id for a in SurveyAnswer.select().where(SurveyAnswer.question == rating)}
    members = {link.customer_id for link in CustomerGroup.select().where(CustomerGroup.group == rating.group_id)}
    assert raters and raters <= members


def test_the_survey_questions_are_in_the_language_of_the_demo(database):
    from shoptui import i18n

    before = i18n.language()
    i18n.set_language("vi")
    try:
        demo.make_demo(customers=5, days=2, today=TODAY)
    finally:
        i18n.set_language(before)
    texts = [q.text for q in SurveyQuestion.select()]
    assert texts and not any("shop" in text for text in texts)


def test_the_summary_line_says_one_return_not_one_returns():
    summary = demo.DemoSummary(
        customers=1, sales=2, anonymous=1, returns=1, debt_payments=1, visitors=1, first_day=TODAY, last_day=TODAY
    )
    line = summary.line()
    assert "1 customer," in line and "2 sales (1 anonymous)" in line and "1 return," in line
    assert "1 debt payment and 1 visitor from" in line
    many = demo.DemoSummary(
        customers=3, sales=5, anonymous=0, returns=2, debt_payments=0, visitors=7, first_day=TODAY, last_day=TODAY
    ).line()
    assert "3 customers, 5 sales (0 anonymous), 2 returns, 0 debt payments and 7 visitors" in many
