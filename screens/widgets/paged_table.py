"""A DataTable that shows a list a page at a time and asks for the next page as the
cursor comes near the end, with column widths fitted to what it holds.

Widths are explicit (as in the directory): DataTable sizes auto-width columns only when
idle, and cells drawn before that keep a stale width (Textual issue #4470).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from rich.text import Text
from textual.widgets import DataTable

from shoptui.services.customer_view import Page

from ..db_work import notify_error, run_db
from ..text import plain

T = TypeVar("T")


def row_under_cursor(table: DataTable, rows: Sequence[T]) -> T | None:
    """The item of ``rows`` (what ``table`` shows, in its order) under the table's cursor;
    None when there is none there."""
    if not rows or not 0 <= table.cursor_row < len(rows):
        return None
    return rows[table.cursor_row]


@dataclass(frozen=True)
class Column:
    key: str
    heading: str  # already translated
    numeric: bool = False
    widest: int | None = None  # cut longer cells with …


class PagedTable(DataTable):
    """``load(limit, offset)`` returns a ``Page`` (runs in a worker); ``cells(row)`` its cells."""

    PREFETCH_ROWS = 10

    def __init__(
        self,
        columns: list[Column],
        cells: Callable[[Any], tuple[Text, ...]],
        load: Callable[[int, int], Page] | None = None,
        page_size: int = 50,
        **kwargs,
    ):
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.spec = columns
        self.cells = cells
        self.load = load
        self.page_size = page_size
        self.total = 0
        self._rows: list[tuple[Text, ...]] = []
        self._widths: dict[str, int] = {}
        self._loading = False
        self._generation = 0

    @property
    def has_more(self) -> bool:
        return len(self._rows) < self.total

    def show(self, page: Page | list) -> None:
        """Replace what the table shows with a first page (or a whole list)."""
        if not isinstance(page, Page):
            page = Page(list(page), 0, len(page))
        self._generation += 1
        self._loading = False
        self._rows = []
        self._widths = {}
        self.total = page.total
        self._add([self.cells(row) for row in page.rows], first=True)

    def _add(self, rows: list[tuple[Text, ...]], first: bool = False) -> None:
        widths = dict(self._widths)
        for column in self.spec:
            widths[column.key] = max(widths.get(column.key, 0), len(column.heading))
        for cells in rows:
            for column, cell in zip(self.spec, cells):
                if column.widest is not None and cell.cell_len > column.widest:
                    cell.truncate(column.widest, overflow="ellipsis")
                widths[column.key] = max(widths[column.key], cell.cell_len)
        if first or widths != self._widths:
            cursor = 0 if first else self.cursor_row
            self.clear(columns=True)
            for column in self.spec:
                heading = plain(column.heading, justify="right" if column.numeric else "left")
                self.add_column(heading, width=widths[column.key], key=column.key)
            for cells in self._rows:
                self.add_row(*cells)
            self.move_cursor(row=cursor)
            self._widths = widths
        for cells in rows:
            self.add_row(*cells)
        self._rows.extend(rows)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table is self:
            self._maybe_load_more()

    def _maybe_load_more(self) -> None:
        if self.load is None or self._loading or not self.has_more:
            return
        if self.cursor_row >= self.row_count - self.PREFETCH_ROWS:
            self._loading = True
            generation = self._generation
            run_db(
                self,
                self.load,
                self.page_size,
                len(self._rows),
                group=f"page-{self.id}",
                on_done=lambda page: self._more(generation, page),
                on_error=lambda exc: self._failed(generation, exc),
            )

    def _more(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return  # the table was refilled since this page was asked for
        self._loading = False
        self.total = page.total
        self._add([self.cells(row) for row in page.rows])

    def _failed(self, generation: int, exc) -> None:
        if generation == self._generation:
            self._loading = False
        notify_error(self, str(exc))
