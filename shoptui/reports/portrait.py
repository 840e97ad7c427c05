"""The customer portrait (iPOS CRM's "Bức tranh khách hàng"): the customer base at a glance.

Every figure follows SPEC.md "Definitions the reports use" and is computed by SQL
aggregates; Python only reshapes the few rows a GROUP BY returns.

Two populations are used:
- the customer base: customers registered up to the as-of day in the asked stores
  (``customers_total``, ``new_customers``, ``gender``, ``age_bands``, ``channels``);
- receipts in scope: up to the as-of day, narrowed by the period and the stores
  (``revenue``, ``receipts``, ``avg_receipt``, ``voucher_users_over_2``,
  ``visit_buckets``, ``spend_bands``, ``return_intervals``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import peewee as pw
from peewee import Case, fn

from .. import clock
from ..i18n import N_
from ..models import GENDERS, Customer, Payment, Receipt, VoucherUse
from ..models.summaries import GAP_BUCKETS, CustomerSales, ReceiptHour
from ..money import decimals
from ..services import settings
from . import Money, Share
from .query import SCOPE_LABELS, ReportQuery, all_of, day_number, scope, whole_history
from .scans import scanned

TITLE = N_("Customer portrait")

VISIT_BUCKETS = ("1", "2", "3+")
AGE_BANDS = ("<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown")
GENDER_KEYS = GENDERS + ("unknown",)
CHANNEL_KEYS = ("sms", "zalo", "facebook", "email")
# (bucket, largest gap in days it holds); the last one holds every longer gap.
INTERVAL_BUCKETS = (
    ("1", 1),
    ("2-3", 3),
    ("4-7", 7),
    ("8-14", 14),
    ("15-30", 30),
    ("31-60", 60),
    ("61-90", 90),
    ("91+", None),
)

# Spend bands are multiples of an everyday amount of the currency, so that they mean
# the same in a dong shop and a euro shop: 1, 5, 10 and 50 of these.
SPEND_UNITS = {"VND": 100_000, "IDR": 100_000, "KRW": 10_000, "JPY": 1_000, "RUB": 1_000, "UAH": 500, "INR": 1_000}
DEFAULT_SPEND_UNIT = 10  # EUR, USD, GBP, CHF and the like
SPEND_STEPS = (1, 5, 10, 50)

LABELS = {
    **SCOPE_LABELS,
    "customers_total": N_("Customers"),
    "new_customers": N_("New customers"),
    "today": N_("today"),
    "this_week": N_("this week"),
    "this_month": N_("this month"),
    "revenue": N_("Revenue"),
    "receipts": N_("Receipts"),
    "avg_receipt": N_("Average receipt"),
    "voucher_users_over_2": N_("Customers who used vouchers more than twice"),
    "visit_buckets": N_("Customers by number of visits"),
    "customers": N_("Customers"),
    "customers_share": N_("Share of customers"),
    "revenue_share": N_("Share of revenue"),
    "gender": N_("Gender"),
    "female": N_("female"),
    "male": N_("male"),
    "other": N_("other"),
    "unknown": N_("unknown"),
    "age_bands": N_("Age"),
    "spend_bands": N_("Customers by spend"),
    "channels": N_("Connected customers"),
    "sms": N_("SMS"),
    "zalo": N_("Zalo"),
    "facebook": N_("Facebook"),
    "email": N_("e-mail"),
    "return_intervals": N_("Days between visits"),
}


def portrait(query: ReportQuery) -> dict:
    query.check_stores()
    currency = settings.currency()
    revenue, receipts = _revenue_and_receipts(query)
    base = _customer_base(query)
    if whole_history(query):
        visit_buckets, spend, intervals = _from_customer_sums(currency)
    else:
        visit_buckets, spend = _buckets_and_bands_in_scope(query, currency)
        intervals = _return_intervals(query)
    return {
        **scope(query, currency),
        "customers_total": base["customers_total"],
        "new_customers": base["new_customers"],
        "revenue": Money(revenue),
        "receipts": receipts,
        "avg_receipt": Money(average(revenue, receipts)),
        "voucher_users_over_2": _voucher_users_over_2(query),
        "visit_buckets": visit_buckets,
        "gender": base["gender"],
        "age_bands": base["age_bands"],
        "spend_bands": spend,
        "channels": base["channels"],
        "return_intervals": intervals,
    }


def _customer_base(query: ReportQuery) -> dict:
    """Everything about the customer base in one scan of the customer table: the total,
    new customers today / this ISO week / this month, gender (anything else: unknown),
    age bands at the as-of date (one year more on the birthday itself, see ``_born_by``)
    and the customers each channel reaches (consent given; SMS also needs a phone)."""
    as_of = query.as_of
    counts: list[tuple[tuple[str, str], pw.Expression]] = []
    monday = as_of - dt.timedelta(days=as_of.weekday())  # ISO weeks start on Monday
    for key, day in (("today", as_of), ("this_week", monday), ("this_month", as_of.replace(day=1))):
        counts.append((("new_customers", key), Customer.registered_at >= clock.start_of_day(day)))
    for key in GENDERS:
        counts.append((("gender", key), Customer.gender == key))
    # Cumulative: the customers younger than each limit (one comparison a limit per row);
    # a band is the difference between two limits.
    for key, years in AGE_LIMITS:
        counts.append((("younger", key), Customer.birthday > _born_by(as_of, years)))
    counts.append((("age_bands", "unknown"), Customer.birthday.is_null()))
    counts.extend((("channels", key), condition) for key, condition in zip(CHANNEL_KEYS, _channel_conditions()))
    row = (
        Customer.select(fn.COUNT(pw.SQL("*")), *[_count_if(condition) for _key, condition in counts])
        .from_(_every(Customer))
        .where(query.customers_registered())
        .tuples()
        .get()
    )
    total = int(row[0])
    base: dict = {
        "customers_total": total,
        "new_customers": {},
        "gender": {},
        "younger": {},
        "age_bands": {},
        "channels": {},
    }
    for (figure, key), value in zip((key for key, _condition in counts), row[1:]):
        base[figure][key] = int(value or 0)
    base["gender"]["unknown"] = total - sum(base["gender"].values())
    younger, unknown, below = base.pop("younger"), base["age_bands"]["unknown"], 0
    ages = {}
    for key, _years in AGE_LIMITS:
        ages[key], below = younger[key] - below, younger[key]
    ages["65+"], ages["unknown"] = total - unknown - below, unknown
    base["age_bands"] = ages
    return base


def _from_customer_sums(currency: str) -> tuple[dict, dict, dict]:
    """Visit buckets, spend bands and return intervals over the whole history, in one
    pass over the per-customer sums (migration 0005) instead of every receipt."""
    c = CustomerSales
    gaps = [getattr(c, f"gaps_{suffix}") for suffix, _limit in GAP_BUCKETS]
    found, spend, values = _buckets_and_bands(
        lambda *columns: c.select(*columns).where(c.receipts > 0),
        c.sales,
        c.net,
        currency,
        [fn.COALESCE(fn.SUM(column), 0) for column in gaps],
    )
    return found, spend, {key: count for (key, _limit), count in zip(INTERVAL_BUCKETS, values)}


def _buckets_and_bands(
    select, visits: pw.ColumnBase, net: pw.ColumnBase, currency: str, extra: list
) -> tuple[dict, dict, list]:
    """Visit buckets and spend bands in one pass over per-customer rows (``select`` makes
    the query from its columns; ``visits`` and ``net`` are their sale receipts and net
    spend), with the ``extra`` aggregates' values."""
    buckets = {"1": visits == 1, "2": visits == 2, "3+": visits >= 3}
    # Spend bands cumulatively: the customers below each band's upper bound.
    bands = spend_bands(currency)
    below = [net < upper for _key, upper in bands if upper is not None]
    row = (
        select(
            fn.COUNT(pw.SQL("*")),
            *[_count_if(condition) for condition in buckets.values()],
            *[fn.COALESCE(fn.SUM(Case(None, [(condition, net)], 0)), 0) for condition in buckets.values()],
            *[_count_if(condition) for condition in below],
            *extra,
        )
        .tuples()
        .get()
    )
    total, values = int(row[0] or 0), [int(value or 0) for value in row[1:]]
    n = len(buckets)
    found = {key: (values[i], values[n + i]) for i, key in enumerate(buckets)}
    cumulative = values[2 * n : 2 * n + len(below)] + [total]
    spend = {key: count - previous for (key, _upper), count, previous in zip(bands, cumulative, [0] + cumulative)}
    return _bucket_shares(found), spend, values[2 * n + len(below) :]


