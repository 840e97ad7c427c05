"""A sale at the till, driven by Pilot: scan → card → F5 → amount → Enter → confirmation;
discount, voucher, points and part credit; the credit limit refused and a manager's PIN."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.till.override_modal import OverrideModal
from screens.till.sale_modal import SaleModal
from shoptui.check import run_checks
from shoptui.models import AuditLog, Customer, Payment, Receipt
from shoptui.services import cards, customers, points, settings, users, vouchers
from shoptui.services.context import Actor

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, pilot_test, scan, settled, until
from .till_helpers import KeyCounter, card_open, done_shown, done_text, open_sale, quote_text, sale_modal, type_amount

CARD = "2000000000015"


@pytest.fixture
def an(database):
    settings.set_value("points_earn_per", "10000")
    settings.set_value("points_value", "1000")
    customer = customers.register(
        {"name": "Nguyễn Văn An", "phone": "0912 345 678", "discount_bp": 500, "credit_limit": 100_000}
    ).customer
    cards.issue_card(customer, CARD)
    points.adjust_points(customer, 50, "welcome gift")
    return Customer.get_by_id(customer.id)


@pilot_test
async def test_scan_to_confirmation_in_four_keys_besides_the_amount(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        keys = KeyCounter(pilot)
        await keys.scan(CARD)
        await card_open(pilot, an.id)
        await keys.press("f5")
        await until(pilot, lambda: isinstance(app.screen, SaleModal))
        await type_amount(pilot, "200000")  # the amount: not counted
        await until(
            pilot,
            lambda: sale_modal(app).last_quote is not None and sale_modal(app).last_quote.subtotal == 200_000,
            what="the quote",
        )
        quote = str(app.screen.query_one("#quote", Static).render()).replace("\xa0", " ")
        assert "₫190,000" in quote and "5%" in quote  # the personal discount, applied and shown
        await keys.press("enter")
        modal = await done_shown(pilot)
        text = done_text(modal)
        receipt = Receipt.get(Receipt.customer == an.id)
        assert receipt.number in text
        assert "Points earned: 19" in text and "Points now: 69" in text and "Debt now: ₫0" in text
        await keys.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen), what="back on the card")
        # scan, F5, Enter to record, Enter to close: the README says 4 (the limit is 6).
        assert keys.count == 4
        await until(
            pilot,
            lambda: "Points: 69" in str(app.screen.query_one("#card-header", Static).render()).replace("\xa0", " "),
        )
    assert receipt.total == 190_000 and receipt.discount == 10_000
    assert [(p.method, p.amount) for p in Payment.select().where(Payment.receipt == receipt)] == [("cash", 190_000)]
    assert run_checks() == []


@pilot_test
async def test_sale_with_voucher_points_and_part_credit(an, database):
    vouchers.create_voucher("TET2024", "amount", 20_000)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, CARD)
        await card_open(pilot, an.id)
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, SaleModal))
        modal = sale_modal(app)
        await type_amount(pilot, "300000")
        modal.query_one("#voucher", Input).value = "TET2024"
        modal.query_one("#points", Input).value = "30"
        modal.query_one("#credit", Input).value = "50000"
        modal.query_one("#card", Input).value = "100000"
        await until(
            pilot,
            lambda: (
                modal.last_quote is not None
                and modal.last_quote.voucher_money == 20_000
                and modal.last_quote.points_money == 30_000
            ),
            what="the quote",
        )
        quote = str(modal.query_one("#quote", Static).render()).replace("\xa0", " ")
        # 300,000 - 5% = 285,000; at most 50 points (the balance); cash is what is left.
        assert "₫285,000" in quote and "Points up to: 50" in quote and "Credit left: ₫100,000" in quote
        assert "Cash: ₫85,000" in quote
        modal.query_one("#amount", Input).focus()
        await pilot.press("enter")
        done = await done_shown(pilot)
        text = done_text(done)
        assert "Points redeemed: 30" in text and "Debt now: ₫50,000" in text
        # 285,000 - 30,000 paid by points earns 25 points; 50 - 30 + 25 = 45.
        assert "Points earned: 25" in text and "Points now: 45" in text
        await pilot.press("escape")
    receipt = Receipt.get(Receipt.customer == an.id)
    payments = {p.method: p.amount for p in Payment.select().where(Payment.receipt == receipt)}
    assert payments == {"points": 30_000, "voucher": 20_000, "credit": 50_000, "card": 100_000, "cash": 85_000}
    assert Customer.get_by_id(an.id).debt_balance == 50_000
    assert run_checks() == []


@pilot_test
async def test_payments_that_do_not_add_up_are_refused(an, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "100000")
        modal.query_one("#cash", Input).value = "10000"
        # The preview says what is wrong rather than a cash figure.
        await until(pilot, lambda: "Not enough cash" in quote_text(modal), what="the preview")
        assert "type ₫95,000" in quote_text(modal) and "Cash:" not in quote_text(modal)
        modal.query_one("#amount", Input).focus()
        await pilot.press("enter")
        # The refusal is on the field it concerns, which takes the focus, not a toast.
        await until(pilot, lambda: "Not enough cash: type ₫95,000" in modal.field("cash").error, what="the refusal")
        assert app.focused is modal.query_one("#cash", Input) and not notes.texts("error")
        assert isinstance(app.screen, SaleModal)
    assert Receipt.select().count() == 0
    assert run_checks() == []


@pilot_test
async def test_credit_over_the_limit_is_refused_then_allowed_by_a_manager(an, database):
    manager = users.add_user("Lan", "manager", "4321", SYSTEM)
    cashier = users.add_user("Minh", "cashier", "1111", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=cashier)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "200000")
        modal.query_one("#credit", Input).value = "150000"
        modal.query_one("#amount", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OverrideModal), what="the manager PIN")
        reason = str(app.screen.query_one("#override-reason", Static).render())
        assert "Over the credit limit" in reason
        # A cashier's own PIN does not allow it.
        await type_amount(pilot, "Minh")
        await pilot.press("tab")
        await type_amount(pilot, "1111")
        await pilot.press("enter")
        await until(pilot, lambda: "may not allow" in app.screen.field("pin").error, what="the cashier refused")
        assert Receipt.select().count() == 0
        await type_amount(pilot, "4321")
        app.screen.query_one("#override-name", Input).value = "Lan"
        app.screen.query_one("#override-pin", Input).focus()
        await pilot.press("enter")
        done = await done_shown(pilot)
        assert "Debt now: ₫150,000" in done_text(done)
        assert "allowed by Lan" in done_text(done)
        await pilot.press("enter")
    receipt = Receipt.get(Receipt.customer == an.id)
    entry = AuditLog.get(AuditLog.action == "receipt.sale")
    assert entry.override_by_id == manager.id and entry.user_id == cashier.id and receipt.cashier_id == cashier.id
    assert run_checks() == []


@pilot_test
async def test_credit_over_the_limit_cancelled_records_nothing(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "200000")
        modal.query_one("#credit", Input).value = "150000"
        modal.query_one("#amount", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OverrideModal))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SaleModal))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
    assert Receipt.select().count() == 0
    assert run_checks() == []


@pilot_test
async def test_the_confirmation_lists_the_payments(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "100000")
        modal.query_one("#card", Input).value = "60000"
        modal.query_one("#amount", Input).focus()
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid by bank card: ₫60,000" in text and "Paid by cash: ₫35,000" in text
        await pilot.press("enter")
    assert run_checks() == []


@pilot_test
async def test_forgot_my_card_attaches_an_anonymous_sale(an, database):
    from screens.directory.directory_screen import DirectoryScreen
    from screens.till.attach_modal import AttachModal

    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press("f5")  # a sale without a card, from the directory
        await until(pilot, lambda: isinstance(app.screen, SaleModal))
        await type_amount(pilot, "120000")
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Points" not in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        receipt = Receipt.get()
        assert receipt.customer_id is None and receipt.total == 120_000
        # The customer comes back with the card: the receipt is attached, the points earned now.
        await scan(pilot, CARD)
        await card_open(pilot, an.id)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, AttachModal))
        modal = app.screen
        modal.query_one("#attach-receipt", Input).value = receipt.number
        await pilot.press("enter")  # shows the receipt first
        await until(pilot, lambda: modal.found is not None, what="the receipt shown")
        await pilot.press("enter")  # then attaches it
        text = done_text(await done_shown(pilot))
        assert "Points earned: 12" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
    assert Receipt.get_by_id(receipt.id).customer_id == an.id
    assert Customer.get_by_id(an.id).points_balance == 62
    assert run_checks() == []


@pilot_test
async def test_a_gift_card_scanned_in_its_field_shows_its_balance_and_pays(an, database):
    vouchers.load_gift_card("9000000000017", 80_000)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "100000")
        modal.query_one("#gift_card", Input).focus()
        await scan(pilot, "9000000000017")
        await until(pilot, lambda: modal.query_one("#gift_card", Input).value == "9000000000017")
        modal.query_one("#gift_amount", Input).value = "80000"
        await until(
            pilot,
            lambda: "Gift card has: ₫80,000" in str(modal.query_one("#quote", Static).render()).replace("\xa0", " "),
            what="the gift card's balance",
        )
        modal.query_one("#amount", Input).focus()
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid by gift card: ₫80,000" in text and "Paid by cash: ₫15,000" in text
        await pilot.press("enter")
    assert vouchers.gift_balance(vouchers.gift_card("9000000000017")) == 0
    assert run_checks() == []


@pilot_test
async def test_line_discounts_typed_in_the_form_reach_the_receipt_and_the_discounts_report(an, database):
    import datetime as dt
    from decimal import Decimal

    from shoptui.models import Product, ReceiptLine
    from shoptui.reports.discounts import discounts
    from shoptui.reports.query import ReportQuery

    Product.create(sku="RICE", barcode="8930001000011", name="Rice", price=20_000)
    Product.create(sku="MILK", name="Milk", price=10_000)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, CARD)
        await card_open(pilot, an.id)
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, SaleModal))
        modal = sale_modal(app)
        lines = modal.query_one("#lines", Input)
        lines.value = "8930001000011 2 -150%"
        # Refused (by the form's reader or the service) where the totals would be.
        await until(
            pilot,
            lambda: "100" in str(modal.query_one("#quote", Static).render()) and modal.last_quote is None,
            what="the refusal",
        )
        # Rice by barcode, 2 at the list price, 10% off the line; milk 3 at 12,000, 1,500 off.
        lines.value = "8930001000011 2 -10%; MILK 3 12000 -1500"
        await until(
            pilot, lambda: modal.last_quote is not None and modal.last_quote.line_discounts == 5_500, what="the quote"
        )
        shown = str(modal.query_one("#sale-lines", Static).render())
        assert "Rice (RICE) 2 × ₫20,000 − ₫4,000 = ₫36,000" in shown
        assert "Milk (MILK) 3 × ₫12,000 − ₫1,500 = ₫34,500" in shown
        quote = str(modal.query_one("#quote", Static).render()).replace("\xa0", " ")
        # 76,000 listed, 5,500 off the lines, then An's 5% of 70,500 (3,525): 66,975.
        assert "Subtotal: ₫76,000" in quote and "Line discounts: ₫5,500" in quote
        assert "Discount 5%: ₫3,525" in quote and "To pay: ₫66,975" in quote
        lines.focus()
        await pilot.press("enter")
        await done_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
    receipt = Receipt.get(Receipt.customer == an.id)
    assert (receipt.subtotal, receipt.discount, receipt.total) == (76_000, 9_025, 66_975)
    stored = [
        (ln.sku, ln.qty, ln.unit_price, ln.line_discount, ln.amount)
        for ln in receipt.lines.order_by(ReceiptLine.position)
    ]
    assert stored == [("RICE", Decimal("2"), 20_000, 4_000, 36_000), ("MILK", Decimal("3"), 12_000, 1_500, 34_500)]
    report = discounts(ReportQuery(as_of=receipt.at.date() + dt.timedelta(days=1)))
    assert (report["list_price"], report["discount"], report["line_discounts"], report["receipt_discounts"]) == (
        76_000,
        9_025,
        5_500,
        3_525,
    )
    assert report["by_product"]["RICE"]["line_discount"] == 4_000
    assert report["by_product"]["MILK"]["line_discount"] == 1_500
    assert run_checks() == []


def test_the_form_reads_a_line_discount_after_the_quantity_or_the_price(database):
    from decimal import Decimal

    from screens.till.sale_modal import read_lines
    from shoptui.errors import ValidationError
    from shoptui.services.sale_quote import LineInput

    assert read_lines("8930001 2 15000 -10%; 8930002 -5.000; 8930003 3 -2,5%", "VND") == [
        LineInput(qty=Decimal("2.000"), unit_price=15_000, sku="8930001", line_discount_bp=1_000),
        LineInput(qty=1, sku="8930002", line_discount=5_000),
        LineInput(qty=Decimal("3.000"), sku="8930003", line_discount_bp=250),
    ]
    assert read_lines("TEA 1 3.50 -0.25", "EUR") == [
        LineInput(qty=Decimal("1.000"), unit_price=350, sku="TEA", line_discount=25)
    ]
    for wrong in ("A 1 2 3", "A -5 -10%", "A -0", "A -0%", "A --5", "A -x"):
        with pytest.raises(ValidationError) as caught:
            read_lines(wrong, "VND")
        assert caught.value.field == "lines", wrong


# -- the till review ---------------------------------------------------------------------


async def anonymous_sale(app, pilot) -> SaleModal:
    app.push_screen(SaleModal(None, app.formats, app.actor))
    await until(pilot, lambda: isinstance(app.screen, SaleModal))
    return app.screen


@pilot_test
async def test_a_receipt_discount_in_percent_is_a_share_not_an_amount(database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await anonymous_sale(app, pilot)
        await type_amount(pilot, "10000")
        modal.query_one("#discount", Input).value = "10%"
        await until(pilot, lambda: modal.last_quote is not None and modal.last_quote.total == 9_000, what="the quote")
        assert "Receipt discount: ₫1,000" in quote_text(modal) and "To pay: ₫9,000" in quote_text(modal)
        # The lines' way of writing it is read the same.
        modal.query_one("#discount", Input).value = "-10%"
        await until(pilot, lambda: modal.last_quote is not None and modal.last_quote.total == 9_000, what="the quote")
        modal.query_one("#discount", Input).value = "x%"
        await until(pilot, lambda: "is not a percentage" in modal.field("discount").error, what="the field's error")
        modal.query_one("#discount", Input).value = "10%"
        modal.query_one("#amount", Input).focus()
        await until(pilot, lambda: modal.last_quote is not None, what="the quote")
        await pilot.press("enter")
        await done_shown(pilot)
        await pilot.press("enter")
    receipt = Receipt.get()
    assert (receipt.subtotal, receipt.discount, receipt.total) == (10_000, 1_000, 9_000)


@pilot_test
async def test_an_amount_that_is_not_what_the_lines_come_to_is_refused_on_the_amount(database):
    from shoptui.models import Product

    Product.create(sku="MI-HAOHAO", barcode="8930000000019", name="Hao Hao", price=4_500)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await anonymous_sale(app, pilot)
        await type_amount(pilot, "100000")
        modal.query_one("#lines", Input).value = "MI-HAOHAO 10"
        await until(
            pilot,
            lambda: "The lines come to ₫45,000, not ₫100,000" in modal.field("amount").error,
            what="the amount's error",
        )
        modal.query_one("#lines", Input).focus()
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, SaleModal) and Receipt.select().count() == 0
        assert app.focused is modal.query_one("#amount", Input)
        assert "₫45,000" in modal.field("amount").error
        modal.query_one("#amount", Input).value = ""
        await until(pilot, lambda: modal.last_quote is not None and modal.last_quote.total == 45_000, what="the quote")
        assert not modal.field("amount").error
        await pilot.press("enter")
        await done_shown(pilot)
        await pilot.press("enter")
    assert Receipt.get().total == 45_000


@pilot_test
async def test_a_scan_goes_where_it_belongs_in_the_sale_form(an, database):
    from shoptui.models import Product

    Product.create(sku="MI-HAOHAO", barcode="8930000000019", name="Hao Hao", price=4_500)
    vouchers.create_voucher("TET2024", "amount", 5_000)
    vouchers.load_gift_card("9000000000017", 80_000)
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        lines, voucher = modal.query_one("#lines", Input), modal.query_one("#voucher", Input)
        lines.focus()
        await scan(pilot, "8930000000019")
        await until(pilot, lambda: lines.value == "8930000000019", what="a line")
        await scan(pilot, "8930000000019")
        await until(pilot, lambda: lines.value == "8930000000019; 8930000000019", what="a second line")
        assert voucher.value == ""
        voucher.focus()
        await scan(pilot, "TET2024")
        await until(pilot, lambda: voucher.value == "TET2024", what="the voucher")
        # Elsewhere in the form, the scan is looked up.
        voucher.value = ""
        modal.query_one("#card", Input).focus()
        await scan(pilot, "8930000000019")
        await until(pilot, lambda: lines.value.count("8930000000019") == 3, what="a line from elsewhere")
        await scan(pilot, "TET2024")
        await until(pilot, lambda: voucher.value == "TET2024", what="the voucher from elsewhere")
        await scan(pilot, "9000000000017")
        await until(pilot, lambda: modal.query_one("#gift_card", Input).value == "9000000000017", what="the gift card")
        await scan(pilot, "7777777777777")
        await until(pilot, lambda: notes.texts("error"), what="the unknown scan")
        assert "7777777777777 is not a product, voucher, gift card or customer card" in notes.texts("error")[0]
        await until(pilot, lambda: modal.last_quote is not None and modal.last_quote.subtotal == 13_500, what="3 lines")
        assert modal.last_quote.voucher_money == 5_000


@pilot_test
async def test_a_refused_sale_keeps_the_focus_on_the_field_it_concerns(an, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "100000")
        points_field = modal.query_one("#points", Input)
        # Far more points than anyone has: the preview says so and shows no negative cash.
        points_field.value = "49999999"
        await until(pilot, lambda: "At most 50 points" in quote_text(modal), what="the preview")
        assert "Cash:" not in quote_text(modal) and "−" not in quote_text(modal)
        points_field.value = "60"  # worth less than the receipt, more than An has
        points_field.focus()
        await pilot.press("enter")
        await until(pilot, lambda: "has only 50 points" in modal.field("points").error, what="the refusal")
        assert app.focused is points_field and not notes.texts("error")
        # Typing goes on in the refused field.
        await type_amount(pilot, "3")
        assert points_field.value.endswith("3") and app.focused is points_field
    assert Receipt.select().count() == 0


@pilot_test
async def test_the_shops_default_credit_limit_holds_a_customer_without_one(database):
    settings.set_value("credit_limit_default", "300000")
    binh = customers.register({"name": "Bình", "phone": "0987 654 321"}).customer
    assert binh.credit_limit is None
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, binh.id)
        await until(
            pilot,
            lambda: (
                "credit left: ₫300,000" in str(modal.query_one("#sale-customer", Static).render()).replace("\xa0", " ")
            ),
            what="the credit left by the shop's limit",
        )
        await type_amount(pilot, "500000")
        modal.query_one("#credit", Input).value = "400000"
        await until(pilot, lambda: "Credit left: ₫300,000" in quote_text(modal), what="the quote")
        modal.query_one("#amount", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OverrideModal), what="the manager PIN")
        assert "at most ₫300,000 more" in str(app.screen.query_one("#override-reason", Static).render()).replace(
            "\xa0", " "
        )
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SaleModal))
        assert app.focused is modal.query_one("#credit", Input)
    assert Receipt.select().count() == 0


@pilot_test
async def test_a_card_scanned_during_a_sale_without_a_customer_gives_it_its_customer(an, database):
    # Issue 12, defect 6: the loyalty card was refused as "not a product, voucher or gift
    # card" and the cashier had to cancel the sale and start again.
    from shoptui.models import SurveyQuestion

    SurveyQuestion.create(
        text="How did you hear of us?",
        choices="friends\nads",
        ask_at_card_read=True,
        position=1,
        active=True,
        created_at=an.registered_at,
    )
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.query_one("#customers") is not None)
        await pilot.press("f5")  # a sale without a card, from the directory
        await until(pilot, lambda: isinstance(app.screen, SaleModal))
        modal = app.screen
        assert not modal.field("points").display
        await type_amount(pilot, "100000")
        await scan(pilot, CARD)
        await until(
            pilot, lambda: modal.customer_id == an.id and modal.header is not None, what="the customer attached"
        )
        assert modal.field("points").display and modal.field("credit").display
        assert "Nguyễn Văn An" in str(modal.query_one("#sale-customer", Static).render())
        # The customer's discount (5%) is quoted at once.
        await until(
            pilot, lambda: modal.last_quote is not None and modal.last_quote.total == 95_000, what="the discount"
        )
        assert modal.query_one("#amount", Input).value == "100000"
        await pilot.press("enter")
        await done_shown(pilot)
        await pilot.press("enter")
        # The second survey comes after the sale, not in the middle of it.
        from screens.customer.survey_modal import SurveyModal

        await until(pilot, lambda: isinstance(app.screen, SurveyModal), what="the survey after the sale")
    receipt = Receipt.get()
    assert (receipt.customer_id, receipt.total, receipt.points_earned) == (an.id, 95_000, 9)
    assert run_checks() == []


@pilot_test
async def test_the_card_scanned_after_the_goods_into_lines_attaches_the_customer(an, database):
    # Found by a new user: goods first, then the card, with the focus still in Lines: the
    # card was taken for a product ("There is no product …").
    from shoptui.models import Product

    Product.create(sku="MI-HAOHAO", barcode="8930000000019", name="Hao Hao", price=4_500)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await anonymous_sale(app, pilot)
        await until(pilot, lambda: modal.query("#lines"), what="the form")
        lines = modal.query_one("#lines", Input)
        lines.focus()
        await scan(pilot, "8930000000019")
        await until(pilot, lambda: lines.value == "8930000000019", what="the product")
        await scan(pilot, CARD)
        await until(
            pilot, lambda: modal.customer_id == an.id and modal.header is not None, what="the customer attached"
        )
        assert lines.value == "8930000000019"
