"""One report on screen: its parameters, a run in a worker (elapsed time shown, Escape
stops it, the database statement included), the result as sortable tables and charts,
Enter on a customer's row opens the card, F7/F8 write CSV or Excel (the owner's right).

Long lists (win-back, RFM details, debtors of a big shop) are fetched a page of
``DISPLAY_CAP`` rows at a time, the most important first as the report orders them; the
status line says how many there are in all, and an export writes every one of them.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, ProgressBar, Static, TabbedContent

from shoptui import clock, reports
from shoptui.errors import ShopError
from shoptui.i18n import N_, _, ngettext
from shoptui.io.report_output import export_report
from shoptui.reports.query import ReportQuery
from shoptui.reports.running import ReportCancelled, ReportRun, product_choices
from shoptui.services import customers, scans, stores
from shoptui.services.context import Actor, require
from shoptui.services.scans import Scan

from ..db_work import notify_error, run_db, unexpected_message
from ..dialogs.choice_modal import ChoiceModal
from ..dialogs.export_path_modal import ExportPathModal
from ..messages import CardScanned
from ..role_keys import offered
from ..text import Formats, content, content_lines, printable
from ..widgets.footer import ShopFooter
from .calendar_modal import CalendarModal
from .report_form import ReportForm
from .report_view import ReportView, format_ahead, has_rows
from .result_table import MAX_DRAWN, ResultTable
from .stores_modal import StoresModal

DISPLAY_CAP = 1000
# Reports whose list takes ``limit`` as a page (the others are short, or cut by design).
PAGED = frozenset({"rfm", "winback", "birthdays", "debtors", "buyers"})
TICK = 0.1


def store_choices() -> list[tuple[str, str]]:
    return [(store.code, store.name) for store in stores.list_stores()]


def customer_id_of(code: str) -> int | None:
    found = customers.find_by_code(code)
    return found.id if found is not None else None


def export_folder() -> Path:
    """Where an export goes unless the person says otherwise: the working folder when the
    app was started from one the user can write, else the documents folder."""
    import os

    from platformdirs import user_documents_dir

    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    return Path(user_documents_dir())


class ReportScreen(Screen[None]):
    # A cashier is not offered the exports (F7/F8), which are the owner's.
    ACTION_NEEDS = {"export": "export"}
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="report-back"),
        Binding("f5", "run", N_("Run"), id="report-run"),
        Binding("f2", "choose_stores", N_("Stores"), id="report-stores", show=False),
        # Off the footer (it fits 80 columns): the fields' labels name them; F1 lists them all.
        Binding("f4", "next_period", N_("Period"), id="report-period", show=False),
        Binding("ctrl+d", "calendar", N_("Calendar"), id="report-calendar", show=False, priority=True),
        Binding("f6", "open_customer", N_("Open card"), id="report-open-customer"),
        Binding("f9", "sort", N_("Sort"), id="report-sort", show=False),
        Binding("f7", "export('csv')", N_("CSV"), id="report-export-csv"),
        Binding("f8", "export('xlsx')", N_("Excel"), id="report-export-xlsx"),
        Binding("ctrl+pagedown", "next_tab(1)", N_("Next tab"), show=False, id="report-next-tab", priority=True),
        Binding("ctrl+pageup", "next_tab(-1)", N_("Previous tab"), show=False, id="report-previous-tab", priority=True),
    ]

    DEFAULT_CSS = """
    ReportScreen #report-status-line {
        height: 1;
        padding: 0 1;
    }
    ReportScreen #report-status {
        width: 1fr;
        height: 1;
    }
    ReportScreen #report-progress {
        width: 24;
        height: 1;
    }
    ReportScreen #report-body {
        height: 1fr;
    }
    ReportScreen .report-hint {
        color: $text-muted;
        padding: 1 2;
    }
    """

    def __init__(self, name: str, formats: Formats, actor: Actor | None = None, export_dir: Path | None = None):
        super().__init__()
        self.report_name = name
        self.spec = reports.load(name)
        self.formats = formats
        self.actor = actor
        self.export_dir = export_dir
        self.current: ReportRun | None = None  # the run going on, if any
        self.started = 0.0
        self.timer: Timer | None = None
        self.busy_text = ""
        self.busy_stoppable = True
        self.data: Mapping | None = None  # the last result and the query that made it
        self.query_done: ReportQuery | None = None
        self.complete = False  # the result holds every row (so an export needs no second run)
        self.store_list: list[tuple[str, str]] = []
        self.exporting = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield ReportForm(self.report_name, self.formats.region, self.formats.locale, id="report-form")
        with Horizontal(id="report-status-line"):
            yield Static(id="report-status", markup=False)
            yield ProgressBar(total=None, show_percentage=False, show_eta=False, id="report-progress")
        with Container(id="report-body"):
            yield Static(content_lines(self.hint()), classes="report-hint")
        yield ShopFooter()

    def hint(self) -> list[str]:
        """The help above the results, one line each."""
        lines = [_("Choose the parameters, then Enter or F5 runs the report.")]
        lines.append(
            _("Dates: YYYY-MM-DD, or Ctrl+D for a calendar; F4 steps through the usual periods; F2 chooses stores.")
        )
        if offered(self, "export"):
            lines.append(
                _(
                    "Then: Enter on a customer's row opens the card, F9 or a click on a heading sorts, F7/F8 write CSV/Excel."
                )
            )
        else:
            lines.append(_("Then: Enter on a customer's row opens the card, F9 or a click on a heading sorts."))
        return lines

    def on_mount(self) -> None:
        self.sub_title = _(self.spec.title) if self.spec.title else self.report_name
        self.query_one("#report-progress").display = False
        self.query_one("#report-form Input").focus()
        run_db(self, store_choices, on_done=self._stores_known, group="report-stores")
        if self.report_name == "buyers":
            run_db(self, product_choices, on_done=self.query_one(ReportForm).offer_products, group="report-products")

    def on_card_scanned(self, message: CardScanned) -> None:
        """A product scanned while the report asks for one fills its field; any other scan
        goes on to the app (a customer's card opens their card)."""
        if "product" not in self.query_one(ReportForm).fields:
            return
        if message.scan is None:
            message.stop()
            run_db(self, scans.classify, message.barcode, on_done=self._scan_classified, group="report-scan")
        elif message.scan.kind == "product":
            message.stop()
            self._scan_classified(message.scan)

    def _scan_classified(self, scan: Scan) -> None:
        if scan.kind == "product":
            self.query_one("#field-product", Input).value = scan.product_sku
        else:
            self.app.post_message(CardScanned(scan.code, routed=True, scan=scan))

    def _stores_known(self, found: list[tuple[str, str]]) -> None:
        self.store_list = found

    def label(self, key: str) -> str:
        labels = self.spec.labels
        return _(labels[key]) if key in labels else str(key)

    def status(self, text: str) -> None:
        self.query_one("#report-status", Static).update(content(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_customer":
            return (
                self.data is not None and has_rows(self.data) and any(row.get("code") for row in self.data["rows"][:50])
            )
        if action == "sort":
            return self.data is not None
        return True

    # -- running --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.current is not None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def action_run(self) -> None:
        if self.running:
            self.notify(_("The report is still running; Escape stops it."), markup=False)
            return
        form = self.query_one(ReportForm)
        query = form.read()
        if query is None:
            self.status(_("Correct the marked field; nothing was run."))
            return
        shown = query
        if self.report_name in PAGED and "limit" not in query.options:
            shown = ReportQuery(
                query.as_of, query.date_from, query.date_to, list(query.stores), {**query.options, "limit": DISPLAY_CAP}
            )
        run = ReportRun(self.report_name, shown)
        self.current = run
        self._busy(_("Running {title}…").format(title=self.sub_title))
        self.run_worker(lambda: self._work(run, query), thread=True, group="report-run", exit_on_error=False)

    def _busy(self, text: str, stoppable: bool = True) -> None:
        self.busy_text = text
        self.busy_stoppable = stoppable
        self.started = time.monotonic()
        self.query_one("#report-progress").display = True
        self._tick()
        if self.timer is None:
            self.timer = self.set_interval(TICK, self._tick)

    def _idle(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        self.query_one("#report-progress").display = False
        return elapsed

    def _tick(self) -> None:
        seconds = f"{time.monotonic() - self.started:.1f}"
        if self.busy_stoppable:
            self.status(_("{what} {seconds} s — Escape stops it").format(what=self.busy_text, seconds=seconds))
        else:
            self.status(_("{what} {seconds} s").format(what=self.busy_text, seconds=seconds))

    def _work(self, run: ReportRun, asked: ReportQuery) -> None:
        """In the worker thread; the answer goes back to the UI thread by call_later."""
        try:
            with self.app.database.connection_context():
                data = run.run()
            formatted = format_ahead(data, self.spec.columns, self.formats)
        except ReportCancelled:
            return
        except ShopError as exc:
            self.call_later(self._failed, run, str(exc))
            return
        except Exception as exc:  # a bug or a broken database must not take the app down
            if run.cancelled:
                return
            self.log.error("report failed", traceback.format_exc())
            self.call_later(self._failed, run, unexpected_message(self.app, exc))
            return
        self.call_later(self._finished, run, asked, data, formatted)

    def _failed(self, run: ReportRun, message: str) -> None:
        if run is not self.current:
            return
        self.current = None
        self._idle()
        form = self.query_one(ReportForm)
        field = form.field_of_message(message)
        if field is not None:
            form.show_error(field, message)
        self.status(_("The report did not run: {reason}").format(reason=message))
        notify_error(self, message, self.sub_title)

    async def _finished(self, run: ReportRun, asked: ReportQuery, data: Mapping, formatted: dict | None = None) -> None:
        if run is not self.current:
            return  # cancelled meanwhile: its answer is not wanted
        self.current = None
        elapsed = self._idle()
        self.data, self.query_done = data, asked
        body = self.query_one("#report-body", Container)
        await body.remove_children()
        view = ReportView(self.report_name, data, asked, self.formats, self.label, self.spec.columns, id="report-view")
        view.formatted = formatted or {}
        await body.mount(view)
        self.status(self._summary(data, run.query, elapsed))
        self.refresh_bindings()
        self.call_after_refresh(self._focus_result)

    def _summary(self, data: Mapping, ran: ReportQuery, elapsed: float) -> str:
        seconds = f"{elapsed:.1f}"
        if not has_rows(data):
            self.complete = True
            return _("Done in {seconds} s.").format(seconds=seconds)
        shown = len(data["rows"])
        total = data.get("rows_total", data.get("customers"))
        total = total if isinstance(total, int) and total >= shown else shown
        limit = ran.options.get("limit")
        self.complete = not (limit == DISPLAY_CAP and (total > shown or shown >= DISPLAY_CAP))
        line = ngettext("Done in {seconds} s: {count} row.", "Done in {seconds} s: {count} rows.", shown).format(
            seconds=seconds, count=self.formats.number(shown).plain
        )
        if self.complete and shown > MAX_DRAWN:
            line += " " + _(
                "The table shows the first {shown} (sorting takes them all into account); an export writes them all."
            ).format(shown=self.formats.number(MAX_DRAWN).plain)
        if not self.complete:
            more = self.formats.number(total).plain if total > shown else _("more")
            line += " " + _("Showing the first {shown} of {total}; an export writes them all.").format(
                shown=self.formats.number(shown).plain, total=more
            )
        return line

    def _focus_result(self) -> None:
        tables = list(self.query(ResultTable))
        if tables:
            tables[0].focus()

    def action_back(self) -> None:
        """Escape: stop a running report; otherwise back to the list of reports."""
        if self.running:
            self.action_cancel()
            return
        if self.exporting:
            self.notify(_("The file is being written; a moment, please."), markup=False)
            return
        self.dismiss()

    def on_unmount(self) -> None:
        # The screen went away under a running report (a scan opened a card): stop its SQL.
        if self.current is not None:
            self.current.cancel()
            self.current = None

    def action_cancel(self) -> None:
        run = self.current
        if run is None:
            return
        self.current = None
        run.cancel()  # interrupts the statement the worker's connection runs
        elapsed = self._idle()
        self.workers.cancel_group(self, "report-run")
        self.status(_("Cancelled after {seconds} s; nothing was changed.").format(seconds=f"{elapsed:.1f}"))

    # -- parameters -------------------------------------------------------------------------

    def action_choose_stores(self) -> None:
        form = self.query_one(ReportForm)
        if not self.store_list:
            self.notify(_("The stores are still being read; try again."), markup=False)
            return

        def chosen(codes: list[str] | None) -> None:
            if codes is not None:
                form.set_stores(codes)

        self.app.push_screen(StoresModal(self.store_list, form.stores), chosen)

    def action_next_period(self) -> None:
        name = self.query_one(ReportForm).step_period()
        if name is None:
            self.notify(_("This report looks at the days from its as-of day; it has no period."), markup=False)
        else:
            self.status(_("Period: {name}. Enter or F5 runs the report.").format(name=name))

    def action_calendar(self) -> None:
        form = self.query_one(ReportForm)
        focused = self.focused
        name = None
        for candidate in form.date_fields():
            if focused is form.fields[candidate].widget:
                name = candidate
        name = name or "as_of"
        start = form._date(name) or form._date("as_of") or clock.today()

        def picked(day) -> None:
            if day is not None:
                form.set_date(name, day)
                form.fields[name].widget.focus()

        self.app.push_screen(CalendarModal(start, self.formats.locale, clock.today()), picked)

    # -- the result -----------------------------------------------------------------------

    def focused_table(self) -> ResultTable | None:
        if isinstance(self.focused, ResultTable):
            return self.focused
        tables = list(self.query(ResultTable))
        return tables[0] if tables else None

    def action_sort(self) -> None:
        table = self.focused_table()
        if table is not None:
            table.sort_by_cursor_column()

    def action_next_tab(self, step: int) -> None:
        for tabs in self.query(TabbedContent):
            panes = [pane.id for pane in tabs.query("TabPane") if pane.id]
            if panes:
                index = panes.index(tabs.active) if tabs.active in panes else 0
                tabs.active = panes[(index + step) % len(panes)]
                pane = tabs.get_pane(tabs.active)
                tables = list(pane.query(ResultTable))
                (tables[0] if tables else tabs.query_one("Tabs")).focus()
            return

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, ResultTable) and event.data_table.id == "report-rows":
            event.stop()
            self.action_open_customer()

    def action_open_customer(self) -> None:
        table = self.query("#report-rows").first(ResultTable) if self.query("#report-rows") else None
        row = table.current_row if table is not None else None
        code = row.get("code") if row is not None else None
        if not code:
            self.notify(_("This row is not a customer."), markup=False)
            return

        def found(customer_id: int | None) -> None:
            if customer_id is None:
                notify_error(self, _("There is no customer {code}.").format(code=code))
                return
            from ..customer.customer_card_screen import CustomerCardScreen

            # On top of the report, so that Escape comes back to it as it was.
            self.app.push_screen(CustomerCardScreen(customer_id, self.formats, getattr(self.app, "actor", self.actor)))

        run_db(self, customer_id_of, str(code), on_done=found, group="report-open", title=self.sub_title)

    # -- export ---------------------------------------------------------------------------

    def action_export(self, fmt: str = "csv") -> None:
        actor = getattr(self.app, "actor", self.actor)
        try:
            require(actor, "export")
        except ShopError as exc:
            notify_error(self, str(exc), _("Export"))
            return
        if self.data is None or self.query_done is None:
            self.notify(_("Run the report first (Enter or F5)."), markup=False)
            return
        if self.running:
            self.notify(_("The report is still running; Escape stops it."), markup=False)
            return
        stem = f"{self.report_name}-{self.query_done.as_of.isoformat()}"
        suggested = str((self.export_dir or export_folder()) / f"{stem}.{fmt}")
        data = self.data if self.complete else None
        query = self.query_done
        title = _("Export to Excel") if fmt == "xlsx" else _("Export to CSV")

        def chosen(path: str | None) -> None:
            if not path:
                return
            if Path(path).expanduser().is_file():
                choices = [("replace", _("Replace it")), ("cancel", _("Cancel"))]
                message = _("{path} exists already.").format(path=path)
                self.app.push_screen(
                    ChoiceModal(_("Replace the file?"), message, choices),
                    lambda answer: write(path) if answer == "replace" else None,
                )
                return
            write(path)

        def write(path: str) -> None:
            self.exporting = True
            self._busy(_("Writing {path}…").format(path=printable(path)), stoppable=False)
            run_db(
                self,
                export_report,
                self.report_name,
                query,
                path,
                actor,
                data,
                on_done=self._exported,
                on_error=self._export_failed,
                group="report-export",
                title=_("Export"),
            )

        self.app.push_screen(ExportPathModal(title, suggested), chosen)

    def _exported(self, path: Path) -> None:
        self.exporting = False
        self._idle()
        self.status(_("Written to {path}").format(path=printable(path)))
        self.notify(printable(_("Written to {path}").format(path=path)), title=_("Export"), markup=False)

    def _export_failed(self, exc: ShopError) -> None:
        self.exporting = False
        self._idle()
        self.status(_("Nothing was written: {reason}").format(reason=str(exc)))
        notify_error(self, str(exc), _("Export"))
