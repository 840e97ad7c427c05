"""The home screen: the customer directory, filtered as a name, phone, code or card is typed.

The search box keeps the focus (SPEC: "The terminal app's keys"); the arrow and page
keys move the list's cursor from there. Every query runs in a worker thread with its
own database connection, and its rows come back as a DirectoryPage message.
Function keys set the filters (status, group, debt, birthdays) and the order (also a
click on a column's heading); Ctrl+E writes the list as shown to a CSV or xlsx file (the
owner's: anyone else is told so at once). Escape empties the search, and on an empty
search clears the filters; the status line always says when filters are on.
"""

from __future__ import annotations

import dataclasses
import traceback
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import get_current_worker

from shoptui import clock
from shoptui.errors import PermissionDenied, ShopError
from shoptui.i18n import N_, _, ngettext
from shoptui.io import directory_export
from shoptui.reports import customer_segment
from shoptui.services import directory
from shoptui.services.context import allows, require

from ..db_work import notify_error, run_db
from ..dialogs.choice_modal import ChoiceModal
from ..dialogs.export_path_modal import ExportPathModal
from ..messages import DirectoryFailed, DirectoryPage
from ..text import Formats, content, plain, printable
from ..widgets.footer import ShopFooter
from ..widgets.labels import STATUS_NAMES

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
# A negative debt is money the shop holds for the customer: named so, as on the card
# ("Paid in advance"), never "-₫50,250"; in its own style, so it stands apart from debts.
ADVANCE_STYLE = "italic green"


def debt_cell(formats: Formats, debt: int) -> Text:
    if debt >= 0:
        return formats.money(debt)
    cell = plain(_("advance {amount}").format(amount=formats.money(-debt).plain), justify="right")
    cell.stylize(ADVANCE_STYLE)
    return cell


NUMERIC = {"debt", "total_sales", "points"}  # right-aligned, heading too
# Columns a click on the heading sorts by: the directory service's sort keys.
SORT_OF_COLUMN = {
    "name": "name",
    "debt": "debt",
    "total_sales": "total_sales",
    "last_purchase": "last_purchase",
    "points": "points",
}
SORT_CYCLE = ("name", "debt", "total_sales", "last_purchase", "points")
# The status filter's steps (F4): what a shop looks at, in the order it wants it.
STATUS_CYCLE = (
    ("active", "incomplete"),
    ("active",),
    ("incomplete",),
    ("archived",),
    ("active", "incomplete", "archived"),
)
ALL_GROUPS = "\x00all"  # no group is named so: a group name is printable text


def warm_up() -> None:
    """Runs in a worker when the directory opens: the caches the first search reads, then
    the day's RFM cuts that every customer card's segment needs (seconds on a big shop)."""
    if directory.warm_up():
        customer_segment.cuts_for(clock.today())


# At 80 columns the list is wider than the screen, and the search box keeps the focus, so
# nobody scrolls it sideways: columns give up width in this order, down to these widths
# (a heading wider than its cells first, then long names, cut with …).
SQUEEZE = (("last_purchase", 8), ("total_sales", 8), ("status", 6), ("points", 6), ("name", 14), ("phone", 12))


# Then, when the columns do not fit even squeezed (80 columns), these are left out in
# turn (the card shows them): the status, then the last purchase, then the total sales
# (when a wide cell, such as "advance ₫50,250", leaves no room for it).
LEFT_OUT_WHEN_NARROW = ((), ("status",), ("status", "last_purchase"), ("status", "last_purchase", "total_sales"))


def squeezed(widths: dict[str, int], cells_width: dict[str, int], room: int) -> dict[str, int]:
    """``widths`` narrowed to fit ``room`` cells: headings wider than their column's cells
    first (cut with …), then the columns of SQUEEZE down to their least width."""
    widths = dict(widths)
    excess = sum(widths.values()) - room
    for key, least in SQUEEZE:  # headings first: their cells keep every character
        if key not in widths:
            continue
        if excess <= 0:
            break
        cut = min(excess, max(0, widths[key] - max(least, cells_width.get(key, 0))))
        widths[key] -= cut
        excess -= cut
    for key, least in SQUEEZE:
        if excess <= 0 or key not in widths or key in NUMERIC or key == "last_purchase":
            continue  # amounts and dates are never cut
        cut = min(excess, max(0, widths[key] - least))
        widths[key] -= cut
        excess -= cut
    return widths


