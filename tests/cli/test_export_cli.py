"""``shoptui export month``, ``shoptui import template`` and ``import --sheet`` on the command
line: exit codes, one-sentence errors, the files they write; and, where LibreOffice is
installed, proof that the month workbook really opens: a sheet converted headless to CSV
says what openpyxl reads."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from shoptui import db as dbmod
from shoptui.services import settings
from shoptui.services.stores import ensure_main_store

from ..builders import month_shop as build_shop
from ..xlsx_reading import SHEETS, charts_by_sheet, formulas


@pytest.fixture
def shop(tmp_path):
    """A shop file with the month of tests/builders.py (month_shop), closed for the CLI to open."""
    path = tmp_path / "shop.sqlite"
    database = dbmod.open_database(str(path))
    settings.ensure_defaults()
    ensure_main_store()
    build_shop()
    settings.clear_cache()
    database.close()
    return path


def test_export_month_writes_the_workbook(shop, tmp_path, shoptui):
    target = tmp_path / "march.xlsx"
    code, out, err = shoptui("--db", shop, "export", "month", "2025-03", "-o", target)
    assert (code, out) == (0, "")
    assert err.strip() == f"Wrote {target}: {len(SHEETS)} sheets, 6 receipt rows."
    data = target.read_bytes()
    book = load_workbook(target)
    assert book.sheetnames == SHEETS
    assert book["Summary"]["B3"].value == 180_000
    assert charts_by_sheet(data)["Sales by day"] and formulas(data) == []


def test_export_month_in_another_language(shop, tmp_path, shoptui):
    target = tmp_path / "thang3.xlsx"
    assert shoptui("--db", shop, "--lang", "vi", "export", "month", "2025-03", "-o", target)[0] == 0
    names = load_workbook(target).sheetnames
    assert "Khách hàng" in names and "Customers" not in names


@pytest.mark.parametrize(
    "args, code, words",
    [
        (("export", "month", "2025-13", "-o", "{tmp}/x.xlsx"), 2, "2025-13 is not a month; write it as YYYY-MM."),
        (("export", "month", "March", "-o", "{tmp}/x.xlsx"), 2, "March is not a month"),
        (("export", "month", "2025-03"), 2, "-o"),
        (("export", "month", "2025-03", "-o", "{tmp}/x.csv"), 2, ".xlsx"),
        (("export", "month", "2025-03", "-o", "{tmp}/no/such/x.xlsx"), 1, "does not exist"),
        (("export", "year", "2025"), 2, "year"),
    ],
)
def test_export_errors_are_one_sentence(shop, tmp_path, shoptui, args, code, words):
    result, out, err = shoptui("--db", shop, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert (result, out) == (code, "")
    assert words in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.xlsx*"))


def test_an_unwritable_file_is_one_sentence(shop, tmp_path, shoptui):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        code, _out, err = shoptui("--db", shop, "export", "month", "2025-03", "-o", folder / "x.xlsx")
        assert code == 1 and err.startswith("Cannot read or write") and len(err.strip().splitlines()) == 1
    finally:
        folder.chmod(0o700)


def test_import_template_then_import_it_filled(tmp_path, shoptui):
    db = tmp_path / "shop.sqlite"
    target = tmp_path / "khach_hang.xlsx"
    code, out, err = shoptui("--db", db, "--lang", "vi", "import", "template", "customers", "-o", target)
    assert (code, out, err) == (0, "", "")
    book = load_workbook(target)
    assert [c.value for c in book.worksheets[0][1]][:3] == ["Mã khách hàng", "Tên khách hàng", "Điện thoại"]
    book.worksheets[0].append(["KH1", "Nguyễn Văn An", "0912345678"])
    book.save(target)
    code, out, err = shoptui("--db", db, "import", "customers", target)
    assert (code, out, err) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n", "")


@pytest.mark.parametrize(
    "args, words",
    [
        (("import", "template", "products", "-o", "{tmp}/p.xlsx"), "not for products"),
        (("import", "template", "customers"), "-o FILE.xlsx"),
        (("import", "template", "customers", "-o", "{tmp}/c.csv"), ".xlsx"),
        (("import", "customers", "{tmp}/c.csv", "-o", "{tmp}/x.xlsx"), "-o is for templates"),
    ],
)
def test_template_usage_errors(tmp_path, shoptui, args, words):
    code, out, err = shoptui("--db", tmp_path / "db.sqlite", *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert (code, out) == (2, "") and words in err and len(err.strip().splitlines()) == 1


def test_import_a_named_sheet(tmp_path, shoptui):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Info"
    book.active.append(["Exported from KiotViet"])
    data = book.create_sheet("Hóa đơn")
    data.append(["Mã hóa đơn", "Thời gian", "Khách cần trả"])
    data.append(["HD1", dt.datetime(2025, 3, 5, 10), 125000])
    path = tmp_path / "hoa_don.xlsx"
    book.save(path)
    db = tmp_path / "shop.sqlite"
    code, _out, err = shoptui("--db", db, "import", "sales", path)
    assert code == 1 and "the first row must name the columns" in err
    code, out, err = shoptui("--db", db, "import", "sales", path, "--sheet", "Hóa đơn")
    assert (code, out, err) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n", "")
    code, _out, err = shoptui("--db", db, "import", "sales", path, "--sheet", "3")
    assert code == 1 and err.strip() == f"{path} has no sheet 3; its sheets are: Info, Hóa đơn."


def test_report_to_xlsx_has_a_sheet_per_table_with_charts(shop, tmp_path, shoptui):
    target = tmp_path / "portrait.xlsx"
    code, _out, _err = shoptui(
        "--db", shop, "report", "portrait", "--as-of", "2025-03-31", "--format", "xlsx", "-o", target
    )
    assert code == 0
    data = target.read_bytes()
    book = load_workbook(target)
    assert (
        book.sheetnames[:2] == ["Customer portrait", "Summary"] and "Customers by number of visits" in book.sheetnames
    )
    assert charts_by_sheet(data)["Customers by number of visits"]
    target = tmp_path / "conversion.xlsx"
    code, _out, _err = shoptui(
        "--db",
        shop,
        "report",
        "conversion",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--format",
        "xlsx",
        "-o",
        target,
    )
    assert code == 0 and charts_by_sheet(target.read_bytes())["Conversion"]


# -- LibreOffice ---------------------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
)
def test_libreoffice_opens_every_sheet_of_the_month_and_reads_what_openpyxl_reads(shop, tmp_path, shoptui):
    target = tmp_path / "march.xlsx"
    assert shoptui("--db", shop, "export", "month", "2025-03", "-o", target)[0] == 0
    converted = libreoffice_csv(target, tmp_path / "csv")
    book = load_workbook(target)
    assert list(converted) == book.sheetnames == SHEETS
    for name, rows in converted.items():
        expected = [[_cell(cell) for cell in row] for row in book[name].iter_rows()]
        assert rows == expected, name
    rows = converted["Sales by day"]
    assert rows[4][:7] == ["2025-03-04", "2", "1", "145000", "0", "0", "145000"]
    assert rows[-1][0] == "Total" and rows[-1][6] == "180000"
    assert converted["Summary"][2][:2] == ["Revenue", "180000"]
    assert converted["Receipts"][1][:2] == ["MAIN-000003", "2025-03-04 11:00:00"]


def libreoffice_csv(workbook, folder) -> dict[str, list[list[str]]]:
    """Every sheet of ``workbook`` as LibreOffice reads it, converted headless to CSV."""
    # Comma, double quote, UTF-8, from line 1, ..., cells as stored (not as shown), every
    # sheet to its own file (LibreOffice 7.2 and later: sheet -1).
    options = "44,34,76,1,,0,false,true,false,false,false,-1"
    profile = (folder.parent / "lo-profile").as_uri()  # its own profile: runs beside any other soffice
    run = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    sheets = {}
    for name in load_workbook(workbook, read_only=True).sheetnames:
        path = folder / f"{workbook.stem}-{name}.csv"
        assert path.exists(), f"LibreOffice wrote no sheet {name}: {run.stdout} {run.stderr}"
        sheets[name] = list(csv.reader(path.open(encoding="utf-8")))
    return sheets


def _cell(cell) -> str:
    """A cell as LibreOffice writes it to CSV: stored values, but percentages, dates with
    their time, and truth values as it shows them."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        timed = "h" in cell.number_format.lower()
        return value.isoformat(sep=" ") if timed else value.date().isoformat()
    if isinstance(value, (int, float)) and cell.number_format.endswith("%"):
        return f"{value * 100:g}%"
    return str(value)


@pytest.mark.slow
@pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
)
def test_libreoffice_reads_hostile_text_as_text(tmp_path):
    """A formula that a name put in a cell would be computed by LibreOffice (=1+1 read as 2):
    it reads every hostile string back as typed, cleaned and cut as the writer says."""
    from shoptui.io.xlsx import Book, Column, safe_text

    from ..xlsx_reading import HOSTILE

    book = Book("VND")
    book.table(
        "Data", [Column("n", "n", "int"), Column("text", "=Text", "text")], [[i, s] for i, s in enumerate(HOSTILE)]
    )
    target = tmp_path / "hostile.xlsx"
    book.save(target)
    rows = libreoffice_csv(target, tmp_path / "csv")["Data"]
    assert rows[0] == ["n", "=Text"]
    assert [row[1] for row in rows[1:]] == [safe_text(s) for s in HOSTILE]
    assert rows[1][1] == '=HYPERLINK("http://x","y")' and rows[5][1] == "=1+1" and len(rows[-1][1]) == 32_767
