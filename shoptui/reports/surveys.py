"""Survey answers per question, for all customers and split by how often they buy and by
RFM segment (the seed's "answers of loyal vs rare customers").

Which answers: those given in the period up to the as-of day; a customer who answered
a question more than once (the second survey asks again at card reads) counts with
their latest answer, so that every share is a share of customers. ``--store`` keeps the
customers registered in those stores.

One row per question, group and answer (a long table a spreadsheet pivots):

- ``split`` ``all`` (``group`` ``all``): every answering customer;
- ``split`` ``visits``: by the customer's sale receipts in scope, ``group`` ``1``, ``2``,
  ``3+`` (the portrait's visit buckets) or ``0`` (answered but bought nothing in scope);
- ``split`` ``rfm``: by the customer's RFM segment in the same scope (``reports.rfm``);
  customers with no sale in scope have no segment and are left out of this split.

A choice question gives, in every group with customers who answered it (and always in
``all``), every choice (0 when nobody chose it), then any other answer stored for it.
Active questions appear even without answers; inactive ones only with answers. A text question gives, in the ``all`` split only, its
latest distinct answers (at most ``TEXT_ANSWERS``, newest first). ``answers`` counts the
customers who gave that answer, ``group_answers`` the customers of the group who
answered the question at all, ``share`` the one over the other.
"""

from __future__ import annotations

import peewee as pw
from peewee import Case, JOIN, fn

from ..i18n import N_
from ..models import Customer, Receipt, SurveyAnswer, SurveyQuestion
from . import Share
from .query import ReportQuery, all_of
from .rfm import SEGMENTS, scored, segment_for

TITLE = N_("Survey answers")

TEXT_ANSWERS = 20
VISIT_GROUPS = ("1", "2", "3+", "0")

COLUMNS = ("question_id", "question", "kind", "split", "group", "answer", "answers", "group_answers", "share")

LABELS = {
    "question_id": N_("No."),
    "question": N_("Question"),
    "kind": N_("Kind"),
    "split": N_("Split"),
    "group": N_("Group"),
    "answer": N_("Answer"),
    "answers": N_("Answers"),
    "group_answers": N_("Answered"),
    "share": N_("Share"),
}


def surveys(query: ReportQuery) -> dict:
    query.check_stores()
    keyed = _keyed_answers(query)
    totals = _counts(keyed, with_answer=False)
    chosen = _counts(keyed, with_answer=True)
    texts = _latest_texts(keyed)
    answered = {key[0] for key in totals}
    questions = [
        question
        for question in SurveyQuestion.select().order_by(SurveyQuestion.position, SurveyQuestion.id)
        if question.active or question.id in answered
    ]
    rows: list[dict] = []
    for question in questions:
        if question.kind == "text":
            rows.extend(_text_rows(question, texts.get(question.id, []), totals))
        else:
            rows.extend(_choice_rows(question, totals, chosen))
    return {"rows": rows}


# -- SQL ---------------------------------------------------------------------------------------


def _latest_answers(query: ReportQuery) -> pw.Select:
    """Each customer's latest answer to each question in scope."""
    rank = fn.ROW_NUMBER().over(
        partition_by=[SurveyAnswer.question, SurveyAnswer.customer],
        order_by=[SurveyAnswer.at.desc(), SurveyAnswer.id.desc()],
    )
    in_stores = query.in_stores(Customer.store)
    of_customers = SurveyAnswer.customer.in_(Customer.select(Customer.id).where(in_stores)) if in_stores is not None else None
    ranked = (
        SurveyAnswer.select(
            SurveyAnswer.question.alias("question_id"),
            SurveyAnswer.customer.alias("customer_id"),
            SurveyAnswer.answer.alias("answer"),
            SurveyAnswer.at.alias("at"),
            rank.alias("rank"),
        )
        .where(all_of(query.in_period(SurveyAnswer.at), of_customers))
        .alias("ranked")
    )
    r = ranked.c
    return (
        SurveyAnswer.select(r.question_id, r.customer_id, r.answer, r.at)
        .from_(ranked)
        .where(r.rank == 1)
        .alias("latest")
    )


def _visits(query: ReportQuery) -> pw.Select:
    return (
        Receipt.select(Receipt.customer.alias("customer_id"), fn.COUNT(Receipt.id).alias("visits"))
        .where(query.receipts() & (Receipt.kind == "sale") & Receipt.customer.is_null(False))
        .group_by(Receipt.customer)
        .alias("visits")
    )


def _keyed_answers(query: ReportQuery) -> pw.Select:
    """The latest answers with the customer's visit group and R, F, M scores (null: no sale)."""
    latest = _latest_answers(query)
    visits = _visits(query)
    scores = scored(query).alias("scores")
    count = visits.c.visits
    group = Case(None, [(count >= 3, "3+"), (count == 2, "2"), (count == 1, "1")], "0")
    return (
        SurveyAnswer.select(
            latest.c.question_id.alias("question_id"),
            latest.c.answer.alias("answer"),
            latest.c.at.alias("at"),
            group.alias("visit_group"),
            scores.c.r.alias("r"),
            scores.c.f.alias("f"),
            scores.c.m.alias("m"),
        )
        .from_(latest)
        .join(visits, JOIN.LEFT_OUTER, on=(visits.c.customer_id == latest.c.customer_id))
        .join(scores, JOIN.LEFT_OUTER, on=(scores.c.customer_id == latest.c.customer_id))
        .alias("keyed")
    )


