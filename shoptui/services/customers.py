"""Registering, editing and archiving customers; groups/tags and custom properties."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .. import clock, phones
from ..errors import NotFound, RuleViolation, ValidationError
from ..i18n import _
from ..limits import check_day
from ..models import (
    CHANNELS,
    PROPERTY_KINDS,
    STATUSES,
    Customer,
    CustomerGroup,
    Group,
    PropertyDefinition,
    PropertyValue,
)
from ..models import (
    GENDERS as GENDERS,  # offered to the screens, which import no models
)
from ..money import read_decimal, within_maximum
from ..textfold import fold
from . import settings
from .amounts import shown as _money
from .audit import record, snapshot
from .cleaning import _CONTROL, _LINE_BREAKS, _SPACES, MULTILINE_FIELDS, clean_text  # noqa: F401 (re-exported)
from .context import Actor, allows, current_store, require
from .ledger import write_transaction
from .rows import by_id
from .sequences import next_value

NAME_MAX = 200
EDITABLE = (
    "name",
    "phone",
    "gender",
    "birthday",
    "email",
    "company",
    "address",
    "area",
    "discount_bp",
    "credit_limit",
    "notes",
    "consent_sms",
    "consent_zalo",
    "consent_facebook",
    "consent_email",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Outcome:
    """What a register/update did, with warnings a person should see (not errors)."""

    customer: Customer
    warnings: list[str] = field(default_factory=list)


def search_key(name: str, code: str, company: str = "") -> str:
    return " ".join(w for w in (fold(name), fold(code), fold(company)) if w)


def _validate(values: dict, customer: Customer | None) -> tuple[dict, list[str]]:
    """Checks and normalises editable fields; returns the fields to write and warnings."""
    out: dict = {}
    warnings: list[str] = []
    if "name" in values:
        name = clean_text(values["name"], "name", NAME_MAX)
        if not name:
            raise ValidationError(_("A customer needs a name."), "name")
        out["name"] = name
    if "phone" in values:
        typed = clean_text(values["phone"], "phone", 40)
        if typed:
            e164 = phones.normalize(typed, settings.region())
            out["phone_typed"] = typed
            out["phone"] = e164
            out["phone_rev"] = phones.reversed_digits(e164 or typed)
            if e164 is None:
                warnings.append(_("The phone number {phone} cannot be read; it is kept as typed.").format(phone=typed))
            else:
                dup = Customer.select().where((Customer.phone == e164) & (Customer.status != "archived"))
                if customer is not None:
                    dup = dup.where(Customer.id != customer.id)
                other = dup.first()
                if other is not None:
                    raise ValidationError(
                        _("The phone {phone} already belongs to {name} ({code}).").format(
                            phone=typed, name=other.name, code=other.code
                        ),
                        "phone",
                    )
        else:
            out.update(phone_typed="", phone=None, phone_rev=None)
    if "gender" in values:
        out["gender"] = parse_gender(values["gender"])
    if "birthday" in values:
        birthday = values["birthday"]
        if isinstance(birthday, str):
            birthday = parse_iso_date(birthday, "birthday") if birthday.strip() else None
        if isinstance(birthday, dt.datetime):
            birthday = birthday.date()
        if birthday is not None and not (dt.date(1900, 1, 1) <= birthday <= clock.today()):
            raise ValidationError(
                _("The birthday {date} is not possible.").format(date=birthday.isoformat()), "birthday"
            )
        out["birthday"] = birthday
        out["birthday_md"] = birthday.month * 100 + birthday.day if birthday else None
    if "email" in values:
        email = clean_text(values["email"], "email", 200)
        if email and not _EMAIL.match(email):
            raise ValidationError(_("{email} is not an e-mail address.").format(email=email), "email")
        out["email"] = email
    for name, length in (("company", 200), ("area", 100), ("address", 1000), ("notes", 10000)):
        if name in values:
            out[name] = clean_text(values[name], name, length)
    if "discount_bp" in values:
        bp = _whole_number(values["discount_bp"] or 0, "discount_bp")
        if not 0 <= bp <= 10000:
            raise ValidationError(_("A personal discount is between 0 and 100%."), "discount_bp")
        out["discount_bp"] = bp
    if "credit_limit" in values:
        limit = values["credit_limit"]
        limit = None if limit is None or limit == "" else _whole_number(limit, "credit_limit")
        if limit is not None and limit < 0:
            raise ValidationError(_("A credit limit may not be negative."), "credit_limit")
        if limit is not None:
            within_maximum(limit, settings.currency(), "credit_limit")
        out["credit_limit"] = limit
    for channel in CHANNELS:
        key = f"consent_{channel}"
        if key in values:
            out[key] = bool(values[key])
    return out, warnings


def _whole_number(value, field_name: str) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("{value} is not a whole number.").format(value=value), field_name)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(_("{value} is not a whole number.").format(value=value), field_name) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(_("{value} is not a whole number.").format(value=value), field_name)
    return int(number)


def parse_gender(value) -> str | None:
    text = fold(str(value or ""))
    if not text:
        return None
    # English, Vietnamese, Russian and German words and letters, folded to ASCII.
    female = {
        "female",
        "f",
        "w",
        "woman",
        "nu",
        "zh",
        "zhen",
        "zhenskii",
        "zhenskiy",
        "zhenskaya",
        "zhenshchina",
        "weiblich",
        "weibl",
        "frau",
        "girl",
    }
    male = {
        "male",
        "m",
        "man",
        "nam",
        "muzh",
        "muzhskoi",
        "muzhskoy",
        "muzhchina",
        "mannlich",
        "maennlich",
        "mannl",
        "herr",
    }
    other = {"other", "o", "x", "d", "divers", "khac", "drugoi", "drugoy", "drugoe", "andere", "anderes"}
    if text in female:
        return "female"
    if text in male:
        return "male"
    if text in other:
        return "other"
    raise ValidationError(_("{value} is not a gender (female, male, other).").format(value=value), "gender")


def parse_iso_date(text: str, field_name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(_("{value} is not a date (YYYY-MM-DD).").format(value=text), field_name) from None
    return check_day(day, text, field_name)


def _check_limit(extra: int = 1) -> None:
    limit = settings.get_int("active_customer_limit")
    if limit and Customer.select().where(Customer.status != "archived").count() + extra > limit:
        raise RuleViolation(
            _("The shop's limit of {limit} active customers is reached: archive customers who no longer come.").format(
                limit=limit
            )
        )


def new_code() -> str:
    prefix = settings.get("customer_code_prefix")
    while True:
        code = f"{prefix}{next_value('customer_code'):06d}"
        if not Customer.select().where(Customer.code == code).exists():
            return code


def register(values: dict, actor: Actor | None = None, registered_at: dt.datetime | None = None) -> Outcome:
    """A new customer. Missing or unreadable data makes it ``incomplete``, not an error."""
    require(actor, "register")
    values = dict(values)
    if not clean_text(values.get("name"), "name", NAME_MAX):
        raise ValidationError(_("A customer needs a name."), "name")
    with write_transaction():
        fields, warnings = _validate(values, None)
        code = clean_text(values.get("code"), "code", 32)
        if code:
            if Customer.select().where(Customer.code == code).exists():
                raise ValidationError(_("There is already a customer with code {code}.").format(code=code), "code")
        else:
            code = new_code()
        status = values.get("status") or "active"
        if status not in STATUSES:
            raise ValidationError(
                _("The status must be one of: {choices}.").format(choices=", ".join(STATUSES)), "status"
            )
        if warnings and status == "active":
            status = "incomplete"  # an unreadable phone is data to complete later
        if status != "archived":
            _check_limit()
        now = clock.now()
        customer = Customer.create(
            code=code,
            status=status,
            registered_at=registered_at or now,
            store=values.get("store") or current_store(actor),
            registered_by=actor.user_id if actor else None,
            updated_at=now,
            search_key=search_key(fields["name"], code, fields.get("company", "")),
            **fields,
        )
        for group in values.get("groups") or ():
            add_to_group(customer, group, actor, audit=False)
        record(actor, "customer.register", "customer", customer.id, None, snapshot(customer))
    return Outcome(customer, warnings)


def update(customer: Customer | int, values: dict, actor: Actor | None = None) -> Outcome:
    require(actor, "edit_customer")
    with write_transaction():
        customer = get(customer)
        unknown = set(values) - set(EDITABLE)
        if unknown:
            raise ValidationError(_("Cannot edit {fields}.").format(fields=", ".join(sorted(unknown))))
        before = snapshot(customer)
        fields, warnings = _validate(values, customer)
        if not fields:
            return Outcome(customer, warnings)
        if warnings and "phone" in fields and customer.status == "active":
            fields["status"] = "incomplete"  # as at registration: data to complete later
        fields["updated_at"] = clock.now()
        name = fields.get("name", customer.name)
        company = fields.get("company", customer.company)
        fields["search_key"] = search_key(name, customer.code, company)
        Customer.update(**fields).where(Customer.id == customer.id).execute()
        customer = Customer.get_by_id(customer.id)
        record(actor, "customer.update", "customer", customer.id, before, snapshot(customer))
    return Outcome(customer, warnings)


def set_status(customer: Customer | int, status: str, actor: Actor | None = None) -> Customer:
    require(actor, "edit_customer")
    if status not in STATUSES:
        raise ValidationError(_("The status must be one of: {choices}.").format(choices=", ".join(STATUSES)), "status")
    with write_transaction():
        customer = get(customer)
        if customer.status == status:
            return customer
        if customer.status == "archived":
            _check_limit()
            _check_phone_free(customer)
        Customer.update(status=status, updated_at=clock.now()).where(Customer.id == customer.id).execute()
        record(actor, "customer.status", "customer", customer.id, {"status": customer.status}, {"status": status})
    return Customer.get_by_id(customer.id)


def _check_phone_free(customer: Customer) -> None:
    if customer.phone is None:
        return
    other = (
        Customer.select()
        .where((Customer.phone == customer.phone) & (Customer.status != "archived") & (Customer.id != customer.id))
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("The phone {phone} already belongs to {name} ({code}).").format(
                phone=customer.phone_typed or customer.phone, name=other.name, code=other.code
            ),
            "phone",
        )


def archive(customer: Customer | int, actor: Actor | None = None) -> Customer:
    return set_status(customer, "archived", actor)


def archive_warning(customer: Customer | int) -> str | None:
    """Why archiving this customer needs a second thought (a debt, points or money the
    shop owes them stay on an archived card that nobody sees), or None."""
    customer = get(customer)
    if customer.status == "archived":
        return None
    parts = []
    if customer.debt_balance > 0:
        parts.append(_("owes {amount}").format(amount=_money(customer.debt_balance)))
    elif customer.debt_balance < 0:
        parts.append(_("has {amount} paid in advance").format(amount=_money(-customer.debt_balance)))
    if customer.points_balance:
        parts.append(_("has {points} points").format(points=customer.points_balance))
    if not parts:
        return None
    return _(
        "{name} ({code}) {what}; archived, the customer is hidden from the directory and the balance stays on the hidden card. Archive anyway?"
    ).format(name=customer.name, code=customer.code, what=", ".join(parts))


def ensure_can_buy(customer: Customer, actor: Actor | None = None) -> None:
    """A sale (or an attached receipt) to an archived customer is refused in one sentence,
    which tells this user what they can do: make them active again, or ask a manager."""
    if customer.status != "archived":
        return
    if customer.merged_into_id is not None:
        kept = Customer.get_or_none(Customer.id == customer.merged_into_id)
        if kept is not None:
            raise RuleViolation(
                _("{name} ({code}) was merged into {kept} ({kept_code}): sell to {kept} instead.").format(
                    name=customer.name, code=customer.code, kept=kept.name, kept_code=kept.code
                )
            )
    if allows(actor, "edit_customer"):
        raise RuleViolation(
            _(
                "{name} ({code}) is archived: make the customer active again (Status, F6 on the card) before selling."
            ).format(name=customer.name, code=customer.code)
        )
    raise RuleViolation(
        _("{name} ({code}) is archived: ask a manager to make the customer active again before selling.").format(
            name=customer.name, code=customer.code
        )
    )


def get(customer: Customer | int) -> Customer:
    return by_id(Customer, customer, _("There is no such customer."))


def find_by_code(code: str) -> Customer | None:
    return Customer.get_or_none(Customer.code == code.strip())


def find_by_phone(typed: str) -> Customer | None:
    e164 = phones.normalize(typed, settings.region())
    if e164 is None:
        return None
    return Customer.select().where(Customer.phone == e164).order_by(Customer.status == "archived", Customer.id).first()


def add_to_group(customer: Customer | int, name: str, actor: Actor | None = None, audit: bool = True) -> Group:
    if audit:  # without audit it is part of a registration, which checked its own right
        require(actor, "edit_customer")
    customer = get(customer)
    name = clean_text(name, "group", 100)
    if not name:
        raise ValidationError(_("A group needs a name."), "group")
    with write_transaction():
        group, _created = Group.get_or_create(name=name)
        CustomerGroup.insert(customer=customer, group=group).on_conflict_ignore().execute()
        if audit:
            record(actor, "customer.group_add", "customer", customer.id, None, {"group": name})
    return group


def remove_from_group(customer: Customer | int, name: str, actor: Actor | None = None) -> None:
    require(actor, "edit_customer")
    customer = get(customer)
    with write_transaction():
        group = Group.get_or_none(Group.name == name)
        if group is not None:
            CustomerGroup.delete().where(
                (CustomerGroup.customer == customer) & (CustomerGroup.group == group)
            ).execute()
            record(actor, "customer.group_remove", "customer", customer.id, {"group": name}, None)


def groups_of(customer: Customer) -> list[str]:
    return [
        g.name
        for g in Group.select().join(CustomerGroup).where(CustomerGroup.customer == customer).order_by(Group.name)
    ]


def define_property(
    code: str, name: str, kind: str, choices: list[str] | None = None, actor: Actor | None = None
) -> PropertyDefinition:
    require(actor, "settings")
    code = clean_text(code, "code", 64).lower()
    if not re.fullmatch(r"[a-z0-9_]+", code or ""):
        raise ValidationError(_("A property code is lower-case letters, digits and _."), "code")
    if kind not in PROPERTY_KINDS:
        raise ValidationError(
            _("The kind must be one of: {choices}.").format(choices=", ".join(PROPERTY_KINDS)), "kind"
        )
    clean_choices = [clean_text(c, "choices", 200) for c in (choices or []) if str(c).strip()]
    if kind == "choice" and not clean_choices:
        raise ValidationError(_("A choice property needs its choices."), "choices")
    with write_transaction():
        if PropertyDefinition.select().where(PropertyDefinition.code == code).exists():
            raise ValidationError(_("There is already a property {code}.").format(code=code), "code")
        position = PropertyDefinition.select().count()
        definition = PropertyDefinition.create(
            code=code,
            name=clean_text(name, "name", 200) or code,
            kind=kind,
            choices="\n".join(clean_choices),
            position=position,
        )
        record(actor, "property.define", "property", definition.id, None, snapshot(definition))
    return definition


def property_value_text(definition: PropertyDefinition, value) -> str | None:
    """The canonical text of a property value, or None to clear it; refuses a wrong type."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if definition.kind == "text":
        return clean_text(text, definition.code, 2000)
    if definition.kind == "number":
        if isinstance(value, bool):
            raise ValidationError(_("{value} is not a number.").format(value=text), definition.code)
        try:
            number = read_decimal(text)
        except ValueError:
            raise ValidationError(_("{value} is not a number.").format(value=text), definition.code) from None
        if not number.is_finite():
            raise ValidationError(_("{value} is not a number.").format(value=text), definition.code)
        return str(number)
    if definition.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return parse_iso_date(text, definition.code).isoformat()
    if definition.kind == "choice":
        choices = definition.choices.split("\n")
        if text not in choices:
            raise ValidationError(
                _("The value must be one of: {choices}.").format(choices=", ".join(choices)), definition.code
            )
        return text
    return "1" if _yes_no(text, definition.code) else "0"


