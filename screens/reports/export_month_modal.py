"""The owner's month-end workbook from inside the app: the month, the file, a progress
bar while it is written, and Escape to stop it half-way.

The export runs in a thread worker; its progress calls come back through
``call_from_thread``, and the same calls are where a cancel is heard: the callback
raises ``Cancelled``, and the core leaves nothing at the target. Who may export is the
core's decision (``export_month`` checks the actor); this dialog only asks the core first,
so that a cashier is told before being asked anything else.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import platformdirs
from babel.numbers import format_decimal
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, ProgressBar, Static
from textual.worker import get_current_worker

from shoptui import clock
from shoptui.errors import ShopError, ValidationError
from shoptui.i18n import N_, _
from shoptui.io.month_export import Cancelled, ExportResult, Month, check_target, export_month
from shoptui.services.context import Actor, require

from ..db_work import notify_error, run_db
from ..dialogs.choice_modal import ChoiceModal
from ..text import content, printable
from ..widgets.form import Field, FormModal


def previous_month(today: dt.date) -> str:
    return Month(today.replace(day=1)).previous().label


def default_folder() -> Path:
    """The user's documents folder when there is one, else the folder the app was started in."""
    try:
        folder = Path(platformdirs.user_documents_dir())
    except Exception:  # platformdirs may find no such folder on a bare system
        return Path.cwd()
    return folder if folder.is_dir() else Path.cwd()


def default_name(month: str) -> str:
    return f"shoptui-{month}.xlsx"


