"""Survey questions and their answers: the registration survey and the second survey.

A question targets either new customers (it is asked once, right after registration) or
the members of a customer group. Its "ask at card read" flag makes it the second
survey: whenever the card of a customer the question targets is read and that customer
has not answered it yet, the till asks it. A question that targets new customers and
carries the flag therefore reaches every customer, also those registered before it
existed or who skipped it at registration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from .. import clock
from ..errors import NotFound, ValidationError
from ..i18n import _
from ..models import AuditLog, Customer, CustomerGroup, Group, SurveyAnswer, SurveyQuestion
from ..models.surveys import QUESTION_KINDS, TARGETS
from .audit import record, snapshot
from .context import Actor, require
from .customers import clean_text
from .ledger import write_transaction
from .rows import by_id

TEXT_MAX = 500
ANSWER_MAX = 2000
# A second-survey question the cashier skipped is not asked of that customer again for
# this many days: a queue at the till must not meet the same question at every scan.
SKIP_QUIET_DAYS = 30
SKIP_ACTION = "survey.skip"


@dataclass(frozen=True)
class QuestionInput:
    """What the owner types for a question; ``group`` is a group's name (target "group")."""

    text: str
    kind: str = "choice"
    choices: tuple[str, ...] = ()
    target: str = "new"
    group: str = ""
    ask_at_card_read: bool = False
    active: bool = True


def _question(question: SurveyQuestion | int) -> SurveyQuestion:
    return by_id(SurveyQuestion, question, _("There is no such survey question."))


def _clean(values: QuestionInput) -> dict:
    text = clean_text(values.text, "text", TEXT_MAX)
    if not text:
        raise ValidationError(_("A question needs its text."), "text")
    if values.kind not in QUESTION_KINDS:
        raise ValidationError(
            _("The kind must be one of: {choices}.").format(choices=", ".join(QUESTION_KINDS)), "kind"
        )
    choices: list[str] = []
    for choice in values.choices:
        cleaned = clean_text(choice, "choices", 200)
        if cleaned and cleaned not in choices:
            choices.append(cleaned)
    if values.kind == "choice" and len(choices) < 2:
        raise ValidationError(_("A choice question needs at least two answers to choose from."), "choices")
    if values.target not in TARGETS:
        raise ValidationError(_("The target must be one of: {choices}.").format(choices=", ".join(TARGETS)), "target")
    group = None
    if values.target == "group":
        name = clean_text(values.group, "group", 100)
        if not name:
            raise ValidationError(_("Name the customer group this question is for."), "group")
        group = Group.get_or_none(Group.name == name)
        if group is None:
            raise ValidationError(_("There is no customer group {name}.").format(name=name), "group")
    return {
        "text": text,
        "kind": values.kind,
        "choices": "\n".join(choices) if values.kind == "choice" else "",
        "target": values.target,
        "group": group,
        "ask_at_card_read": bool(values.ask_at_card_read),
        "active": bool(values.active),
    }


def define_question(
    values: QuestionInput, actor: Actor | None = None, *, at: dt.datetime | None = None
) -> SurveyQuestion:
    require(actor, "surveys")
    fields = _clean(values)
    with write_transaction():
        position = (SurveyQuestion.select(pw.fn.MAX(SurveyQuestion.position)).scalar() or 0) + 1
        question = SurveyQuestion.create(position=position, created_at=at or clock.now(), **fields)
        record(actor, "survey.define", "survey_question", question.id, None, snapshot(question), at=at)
    return question


def update_question(
    question: SurveyQuestion | int, values: QuestionInput, actor: Actor | None = None
) -> SurveyQuestion:
    """Changes a question; answers already given stay with it."""
    require(actor, "surveys")
    fields = _clean(values)
    with write_transaction():
        question = _question(question)
        before = snapshot(question)
        for name, value in fields.items():
            setattr(question, name, value)
        question.save()
        record(actor, "survey.update", "survey_question", question.id, before, snapshot(question))
    return question


def set_active(question: SurveyQuestion | int, active: bool, actor: Actor | None = None) -> SurveyQuestion:
    """An inactive question is asked no more; its answers are kept."""
    require(actor, "surveys")
    with write_transaction():
        question = _question(question)
        before = snapshot(question, ["active"])
        question.active = bool(active)
        question.save()
        record(actor, "survey.active", "survey_question", question.id, before, snapshot(question, ["active"]))
    return question


