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
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ImportFileError
from ..i18n import _

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"

# Limits of what an import reads, checked before anything is stored. Rows: Excel's own
# maximum. A workbook's parts are checked in its zip directory before openpyxl opens it:
# their unpacked size, and (as Apache POI's ZipSecureFile does) a part that unpacks to over
# 100 times its packed size, which no spreadsheet program writes and a zip bomb does. The
# shared strings, which openpyxl holds in memory all at once, are counted as a stream.
MAX_FILE_BYTES = 1024**3
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1_000
MAX_UNPACKED_BYTES = 1024**3
MAX_PACK_RATIO = 100
PACK_RATIO_FROM = 1024**2  # smaller parts may pack as tightly as they like
MAX_SHARED_STRINGS = 2_000_000


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
    data = _read_regular_file(file, path)
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise ImportFileError(_("{path} is empty: the first row must name the columns.").format(path=path))
    if data.startswith(XLSX_MAGIC) or file.suffix.lower() in (".xlsx", ".xlsm"):
        headers, rows, chosen = _xlsx_rows(data, path, sheet)
        if chosen is not None:  # another sheet of the same file is another source of rows
            digest = hashlib.sha256(data + b"\0sheet:" + chosen.encode("utf-8")).hexdigest()
    else:
        if sheet is not None and str(sheet).strip() not in ("", "1"):
            raise ImportFileError(
                _("{path} is a CSV file: it has one table and no sheets to choose.").format(path=path)
            )
        headers, rows = _csv_rows(decode(data, path), path)
    return Sheet(file.name, digest, headers, rows)


