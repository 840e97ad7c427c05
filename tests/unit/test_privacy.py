"""A customer asks (issue 16, Privacy): ``anonymise`` erases what identifies them, keeps
receipts and ledgers (and so every report's totals), audits itself without the erased data,
and leaves every hash chain whole; ``export`` gives their data as one JSON object."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shoptui import check
from shoptui.cli import main
from shoptui.errors import NotFound, PermissionDenied
from shoptui.models import AuditLog, CardBinding, Customer, PropertyValue, User
from shoptui.reports import debtors
from shoptui.reports.query import ReportQuery
from shoptui.services import cards, checkout, customers, debts, privacy, surveys
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from shoptui.services.surveys import QuestionInput

T0 = dt.datetime(2025, 3, 1, 9, 0)
PERSONAL = (
    "Nguyễn Thị An",
    "0912 345 678",
    "an@example.com",
    "12 Hàng Bạc",
    "1990-06-02",
    "allergic to nuts",
    "-2.5",
    "Công ty An",
    "green tea",
)


@pytest.fixture
def an(database):
    an = customers.register(
        {
            "name": "Nguyễn Thị An",
            "phone": "0912 345 678",
            "email": "an@example.com",
            "address": "12 Hàng Bạc",
            "birthday": "1990-06-02",
            "notes": "allergic to nuts",
            "company": "Công ty An",
            "credit_limit": 500_000,
            "consent_sms": True,
        },
        registered_at=T0,
    ).customer
    customers.define_property("eyesight", "Eyesight", "number")
    customers.set_property(an, "eyesight", "-2.5")
    customers.update(an, {"address": "12 Hàng Bạc", "notes": "allergic to nuts"})
    cards.issue_card(an, "2100000010028", at=T0)
    checkout.record_sale(SaleInput(customer=an, amount=200_000, credit=50_000, at=T0 + dt.timedelta(hours=1)))
    debts.take_payment(an, 10_000, at=T0 + dt.timedelta(hours=2))
    question = surveys.define_question(QuestionInput(text="Favourite drink?", kind="text"))
    surveys.record_answer(question, an, "green tea")
    return Customer.get_by_id(an.id)


def audit_text(customer_id: int) -> str:
    rows = AuditLog.select().where((AuditLog.entity == "customer") & (AuditLog.entity_id == str(customer_id)))
    return " ".join(json.dumps([r.before, r.after, r.note], ensure_ascii=False) for r in rows)


def test_export_gives_everything_as_json(an, capsys, db_path):
    data = privacy.export(an.code)
    assert data["profile"]["name"] == "Nguyễn Thị An" and data["profile"]["email"] == "an@example.com"
    assert data["profile"]["properties"] == {"eyesight": "-2.5"}
    assert data["cards"][0]["barcode"] == "2100000010028"
    assert data["balances"]["debt"] == "40000" and data["balances"]["points"] == an.points_balance
    assert [r["total"] for r in data["receipts"]] == ["200000"]
    assert {e["kind"] for e in data["debt_entries"]} == {"credit_sale", "payment"}
    assert data["survey_answers"] == [
        {"question": "Favourite drink?", "answer": "green tea", "at": data["survey_answers"][0]["at"]}
    ]
    assert main(["--db", str(db_path), "customer", "export", an.code]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["profile"]["code"] == an.code and printed["debt_entries"] == data["debt_entries"]


def test_anonymise_erases_keeps_the_books_and_the_chains_verify(an, db_path, capsys):
    before = debtors.debtors(ReportQuery(as_of=T0.date()))["totals"]
    assert all(text in audit_text(an.id) for text in ("Nguyễn Thị An", "an@example.com", "allergic to nuts"))
    assert main(["--db", str(db_path), "customer", "anonymise", an.code]) == 0
    assert an.code in capsys.readouterr().out
    gone = Customer.get_by_id(an.id)
    assert (gone.phone, gone.phone_typed, gone.email, gone.address, gone.birthday, gone.notes, gone.company) == (
        None,
        "",
        "",
        "",
        None,
        "",
        "",
    )
    assert gone.name != "Nguyễn Thị An" and gone.code == an.code
    assert (gone.debt_balance, gone.points_balance, gone.total_sales) == (
        an.debt_balance,
        an.points_balance,
        an.total_sales,
    )
    assert PropertyValue.select().where(PropertyValue.customer == an.id).count() == 0
    assert CardBinding.get(CardBinding.customer == an.id).ended_at is not None
    assert cards.resolve_scan("2100000010028").kind == "withdrawn"
    exported = json.dumps(privacy.export(an.code), ensure_ascii=False)
    logged = audit_text(an.id)
    for text in PERSONAL:
        assert text not in exported and text not in logged, text
    last = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (last.action, last.actor, last.entity_id) == ("customer.anonymise", last.actor, str(an.id))
    assert last.actor.startswith("cli:")
    assert debtors.debtors(ReportQuery(as_of=T0.date()))["totals"] == before
    assert check.run_checks(full=True) == []


def test_an_erasure_without_an_anonymisation_is_named(an, database):
    from tests.tamper_helpers import drop_append_only_triggers

    row = AuditLog.get((AuditLog.entity == "customer") & (AuditLog.action == "customer.register"))
    # The one UPDATE the audit log takes is an erasure; without the anonymisation it is found.
    database.execute_sql("UPDATE audit_log SET after = NULL, erased_at = ? WHERE id = ?", (T0, row.id))
    problems = check.run_checks(full=True)
    assert [p.kind for p in problems] == ["chain_edited"] and f"row {row.id} of table audit_log" in problems[0].message
    # Any other change of an audit row is refused by the database itself.
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("UPDATE audit_log SET action = 'x', erased_at = ? WHERE id = ?", (T0, row.id + 1))
    drop_append_only_triggers(database)


def test_only_the_owner_anonymises_and_an_unknown_code_is_one_sentence(an, db_path, capsys):
    manager = Actor(User.create(name="Lan", role="manager", pin_hash="x", pin_salt="y", created_at=T0))
    with pytest.raises(PermissionDenied, match="ask the owner"):
        privacy.anonymise(an, manager)
    with pytest.raises(NotFound):
        privacy.find("KH999999")
    assert main(["--db", str(db_path), "customer", "export", "KH999999"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "KH999999" in err
