"""Shop settings (``config get|set|list``): each key with its default, reader and meaning."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from ..barcodes import CARD_RULES
from ..db import database
from ..errors import RuleViolation, ValidationError
from ..i18n import LANGUAGES, N_, _
from ..limits import MAX_DAYS, MAX_LIMIT
from ..models import (
    Customer,
    DebtEntry,
    GiftCardEntry,
    Payment,
    PointsTier,
    Product,
    Receipt,
    Sequence,
    Setting,
    Voucher,
)
from ..money import MAX_MINOR, decimals, read_decimal, to_decimal, to_minor
from ..textsafe import strip_hidden
from .audit import record
from .context import Actor, require
from .ledger import write_transaction
from .sequences import next_value


def _text_up_to(most: int) -> Callable[[str], str]:
    """A reader of one line of text of up to ``most`` characters, without control characters
    (a tab, a new line or an escape would break the header, the exports and the device paths)."""

    def read(value: str) -> str:
        text = strip_hidden(value).strip()  # no bidi control nor zero-width character (textsafe)
        if len(text) > most or any(unicodedata.category(c) == "Cc" for c in text):
            raise ValidationError(
                _("{value} is not one line of text of up to {most} characters.").format(value=value, most=most)
            )
        return text

    return read


CASH_STEP_MOST = 10_000  # the largest cash rounding step, in minor units


def _cash_step(value: str) -> str:
    """The cash rounding step: 0, or 1, 2 or 5 times a power of ten, at most
    ``CASH_STEP_MOST`` minor units (the steps shops use: 5, 10, 50, 100, 500, 1000, 5000);
    a step of 3 or 7, or a typo such as 500000 for 500, is refused."""
    raw = value.strip()
    digits = raw[1:] if raw[:1] == "+" else raw
    number = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 30 else None
    if number is None or not is_cash_step(number):
        shown = raw if raw else _("An empty value")
        raise ValidationError(
            _(
                "{value} is not a cash rounding step: use 0 for none, or 1, 2 or 5 times a power of ten up to "
                "{most:,} (such as 5, 10, 50, 100, 500, 1000 or 5000)."
            ).format(value=shown, most=CASH_STEP_MOST)
        )
    return str(number)


# Every step the setting takes but 0, smallest first: 1, 2, 5, 10, 20, 50, … 10,000.
CASH_STEPS = tuple(m * 10**e for e in range(len(str(CASH_STEP_MOST))) for m in (1, 2, 5) if m * 10**e <= CASH_STEP_MOST)


def is_cash_step(number: int) -> bool:
    """Whether ``number`` is a cash rounding step the setting accepts (``_cash_step``)."""
    return number == 0 or number in CASH_STEPS


def _currency(value: str) -> str:
    from babel.numbers import list_currencies

    code = value.strip().upper()
    if code not in list_currencies():
        raise ValidationError(
            _("{value} is not an ISO 4217 currency code (such as VND, EUR, RUB).").format(value=value)
        )
    return code


def _region(value: str) -> str:
    import phonenumbers

    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            _("{value} is not a country code for phone numbers (such as VN, RU, DE).").format(value=value)
        )
    return code


def _language(value: str) -> str:
    lang = value.strip().lower()
    if lang not in LANGUAGES:
        raise ValidationError(_("The language must be one of: {choices}.").format(choices=", ".join(LANGUAGES)))
    return lang


def _whole(lowest: int, highest: int) -> Callable[[str], str]:
    """A reader of a whole number (ASCII digits) from ``lowest`` to ``highest``; anything
    else is refused with one sentence naming the range."""

    def read(value: str) -> str:
        raw = value.strip()
        digits = raw[1:] if raw[:1] == "+" else raw
        number = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 30 else None
        if number is None or not lowest <= number <= highest:
            raise ValidationError(
                _("{value} is not a whole number from {lowest:,} to {highest:,}.").format(
                    value=raw if raw else _("An empty value"), lowest=lowest, highest=highest
                )
            )
        return str(number)

    return read


# Each count has the range a shop can use: points and customers share the one maximum of
# amounts; day counts stop at a century, as the command line's do, so that a date plus them
# is still a date; the scanner, lock and counter settings keep to what the devices can do
# (a scan of 0 characters or a serial line at 0 baud is no setting at all).
_points = _whole(0, MAX_MINOR)
_days = _whole(0, MAX_DAYS)


def _amount_range(value: str, lowest: int) -> Decimal:
    """An amount in the major unit from ``lowest`` to the one maximum, in the current
    currency's minor units; refused with one sentence naming the range."""
    code = currency()
    try:
        number = read_decimal(value.strip())
    except ValueError:
        number = None
    # "-0" is zero written as a negative: a typing error, refused like any negative.
    if (
        number is None
        or not number.is_finite()
        or number.is_signed()
        or abs(number) * 10 ** decimals(code) > MAX_MINOR
        or to_minor(number, code) < lowest
    ):
        raise ValidationError(
            _("{value} is not an amount from {lowest} to {highest}.").format(
                value=value,
                lowest=format_plain(to_decimal(lowest, code)),
                highest=format_plain(to_decimal(MAX_MINOR, code)),
            )
        )
    return number


