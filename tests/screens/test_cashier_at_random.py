"""A cashier at random (issue 12): a few hundred keys, scans and Escapes across the till's
screens, in seeded runs, as a signed-in cashier. Whatever happens, the app does not crash
(Pilot re-raises anything it did not handle when the run ends) and the books still check.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from shoptui.barcodes import ean13
from shoptui.check import run_checks
from shoptui.models import Product
from shoptui.services import cards, checkout, customers, points, users, vouchers
from shoptui.services.context import Actor
from shoptui.services.sale_quote import LineInput, SaleInput

from .helpers import SIZE, app_for, pilot_test, scan

CARDS = (ean13("200000000101"), ean13("200000000118"))
PRODUCT = ean13("893000000111")
GIFT = ean13("290000000101")
KEYS = (
    ["f2", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f12", "f1", "ctrl+r", "ctrl+w", "ctrl+s"]
    + ["escape"] * 6
    + ["enter"] * 6
    + ["tab"] * 4
    + ["shift+tab", "up", "down", "pagedown", "backspace"]
    + list("0123456789") * 2
    + list("abn-%; ")
)


@pytest.fixture
def shop(database):
    owner = Actor(user=users.add_user("Owner", "owner", "1111"))
    cashier = users.add_user("Lan", "cashier", "2222", owner)
    Product.create(sku="TEA", barcode=PRODUCT, name="Green tea", price=30_000)
    people = []
    for name, card in zip(("Nguyễn Văn An", "Trần Bình"), CARDS):
        c = customers.register(
            {"name": name, "phone": "0912 345 67" + str(len(people)), "credit_limit": 300_000}, owner
        ).customer
        cards.issue_card(c, card, actor=owner)
        points.adjust_points(c, 200, "welcome", owner)
        people.append(c)
    vouchers.create_voucher("TET", "amount", 5_000, max_uses=None, actor=owner)
    vouchers.load_gift_card(GIFT, 100_000, owner)
    sale = checkout.record_sale(
        SaleInput(customer=people[0], lines=[LineInput(qty=Decimal(2), sku="TEA")], credit=20_000), owner
    ).receipt
    return {"cashier": cashier, "sale": sale}


def scans_for(shop) -> list[str]:
    return [
        *CARDS,
        PRODUCT,
        "TEA",
        "TET",
        GIFT,
        ean13("200000000999"),
        shop["sale"].number,
        "x/1",
        "12ab!!",
        "9" * 40,
        "[/]=HYPERLINK(1)",
    ]


@pilot_test
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_cashier_pressing_keys_at_random_never_breaks_the_books(shop, database, seed):
    rng = random.Random(seed)
    app = app_for(database)
    app.actor = Actor(user=shop["cashier"])
    codes = scans_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        for _step in range(200):
            if rng.random() < 0.12:
                await scan(pilot, rng.choice(codes))
            else:
                await pilot.press(rng.choice(KEYS))
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert run_checks() == []
