"""A customer's own data, when they ask: everything the shop holds on them (``export``),
and erasing what identifies them (``anonymise``).

Anonymising erases the name (a neutral placeholder stays, the code is kept), phone,
e-mail, company, address, birthday and notes, the property values, the free-text survey
answers and the contact consents, and ends the customer's open card bindings (the card no
longer leads to them). Receipts and ledger entries are kept: the shop's books and every
report's totals stay as they were. The audit log's earlier rows about the customer keep
who, when and what (they are links of the audit chain), but their before/after values
other than ``AUDIT_KEPT_KEYS`` and their notes are blanked: the one change the audit log
takes (migration 0009, shoptui/chain.py), allowed by ``check`` because the anonymisation
itself is audited, without the erased data.
"""

from __future__ import annotations

import datetime as dt
import json

from .. import clock
from ..errors import NotFound
from ..i18n import _
from ..models import (
    AuditLog,
    Card,
    CardBinding,
    Customer,
    DebtEntry,
    Payment,
    PointsEntry,
    PropertyDefinition,
    PropertyValue,
    Receipt,
    ReceiptLine,
    Store,
    SurveyAnswer,
    SurveyQuestion,
)
from ..money import as_string
from . import settings
from .audit import record
from .context import Actor, require
from .customers import groups_of, search_key
from .ledger import lock_customer, write_transaction

# What anonymising blanks on the customer row (and names, without values, in its audit row).
ERASED = {
    "name": None,  # the placeholder, set below
    "phone": None,
    "phone_typed": "",
    "phone_rev": None,
    "email": "",
    "company": "",
    "address": "",
    "birthday": None,
    "birthday_md": None,
    "notes": "",
    "consent_sms": False,
    "consent_zalo": False,
    "consent_facebook": False,
    "consent_email": False,
}
# Keys of earlier audit rows about the customer that say nothing about who they are.
AUDIT_KEPT_KEYS = frozenset(
    {
        "id",
        "code",
        "status",
        "merged_into",
        "store",
        "registered_at",
        "registered_by",
        "discount_bp",
        "credit_limit",
        "points",
        "debt",
        "method",
        "question",
        "group",
        "gender",
        "area",
        "points_balance",
        "debt_balance",
        "total_sales",
        "last_purchase_at",
        "updated_at",
        "customer",
        "receipt",
    }
)


def _customer(customer: Customer | int | str) -> Customer:
    if isinstance(customer, Customer):
        return customer
    found = (
        Customer.get_or_none(Customer.code == customer)
        if isinstance(customer, str)
        else Customer.get_or_none(Customer.id == customer)
    )
    if found is None:
        raise NotFound(_("There is no customer {code}.").format(code=customer))
    return found


def find(code: str) -> Customer:
    """The customer with this code (a clear error when there is none)."""
    return _customer(code.strip())


def anonymise(customer: Customer | int | str, actor: Actor | None = None, *, at: dt.datetime | None = None) -> Customer:
    """Erase what identifies the customer; one transaction, audited without the erased data."""
    require(actor, "anonymise")
    at = at or clock.now()
    with write_transaction():
        found = lock_customer(_customer(customer))
        cid = found.id
        placeholder = _("Anonymised customer")
        values = dict(ERASED, name=placeholder, search_key=search_key(placeholder, found.code), updated_at=at)
        Customer.update(**values).where(Customer.id == cid).execute()
        properties = PropertyValue.delete().where(PropertyValue.customer == cid).execute()
        free_text = SurveyQuestion.select(SurveyQuestion.id).where(SurveyQuestion.kind == "text")
        SurveyAnswer.update(answer="").where(
            (SurveyAnswer.customer == cid) & SurveyAnswer.question.in_(free_text)
        ).execute()
        cards = (
            CardBinding.update(ended_at=at, end_reason="withdrawn")
            .where((CardBinding.customer == cid) & CardBinding.ended_at.is_null())
            .execute()
        )
        _erase_audit(cid, at)
        erased = sorted(k for k in ERASED if k not in ("phone_rev", "birthday_md")) + ["properties"] * bool(properties)
        record(actor, "customer.anonymise", "customer", cid, None, {"erased": erased, "cards_ended": cards}, at=at)
    return Customer.get_by_id(cid)


def _erase_audit(customer_id: int, at: dt.datetime) -> None:
    """Blank the personal values of the earlier audit rows about the customer (see above)."""
    rows = AuditLog.select(AuditLog.id, AuditLog.before, AuditLog.after).where(
        (AuditLog.entity == "customer") & (AuditLog.entity_id == str(customer_id)) & AuditLog.erased_at.is_null()
    )
    for row_id, before, after in list(rows.tuples()):
        AuditLog.update(before=_blank(before), after=_blank(after), note="", erased_at=at).where(
            AuditLog.id == row_id
        ).execute()


