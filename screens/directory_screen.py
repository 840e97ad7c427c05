"""The home screen: the customer directory, filtered as a name, phone, code or card is typed.

The search box keeps the focus (SPEC: "The terminal app's keys"); the arrow and page
keys move the list's cursor from there. Every query runs in a worker thread with its
own database connection, and its rows come back as a DirectoryPage message.
"""

from __future__ import annotations

import traceback

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from shoptui.errors import ShopError
from shoptui.i18n import N_, _, ngettext
from shoptui.services import directory

from .labels import STATUS_NAMES
from .messages import DirectoryFailed, DirectoryPage
from .text import Formats, content, plain, printable

# (key, heading, widest cell): long names are cut with … so the other columns stay in view.
COLUMNS = (
    ("code", N_("Code"), 14),
    ("name", N_("Name"), 36),
    ("phone", N_("Phone"), 18),
    ("debt", N_("Debt"), None),
    ("total_sales", N_("Total sales"), None),
    ("last_purchase", N_("Last purchase"), None),
    ("points", N_("Points"), None),
    ("status", N_("Status"), 12),
)
WIDEST = {key: width for key, _heading, width in COLUMNS}
NUMERIC = {"debt", "total_sales", "points"}  # right-aligned, heading too


class DirectoryScreen(Screen[None]):
    """Every customer, found by name (any accents, any word order), phone, code or card."""

    # Screens are imported by the composition root after the language is chosen,
    # so these descriptions are already in the interface language.
    BINDINGS = [
        Binding("escape", "clear_search", _("Clear"), id="clear-search"),
        # Priority: the search box would take Enter for itself.
        Binding("enter", "open_customer", _("Open"), id="open-customer", priority=True),
        Binding("f2", "new_customer", _("New customer"), id="new-customer"),
        Binding("down", "move_cursor(1)", _("Next"), show=False, id="directory-next"),
        Binding("up", "move_cursor(-1)", _("Previous"), show=False, id="directory-previous"),
        Binding("pagedown", "move_page(1)", _("Page down"), show=False, id="directory-page-down"),
        Binding("pageup", "move_page(-1)", _("Page up"), show=False, id="directory-page-up"),
    ]

    PAGE_SIZE = 100
    # Load the next page when the cursor comes this close to the last row shown.
    PREFETCH_ROWS = 20

    def __init__(self, database, formats: Formats, search_delay: float = 0.15, filters: directory.Filters | None = None):
        super().__init__()
        self.database = database
        self.formats = formats
        self.search_delay = search_delay
        self.filters = filters or directory.Filters()
        self._generation = 0
        self._query = ""
        self._debounce: Timer | None = None
        self._searching = False  # a first page is on its way
        self._open_when_found = False  # Enter came before the search had answered
        self._loaded: list[tuple[str, tuple]] = []  # every row shown, in order
        self._shown: set[str] = set()
        self._headings: dict[str, Text] = {}
        self._widths: dict[str, int] = {}
        self._has_more = False
        self._loading_more = False
        self._data_version = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Search: name, phone or its last digits, code, card"), id="search", max_length=100)
        yield Static(id="directory-status")
        yield DataTable(id="customers", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Customers")
        table = self.query_one("#customers", DataTable)
        table.can_focus = False  # the search box keeps the focus; arrows reach the table from there
        self._headings = {
            key: plain(_(heading), justify="right" if key in NUMERIC else "left") for key, heading, _w in COLUMNS
        }
        self._show_rows([], first_page=True)
        self.watch(table, "scroll_y", self._scrolled, init=False)
        self.query_one("#search", Input).focus()
        self._data_version = self.app.data_version
        self.start_search()

    def on_screen_resume(self) -> None:
        self.query_one("#search", Input).focus()
        if self.app.data_version != self._data_version:
            # A customer was registered or edited meanwhile: show the list as it is now.
            self._data_version = self.app.data_version
            self.start_search()

    # -- searching ---------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        # Wait for a pause in typing, so a fast typist starts one query, not one per key.
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.search_delay, self.start_search)

    def start_search(self) -> None:
        """Search for what the box holds now; any answer to an older query is dropped."""
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = None
        self._searching = True
        self._generation += 1
        self._query = self.query_one("#search", Input).value
        self._has_more = False  # no page of this search is loaded before its first one
        self._loading_more = False
        self.workers.cancel_group(self, "page")
        self._search(self._generation, self._query)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def _search(self, generation: int, text: str) -> None:
        self._fetch(generation, text, 0)

    @work(thread=True, exclusive=True, exit_on_error=False, group="page")
    def _load_page(self, generation: int, text: str, offset: int) -> None:
        self._fetch(generation, text, offset)

    def _fetch(self, generation: int, text: str, offset: int) -> None:
        """Runs in a worker thread: query one page, build its cells, post them back."""
        try:
            with self.database.connection_context():
                rows = directory.search(text, limit=self.PAGE_SIZE + 1, offset=offset, filters=self.filters)
            cells = [(str(row.id), self._cells(row)) for row in rows[: self.PAGE_SIZE]]
        except ShopError as exc:
            self.post_message(DirectoryFailed(generation, str(exc)))
            return
        except Exception as exc:  # a bug or a broken database must not take the app down
            # Textual's log, not `logging`: a handler writing to stderr would draw over the screen.
            self.log.error("directory search failed", traceback.format_exc())
            self.post_message(
                DirectoryFailed(generation, _("The customer list cannot be read: {reason}").format(reason=exc))
            )
            return
        if not get_current_worker().is_cancelled:
            self.post_message(DirectoryPage(generation, offset, cells, has_more=len(rows) > self.PAGE_SIZE))

    def _cells(self, row: directory.Row) -> tuple:
        f = self.formats
        return (
            plain(row.code, WIDEST["code"]),
            plain(row.name, WIDEST["name"]),
            f.phone(row.phone, row.phone_typed),
            f.money(row.debt),
            f.money(row.total_sales),
            f.date(row.last_purchase_at),
            f.number(row.points),
            plain(_(STATUS_NAMES.get(row.status, row.status)), WIDEST["status"]),
        )

    def on_directory_page(self, message: DirectoryPage) -> None:
        if message.generation != self._generation:
            return
        first_page = message.offset == 0
        if first_page:
            self._loaded.clear()
            self._shown.clear()
        # Offset paging over data that changed in between can repeat a row.
        fresh = [(key, cells) for key, cells in message.rows if key not in self._shown]
        self._shown.update(key for key, _cells in fresh)
        self._show_rows(fresh, first_page)
        self._has_more = message.has_more
        self._loading_more = False
        self._show_status()
        if first_page:
            self._searching = False
            if self._open_when_found:
                self._open_when_found = False
                self.action_open_customer()

    def _show_rows(self, fresh: list[tuple[str, tuple]], first_page: bool) -> None:
        """Add rows, first fitting the columns to them.

        Columns get explicit widths: DataTable sizes auto-width columns only when idle, and
        cells drawn before that keep their old width (Textual issue #4470), which showed
        as squeezed columns in a real terminal under load.
        """
        table = self.query_one("#customers", DataTable)
        widths = self._fitted_widths(fresh, {} if first_page else self._widths)
        if first_page or widths != self._widths:
            cursor = 0 if first_page else table.cursor_row
            self._widths = widths
            table.clear(columns=True)
            for key, _heading, _widest in COLUMNS:
                table.add_column(self._headings[key], width=widths[key], key=key)
            for key, cells in self._loaded:
                table.add_row(*cells, key=key)
            table.move_cursor(row=cursor)
        for key, cells in fresh:
            table.add_row(*cells, key=key)
        self._loaded.extend(fresh)

    def _fitted_widths(self, rows: list[tuple[str, tuple]], base: dict[str, int]) -> dict[str, int]:
        widths = {key: max(base.get(key, 0), self._headings[key].cell_len) for key, _h, _w in COLUMNS}
        for _key, cells in rows:
            for (key, _heading, _widest), cell in zip(COLUMNS, cells):
                widths[key] = max(widths[key], cell.cell_len)
        return widths

    def on_directory_failed(self, message: DirectoryFailed) -> None:
        if message.generation != self._generation:
            return
        self._loading_more = False
        self._searching = self._open_when_found = False
        self.notify(printable(message.reason), title=_("Search"), severity="error", markup=False)

    def _show_status(self) -> None:
        shown = len(self._shown)
        if shown:
            line = ngettext("{count} customer", "{count} customers", shown).format(count=shown)
            if self._has_more:
                line = _("{shown}, more below").format(shown=line)
        elif self._query.strip():
            line = _("No customer matches this search.")
        else:
            line = _("No customers yet: import them with `shoptui import customers FILE`, or try `shoptui demo`.")
        self.query_one("#directory-status", Static).update(content(line))

    # -- paging --------------------------------------------------------------------------

    def _maybe_load_more(self) -> None:
        table = self.query_one("#customers", DataTable)
        if not self._has_more or self._loading_more or not table.row_count:
            return
        near_end = table.cursor_row >= table.row_count - self.PREFETCH_ROWS
        scrolled_down = table.scroll_y >= table.max_scroll_y - table.size.height
        if near_end or scrolled_down:
            self._loading_more = True
            self._load_page(self._generation, self._query, table.row_count)

    def _scrolled(self, _value: float) -> None:
        self._maybe_load_more()

    # -- actions ---------------------------------------------------------------------------

    def action_clear_search(self) -> None:
        """Escape: an empty search and the whole list again; it never leaves the directory."""
        search = self.query_one("#search", Input)
        search.focus()
        if search.value:
            search.value = ""  # Input.Changed starts the new search
        self.query_one("#customers", DataTable).move_cursor(row=0)

    def action_open_customer(self) -> None:
        """Enter: the card of the customer under the cursor.

        Typed text and Enter may come faster than the search answers (a quick typist, or
        keys the scan detector held back): then the card opens once this search's first
        page is shown, on its first row, never on a row of the search before.
        """
        typed = self.query_one("#search", Input).value
        if self._debounce is not None or self._searching or typed != self._query:
            self._open_when_found = True
            if not self._searching or typed != self._query:
                self.start_search()
            return
        table = self.query_one("#customers", DataTable)
        if not table.row_count:
            return
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        self.app.open_customer(int(row_key.value))

    def action_new_customer(self) -> None:
        """F2: register a customer; what the search box holds starts the name, or the phone."""
        text = self.query_one("#search", Input).value.strip()
        if any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text):
            self.app.register_customer(phone=text)
        else:
            self.app.register_customer(name=text)

    def action_move_cursor(self, rows: int) -> None:
        table = self.query_one("#customers", DataTable)
        table.move_cursor(row=max(0, table.cursor_row + rows))
        self._maybe_load_more()

    def action_move_page(self, pages: int) -> None:
        table = self.query_one("#customers", DataTable)
        if pages > 0:
            table.action_page_down()
        else:
            table.action_page_up()
        self._maybe_load_more()