def _read_regular_file(file: Path, path) -> bytes:
    """The bytes of a regular file; a folder, a pipe, a device or a file too large is refused
    (opened without blocking, so a pipe with no writer cannot hang the import)."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ImportFileError(_("There is no file {path}.").format(path=path)) from None
    except IsADirectoryError:
        raise ImportFileError(_("{path} is a folder, not a file to import.").format(path=path)) from None
    except OSError as exc:
        raise ImportFileError(_("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImportFileError(_("{path} is a folder, not a file to import.").format(path=path))
        if not stat.S_ISREG(info.st_mode):
            raise ImportFileError(
                _(
                    "{path} is not a file but a device or a pipe; save the data to a .csv or .xlsx file and import that."
                ).format(path=path)
            )
        if info.st_size > MAX_FILE_BYTES:
            raise ImportFileError(
                _("{path} is too large to import (more than {size} MB); split it into smaller files.").format(
                    path=path, size=MAX_FILE_BYTES // 1024**2
                )
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportFileError(_("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)


# --- CSV -------------------------------------------------------------------------


def decode(data: bytes, path) -> str:
    """The text of a CSV file: BOMs decide, then UTF-8, then the likeliest Windows code page."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif (encoding := _utf16_without_bom(data)) is not None:
        text = data.decode(encoding, errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_legacy(data)
    if _looks_binary(text):
        raise ImportFileError(_("{path} is not a CSV or Excel file.").format(path=path))
    # Vietnamese code page 1258 and macOS write accents as combining marks; compose them.
    return unicodedata.normalize("NFC", text)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without its byte-order mark, told by its zero bytes: the letters, digits and
    delimiters of the Latin and Cyrillic ranges have a zero high byte, so zeros sit on every
    other byte (odd places: little-endian). Text in any 8-bit encoding has no zero byte at all."""
    sample = data[: SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= max(1, half // 5) and even <= half // 100:
        return "utf-16-le"
    if even >= max(1, half // 5) and odd <= half // 100:
        return "utf-16-be"
    return None


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
    _check_quotes(text, delimiter, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        numbered = enumerate(reader, start=1)
        headers: list[str] | None = None
        for _number, cells in numbered:
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
            raise ImportFileError(
                _("{path} is not a readable CSV file: {reason}").format(path=path, reason=exc)
            ) from None

    return headers, rows()


def _check_quotes(text: str, delimiter: str, path) -> None:
    """Refuse, before anything is stored, a file whose quotes do not pair up.

    A quote (") that opens a cell and is never closed where it should be makes the reader
    take the rows after it as that cell's text (which is how rows were lost with "rejected
    0"). The csv module's strict mode catches a quote closed in the middle of a cell and
    one never closed at all; a cell that holds whole rows of the file (lines with as many
    delimiters as the header) is the same fault with a stray quote further down.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width = 0
    done = 0  # records read whole; the one being read when the reader stops is done + 1
    bad = None
    try:
        for done, cells in enumerate(reader, start=1):
            if not width and any(c.strip() for c in cells):
                width = len(cells)
            elif width >= 3 and any(_holds_rows(cell, delimiter, width) for cell in cells):
                bad = done
                break
    except csv.Error:
        bad = done + 1
    if bad is not None:
        raise ImportFileError(
            _(
                '{path}: a quote (") in row {row} is not closed where it should be, so the rows after it would be '
                "read as one cell; nothing was imported. Correct the quotes and import the file again."
            ).format(path=path, row=bad)
        )


def _holds_rows(cell: str, delimiter: str, width: int) -> bool:
    if "\n" not in cell and "\r" not in cell:
        return False
    return any(line.count(delimiter) >= width - 1 for line in cell.splitlines()[1:])


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
    """(headers, rows, the sheet asked for by name or None for the first) of a workbook.

    The whole sheet is read once before its rows are handed out: a damaged sheet, or one
    past the limits, is refused before the import stores anything.
    """
    import openpyxl

    _check_archive(data, path)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a zip that is not a workbook, or a damaged one
        raise ImportFileError(
            _("{path} is not a readable Excel file: it is damaged or not a workbook.").format(path=path)
        ) from None
    sheet = _choose_sheet(book, wanted, path)
    chosen = None if wanted is None or sheet is book.worksheets[0] else sheet.title
    try:
        # Some programs write a wrong size into the file; read the rows that are really there.
        sheet.reset_dimensions()
        header_row, headers = _xlsx_header(sheet, path)
        width = len(headers)
        _check_sheet(sheet, header_row, width, path)
    except ImportFileError:
        book.close()
        raise
    except Exception:  # a damaged sheet
        book.close()
        raise ImportFileError(
            _("{path} is damaged: the sheet {sheet} cannot be read to its end; nothing was imported.").format(
                path=path, sheet=sheet.title
            )
        ) from None

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        try:
            cells_by_row = sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
            for number, cells in enumerate(cells_by_row, start=header_row + 1):
                if any(_filled(c) for c in cells):
                    yield number, {h: c for h, c in zip(headers, cells)}
        finally:
            book.close()

    return headers, rows(), chosen


def _xlsx_header(sheet, path) -> tuple[int, list[str]]:
    """The first filled row (its number and texts), up to its last filled cell."""
    cells_by_row = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
    for number, cells in enumerate(cells_by_row, start=1):
        if number > MAX_ROWS:
            break
        filled = [i for i, c in enumerate(cells) if _filled(c)]
        if filled:
            if filled[-1] >= MAX_COLUMNS:
                raise ImportFileError(
                    _("{path} has more than {count} columns; an import reads at most that many.").format(
                        path=path, count=f"{MAX_COLUMNS:,}"
                    )
                )
            return number, _unique(["" if c is None else str(c).strip() for c in cells[: filled[-1] + 1]])
    raise ImportFileError(_("{path} is empty: the first row must name the columns.").format(path=path))


def _check_sheet(sheet, header_row: int, width: int, path) -> None:
    """Read the sheet to its end once (constant memory): damage raises, too many rows refuse."""
    cells_by_row = sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
    for number, _cells in enumerate(cells_by_row, start=header_row + 1):
        if number > MAX_ROWS:
            raise ImportFileError(
                _("{path} has more than {count} rows; an import reads at most that many.").format(
                    path=path, count=f"{MAX_ROWS:,}"
                )
            )


def _check_archive(data: bytes, path) -> None:
    """Refuse a workbook that would unpack too large, before openpyxl reads any of it."""
    too_large = _("{path} unpacks to far more data than a spreadsheet holds; it was not read.").format(path=path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(
            _("{path} is not a readable Excel file: it is damaged or not a workbook.").format(path=path)
        ) from None
    with archive:
        members = archive.infolist()
        # The zip library stops each part at the size its directory states (and checks its
        # CRC), so these sizes bound what openpyxl can be handed.
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise ImportFileError(too_large)
        for member in members:
            if member.file_size > PACK_RATIO_FROM and member.file_size > MAX_PACK_RATIO * max(1, member.compress_size):
                raise ImportFileError(too_large)
        sheets_size = sum(m.file_size for m in members if m.filename.lower().startswith("xl/worksheets/"))
        for member in members:
            if member.filename.lower().endswith("sharedstrings.xml"):
                # Each string is used by a cell, and a cell takes at least 16 bytes of a sheet.
                limit = min(MAX_SHARED_STRINGS, sheets_size // 16 + 1_000)
                if _count_strings(archive, member, limit, path) > limit:
                    raise ImportFileError(too_large)


def _count_strings(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int, path) -> int:
    """The shared strings of a workbook counted as a stream, stopping past ``limit``."""
    from xml.etree.ElementTree import ParseError, iterparse

    count = 0
    root = None
    try:
        with archive.open(member) as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                if root is None:
                    root = element
                elif event == "end" and element.tag.rpartition("}")[2] == "si":
                    count += 1
                    root.clear()  # drop the strings read so far: constant memory
                    if count > limit:
                        break
    except (ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ImportFileError(
            _("{path} is not a readable Excel file: it is damaged or not a workbook.").format(path=path)
        ) from None
    return count


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