def _yes_no(text: str, field_name: str) -> bool:
    folded = fold(text)
    if folded in ("1", "yes", "y", "true", "co", "da", "ja", "x"):
        return True
    if folded in ("0", "no", "n", "false", "khong", "net", "nein"):
        return False
    raise ValidationError(_("The value must be yes or no."), field_name)


def set_property(customer: Customer | int, code: str, value, actor: Actor | None = None) -> None:
    require(actor, "edit_customer")
    _write_property(customer, code, value, actor)


def _write_property(customer: Customer | int, code: str, value, actor: Actor | None) -> None:
    customer = get(customer)
    definition = PropertyDefinition.get_or_none(PropertyDefinition.code == code)
    if definition is None:
        raise NotFound(_("There is no property {code}.").format(code=code))
    text = property_value_text(definition, value)
    with write_transaction():
        old = PropertyValue.get_or_none((PropertyValue.customer == customer) & (PropertyValue.definition == definition))
        if text is None:
            PropertyValue.delete().where(
                (PropertyValue.customer == customer) & (PropertyValue.definition == definition)
            ).execute()
        else:
            PropertyValue.insert(customer=customer, definition=definition, value=text).on_conflict(
                conflict_target=[PropertyValue.customer, PropertyValue.definition], update={PropertyValue.value: text}
            ).execute()
        record(actor, "customer.property", "customer", customer.id, {code: old.value if old else None}, {code: text})


