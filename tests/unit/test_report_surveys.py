"""The surveys report on hand-made answers: counts and shares per question, by visit
group and by RFM segment; latest answer per customer; the as-of cut and the period."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter

import pytest

from shoptui.cli import main
from shoptui.models import SurveyAnswer
from shoptui.reports import Share
from shoptui.reports import surveys as surveys_module
from shoptui.reports.query import ReportQuery
from shoptui.reports.rfm import segment_of
from shoptui.reports.surveys import COLUMNS, surveys
from tests.builders import SURVEYS_AS_OF as AS_OF
from tests.builders import surveys_question as question
from tests.builders import surveys_shop as build_shop


def run(**kwargs) -> list[dict]:
    kwargs.setdefault("as_of", AS_OF)
    return surveys(ReportQuery(**kwargs))["rows"]


def table(rows: list[dict], question_id: int, split: str) -> dict[tuple[str, str], tuple[int, int, float]]:
    """(group, answer) -> (answers, group_answers, share) of one question and split."""
    return {
        (r["group"], r["answer"]): (r["answers"], r["group_answers"], r["share"])
        for r in rows
        if r["question_id"] == question_id and r["split"] == split
    }


def test_answers_per_question_and_by_visits(database):
    shop = build_shop()
    rows = run()
    source = shop["source"].id
    assert table(rows, source, "all") == {
        ("all", "Friends"): (2, 6, 0.3333),
        ("all", "Facebook"): (2, 6, 0.3333),
        ("all", "Leaflet"): (1, 6, 0.1667),
        ("all", "Radio"): (1, 6, 0.1667),
    }
    assert table(rows, source, "visits") == {
        # C, E, F bought once; B twice; A three times; D never
        ("1", "Friends"): (1, 3, 0.3333),
        ("1", "Facebook"): (1, 3, 0.3333),
        ("1", "Leaflet"): (0, 3, 0.0),
        ("1", "Radio"): (1, 3, 0.3333),
        ("2", "Friends"): (0, 1, 0.0),
        ("2", "Facebook"): (1, 1, 1.0),
        ("2", "Leaflet"): (0, 1, 0.0),
        ("2", "Radio"): (0, 1, 0.0),
        ("3+", "Friends"): (1, 1, 1.0),
        ("3+", "Facebook"): (0, 1, 0.0),
        ("3+", "Leaflet"): (0, 1, 0.0),
        ("3+", "Radio"): (0, 1, 0.0),
        ("0", "Friends"): (0, 1, 0.0),
        ("0", "Facebook"): (0, 1, 0.0),
        ("0", "Leaflet"): (1, 1, 1.0),
        ("0", "Radio"): (0, 1, 0.0),
    }
    happy = shop["happy"].id
    assert table(rows, happy, "all") == {("all", "yes"): (2, 3, 0.6667), ("all", "no"): (1, 3, 0.3333)}
    assert table(rows, happy, "visits") == {  # nobody who never bought answered: no group 0
        ("1", "yes"): (1, 1, 1.0),
        ("1", "no"): (0, 1, 0.0),
        ("2", "yes"): (0, 1, 0.0),
        ("2", "no"): (1, 1, 1.0),
        ("3+", "yes"): (1, 1, 1.0),
        ("3+", "no"): (0, 1, 0.0),
    }
    assert isinstance(rows[0]["share"], Share)
    assert rows[0] == {
        "question_id": source,
        "question": "How did you hear of us?",
        "kind": "choice",
        "split": "all",
        "group": "all",
        "answer": "Friends",
        "answers": 2,
        "group_answers": 6,
        "share": 0.3333,
    }


def test_text_answers_newest_first_and_capped(database, monkeypatch):
    shop = build_shop()
    wish = shop["wish"].id
    texts = [(r["answer"], r["answers"], r["group_answers"], r["split"]) for r in run() if r["question_id"] == wish]
    assert texts == [("fresh fish", 1, 3, "all"), ("organic rice", 2, 3, "all")]
    monkeypatch.setattr(surveys_module, "TEXT_ANSWERS", 1)
    assert [r["answer"] for r in run() if r["question_id"] == wish] == ["fresh fish"]


def test_which_questions_and_their_order(database):
    shop = build_shop()
    rows = run()
    assert list(dict.fromkeys(r["question"] for r in rows)) == [
        "How did you hear of us?",
        "Happy?",
        "What should we sell?",
        "Parking?",
    ]
    assert [
        (r["group"], r["answer"], r["answers"], r["share"]) for r in rows if r["question_id"] == shop["new"].id
    ] == [
        ("all", "car", 0, 0.0),
        ("all", "bike", 0, 0.0),
    ]


def test_rfm_split_follows_each_customers_segment(database):
    shop = build_shop()
    query = ReportQuery(as_of=AS_OF)
    expected = Counter()
    for row in SurveyAnswer.select().where(
        (SurveyAnswer.question == shop["source"]) & (SurveyAnswer.at < dt.datetime(2025, 3, 11))
    ):
        scored = segment_of(row.customer_id, query)
        if scored is not None:  # D never bought: no segment
            expected[(scored.segment, row.answer)] += 1
    got = {key: value[0] for key, value in table(run(), shop["source"].id, "rfm").items() if value[0]}
    assert got == dict(expected) and sum(got.values()) == 5
    groups = Counter()
    for (segment, _answer), n in expected.items():
        groups[segment] += n
    for (segment, _answer), (_n, of, _share) in table(run(), shop["source"].id, "rfm").items():
        assert of == groups[segment]


def test_period_as_of_and_stores(database):
    shop = build_shop()
    march = run(date_from=dt.date(2025, 3, 2))
    # Answers from 03-02: E's Radio (E bought once since); A's latest "yes" (A bought once since).
    assert table(march, shop["source"].id, "all")[("all", "Radio")] == (1, 1, 1.0)
    assert table(march, shop["source"].id, "visits")[("1", "Radio")] == (1, 1, 1.0)
    assert table(march, shop["happy"].id, "all") == {("all", "yes"): (1, 1, 1.0), ("all", "no"): (0, 1, 0.0)}
    assert [r["answer"] for r in march if r["question_id"] == shop["wish"].id] == ["fresh fish", "organic rice"]
    later = run(as_of=dt.date(2025, 3, 11))
    assert table(later, shop["source"].id, "all")[("all", "Friends")] == (3, 7, 0.4286)  # G's answer now counts
    assert table(later, shop["happy"].id, "all")[("all", "no")] == (2, 3, 0.6667)  # C's change of mind too
    b2 = run(stores=["B2"])
    assert table(b2, shop["source"].id, "all")[("all", "Facebook")] == (1, 1, 1.0)
    assert table(b2, shop["source"].id, "visits")[("1", "Facebook")] == (1, 1, 1.0)


def test_no_data(database):
    assert run() == []
    question("Source?", choices="a\nb")
    assert [(r["answer"], r["answers"], r["group_answers"]) for r in run()] == [("a", 0, 0), ("b", 0, 0)]


@pytest.mark.postgres
def test_the_same_answers_on_postgresql(pg_database):
    shop = build_shop()
    rows = run()
    assert table(rows, shop["source"].id, "all")[("all", "Friends")] == (2, 6, 0.3333)
    assert table(rows, shop["source"].id, "visits")[("1", "Radio")] == (1, 3, 0.3333)
    assert table(rows, shop["happy"].id, "all") == {("all", "yes"): (2, 3, 0.6667), ("all", "no"): (1, 3, 0.3333)}
    assert [r["answer"] for r in rows if r["question_id"] == shop["wish"].id] == ["fresh fish", "organic rice"]
    assert sum(r["answers"] for r in rows if r["question_id"] == shop["source"].id and r["split"] == "rfm") == 5


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def shop(database, db_path):
    build_shop()
    database.close()
    return db_path


def test_cli_json_and_csv(shop, capsys):
    base = ["--db", str(shop), "report", "surveys", "--as-of", "2025-03-10"]
    assert main(base + ["--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"][0] == {
        "question_id": 1,
        "question": "How did you hear of us?",
        "kind": "choice",
        "split": "all",
        "group": "all",
        "answer": "Friends",
        "answers": 2,
        "group_answers": 6,
        "share": 0.3333,
    }
    assert main(base + ["--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == list(COLUMNS)
    assert ["2", "Happy?", "choice", "visits", "3+", "yes", "1", "1", "1.0"] in rows
    assert main(["--db", str(shop), "report", "surveys", "--as-of", "2024-01-01", "--format", "csv"]) == 0
    empty = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    # Active questions are listed with zeros; the header row is always there.
    assert empty[0] == list(COLUMNS) and all(row[6] == "0" for row in empty[1:])
