"""Import files as a header and numbered rows, whatever program wrote them.

A reader gives the header row and yields ``(row_number, {header: raw cell})`` with the
row number a spreadsheet shows (the header is row 1). CSV files come from Excel,
KiotViet, 1C and friends in any of UTF-8 (with or without BOM), UTF-16 (Excel's
"Unicode text") or a Windows code page; the delimiter is a comma, semicolon, tab or
bar. ``.xlsx`` files are read with openpyxl. Anything else is refused with one sentence.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import ImportFileError
from ..i18n import _

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Sheet:
    """One table of an import file; ``rows`` can be iterated once."""

    name: str
    sha256: str
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, object]]]


def open_sheet(path: str | Path, sheet: str | int | None = None) -> Sheet:
    """The file's first table (or, in a workbook, the ``sheet`` named or numbered from 1),
    or ImportFileError when it is missing, a folder or not a table."""
    file = Path(path)
    if not file.exists():
        raise ImportFileError(_("There is no file {path}.").format(path=path))
    if file.is_dir():
        raise ImportFileError(_("{path} is a folder, not a file to import.").format(path=path))
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImportFileError(_("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise ImportFileError(_("{path} is empty: the first row must name the columns.").format(path=path))
    if data.startswith(XLSX_MAGIC) or file.suffix.lower() in (".xlsx", ".xlsm"):
        headers, rows, chosen = _xlsx_rows(data, path, sheet)
        if chosen is not None:  # another sheet of the same file is another source of rows
            digest = hashlib.sha256(data + b"\0sheet:" + chosen.encode("utf-8")).hexdigest()
    else:
        if sheet is not None and str(sheet).strip() not in ("", "1"):
            raise ImportFileError(_("{path} is a CSV file: it has one table and no sheets to choose.").format(path=path))
        headers, rows = _csv_rows(decode(data, path), path)
    return Sheet(file.name, digest, headers, rows)


# --- CSV -------------------------------------------------------------------------


def decode(data: bytes, path) -> str:
    """The text of a CSV file: BOMs decide, then UTF-8, then the likeliest Windows code page."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_legacy(data)
    if _looks_binary(text):
        raise ImportFileError(_("{path} is not a CSV or Excel file.").format(path=path))
    # Vietnamese code page 1258 and macOS write accents as combining marks; compose them.
    return unicodedata.normalize("NFC", text)


def _looks_binary(text: str) -> bool:
    sample = text[:SNIFF_BYTES]
    controls = sum(1 for c in sample if (c < " " and c not in "\t\r\n") or c == "\x7f")
    return "\x00" in sample or controls > len(sample) // 100


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323]")


def _decode_legacy(data: bytes) -> str:
    """Windows code pages have no signature, so judge the words each one gives.

    Russian in cp1251 reads as whole Cyrillic words; Vietnamese or German bytes read
    as cp1251 mix Cyrillic letters into Latin words. Vietnamese (cp1258) has letters
    and tone marks German (cp1252) never writes. A small judgement in place of a
    detector library: there are only three candidates.
    """
    sample = data[:SNIFF_BYTES]
    cyrillic = sample.decode("cp1251", errors="replace")
    whole, mixed = 0, 0
    for word in re.findall(r"\w+", cyrillic):
        if _CYRILLIC.search(word):
            if _LATIN.search(word):
                mixed += 1
            elif len(word) > 1:
                whole += 1
    if whole > mixed:
        return data.decode("cp1251", errors="replace")
    vietnamese = sample.decode("cp1258", errors="replace")
    if len(_VIETNAMESE.findall(vietnamese)) > 0:
        return data.decode("cp1258", errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _delimiter(text: str) -> str:
    lines = text.splitlines()
    header = lines[0] if lines else ""
    counts = {d: header.count(d) for d in DELIMITERS}
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=DELIMITERS)
        if counts.get(dialect.delimiter):
            return dialect.delimiter
    except csv.Error:
        pass
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str, path) -> tuple[list[str], Iterator[tuple[int, dict[str, object]]]]:
    first_line, _nl, rest = text.partition("\n")
    hint = re.fullmatch(r'\s*"?sep=(.)"?\s*', first_line)
    if hint:  # Excel's "sep=;" line names the delimiter and is not part of the table
        delimiter, text = hint.group(1), rest
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        numbered = enumerate(reader, start=1)
        headers: list[str] | None = None
        for number, cells in numbered:
            if any(c.strip() for c in cells):
                headers = _unique([c.strip() for c in cells])
                break
    except csv.Error as exc:
        raise ImportFileError(_("{path} is not a readable CSV file: {reason}").format(path=path, reason=exc)) from None
    if headers is None:
        raise ImportFileError(_("{path} is empty: the first row must name the columns.").format(path=path))

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        try:
            for number, cells in numbered:
                if any(c.strip() for c in cells):
                    yield number, dict(zip(headers, cells))
        except csv.Error as exc:
            raise ImportFileError(_("{path} is not a readable CSV file: {reason}").format(path=path, reason=exc)) from None

    return headers, rows()


def _unique(headers: list[str]) -> list[str]:
    """Header texts made distinct, so a repeated name does not hide a column."""
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        if header in seen:
            seen[header] += 1
            header = f"{header} ({seen[header]})"
        else:
            seen[header] = 1
        out.append(header)
    return out


# --- Excel -----------------------------------------------------------------------


def _xlsx_rows(data: bytes, path, wanted: str | int | None = None):
    """(headers, rows, the sheet asked for by name or None for the first) of a workbook."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is not a workbook, or a damaged one
        raise ImportFileError(_("{path} is not a readable Excel file: {reason}").format(path=path, reason=exc)) from None
    sheet = _choose_sheet(book, wanted, path)
    chosen = None if wanted is None or sheet is book.worksheets[0] else sheet.title
    try:
        # Some programs write a wrong size into the file; read the rows that are really there.
        sheet.reset_dimensions()
        numbered = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        headers: list[str] | None = None
        for number, cells in numbered:
            if any(_filled(c) for c in cells):
                headers = _unique(["" if c is None else str(c).strip() for c in cells])
                break
    except Exception as exc:  # a damaged sheet
        book.close()
        raise ImportFileError(_("{path} is not a readable Excel file: {reason}").format(path=path, reason=exc)) from None
    if headers is None:
        book.close()
        raise ImportFileError(_("{path} is empty: the first row must name the columns.").format(path=path))

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        try:
            for number, cells in numbered:
                if any(_filled(c) for c in cells):
                    yield number, {h: c for h, c in zip(headers, cells)}
        finally:
            book.close()

    return headers, rows(), chosen


def _choose_sheet(book, wanted: str | int | None, path):
    """The sheet named ``wanted`` (case and spaces aside) or numbered so from 1; the first by default."""
    sheets = book.worksheets
    if wanted is None or str(wanted).strip() == "":
        if not sheets:
            raise ImportFileError(_("{path} is empty: the first row must name the columns.").format(path=path))
        return sheets[0]
    text = str(wanted).strip()
    for sheet in sheets:
        if sheet.title.strip().casefold() == text.casefold():
            return sheet
    if text.isdigit() and 1 <= int(text) <= len(sheets):
        return sheets[int(text) - 1]
    book.close()
    raise ImportFileError(
        _("{path} has no sheet {sheet}; its sheets are: {names}.").format(
            path=path, sheet=text, names=", ".join(s.title for s in sheets)
        )
    )


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""
