"""Customers of an import: matched by code, phone or name; cards, opening points and debt."""

from __future__ import annotations

from ... import clock, phones
from ...db import database
from ...errors import ShopError, ValidationError
from ...i18n import _
from ...models import Card, CardBinding, Customer
from .. import cards, customers, debts, points, settings
from ..audit import record as audit
from .records import Options, Outcome, Record, Stores, chunks, rejected

TEXT_FIELDS = ("name", "email", "company", "address", "area")


class CustomersWriter:
    """Customers are matched by code when the row has one, else by phone (E.164, or as
    typed when it cannot be read), else by exact name (and birthday when given): a row
    that matches nothing is a new customer. Balances are opening balances, taken once."""

    def __init__(self, options: Options):
        self.options = options
        self.actor = options.actor
        self.region = settings.region()
        self.now = clock.now()
        self.stores = Stores()
        self.cache: dict[tuple[str, str], Customer | None] = {}

    def write(self, records: list[Record]) -> list[Outcome]:
        self._prefetch(records)
        return [self._write_one(record) for record in records]

    def finish(self) -> list[str]:
        return []

    def _prefetch(self, records: list[Record]) -> None:
        """The batch's customers by code and phone in two queries. Each entry answers one
        row only (it is popped), so a key repeated in the batch is asked of the database."""
        codes, numbers = set(), set()
        for record in records:
            if record.values.get("code"):
                codes.add(str(record.values["code"]).strip())
            elif record.values.get("phone"):
                e164 = phones.normalize(record.values["phone"], self.region)
                if e164:
                    numbers.add(e164)
        self.cache = {}
        for chunk in chunks(sorted(codes), 500):
            self.cache.update(dict.fromkeys((("code", c) for c in chunk), None))
            for customer in Customer.select().where(Customer.code.in_(chunk)):
                self.cache[("code", customer.code)] = customer
        for chunk in chunks(sorted(numbers), 500):
            self.cache.update(dict.fromkeys((("phone", n) for n in chunk), None))
            query = Customer.select().where(Customer.phone.in_(chunk))
            for customer in query.order_by(Customer.status == "archived", Customer.id):
                key = ("phone", str(customer.phone))  # found by its phone: never None
                if self.cache[key] is None:  # as match(): active first, then oldest
                    self.cache[key] = customer

    def _write_one(self, record: Record) -> Outcome:
        values = record.values
        try:
            # A savepoint per row: a card held by someone else undoes the row's new customer too.
            with database.atomic():
                customer = self.match(values)
                if customer is None:
                    customer, warnings = self._register(values)
                    status = "imported"
                else:
                    changed, warnings = self._update(customer, values)
                    status = "updated" if changed else "unchanged"
                touched = False
                if values.get("card"):
                    touched |= self._issue_card(customer, values["card"])
                if "points" in values:
                    touched |= points.set_opening_balance(customer, values["points"], self.actor)
                    if values["points"] < 0:
                        warnings.append(_("A points balance below zero is not taken as an opening balance."))
                if "debt" in values:
                    touched |= debts.set_opening_balance(customer, values["debt"], self.actor)
                if touched and status == "unchanged":
                    status = "updated"
        except ShopError as exc:
            return rejected(record.row, str(exc))
        return Outcome(status, [(record.row, w, True) for w in warnings])

    def match(self, values: dict) -> Customer | None:
        # A code of only invisible characters is no code (clean_text keeps nothing of it).
        code = customers.clean_text(values.get("code"), "code", 32) if values.get("code") else ""
        if code:
            if ("code", code) in self.cache:
                return self.cache.pop(("code", code))
            return Customer.get_or_none(Customer.code == code)
        typed = values.get("phone")
        if typed:
            e164 = phones.normalize(typed, self.region)
            if e164 and ("phone", e164) in self.cache:
                return self.cache.pop(("phone", e164))
            condition = Customer.phone == e164 if e164 else Customer.phone_typed == customers.clean_text(typed, "phone")
            return Customer.select().where(condition).order_by(Customer.status == "archived", Customer.id).first()
        name = customers.clean_text(values.get("name"), "name")
        query = Customer.select().where(Customer.name == name)
        if values.get("birthday"):
            query = query.where(Customer.birthday == values["birthday"])
        found = list(query.limit(2))
        if len(found) > 1:
            raise ValidationError(
                _("Several customers are called {name}; give the row a code or a phone.").format(name=name)
            )
        return found[0] if found else None

    def _register(self, values: dict) -> tuple[Customer, list[str]]:
        fields = {k: values[k] for k in ("code", "phone", "gender", "birthday", *TEXT_FIELDS) if k in values}
        if "name" not in fields:
            fields["name"] = values["code"]  # a bare code is a customer whose name is still to come
        fields["status"] = values.get("status") or ("active" if "name" in values else "incomplete")
        if values.get("store"):
            fields["store"] = self.stores.resolve(values["store"])
        outcome = customers.register(fields, self.actor, registered_at=values.get("registered") or self.now)
        return outcome.customer, outcome.warnings

    def _update(self, customer: Customer, values: dict) -> tuple[bool, list[str]]:
        changes: dict = {}
        for name in TEXT_FIELDS:
            if name in values and customers.clean_text(values[name], name) != getattr(customer, name):
                changes[name] = values[name]
        if "phone" in values:
            typed = customers.clean_text(values["phone"], "phone")
            e164 = phones.normalize(typed, self.region)
            if e164 != customer.phone or (e164 is None and typed != customer.phone_typed):
                changes["phone"] = typed
        for name in ("gender", "birthday"):
            if name in values and values[name] != getattr(customer, name):
                changes[name] = values[name]
        warnings: list[str] = []
        if changes:
            warnings = customers.update(customer, changes, self.actor).warnings
            customer = Customer.get_by_id(customer.id)
        changed = bool(changes)
        status = values.get("status")
        unreadable_phone = customer.phone is None and bool(customer.phone_typed)
        if (
            status
            and status != customer.status
            and not (status == "active" and customer.status == "incomplete" and unreadable_phone)
        ):
            customers.set_status(customer, status, self.actor)
            changed = True
        registered = values.get("registered")
        if registered and registered != customer.registered_at:
            Customer.update(registered_at=registered).where(Customer.id == customer.id).execute()
            audit(
                self.actor,
                "customer.registered",
                "customer",
                customer.id,
                {"registered_at": customer.registered_at.isoformat()},
                {"registered_at": registered.isoformat()},
            )
            changed = True
        return changed, warnings

    def _issue_card(self, customer: Customer, barcode: str) -> bool:
        """Bind the card unless this customer holds or held it (a withdrawn card stays withdrawn)."""
        card = Card.get_or_none(Card.barcode == barcode.strip())
        if card is not None:
            held = CardBinding.select().where((CardBinding.card == card) & (CardBinding.customer == customer.id))
            if held.exists():
                return False
        cards.issue_card(customer, barcode, actor=self.actor, follow_rule=False)
        return True
