"""What the customer card shows, read-only, as plain dataclasses (no model rows leave here).

The card asks for its header and profile at once and for each list a page at a time,
because a regular's sales or points ledger may run to thousands of rows. Running
balances of the ledgers come from a SQL window (``SUM(...) OVER (ORDER BY at, id)``),
computed over every entry of the customer before the page is cut, so a page in the
middle of the history still shows the true balance after each entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import peewee as pw

from .. import clock
from ..models import (
    CHANNELS,
    Card,
    CardBinding,
    Customer,
    CustomerGroup,
    DebtEntry,
    Group,
    Payment,
    PointsEntry,
    PropertyDefinition,
    PropertyValue,
    Receipt,
    Store,
    SurveyAnswer,
    SurveyQuestion,
    User,
)
from ..models.ledgers import in_ledger_of
from . import customers, debts

T = TypeVar("T")

# Unpaid debt by how long ago it arose, in days (the last bucket is open-ended).
AGING_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: ``rows`` from ``offset`` on, out of ``total``."""

    rows: list[T]
    offset: int
    total: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.rows) < self.total


@dataclass(frozen=True)
class Header:
    """The facts the card's header always shows; money in minor units."""

    id: int
    code: str
    name: str
    phone: str | None  # E.164, None when unreadable
    phone_typed: str
    status: str
    points: int
    debt: int
    credit_limit: int | None
    credit_left: int | None  # None: no limit
    discount_bp: int
    birthday: dt.date | None
    birthday_this_week: bool
    # Codes the screen translates: "incomplete", "archived", "merged", "over_credit_limit",
    # "debt_too_old" (the last two are the shop's credit rule, as a credit sale applies it).
    flags: tuple[str, ...]
    current_cards: tuple[str, ...]
    debt_days: int | None = None  # how long the oldest unpaid debt has been unpaid


@dataclass(frozen=True)
class PropertyRow:
    code: str
    name: str
    kind: str
    value: str | None  # canonical text (ISO date, decimal string, "1"/"0"), None when not set
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    id: int
    code: str
    name: str
    phone: str | None
    phone_typed: str
    gender: str | None
    birthday: dt.date | None
    email: str
    company: str
    address: str
    area: str
    status: str
    registered_at: dt.datetime
    store_code: str
    store_name: str
    registered_by: str | None
    discount_bp: int
    credit_limit: int | None
    credit_left: int | None
    debt: int
    points: int
    total_sales: int
    last_purchase_at: dt.datetime | None
    consents: dict[str, bool]
    groups: tuple[str, ...]
    properties: tuple[PropertyRow, ...]
    notes: str
    merged_into: str | None  # the code of the customer this one was merged into


@dataclass(frozen=True)
class SaleRow:
    id: int
    number: str
    at: dt.datetime
    store: str
    total: int
    discount: int
    on_credit: int
    points_earned: int
    points_redeemed: int
    returned: int  # the totals of its returns


@dataclass(frozen=True)
class ReturnRow:
    id: int
    number: str
    at: dt.datetime
    store: str
    total: int
    sale_number: str | None
    points_reversed: int