def _counts(keyed: pw.Select, *, with_answer: bool) -> dict[tuple, int]:
    """Answering customers per (question, split, group[, answer]).

    Grouped outside the derived table (PostgreSQL does not match a parameterised CASE in
    SELECT with the same CASE in GROUP BY); RFM groups by score triple (at most 125),
    named here by ``rfm.segment_for``.
    """
    k = keyed.c
    extra = [k.answer] if with_answer else []
    counts: dict[tuple, int] = {}

    def add(key: tuple, n) -> None:
        counts[key] = counts.get(key, 0) + int(n)

    for question_id, *answer, n in (
        SurveyAnswer.select(k.question_id, *extra, fn.COUNT(pw.SQL("*"))).from_(keyed)
        .group_by(k.question_id, *extra).tuples()
    ):
        add((question_id, "all", "all", *answer), n)
    for question_id, group, *answer, n in (
        SurveyAnswer.select(k.question_id, k.visit_group, *extra, fn.COUNT(pw.SQL("*"))).from_(keyed)
        .group_by(k.question_id, k.visit_group, *extra).tuples()
    ):
        add((question_id, "visits", group, *answer), n)
    for question_id, r, f, m, *answer, n in (
        SurveyAnswer.select(k.question_id, k.r, k.f, k.m, *extra, fn.COUNT(pw.SQL("*"))).from_(keyed)
        .where(k.r.is_null(False))
        .group_by(k.question_id, k.r, k.f, k.m, *extra).tuples()
    ):
        add((question_id, "rfm", segment_for(int(r), int(f), int(m)), *answer), n)
    return counts


def _latest_texts(keyed: pw.Select) -> dict[int, list[tuple[str, int]]]:
    """Per text question, its newest distinct answers with how many customers gave each."""
    k = keyed.c
    per_text = (
        SurveyAnswer.select(
            k.question_id.alias("question_id"), k.answer.alias("answer"),
            fn.COUNT(pw.SQL("*")).alias("answers"), fn.MAX(k.at).alias("last_at"),
        )
        .from_(keyed)
        .join(SurveyQuestion, on=(SurveyQuestion.id == k.question_id))
        .where(SurveyQuestion.kind == "text")
        .group_by(k.question_id, k.answer)
        .alias("per_text")
    )
    t = per_text.c
    newest = fn.ROW_NUMBER().over(partition_by=[t.question_id], order_by=[t.last_at.desc(), t.answer])
    ranked = (
        SurveyAnswer.select(t.question_id, t.answer, t.answers, t.last_at, newest.alias("rank"))
        .from_(per_text)
        .alias("ranked_texts")
    )
    rows = (
        SurveyAnswer.select(ranked.c.question_id, ranked.c.answer, ranked.c.answers)
        .from_(ranked)
        .where(ranked.c.rank <= TEXT_ANSWERS)
        .order_by(ranked.c.question_id, ranked.c.rank)
        .tuples()
    )
    texts: dict[int, list[tuple[str, int]]] = {}
    for question_id, answer, answers in rows:
        texts.setdefault(question_id, []).append((answer, int(answers)))
    return texts


# -- rows ------------------------------------------------------------------------------------


def _groups() -> list[tuple[str, str]]:
    return [("all", "all")] + [("visits", g) for g in VISIT_GROUPS] + [("rfm", s) for s in SEGMENTS]


def _row(question: SurveyQuestion, split: str, group: str, answer: str | None, answers: int, of: int) -> dict:
    return {
        "question_id": question.id,
        "question": question.text,
        "kind": question.kind,
        "split": split,
        "group": group,
        "answer": answer,
        "answers": answers,
        "group_answers": of,
        "share": Share(round(answers / of, 4) if of > 0 else 0.0),
    }


def _choice_rows(question: SurveyQuestion, totals: dict, chosen: dict) -> list[dict]:
    choices = [line.strip() for line in question.choices.splitlines() if line.strip()]
    others = sorted({key[3] for key in chosen if key[0] == question.id and key[3] not in choices})
    rows = []
    for split, group in _groups():
        of = totals.get((question.id, split, group), 0)
        if of == 0 and split != "all":
            continue
        for answer in choices + others:
            rows.append(_row(question, split, group, answer, chosen.get((question.id, split, group, answer), 0), of))
    return rows


def _text_rows(question: SurveyQuestion, texts: list[tuple[str, int]], totals: dict) -> list[dict]:
    of = totals.get((question.id, "all", "all"), 0)
    return [_row(question, "all", "all", answer, answers, of) for answer, answers in texts]
