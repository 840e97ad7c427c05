"""A customer's phone in the customer lists (winback, rfm, birthdays, debtors, buyers) and
the merge dialog's list: the stored E.164 number in the national form of the shop's
region, as the directory and the card show it; the typed text only when unreadable."""

from __future__ import annotations

import datetime as dt
import json

from screens.customer.merge_modal import find_duplicates
from shoptui.reports import render
from shoptui.reports.birthdays import birthdays
from shoptui.reports.contacts import contact
from shoptui.reports.query import ReportQuery
from shoptui.services import customers


def row(e164, typed):
    return {
        "code": "KH1",
        "name": "An",
        "phone_e164": e164,
        "phone_typed": typed,
        "sms": 1,
        "zalo": 0,
        "facebook": 0,
        "email": 0,
    }


def test_the_stored_number_in_the_shops_national_form():
    assert contact(row("+84597238262", "0597.238.262"), "VN")["phone"] == "0597 238 262"
    assert contact(row("+84869622572", "+84 869 622 572"), "VN")["phone"] == "0869 622 572"
    assert contact(row("+493012345678", "030 12345678"), "VN")["phone"] == "+49 30 12345678"  # abroad: international
    assert contact(row(None, "12-34"), "VN")["phone"] == "12-34"  # unreadable: as typed
    assert contact(row(None, ""), "VN")["phone"] == ""


def test_a_report_and_its_json_show_the_same_form(database):
    for name, typed in (("Dot", "0597.238.262"), ("Space", "+84 869 622 572"), ("Odd", "12-34")):
        customers.register(
            {"name": name, "phone": typed, "birthday": "1990-06-02"}, registered_at=dt.datetime(2020, 1, 1)
        )
    query = ReportQuery(as_of=dt.date(2025, 6, 1), options={"days": 7})
    report = birthdays(query)
    phones = {r["name"]: r["phone"] for r in report["rows"]}
    assert phones == {"Dot": "0597 238 262", "Space": "0869 622 572", "Odd": "12-34"}
    data = json.loads(render.to_json(report, "VND"))
    assert {r["name"]: r["phone"] for r in data["rows"]} == phones


def test_the_merge_list_shows_phones_as_the_directory_does(database):
    keep = customers.register({"name": "Trần An", "phone": "0912 345 678"}).customer
    customers.register({"name": "Trần An cũ", "phone": "0597.238.262"})
    shown = [text for _id, text in find_duplicates("Trần", keep.id)]
    assert len(shown) == 1 and shown[0].endswith("Trần An cũ  0597 238 262")