def _blank(values):
    if not isinstance(values, dict):
        return values
    return {key: (value if key in AUDIT_KEPT_KEYS else None) for key, value in values.items()}


# -- export ---------------------------------------------------------------------------------------


def export(customer: Customer | int | str, actor: Actor | None = None) -> dict:
    """Everything the shop holds on one customer, JSON-ready: money as strings in the major
    unit, dates in ISO form (the JSON contract of SPEC.md)."""
    require(actor, "export")
    found = _customer(customer)
    currency = settings.currency()

    def money(minor) -> str:
        return as_string(int(minor or 0), currency)

    def when(value) -> str | None:
        return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value

    cid = found.id
    store = Store.get_or_none(Store.id == found.store_id)
    profile = {
        "code": found.code,
        "name": found.name,
        "phone": found.phone,
        "phone_typed": found.phone_typed,
        "gender": found.gender,
        "birthday": when(found.birthday),
        "email": found.email,
        "company": found.company,
        "address": found.address,
        "area": found.area,
        "status": found.status,
        "registered_at": when(found.registered_at),
        "store": store.code if store else None,
        "discount_percent": str(found.discount_bp / 100),
        "credit_limit": None if found.credit_limit is None else money(found.credit_limit),
        "consent": {c: bool(getattr(found, f"consent_{c}")) for c in ("sms", "zalo", "facebook", "email")},
        "notes": found.notes,
        "groups": groups_of(found),
        "properties": {
            code: value
            for code, value in PropertyValue.select(PropertyDefinition.code, PropertyValue.value)
            .join(PropertyDefinition)
            .where(PropertyValue.customer == cid)
            .order_by(PropertyDefinition.code)
            .tuples()
        },
        "merged_into": None if found.merged_into_id is None else Customer.get_by_id(found.merged_into_id).code,
    }
    cards = [
        {"barcode": barcode, "kind": kind, "bound_at": when(bound), "ended_at": when(ended), "end_reason": reason}
        for barcode, kind, bound, ended, reason in CardBinding.select(
            Card.barcode, Card.kind, CardBinding.bound_at, CardBinding.ended_at, CardBinding.end_reason
        )
        .join(Card)
        .where(CardBinding.customer == cid)
        .order_by(CardBinding.bound_at, CardBinding.id)
        .tuples()
    ]
    receipts = []
    for receipt in (
        Receipt.select(Receipt, Store.code.alias("store_code"))
        .join(Store)
        .where(Receipt.customer == cid)
        .order_by(Receipt.at, Receipt.id)
        .objects()
    ):
        receipts.append(
            {
                "store": receipt.store_code,
                "number": receipt.number,
                "kind": receipt.kind,
                "at": when(receipt.at),
                "total": money(receipt.total),
                "discount": money(receipt.discount),
                "points_earned": receipt.points_earned,
                "points_redeemed": receipt.points_redeemed,
                "lines": [
                    {
                        "sku": line.sku,
                        "name": line.name,
                        "qty": str(line.qty),
                        "unit_price": money(line.unit_price),
                        "amount": money(line.amount),
                    }
                    for line in ReceiptLine.select()
                    .where(ReceiptLine.receipt == receipt.id)
                    .order_by(ReceiptLine.position)
                ],
                "payments": [
                    {"method": p.method, "amount": money(p.amount)}
                    for p in Payment.select().where(Payment.receipt == receipt.id).order_by(Payment.id)
                ],
            }
        )
    points_entries = [
        {"at": when(e.at), "kind": e.kind, "points": e.points, "reason": e.reason}
        for e in PointsEntry.select().where(PointsEntry.customer == cid).order_by(PointsEntry.at, PointsEntry.id)
    ]
    debt_entries = [
        {"at": when(e.at), "kind": e.kind, "amount": money(e.amount), "method": e.method, "reason": e.reason}
        for e in DebtEntry.select().where(DebtEntry.customer == cid).order_by(DebtEntry.at, DebtEntry.id)
    ]
    answers = [
        {"question": text, "answer": answer, "at": when(answered)}
        for text, answer, answered in SurveyAnswer.select(SurveyQuestion.text, SurveyAnswer.answer, SurveyAnswer.at)
        .join(SurveyQuestion)
        .where(SurveyAnswer.customer == cid)
        .order_by(SurveyAnswer.at, SurveyAnswer.id)
        .tuples()
    ]
    return {
        "profile": profile,
        "cards": cards,
        "balances": {
            "points": found.points_balance,
            "debt": money(found.debt_balance),
            "total_sales": money(found.total_sales),
        },
        "receipts": receipts,
        "points_entries": points_entries,
        "debt_entries": debt_entries,
        "survey_answers": answers,
    }


def export_json(customer: Customer | int | str, actor: Actor | None = None) -> str:
    return json.dumps(export(customer, actor), ensure_ascii=False, indent=2)