class ExportMonthModal(FormModal):
    """Answers the path written, or None when closed or cancelled."""

    FIRST_FIELD = "export-month"

    BINDINGS = [Binding("ctrl+s", "save", N_("Export"), id="export-month-save", priority=True)]

    DEFAULT_CSS = """
    ExportMonthModal #export-progress {
        height: 1;
        margin: 1 0 0 0;
    }
    ExportMonthModal #export-status {
        height: auto;
        padding: 0 0 1 0;
    }
    ExportMonthModal #export-status.-error {
        color: $error;
    }
    """

    def __init__(self, actor: Actor | None = None, *, today: dt.date | None = None, folder: Path | None = None):
        super().__init__()
        self.actor = actor
        self.month = previous_month(today or clock.today())
        self.folder = folder or default_folder()
        self.running = False
        self._cancel = threading.Event()
        self._started = 0.0

    def fields(self) -> Iterable[Field]:
        yield Field(_("Month (YYYY-MM)"), Input(self.month, id="export-month", max_length=20), "month")
        yield Field(_("File"), Input(str(self.folder / default_name(self.month)), id="export-path"), "path")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog export-dialog"):
            yield Static(content(_("Export month to Excel")), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            bar = ProgressBar(total=None, show_eta=False, id="export-progress")
            bar.display = False
            yield bar
            yield Static("", id="export-status")
            yield Static(content(_("Enter: export   Esc: cancel")), classes="dialog-message", id="export-keys")

    # -- the form ---------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        # The file follows the month while it still has the name made for the month before.
        if event.input.id != "export-month":
            return
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        try:
            month = Month.parse(event.value).label
        except ShopError:
            return
        if path.name == default_name(self.month) and month != self.month:
            path_input.value = str(path.with_name(default_name(month)))
        self.month = month

    def status(self, message: str, error: bool = False) -> None:
        line = self.query_one("#export-status", Static)
        line.update(content(message))
        line.set_class(error, "-error")

    def action_save(self) -> None:
        if self.running:
            return
        self.clear_errors()
        values = self.values()
        try:
            require(self.actor, "export")  # the core says who may; asked before anything else
        except ShopError as exc:
            self.status(str(exc), error=True)
            notify_error(self, str(exc), _("Export month"))
            return
        try:
            month = Month.parse(values["month"])
        except ShopError as exc:
            self.show_error(ValidationError(str(exc), "month"))
            return
        text = values["path"].strip()
        if not text:
            self.show_error(ValidationError(_("Give the name of the file to write."), "path"))
            return
        target = Path(text).expanduser()
        if not target.name or target.name in (".", ".."):
            self.show_error(ValidationError(_("Give the name of the file to write."), "path"))
            return
        if not target.suffix:
            target = target.with_name(target.name + ".xlsx")
        if target.suffix.lower() != ".xlsx":
            self.show_error(
                ValidationError(_("The month is written as an Excel file: give a name ending in .xlsx."), "path")
            )
            return
        try:
            target = check_target(target)
        except ShopError as exc:
            self.show_error(exc)
            return
        if target.exists():
            self._ask_overwrite(month, target)
        else:
            self._start(month, target)

    def _ask_overwrite(self, month: Month, target: Path) -> None:
        def answered(choice: str | None) -> None:
            if choice == "replace":
                self._start(month, target)
            else:
                self.query_one("#export-path", Input).focus()

        self.app.push_screen(
            ChoiceModal(
                _("The file exists"),
                _("{path} already exists. Replace it?").format(path=target),
                [("keep", _("No, keep it")), ("replace", _("Yes, replace it"))],
            ),
            answered,
        )

    # -- the export -------------------------------------------------------------------------

    def _start(self, month: Month, target: Path) -> None:
        self.running = True
        self._cancel.clear()
        self._started = time.monotonic()
        for field in ("month", "path"):
            self.field(field).widget.disabled = True
        self.query_one("#export-progress", ProgressBar).display = True
        self.query_one("#export-keys", Static).update(content(_("Esc: stop the export")))
        self.status(_("Exporting {month}…").format(month=month.label))
        run_db(
            self,
            self._export,
            month,
            target,
            on_done=self._done,
            on_error=self._failed,
            group="export-month",
            exclusive=True,
            title=_("Export month"),
        )

    def _export(self, month: Month, target: Path) -> ExportResult:
        """On the worker's thread."""
        worker = get_current_worker()

        def progress(stage: str, done: int, total: int) -> None:
            if self._cancel.is_set() or worker.is_cancelled:
                raise Cancelled()
            self.app.call_from_thread(self._progress, stage, done, total)

        return export_month(month, target, progress=progress, actor=self.actor)

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel.is_set():
            return
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=total or None, progress=done)
        if total:
            shown = _("{sheet}: {done} of {total} rows").format(
                sheet=stage, done=self._number(done), total=self._number(total)
            )
        elif done:
            shown = _("{sheet}: {done} rows").format(sheet=stage, done=self._number(done))
        else:
            shown = stage
        self.status(shown)

    @property
    def _locale(self) -> str:
        return getattr(getattr(self.app, "formats", None), "locale", "en")

    def _number(self, value: int) -> str:
        return format_decimal(value, locale=self._locale)

    def _seconds(self) -> str:
        return format_decimal(round(time.monotonic() - self._started, 1), format="#,##0.0", locale=self._locale)

    def _done(self, result: ExportResult) -> None:
        self.running = False
        message = _("Wrote {path} in {seconds} s.").format(path=result.path, seconds=self._seconds())
        self.app.notify(printable(message), title=_("Export month"), markup=False, timeout=10)
        self.dismiss(result.path)

    def _failed(self, exc: ShopError) -> None:
        self.running = False
        if isinstance(exc, Cancelled):
            self.app.notify(printable(str(exc)), title=_("Export month"), severity="warning", markup=False)
            self.dismiss(None)
            return
        for field in ("month", "path"):
            self.field(field).widget.disabled = False
        self.query_one("#export-progress", ProgressBar).display = False
        self.query_one("#export-keys", Static).update(content(_("Enter: export   Esc: cancel")))
        self.status(str(exc), error=True)
        self.show_error(exc)

    def action_cancel(self) -> None:
        if self.running:
            # Heard at the export's next progress call; _failed closes the dialog then.
            self._cancel.set()
            self.status(_("Stopping the export…"))
            return
        self.dismiss(None)
