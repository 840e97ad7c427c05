"""The report charts and the portrait dashboard, mounted in a bare app on real report output.

The shops are the hand-made ones of the report tests (tests/unit/test_report_*.py), so the
figures a chart draws are compared with the report's own and, for the conversion funnel
and the portrait, with values computed by hand here.
"""

from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult
from textual.widget import Widget

from screens.reports.chart_plots import LazyChart, NoData, SeriesChart, chart, one_cell_each, short_label
from screens.reports.portrait_view import Figure, PortraitView
from screens.reports.report_charts import charts_for, dashboard_for, day_labels
from screens.text import Formats
from shoptui.errors import NotFound, ShopError
from shoptui.reports import REPORT_NAMES, load
from shoptui.reports.query import ReportQuery
from tests import builders
from tests.hostile import NAMES, hostile_strings
from tests.screens.helpers import pilot_test, until

FORMATS = Formats(currency="VND", region="VN", locale="en_US")
HOSTILE = hostile_strings(long=False, section=NAMES)


class ChartApp(App):
    """Just the widgets under test, with the database a LazyChart's worker reads."""

    def __init__(self, database, widgets: list[Widget]) -> None:
        super().__init__()
        self.database = database
        self.widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self.widgets


def report(name: str, **kwargs) -> tuple[dict, ReportQuery]:
    query = ReportQuery(**kwargs)
    return load(name).build(query), query


def series_of(app: App, selector: str) -> dict[str, list[int]]:
    chart = app.query_one(selector, SeriesChart)
    return dict(chart.series)


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def loaded(pilot) -> None:
    await until(pilot, lambda: all(lazy.loaded for lazy in pilot.app.query(LazyChart)), what="lazy charts")
    await pilot.pause()


def funnel(*figures: tuple[int, int, int]) -> dict[str, list[int]]:
    return {
        "Visitors": [f[0] for f in figures],
        "Receipts": [f[1] for f in figures],
        "Receipts with a card": [f[2] for f in figures],
    }


# By hand from tests/builders.py conversion_shop, both stores summed, up to 03-10:
# hour 8: B2's 3 pulse visitors; 9: MAIN's 10 counted, An's sale at MAIN and Binh's at B2;
# 10: MAIN's 20 imported, an anonymous and Binh's sale; 11: An's 03-02 sale; 12: B2's 4
# visitors and an anonymous sale; 15: MAIN's 7 visitors on 03-03.
HOURS = {8: (3, 0, 0), 9: (10, 2, 2), 10: (20, 2, 1), 11: (0, 1, 1), 12: (4, 1, 0), 15: (7, 0, 0)}
EXPECTED_HOURS = funnel(*[HOURS.get(hour, (0, 0, 0)) for hour in range(24)])
# Days 03-01 to 03-06, 03-04 had nothing and is drawn as 0.
EXPECTED_DAYS = funnel((34, 4, 2), (0, 1, 1), (7, 0, 0), (0, 0, 0), (3, 0, 0), (0, 1, 1))


@pilot_test
async def test_conversion_by_hour_draws_the_funnel_by_hour_of_day_and_by_day(database):
    builders.conversion_shop()
    data, query = report("conversion", as_of=builders.CONVERSION_AS_OF, options={"by": "hour"})
    app = ChartApp(database, charts_for("conversion", data, query))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        hours = app.query_one("#chart-conversion-hours", SeriesChart)
        assert hours.categories == [str(hour) for hour in range(24)]
        assert dict(hours.series) == EXPECTED_HOURS
        days = app.query_one("#chart-conversion-days", SeriesChart)
        assert days.categories == ["Mar 1", "Mar 2", "Mar 3", "Mar 4", "Mar 5", "Mar 6"]
        assert dict(days.series) == EXPECTED_DAYS
        text = screen_text(app)
        assert "Visitors, receipts and card receipts by hour of day" in text
        assert "Receipts with a card" in text  # the legend


@pilot_test
async def test_conversion_by_day_reads_the_hours_in_a_worker(database):
    builders.conversion_shop()
    data, query = report("conversion", as_of=builders.CONVERSION_AS_OF)
    app = ChartApp(database, charts_for("conversion", data, query))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert series_of(app, "#chart-conversion-hours") == EXPECTED_HOURS
        assert series_of(app, "#chart-conversion-days") == EXPECTED_DAYS