PROPERTY_FIELD = "prop-"  # a refused property value is about the field PROPERTY_FIELD + its code


def set_properties(
    customer: Customer | int, properties: dict, actor: Actor | None = None, *, need: str = "edit_customer"
) -> None:
    """Several custom properties (code -> value; empty clears) in one transaction: all or
    none. A value refused is an error on the field ``PROPERTY_FIELD + code``. ``need`` is
    the permission asked (a registration gives a new customer properties with "register")."""
    if not properties:
        return
    require(actor, need)
    with write_transaction():
        for code, value in properties.items():
            try:
                _write_property(customer, code, value, actor)
            except ValidationError as exc:
                raise ValidationError(str(exc), PROPERTY_FIELD + code) from None


def save_profile(
    customer: Customer | int, changes: dict, properties: dict | None = None, actor: Actor | None = None
) -> Outcome:
    """Saving a customer's profile form: the fields that changed (as ``update``) and the
    custom properties that changed (as ``set_properties``), in one transaction, so a wrong
    value anywhere saves nothing at all."""
    require(actor, "edit_customer")
    with write_transaction():
        set_properties(customer, properties or {}, actor)
        return update(customer, changes, actor)


def properties_of(customer: Customer) -> list[tuple[PropertyDefinition, str | None]]:
    values = {v.definition_id: v.value for v in PropertyValue.select().where(PropertyValue.customer == customer)}
    return [
        (d, values.get(d.id))
        for d in PropertyDefinition.select()
        .where(PropertyDefinition.active == True)  # noqa: E712 - a SQL comparison, not a truth test
        .order_by(PropertyDefinition.position)
    ]