def _buckets_and_bands_in_scope(query: ReportQuery, currency: str) -> tuple[dict, dict]:
    """Visit buckets and spend bands from one GROUP BY of the receipts in scope."""
    per = _per_customer(query).alias("per_customer")
    found, spend, _values = _buckets_and_bands(
        lambda *columns: Receipt.select(*columns).from_(per),
        per.c.visits,
        per.c.net,
        currency,
        [],
    )
    return found, spend


def average(revenue: int, receipts: int) -> int:
    """Revenue per receipt in minor units, rounded half-up; 0 without receipts."""
    if not receipts:
        return 0
    return int((Decimal(revenue) / Decimal(receipts)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# -- SQL building blocks -------------------------------------------------------------------

IS_SALE = Receipt.kind == "sale"
# A receipt's signed contribution to revenue: sales add, returns subtract
# (written 0 - total: a unary minus on a peewee column means DESC).
SIGNED_TOTAL = Case(None, [(IS_SALE, Receipt.total), (Receipt.kind == "return", 0 - Receipt.total)], 0)
SALE_COUNT = Case(None, [(IS_SALE, 1)], 0)


def _count_if(condition: pw.Expression) -> pw.ColumnBase:
    return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)


def _histogram(source: pw.Select, keys: tuple[str, ...]) -> dict[str, int]:
    """Counts per ``bucket`` column of ``source``, every key present.

    The bucket is computed in a derived table and grouped outside it: PostgreSQL does
    not see a parameterised CASE in SELECT and in GROUP BY as the same expression.
    """
    table = source.alias("bucketed")
    rows = Receipt.select(table.c.bucket, fn.COUNT(pw.SQL("*"))).from_(table).group_by(table.c.bucket).tuples()
    counts = {key: 0 for key in keys}
    for bucket, count in rows:
        counts[bucket] = int(count)
    return counts


def _per_customer(query: ReportQuery) -> pw.Select:
    """One row per identified customer with a receipt in scope: sale receipts and net spend."""
    return (
        Receipt.select(
            Receipt.customer.alias("customer_id"),
            fn.SUM(SALE_COUNT).alias("visits"),
            fn.SUM(SIGNED_TOTAL).alias("net"),
        )
        .where(query.receipts() & Receipt.customer.is_null(False))
        .group_by(Receipt.customer)
    )


# -- the figures ----------------------------------------------------------------------------


def _revenue_and_receipts(query: ReportQuery) -> tuple[int, int]:
    """From the store-hour sums: a period is whole days, so whole hours answer it exactly."""
    revenue, receipts = (
        ReceiptHour.select(fn.COALESCE(fn.SUM(ReceiptHour.revenue), 0), fn.COALESCE(fn.SUM(ReceiptHour.sales), 0))
        .where(all_of(query.in_period(ReceiptHour.hour), query.in_stores(ReceiptHour.store)))
        .tuples()
        .get()
    )
    return int(revenue), int(receipts)


def _voucher_users_over_2(query: ReportQuery) -> int:
    """Customers with a voucher on more than 2 distinct sale receipts in scope.

    A voucher counts whether the till recorded its use or an import only its payment.
    """
    with_voucher = Receipt.id.in_(VoucherUse.select(VoucherUse.receipt)) | Receipt.id.in_(
        Payment.select(Payment.receipt).where(Payment.method == "voucher")
    )
    users = (
        Receipt.select(Receipt.customer)
        .where(query.receipts() & IS_SALE & Receipt.customer.is_null(False) & with_voucher)
        .group_by(Receipt.customer)
        .having(fn.COUNT(Receipt.id) > 2)
    )
    return users.count()


def _bucket_shares(found: dict[str, tuple[int, int]]) -> dict[str, dict]:
    """Each visit bucket's customers and revenue with their shares, from (customers, net) per bucket."""
    all_customers = sum(customers for customers, _net in found.values())
    all_revenue = sum(net for _customers, net in found.values())
    buckets = {}
    for key in VISIT_BUCKETS:
        customers, net = found.get(key, (0, 0))
        buckets[key] = {
            "customers": customers,
            "revenue": Money(net),
            "customers_share": _share(customers, all_customers),
            "revenue_share": _share(net, all_revenue),
        }
    return buckets


def _share(part: int, whole: int) -> Share:
    return Share(round(part / whole, 4) if whole > 0 else 0.0)


def _every(model):
    """The customer table read in its own order: the registered_at index would fetch
    nearly every row in registration order, a random read each (see reports.scans)."""
    return scanned(model)


# (band, the age its members are younger than)
AGE_LIMITS = (("<18", 18), ("18-24", 25), ("25-34", 35), ("35-44", 45), ("45-54", 55), ("55-64", 65))


def _born_by(as_of: dt.date, years: int) -> dt.date:
    """The last birthday that makes someone ``years`` old at ``as_of``: the same day
    ``years`` earlier; for a 29 February as-of in a year that had none, 28 February
    (born on 29 February, one is a year older on 1 March of a common year)."""
    year = as_of.year - years
    try:
        return as_of.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def spend_bands(currency: str) -> list[tuple[str, int | None]]:
    """(band, upper bound in minor units, exclusive) for the currency; the last is open."""
    unit = SPEND_UNITS.get(currency.upper(), DEFAULT_SPEND_UNIT)
    scale = 10 ** decimals(currency)
    bands: list[tuple[str, int | None]] = [("<=0", 1)]
    lower = None
    for step in SPEND_STEPS:
        upper = step * unit
        bands.append((f"<{upper}" if lower is None else f"{lower}-{upper}", upper * scale))
        lower = upper
    bands.append((f"{lower}+", None))
    return bands


def _channel_conditions() -> list[pw.Expression]:
    """Customers each channel reaches: consent given (SMS also needs a readable phone)."""
    return [
        Customer.phone.is_null(False) & (Customer.phone != "") & (Customer.consent_sms == True),  # noqa: E712
        Customer.consent_zalo == True,  # noqa: E712
        Customer.consent_facebook == True,  # noqa: E712
        Customer.consent_email == True,  # noqa: E712
    ]


def _return_intervals(query: ReportQuery) -> dict[str, int]:
    """Gaps in days between each customer's consecutive distinct sale dates (LAG over dates)."""
    day = day_number(Receipt.at)
    dates = (
        Receipt.select(Receipt.customer.alias("customer_id"), day.alias("day"))
        .where(all_of(query.receipts(), IS_SALE, Receipt.customer.is_null(False)))
        .distinct()
        .alias("sale_days")
    )
    previous = fn.LAG(dates.c.day).over(partition_by=[dates.c.customer_id], order_by=[dates.c.day])
    gaps = Receipt.select((dates.c.day - previous).alias("gap")).from_(dates).alias("gaps")
    bucket = Case(None, [(gaps.c.gap <= limit, key) for key, limit in INTERVAL_BUCKETS if limit is not None], "91+")
    source = Receipt.select(bucket.alias("bucket")).from_(gaps).where(gaps.c.gap.is_null(False))
    return _histogram(source, tuple(key for key, _limit in INTERVAL_BUCKETS))
