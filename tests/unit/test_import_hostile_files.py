"""Import files that are not what they seem: pipes and devices, UTF-16 without its mark,
quotes that swallow rows, zip bombs, damaged and oversized sheets. Each is refused with
one sentence before anything is stored, or read as it should be."""

from __future__ import annotations

import io
import os
import threading
import zipfile

import openpyxl
import pytest

from shoptui.errors import ImportFileError
from shoptui.io import readers
from shoptui.io.importer import import_file
from shoptui.io.readers import open_sheet
from shoptui.models import Customer

RUSSIAN = "Код;ФИО;Телефон\n1;Иванов Пётр;8 912 345-67-89\n2;Петров Иван;8 912 000-00-01\n"
VIETNAMESE = "Mã khách hàng,Tên khách hàng,Điện thoại\nKH1,Nguyễn Văn Ánh,0912345678\n"


def refused(path) -> str:
    with pytest.raises(ImportFileError) as caught:
        list(open_sheet(path).rows)
    message = str(caught.value)
    assert "\n" not in message and "Error" not in message
    return message


def test_a_fifo_is_refused_and_never_waited_on(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            open_sheet(fifo)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=20)
    if not outcome:  # release the reader that waits for a writer (the old behaviour)
        with open(fifo, "wb"):
            pass
        reader.join(timeout=20)
        pytest.fail("reading a FIFO waited for a writer")
    assert isinstance(outcome[0], ImportFileError) and "pipe" in str(outcome[0])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    assert "device or a pipe" in refused(device)


def test_a_folder_is_refused(tmp_path):
    assert "is a folder" in refused(tmp_path)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [RUSSIAN, VIETNAMESE], ids=["russian", "vietnamese"])
def test_utf16_without_a_byte_order_mark(tmp_path, encoding, text):
    path = tmp_path / "clients.csv"
    path.write_bytes(text.encode(encoding))
    sheet = open_sheet(path)
    lines = text.splitlines()
    delimiter = ";" if ";" in lines[0] else ","
    assert sheet.headers == lines[0].split(delimiter)
    assert [list(row.values()) for _n, row in sheet.rows] == [line.split(delimiter) for line in lines[1:]]


UNCLOSED = [
    # The quote on row 3 is never closed: every later row was read into one name.
    'code,name,phone\nKH1,An,0901\nKH2,"Nguyen Binh,0902\nKH3,Chi,0903\nKH4,Dung,0904\n',
    # ... and closed by the opening quote of a later cell.
    'code,name,phone\nKH1,An,0901\nKH2,"Nguyen Binh,0902\nKH3,Chi,0903\nKH4,"Le, Van",0904\n',
    # ... and closed by a stray quote at the end of a later cell (5" screen).
    'code,name,phone\nKH1,An,0901\nKH2,"Nguyen Binh,0902\nKH3,Chi,0903\nKH4,TV 5",0904\nKH5,Em,0905\n',
]


@pytest.mark.parametrize("text", UNCLOSED, ids=["never-closed", "closed-by-next-quote", "closed-by-stray-quote"])
def test_an_unclosed_quote_rejects_the_file_with_its_row(database, tmp_path, text):
    path = tmp_path / "kh.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_file("customers", path)
    assert "row 3" in str(caught.value) and "quote" in str(caught.value)
    assert Customer.select().count() == 0


def test_quoted_cells_with_line_breaks_and_commas_are_kept(database, tmp_path):
    path = tmp_path / "kh.csv"
    path.write_text('code,name,address\nKH1,An,"12 Lê Lợi,\nPhường 5"\nKH2,"Trần, Bình",x\n', encoding="utf-8")
    report = import_file("customers", path)
    assert report.summary() == "imported 2, updated 0, unchanged 0, rejected 0"
    assert Customer.get(Customer.code == "KH1").address == "12 Lê Lợi,\nPhường 5"


def _workbook_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one part's content replaced (added when missing)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def _shared_strings(count: int, text=lambda i: "a") -> bytes:
    body = b"".join(b"<si><t>" + text(i).encode() + b"</t></si>" for i in range(count))
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="%d" uniqueCount="%d">' % (count, count) + body + b"</sst>"
    )


def test_a_shared_string_bomb_is_refused_before_it_is_unpacked(tmp_path):
    data = _replace_part(_workbook_bytes([["name"], ["An"]]), "xl/sharedStrings.xml", _shared_strings(3_000_000))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    assert len(data) < 1_000_000
    assert "unpacks to far more data" in refused(path)


def test_more_shared_strings_than_cells_is_refused(tmp_path):
    """Strings that pack loosely (under the ratio) but that no cell of the sheet could use."""
    strings = _shared_strings(60_000, text=lambda i: f"{i * 7919 % 1_000_003:x}")
    data = _replace_part(_workbook_bytes([["name"], ["An"]]), "xl/sharedStrings.xml", strings)
    path = tmp_path / "many.xlsx"
    path.write_bytes(data)
    assert "unpacks to far more data" in refused(path)


def test_a_damaged_sheet_is_refused_before_anything_is_stored(database, tmp_path):
    rows = [["code", "name"]] + [[f"KH{i:05d}", f"Khách {i}"] for i in range(1, 3_001)]
    data = _workbook_bytes(rows)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    cut = sheet_xml.index(b'<row r="2500"')
    damaged = _replace_part(
        data, "xl/worksheets/sheet1.xml", sheet_xml[:cut] + b'<row r="2500"><c r="A2500" t="inlineStr"><is><t>KH'
    )
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(damaged)
    with pytest.raises(ImportFileError) as caught:
        import_file("customers", path)
    assert "damaged" in str(caught.value) and "nothing was imported" in str(caught.value)
    assert Customer.select().count() == 0


def test_too_many_rows_or_columns_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 10)
    monkeypatch.setattr(readers, "MAX_COLUMNS", 5)
    long = tmp_path / "long.xlsx"
    long.write_bytes(_workbook_bytes([["code", "name"]] + [[f"K{i}", "x"] for i in range(12)]))
    assert "more than 10 rows" in refused(long)
    wide = tmp_path / "wide.xlsx"
    wide.write_bytes(_workbook_bytes([[f"c{i}" for i in range(6)], list(range(6))]))
    assert "more than 5 columns" in refused(wide)
    fits = tmp_path / "fits.xlsx"
    fits.write_bytes(_workbook_bytes([["code", "name"]] + [[f"K{i}", "x"] for i in range(9)]))
    assert len(list(open_sheet(fits).rows)) == 9


def test_cells_far_to_the_right_of_the_header_are_not_padded_out(tmp_path):
    """A cell in column XFD on every row made openpyxl build rows of 16,384 cells."""
    rows = [["code", "name"]] + [[f"K{i}", "x"] for i in range(2_000)]
    data = _workbook_bytes(rows)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    for i in range(2, 2_002):
        sheet_xml = sheet_xml.replace(
            b'</row><row r="%d"' % (i + 1), b'<c r="XFD%d"><v>1</v></c></row><row r="%d"' % (i, i + 1), 1
        )
    path = tmp_path / "wide.xlsx"
    path.write_bytes(_replace_part(data, "xl/worksheets/sheet1.xml", sheet_xml))
    rows_read = list(open_sheet(path).rows)
    assert len(rows_read) == 2_000 and rows_read[0] == (2, {"code": "K0", "name": "x"})
