"""Points that ran out are expired behind the first screen, never before it, and a card
expires its own customer's points before it shows the balance."""

from __future__ import annotations

import datetime as dt

from screens.customer.customer_card_screen import load_card
from screens.directory.directory_screen import DirectoryScreen
from shoptui import clock
from shoptui.models import Customer, PointsEntry
from shoptui.services import customers, points, settings

from .helpers import SIZE, app_for, pilot_test, started, until


def _old_points(name: str, amount: int) -> Customer:
    customer = customers.register({"name": name}).customer
    points.adjust_points(customer, amount, "opening", at=clock.now() - dt.timedelta(days=400))
    return customer


def _balance(customer: Customer) -> int:
    return Customer.get_by_id(customer.id).points_balance


@pilot_test
async def test_the_app_starts_without_expiring_and_expires_in_the_background(database):
    settings.set_value("points_expiry_days", "365")
    an, binh = _old_points("An", 120), _old_points("Bình", 30)
    app = app_for(database)
    assert (_balance(an), _balance(binh)) == (120, 30)  # building the app did no batch work
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, DirectoryScreen)
        await until(pilot, lambda: (_balance(an), _balance(binh)) == (0, 0), what="points expired")
    assert PointsEntry.select().where(PointsEntry.kind == "expire").count() == 2


def test_a_card_expires_its_customers_points_before_it_shows_the_balance(database):
    settings.set_value("points_expiry_days", "365")
    an, binh = _old_points("An", 120), _old_points("Bình", 30)
    card = load_card(an.id)
    assert card.header.points == 0
    assert (_balance(an), _balance(binh)) == (0, 30)  # the other customer waits for the batch
