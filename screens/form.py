"""Form pieces the modals share: a labelled field with its error line, and a form screen
that shows a service's ``ValidationError`` on the field it names."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from shoptui.errors import ShopError
from shoptui.i18n import N_, _

from .db_work import notify_error, run_db
from .text import content


class Field(Vertical):
    """A label, the input widget and, while there is one, the error beneath it."""

    # A checkbox without a label of its own is sized to nothing by Textual's "width: auto"
    # and cut to "▐X…": it takes the value column, as an input does.
    DEFAULT_CSS = """
    Field > Checkbox {
        width: 100%;
        min-width: 4;
    }
    """

    def __init__(self, label: str, widget: Widget, name: str):
        super().__init__(classes="field", id=f"field-{name}")
        self.label = label
        self.widget = widget
        self.field_name = name

    def compose(self) -> ComposeResult:
        yield Label(content(self.label), classes="field-label")
        yield self.widget
        error = Static("", classes="field-error")
        error.display = False
        yield error

    def set_error(self, message: str | None) -> None:
        error = self.query_one(".field-error", Static)
        error.update(content(message or ""))
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")

    @property
    def error(self) -> str:
        error = self.query_one(".field-error", Static)
        return str(error.render()) if error.display else ""


class YesNoCheckbox(Checkbox):
    """A checkbox that also says its state in words, since "▐X▌" looks the same on and off
    in a terminal without colours (and to anyone who has not learnt Textual's look)."""

    def __init__(self, value: bool = False, **kwargs):
        super().__init__(self._word(value), value, **kwargs)

    @staticmethod
    def _word(value: bool) -> str:
        return _("yes") if value else _("no")

    def watch_value(self) -> None:
        super().watch_value()
        self.label = self._word(self.value)


def value_of(widget: Widget):
    """What a field's widget holds, as the form sends it to a service."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Checkbox):
        return widget.value
    if isinstance(widget, Select):
        return None if widget.value is Select.NULL else widget.value
    raise TypeError(widget)


class FormModal(ModalScreen):
    """A modal form: Ctrl+S saves, Enter goes to the next field (and saves from the last
    one-line field), Escape cancels.

    Subclasses build ``Field``s in ``fields()``, name the dialog in ``dialog_title()`` and
    save in ``action_save()``; a service error
    naming a field is shown under that field (``aliases`` maps a service's field name,
    such as ``discount_bp``, to the form's).
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="form-cancel"),
        Binding("ctrl+s", "save", N_("Save"), id="form-save", priority=True),
    ]
    aliases: dict[str, str] = {}

    def __init__(self):
        super().__init__()
        self._fields: dict[str, Field] = {}
        # The unreadable phone the person was warned about: saving it again keeps it.
        self.phone_confirmed: str | None = None
        self.busy = False  # a save is running: a second Enter or Ctrl+S waits for it

    DIALOG_CLASS = ""  # the dialog's own class, for its size in app.tcss

    def fields(self) -> Iterable[Field]:
        raise NotImplementedError

    def dialog_title(self) -> str:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes=f"form-dialog {self.DIALOG_CLASS}".strip()):
            yield Static(content(self.dialog_title()), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save (Ctrl+S)"), variant="primary", id="save")
                yield Button(_("Cancel (Esc)"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def compose_fields(self) -> ComposeResult:
        for field in self.fields():
            self._fields[field.field_name] = field
            yield field

    def field(self, name: str) -> Field:
        return self._fields[name]

    def values(self) -> dict:
        return {name: value_of(field.widget) for name, field in self._fields.items()}

    def clear_errors(self) -> None:
        for field in self._fields.values():
            field.set_error(None)

    def submit(self, job: Callable[..., Any], *args: Any, on_done: Callable[[Any], Any], group: str,
               title: str = "") -> None:
        """Runs the service call that saves the form in a worker, one at a time:
        ``on_done(result)`` once it is done, a refusal on the field it names; either way
        the form takes keys again."""
        self.busy = True

        def done(result: Any) -> None:
            self.busy = False
            on_done(result)

        def failed(exc: ShopError) -> None:
            self.busy = False
            self.show_error(exc)

        run_db(self, job, *args, on_done=done, on_error=failed, group=group, title=title)

    def show_error(self, exc: ShopError) -> None:
        """On its field when the error names one of ours, else as a notification."""
        name = getattr(exc, "field", None)
        name = self.aliases.get(name, name)
        field = self._fields.get(name) if name else None
        if field is None:
            notify_error(self, str(exc))
            return
        field.set_error(str(exc))
        field.widget.focus()
        if name == "phone":
            self.phone_confirmed = value_of(field.widget).strip()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [field.widget for field in self._fields.values() if isinstance(field.widget, Input)]
        if inputs and event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        raise NotImplementedError
