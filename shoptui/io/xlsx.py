"""The one place that writes Excel files: safe text, styles, widths, number formats, charts.

Every sheet is written in openpyxl's write-only mode: rows go to the file as they
come, so a sheet of a million rows costs the memory of the rows in hand. What
write-only mode needs before the first row (column widths, frozen header) is decided
from the headers, the column kinds and the first rows; what it allows after the last
row (autofilter, charts) is added then.

Text is never code. openpyxl stores a string that starts with ``=`` as a formula and
one of Excel's error words (``#N/A``) as an error, so such text is written as a cell
of type string; every other string is an inline string already, which Excel shows as
typed (``@SUM(A1)``, ``+cmd|…``, ``-2+3`` included). Characters XML cannot hold are
dropped, and text longer than a cell holds is cut and ends with "…".

Only openpyxl's public API is used: a styled cell is a ``WriteOnlyCell`` given its
style's attributes, a plain one a bare value. Measured on 20,000 rows of 8 columns
(text, a count, money, a date, a time, text with formulas, a share), CPU seconds on a
busy 2-core box (issue 13): the former private shortcut (cells sharing one StyleArray,
``ws._values_to_row`` replaced) 1.8 s; this writer 2.9 s (1.65 times); bare public
openpyxl write-only cells 2.7 s; xlsxwriter in constant-memory mode 1.1 s, with a
peak of 22 MB against 34 MB. At 200,000 rows, wall clock: 51 s private, 89 s public
openpyxl, 47 s xlsxwriter. xlsxwriter is the way to win the time back (the whole
writer moves to it, charts and the templates' data validation included).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .. import clock
from ..i18n import _, language
from ..money import decimals
from ..reports import Money, Share

MAX_CELL_TEXT = 32_767  # Excel's limit on the characters of one cell
CUT_MARK = "…"
MAX_SHEET_ROWS = 1_048_576
SHEET_NAME_LENGTH = 31
WIDEST_COLUMN = 60
SAMPLE_ROWS = 200  # rows read ahead to size the columns
HEADER_WRAP = 16  # a header longer than this wraps, unless a word of it is longer
BOLD = 1.15  # bold letters are wider
LINE_HEIGHT = 15  # points: one line of the default font

# Everything XML 1.0 cannot carry: C0 controls but tab and line breaks, lone
# surrogates, U+FFFE/U+FFFF. (openpyxl's own ILLEGAL_CHARACTERS_RE misses the last two.)
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

KINDS = ("text", "int", "number", "qty", "money", "share", "date", "datetime", "bool", "auto")

# Date formats by interface language: what an owner there writes by hand.
DATE_FORMATS = {"en": "yyyy-mm-dd", "vi": "dd/mm/yyyy", "ru": "dd.mm.yyyy", "de": "dd.mm.yyyy"}

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9DB"))
TOTAL_BORDER = Border(top=Side(style="thin", color="000000"))


def safe_text(value: Any) -> str:
    """``value`` as text a cell can hold: no characters XML forbids, at most 32,767 characters."""
    text = value if isinstance(value, str) else str(value)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - len(CUT_MARK)] + CUT_MARK
    return text


def money_format(currency: str) -> str:
    places = decimals(currency)
    return "#,##0" + ("." + "0" * places if places else "")


def date_format(lang: str | None = None) -> str:
    return DATE_FORMATS.get(lang or language(), DATE_FORMATS["en"])


@dataclass(frozen=True)
class Column:
    """One column of a table: its key in the rows, its header and how its cells are written."""

    key: str
    header: str
    kind: str = "text"
    total: bool = False  # summed in the totals row


@dataclass(frozen=True)
class Chart:
    """A native chart over a table's columns, drawn to the right of the table.

    ``group_by`` names a column whose runs of equal values (one store after another)
    each become a series of the first ``series`` column, on the categories of the first run.
    """

    kind: str  # "line" or "bar"
    title: str
    category: str
    series: tuple[str, ...]
    group_by: str | None = None
    y_title: str = ""
    percent: bool = False


@dataclass
class Block:
    """A small table of a sheet of blocks: title, optional header row, rows, and the
    1-based column drawn as a bar chart over the first column's labels."""

    title: str
    rows: list[list[Any]]
    header: list[str] | None = None
    chart_column: int | None = None


