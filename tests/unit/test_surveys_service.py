"""Survey questions and answers: definitions, the registration survey, the second survey at card read."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.errors import NotFound, PermissionDenied, ValidationError
from shoptui.models import AuditLog, SurveyAnswer, User
from shoptui.services import customers, surveys
from shoptui.services.context import Actor
from shoptui.services.surveys import QuestionInput
from tests.actors import SYSTEM

T0 = dt.datetime(2024, 5, 1, 10, 0)


def choice(text="How did you find us?", **kw):
    return QuestionInput(text=text, kind="choice", choices=("Friends", "Facebook"), **kw)


def test_define_keeps_order_choices_and_audits(database):
    first = surveys.define_question(choice())
    second = surveys.define_question(QuestionInput(text="What should we stock?", kind="text", choices=("ignored",)))
    assert [q.id for q in surveys.questions()] == [first.id, second.id]
    assert surveys.choices_of(first) == ["Friends", "Facebook"]
    assert second.choices == ""
    assert AuditLog.select().where(AuditLog.action == "survey.define").count() == 2
    surveys.move_question(second, -1)
    assert [q.id for q in surveys.questions()] == [second.id, first.id]


@pytest.mark.parametrize(
    "values, field",
    [
        (QuestionInput(text="  "), "text"),
        (QuestionInput(text="Q", kind="choice", choices=("only one",)), "choices"),
        (QuestionInput(text="Q", kind="scale"), "kind"),
        (QuestionInput(text="Q", kind="text", target="group", group=""), "group"),
        (QuestionInput(text="Q", kind="text", target="group", group="Nobody"), "group"),
    ],
)
def test_bad_questions_name_the_field(database, values, field):
    with pytest.raises(ValidationError) as err:
        surveys.define_question(values)
    assert err.value.field == field


def test_definitions_need_a_manager_answers_a_cashier(database):
    cashier = Actor(User.create(name="Lan", role="cashier", pin_hash="x", pin_salt="y", created_at=T0))
    with pytest.raises(PermissionDenied):
        surveys.define_question(choice(), cashier)
    question = surveys.define_question(choice(), actor=SYSTEM)
    customer = customers.register({"name": "An", "phone": "0912345678"}, actor=SYSTEM).customer
    answer = surveys.record_answer(question, customer, "Facebook", cashier)
    assert answer.user_id == cashier.user.id


def test_registration_questions_are_active_new_ones(database):
    customers.add_to_group(customers.register({"name": "V", "phone": "0912345670"}).customer, "VIP")
    new = surveys.define_question(choice())
    surveys.define_question(QuestionInput(text="VIP only", kind="text", target="group", group="VIP"))
    gone = surveys.define_question(choice("Old question"))
    surveys.set_active(gone, False)
    assert [q.id for q in surveys.registration_questions()] == [new.id]


def test_second_survey_asks_flagged_unanswered_targeted_questions(database):
    an = customers.register({"name": "An", "phone": "0912345678"}).customer
    binh = customers.register({"name": "Bình", "phone": "0912345679"}).customer
    customers.add_to_group(binh, "VIP")
    everyone = surveys.define_question(choice(ask_at_card_read=True))
    vip = surveys.define_question(
        QuestionInput(text="Wishes?", kind="text", target="group", group="VIP", ask_at_card_read=True)
    )
    surveys.define_question(choice("Not flagged"))
    assert [q.id for q in surveys.questions_due_at_card_read(an)] == [everyone.id]
    assert [q.id for q in surveys.questions_due_at_card_read(binh)] == [everyone.id, vip.id]
    surveys.record_answer(everyone, binh, "Friends", at=T0)
    assert [q.id for q in surveys.questions_due_at_card_read(binh.id)] == [vip.id]
    surveys.set_active(vip, False)
    assert surveys.questions_due_at_card_read(binh) == []
    customers.archive(an)
    assert surveys.questions_due_at_card_read(an) == []


def test_answers_are_checked_and_kept_literally(database):
    question = surveys.define_question(choice())
    text_q = surveys.define_question(QuestionInput(text="Anything else?", kind="text"))
    customer = customers.register({"name": "An", "phone": "0912345678"}).customer
    with pytest.raises(ValidationError):
        surveys.record_answer(question, customer, "Radio")
    with pytest.raises(ValidationError):
        surveys.record_answer(text_q, customer, "   ")
    with pytest.raises(NotFound):
        surveys.record_answer(text_q, 99999, "x")
    surveys.record_answer(text_q, customer, "[bold]x[/] \x1b[31m", at=T0)
    row = SurveyAnswer.get(SurveyAnswer.question == text_q)
    assert row.answer == "[bold]x[/] [31m" and row.at == T0


def test_update_keeps_answers(database):
    question = surveys.define_question(choice())
    customer = customers.register({"name": "An", "phone": "0912345678"}).customer
    surveys.record_answer(question, customer, "Friends")
    surveys.update_question(
        question,
        QuestionInput(
            text="Where did you hear of us?", kind="choice", choices=("Friends", "Zalo"), ask_at_card_read=True
        ),
    )
    fresh = surveys.questions()[0]
    assert fresh.text == "Where did you hear of us?" and fresh.ask_at_card_read
    assert SurveyAnswer.select().where(SurveyAnswer.question == question).count() == 1


def test_a_skipped_second_survey_question_rests_for_a_while_then_is_asked_again(database):
    from shoptui import clock

    an = customers.register({"name": "An", "phone": "0912345678"}).customer
    binh = customers.register({"name": "Bình", "phone": "0912345679"}).customer
    rating = surveys.define_question(choice(ask_at_card_read=True))
    wish = surveys.define_question(QuestionInput(text="Wishes?", kind="text", ask_at_card_read=True))
    assert surveys.record_skips([rating.id], an) == 1
    assert [q.id for q in surveys.questions_due_at_card_read(an)] == [wish.id]
    assert [q.id for q in surveys.questions_due_at_card_read(binh)] == [rating.id, wish.id]  # only An skipped
    assert SurveyAnswer.select().count() == 0  # a skip is no answer
    long_ago = clock.now() - dt.timedelta(days=surveys.SKIP_QUIET_DAYS + 1)
    surveys.record_skips([wish.id], binh, at=long_ago)
    assert [q.id for q in surveys.questions_due_at_card_read(binh)] == [rating.id, wish.id]
    entry = AuditLog.get(AuditLog.action == "survey.skip", AuditLog.entity_id == str(an.id))
    assert entry.after == {"question": rating.id}
