"""Day close: what one cashier (or everyone) took in one day. Read-only SQL aggregates.

With cash rounding (services.cash_rounding) the receipts' cash is the rounded cash and
``rounding`` is a line of its own, and the day close adds the cash expected in the drawer.

Receipts count by the day of their sale time; payments by method are the receipts'
payments, sales less returns; debt payments are counted apart, by method, since they
are money in without a receipt. A store narrows the receipts; debt payments are not
recorded per store, so they stay the user's (or everyone's) of that day. Gift cards sold
or topped up are money in the drawer too, but no revenue (the money is the holder's):
they have lines of their own, by the method the buyer paid with, and like debt payments
they are the user's (or everyone's) of that day.

``figures`` is the one list of lines the Day close screen, its CSV and ``shoptui
day-close`` all show, so the three cannot disagree. An owner or manager sees the whole
shop and may narrow it to one user; a cashier sees their own day (``scope``).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from .. import files
from ..errors import PermissionDenied
from ..i18n import N_, _
from ..models import DebtEntry, GiftCardEntry, Payment, Receipt, Store, User
from ..money import as_string
from . import settings
from .context import Actor, allows

# What seeing everyone's day (or another user's) needs: a manager or the owner.
WHOLE_SHOP = "day_close_all"


@dataclass(frozen=True)
class DayClose:
    day: dt.date
    user_id: int | None
    user_name: str | None
    sales_count: int
    sales_total: int
    discounts: int
    returns_count: int
    returns_total: int
    debt_payments_count: int
    debt_payments_total: int
    by_method: list[tuple[str, int]]  # receipts: sales less returns
    debt_by_method: list[tuple[str, int]]
    store_code: str | None = None
    gift_cards_count: int = 0
    gift_cards_total: int = 0
    gift_by_method: list[tuple[str, int]] = field(
        default_factory=list
    )  # gift cards sold or topped up, by how they were paid


@dataclass(frozen=True)
class Figure:
    """One line of the day close: ``section``/``what`` are the CSV's English keys,
    ``label`` what a person reads; ``count`` None where counting means nothing."""

    section: str
    what: str
    label: str
    count: int | None
    amount: int


METHOD_NAMES = {
    "cash": N_("cash"),
    "card": N_("bank card"),
    "transfer": N_("transfer"),
    "credit": N_("on credit"),
    "points": N_("points"),
    "voucher": N_("voucher"),
    "giftcard": N_("gift card"),
    "rounding": N_("cash rounding"),
    "advance": N_("from the advance"),
}
SECTION_TITLES = {
    "payments": N_("Payments by method (sales less returns)"),
    "debt_payments": N_("Debt payments by method"),
    "gift_card_payments": N_("Gift cards sold or topped up, by method"),
    "drawer": N_("Cash in the drawer"),
}


def method_name(method: str) -> str:
    return _(METHOD_NAMES[method]) if method in METHOD_NAMES else method


def figures(report: DayClose) -> list[Figure]:
    """The day close line by line, in the order it is shown."""
    lines = [
        Figure("receipts", "sales", _("Sales"), report.sales_count, report.sales_total),
        Figure("receipts", "discounts", _("Discounts given"), None, report.discounts),
        Figure("receipts", "returns", _("Returns"), report.returns_count, report.returns_total),
        Figure("debt", "payments", _("Debt payments"), report.debt_payments_count, report.debt_payments_total),
    ]
    if report.gift_cards_count:
        lines.append(
            Figure(
                "gift_cards",
                "sold",
                _("Gift cards sold or topped up"),
                report.gift_cards_count,
                report.gift_cards_total,
            )
        )
    lines += [Figure("payments", method, method_name(method), None, amount) for method, amount in report.by_method]
    lines += [
        Figure("debt_payments", method, method_name(method), None, amount) for method, amount in report.debt_by_method
    ]
    lines += [
        Figure("gift_card_payments", method, method_name(method), None, amount)
        for method, amount in report.gift_by_method
    ]
    if any(method == "rounding" for method, _amount in report.by_method):
        # With cash rounding the receipts' cash is the rounded cash, and the rounding its own
        # line (never revenue, never in the drawer): the cash to count is said once, here.
        lines.append(Figure("drawer", "expected_cash", _("Cash expected in the drawer"), None, expected_cash(report)))
    return lines


def expected_cash(report: DayClose) -> int:
    """The cash the drawer should hold from the day: the receipts' cash (rounded, less cash
    refunds), cash debt payments and gift cards sold for cash."""
    return sum(
        amount
        for rows in (report.by_method, report.debt_by_method, report.gift_by_method)
        for method, amount in rows
        if method == "cash"
    )


def sees_whole_shop(actor: Actor | None) -> bool:
    """An owner or manager, the system (the command line), or nobody in a shop without
    users, sees everyone's day."""
    return allows(actor, WHOLE_SHOP)


def scope(actor: Actor | None, user_id: int | None = None) -> int | None:
    """Whose day ``actor`` sees when asking for ``user_id`` (None: everyone): a cashier
    only ever their own."""
    if sees_whole_shop(actor):
        return user_id
    if actor is None or actor.user is None:
        raise PermissionDenied(_("Nobody is signed in: sign in with your user name and PIN to see the day close."))
    if user_id not in (None, actor.user_id):
        raise PermissionDenied(_("A cashier sees only their own day close; ask a manager."))
    return actor.user_id