@dataclass
class Written:
    """Where a table landed: its sheets, its rows and the sums of its total columns."""

    sheets: list[str] = field(default_factory=list)
    rows: int = 0
    last_row: int = 1  # the last data row of the last sheet
    totals: dict[str, Any] = field(default_factory=dict)
    totals_row: int | None = None


class Book:
    """A workbook written in write-only mode; ``save`` ends it."""

    def __init__(self, currency: str, *, title: str = "", subject: str = "", lang: str | None = None):
        self.currency = currency
        self.places = decimals(currency)
        self.workbook = Workbook(write_only=True)
        props = self.workbook.properties
        props.title = title or None
        props.subject = subject or None
        props.creator = "shoptui"
        props.lastModifiedBy = "shoptui"
        props.created = props.modified = clock.now()
        props.language = lang or language()
        self.names: set[str] = set()
        self._styles: dict[tuple[str, str], tuple[tuple[str, Any], ...]] = {}
        self._formats = {
            "int": "#,##0",
            "number": "#,##0.##",
            "qty": "General",
            "money": money_format(currency),
            "share": "0.0%",
            "date": date_format(lang),
            "datetime": date_format(lang) + " hh:mm",
            "bool": "General",
            "text": "General",
        }

    # -- names and styles ---------------------------------------------------------------

    def sheet_name(self, wanted: str) -> str:
        """A valid sheet name (31 characters, none of []:*?/\\), distinct from the others."""
        base = _SHEET_NAME_FORBIDDEN.sub(" ", safe_text(wanted)).strip().strip("'") or "Sheet"
        base = base[:SHEET_NAME_LENGTH]
        name, n = base, 1
        while name.lower() in self.names:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        self.names.add(name.lower())
        return name

    def _style(self, ws, kind: str, role: str = "body") -> tuple[tuple[str, Any], ...]:
        """The style of a cell of ``kind``: the cell attributes to set, made once per workbook
        (none for a plain body cell, which is then written as a bare value)."""
        key = (kind, role)
        style = self._styles.get(key)
        if style is None:
            attributes: list[tuple[str, Any]] = []
            if role == "header":
                attributes += [
                    ("font", Font(bold=True)),
                    ("fill", HEADER_FILL),
                    ("border", HEADER_BORDER),
                    ("alignment", Alignment(vertical="top", wrap_text=True)),
                ]
            elif role == "total":
                attributes += [("font", Font(bold=True)), ("border", TOTAL_BORDER)]
            elif role == "title":
                attributes += [("font", Font(bold=True, size=12))]
            if kind in self._formats and kind not in ("text", "bool", "qty"):
                attributes.append(("number_format", self._formats[kind]))
            style = self._styles[key] = tuple(attributes)
        return style

    # -- cells ----------------------------------------------------------------------------

    def cell_writer(self, ws, kind: str, role: str = "body") -> Callable[[Any], Any]:
        """A function from a value to what ``ws.append`` takes for a cell of ``kind``."""
        style = self._style(ws, kind, role)
        plain = role == "body"
        text_style = self._style(ws, "text", role)

        def text(value):
            if value is None:
                return None
            if isinstance(value, (list, tuple)):
                value = ", ".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            value = safe_text(value)
            if plain and not (value[:1] == "=" or value in ERROR_CODES):
                return value  # openpyxl writes it as an inline string as it is
            return typed_cell(ws, value, text_style, text=True)  # never a formula, never an error code

        def styled(value):
            return typed_cell(ws, value, style) if style else value

        if kind == "text":
            return text
        if kind == "money":
            places = self.places

            def money(value):
                if value is None:
                    return None
                major = int(value) if not places else Decimal(int(value)).scaleb(-places)
                return styled(major)

            return money
        if kind in ("int", "number", "share", "qty"):
            converters: dict[str, Callable[[Any], Any]] = {
                "int": int,
                "share": float,
                "number": _number,
                "qty": _number,
            }
            convert = converters[kind]

            def number(value):
                if value is None or value == "":
                    return None
                return styled(convert(value))

            return number
        if kind == "date":
            return lambda value: None if value is None else styled(_as_date(value))
        if kind == "datetime":
            return lambda value: None if value is None else styled(_as_datetime(value))
        if kind == "bool":
            return lambda value: None if value is None else styled(bool(value))
        if kind == "auto":
            writers: dict[str, Callable] = {}

            def auto(value):
                k = kind_of(value)
                writer = writers.get(k)
                if writer is None:
                    writer = writers[k] = self.cell_writer(ws, k, role)
                return writer(value)

            return auto
        raise ValueError(f"unknown column kind {kind!r}")

    # -- sheets ----------------------------------------------------------------------------

    def new_sheet(self, name: str):
        return self.workbook.create_sheet(title=self.sheet_name(name))

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        totals: Callable[[dict[str, Any]], dict[str, Any]] | bool = False,
        total_label: str | None = None,
        chart: Chart | None = None,
        progress: Callable[[int], None] | None = None,
        prepare: Callable[[Any], None] | None = None,
    ) -> Written:
        """Write ``rows`` (sequences in the order of ``columns``) as a styled table.

        Header bold and frozen, autofilter over the data, widths from the header and the
        first rows. ``totals`` adds a bold row with the sum of each ``total`` column (a
        function may then replace or add figures, such as an average of the sums). A
        table longer than a sheet goes on in a sheet named "name (2)". ``prepare`` is
        called with each new sheet before its first row, while columns can still be styled.
        """
        columns = list(columns)
        rows = iter(rows)
        sample = list(itertools.islice(rows, SAMPLE_ROWS))
        widths = fit_widths(columns, sample, self)
        written = Written()
        summed = {c.key: 0 for c in columns if c.total}
        sum_at = [(i, c.key) for i, c in enumerate(columns) if c.total]
        source: Iterator[Sequence[Any]] = itertools.chain(sample, rows)
        limit = MAX_SHEET_ROWS - 1 - (1 if totals else 0)
        groups: list[tuple[Any, int, int]] = []
        group_at = next((i for i, c in enumerate(columns) if chart and c.key == chart.group_by), None)
        while True:
            ws = self.new_sheet(name)
            written.sheets.append(ws.title)
            self._prepare(ws, columns, widths)
            if prepare is not None:
                prepare(ws)
            writers = [self.cell_writer(ws, c.kind) for c in columns]
            ws.append(self._header_cells(ws, [c.header for c in columns]))
            row_number = 1
            more = False
            for row in source:
                if row_number > limit:
                    source = itertools.chain([row], source)
                    more = True
                    break
                ws.append([write(value) for write, value in zip(writers, row)])
                row_number += 1
                for i, key in sum_at:
                    if row[i] is not None:
                        summed[key] += row[i]
                if group_at is not None:
                    value = row[group_at]
                    if groups and groups[-1][0] == value:
                        groups[-1] = (value, groups[-1][1], row_number)
                    else:
                        groups.append((value, row_number, row_number))
                written.rows += 1
                if progress is not None and written.rows % 5000 == 0:
                    progress(written.rows)
            last = get_column_letter(len(columns))
            ws.auto_filter.ref = f"A1:{last}{max(row_number, 2)}"
            written.last_row = row_number
            if not more:
                break
        written.totals = dict(summed)
        if totals:
            figures = dict(summed)
            if callable(totals):
                figures.update(totals(dict(summed)))
            written.totals = figures
            label = total_label if total_label is not None else _("Total")
            cells = []
            for i, column in enumerate(columns):
                if column.key in figures:
                    cells.append(self.cell_writer(ws, column.kind, "total")(figures[column.key]))
                elif i == 0:
                    cells.append(self.cell_writer(ws, "text", "total")(label))
                else:
                    cells.append(self.cell_writer(ws, "text", "total")(""))
            ws.append(cells)
            written.totals_row = written.last_row + 1
        if chart is not None and written.rows and len(written.sheets) == 1:
            self._chart(ws, columns, chart, written, groups)
        if progress is not None:
            progress(written.rows)
        return written

    def _prepare(self, ws, columns: Sequence[Column], widths: Sequence[float]) -> None:
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        lines = header_lines([c.header for c in columns], widths)
        if lines > 1:  # a wrapped header: Excel does not grow the row of a streamed sheet itself
            ws.row_dimensions[1].height = LINE_HEIGHT * lines
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"

    def _header_cells(self, ws, headers: Sequence[str]) -> list:
        write = self.cell_writer(ws, "text", "header")
        return [write(h) for h in headers]

    def _chart(self, ws, columns: Sequence[Column], spec: Chart, written: Written, groups) -> None:
        index = {c.key: i + 1 for i, c in enumerate(columns)}
        chart = LineChart() if spec.kind == "line" else BarChart()
        if spec.kind == "bar":
            chart.type = "col"
        chart.title = spec.title
        chart.y_axis.title = spec.y_title or None
        chart.height, chart.width = 9, 22
        first, last = 2, written.last_row
        if spec.group_by and groups:
            column = index[spec.series[0]]
            for value, start, end in groups:
                series = Series(Reference(ws, min_col=column, min_row=start, max_row=end), title=str(value))
                chart.series.append(series)
            _value, first, last = groups[0]
        else:
            for key in spec.series:
                data = Reference(ws, min_col=index[key], min_row=1, max_row=last)
                chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=index[spec.category], min_row=first, max_row=last))
        if spec.percent:
            chart.y_axis.number_format = "0%"
        # openpyxl 3.1 hides the axes unless told otherwise.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        ws.add_chart(chart, f"{get_column_letter(len(columns) + 2)}2")

    def blocks(self, name: str, blocks: Sequence[Block]) -> str:
        """Several small tables on one sheet, one under the other, each under a bold title,
        with their cells written by type; a block's chart is drawn to the right of the tables."""
        ws = self.new_sheet(name)
        width = max([len(r) for b in blocks for r in b.rows] + [len(b.header or ()) for b in blocks] + [2])
        first = max([len(str(r[0])) for b in blocks for r in b.rows if r] + [len(b.title) for b in blocks] + [10])
        for index in range(1, width + 1):
            ws.column_dimensions[get_column_letter(index)].width = min(first + 2, WIDEST_COLUMN) if index == 1 else 16
        auto = self.cell_writer(ws, "auto")
        title_write = self.cell_writer(ws, "text", "title")
        header_write = self.cell_writer(ws, "text", "header")
        row_number = 0
        charts = []
        for block in blocks:
            if row_number:
                ws.append([])
                row_number += 1
            if block.title:
                ws.append([title_write(block.title)])
                row_number += 1
            top = row_number + 1
            if block.header:
                ws.append([header_write(h) for h in block.header])
                row_number += 1
            for row in block.rows:
                ws.append([auto(v) for v in row])
                row_number += 1
            if block.chart_column and len(block.rows) > 1:
                charts.append((self._block_chart(ws, block, top, row_number), top))
        anchor = get_column_letter(width + 2)
        free = 1
        for chart, top in charts:
            at = max(top, free)
            ws.add_chart(chart, f"{anchor}{at}")
            free = at + 19  # a chart 9 cm high covers about 18 rows
        return ws.title

    def _block_chart(self, ws, block: Block, top: int, bottom: int):
        chart = BarChart()
        chart.type = "col"
        chart.title = block.title
        chart.height, chart.width = 9, 16
        chart.legend = None
        first = top + 1 if block.header else top
        chart.add_data(Reference(ws, min_col=block.chart_column, min_row=first, max_row=bottom))
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=bottom))
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        return chart

    def save(self, target: str | Path | io.BytesIO) -> None:
        if not self.workbook.worksheets:
            self.new_sheet(_("Empty"))
        self.workbook.save(target)

    def discard(self) -> None:
        """Give up a workbook that will not be saved: remove the temporary files openpyxl
        streams its sheets to (it would otherwise keep them until the program exits).
        openpyxl has no public way to drop a write-only workbook but to save it: it is
        saved to the null device, which ends and removes every sheet's file."""
        try:
            self.workbook.save(os.devnull)
        except Exception:  # noqa: BLE001 - giving up already; what is left goes at exit
            pass

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.save(out)
        return out.getvalue()


