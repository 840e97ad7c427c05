"""Form pieces the modals share: a labelled field with its error line, and a form screen
that shows a service's ``ValidationError`` on the field it names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from shoptui.errors import ShopError
from shoptui.i18n import N_, _

from ..db_work import notify_error, run_db
from ..text import content
from .labels import METHOD_NAMES


class LabelledField:
    """For a container of a label, its widget and an error line beneath them (ids and
    classes named from ``PREFIX``): the error is shown only while there is one, and the
    field marked ``-invalid`` meanwhile."""

    PREFIX = "field"
    CLASSES = ""  # the container's own classes

    def __init__(self: Any, label: str, widget: Widget, name: str):
        if self.CLASSES:
            super().__init__(classes=self.CLASSES, id=f"{self.PREFIX}-{name}")
        else:
            super().__init__(id=f"{self.PREFIX}-{name}")
        self.label = label
        self.widget = widget
        self.field_name = name

    def compose(self) -> ComposeResult:
        yield Label(content(self.label), classes=f"{self.PREFIX}-label")
        yield self.widget
        error = Static("", classes=f"{self.PREFIX}-error")
        error.display = False
        yield error

    def set_error(self: Any, message: str | None) -> None:
        error = self.query_one(f".{self.PREFIX}-error", Static)
        error.update(content(message or ""))
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")

    @property
    def error(self: Any) -> str:
        error = self.query_one(f".{self.PREFIX}-error", Static)
        return str(error.render()) if error.display else ""


class Field(LabelledField, Vertical):
    """A label, the input widget and, while there is one, the error beneath it."""

    # A checkbox without a label of its own is sized to nothing by Textual's "width: auto"
    # and cut to "▐X…": it takes the value column, as an input does.
    DEFAULT_CSS = """
    Field > Checkbox {
        width: 100%;
        min-width: 4;
    }
    """

    CLASSES = "field"


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


class TillSelect(Select):
    """A choice for the till, driven by the keys a cashier uses in every other field:
    ↑ and ↓ change the choice in place (the list stays closed), Enter moves on as in an
    input (``Submitted``: the form goes to the next field, or saves from the last one),
    Space opens the list (Enter there picks, and the focus comes back here).

    Textual's own Select opens its list on Enter, ↑ and ↓, so Enter never left it."""

    BINDINGS = [
        Binding("up", "step(-1)", N_("Previous choice"), show=False, id="select-previous"),
        Binding("down", "step(1)", N_("Next choice"), show=False, id="select-next"),
        Binding("enter", "submit", N_("Next field"), show=False, id="select-submit"),
        Binding("space", "show_overlay", N_("Show the choices"), show=False, id="select-open"),
    ]

    @dataclass
    class Submitted(Message):
        select: TillSelect

        @property
        def control(self) -> TillSelect:
            return self.select

    def __init__(self, options: Iterable[tuple[Any, Any]], **kwargs):
        options = list(options)
        # A choice that may be left blank ("not given") steps to blank too, before the first.
        self.blank_allowed = kwargs.get("allow_blank", True)
        self.choice_values = self._values(options)
        super().__init__(options, **kwargs)

    def _values(self, options: list[tuple[Any, Any]]) -> list[Any]:
        return ([Select.NULL] if self.blank_allowed else []) + [value for _prompt, value in options]

    def set_options(self, options: Iterable[tuple[Any, Any]]) -> None:
        options = list(options)
        self.choice_values = self._values(options)
        super().set_options(options)

    def action_step(self, step: int) -> None:
        """The previous or next choice, stopping at the ends (no wrap: the keys stay predictable)."""
        if not self.choice_values:
            return
        index = self.choice_values.index(self.value) if self.value in self.choice_values else -1
        index = min(max(index + step, 0), len(self.choice_values) - 1)
        if self.choice_values[index] == Select.NULL:
            self.clear()
        else:
            self.value = self.choice_values[index]

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))


# The keys of a TillSelect, for a dialog's hint line.
SELECT_KEYS = N_("↑ ↓: change a choice")

# Between the parts of a hint ("Enter: save   Esc: cancel") or of a line of facts.
GAP = "   "


def pack_parts(parts: Iterable[str], width: int) -> list[str]:
    """``parts`` joined by GAP in lines of at most ``width`` cells, broken between parts,
    never inside one ("↑ ↓: change a / choice", "credit left: 450 000 / ₫"); a part wider
    than a line has a line of its own (and wraps there)."""
    lines: list[str] = []
    for part in parts:
        if lines and cell_len(lines[-1] + GAP + part) <= width:
            lines[-1] += GAP + part
        else:
            lines.append(part)
    return lines


class PartsLine(Static):
    """A dialog's hint or line of facts, made of parts (each already translated, GAP
    apart inside a part's translation too), broken between parts to the width it has."""

    def __init__(self, *parts: str, **kwargs):
        super().__init__(content(GAP.join(parts)), **kwargs)
        self.parts = list(parts)

    def set_parts(self, *parts: str) -> None:
        self.parts = list(parts)
        self._pack()

    def on_resize(self) -> None:
        self._pack()

    def _pack(self) -> None:
        pieces = [piece for part in self.parts for piece in part.split(GAP) if piece.strip()]
        width = self.content_region.width
        lines = pack_parts(pieces, width) if width > 0 else [GAP.join(pieces)]
        self.update(Content("\n").join(content(line) for line in lines))


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


def method_field(label: str, methods: Iterable[str], widget_id: str, name: str) -> Field:
    """A choice of how money is paid (``methods``, by their names in the interface
    language), cash chosen first."""
    return Field(
        label,
        TillSelect([(_(METHOD_NAMES[m]), m) for m in methods], id=widget_id, value="cash", allow_blank=False),
        name,
    )


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
    FIRST_FIELD = ""  # the id of the Input that has the focus when the form opens

    def on_mount(self) -> None:
        if self.FIRST_FIELD:
            self.query_one(f"#{self.FIRST_FIELD}", Input).focus()

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

    def values_to_save(self) -> dict | None:
        """How an ``action_save`` starts: None while a save is still running; else the
        errors shown so far cleared, the values as typed."""
        if self.busy:
            return None
        self.clear_errors()
        return self.values()

    def submit(
        self, job: Callable[..., Any], *args: Any, on_done: Callable[[Any], Any], group: str, title: str = ""
    ) -> None:
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

    def on_till_select_submitted(self, event: TillSelect.Submitted) -> None:
        """Enter on a choice: as on an input, the next field, or saving from the last field."""
        event.stop()
        widgets = [field.widget for field in self._fields.values() if isinstance(field.widget, (Input, TillSelect))]
        if widgets and event.select is widgets[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        raise NotImplementedError