def users_to_choose(actor: Actor | None) -> list[tuple[int, str]]:
    """The users an owner or manager may narrow the day close to, by name; none for a cashier."""
    if not sees_whole_shop(actor):
        return []
    return [(user.id, user.name) for user in User.select(User.id, User.name).order_by(User.name)]


def title(report: DayClose, date_text: str | None = None) -> str:
    who = report.user_name or _("everyone")
    if report.store_code:
        who = _("{who} in store {store}").format(who=who, store=report.store_code)
    return _("Day close {date} — {who}").format(date=date_text or report.day.isoformat(), who=who)


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time())
    return start, start + dt.timedelta(days=1)


def day_close(day: dt.date, user_id: int | None = None, store_id: int | None = None) -> DayClose:
    start, end = _bounds(day)
    where = (Receipt.at >= start) & (Receipt.at < end)
    if user_id is not None:
        where &= Receipt.cashier == user_id
    if store_id is not None:
        where &= Receipt.store == store_id
    totals = {
        kind: (int(count or 0), int(total or 0), int(discount or 0))
        for kind, count, total, discount in Receipt.select(
            Receipt.kind, pw.fn.COUNT(Receipt.id), pw.fn.SUM(Receipt.total), pw.fn.SUM(Receipt.discount)
        )
        .where(where)
        .group_by(Receipt.kind)
        .tuples()
    }
    sign = pw.Case(Receipt.kind, [("return", -1)], 1)
    by_method = [
        (method, int(amount or 0))
        for method, amount in Payment.select(Payment.method, pw.fn.SUM(Payment.amount * sign))
        .join(Receipt, on=(Payment.receipt == Receipt.id))
        .where(where)
        .group_by(Payment.method)
        .order_by(Payment.method)
        .tuples()
    ]
    # A payment in advance (more than the debt) is money in like any debt payment.
    debt_where = DebtEntry.kind.in_(("payment", "advance")) & (DebtEntry.at >= start) & (DebtEntry.at < end)
    if user_id is not None:
        debt_where &= DebtEntry.user == user_id
    debt_by_method = [
        (method or "", int(-(amount or 0)))
        for method, amount in DebtEntry.select(DebtEntry.method, pw.fn.SUM(DebtEntry.amount))
        .where(debt_where)
        .group_by(DebtEntry.method)
        .order_by(DebtEntry.method)
        .tuples()
    ]
    debt_count = DebtEntry.select().where(debt_where).count()
    # A load's payment method is kept in the entry's reason (services/vouchers.top_up_gift_card).
    gift_where = GiftCardEntry.kind.in_(("issue", "topup")) & (GiftCardEntry.at >= start) & (GiftCardEntry.at < end)
    if user_id is not None:
        gift_where &= GiftCardEntry.user == user_id
    gift_by_method = [
        (method or "cash", int(amount or 0))
        for method, amount in GiftCardEntry.select(GiftCardEntry.reason, pw.fn.SUM(GiftCardEntry.amount))
        .where(gift_where)
        .group_by(GiftCardEntry.reason)
        .order_by(GiftCardEntry.reason)
        .tuples()
    ]
    gift_count = GiftCardEntry.select().where(gift_where).count()
    user = User.get_or_none(User.id == user_id) if user_id is not None else None
    store = Store.get_or_none(Store.id == store_id) if store_id is not None else None
    sales = totals.get("sale", (0, 0, 0))
    returns = totals.get("return", (0, 0, 0))
    return DayClose(
        day=day,
        user_id=user_id,
        user_name=user.name if user else None,
        sales_count=sales[0],
        sales_total=sales[1],
        discounts=sales[2],
        returns_count=returns[0],
        returns_total=returns[1],
        debt_payments_count=debt_count,
        debt_payments_total=sum(amount for _m, amount in debt_by_method),
        by_method=by_method,
        debt_by_method=debt_by_method,
        store_code=store.code if store else None,
        gift_cards_count=gift_count,
        gift_cards_total=sum(amount for _m, amount in gift_by_method),
        gift_by_method=gift_by_method,
    )


def write_csv(report: DayClose, path: Path) -> Path:
    """The day close as a CSV file at ``path``; a path the system refuses is one sentence."""
    path = files.check_output(path)
    with files.atomic_output(path) as partial, partial.open("w", newline="", encoding="utf-8") as out:
        write_rows(report, out)
    return path


# The CSV is data for a spreadsheet or a script: its header and its rows are the same
# English keys in every interface language (the screen and the table are translated).
CSV_HEADER = ("section", "what", "count", "amount")


def write_rows(report: DayClose, out) -> None:
    """One row per figure: section, what, count, amount (a decimal in the major unit of
    the shop currency, as every export writes money)."""
    currency = settings.currency()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerow(["day", report.day.isoformat(), "", ""])
    writer.writerow(["user", report.user_name or "", "", ""])
    writer.writerow(["store", report.store_code or "", "", ""])
    for figure in figures(report):
        count = "" if figure.count is None else figure.count
        writer.writerow([figure.section, figure.what, count, as_string(figure.amount, currency)])