# -- cells, typed once ------------------------------------------------------------------------


def typed_cell(ws, value: Any, style: tuple[tuple[str, Any], ...], *, text: bool = False) -> WriteOnlyCell:
    """A write-only cell of ``value`` with the style's attributes; ``text``: stored as a
    string whatever it holds (openpyxl would take "=…" for a formula, "#N/A" for an error)."""
    cell = WriteOnlyCell(ws, value)
    if text:
        cell.data_type = "s"
    for name, attribute in style:
        setattr(cell, name, attribute)
    return cell


# -- kinds, values and widths -----------------------------------------------------------------


def kind_of(value: Any) -> str:
    """The column kind a single value is written as (reports mark money and ratios by type)."""
    if isinstance(value, Money):
        return "money"
    if isinstance(value, Share):
        return "share"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, (float, Decimal)):
        return "number"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    return "text"


def column_kind(values: Iterable[Any]) -> str:
    """One kind for a column of values, or "auto" when they are of several kinds."""
    kinds = {kind_of(v) for v in values if v is not None}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {"int", "number"} and kinds:
        return "number"
    return "auto" if kinds else "text"


def _number(value):
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value)).replace(microsecond=0)


_FIXED_WIDTHS = {"date": 11, "datetime": 17, "share": 8, "bool": 6}


