"""A survey question, added or edited: its text, kind, choices, whom it is asked of, and
whether it is asked again at a card read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.widgets import Checkbox, Input, Select, TextArea

from shoptui.i18n import N_, _
from shoptui.services import surveys
from shoptui.services.context import Actor
from shoptui.services.surveys import QuestionInput

from ..widgets.form import Field, FormModal

KIND_NAMES = {"choice": N_("choice"), "text": N_("text")}
TARGET_NAMES = {"new": N_("new customers"), "group": N_("a customer group")}


@dataclass(frozen=True)
class QuestionRow:
    id: int
    position: int
    text: str
    kind: str
    choices: tuple[str, ...]
    target: str
    group: str
    ask_at_card_read: bool
    active: bool


def save_question(question_id: int | None, values: QuestionInput, actor: Actor | None) -> int:
    if question_id is None:
        return surveys.define_question(values, actor).id
    return surveys.update_question(question_id, values, actor).id


class QuestionModal(FormModal):
    """Adds a question, or edits ``row``; returns the question's id, or None."""

    FIRST_FIELD = "text"

    def __init__(self, row: QuestionRow | None = None, actor: Actor | None = None):
        super().__init__()
        self.row = row
        self.actor = actor

    def fields(self) -> Iterable[Field]:
        r = self.row
        yield Field(_("Question"), Input(r.text if r else "", id="text", max_length=surveys.TEXT_MAX), "text")
        yield Field(
            _("Kind"),
            Select(
                [(_(KIND_NAMES[k]), k) for k in KIND_NAMES],
                id="kind",
                value=r.kind if r else "choice",
                allow_blank=False,
            ),
            "kind",
        )
        yield Field(
            _("Answers to choose from (one a line)"),
            TextArea("\n".join(r.choices) if r else "", id="choices"),
            "choices",
        )
        yield Field(
            _("Asked of"),
            Select(
                [(_(TARGET_NAMES[t]), t) for t in TARGET_NAMES],
                id="target",
                value=r.target if r else "new",
                allow_blank=False,
            ),
            "target",
        )
        yield Field(
            _("Customer group (when asked of a group)"),
            Input(r.group if r else "", id="group", max_length=100),
            "group",
        )
        yield Field(
            "",
            Checkbox(_("Ask again at card read (second survey)"), r.ask_at_card_read if r else False, id="ask"),
            "ask",
        )
        yield Field("", Checkbox(_("Active"), r.active if r else True, id="active"), "active")

    DIALOG_CLASS = "question-dialog"

    def dialog_title(self) -> str:
        return _("Edit question") if self.row else _("New question")

    def action_save(self) -> None:
        v = self.values_to_save()
        if v is None:
            return
        values = QuestionInput(
            text=v["text"],
            kind=v["kind"],
            choices=tuple(line for line in v["choices"].split("\n")),
            target=v["target"],
            group=v["group"],
            ask_at_card_read=bool(v["ask"]),
            active=bool(v["active"]),
        )
        self.submit(
            save_question, self.row.id if self.row else None, values, self.actor, on_done=self._saved, group="save"
        )

    def _saved(self, question_id: int) -> None:
        self.dismiss(question_id)
