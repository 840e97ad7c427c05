"""Asking survey questions one by one: the registration survey and the second survey.

A choice question is answered by moving to a choice (arrows, or its number) and Enter;
no choice is highlighted at first, so an Enter meant for the till records nothing. A text
question is answered by typing and Enter. Escape skips the question and F8 skips the
rest; the till's keys (F5 sale, F9 debt payment, F3, F11) skip the rest and do their
action, so a cashier who goes on with the sale is never caught by the survey. Each answer
is saved as it is given; second-survey questions skipped are noted, so they rest a while
(``surveys.SKIP_QUIET_DAYS``) instead of coming back at every scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from shoptui.errors import ShopError
from shoptui.i18n import N_, _
from shoptui.services import surveys
from shoptui.services.context import Actor

from ..db_work import run_db
from ..text import content


@dataclass(frozen=True)
class SurveyItem:
    """A question as the modal needs it (no model rows on the UI thread)."""

    id: int
    text: str
    kind: str
    choices: tuple[str, ...]


def _items(questions) -> list[SurveyItem]:
    return [SurveyItem(q.id, q.text, q.kind, tuple(surveys.choices_of(q))) for q in questions]


def registration_items() -> list[SurveyItem]:
    return _items(surveys.registration_questions())


def card_read_items(customer_id: int) -> list[SurveyItem]:
    return _items(surveys.questions_due_at_card_read(customer_id))


def ask_survey(node: DOMNode, customer_id: int, when: str, actor: Actor | None = None) -> None:
    """Loads the questions due (``when``: "registration" or "card_read") in a worker and,
    when there are any, asks them over whatever screen is showing."""
    app = node.app

    def loaded(items: list[SurveyItem]) -> None:
        if items:
            title = _("Registration survey") if when == "registration" else _("Survey")
            app.push_screen(SurveyModal(customer_id, items, actor, title, remember_skips=when == "card_read"), done)

    def done(answered: int | None) -> None:
        if not answered:
            return
        app.data_changed()
        screen = app.screen
        if getattr(screen, "customer_id", None) == customer_id and hasattr(screen, "reload"):
            screen.reload()  # the card's Surveys tab shows the new answers

    job = registration_items if when == "registration" else card_read_items
    args = () if when == "registration" else (customer_id,)
    run_db(app, job, *args, on_done=loaded, group="survey-load", title=_("Survey"))


# Keys of the till (screens/till_keys.py and the card's debt payment): they close the
# survey, skipping what is left, and then act on the screen beneath as if it had no survey.
TILL_KEYS = ("f5", "f9", "f3", "f11")


class SurveyModal(ModalScreen[int]):
    """Returns how many answers were recorded."""

    BINDINGS = [
        Binding("escape", "skip", N_("Skip question"), id="survey-skip"),
        Binding("f8", "skip_all", N_("Skip survey"), id="survey-skip-all"),
        *(Binding(key, f"till_key('{key}')", show=False) for key in TILL_KEYS),
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(
        self,
        customer_id: int,
        items: list[SurveyItem],
        actor: Actor | None = None,
        title: str = "",
        remember_skips: bool = False,
    ):
        super().__init__()
        self.customer_id = customer_id
        self.items = items
        self.actor = actor
        self.title_text = title or _("Survey")
        self.remember_skips = remember_skips
        self.index = 0
        self.answered = 0
        self.skipped: list[int] = []
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="survey-dialog"):
            yield Static(id="survey-title", classes="dialog-title")
            yield Static(id="survey-question", classes="dialog-message")
            yield OptionList(id="survey-choices")
            yield Input(
                id="survey-text", max_length=surveys.ANSWER_MAX, placeholder=_("Type the answer and press Enter")
            )
            yield Static("", id="survey-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Skip (Esc)"), id="survey-skip")
                yield Button(_("Skip the rest (F8)"), id="survey-skip-all")

    def on_mount(self) -> None:
        self._show()

    @property
    def current(self) -> SurveyItem:
        return self.items[self.index]

    def _show(self) -> None:
        item = self.current
        self.query_one("#survey-title", Static).update(
            content(
                _("{title}: question {n} of {count}").format(
                    title=self.title_text, n=self.index + 1, count=len(self.items)
                )
            )
        )
        self.query_one("#survey-question", Static).update(content(item.text))
        self._set_error("")
        options = self.query_one("#survey-choices", OptionList)
        text = self.query_one("#survey-text", Input)
        options.clear_options()
        is_choice = item.kind == "choice"
        options.display = is_choice
        text.display = not is_choice
        if is_choice:
            options.add_options(
                [Option(content(self._numbered(i, choice)), id=str(i)) for i, choice in enumerate(item.choices)]
            )
            options.highlighted = None  # Enter alone must not answer: the cashier picks a choice first
            options.focus()
        else:
            text.value = ""
            text.focus()

    @staticmethod
    def _numbered(index: int, choice: str) -> str:
        return f"{index + 1}. {choice}" if index < 9 else choice

    def _set_error(self, message: str) -> None:
        error = self.query_one("#survey-error", Static)
        error.update(content(message))
        error.display = bool(message)

    @on(OptionList.OptionSelected, "#survey-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._answer(self.current.choices[int(event.option.id)])

    @on(Input.Submitted, "#survey-text")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self._answer(event.value)
        else:
            self._set_error(_("Type an answer, or press Escape to skip the question."))

    def _answer(self, answer: str) -> None:
        if self._saving:
            return
        self._saving = True
        run_db(
            self,
            surveys.record_answer,
            self.current.id,
            self.customer_id,
            answer,
            self.actor,
            on_done=self._saved,
            on_error=self._failed,
            group="survey-answer",
        )

    def _saved(self, _row) -> None:
        self._saving = False
        self.answered += 1
        self._next()

    def _failed(self, exc: ShopError) -> None:
        self._saving = False
        self._set_error(str(exc))

    def _next(self) -> None:
        self.index += 1
        if self.index >= len(self.items):
            self.dismiss(self.answered)
        else:
            self._show()

    def action_pick(self, number: int) -> None:
        """A digit moves to that choice; Enter then answers it."""
        options = self.query_one("#survey-choices", OptionList)
        if options.display and number <= options.option_count:
            options.highlighted = number - 1
            options.focus()

    def action_skip(self) -> None:
        if not self._saving:
            self.skipped.append(self.current.id)
            self._next()

    def action_skip_all(self) -> None:
        self.skipped.extend(item.id for item in self.items[self.index :])
        self.dismiss(self.answered)

    async def action_till_key(self, key: str) -> None:
        if self._saving:
            return
        self.action_skip_all()
        # Straight to the bindings of the screen beneath (not a re-posted key, which would
        # arrive after the amount the cashier is already typing): dismiss has taken this
        # modal off the stack, so app.screen is that screen.
        active = self.app.screen.active_bindings.get(key)
        if active is not None and not active.binding.priority:
            await self.app.run_action(active.binding.action, active.node)

    def dismiss(self, result=None):
        if self.remember_skips and self.skipped:
            run_db(
                self.app,
                surveys.record_skips,
                list(self.skipped),
                self.customer_id,
                self.actor,
                group="survey-skip",
                title=_("Survey"),
            )
            self.skipped = []
        return super().dismiss(result)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "survey-skip":
            self.action_skip()
        else:
            self.action_skip_all()