def fit_widths(columns: Sequence[Column], sample: Sequence[Sequence[Any]], book: Book) -> list[float]:
    """Column widths (in characters) from the header, the kind and the first rows.

    A long header wraps over a narrow column of figures: it asks only for its longest
    word, or 16 characters, whichever is more.
    """
    widths = []
    for index, column in enumerate(columns):
        longest = _header_width(column.header)
        fixed = _FIXED_WIDTHS.get(column.kind)
        if fixed is not None:
            longest = max(longest, fixed + 2)
        for row in sample:
            value = row[index] if index < len(row) else None
            if value is None:
                continue
            longest = max(longest, _shown_length(value, column.kind, book) + 2)
        widths.append(round(min(longest, WIDEST_COLUMN), 1))
    return widths


def _header_width(header: str) -> float:
    words = header.split() or [""]
    wanted = max(max(len(w) for w in words), min(len(header), HEADER_WRAP))
    return wanted * BOLD + 2


def header_lines(headers: Sequence[str], widths: Sequence[float]) -> int:
    """Lines the tallest wrapped header needs in its column."""
    lines = 1
    for header, width in zip(headers, widths):
        per_line = max(1.0, (width - 2) / BOLD)
        lines = max(lines, math.ceil(len(header) / per_line - 0.05))  # widths are rounded
    return min(lines, 4)


def _shown_length(value: Any, kind: str, book: Book) -> int:
    if kind == "auto":
        kind = kind_of(value)
    if kind == "money":
        major = abs(int(value)) // (10**book.places) if book.places else abs(int(value))
        digits = len(str(major))
        return digits + (digits - 1) // 3 + (book.places + 1 if book.places else 0) + (1 if int(value) < 0 else 0)
    if kind in ("int", "number", "qty"):
        text = str(value)
        return len(text) + len(text) // 3
    if kind in _FIXED_WIDTHS:
        return _FIXED_WIDTHS[kind]
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)