def move_question(question: SurveyQuestion | int, step: int, actor: Actor | None = None) -> None:
    """Swaps the question with its neighbour above (step -1) or below (+1) in the asking order."""
    require(actor, "surveys")
    with write_transaction():
        ordered = list(SurveyQuestion.select().order_by(SurveyQuestion.position, SurveyQuestion.id))
        ids = [q.id for q in ordered]
        qid = question.id if isinstance(question, SurveyQuestion) else question
        if qid not in ids:
            raise NotFound(_("There is no such survey question."))
        index = ids.index(qid)
        other = index + step
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, q in enumerate(ordered, start=1):
            if q.position != position:
                SurveyQuestion.update(position=position).where(SurveyQuestion.id == q.id).execute()
        record(actor, "survey.order", "survey_question", qid, {"position": index + 1}, {"position": other + 1})


def questions(include_inactive: bool = True) -> list[SurveyQuestion]:
    query = (
        SurveyQuestion.select(SurveyQuestion, Group)
        .join(Group, pw.JOIN.LEFT_OUTER)
        .order_by(SurveyQuestion.position, SurveyQuestion.id)
    )
    if not include_inactive:
        query = query.where(SurveyQuestion.active == True)  # noqa: E712
    return list(query)


def choices_of(question: SurveyQuestion) -> list[str]:
    return [c for c in question.choices.split("\n") if c] if question.kind == "choice" else []


def registration_questions() -> list[SurveyQuestion]:
    """The registration survey: active questions for new customers, in asking order."""
    return [q for q in questions(include_inactive=False) if q.target == "new"]


def _answered(customer_id: int) -> set[int]:
    return {
        row[0]
        for row in SurveyAnswer.select(SurveyAnswer.question)
        .where(SurveyAnswer.customer == customer_id)
        .distinct()
        .tuples()
    }


def _recently_skipped(customer_id: int) -> set[int]:
    """Skips live in the audit log (no schema change): one entry per skipped question."""
    since = clock.now() - dt.timedelta(days=SKIP_QUIET_DAYS)
    rows = AuditLog.select(AuditLog.after).where(
        (AuditLog.entity == "customer")
        & (AuditLog.entity_id == str(customer_id))
        & (AuditLog.action == SKIP_ACTION)
        & (AuditLog.at >= since)
    )
    return {
        row.after["question"] for row in rows if isinstance(row.after, dict) and row.after.get("question") is not None
    }


def record_skips(
    question_ids, customer: Customer | int, actor: Actor | None = None, *, at: dt.datetime | None = None
) -> int:
    """The cashier skipped these second-survey questions for this customer: they are not
    asked again at card read for ``SKIP_QUIET_DAYS`` days. Returns how many were noted."""
    require(actor, "survey_answer")
    cid = customer.id if isinstance(customer, Customer) else customer
    ids = [int(q) for q in dict.fromkeys(question_ids)]
    with write_transaction():
        for question_id in ids:
            record(actor, SKIP_ACTION, "customer", cid, None, {"question": question_id}, at=at)
    return len(ids)


def questions_due_at_card_read(customer: Customer | int) -> list[SurveyQuestion]:
    """The second survey: active flagged questions that target this customer and that the
    customer has not answered yet (nor skipped in the last ``SKIP_QUIET_DAYS`` days). An
    archived customer is asked nothing."""
    cid = customer.id if isinstance(customer, Customer) else customer
    found = Customer.get_or_none(Customer.id == cid)
    if found is None or found.status == "archived":
        return []
    groups = {row[0] for row in CustomerGroup.select(CustomerGroup.group).where(CustomerGroup.customer == cid).tuples()}
    answered = _answered(cid) | _recently_skipped(cid)
    return [
        q
        for q in questions(include_inactive=False)
        if q.ask_at_card_read and q.id not in answered and (q.target == "new" or q.group_id in groups)
    ]


def record_answer(
    question: SurveyQuestion | int,
    customer: Customer | int,
    answer: str,
    actor: Actor | None = None,
    *,
    receipt=None,
    at: dt.datetime | None = None,
) -> SurveyAnswer:
    require(actor, "survey_answer")
    question = _question(question)
    text = clean_text(answer, "answer", ANSWER_MAX)
    if not text:
        raise ValidationError(_("Type or choose an answer, or skip the question."), "answer")
    if question.kind == "choice" and text not in choices_of(question):
        raise ValidationError(
            _("The answer must be one of: {choices}.").format(choices=", ".join(choices_of(question))), "answer"
        )
    cid = customer.id if isinstance(customer, Customer) else customer
    if not Customer.select().where(Customer.id == cid).exists():
        raise NotFound(_("There is no such customer."))
    with write_transaction():
        row = SurveyAnswer.create(
            question=question,
            customer=cid,
            answer=text,
            at=at or clock.now(),
            user=actor.user_id if actor else None,
            receipt=receipt,
        )
        record(actor, "survey.answer", "customer", cid, None, {"question": question.id, "answer": text}, at=at)
    return row