@pilot_test
async def test_conversion_of_one_store_and_a_period(database):
    builders.conversion_shop()
    data, query = report("conversion", as_of=builders.CONVERSION_AS_OF, date_from=dt.date(2025, 3, 2), stores=["MAIN"])
    app = ChartApp(database, charts_for("conversion", data, query))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        # MAIN from 03-02: An's sale at 11 on 03-02 and 7 visitors at 15 on 03-03.
        expected = funnel(*[{11: (0, 1, 1), 15: (7, 0, 0)}.get(hour, (0, 0, 0)) for hour in range(24)])
        assert series_of(app, "#chart-conversion-hours") == expected
        assert series_of(app, "#chart-conversion-days") == funnel((0, 1, 1), (7, 0, 0))


@pilot_test
async def test_conversion_of_one_day_draws_its_day_as_a_bar(database):
    builders.conversion_shop()
    day = dt.date(2025, 3, 1)
    data, query = report("conversion", as_of=builders.CONVERSION_AS_OF, date_from=day, date_to=day)
    app = ChartApp(database, charts_for("conversion", data, query)[1:])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert series_of(app, "#chart-conversion-days") == funnel((34, 4, 2))
        assert "█" in screen_text(app) and "Mar 1" in screen_text(app)


@pilot_test
async def test_rfm_segments_as_bars_with_negative_revenue(database):
    builders.rfm_shop()
    # March alone: one customer's returns outweigh the sales (revenue below 0).
    data, query = report("rfm", as_of=builders.RFM_AS_OF, date_from=dt.date(2025, 3, 1))
    app = ChartApp(database, charts_for("rfm", data, query))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        customers = app.query_one("#chart-rfm-customers", SeriesChart)
        revenue = app.query_one("#chart-rfm-revenue", SeriesChart)
        segments = data["segments"]
        assert customers.categories[0] == "Champions" and customers.categories[-1] == "Lost"
        assert customers.series == [("Customers", [figures["customers"] for figures in segments.values()])]
        assert revenue.series == [("Revenue", [int(figures["revenue"]) for figures in segments.values()])]
        assert min(revenue.series[0][1]) == -70_000
        assert revenue.categories[revenue.series[0][1].index(-70_000)] == "Lost"


@pilot_test
async def test_debt_aging_and_points_moves(database):
    builders.debtors_shop()
    data, query = report("debtors", as_of=builders.DEBTORS_AS_OF)
    app = ChartApp(database, charts_for("debtors", data, query))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        aging = app.query_one("#chart-debtors-aging", SeriesChart)
        assert aging.categories == ["0-30 days", "31-60 days", "61-90 days", "Over 90 days"]
        totals = data["totals"]
        assert aging.series == [
            ("Owed", [totals[key] for key in ("days_0_30", "days_31_60", "days_61_90", "days_over_90")])
        ]
        assert sum(aging.series[0][1]) == totals["owed"] > 0


@pilot_test
async def test_points_earned_redeemed_expired(database):
    builders.points_shop()
    data, query = report("points", as_of=builders.POINTS_AS_OF)
    app = ChartApp(database, charts_for("points", data, query))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        moves = app.query_one("#chart-points-moves", SeriesChart)
        assert moves.categories == ["earned", "redeemed", "expired"]
        period = data["period"]
        assert moves.series == [("Points", [period["earned"], period["redeemed"], period["expired"]])]
        assert period["earned"] > 0 and period["redeemed"] > 0


@pilot_test
async def test_discounts_per_customer_and_per_product_largest_first(database):
    builders.discounts_shop()
    data, query = report("discounts", as_of=builders.DISCOUNTS_AS_OF)
    app = ChartApp(database, charts_for("discounts", data, query))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        # By hand in tests/unit/test_report_discounts.py: An 5,478, Binh 4,333, anonymous 1,500;
        # line discounts rice 2,000 (4,000 less the returned kilo's 2,000) and milk 1,500.
        by_customer = app.query_one("#chart-discounts-customers", SeriesChart)
        assert by_customer.categories == ["An", "Binh", "Anonymous"]
        assert by_customer.series == [("Discount", [5_478, 4_333, 1_500])]
        by_product = app.query_one("#chart-discounts-products", SeriesChart)
        assert by_product.categories == ["Rice", "Milk"]
        assert by_product.series == [("Discount", [2_000, 1_500])]