@dataclass(frozen=True)
class CardRow:
    barcode: str
    kind: str
    bound_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str | None  # "withdrawn", "replaced" or None while held
    replaced_by: str | None  # the new card's barcode

    @property
    def current(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class LedgerRow:
    """One points or debt entry with the balance right after it."""

    id: int
    at: dt.datetime
    kind: str
    amount: int  # points, or money in minor units; signed
    balance: int
    receipt: str | None
    method: str | None
    user: str | None
    reason: str


@dataclass(frozen=True)
class Aging:
    """Unpaid debt by age, paying the oldest debt first (as ``debts.oldest_unpaid`` does)."""

    total: int
    oldest_unpaid: dt.datetime | None
    days: int | None
    buckets: tuple[tuple[str, int], ...] = field(default_factory=tuple)  # (label, amount)


@dataclass(frozen=True)
class AnswerRow:
    question: str
    answer: str
    at: dt.datetime
    user: str | None


def birthday_in_week(birthday: dt.date | None, today: dt.date) -> bool:
    """Whether the birthday falls in the ISO week (Monday to Sunday) of ``today``.

    A 29 February birthday is kept on 28 February in other years, as shops do.
    """
    if birthday is None:
        return False
    monday = today - dt.timedelta(days=today.weekday())
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        if (day.month, day.day) == (birthday.month, birthday.day):
            return True
        if (birthday.month, birthday.day) == (2, 29) and (day.month, day.day) == (2, 28) and not _leap(day.year):
            return True
    return False


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def current_cards(customer_id: int) -> tuple[str, ...]:
    query = (
        Card.select(Card.barcode)
        .join(CardBinding, on=(CardBinding.card == Card.id))
        .where((CardBinding.customer == customer_id) & CardBinding.ended_at.is_null())
        .order_by(CardBinding.bound_at.desc(), CardBinding.id.desc())
    )
    return tuple(barcode for (barcode,) in query.tuples())


def header(customer_id: int, today: dt.date | None = None) -> Header:
    customer = customers.get(customer_id)
    today = today or clock.today()
    flags = []
    if customer.status in ("incomplete", "archived"):
        flags.append(customer.status)
    if customer.merged_into_id is not None:
        flags.append("merged")
    debt_days = debts.aging_days(customer, today) if customer.debt_balance > 0 else None
    flags.extend(credit_rule_flags(customer, debt_days))
    return Header(
        id=customer.id,
        code=customer.code,
        name=customer.name,
        phone=customer.phone,
        phone_typed=customer.phone_typed,
        status=customer.status,
        points=customer.points_balance,
        debt=customer.debt_balance,
        credit_limit=debts.credit_limit(customer),
        credit_left=debts.credit_left(customer),
        discount_bp=customer.discount_bp,
        birthday=customer.birthday,
        birthday_this_week=birthday_in_week(customer.birthday, today),
        flags=tuple(flags),
        current_cards=current_cards(customer.id),
        debt_days=debt_days,
    )


def credit_rule_flags(customer: Customer, debt_days: int | None) -> list[str]:
    """Where the customer stands against the shop's credit rule, read at the card as the
    sale service reads it at a credit sale (its limit, with the shop's default, and
    ``credit_max_age_days``): "over_credit_limit" and "debt_too_old"."""
    flags = []
    limit = debts.credit_limit(customer)
    if limit is not None and customer.debt_balance > limit:
        flags.append("over_credit_limit")
    if debts.too_old(debt_days):
        flags.append("debt_too_old")
    return flags


def profile(customer_id: int) -> Profile:
    customer = customers.get(customer_id)
    store = Store.get_by_id(customer.store_id)
    registered_by = User.get_or_none(User.id == customer.registered_by_id) if customer.registered_by_id else None
    merged = Customer.get_or_none(Customer.id == customer.merged_into_id) if customer.merged_into_id else None
    groups = (
        Group.select(Group.name)
        .join(CustomerGroup, on=(CustomerGroup.group == Group.id))
        .where(CustomerGroup.customer == customer.id)
        .order_by(Group.name)
    )
    return Profile(
        id=customer.id,
        code=customer.code,
        name=customer.name,
        phone=customer.phone,
        phone_typed=customer.phone_typed,
        gender=customer.gender,
        birthday=customer.birthday,
        email=customer.email,
        company=customer.company,
        address=customer.address,
        area=customer.area,
        status=customer.status,
        registered_at=customer.registered_at,
        store_code=store.code,
        store_name=store.name,
        registered_by=registered_by.name if registered_by else None,
        discount_bp=customer.discount_bp,
        credit_limit=customer.credit_limit,
        credit_left=debts.credit_left(customer),
        debt=customer.debt_balance,
        points=customer.points_balance,
        total_sales=customer.total_sales,
        last_purchase_at=customer.last_purchase_at,
        consents={channel: bool(getattr(customer, f"consent_{channel}")) for channel in CHANNELS},
        groups=tuple(name for (name,) in groups.tuples()),
        properties=properties(customer.id),
        notes=customer.notes,
        merged_into=merged.code if merged else None,
    )


def properties(customer_id: int) -> tuple[PropertyRow, ...]:
    """Every active property the shop defined, with this customer's value or None."""
    value = PropertyValue.alias()
    query = (
        PropertyDefinition.select(
            PropertyDefinition.code,
            PropertyDefinition.name,
            PropertyDefinition.kind,
            PropertyDefinition.choices,
            value.value,
        )
        .join(
            value,
            pw.JOIN.LEFT_OUTER,
            on=((value.definition == PropertyDefinition.id) & (value.customer == customer_id)),
        )
        .where(PropertyDefinition.active == True)  # noqa: E712 (SQL, not Python)
        .order_by(PropertyDefinition.position, PropertyDefinition.id)
    )
    return tuple(
        PropertyRow(code, name, kind, val, tuple(c for c in (choices or "").split("\n") if c))
        for code, name, kind, choices, val in query.tuples()
    )


def _whole(make, *positions: int):
    """``make`` with the values at ``positions`` as int: PostgreSQL gives SUMs as Decimal."""

    def build(*row):
        values = list(row)
        for position in positions:
            values[position] = int(values[position] or 0)
        return make(*values)

    return build


def _page(query, count_query, limit: int, offset: int, make) -> Page:
    limit, offset = max(0, limit), max(0, offset)
    rows = [make(*values) for values in query.limit(limit).offset(offset).tuples()]
    return Page(rows, offset, count_query.count())


def sales(customer_id: int, limit: int = 50, offset: int = 0) -> Page[SaleRow]:
    """The customer's sale receipts, newest first."""
    returns = Receipt.alias("returns")
    returned = returns.select(pw.fn.COALESCE(pw.fn.SUM(returns.total), 0)).where(returns.return_of == Receipt.id)
    on_credit = Payment.select(pw.fn.COALESCE(pw.fn.SUM(Payment.amount), 0)).where(
        (Payment.receipt == Receipt.id) & (Payment.method == "credit")
    )
    where = (Receipt.customer == customer_id) & (Receipt.kind == "sale")
    query = (
        Receipt.select(
            Receipt.id,
            Receipt.number,
            Receipt.at,
            Store.code,
            Receipt.total,
            Receipt.discount,
            on_credit.alias("on_credit"),
            Receipt.points_earned,
            Receipt.points_redeemed,
            returned.alias("returned"),
        )
        .join(Store, on=(Receipt.store == Store.id))
        .where(where)
        .order_by(Receipt.at.desc(), Receipt.id.desc())
    )
    return _page(query, Receipt.select().where(where), limit, offset, _whole(SaleRow, 6, 9))


def returns(customer_id: int, limit: int = 50, offset: int = 0) -> Page[ReturnRow]:
    """The customer's return receipts, newest first, with the sale each one returns."""
    sale = Receipt.alias("sale")
    # 0 - x, not -x: peewee reads a unary minus as DESC (and "0 - query" as EXCEPT).
    reversed_points = PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(0 - PointsEntry.points), 0)).where(
        (PointsEntry.receipt == Receipt.id) & (PointsEntry.kind == "reverse")
    )
    where = (Receipt.customer == customer_id) & (Receipt.kind == "return")
    query = (
        Receipt.select(
            Receipt.id,
            Receipt.number,
            Receipt.at,
            Store.code,
            Receipt.total,
            sale.number,
            reversed_points.alias("points_reversed"),
        )
        .join(Store, on=(Receipt.store == Store.id))
        .switch(Receipt)
        .join(sale, pw.JOIN.LEFT_OUTER, on=(Receipt.return_of == sale.id))
        .where(where)
        .order_by(Receipt.at.desc(), Receipt.id.desc())
    )
    return _page(query, Receipt.select().where(where), limit, offset, _whole(ReturnRow, 6))


