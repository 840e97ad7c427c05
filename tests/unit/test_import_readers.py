"""Import files as they come: encodings, delimiters, spreadsheet row numbers, xlsx, junk."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata

import pytest

from shoptui.errors import ImportFileError
from shoptui.io.readers import open_sheet

VIETNAMESE = "Mã khách hàng,Tên khách hàng,Điện thoại\nKH1,Nguyễn Văn Ánh,0912345678\nKH2,Trần Thị Bình,0987654321\n"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 writes a tone as a combining mark after a letter it has."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in TONES))
            out += base.encode("cp1258") + "".join(m for m in parts if m in TONES).encode("cp1258")
    return out


def rows_of(path):
    sheet = open_sheet(path)
    return sheet.headers, list(sheet.rows)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-16"),
        cp1258,
        lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),  # macOS
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1258", "utf-8-nfd"],
)
def test_vietnamese_in_every_encoding(tmp_path, encode):
    path = tmp_path / "khach.csv"
    path.write_bytes(encode(VIETNAMESE))
    headers, rows = rows_of(path)
    assert headers == ["Mã khách hàng", "Tên khách hàng", "Điện thoại"]
    assert rows[0] == (2, {"Mã khách hàng": "KH1", "Tên khách hàng": "Nguyễn Văn Ánh", "Điện thoại": "0912345678"})


def test_russian_windows_1251_with_semicolons(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes("Код;ФИО;Телефон\n1;Иванов Пётр;8 912 345-67-89\n".encode("cp1251"))
    assert rows_of(path) == (
        ["Код", "ФИО", "Телефон"],
        [(2, {"Код": "1", "ФИО": "Иванов Пётр", "Телефон": "8 912 345-67-89"})],
    )


def test_german_windows_1252_with_tabs(tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes("Kundennummer\tName\tAdresse\n7\tMüller\tHauptstraße 5, Köln\n".encode("cp1252"))
    headers, rows = rows_of(path)
    assert headers == ["Kundennummer", "Name", "Adresse"] and rows[0][1]["Adresse"] == "Hauptstraße 5, Köln"


def test_row_numbers_are_what_a_spreadsheet_shows(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('name,note\nAn,"two\nlines"\n\n,\nBinh,x\n', encoding="utf-8")
    _headers, rows = rows_of(path)
    # The quoted line break stays in row 2; the blank and empty rows 3 and 4 are skipped but counted.
    assert [(n, r["name"]) for n, r in rows] == [(2, "An"), (5, "Binh")]


def test_excel_sep_line_and_short_rows(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("sep=;\nname;phone;email\nAn;0912\n", encoding="utf-8")
    headers, rows = rows_of(path)
    assert headers == ["name", "phone", "email"] and rows == [(2, {"name": "An", "phone": "0912"})]


def test_a_comma_inside_quotes_does_not_decide_the_delimiter(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('name;address\nAn;"1, Lê Lợi"\n', encoding="utf-8")
    assert rows_of(path)[1] == [(2, {"name": "An", "address": "1, Lê Lợi"})]


def test_repeated_header_names_stay_apart(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("name,name\nAn,Binh\n", encoding="utf-8")
    assert rows_of(path) == (["name", "name (2)"], [(2, {"name": "An", "name (2)": "Binh"})])


def test_xlsx(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["receipt_no", "datetime", "total"])
    sheet.append(["HD1", dt.datetime(2024, 3, 5, 10, 15), 125000])
    sheet.append([None, None, None])
    sheet.append(["HD2", dt.datetime(2024, 3, 5, 11, 0), 0])
    book.save(tmp_path / "sales.xlsx")
    headers, rows = rows_of(tmp_path / "sales.xlsx")
    assert headers == ["receipt_no", "datetime", "total"]
    assert rows == [
        (2, {"receipt_no": "HD1", "datetime": dt.datetime(2024, 3, 5, 10, 15), "total": 125000}),
        (4, {"receipt_no": "HD2", "datetime": dt.datetime(2024, 3, 5, 11, 0), "total": 0}),
    ]


def test_the_hash_is_of_the_content(tmp_path):
    (tmp_path / "a.csv").write_text("name\nAn\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("name\nAn\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("name\nBinh\n", encoding="utf-8")
    a, b, c = (open_sheet(tmp_path / f"{x}.csv").sha256 for x in "abc")
    assert a == b != c


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p, "There is no file"),
        (lambda p: (p.mkdir(), p)[1], "is a folder"),
        (lambda p: (p.write_bytes(os.urandom(4096) + b"\x00\x01"), p)[1], "is not a CSV or Excel file"),
        (lambda p: (p.write_bytes(b""), p)[1], "is empty"),
        (lambda p: (p.write_bytes(b"\n\n  \n"), p)[1], "is empty"),
        (lambda p: (p.write_bytes(b"PK\x03\x04 not really a workbook"), p)[1], "is not a readable Excel file"),
    ],
    ids=["missing", "folder", "binary", "empty", "blank", "fake-xlsx"],
)
def test_unreadable_files_are_one_sentence(tmp_path, make, message):
    path = make(tmp_path / "file.csv")
    with pytest.raises(ImportFileError) as caught:
        sheet = open_sheet(path)
        list(sheet.rows)
    assert message in str(caught.value) and "\n" not in str(caught.value)
