"""Imports from .xlsx files as other shop programs write them: KiotViet's Vietnamese
headers, 1C's Russian ones, German ones; dates as Excel dates, as text and as bare day
numbers; numbers as text with local separators; phones that lost their leading zero;
bad rows; the sheet to read; a file whose stored size is wrong."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl.utils.datetime import to_excel

from shoptui.errors import ImportFileError
from shoptui.io.importer import import_file, import_sheet
from shoptui.io.readers import open_sheet
from shoptui.models import Customer, DebtEntry, PointsEntry, Receipt, VisitCount
from shoptui.services import settings


def workbook(path, rows, title=None, before: list[tuple[str, list]] = ()):
    book = openpyxl.Workbook()
    first = book.active
    for name, cover in before:  # sheets in front of the table
        first.title = name
        for row in cover:
            first.append(row)
        first = book.create_sheet()
    if title:
        first.title = title
    for row in rows:
        first.append(row)
    book.save(path)
    return path


def counts(report):
    return tuple(report.counts[k] for k in ("imported", "updated", "unchanged", "rejected"))


def test_kiotviet_customer_list(database, tmp_path):
    """The columns of KiotViet's "Danh sách khách hàng" export, its cells as Excel keeps them."""
    header = [
        "Mã khách hàng",
        "Tên khách hàng",
        "Điện thoại",
        "Giới tính",
        "Ngày sinh",
        "Email",
        "Công ty",
        "Địa chỉ",
        "Khu vực",
        "Nợ cần thu hiện tại",
        "Điểm hiện tại",
        "Tổng điểm",
        "Tổng bán",
        "Trạng thái",
        "Ngày tạo",
    ]
    path = workbook(
        tmp_path / "DanhSachKhachHang.xlsx",
        [
            header,
            [
                "KH000001",
                "Nguyễn Văn An",
                912345678,
                "Nam",
                dt.datetime(1990, 5, 31),
                "an@example.com",
                "",
                "12 Lê Lợi",
                "Quận 1",
                "150.000",
                "1.234",
                5000,
                9_000_000,
                "Đang hoạt động",
                dt.datetime(2023, 7, 1, 8, 30),
            ],
            [
                "KH000002",
                "Trần Thị Bình",
                84987654321,
                "Nữ",
                "31/05/1991",
                None,
                None,
                None,
                None,
                20000.0,
                56.0,
                56,
                0,
                "Ngừng hoạt động",
                "01/02/2024",
            ],
            [
                "KH000003",
                "Lê Chi",
                "0901 234 567",
                "nữ",
                to_excel(dt.datetime(1992, 1, 15)),
                None,
                None,
                None,
                None,
                "1,500,000",
                None,
                None,
                None,
                None,
                45292,
            ],
            [
                "KH000004",
                "Phạm Dũng",
                "0902345678",
                "Nam",
                "31/02/1990",
                None,
                None,
                None,
                None,
                None,
                "abc",
                None,
                None,
                None,
                None,
            ],
            [
                "KH000005",
                "Hồ Em",
                "0903456789",
                None,
                3_000_000,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ],
    )
    report = import_file("customers", path)
    assert counts(report) == (3, 0, 0, 2)
    assert report.messages[0] == "warning: these columns are not known and are ignored: Tổng điểm, Tổng bán"
    assert "row 5: Ngày sinh: 31/02/1990 is not a date in the shop's order DD/MM/YYYY." in report.messages
    assert "row 5: Điểm hiện tại: abc is not a whole number." in report.messages
    assert "row 6: Ngày sinh: 3000000 is not a date." in report.messages
    an, binh, chi = (Customer.get(Customer.code == f"KH00000{n}") for n in (1, 2, 3))
    assert (an.phone, an.gender, an.birthday, an.area, an.status) == (
        "+84912345678",
        "male",
        dt.date(1990, 5, 31),
        "Quận 1",
        "active",
    )
    assert an.registered_at == dt.datetime(2023, 7, 1, 8, 30)
    assert (an.debt_balance, an.points_balance) == (150_000, 1234)  # "Tổng điểm" (lifetime points) is not the balance
    assert (binh.phone, binh.birthday, binh.status, binh.registered_at) == (
        "+84987654321",
        dt.date(1991, 5, 31),
        "archived",
        dt.datetime(2024, 2, 1),
    )
    assert (binh.debt_balance, binh.points_balance) == (20_000, 56)
    assert (chi.birthday, chi.debt_balance, chi.registered_at) == (
        dt.date(1992, 1, 15),
        1_500_000,
        dt.datetime(2024, 1, 1),
    )
    # Balances from another program are opening entries of the ledgers.
    assert sorted((e.customer.code, e.kind, e.amount) for e in DebtEntry.select()) == [
        ("KH000001", "opening", 150_000),
        ("KH000002", "opening", 20_000),
        ("KH000003", "opening", 1_500_000),
    ]
    assert {(e.kind, e.points) for e in PointsEntry.select()} == {("opening", 1234), ("opening", 56)}
    assert counts(import_file("customers", path)) == (0, 0, 3, 2)


def test_1c_russian_customers_and_receipts_with_local_separators(database, tmp_path):
    settings.set_value("region", "RU")
    settings.set_value("currency", "RUB")
    customers = workbook(
        tmp_path / "Клиенты.xlsx",
        [
            [
                "Код",
                "Наименование",
                "Телефон",
                "Пол",
                "Дата рождения",
                "Бонусные баллы",
                "Задолженность",
                "Дисконтная карта",
            ],
            ["000000001", "Иванова Мария", 9161234567, "Ж", "31.05.1990", "1\u00a0234", "1 234,50", "2000000000015"],
            ["000000002", "Петров Иван", 79161234568, "М", "1985-12-01", 0, 0, None],
            ["000000003", "Сидоров", "8 (916) 123-45-69", "М", "32.01.1990", None, None, None],
        ],
    )
    report = import_file("customers", customers)
    assert counts(report) == (2, 0, 0, 1)
    assert report.messages == ["row 4: Дата рождения: 32.01.1990 is not a date in the shop's order DD/MM/YYYY."]
    maria = Customer.get(Customer.code == "000000001")
    assert (maria.phone, maria.gender, maria.birthday) == ("+79161234567", "female", dt.date(1990, 5, 31))
    assert (maria.points_balance, maria.debt_balance) == (1234, 123_450)
    assert Customer.get(Customer.code == "000000002").phone == "+79161234568"
    receipts = workbook(
        tmp_path / "Чеки.xlsx",
        [
            ["Номер чека", "Дата", "Время", "Покупатель", "Сумма", "Скидка", "Вид операции"],
            ["00012", dt.date(2025, 3, 5), dt.time(10, 15), "2000000000015", "1 234,50", 100.5, "Продажа"],
            ["00013", "05.03.2025", 0.4375, "000000002", 990, None, "продажа"],
            ["00014", "05.03.2025", "11:00", None, "12,5", None, "Возврат"],
            ["00015", "05.03.2025", "11:00", None, "1.234,567", None, None],
        ],
    )
    report = import_file("sales", receipts)
    assert counts(report) == (3, 0, 0, 1)
    assert report.messages == ["row 5: Сумма: 1.234,567 has more decimals than RUB allows"]
    first, second, third = Receipt.select().order_by(Receipt.number)
    assert (first.at, first.total, first.discount, first.customer.code) == (
        dt.datetime(2025, 3, 5, 10, 15),
        123_450,
        10_050,
        "000000001",
    )
    assert (second.at, second.total, second.customer.code) == (dt.datetime(2025, 3, 5, 10, 30), 99_000, "000000002")
    assert (third.kind, third.total) == ("return", 1_250)  # a decimal comma


def test_visits_with_german_headers_and_excel_day_numbers(database, tmp_path):
    path = workbook(
        tmp_path / "besucher.xlsx",
        [
            ["Filiale", "Zeitpunkt", "Eingang", "Ausgang"],
            ["MAIN", to_excel(dt.datetime(2025, 3, 5, 10, 30)), "12", 10],
            ["MAIN", to_excel(dt.datetime(2025, 3, 5, 10, 45)), 3.0, None],
            ["MAIN", 20250305, 7, 7],
        ],
    )
    assert counts(import_file("visits", path)) == (2, 0, 0, 0)
    hours = {(v.hour, v.visitors_in, v.visitors_out) for v in VisitCount.select()}
    assert hours == {(dt.datetime(2025, 3, 5, 10), 15, 10), (dt.datetime(2025, 3, 5, 0), 7, 7)}


def test_the_sheet_to_read_by_name_or_number(database, tmp_path):
    table = [["receipt_no", "datetime", "total"], ["A1", dt.datetime(2025, 3, 5, 9), 1000]]
    path = workbook(tmp_path / "book.xlsx", table, title="Данные", before=[("Отчёт", [["Продажи за март"]])])
    with pytest.raises(ImportFileError, match="no column for receipt_no, datetime, total"):
        import_sheet("sales", open_sheet(path))
    by_name = open_sheet(path, sheet=" данные ")
    by_number = open_sheet(path, sheet="2")
    assert by_name.headers == by_number.headers == ["receipt_no", "datetime", "total"]
    assert by_name.sha256 != open_sheet(path).sha256  # another sheet is another source of rows
    assert counts(import_sheet("sales", by_name)) == (1, 0, 0, 0)
    with pytest.raises(ImportFileError) as error:
        open_sheet(path, sheet="Sheet9")
    assert str(error.value) == f"{path} has no sheet Sheet9; its sheets are: Отчёт, Данные."
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("name\nAn\n", encoding="utf-8")
    assert open_sheet(csv_file, sheet="1").headers == ["name"]
    with pytest.raises(ImportFileError, match="CSV file"):
        open_sheet(csv_file, sheet="Data")


def test_a_workbook_whose_stored_size_is_wrong_is_read_whole(database, tmp_path):
    """Some programs write <dimension ref="A1"/> whatever the sheet holds."""
    path = workbook(
        tmp_path / "export.xlsx", [["code", "name", "phone"], ["K1", "An", "0912345678"], ["K2", "Bình", None]]
    )
    data = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(data, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', content)
            target.writestr(item, content)
    path.write_bytes(data.getvalue())
    sheet = open_sheet(path)
    assert sheet.headers == ["code", "name", "phone"]
    assert [row for _n, row in sheet.rows][0] == {"code": "K1", "name": "An", "phone": "0912345678"}
    assert counts(import_file("customers", path)) == (2, 0, 0, 0)