def format_plain(number: Decimal) -> str:
    """A decimal with thousands commas and no exponent (1E+4 would read as nonsense)."""
    return f"{number:,f}"


def _positive_amount(value: str) -> str:
    """Money settings are kept in the major unit, so a currency change cannot skew them."""
    number = _amount_range(value, 1)  # at least one minor unit: a point worth 0 divides by zero
    # Plain notation: Decimal("10000").normalize() would print as 1E+4.
    return format(number.normalize(), "f")


def _optional_amount(value: str) -> str:
    """Empty, zero or an amount in the major unit (kept so, like the other money settings)."""
    if not value.strip():
        return ""
    number = _amount_range(value, 0)
    return format(number.normalize(), "f")


def _choice(*options: str) -> Callable[[str], str]:
    def read(value: str) -> str:
        v = value.strip().lower()
        if v not in options:
            raise ValidationError(_("The value must be one of: {choices}.").format(choices=", ".join(options)))
        return v

    return read


def _yes_no(value: str) -> str:
    v = value.strip().lower()
    if v in ("1", "yes", "true", "on", "y"):
        return "yes"
    if v in ("0", "no", "false", "off", "n"):
        return "no"
    raise ValidationError(_("The value must be yes or no."))


def _prefix(value: str) -> str:
    v = value.strip()
    if len(v) > 10 or any(c.isspace() or unicodedata.category(c).startswith("C") for c in v):
        raise ValidationError(_("A code prefix is up to 10 characters without spaces."))
    return v


@dataclass(frozen=True)
class SettingDef:
    default: str
    read: Callable[[str], str]
    help: str


SETTINGS: dict[str, SettingDef] = {
    "shop_name": SettingDef("My shop", _text_up_to(100), N_("the shop's name, shown in the header and on exports")),
    "currency": SettingDef("VND", _currency, N_("ISO 4217 currency; decides the decimals of money")),
    "region": SettingDef("VN", _region, N_("default country for phone numbers and date order")),
    "language": SettingDef("", lambda v: _language(v) if v.strip() else "", N_("interface language: en, vi, ru or de")),
    "customer_code_prefix": SettingDef("KH", _prefix, N_("prefix of new customer codes")),
    "points_earn_per": SettingDef("10000", _positive_amount, N_("money spent per point earned")),
    "points_value": SettingDef("1000", _positive_amount, N_("money one redeemed point pays")),
    "points_min_redeem": SettingDef("0", _points, N_("fewest points that may be redeemed at once")),
    "points_expiry_days": SettingDef("0", _days, N_("days after which earned points expire (0: never)")),
    "points_earn_on_points": SettingDef("no", _yes_no, N_("whether the part paid with points earns points")),
    "cash_rounding": SettingDef(
        "0",
        _cash_step,
        N_(
            "cash is rounded half-up to this step, in the currency's smallest unit (VND: 500 or 1000; CHF: 5 for 0.05; 0: no rounding)"
        ),
    ),
    "active_customer_limit": SettingDef(
        "0", _whole(0, MAX_LIMIT), N_("most active and incomplete customers (0: no limit)")
    ),
    "credit_rule": SettingDef(
        "block",
        _choice("warn", "block"),
        N_("what a credit sale over the limit or on too old a debt does: warn or block"),
    ),
    "credit_limit_default": SettingDef(
        "",
        _optional_amount,
        N_(
            "credit limit of a customer without one of their own (empty: no limit; 0: no credit unless a manager allows it)"
        ),
    ),
    "credit_max_age_days": SettingDef(
        "0", _days, N_("oldest unpaid debt, in days, before credit sales are refused (0: off)")
    ),
    "cashier_return_days": SettingDef("30", _days, N_("days after a sale within which a cashier may take its return")),
    "attach_receipt_days": SettingDef(
        "7", _days, N_("days within which an anonymous receipt may be attached to a customer")
    ),
    "card_rule": SettingDef(
        "ean13",
        _choice(*CARD_RULES),
        N_(
            "what a new card number must be: ean13 (in-store EAN-13, starting with 2), prefix (card_prefix and card_length) or any"
        ),
    ),
    "card_prefix": SettingDef("", _prefix, N_("with card_rule prefix: how the shop's card numbers start")),
    "card_length": SettingDef(
        "0", _whole(0, 64), N_("with card_rule prefix: how many characters a card number has (0: any)")
    ),
    "scan_max_ms": SettingDef("100", _whole(10, 10_000), N_("most milliseconds from a scan's first key to Enter")),
    "scan_min_length": SettingDef("6", _whole(1, 64), N_("fewest characters a scan has")),
    "idle_lock_minutes": SettingDef(
        "0", _whole(0, 1440), N_("minutes without a key before the screen locks (0: never)")
    ),
    "scanner_device": SettingDef(
        "", _text_up_to(255), N_("evdev scanner the app reads: a path or part of its name (empty: none)")
    ),
    "scanner_layout": SettingDef("us", _choice("us", "de"), N_("keyboard layout of the evdev scanner: us or de")),
    "counter_port": SettingDef(
        "", _text_up_to(255), N_("serial port of the people counter the app listens on (empty: none)")
    ),
    "counter_protocol": SettingDef(
        "totals", _choice("totals", "pulse"), N_("the people counter's protocol: totals or pulse")
    ),
    "counter_baud": SettingDef("9600", _whole(50, 4_000_000), N_("the people counter's baud rate")),
    "counter_name": SettingDef(
        "", _text_up_to(100), N_("name the counter's readings are stored under (empty: the port)")
    ),
}