class DirectoryScreen(Screen[None]):
    """Every customer, found by name (any accents, any word order), phone, code or card."""

    # The export of the list is the owner's: a cashier is not offered Ctrl+E.
    ACTION_NEEDS = {"export": "export"}
    # English message ids: ShopFooter, F1 and the palette translate them when shown.
    BINDINGS = [
        # Off the footer (Russian with Lock fills 80 columns): Escape empties the box, as
        # expected, and on an empty box clears the filters.
        Binding("escape", "clear_search", N_("Clear the search, then the filters"), id="clear-search", show=False),
        # Priority: the search box would take Enter for itself.
        Binding("enter", "open_customer", N_("Open"), id="open-customer", priority=True),
        Binding("f2", "new_customer", N_("New customer"), id="new-customer"),
        # Filters and sorting stay off the footer so that Quit and Help fit in 80 columns;
        # F1 and the palette list them, and the status line names the filters in force.
        Binding("f4", "cycle_status", N_("Status"), id="directory-filter-status", show=False),
        Binding("f6", "choose_group", N_("Group"), id="directory-filter-group", show=False),
        Binding("f7", "toggle_debt", N_("Debt > 0"), id="directory-filter-debt", show=False),
        Binding("f8", "toggle_birthdays", N_("Birthdays"), id="directory-filter-birthdays", show=False),
        Binding("f9", "cycle_sort", N_("Sort"), id="directory-sort", show=False),
        Binding("f10", "reverse_sort", N_("Reverse"), id="directory-sort-reverse", show=False),
        # Priority: the search box takes Ctrl+E as "end of line". Off the footer (80 columns
        # in Russian): the owner's key, in F1 and the palette.
        Binding("ctrl+e", "export", N_("Export"), id="directory-export", priority=True, show=False),
        Binding("down", "move_cursor(1)", N_("Next"), show=False, id="directory-next"),
        Binding("up", "move_cursor(-1)", N_("Previous"), show=False, id="directory-previous"),
        Binding("pagedown", "move_page(1)", N_("Page down"), show=False, id="directory-page-down"),
        Binding("pageup", "move_page(-1)", N_("Page up"), show=False, id="directory-page-up"),
    ]

    PAGE_SIZE = 100
    # Load the next page when the cursor comes this close to the last row shown.
    PREFETCH_ROWS = 20

    def __init__(
        self, database, formats: Formats, search_delay: float = 0.15, filters: directory.Filters | None = None
    ):
        super().__init__()
        self.database = database
        self.formats = formats
        self.search_delay = search_delay
        self.filters = filters or directory.Filters()
        self.sort = directory.Sort()
        self._generation = 0
        self._query = ""
        self._debounce: Timer | None = None
        self._searching = False  # a first page is on its way
        self._open_when_found = False  # Enter came before the search had answered
        self._loaded: list[tuple[str, tuple]] = []  # every row shown, in order
        self._shown: set[str] = set()
        self._headings: dict[str, Text] = {}
        self._widths: dict[str, int] = {}
        self._cells_width: dict[str, int] = {}  # the widest cell of each column so far
        self._has_more = False
        self._loading_more = False
        self._data_version = 0
        self._reading = False  # the customers are read only once nobody is walled out

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Search: name, phone or its last digits, code, card"), id="search", max_length=100)
        status = Static(id="directory-status")
        # Inline, over app.tcss's one line: the filters in force and the hints wrap at 80
        # columns instead of being cut.
        status.styles.height = "auto"
        status.styles.max_height = 4
        yield status
        yield DataTable(id="customers", cursor_type="row", zebra_stripes=True)
        yield ShopFooter(show_actions=frozenset({"lock"}))  # the till's home: lock it from here

    def on_mount(self) -> None:
        self.sub_title = _("Customers")
        table = self.query_one("#customers", DataTable)
        table.can_focus = False  # the search box keeps the focus; arrows reach the table from there
        self._make_headings()
        self._show_rows([], first_page=True)
        self.watch(table, "scroll_y", self._scrolled, init=False)
        self.query_one("#search", Input).focus()
        self._data_version = self.app.data_version
        self.start_reading()

    def start_reading(self) -> None:
        """The first search and the warm-up, once someone may see the customers.

        Where the shop has users, the directory is the screen under the sign-in: nothing of
        the customers is read (not even into memory, hidden) until a right PIN. The app
        calls this after a sign-in; it is called again on mount and resume, and reads once.
        """
        walled = getattr(self.app, "walled", None)
        if self._reading or (walled is not None and walled()):
            return
        self._reading = True
        self.start_search()
        run_db(self, warm_up, on_error=self._warm_up_failed, group="warm-up")

    def _warm_up_failed(self, exc) -> None:
        # Only speed is lost: the searches themselves report what is wrong with the database.
        self.log.warning("warm-up failed", str(exc))

    def on_unmount(self) -> None:
        # The app is closing: a warm-up still reading must not keep the process waiting.
        directory.stop_warm_up()
        customer_segment.stop()

    def on_screen_resume(self) -> None:
        self.query_one("#search", Input).focus()
        if not self._reading:
            self.start_reading()
        elif self.app.data_version != self._data_version:
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
        if not self._reading:
            return  # typed behind the sign-in: the first search after it reads the box
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
                rows = directory.search(
                    text, limit=self.PAGE_SIZE + 1, offset=offset, filters=self.filters, sort=self.sort
                )
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
            debt_cell(f, row.debt),
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
        widths = self._fitted_widths(fresh, {} if first_page else self._cells_width)
        if first_page or widths != self._widths:
            cursor = 0 if first_page else table.cursor_row
            self._widths = widths
            table.clear(columns=True)
            for key in widths:
                table.add_column(self._headings[key], width=widths[key], key=key)
            for key, cells in self._loaded:
                table.add_row(*self._shown_cells(cells), key=key)
            table.move_cursor(row=cursor)
        for key, cells in fresh:
            table.add_row(*self._shown_cells(cells), key=key)
        self._loaded.extend(fresh)

    def _shown_cells(self, cells: tuple) -> tuple:
        return tuple(cell for (key, _h, _w), cell in zip(COLUMNS, cells) if key in self._widths)

    def _fitted_widths(self, rows: list[tuple[str, tuple]], base: dict[str, int]) -> dict[str, int]:
        """The columns shown and their widths: each as wide as its heading and widest cell,
        then squeezed to the table, leaving columns out when even that is too wide."""
        cells_width = {key: base.get(key, 0) for key, _h, _w in COLUMNS}
        for _key, cells in rows:
            for (key, _heading, _widest), cell in zip(COLUMNS, cells):
                cells_width[key] = max(cells_width[key], cell.cell_len)
        self._cells_width = cells_width
        widths = {key: max(width, self._headings[key].cell_len) for key, width in cells_width.items()}
        table = self.query_one("#customers", DataTable)
        room = (table.size.width or self.app.size.width) - 2  # the scrollbar takes 2
        for left_out in LEFT_OUT_WHEN_NARROW:
            kept = {key: width for key, width in widths.items() if key not in left_out}
            # Each column has a cell of padding either side.
            fitted = squeezed(kept, cells_width, room - 2 * len(kept))
            if sum(fitted.values()) + 2 * len(fitted) <= room:
                break
        return fitted

    def on_resize(self, event) -> None:
        # Columns squeezed for 80 columns may widen again (and the other way round).
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        if not self.is_mounted or not self._cells_width:
            return
        self._show_rows([], first_page=False)

    def on_directory_failed(self, message: DirectoryFailed) -> None:
        if message.generation != self._generation:
            return
        self._loading_more = False
        self._searching = self._open_when_found = False
        self.notify(printable(message.reason), title=_("Search"), severity="error", markup=False)

    def _show_status(self) -> None:
        shown = len(self._shown)
        filters = self.describe_filters()
        if shown:
            line = ngettext("{count} customer", "{count} customers", shown).format(count=shown)
            if self._has_more:
                line = _("{shown}, more below").format(shown=line)
        elif filters and self._query.strip():
            line = _(
                "No customer matches this search with the filters on. Escape twice clears the search and the filters."
            )
        elif filters:
            line = _("No customer matches the filters. Escape clears them.")
        elif self._query.strip():
            line = _("No customer matches this search.")
        else:
            line = _("No customers yet: import them with `shoptui import customers FILE`, or try `shoptui demo`.")
        parts = [line]
        if filters:
            parts.append(_("Filters: {filters}").format(filters=", ".join(filters)))
        parts.extend(self.describe_order())
        self.query_one("#directory-status", Static).update(content(" · ".join(parts)))

    def describe_filters(self) -> list[str]:
        """The filters in force, in few words (the status line holds them at 80 columns)."""
        parts = []
        if self.filters.statuses != directory.Filters().statuses:
            parts.append(", ".join(_(STATUS_NAMES[status]) for status in self.filters.statuses))
        if self.filters.group:
            parts.append(_("group {name}").format(name=self.filters.group))
        if self.filters.with_debt:
            parts.append(_("with debt"))
        if self.filters.birthday_month is not None:
            parts.append(_("birthday this month"))
        return parts

    def describe_order(self) -> list[str]:
        if self.sort == directory.Sort():
            return []
        label, _first = directory.SORTS[self.sort.key]
        arrow = "↓" if self.sort.descending else "↑"
        return [_("sorted by {column} {arrow}").format(column=_(label), arrow=arrow)]

    def _make_headings(self) -> None:
        """Column headings; the one the list is sorted by carries an arrow."""
        self._headings = {}
        for key, heading, _w in COLUMNS:
            text = _(heading)
            if SORT_OF_COLUMN.get(key) == self.sort.key:
                text = f"{text} {'▼' if self.sort.descending else '▲'}"
            self._headings[key] = plain(text, justify="right" if key in NUMERIC else "left")

    # -- filters and order ---------------------------------------------------------------

    def _refilter(self, **changes) -> None:
        self.filters = dataclasses.replace(self.filters, **changes)
        self.start_search()

    def action_cycle_status(self) -> None:
        """F4: active and incomplete → active → incomplete → archived → everyone."""
        steps = list(STATUS_CYCLE)
        current = steps.index(self.filters.statuses) if self.filters.statuses in steps else -1
        self._refilter(statuses=steps[(current + 1) % len(steps)])

    def action_toggle_debt(self) -> None:
        """F7: only customers who owe the shop money, or everyone again."""
        self._refilter(with_debt=not self.filters.with_debt)

    def action_toggle_birthdays(self) -> None:
        """F8: only customers whose birthday falls in this month, or everyone again."""
        month = None if self.filters.birthday_month is not None else clock.today().month
        self._refilter(birthday_month=month)

    def action_choose_group(self) -> None:
        """F6: pick a group/tag from the shop's groups (or all of them again)."""
        run_db(self, directory.group_names, on_done=self._offer_groups, title=_("Group"))

    def _offer_groups(self, names: list[str]) -> None:
        choices = [(ALL_GROUPS, _("All groups"))] + [(name, name) for name in names]
        current = self.filters.group or ALL_GROUPS
        message = "" if names else _("No groups yet: add a customer to a group on the customer's card.")

        def chosen(value: str | None) -> None:
            if value is not None:
                self._refilter(group=None if value == ALL_GROUPS else value)

        self.app.push_screen(ChoiceModal(_("Show the customers of a group"), message, choices, current), chosen)

    def _resort(self, key: str, descending: bool) -> None:
        self.sort = directory.Sort(key, descending)
        self._make_headings()  # drawn with the first page of the new order
        self.start_search()

    def action_cycle_sort(self) -> None:
        """F9: by name → debt → total sales → last purchase → points, each its natural way first."""
        key = SORT_CYCLE[(SORT_CYCLE.index(self.sort.key) + 1) % len(SORT_CYCLE)]
        self._resort(key, directory.SORTS[key][1] == "desc")

    def action_reverse_sort(self) -> None:
        """F10: the same order the other way round."""
        self._resort(self.sort.key, not self.sort.descending)

    @on(DataTable.HeaderSelected, "#customers")
    def _heading_clicked(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = SORT_OF_COLUMN.get(str(event.column_key.value))
        if key is None:
            return
        if key == self.sort.key:
            self._resort(key, not self.sort.descending)
        else:
            self._resort(key, directory.SORTS[key][1] == "desc")
        self.query_one("#search", Input).focus()

    # -- export ------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Ctrl+E: write the list as shown (search, filters, order) to a CSV or xlsx file."""
        actor = getattr(self.app, "actor", None)
        if not allows(actor, "export"):  # said now, not after a file name was typed
            try:
                require(actor, "export")
            except PermissionDenied as exc:
                notify_error(self, str(exc), _("Export"))
            return
        suggested = str(Path.cwd() / _("customers-{date}.csv").format(date=clock.today().isoformat()))
        text, filters, sort = self._query, self.filters, self.sort

        def chosen(path: str | None) -> None:
            if path:
                self.notify(_("Writing {path}…").format(path=printable(path)), title=_("Export"), markup=False)
                statuses = {key: _(name) for key, name in STATUS_NAMES.items()}
                run_db(
                    self,
                    directory_export.export,
                    path,
                    text,
                    filters,
                    sort,
                    statuses,
                    None,
                    actor,
                    on_done=lambda count: self._exported(path, count),
                    group="export",
                    title=_("Export"),
                )

        self.app.push_screen(
            ExportPathModal(_("Export the list"), suggested, _("File to write (.csv or .xlsx), then Enter:")), chosen
        )

    def _exported(self, path: str, count: int) -> None:
        line = ngettext("{count} customer written to {path}", "{count} customers written to {path}", count)
        self.notify(line.format(count=count, path=printable(path)), title=_("Export"), markup=False)

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
        """Escape: an empty search and the whole list again; on an empty search, no filters
        either (the order stays). It never leaves the directory."""
        search = self.query_one("#search", Input)
        search.focus()
        if search.value:
            search.value = ""  # Input.Changed starts the new search
        elif self.filters != directory.Filters():
            self.filters = directory.Filters()
            self.start_search()
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