def cards(customer_id: int) -> list[CardRow]:
    """Every binding of the customer: the cards held now first, then the past ones, newest first."""
    new_card = Card.alias("new_card")
    query = (
        CardBinding.select(
            Card.barcode,
            Card.kind,
            CardBinding.bound_at,
            CardBinding.ended_at,
            CardBinding.end_reason,
            new_card.barcode,
        )
        .join(Card, on=(CardBinding.card == Card.id))
        .switch(CardBinding)
        .join(new_card, pw.JOIN.LEFT_OUTER, on=(CardBinding.replaced_by == new_card.id))
        .where(CardBinding.customer == customer_id)
        .order_by(CardBinding.ended_at.is_null(False), CardBinding.bound_at.desc(), CardBinding.id.desc())
    )
    return [CardRow(*values) for values in query.tuples()]


def points_ledger(customer_id: int, limit: int = 50, offset: int = 0) -> Page[LedgerRow]:
    """Points entries, newest first, each with the balance after it."""
    return _ledger_page(PointsEntry, PointsEntry.points, pw.Value(None).alias("method"), customer_id, limit, offset)


def debt_ledger(customer_id: int, limit: int = 50, offset: int = 0) -> Page[LedgerRow]:
    """Debt entries (+ owes more, − owes less), newest first, each with the balance after it."""
    return _ledger_page(DebtEntry, DebtEntry.amount, DebtEntry.method, customer_id, limit, offset)


