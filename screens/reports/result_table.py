"""A report's table on screen: cells in the shop's formats (money through Babel, shares as
percents, dates in the interface language), sorted by any column (a click on its heading,
or F9 on the column the cursor is in; again: the other way).

The table keeps the report's own values beside the drawn cells, so that sorting compares
money as numbers and dates as dates, never the text that shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from rich.text import Text
from textual.widgets import DataTable

from shoptui.i18n import N_, _
from shoptui.reports import Money, Share

from ..text import Formats, plain

# A table draws at most this many rows (drawing is on the UI thread: about 0.2 ms a row,
# twice that the first time its cells are formatted); sorting sorts them all.
MAX_DRAWN = 2000
WIDEST_TEXT = 40  # longer names and answers are cut with … so the figures stay in view
NONE = "—"


def cell(value: Any, formats: Formats) -> Text:
    """A report value as a person reads it (user text shown literally)."""
    if value is None:
        return plain(NONE, justify="right")
    if isinstance(value, Money):
        return formats.money(int(value))
    if isinstance(value, Share):
        text = formats.percent(round(float(value) * 10000))
        text.justify = "right"
        return text
    if isinstance(value, bool):
        return plain(_("yes") if value else _("no"))
    if isinstance(value, int):
        return formats.number(value)
    if isinstance(value, (float, Decimal)):
        return plain(format_decimal(value, locale=formats.locale), justify="right")
    if isinstance(value, dt.datetime):
        return formats.datetime(value)
    if isinstance(value, dt.date):
        return formats.date(value)
    if isinstance(value, (list, tuple)):
        return plain(", ".join(str(item) for item in value) or NONE, WIDEST_TEXT)
    return plain(value, WIDEST_TEXT)


# Columns whose text is one of the report's own keys (a segment, a survey's split), not user
# text: shown by their names in the interface language.
KEY_COLUMNS = frozenset({"segment", "split", "group", "kind"})


def key_names() -> dict[str, str]:
    """Report keys that appear as values, with their N_-marked names."""
    from shoptui.reports.rfm import LABELS as RFM_LABELS
    from shoptui.reports.rfm import SEGMENTS

    names = {name: RFM_LABELS[name] for name in SEGMENTS if name in RFM_LABELS}
    names.update(KEY_VALUES)
    return names


KEY_VALUES = {
    "all": N_("all"),
    "visits": N_("by visits"),
    "rfm": N_("by RFM segment"),
    "choice": N_("choice"),
    "text": N_("text"),
}


def column_cell(key: str, value: Any, formats: Formats, names: Mapping[str, str]) -> Text:
    if key in KEY_COLUMNS and isinstance(value, str) and value in names:
        return plain(_(names[value]), WIDEST_TEXT)
    return cell(value, formats)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def sort_value(value: Any) -> Any:
    """What a column sorts by: numbers as numbers, text without case, dates as dates."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value).casefold()
    return value


def sorted_rows(rows: Sequence[Mapping], key: str, descending: bool) -> list[Mapping]:
    """``rows`` by column ``key``; empty cells last either way, and mixed types side by side."""
    present = [row for row in rows if row.get(key) is not None]
    empty = [row for row in rows if row.get(key) is None]

    def order(row: Mapping):
        value = sort_value(row.get(key))
        return (0, value, "") if is_number(value) else (1, 0, str(value))

    try:
        present.sort(key=lambda row: sort_value(row.get(key)), reverse=descending)
    except TypeError:  # values of different kinds in one column: numbers, then the rest as text
        present.sort(key=order, reverse=descending)
    return present + empty


@dataclass(frozen=True)
class Column:
    key: str
    heading: str  # translated
    numeric: bool = False


def columns_for(names: Sequence[str], rows: Sequence[Mapping], label) -> list[Column]:
    """Columns with their headings; a column of figures is right-aligned, its heading too."""
    return [Column(name, label(name), any(is_number(row.get(name)) for row in rows[:200])) for name in names]


class ResultTable(DataTable):
    """One table of a report: its rows (dicts) under ``columns``, sortable by any of them."""

    DEFAULT_CSS = """
    ResultTable {
        height: auto;
        max-height: 100%;
    }
    """

    def __init__(self, columns: Sequence[Column], rows: Sequence[Mapping], formats: Formats, **kwargs):
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.spec = list(columns)
        self.all_rows: list[Mapping] = list(rows)
        self.rows_shown: list[Mapping] = self.all_rows[:MAX_DRAWN]
        self.formats = formats
        self.sort_key: str | None = None
        self.descending = False
        self._formatted: dict[int, tuple[Text, ...]] = {}  # by id(row): Babel is the slow part
        self._key_names = key_names()

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        cursor = self.cursor_row if self.row_count else 0
        cursor_column = self.cursor_column
        self.clear(columns=True)
        for column in self.spec:
            heading = column.heading
            if column.key == self.sort_key:
                heading = f"{heading} {'▼' if self.descending else '▲'}"
            self.add_column(plain(heading, justify="right" if column.numeric else "left"), key=column.key)
        for index, row in enumerate(self.rows_shown):
            self.add_row(*self.cells_of(row), key=str(index))
        if self.rows_shown:
            self.move_cursor(row=min(cursor, len(self.rows_shown) - 1), column=min(cursor_column, len(self.spec) - 1))

    def formatted_ahead(self, cells: dict[int, tuple[Text, ...]]) -> None:
        self._formatted.update(cells)

    def cells_of(self, row: Mapping) -> tuple[Text, ...]:
        cells = self._formatted.get(id(row))
        if cells is None:
            cells = tuple(
                column_cell(column.key, row.get(column.key), self.formats, self._key_names) for column in self.spec
            )
            self._formatted[id(row)] = cells
        return cells

    def sort_by(self, key: str, descending: bool | None = None) -> None:
        """Sort by ``key``; the same column again turns the order round."""
        if descending is None:
            descending = not self.descending if key == self.sort_key else False
        self.sort_key, self.descending = key, descending
        self.all_rows = sorted_rows(self.all_rows, key, descending)
        self.rows_shown = self.all_rows[:MAX_DRAWN]
        self.fill()
        self.move_cursor(row=0)

    def sort_by_cursor_column(self) -> None:
        if self.spec:
            self.sort_by(self.spec[max(0, min(self.cursor_column, len(self.spec) - 1))].key)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if event.data_table is self:
            event.stop()
            self.sort_by(str(event.column_key.value))

    @property
    def cut(self) -> bool:
        """Some rows are not drawn (an export still writes them)."""
        return len(self.all_rows) > len(self.rows_shown)

    @property
    def current_row(self) -> Mapping | None:
        if not self.rows_shown or self.cursor_row < 0 or self.cursor_row >= len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]