@pilot_test
async def test_survey_answers_and_their_shares_by_visits(database):
    builders.surveys_shop()
    data, query = report("surveys", as_of=builders.SURVEYS_AS_OF)
    app = ChartApp(database, charts_for("surveys", data, query))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # By hand from tests/builders.py surveys_shop: A (3+ visits) Friends, B (2)
        # Facebook, C (1) Friends, E (1) Radio (not a choice), F (1) Facebook, D (none) Leaflet.
        source = app.query_one("#chart-survey-0", SeriesChart)
        assert source.title == "How did you hear of us?"
        assert source.categories == ["Friends", "Facebook", "Leaflet", "Radio"]
        assert source.series == [("Answers", [2, 2, 1, 1])]
        split = app.query_one("#chart-survey-0-visits", SeriesChart)
        assert split.categories == source.categories
        assert split.series == [
            ("1 visit", [33, 33, 0, 33]),
            ("2 visits", [0, 100, 0, 0]),
            ("3+ visits", [100, 0, 0, 0]),
        ]
        # Happy? A's and C's latest answers up to the as-of day are yes, B's no.
        assert app.query_one("#chart-survey-1", SeriesChart).series == [("Answers", [2, 1])]
        assert app.query_one("#chart-survey-1-visits", SeriesChart).series == [
            ("1 visit", [100, 0]),
            ("2 visits", [0, 100]),
            ("3+ visits", [100, 0]),
        ]
        # Parking? has no answer yet: a quiet line, and no split; the text question no chart.
        assert isinstance(app.query_one("#chart-survey-2"), NoData)
        assert not app.query("#chart-survey-2-visits") and not app.query("#chart-survey-3")


def hostile_survey_data() -> dict:
    """Survey report rows as the report gives them, with users' text at its worst."""
    rows = []
    for n, text in enumerate(HOSTILE[:12] + ["x" * 5000]):
        for answer, count in ((text, 3), ("[b]plain[/b]", 1), (f"{text} #{n}", 0)):
            rows.append(
                {
                    "question_id": n,
                    "question": text,
                    "kind": "choice",
                    "split": "all",
                    "group": "all",
                    "answer": answer,
                    "answers": count,
                    "group_answers": 4,
                    "share": count / 4,
                }
            )
        rows.append(
            {
                "question_id": n,
                "question": text,
                "kind": "choice",
                "split": "visits",
                "group": "1",
                "answer": text,
                "answers": 99,
                "group_answers": 99,
                "share": 1.0,
            }
        )
    rows.append(
        {
            "question_id": 999,
            "question": "free text",
            "kind": "text",
            "split": "all",
            "group": "all",
            "answer": "\x1b[2J",
            "answers": 1,
            "group_answers": 1,
            "share": 1.0,
        }
    )
    return {"rows": rows}


@pilot_test
async def test_survey_answers_with_hostile_text_are_drawn_literally(database):
    widgets = charts_for("surveys", hostile_survey_data(), ReportQuery())
    assert len(widgets) == 6  # choice questions only, at most six charts
    app = ChartApp(database, widgets)
    async with app.run_test(size=(80, 90)) as pilot:
        await pilot.pause()
        charts = list(app.query(SeriesChart))
        assert len(charts) == 6
        # The "all" split only: 3, 1 and 0 customers per answer, never the visits split's 99.
        assert all(chart.series == [("Answers", [3, 1, 0])] for chart in charts)
        for chart in charts:
            assert all(len(label) <= 20 for label in chart.categories)
            assert not any(ch in label for label in chart.categories + [chart.title] for ch in "\x1b\x00\x9b\u202e")
        text = screen_text(app)
        assert "\x1b" not in text
        assert "␛[31mred" in text  # the escape is shown as a picture of itself
        assert "[b]plain[/b]" in text  # markup is text


def test_labels_take_one_cell_per_character():
    assert one_cell_each("Nguye\u0302\u0303n Thi\u0323") == "Nguyễn Thị"  # composed, accents kept
    assert one_cell_each("漢字 ok") == "?? ok"
    # A joiner stored before hidden characters were removed at entry is shown as a stand-in.
    assert one_cell_each("a\u200db\ufe0fc") == "a\ufffdbc"
    assert one_cell_each("\x1b[31mred") == "␛[31mred"
    assert short_label("x" * 50) == "x" * 19 + "…"
    assert short_label("   ") == "-"


@pilot_test
async def test_wide_and_zero_width_labels_keep_the_frame_straight(database):
    labels = ["漢字漢字", "\U0001f469\u200d\U0001f469\u200d\U0001f467 family", "Z\u0324\u0354\u00e4l\u036eo", "plain"]
    widgets = [
        chart("Q 漢字 \U0001f600", labels, [("A", [3, 1, 2, 5])], kind="hbars", id="h"),
        chart("V", labels, [("A", [3, 1, 2, 5])], id="v"),
    ]
    app = ChartApp(database, widgets)
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        framed = [line.rstrip() for line in lines if "┤" in line]
        assert len(framed) == 4 + 4  # a labelled row per bar, a tick row per value step
        assert all(line.endswith("│") for line in framed)
        assert len({len(line) for line in framed if "?" in line or "plain" in line}) == 1
        assert "????" in "\n".join(lines) and "plain" in "\n".join(lines)