def _ledger_page(model, value, method, customer_id: int, limit: int, offset: int) -> Page[LedgerRow]:
    """A page of one of the customer's ledgers (``value`` the entry's signed column,
    ``method`` how it was paid, where the ledger says), newest first, each entry with the
    balance after it."""
    balance = pw.fn.SUM(value).over(order_by=[model.at, model.id])
    query = (
        model.select(
            model.id,
            model.at,
            model.kind,
            value,
            balance.alias("balance"),
            Receipt.number,
            method,
            User.name,
            model.reason,
        )
        .join(Receipt, pw.JOIN.LEFT_OUTER, on=(model.receipt == Receipt.id))
        .switch(model)
        .join(User, pw.JOIN.LEFT_OUTER, on=(model.user == User.id))
        .where(in_ledger_of(model, customer_id))
        # The window orders oldest first; the page newest first. SQL computes the window
        # over every row of the WHERE before ORDER BY and LIMIT cut the page.
        .order_by(model.at.desc(), model.id.desc())
    )
    count = model.select().where(in_ledger_of(model, customer_id))
    return _page(query, count, limit, offset, _whole(LedgerRow, 4))


def debt_aging(customer_id: int, today: dt.date | None = None) -> Aging:
    """What is still unpaid, by the age of the debt it belongs to.

    Every decrease (payment, return, adjustment down) pays the oldest increases first: an
    increase is unpaid for the part of it that lies beyond all decreases once the
    increases are stacked oldest first (a running sum in SQL).
    """
    today = today or clock.today()
    paid = -int(
        DebtEntry.select(pw.fn.COALESCE(pw.fn.SUM(DebtEntry.amount), 0))
        .where(in_ledger_of(DebtEntry, customer_id) & (DebtEntry.amount < 0))
        .scalar()
        or 0
    )
    stacked = (
        DebtEntry.select(
            DebtEntry.at,
            DebtEntry.amount,
            pw.fn.SUM(DebtEntry.amount).over(order_by=[DebtEntry.at, DebtEntry.id]).alias("reached"),
        )
        .where(in_ledger_of(DebtEntry, customer_id) & (DebtEntry.amount > 0))
        .alias("stacked")
    )
    # Only the increases that reach beyond what was paid are read (a window's value cannot
    # be filtered in its own SELECT, hence the subquery).
    unpaid_rows = (
        pw.Select(from_list=[stacked], columns=[stacked.c.at, stacked.c.amount, stacked.c.reached])
        .where(stacked.c.reached > paid)
        .order_by(stacked.c.reached)
        .bind(DebtEntry._meta.database)
        .tuples()
    )
    amounts = {label: 0 for label in _bucket_labels()}
    oldest = None
    total = 0
    for raw_at, amount, reached in unpaid_rows:
        at = DebtEntry.at.python_value(raw_at)  # a subquery's column comes back untyped on SQLite
        unpaid = min(int(amount), int(reached) - paid)
        oldest = at if oldest is None else oldest
        amounts[_bucket((today - at.date()).days)] += unpaid
        total += unpaid
    return Aging(
        total=total,
        oldest_unpaid=oldest,
        days=(today - oldest.date()).days if oldest else None,
        buckets=tuple(amounts.items()),
    )


def _bucket_labels() -> list[str]:
    return [f"{low}-{high}" if high is not None else f"{low}+" for low, high in AGING_BUCKETS]


def _bucket(days: int) -> str:
    for (_low, high), label in zip(AGING_BUCKETS, _bucket_labels()):
        if high is None or days <= high:
            return label
    return _bucket_labels()[-1]


def survey_answers(customer_id: int, limit: int = 50, offset: int = 0) -> Page[AnswerRow]:
    where = SurveyAnswer.customer == customer_id
    query = (
        SurveyAnswer.select(SurveyQuestion.text, SurveyAnswer.answer, SurveyAnswer.at, User.name)
        .join(SurveyQuestion, on=(SurveyAnswer.question == SurveyQuestion.id))
        .switch(SurveyAnswer)
        .join(User, pw.JOIN.LEFT_OUTER, on=(SurveyAnswer.user == User.id))
        .where(where)
        .order_by(SurveyAnswer.at.desc(), SurveyAnswer.id.desc())
    )
    return _page(query, SurveyAnswer.select().where(where), limit, offset, AnswerRow)
