"""The shops the report tests build, one per report, with the small helpers they use: each
report's test module imports its own, and other modules (series, charts) reuse them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shoptui.models import (
    Product,
    ReceiptLine,
    SurveyAnswer,
    SurveyQuestion,
)
from shoptui.services import (
    cards,
    checkout,
    customers,
    debts,
    points,
    sale_return,
    settings,
    stores,
    visits,
)
from shoptui.services import points as points_service
from shoptui.services.context import Actor
from shoptui.services.sale_quote import LineInput, SaleInput
from shoptui.services.stores import add_store, get_store
from tests.actors import SYSTEM


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# -- portrait -------------------------------------------------------------------

PORTRAIT_AS_OF = dt.date(2025, 3, 10)  # a Monday


def portrait_register(name: str, registered: str, **values):
    return customers.register({"name": name, **values}, registered_at=at(registered)).customer


def portrait_sell(customer, amount: int, when: str, **extra):
    return checkout.record_sale(SaleInput(customer=customer, amount=amount, at=at(when), **extra)).receipt


def portrait_shop() -> None:
    """Six customers, nine sale receipts up to the as-of day, two returns (see the tests)."""
    a = portrait_register(
        "An",
        "2025-01-15 09:00",
        gender="female",
        birthday="1990-03-10",
        phone="0912345678",
        consent_sms=True,
        consent_zalo=True,
    )
    b = portrait_register("Binh", "2025-03-01 09:00", gender="male", birthday="2000-03-11", phone="0912345679")
    c = portrait_register("Chi", "2025-03-09 23:59", consent_sms=True, consent_email=True)  # no phone: no SMS
    portrait_register("Dung", "2025-03-10 08:00", gender="other", birthday="2010-01-01", consent_facebook=True)
    e = portrait_register("Em", "2025-03-11 00:00", gender="female")  # after the as-of day
    f = portrait_register("Phuong", "2024-12-31 18:00", birthday="1950-06-01")

    portrait_sell(a, 100_000, "2025-03-01 10:00")
    portrait_sell(a, 50_000, "2025-03-01 15:00")  # same day: a second visit, not a second date
    portrait_sell(a, 20_000, "2025-03-03 11:00")
    portrait_sell(a, 30_000, "2025-03-10 23:59")  # the last minute of the as-of day counts
    portrait_sell(a, 99_999, "2025-03-11 00:00")  # the first instant after it does not
    portrait_sell(e, 5_000, "2025-03-11 09:00")
    portrait_sell(b, 40_000, "2025-02-01 12:00")
    b_sale = portrait_sell(b, 60_000, "2025-03-05 12:00")
    sale_return.record_return(b_sale, amount=10_000, at=at("2025-03-06 10:00"))
    portrait_sell(c, 0, "2025-03-08 12:00")  # a receipt of total 0 is a receipt
    f_sale = portrait_sell(f, 80_000, "2024-12-20 12:00")
    sale_return.record_return(f_sale, amount=30_000, at=at("2025-03-02 10:00"))
    portrait_sell(None, 15_000, "2025-03-04 12:00")  # anonymous


# -- report_discounts -----------------------------------------------------------

DISCOUNTS_AS_OF = dt.date(2025, 3, 10)


def discounts_sell(number: str, customer, when: str, store=None, **extra):
    sale = SaleInput(customer=customer, at=at(when), number=number, **extra)
    return checkout.record_sale(sale, Actor(store=store) if store else None).receipt


def discounts_shop() -> None:
    Product.create(sku="RICE", name="Rice", price=20_000)
    Product.create(sku="MILK", name="Milk", price=10_000)
    b2 = add_store("B2", "Second store")
    registered = at("2025-01-01 09:00")
    a = customers.register({"name": "An", "discount_bp": 1000}, registered_at=registered).customer  # 10 % off
    b = customers.register({"name": "Binh"}, registered_at=registered).customer

    # S1: rice 2 × 20,000 − 4,000 on the line, milk 10,000: 46,000; A's 10 % (4,600) and
    # 400 more off the receipt: total 41,000 of 50,000; discount 9,000 (4,000 on lines).
    s1 = discounts_sell(
        "S1",
        a,
        "2025-03-01 10:00",
        extra_discount=400,
        lines=[LineInput(qty=Decimal(2), sku="RICE", line_discount=4_000), LineInput(qty=Decimal(1), sku="MILK")],
    )
    # S2: typed amount 30,000 with 3,000 off: all of it a receipt discount.
    s2 = discounts_sell("S2", b, "2025-03-02 10:00", amount=30_000, extra_discount=3_000)
    # S3 (anonymous): milk 3 × 10,000 − 1,500 on the line.
    discounts_sell("S3", None, "2025-03-03 10:00", lines=[LineInput(qty=Decimal(3), sku="MILK", line_discount=1_500)])
    # S4: no discount at all.
    discounts_sell("S4", b, "2025-03-04 10:00", amount=10_000)
    # R1: one kilo of S1's rice back: the line refunds 18,000 (its 2,000 line discount goes
    # back with it); the receipt 41,000 × 18,000 / 46,000 = 16,043 of a 50,000 × 16,043 /
    # 41,000 = 19,565 list price: a discount of 3,522 given back.
    rice_line = ReceiptLine.get((ReceiptLine.receipt == s1) & (ReceiptLine.sku == "RICE"))
    sale_return.record_return(s1, lines=[(rice_line.id, Decimal(1))], at=at("2025-03-05 10:00"), number="R1")
    # R2: 6,000 of S2 back by amount: list price 30,000 × 6,000 / 27,000 = 6,667, discount 667.
    sale_return.record_return(s2, amount=6_000, at=at("2025-03-05 11:00"), number="R2")
    # After the as-of day.
    discounts_sell("S5", a, "2025-03-11 10:00", amount=100_000)
    # S6 in the second store: 20,000 with 2,000 off.
    discounts_sell("S6", b, "2025-03-06 10:00", store=b2, amount=20_000, extra_discount=2_000)


# -- report_debtors -------------------------------------------------------------

DEBTORS_AS_OF = dt.date(2025, 4, 30)


def debtors_register(name: str, **values):
    return customers.register({"name": name, **values}, registered_at=at("2024-12-01 09:00")).customer


def debtors_on_credit(customer, amount: int, when: str):
    return checkout.record_sale(SaleInput(customer=customer, amount=amount, credit=amount, at=at(when))).receipt


def debtors_pay(customer, amount: int, when: str) -> None:
    debts.take_payment(customer, amount, at=at(when))


def debtors_shop() -> dict:
    """As of 2025-04-30:

    A (limit 1000000): credit 100000 on 01-10, 200000 on 02-20, 150000 on 03-20, 50000 on
      04-20; paid 120000 on 03-01 and 100000 on 04-25. FIFO: the 220000 paid covers 01-10 and
      120000 of 02-20, leaving 80000 (69 days old), 150000 (41) and 50000 (10): owes 280000.
    B (no limit): 80000 on 01-29 (91 days), 40000 on 01-30 (90), 20000 on 03-30 (31),
      10000 on 03-31 (30): each on the edge of its bucket; owes 150000.
    C: 50000 on 03-01, paid in full on 03-15.
    D (limit 20000): 20000 of a 30000 sale on 04-30 23:59 (counts), paid on 05-01 (after the as-of day).
    E: an opening balance of −20000 (the shop owes E), registered at B2.
    """
    people = {
        "A": debtors_register("A", credit_limit=1_000_000, phone="0912345601"),
        "B": debtors_register("B"),
        "C": debtors_register("C"),
        "D": debtors_register("D", credit_limit=20_000),
        "E": customers.register(
            {"name": "E", "store": stores.add_store("B2", "Branch")}, registered_at=at("2024-12-01 09:00")
        ).customer,
    }
    a, b, c, d, e = (people[name] for name in "ABCDE")
    debtors_on_credit(a, 100_000, "2025-01-10 10:00")
    debtors_on_credit(a, 200_000, "2025-02-20 10:00")
    debtors_pay(a, 120_000, "2025-03-01 10:00")
    debtors_on_credit(a, 150_000, "2025-03-20 10:00")
    debtors_on_credit(a, 50_000, "2025-04-20 10:00")
    debtors_pay(a, 100_000, "2025-04-25 10:00")
    debtors_on_credit(b, 80_000, "2025-01-29 10:00")
    debtors_on_credit(b, 40_000, "2025-01-30 10:00")
    debtors_on_credit(b, 20_000, "2025-03-30 10:00")
    debtors_on_credit(b, 10_000, "2025-03-31 10:00")
    debtors_on_credit(c, 50_000, "2025-03-01 10:00")
    debtors_pay(c, 50_000, "2025-03-15 10:00")
    checkout.record_sale(SaleInput(customer=d, amount=30_000, credit=20_000, cash=10_000, at=at("2025-04-30 23:59")))
    debtors_pay(d, 20_000, "2025-05-01 08:00")
    debts.set_opening_balance(e, -20_000, at=at("2025-01-01 09:00"))
    return people


# -- report_buyers --------------------------------------------------------------

BUYERS_AS_OF = dt.date(2025, 3, 10)


def buyers_sell(customer, when: str, *lines: LineInput, store=None):
    actor = Actor(store=store) if store is not None else None
    return checkout.record_sale(SaleInput(customer=customer, lines=list(lines), at=at(when)), actor).receipt


def buyers_rice(qty, **extra) -> LineInput:
    return LineInput(qty=Decimal(str(qty)), sku="RICE", **extra)


def buyers_give_back(sale, qty, when: str):
    line = ReceiptLine.get((ReceiptLine.receipt == sale) & (ReceiptLine.sku == "RICE"))
    return sale_return.record_return(sale, lines=[(line.id, Decimal(str(qty)))], at=at(when))


def buyers_shop() -> None:
    Product.create(sku="RICE", barcode="8930000000017", name="Rice 1 kg", price=20_000)
    Product.create(sku="MILK", name="Milk", price=10_000)
    b2 = add_store("B2", "Second store")
    registered = at("2025-01-01 09:00")
    a = customers.register(
        {"name": "An", "phone": "0912345678", "consent_sms": True}, registered_at=registered
    ).customer
    b = customers.register({"name": "Binh"}, registered_at=registered).customer
    c = customers.register({"name": "Chi"}, registered_at=registered).customer
    d = customers.register({"name": "Dung"}, registered_at=registered).customer

    # A: 2 kg with 4,000 off the line (36,000) and milk; 1.5 kg (30,000); one kg of the
    # first comes back (18,000); an amount-only return names no product and changes nothing.
    a_first = buyers_sell(
        a, "2025-03-01 10:00", buyers_rice(2, line_discount=4_000), LineInput(qty=Decimal(1), sku="MILK")
    )
    a_second = buyers_sell(a, "2025-03-05 10:00", buyers_rice(1.5))
    buyers_give_back(a_first, 1, "2025-03-06 10:00")
    sale_return.record_return(a_second, amount=5_000, at=at("2025-03-07 10:00"))
    # B: 3 kg in February, 1 kg in March, and the 3 kg come back in March.
    b_old = buyers_sell(b, "2025-02-20 10:00", buyers_rice(3))
    buyers_sell(b, "2025-03-02 10:00", buyers_rice(1))
    buyers_give_back(b_old, 3, "2025-03-03 10:00")
    # C buys milk only, and rice after the as-of day.
    buyers_sell(c, "2025-03-04 10:00", LineInput(qty=Decimal(1), sku="MILK"))
    buyers_sell(c, "2025-03-11 10:00", buyers_rice(1))
    # D buys in the second store.
    buyers_sell(d, "2025-03-02 11:00", buyers_rice(1), store=b2)
    # Anonymous: 1 kg (given back), then 2 kg at a lower price.
    anonymous = buyers_sell(None, "2025-03-02 12:00", buyers_rice(1))
    buyers_sell(None, "2025-03-03 12:00", buyers_rice(2, unit_price=18_000))
    buyers_give_back(anonymous, 1, "2025-03-04 12:00")
    # A product the catalogue does not know, typed with its price.
    buyers_sell(c, "2025-03-04 11:00", LineInput(qty=Decimal("0.25"), sku="LOOSE", name="Loose tea", unit_price=8_000))


# -- report_rfm -----------------------------------------------------------------

RFM_AS_OF = dt.date(2025, 3, 31)


def rfm_register(name: str, **values):
    return customers.register({"name": name, **values}, registered_at=at("2024-12-01 09:00")).customer


def rfm_sell(customer, amount: int, when: str):
    return checkout.record_sale(SaleInput(customer=customer, amount=amount, at=at(when))).receipt


def rfm_shop() -> dict:
    """Six buyers; their last sale day, sale receipts and net spend up to 2025-03-31:

    A 03-30, 3, 200000 · B 03-31, 1, 10000 · C 02-10, 5, 1000000 · D 01-02, 2, 20000
    E 03-15, 4, 40000 (140000 − returns 100000) · G 03-05, 2, 30000 (110000 − return 80000)
    """
    people = {name: rfm_register(name, phone=f"09123400{n:02d}") for n, name in enumerate("ABCDEGH")}
    a, b, c, d, e, g = (people[name] for name in "ABCDEG")
    for when, amount in (("03-10", 50_000), ("03-20", 50_000), ("03-30", 100_000)):
        rfm_sell(a, amount, f"2025-{when} 10:00")
    rfm_sell(b, 10_000, "2025-03-31 23:59")  # the last minute of the as-of day counts
    rfm_sell(b, 999_000, "2025-04-01 00:00")  # the first instant after it does not
    for when in ("01-05", "01-15", "01-25", "02-01", "02-10"):
        rfm_sell(c, 200_000, f"2025-{when} 12:00")
    rfm_sell(d, 5_000, "2025-01-02 09:00")
    rfm_sell(d, 15_000, "2025-01-02 18:00")  # the same day: a second receipt
    first = rfm_sell(e, 30_000, "2025-03-01 10:00")
    big = rfm_sell(e, 80_000, "2025-03-10 10:00")
    rfm_sell(e, 10_000, "2025-03-12 10:00")
    rfm_sell(e, 20_000, "2025-03-15 10:00")
    sale_return.record_return(big, at=at("2025-03-16 10:00"))
    sale_return.record_return(first, amount=20_000, at=at("2025-03-16 10:05"))
    old = rfm_sell(g, 100_000, "2025-02-20 10:00")
    rfm_sell(g, 10_000, "2025-03-05 10:00")
    sale_return.record_return(old, amount=80_000, at=at("2025-03-06 10:00"))
    rfm_sell(None, 500_000, "2025-03-15 11:00")  # anonymous: nobody's score
    # H bought nothing: not a buyer, not in the report
    return people


# -- report_surveys -------------------------------------------------------------

SURVEYS_AS_OF = dt.date(2025, 3, 10)


def surveys_question(text: str, kind: str = "choice", choices: str = "", position: int = 0, active: bool = True):
    return SurveyQuestion.create(
        text=text, kind=kind, choices=choices, position=position, active=active, created_at=at("2025-01-01 08:00")
    )


def surveys_answer(q, customer, text: str, when: str) -> None:
    # No survey service writes answers yet: stored as the card-read screen will store them.
    SurveyAnswer.create(question=q, customer=customer, answer=text, at=at(when))


def surveys_shop() -> dict:
    b2 = add_store("B2", "Second store")
    people = {}
    for name in "ABCDE":
        people[name] = customers.register({"name": name}, registered_at=at("2025-01-01 09:00")).customer
    people["F"] = customers.register({"name": "F", "store": b2}, registered_at=at("2025-01-01 09:00")).customer
    people["G"] = customers.register({"name": "G"}, registered_at=at("2025-03-11 09:00")).customer

    def sell(who: str, when: str, store=None) -> None:
        checkout.record_sale(
            SaleInput(customer=people[who], amount=10_000, at=at(when)), Actor(store=store) if store else None
        )

    # Sale receipts up to the as-of day: A 3, B 2, C 1, D none, E 1, F 1 (in B2).
    for when in ("2025-02-10 10:00", "2025-03-01 10:00", "2025-03-06 10:00"):
        sell("A", when)
    sell("B", "2025-02-20 10:00")
    sell("B", "2025-03-03 10:00")
    sell("C", "2025-03-01 11:00")
    sell("E", "2025-03-04 10:00")
    sell("F", "2025-03-05 10:00", store=b2)
    sell("A", "2025-03-11 10:00")  # after the as-of day

    q_source = surveys_question("How did you hear of us?", choices="Friends\nFacebook\nLeaflet", position=1)
    q_happy = surveys_question("Happy?", choices="yes\nno", position=2)
    q_wish = surveys_question("What should we sell?", kind="text", position=3, active=False)  # inactive, answered
    surveys_question("Old question", choices="x\ny", position=4, active=False)  # inactive, unanswered: not shown
    q_new = surveys_question("Parking?", choices="car\nbike", position=5)  # active, unanswered: shown with zeros

    for who, text in (("A", "Friends"), ("B", "Facebook"), ("C", "Friends"), ("D", "Leaflet"), ("F", "Facebook")):
        surveys_answer(q_source, people[who], text, "2025-02-15 10:00")
    surveys_answer(q_source, people["E"], "Radio", "2025-03-04 10:00")  # not one of the choices
    surveys_answer(q_source, people["G"], "Friends", "2025-03-11 10:00")  # after the as-of day
    # The latest answer of a customer counts: A changed their mind; C's change is too late.
    surveys_answer(q_happy, people["A"], "no", "2025-02-01 10:00")
    surveys_answer(q_happy, people["A"], "yes", "2025-03-05 10:00")
    surveys_answer(q_happy, people["B"], "no", "2025-02-20 10:00")
    surveys_answer(q_happy, people["C"], "yes", "2025-03-01 10:00")
    surveys_answer(q_happy, people["C"], "no", "2025-03-11 10:00")
    surveys_answer(q_wish, people["A"], "organic rice", "2025-03-01 10:00")
    surveys_answer(q_wish, people["B"], "organic rice", "2025-03-02 10:00")
    surveys_answer(q_wish, people["C"], "fresh fish", "2025-03-03 10:00")
    return {"people": people, "source": q_source, "happy": q_happy, "wish": q_wish, "new": q_new}


# -- report_points --------------------------------------------------------------

POINTS_AS_OF = dt.date(2025, 3, 10)


def points_register(name: str, **values):
    return customers.register({"name": name, **values}, registered_at=at("2024-10-01 09:00")).customer


def points_sell(customer, amount: int, when: str, **extra):
    return checkout.record_sale(SaleInput(customer=customer, amount=amount, at=at(when), **extra)).receipt


def points_shop() -> None:
    """Earn 1 point per 1,000; a point pays 500; points expire after 60 days."""
    settings.set_value("points_earn_per", "1000")
    settings.set_value("points_value", "500")
    settings.set_value("points_expiry_days", "60")
    b2 = add_store("B2", "Second store")
    a, b, d, e = points_register("An"), points_register("Binh"), points_register("Dung"), points_register("Em")
    c = points_register("Chi", store=b2)

    # E: 40 opening points expire on 2025-01-15 (60 days after a cut-off of 2024-11-16).
    points_service.set_opening_balance(e, 40, at=at("2024-11-01 09:00"))
    points_service.expire_points(dt.date(2025, 1, 15), at=at("2025-01-15 08:00"))
    # A: 100 opening + 50 earned, both before 2025-02-08; 20 redeemed and 20 earned in March.
    points_service.set_opening_balance(a, 100, at=at("2025-01-05 09:00"))
    points_sell(a, 50_000, "2025-01-20 10:00")
    points_sell(a, 30_000, "2025-03-01 10:00", points=20)  # points pay 10,000; 20,000 earns 20
    # B: 80 earned after the cut-off, 40 taken back on a half return, 15 added by hand.
    b_sale = points_sell(b, 80_000, "2025-02-10 10:00")
    sale_return.record_return(b_sale, amount=40_000, at=at("2025-03-05 10:00"))
    points_service.adjust_points(b, 15, "birthday gift", at=at("2025-03-06 10:00"))
    # C (store B2): 20 earned long ago, 5 taken off on 03-09, 10 more after the as-of day.
    points_sell(c, 20_000, "2024-12-01 10:00")
    points_service.adjust_points(c, -5, "mistake", at=at("2025-03-09 10:00"))
    points_sell(c, 10_000, "2025-03-11 10:00")
    # D: 5 earned, 5 taken off again: no points left.
    points_sell(d, 5_000, "2025-01-10 10:00")
    points_service.adjust_points(d, -5, "mistake", at=at("2025-02-20 10:00"))


# -- report_winback -------------------------------------------------------------

WINBACK_AS_OF = dt.date(2025, 3, 31)


def winback_register(name: str, **values):
    return customers.register({"name": name, **values}, registered_at=at("2024-12-01 09:00")).customer


def winback_sell(customer, amount: int, when: str, actor=None):
    return checkout.record_sale(SaleInput(customer=customer, amount=amount, at=at(when)), actor=actor).receipt


def winback_shop() -> dict:
    """Purchase dates up to 2025-03-31 (gaps in brackets, their median after the colon):

    A 03-01, 03-05, 03-15, 03-20 (4, 10, 5: 5), last 11 days ago, revenue 40000
    B 03-01, 03-03, 03-10, 03-21 twice (2, 7, 11: 7), last 10 days ago, revenue 60000
    C 02-01, 02-04, 02-11, 02-21, 03-01 (3, 7, 10, 8: 7.5), last 30 days ago, 100000 − 10000
    D two receipts on 01-10: one date, never listed
    E 03-29, 03-30 (1: 1), last 1 day ago
    F archived, 01-01 and 01-02: left out
    """
    people = {
        "A": winback_register("A", phone="0912345601", consent_sms=True, consent_zalo=True),
        "B": winback_register("B", phone="0912345602", consent_email=True),
        "C": winback_register("C", consent_facebook=True),
        "D": winback_register("D"),
        "E": winback_register("E"),
        "F": winback_register("F"),
    }
    for when in ("03-01", "03-05", "03-15", "03-20"):
        winback_sell(people["A"], 10_000, f"2025-{when} 10:00")
    winback_sell(people["A"], 10_000, "2025-04-05 10:00")  # after the as-of day
    for when in ("03-01", "03-03", "03-10", "03-21", "03-21"):
        winback_sell(people["B"], 12_000, f"2025-{when} 11:00")
    c_sales = [
        winback_sell(people["C"], 20_000, f"2025-{when} 12:00")
        for when in ("02-01", "02-04", "02-11", "02-21", "03-01")
    ]
    sale_return.record_return(c_sales[0], amount=10_000, at=at("2025-03-02 12:00"))
    winback_sell(people["D"], 5_000, "2025-01-10 09:00")
    winback_sell(people["D"], 5_000, "2025-01-10 19:00")
    winback_sell(people["E"], 1_000, "2025-03-29 09:00")
    winback_sell(people["E"], 1_000, "2025-03-30 09:00")
    winback_sell(people["F"], 50_000, "2025-01-01 09:00")
    winback_sell(people["F"], 50_000, "2025-01-02 09:00")
    customers.archive(people["F"])
    return people


# -- report_conversion ----------------------------------------------------------

CONVERSION_AS_OF = dt.date(2025, 3, 10)


def conversion_sell(store, customer, amount: int, when: str):
    return checkout.record_sale(SaleInput(customer=customer, amount=amount, at=at(when)), Actor(store=store)).receipt


def conversion_shop() -> None:
    main_store = get_store("MAIN")
    b2 = add_store("B2", "Second store")
    a = customers.register({"name": "An"}, registered_at=at("2025-01-01 09:00")).customer
    b = customers.register({"name": "Binh"}, registered_at=at("2025-01-01 09:00")).customer

    # MAIN 03-01: the counter says 10 in hour 9 and 15 (+5) in hour 10, but hour 10 was
    # imported as 20, which wins: 10 + 20 = 30 visitors, 3 receipts, 2 with a card.
    visits.record_reading(main_store, "door", 10, at=at("2025-03-01 09:30"))
    visits.record_reading(main_store, "door", 15, at=at("2025-03-01 10:15"))
    visits.record_imported(main_store, at("2025-03-01 10:00"), 20)
    conversion_sell(main_store, a, 100_000, "2025-03-01 09:40")
    conversion_sell(main_store, None, 50_000, "2025-03-01 10:20")
    b_sale = conversion_sell(main_store, b, 30_000, "2025-03-01 10:50")
    # MAIN 03-02: receipts but no visitors counted; a return of 10,000 the same hour.
    conversion_sell(main_store, a, 40_000, "2025-03-02 11:00")
    sale_return.record_return(b_sale, amount=10_000, at=at("2025-03-02 11:30"))
    # MAIN 03-03: visitors but no receipts.
    visits.record_imported(main_store, at("2025-03-03 15:00"), 7)
    # MAIN 03-11: after the as-of day.
    visits.record_imported(main_store, at("2025-03-11 09:00"), 99)
    conversion_sell(main_store, a, 77_000, "2025-03-11 09:10")

    # B2 03-01: 4 visitors, one anonymous sale; 03-05: 3 visitors from a pulse counter;
    # 03-06: the 03-01 sale comes back whole while a smaller sale is made (revenue < 0).
    visits.record_imported(b2, at("2025-03-01 12:00"), 4)
    b2_sale = conversion_sell(b2, None, 20_000, "2025-03-01 12:10")
    visits.record_reading(b2, "pulse", 3, at=at("2025-03-05 08:05"), cumulative=False)
    sale_return.record_return(b2_sale, at=at("2025-03-06 09:00"))
    conversion_sell(b2, b, 5_000, "2025-03-06 09:30")


# -- xlsx_month -----------------------------------------------------------------


def month_sell(customer, amount=None, when="", store=None, **extra):
    actor = Actor(store=store, system="cli:tester") if store is not None else SYSTEM
    return checkout.record_sale(SaleInput(customer=customer, amount=amount, at=at(when), **extra), actor).receipt


def month_shop() -> dict:
    """March 2025, with February 2025 and March 2024 to compare with.

    March (MAIN unless said): B buys two lines 2 x 30,000 + 1.5 x 10,000 = 75,000 on the
    4th at 11:00; an anonymous 70,000 at 12:00; B returns 10,000 on the 5th; A pays 20,000
    of his debt on the 10th; A buys 40,000 on credit at BRANCH on the 15th; A's debt is
    lowered by 1,000 on the 25th; C buys 5,000 on the 31st at 23:59; A buys 99,999 on
    1 April (not in March). Revenue 75,000 + 70,000 − 10,000 + 40,000 + 5,000 = 180,000
    on 4 sale receipts, 3 of them with a customer. Visitors: MAIN counted 5 an hour from
    8 to 19 on the 4th and 10 at 10:00 on the 5th (70); BRANCH counts nothing, so its
    receipt does not raise the conversion: 2 receipts on counted days / 70 visitors.
    February: A buys 200,000 with 50,000 on credit. March 2024: A buys 100,000.
    """
    branch = stores.add_store("BRANCH", "Chợ Lớn")
    main = stores.default_store() if hasattr(stores, "default_store") else None
    a = customers.register(
        {"name": "An", "phone": "0912345678", "credit_limit": 1_000_000}, registered_at=at("2024-01-05 10:00")
    ).customer
    customers.define_property("eyesight", "Eyesight", "number")
    b = customers.register(
        {
            "name": "Bình",
            "phone": "0912345679",
            "gender": "female",
            "birthday": "1990-05-31",
            "groups": ["VIP"],
            "consent_zalo": True,
        },
        registered_at=at("2025-03-02 10:00"),
    ).customer
    customers.set_property(b, "eyesight", "-1.5")
    cards.issue_card(b, "2000000000015", at=at("2025-03-02 10:01"))
    c = customers.register({"name": "Chi"}, registered_at=at("2025-03-20 18:00")).customer
    month_sell(a, 100_000, "2024-03-03 10:00")
    month_sell(a, 200_000, "2025-02-03 10:00", credit=50_000)
    lines = [
        LineInput(qty=Decimal(2), unit_price=30_000, name="Trà xanh", sku="T1"),
        LineInput(qty=Decimal("1.5"), unit_price=10_000, name="Bánh", sku="B1"),
    ]
    b_sale = month_sell(b, when="2025-03-04 11:00", lines=lines)
    month_sell(None, 70_000, "2025-03-04 12:00")
    sale_return.record_return(b_sale, amount=10_000, at=at("2025-03-05 10:00"))
    debts.take_payment(a, 20_000, at=at("2025-03-10 10:00"))
    month_sell(a, 40_000, "2025-03-15 09:30", store=branch, credit=40_000)
    debts.adjust_debt(a, -1_000, "rounding", at=at("2025-03-25 10:00"))
    points.adjust_points(b, 5, "welcome", at=at("2025-03-20 10:00"))
    month_sell(c, 5_000, "2025-03-31 23:59")
    month_sell(a, 99_999, "2025-04-01 00:00")
    store = main or 1
    for hour in range(8, 20):
        visits.record_imported(store, at(f"2025-03-04 {hour:02d}:00"), 5)
    visits.record_imported(store, at("2025-03-05 10:00"), 10)
    return {"a": a, "b": b, "c": c, "branch": branch}
