"""Surveys in the terminal: the second survey when a card is read, the registration survey
after registering, answers on the card's Surveys tab, and the surveys admin screen."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Checkbox, DataTable, Input, OptionList, Static

from screens.admin.question_modal import QuestionModal
from screens.admin.surveys_screen import SurveysScreen
from screens.commands import open_surveys
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.customer.survey_modal import SurveyModal
from screens.directory.directory_screen import DirectoryScreen
from screens.directory.register_modal import RegisterModal
from shoptui.models import SurveyAnswer, SurveyQuestion
from shoptui.services import cards, customers, surveys
from shoptui.services.surveys import QuestionInput

from .helpers import SIZE, app_for, pilot_test, scan, settled, started, until

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def shop(database):
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    cards.issue_card(an, "2000000000015", at=T0)
    source = surveys.define_question(
        QuestionInput(text="How did you hear of us?", kind="choice", choices=("Friends", "Zalo"))
    )
    rating = surveys.define_question(
        QuestionInput(text="Rate us [1-5]", kind="choice", choices=("1", "2", "3", "4", "5"), ask_at_card_read=True)
    )
    wish = surveys.define_question(QuestionInput(text="What should we stock?", kind="text", ask_at_card_read=True))
    return {"an": an, "source": source, "rating": rating, "wish": wish}


def answers_of(customer_id: int) -> dict[str, str]:
    return {a.question.text: a.answer for a in SurveyAnswer.select().where(SurveyAnswer.customer == customer_id)}


def question_shown(app) -> str:
    return str(app.screen.query_one("#survey-question", Static).render())


@pilot_test
async def test_a_card_read_asks_the_unanswered_flagged_questions_and_the_card_shows_the_answers(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await scan(pilot, "2000000000015")
        await until(
            pilot,
            lambda: isinstance(app.screen, SurveyModal) and app.screen.query("#survey-question"),
            what="second survey",
        )
        await until(pilot, lambda: question_shown(app) == "Rate us [1-5]")  # literally, not markup
        await pilot.press("enter")  # nothing chosen yet: Enter alone answers nothing
        await settled(pilot)
        assert answers_of(shop["an"].id) == {} and question_shown(app) == "Rate us [1-5]"
        await pilot.press("down", "down", "down", "up", "enter")  # "2"
        await until(pilot, lambda: "What should we stock?" in question_shown(app))
        await pilot.press(*"green tea", "enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        assert answers_of(shop["an"].id) == {"Rate us [1-5]": "2", "What should we stock?": "green tea"}
        table = app.screen.query_one("#surveys-table", DataTable)
        await until(pilot, lambda: table.row_count == 2, what="answers on the Surveys tab")
        shown = {table.get_row_at(i)[1].plain: table.get_row_at(i)[2].plain for i in range(2)}
        assert shown == {"Rate us [1-5]": "2", "What should we stock?": "green tea"}
        # Answered now: the next read of the card asks nothing.
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="back in the directory")
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        await settled(pilot)  # the survey would come with the card's data
        assert not isinstance(app.screen, SurveyModal)


@pilot_test
async def test_a_skipped_second_survey_is_not_asked_again_at_the_next_scan(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: isinstance(app.screen, SurveyModal) and app.screen.query("#survey-question"))
        await until(pilot, lambda: question_shown(app) == "Rate us [1-5]")
        await pilot.press("escape")  # skip the rating
        await until(pilot, lambda: "What should we stock?" in question_shown(app))
        await pilot.press("f8")  # skip the rest
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        assert answers_of(shop["an"].id) == {}
        await until(pilot, lambda: len(surveys._recently_skipped(shop["an"].id)) == 2, what="skips noted")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="back in the directory")
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        await settled(pilot)  # the survey would come with the card's data
        assert not isinstance(app.screen, SurveyModal)
    assert surveys.questions_due_at_card_read(shop["an"]) == []


@pilot_test
async def test_till_keys_skip_the_survey_and_do_their_action(shop, database):
    from screens.till.sale_modal import SaleModal

    from .till_helpers import type_amount

    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: isinstance(app.screen, SurveyModal) and app.screen.query("#survey-question"))
        await until(pilot, lambda: question_shown(app) == "Rate us [1-5]")
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, SaleModal), what="the sale opened by F5")
        await type_amount(pilot, "50000")
        await pilot.press("enter")
        await settled(pilot)
    assert answers_of(shop["an"].id) == {}
    assert surveys.questions_due_at_card_read(shop["an"]) == []  # skipped, not answered


@pilot_test
async def test_a_digit_moves_to_its_choice(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: isinstance(app.screen, SurveyModal) and app.screen.query("#survey-question"))
        await until(pilot, lambda: question_shown(app) == "Rate us [1-5]")
        await pilot.press("4")
        assert answers_of(shop["an"].id) == {}
        await pilot.press("enter")
        await until(pilot, lambda: "What should we stock?" in question_shown(app))
    assert answers_of(shop["an"].id) == {"Rate us [1-5]": "4"}


@pilot_test
async def test_registration_ends_with_the_registration_survey(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        app.screen.query_one("#name", Input).value = "Lê Thị Hoa"
        app.screen.query_one("#phone", Input).value = "0903 222 333"
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: isinstance(app.screen, SurveyModal) and app.screen.query("#survey-question"),
            what="registration survey",
        )
        await until(pilot, lambda: question_shown(app) == "How did you hear of us?")
        options = app.screen.query_one("#survey-choices", OptionList)
        assert options.option_count == 2
        await pilot.press("2", "enter")
        await until(pilot, lambda: question_shown(app) == "Rate us [1-5]")
        await pilot.press("f8")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        hoa = customers.find_by_phone("0903 222 333")
        assert answers_of(hoa.id) == {"How did you hear of us?": "Zalo"}


@pilot_test
async def test_the_surveys_screen_adds_edits_switches_off_and_orders(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        open_surveys(app)
        await until(pilot, lambda: isinstance(app.screen, SurveysScreen) and app.screen.query("#questions"))
        table = app.screen.query_one("#questions", DataTable)
        await until(pilot, lambda: table.row_count == 3)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, QuestionModal))
        await pilot.press("ctrl+s")  # no text: the error is on the field
        await until(pilot, lambda: app.screen.field("text").error != "")
        app.screen.query_one("#text", Input).value = "Favourite brand?"
        await pilot.press("ctrl+s")  # a choice question without choices
        await until(pilot, lambda: app.screen.field("choices").error != "")
        app.screen.query_one("#choices").text = "Acme\nBolt"
        app.screen.query_one("#ask", Checkbox).value = True
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SurveysScreen) and table.row_count == 4)
        added = SurveyQuestion.get(SurveyQuestion.text == "Favourite brand?")
        assert surveys.choices_of(added) == ["Acme", "Bolt"] and added.ask_at_card_read
        assert table.cursor_row == 3
        await pilot.press("f6")  # switch it off
        await until(pilot, lambda: not SurveyQuestion.get_by_id(added.id).active)
        await pilot.press("ctrl+up")
        await until(pilot, lambda: [q.id for q in surveys.questions()][2] == added.id)
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, QuestionModal))
        app.screen.query_one("#text", Input).value = "Favourite brand, please?"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: SurveyQuestion.get_by_id(added.id).text == "Favourite brand, please?")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SurveysScreen))