# Settings are read on every sale, so they are cached; but two tills share one database,
# and a setting changed at one (or by `shoptui config set`) must take effect at the other
# at once. Every change bumps the counter ``VERSION`` in the same transaction; a read
# compares it (one primary-key lookup) and reads every setting afresh when it moved.
VERSION = "settings"


@dataclass(frozen=True)
class ShopSettings:
    """Every setting of one database at one version: the one object the app, the services
    and the reports read settings from. ``current()`` gives the snapshot in force."""

    version: int
    values: Mapping[str, str]
    database: object = None  # which database it was read from (a process may open several)

    def get(self, key: str) -> str:
        if key not in self.values:
            raise ValidationError(_("Unknown setting {key}; `config list` shows them all.").format(key=key))
        return self.values[key]

    def get_int(self, key: str) -> int:
        return int(self.get(key) or 0)

    @property
    def currency(self) -> str:
        return self.values["currency"]

    @property
    def region(self) -> str:
        return self.values["region"]


_current: list[ShopSettings | None] = [None]


def _version() -> int:
    row = Sequence.get_or_none(Sequence.name == VERSION)
    return row.value if row is not None else 0


def current() -> ShopSettings:
    """The settings in force: read once per change (of any till), then from memory."""
    version, bound = _version(), database.obj
    snapshot = _current[0]
    if snapshot is None or snapshot.version != version or snapshot.database is not bound:
        stored = dict(Setting.select(Setting.key, Setting.value).tuples())
        values = {key: stored.get(key, definition.default) for key, definition in SETTINGS.items()}
        snapshot = ShopSettings(version, MappingProxyType(values), bound)
        _current[0] = snapshot
    return snapshot


def ensure_defaults() -> None:
    """Write missing defaults once, so ``config list`` shows every key with its value."""
    existing = {s.key for s in Setting.select(Setting.key)}
    missing = [{"key": k, "value": d.default} for k, d in SETTINGS.items() if k not in existing]
    if missing:
        with write_transaction():
            Setting.insert_many(missing).on_conflict_ignore().execute()
    clear_cache()


def get(key: str) -> str:
    return current().get(key)


def get_int(key: str) -> int:
    return int(get(key) or 0)


def get_bool(key: str) -> bool:
    return get(key) == "yes"


def get_money(key: str) -> int:
    """A money setting in minor units of the current currency."""
    return to_minor(Decimal(get(key)), currency())


def credit_limit_default() -> int | None:
    """The credit limit of a customer without their own, in minor units; None: no limit."""
    return get_money("credit_limit_default") if get("credit_limit_default") else None


def currency() -> str:
    return get("currency")


def region() -> str:
    return get("region")


def all_settings() -> list[tuple[str, str, str]]:
    return [(k, get(k), _(d.help)) for k, d in SETTINGS.items()]


def money_recorded() -> bool:
    """Whether any amount in minor units is stored: a new currency would misread it."""
    return any(
        q.exists()
        for q in (
            Receipt.select(),
            Payment.select(),
            DebtEntry.select(),
            GiftCardEntry.select(),
            Customer.select().where(Customer.credit_limit.is_null(False) & (Customer.credit_limit != 0)),
            Product.select().where(Product.price != 0),
            Voucher.select().where(Voucher.kind == "amount"),
            PointsTier.select(),
        )
    )


def set_value(key: str, value: str, actor: Actor | None = None) -> str:
    require(actor, "settings")
    if key not in SETTINGS:
        raise ValidationError(_("Unknown setting {key}; `config list` shows them all.").format(key=key))
    new = SETTINGS[key].read(value)
    with write_transaction():
        old = get(key)
        if key == "currency" and new != old and money_recorded():
            raise RuleViolation(
                _("The currency cannot change once money is recorded (it is {currency}).").format(currency=old)
            )
        Setting.insert(key=key, value=new).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: new}
        ).execute()
        record(actor, "setting.set", "setting", key, {"value": old}, {"value": new})
        next_value(VERSION)  # every till's snapshot of the settings is out of date now
    return new


def set_values(values: dict[str, str], actor: Actor | None = None) -> dict[str, str]:
    """Several settings saved together (one form): one transaction, all or none. A value
    refused is an error on its own key's field."""
    require(actor, "settings")
    saved: dict[str, str] = {}
    with write_transaction():
        for key, value in values.items():
            try:
                saved[key] = set_value(key, value, actor)
            except ValidationError as exc:
                raise ValidationError(str(exc), key) from None
    return saved


def clear_cache() -> None:
    _current[0] = None