@pilot_test
async def test_a_year_of_days_is_drawn_as_a_line_a_month_as_bars(database):
    year = chart("Year", [f"d{n}" for n in range(365)], [("A", [n % 7 for n in range(365)])], id="year")
    month = chart("Month", [f"d{n}" for n in range(30)], [("A", [n % 7 for n in range(30)])], id="month")
    app = ChartApp(database, [year, month])
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        month_row = next(n for n, line in enumerate(lines) if "Month" in line)
        assert "█" not in "".join(lines[:month_row]) and "⡇" in "".join(lines[:month_row])
        assert "█" in "".join(lines[month_row:])


@pilot_test
async def test_survey_report_of_the_database_with_a_hostile_question(database):
    from shoptui.services import customers, surveys

    question = surveys.define_question(
        surveys.QuestionInput(text="[red]Which[/red] {name} \u202e?", choices=("[/]", "Zalo \U0001f600"))
    )
    an = customers.register({"name": "An"}).customer
    binh = customers.register({"name": "Binh"}).customer
    surveys.record_answer(question, an, "[/]")
    surveys.record_answer(question, binh, "[/]")
    data, query = report("surveys")
    app = ChartApp(database, charts_for("surveys", data, query))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chart = app.query_one(".chart-survey", SeriesChart)
        assert chart.categories == ["[/]", "Zalo ?"]  # the emoji is two cells wide
        assert chart.series == [("Answers", [2, 0])]
        assert chart.title.startswith("[red]Which[/red] {name}")
        assert "[red]Which[/red]" in screen_text(app)


@pilot_test
async def test_an_empty_database_gives_quiet_no_data_lines(database):
    widgets: list[Widget] = []
    for name in REPORT_NAMES:
        options = {"product": "NONE"} if name == "buyers" else {}
        try:
            data, query = report(name, options=options)
        except ShopError:  # buyers of a product the shop does not have: the report refuses
            continue
        widgets.extend(charts_for(name, data, query))
    names = [widget.id for widget in widgets]
    assert "lazy-conversion-hours" in names and "chart-rfm-customers" in names and "chart-debtors-aging" in names
    assert all(isinstance(widget, (NoData, LazyChart)) for widget in widgets)
    app = ChartApp(database, widgets)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert not app.query(SeriesChart)
        assert "Visitors, receipts and card receipts by hour of day: no data to draw." in screen_text(app)


@pilot_test
async def test_a_series_that_cannot_be_read_says_why_in_place_of_its_chart(database):
    def broken(query):
        raise NotFound("There is no store GONE.")

    app = ChartApp(database, [LazyChart("By hour", broken, (ReportQuery(),), lambda rows: None, id="lazy")])
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert "By hour: There is no store GONE." in screen_text(app)
        assert not app.query(".chart-loading")


def test_day_labels_carry_the_year_only_across_years():
    assert day_labels([dt.date(2025, 3, 1), dt.date(2025, 3, 2)]) == ["Mar 1", "Mar 2"]
    assert day_labels([dt.date(2024, 12, 31), dt.date(2025, 1, 1)]) == ["Dec 31, 2024", "Jan 1, 2025"]
    assert day_labels([]) == []


def test_reports_without_charts_and_without_a_dashboard():
    for name in ("winback", "birthdays", "buyers"):
        assert charts_for(name, {"rows": []}, ReportQuery()) == []
    for name in REPORT_NAMES:
        if name != "portrait":
            assert dashboard_for(name, {}, FORMATS) is None
    assert charts_for("no-such-report", {}, ReportQuery()) == []


# -- the portrait dashboard ---------------------------------------------------------------


def figures_of(app: App) -> dict[str, str]:
    return {figure.id: figure.value for figure in app.query(Figure)}


