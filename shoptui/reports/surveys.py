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
``all``), every choice (0 when nobody chose it), then any other answer stored for it. A
text question gives, in the ``all`` split only, its latest distinct answers (at most
``TEXT_ANSWERS``, newest first). Active questions appear even without answers, inactive
ones only with answers. ``answers`` counts the customers who gave that answer,
``group_answers`` the customers of the group who answered the question at all, ``share``
the one over the other.
"""

from __future__ import annotations

from collections import defaultdict

import peewee as pw
from peewee import JOIN, Case, fn

from ..i18n import N_
from ..models import Customer, Receipt, SurveyAnswer, SurveyQuestion
from ..models.summaries import CustomerSales
from . import Share
from .query import ReportQuery, all_of, whole_history
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
    latest = _latest_answers(query)
    totals, chosen = _counts(query, latest)
    texts = _latest_texts(latest)
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
    of_customers = (
        SurveyAnswer.customer.in_(Customer.select(Customer.id).where(in_stores)) if in_stores is not None else None
    )
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
    if whole_history(query):
        # The per-customer sums (migration 0005): a customer with no sale has 0, as one
        # with no row has after the LEFT JOIN.
        return CustomerSales.select(
            CustomerSales.customer.alias("customer_id"), CustomerSales.sales.alias("visits")
        ).alias("visits")
    return (
        # Columns of the covering (customer, at, kind, total, store) index only: SQLite
        # counts from the index without reading a receipt row.
        Receipt.select(Receipt.customer.alias("customer_id"), fn.COUNT(pw.SQL("*")).alias("visits"))
        .where(query.receipts() & (Receipt.kind == "sale") & Receipt.customer.is_null(False))
        .group_by(Receipt.customer)
        .alias("visits")
    )


def _scores(query: ReportQuery) -> pw.Select:
    """Each buying customer's R, F, M scores (``rfm.scored``), one row per customer.

    The GROUP BY changes no value: it makes SQLite index the materialised scores for the
    join (without it SQLite joins the window query by scanning it once per answer)."""
    scores = scored(query).alias("scores")
    s = scores.c
    return (
        Receipt.select(
            s.customer_id.alias("customer_id"),
            fn.MIN(s.r).alias("r"),
            fn.MIN(s.f).alias("f"),
            fn.MIN(s.m).alias("m"),
        )
        .from_(scores)
        .group_by(s.customer_id)
        .alias("customer_scores")
    )


def _counts(query: ReportQuery, latest: pw.Select) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """Answering customers per (question, split, group), and per (question, split, group, answer)
    for choice questions, from one GROUP BY over (question, visit group, R, F, M, answer).

    The RFM scores are computed once; the splits are sums of the grouped rows (a few per
    question, group, score triple and choice), and a triple is named by ``rfm.segment_for``.
    Groups are computed in a derived table and grouped outside it: PostgreSQL does not
    match a parameterised CASE in SELECT with the same CASE in GROUP BY.
    """
    visits = _visits(query)
    scores = _scores(query)
    count = visits.c.visits
    group = Case(None, [(count >= 3, "3+"), (count == 2, "2"), (count == 1, "1")], "0")
    # Text answers are counted here only as answers; their texts are read by _latest_texts.
    choice = Case(None, [(SurveyQuestion.kind == "text", None)], latest.c.answer)
    keyed = (
        SurveyAnswer.select(
            latest.c.question_id.alias("question_id"),
            group.alias("visit_group"),
            scores.c.r.alias("r"),
            scores.c.f.alias("f"),
            scores.c.m.alias("m"),
            choice.alias("answer"),
        )
        .from_(latest)
        .join(SurveyQuestion, on=(SurveyQuestion.id == latest.c.question_id))
        .join(visits, JOIN.LEFT_OUTER, on=(visits.c.customer_id == latest.c.customer_id))
        .join(scores, JOIN.LEFT_OUTER, on=(scores.c.customer_id == latest.c.customer_id))
        .alias("keyed")
    )
    k = keyed.c
    grouped = (
        SurveyAnswer.select(k.question_id, k.visit_group, k.r, k.f, k.m, k.answer, fn.COUNT(pw.SQL("*")))
        .from_(keyed)
        .group_by(k.question_id, k.visit_group, k.r, k.f, k.m, k.answer)
        .tuples()
    )
    totals: dict[tuple, int] = defaultdict(int)
    chosen: dict[tuple, int] = defaultdict(int)
    for question_id, visit_group, r, f, m, answer, n in grouped:
        groups = [("all", "all"), ("visits", visit_group)]
        if r is not None:
            groups.append(("rfm", segment_for(int(r), int(f), int(m))))
        for split, name in groups:
            totals[(question_id, split, name)] += int(n)
            if answer is not None:
                chosen[(question_id, split, name, answer)] += int(n)
    return dict(totals), dict(chosen)


def _latest_texts(latest: pw.Select) -> dict[int, list[tuple[str, int]]]:
    """Per text question, its newest distinct answers with how many customers gave each."""
    k = latest.c
    per_text = (
        SurveyAnswer.select(
            k.question_id.alias("question_id"),
            k.answer.alias("answer"),
            fn.COUNT(pw.SQL("*")).alias("answers"),
            fn.MAX(k.at).alias("last_at"),
        )
        .from_(latest)
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
