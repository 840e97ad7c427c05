"""Survey questions (registration survey, second survey at card read) and answers."""

from __future__ import annotations

import peewee as pw

from .base import BaseModel
from .customers import Customer, Group
from .receipts import Receipt
from .shop import User

QUESTION_KINDS = ("choice", "text")
TARGETS = ("new", "group")


class SurveyQuestion(BaseModel):
    text = pw.TextField()
    kind = pw.CharField(max_length=8, default="choice")
    choices = pw.TextField(default="")  # one choice per line
    target = pw.CharField(max_length=8, default="new")
    group = pw.ForeignKeyField(Group, null=True, backref="questions")
    group_id: int | None
    ask_at_card_read = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    position = pw.IntegerField(default=0)
    created_at = pw.DateTimeField()


class SurveyAnswer(BaseModel):
    question = pw.ForeignKeyField(SurveyQuestion, backref="answers")
    question_id: int
    customer = pw.ForeignKeyField(Customer, backref="survey_answers")
    customer_id: int
    answer = pw.TextField()
    at = pw.DateTimeField()
    user = pw.ForeignKeyField(User, null=True)
    user_id: int | None
    receipt = pw.ForeignKeyField(Receipt, null=True)
    receipt_id: int | None

    class Meta:
        indexes = ((("question", "customer"), False), (("customer",), False))