@pilot_test
async def test_portrait_dashboard_shows_the_reports_figures(database):
    builders.portrait_shop()
    data, _query = report("portrait", as_of=builders.PORTRAIT_AS_OF)
    dashboard = dashboard_for("portrait", data, FORMATS)
    assert isinstance(dashboard, PortraitView)
    app = ChartApp(database, [dashboard])
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        # The hand-computed figures of tests/unit/test_portrait.py EXPECTED_ALL.
        assert figures_of(app) == {
            "figure-customers": "5",
            "figure-new-today": "1",
            "figure-new-week": "1",
            "figure-new-month": "3",
            "figure-revenue": "₫355,000",
            "figure-receipts": "9",
            "figure-avg-receipt": "₫39,444",
            "figure-vouchers": "0",
        }
        # New customers in the 30 days up to 03-10: Binh on 03-01, Chi on 03-09, Dung on 03-10.
        new = app.query_one("#chart-portrait-new", SeriesChart)
        assert new.categories[0] == "Feb 9" and new.categories[-1] == "Mar 10" and len(new.categories) == 30
        counts = new.series[0][1]
        assert sum(counts) == 3 and counts[20] == counts[28] == counts[29] == 1
        visits = app.query_one("#chart-portrait-visits", SeriesChart)
        assert visits.categories == ["1 visit", "2 visits", "3+ visits"]
        buckets = data["visit_buckets"]
        assert visits.series == [
            ("Share of customers", [round(buckets[key]["customers_share"] * 100) for key in ("1", "2", "3+")]),
            ("Share of revenue", [round(buckets[key]["revenue_share"] * 100) for key in ("1", "2", "3+")]),
        ]
        note = str(app.query_one("#portrait-visit-figures").render())
        assert "1 visit: 2 customers (50%), revenue ₫50,000 (14.7%)" in note
        for key in ("gender", "age_bands", "spend_bands", "channels", "return_intervals"):
            chart = app.query_one(f"#chart-portrait-{key.replace('_', '-')}", SeriesChart)
            assert chart.series[0][1] == list(data[key].values()), key
        assert app.query_one("#chart-portrait-gender", SeriesChart).categories == ["female", "male", "other", "unknown"]
        assert app.query_one("#chart-portrait-channels", SeriesChart).categories == [
            "SMS",
            "Zalo",
            "Facebook",
            "e-mail",
        ]

        def note(key: str) -> str:
            return str(app.query_one(f"#figures-portrait-{key}").render())

        assert note("gender") == "female: 1  male: 1  other: 1  unknown: 2"
        assert note("spend-bands") == "<=0: 1  <100K: 2  100K-500K: 1  500K-1M: 0  1M-5M: 0  5M+: 0"
        # One customer of the five on each channel.
        assert note("channels") == "SMS: 1 (20%)  Zalo: 1 (20%)  Facebook: 1 (20%)  e-mail: 1 (20%)"
        assert note("return-intervals") == "1: 0  2-3: 1  4-7: 1  8-14: 0  15-30: 0  31-60: 1  61-90: 0  91+: 0"
        assert app.query_one("#portrait-charts").has_class("-wide")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.query_one("#portrait-charts").has_class("-wide")
        # Two columns of one-line figures: each caption beside its whole value.
        assert app.query_one("#portrait-figures").has_class("-narrow")
        lines = screen_text(app).splitlines()
        assert any("Revenue" in line and "₫355,000" in line and "Receipts" in line for line in lines)


@pilot_test
async def test_portrait_dashboard_of_an_empty_shop(database):
    data, _query = report("portrait")
    app = ChartApp(database, [dashboard_for("portrait", data, FORMATS)])
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert set(figures_of(app).values()) == {"0", "₫0"}
        assert not app.query(SeriesChart)
        assert len(app.query(NoData)) == 7


# -- snapshots (fixed data, fixed as-of day: plotext draws the same every time) --------------


def test_snapshot_portrait_dashboard(database, snap_compare):
    builders.portrait_shop()
    data, _query = report("portrait", as_of=builders.PORTRAIT_AS_OF)
    app = ChartApp(database, [dashboard_for("portrait", data, FORMATS)])
    assert snap_compare(app, terminal_size=(120, 40), run_before=loaded)


def test_snapshot_portrait_dashboard_80x24(database, snap_compare):
    builders.portrait_shop()
    data, _query = report("portrait", as_of=builders.PORTRAIT_AS_OF)
    app = ChartApp(database, [dashboard_for("portrait", data, FORMATS)])
    assert snap_compare(app, terminal_size=(80, 24), run_before=loaded)


def test_snapshot_conversion_charts(database, snap_compare):
    builders.conversion_shop()
    data, query = report("conversion", as_of=builders.CONVERSION_AS_OF, options={"by": "hour"})
    app = ChartApp(database, charts_for("conversion", data, query))
    assert snap_compare(app, terminal_size=(80, 32), run_before=loaded)
