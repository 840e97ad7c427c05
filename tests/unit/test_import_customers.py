"""``import customers``: matching, updates, opening balances taken once, cards, phones, statuses."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from shoptui import clock
from shoptui.io.importer import import_file
from shoptui.models import AuditLog, Card, CardBinding, Customer, DebtEntry, ImportSource, PointsEntry
from shoptui.services import cards, customers


def write_csv(path, rows, delimiter=","):
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


HEADER = ["code", "name", "phone", "gender", "birthday", "email", "points", "debt", "card"]


def counts(report):
    return tuple(report.counts[k] for k in ("imported", "updated", "unchanged", "rejected"))


def test_kiotviet_file_imports_and_a_second_time_adds_nothing(database, tmp_path):
    path = write_csv(
        tmp_path / "kh.csv",
        [
            [
                "Mã khách hàng",
                "Tên khách hàng",
                "Điện thoại",
                "Giới tính",
                "Ngày sinh",
                "Điểm hiện tại",
                "Nợ hiện tại",
                "Tổng điểm",
            ],
            ["KH001", "Nguyễn Văn An", "912345678", "Nam", "05/03/1990", "120", "50.000", "999"],
            ["KH002", "Trần Thị Bình", "0987 654 321", "Nữ", "", "", "", ""],
        ],
    )
    first = import_file("customers", path)
    assert counts(first) == (2, 0, 0, 0)
    an = Customer.get(Customer.code == "KH001")
    # The spreadsheet dropped the leading zero; the phone is still read for the shop's region.
    assert (an.phone, an.phone_typed) == ("+84912345678", "912345678")
    assert (an.gender, an.birthday, an.points_balance, an.debt_balance) == ("male", dt.date(1990, 3, 5), 120, 50000)
    assert an.registered_at.date() == clock.today()
    assert Customer.get(Customer.code == "KH002").gender == "female"
    assert first.messages == ["warning: these columns are not known and are ignored: Tổng điểm"]

    second = import_file("customers", path)
    assert counts(second) == (0, 0, 2, 0)
    assert Customer.select().count() == 2
    assert PointsEntry.select().count() == 1 and DebtEntry.select().count() == 1


def test_changed_fields_update_the_customer_and_balances_stay_opening_ones(database, tmp_path):
    write_csv(tmp_path / "a.csv", [HEADER, ["K1", "An", "0912345678", "f", "1990-01-02", "", "100", "20000", ""]])
    import_file("customers", tmp_path / "a.csv")
    write_csv(
        tmp_path / "b.csv",
        [HEADER, ["K1", "An Nguyen", "0912 345 678", "f", "1990-01-02", "an@example.com", "500", "90000", ""]],
    )
    report = import_file("customers", tmp_path / "b.csv")
    assert counts(report) == (0, 1, 0, 0)
    an = Customer.get(Customer.code == "K1")
    assert (an.name, an.email, an.phone) == ("An Nguyen", "an@example.com", "+84912345678")
    # Points and debt are opening balances: taken once, never replaced by a later file.
    assert (an.points_balance, an.debt_balance) == (100, 20000)
    assert (
        AuditLog.select().where((AuditLog.action == "customer.update") & (AuditLog.entity_id == str(an.id))).count()
        == 1
    )


def test_an_empty_cell_erases_nothing(database, tmp_path):
    write_csv(tmp_path / "a.csv", [HEADER, ["K1", "An", "0912345678", "f", "1990-01-02", "an@example.com", "", "", ""]])
    import_file("customers", tmp_path / "a.csv")
    write_csv(tmp_path / "b.csv", [["code", "email", "phone"], ["K1", "", ""]])
    assert counts(import_file("customers", tmp_path / "b.csv")) == (0, 0, 1, 0)
    an = Customer.get(Customer.code == "K1")
    assert an.email == "an@example.com" and an.phone == "+84912345678"


def test_opening_balances_are_taken_once_also_for_a_customer_that_had_none(database, tmp_path):
    write_csv(tmp_path / "a.csv", [["code", "name"], ["K1", "An"]])
    import_file("customers", tmp_path / "a.csv")
    write_csv(tmp_path / "b.csv", [["code", "name", "points", "debt"], ["K1", "An", "40", "-5000"]])
    assert counts(import_file("customers", tmp_path / "b.csv")) == (0, 1, 0, 0)
    assert counts(import_file("customers", tmp_path / "b.csv")) == (0, 0, 1, 0)
    an = Customer.get(Customer.code == "K1")
    assert (an.points_balance, an.debt_balance) == (40, -5000)
    assert [e.kind for e in PointsEntry.select()] == ["opening"] and [e.kind for e in DebtEntry.select()] == ["opening"]


def test_rows_without_code_match_by_phone_then_by_name(database, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["name", "phone", "birthday"],
            ["An", "0912345678", ""],
            ["Binh", "", "1980-02-03"],
            ["Chi", "", ""],
        ],
    )
    assert counts(import_file("customers", path)) == (3, 0, 0, 0)
    assert counts(import_file("customers", path)) == (0, 0, 3, 0)
    # Found by phone, whatever name the other file uses.
    write_csv(tmp_path / "b.csv", [["name", "phone"], ["An Tran", "+84 912 345 678"]])
    assert counts(import_file("customers", tmp_path / "b.csv")) == (0, 1, 0, 0)
    assert Customer.get(Customer.phone == "+84912345678").name == "An Tran"
    # A namesake with another birthday is someone else.
    write_csv(tmp_path / "c.csv", [["name", "birthday"], ["Binh", "1999-09-09"]])
    assert counts(import_file("customers", tmp_path / "c.csv")) == (1, 0, 0, 0)
    assert Customer.select().where(Customer.name == "Binh").count() == 2


def test_a_name_shared_by_several_customers_without_code_or_phone_is_rejected(database, tmp_path):
    customers.register({"name": "Chi"})
    customers.register({"name": "Chi"})
    path = write_csv(tmp_path / "a.csv", [["name", "email"], ["Chi", "chi@example.com"]])
    report = import_file("customers", path)
    assert counts(report) == (0, 0, 0, 1)
    assert report.messages == ["row 2: Several customers are called Chi; give the row a code or a phone."]


def test_an_unreadable_phone_is_kept_marked_incomplete_and_warned(database, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["code", "name", "phone", "status"], ["K1", "An", "12-34", "active"]])
    report = import_file("customers", path)
    assert counts(report) == (1, 0, 0, 0)
    an = Customer.get(Customer.code == "K1")
    assert (an.phone, an.phone_typed, an.status) == (None, "12-34", "incomplete")
    assert report.messages == ["row 2: warning: The phone number 12-34 cannot be read; it is kept as typed."]
    # The same file again changes nothing: "active" was refused for a reason that still holds.
    assert counts(import_file("customers", path)) == (0, 0, 1, 0)


def test_a_bare_code_is_a_customer_to_complete(database, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["code"], ["17850"]])
    assert counts(import_file("customers", path)) == (1, 0, 0, 0)
    c = Customer.get(Customer.code == "17850")
    assert (c.name, c.status) == ("17850", "incomplete")


def test_statuses_gender_words_and_registration_date(database, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["Код", "ФИО", "Пол", "Статус", "Дата регистрации"],
            ["1", "Иванова Анна", "Ж", "Архив", "01.02.2020"],
            ["2", "Петров Пётр", "М", "Контроль", "2021-03-04 10:00"],
            ["3", "Müller", "weiblich", "", ""],
        ],
    )
    assert counts(import_file("customers", path)) == (3, 0, 0, 0)
    one, two, three = (Customer.get(Customer.code == c) for c in "123")
    assert (one.gender, one.status, one.registered_at) == ("female", "archived", dt.datetime(2020, 2, 1))
    assert (two.gender, two.status, two.registered_at) == ("male", "incomplete", dt.datetime(2021, 3, 4, 10))
    assert three.gender == "female" and three.status == "active"
    write_csv(tmp_path / "b.csv", [["Код", "Статус", "Дата регистрации"], ["1", "Введён", "01.02.2020"]])
    assert counts(import_file("customers", tmp_path / "b.csv")) == (0, 1, 0, 0)
    assert Customer.get(Customer.code == "1").status == "active"


def test_cards_are_issued_once_and_a_card_of_someone_else_rejects_the_row(database, tmp_path):
    holder = customers.register({"name": "Holder", "code": "H1"}).customer
    cards.issue_card(holder, "2000000000015")
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["code", "name", "card"],
            ["K1", "An", "2900000000011"],
            ["K2", "Binh", "2000000000015"],
        ],
    )
    report = import_file("customers", path)
    assert counts(report) == (1, 0, 0, 1)
    assert report.messages == ["row 3: Card 2000000000015 already belongs to Holder (H1)."]
    # The rejected row left no customer behind.
    assert not Customer.select().where(Customer.code == "K2").exists()
    assert cards.resolve_scan("2900000000011").customer.code == "K1"
    assert counts(import_file("customers", path)) == (0, 0, 1, 1)
    # A card the shop withdrew is not bound again by importing the old file.
    cards.withdraw_card("2900000000011")
    assert counts(import_file("customers", path)) == (0, 0, 1, 1)
    card = Card.get(Card.barcode == "2900000000011")
    assert CardBinding.select().where((CardBinding.card == card) & CardBinding.ended_at.is_null()).count() == 0


def test_bad_rows_are_rejected_with_their_row_number_and_good_rows_kept(database, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            HEADER,
            ["K1", "An", "", "", "", "", "", "", ""],
            ["K2", "Binh", "", "q", "", "", "", "", ""],
            ["", "", "0912345678", "", "", "", "", "", ""],
            ["K4", "Dung", "", "", "31/02/1990", "", "", "", ""],
            ["K5", "Em", "", "", "", "not-an-email", "", "", ""],
            ["K6", "Giang", "", "", "", "", "many", "", ""],
        ],
    )
    report = import_file("customers", path)
    assert counts(report) == (1, 0, 0, 5)
    assert report.messages == [
        "row 3: gender: q is not a gender (female, male, other).",
        "row 4: The row has neither a name nor a code.",
        "row 5: birthday: 31/02/1990 is not a date in the shop's order DD/MM/YYYY.",
        "row 6: not-an-email is not an e-mail address.",
        "row 7: points: many is not a whole number.",
    ]
    assert [c.code for c in Customer.select()] == ["K1"]


def test_dry_run_writes_nothing_and_reports_the_same(database, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            HEADER,
            ["K1", "An", "0912345678", "f", "", "", "10", "100", "2900000000011"],
            ["K2", "Binh", "1", "", "", "", "", "", ""],
            ["", "", "", "", "", "", "", "", ""],
        ],
    )
    dry = import_file("customers", path, dry_run=True)
    assert Customer.select().count() == 0 and PointsEntry.select().count() == 0 and Card.select().count() == 0
    assert ImportSource.select().count() == 0 and AuditLog.select().count() == 0
    real = import_file("customers", path)
    assert dry.counts == real.counts and dry.messages == real.messages
    assert counts(real) == (2, 0, 0, 0)


def test_progress_is_recorded_with_the_file(database, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["name"], ["An"], ["Binh"], ["Chi"]])
    import_file("customers", path, batch_size=2)
    source = ImportSource.get()
    assert (source.kind, source.file_name, source.rows_done) == ("customers", "a.csv", 4)
    assert source.finished_at is not None and source.summary == {
        "imported": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    import_file("customers", path)
    assert ImportSource.select().count() == 1


@pytest.mark.parametrize(
    "region, typed, e164",
    [
        ("VN", "912345678", "+84912345678"),
        ("RU", "9123456789", "+79123456789"),
        ("DE", "15123456789", "+4915123456789"),
    ],
)
def test_phones_that_lost_their_leading_zero(database, tmp_path, region, typed, e164):
    from shoptui.services import settings

    settings.set_value("region", region)
    write_csv(tmp_path / "a.csv", [["name", "phone"], ["An", typed]])
    import_file("customers", tmp_path / "a.csv")
    assert Customer.get().phone == e164


def test_a_code_or_phone_repeated_in_one_file_with_other_data_is_a_conflict(database, tmp_path):
    """Issue 12 #8, issue 16 #7: the later row is rejected, never an update of the earlier one,
    so the same file imported again says the same; the same data twice is one customer."""
    rows = [["code", "name", "phone"], ["K1", "An", "0912345678"]]
    rows += [[f"K{i}", f"Khách {i}", ""] for i in range(2, 13)]
    rows += [
        ["K1", "An Tran", ""],  # row 14: K1 again, other data
        ["", "Binh", "0987654321"],
        ["", "Binh", "0987 654 321"],  # the same data twice
        ["", "Binh Le", "+84 987 654 321"],  # row 17: Binh's phone again, another name
        ["K1", "An", "0912345678"],
    ]  # row 18: row 2 again, the same data
    path = write_csv(tmp_path / "a.csv", rows)
    first = import_file("customers", path)
    assert counts(first) == (13, 0, 2, 2)
    assert "row 14: K1 is also on row 2 with other data" in first.messages
    assert "row 17: +84 987 654 321 is also on row 15 with other data" in first.messages
    assert counts(import_file("customers", path)) == (0, 0, 15, 2)
    assert Customer.get(Customer.code == "K1").name == "An"
    assert Customer.get(Customer.phone == "+84987654321").name == "Binh"
