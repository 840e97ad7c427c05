"""What the till tests share: a customer with a card, typing an amount, counting keys."""

from __future__ import annotations

from textual.widgets import Static, TabbedContent

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.till.done_modal import DoneModal
from screens.till.return_modal import ReturnModal
from screens.till.sale_modal import SaleModal

from .helpers import keys_delivered, until


async def type_amount(pilot, text: str) -> None:
    """Typed quickly, then let through by the scan detector, so Enter is not part of a burst."""
    await pilot.press(*text)
    await keys_delivered(pilot)


class KeyCounter:
    """Counts the keys the cashier presses, amounts (digits) apart."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await keys_delivered(self.pilot)

    async def scan(self, text: str) -> None:
        from .helpers import scan

        self.count += 1  # one pull of the trigger
        await scan(self.pilot, text)


async def card_open(pilot, customer_id: int) -> CustomerCardScreen:
    app = pilot.app
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, CustomerCardScreen)
            and app.screen.customer_id == customer_id
            and app.screen.data is not None
        ),
        what="the card",
    )
    return app.screen


async def done_shown(pilot) -> DoneModal:
    await until(pilot, lambda: isinstance(pilot.app.screen, DoneModal), what="the confirmation")
    return pilot.app.screen


def done_text(modal: DoneModal) -> str:
    from textual.widgets import Static

    return str(modal.query_one("#done-text", Static).render())


def sale_modal(app) -> SaleModal:
    assert isinstance(app.screen, SaleModal), type(app.screen)
    return app.screen


async def open_sale(pilot, customer_id: int) -> SaleModal:
    """The customer's card, then F5: the sale form, as a cashier reaches it."""
    app = pilot.app
    app.open_customer(customer_id)
    await card_open(pilot, customer_id)
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(app.screen, SaleModal))
    return sale_modal(app)


async def sign_in(pilot, name: str, pin: str) -> None:
    """The sign-in screen: the name, then the PIN typed and Enter."""
    from textual.widgets import Input

    from screens.sign_in.sign_in_modal import SignInModal

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, SignInModal), what="the sign-in")
    screen = app.screen
    screen.query_one("#sign-in-name", Input).value = name
    pin_box = screen.query_one("#sign-in-pin", Input)
    pin_box.focus()
    await type_amount(pilot, pin)
    await pilot.press("enter")
    # The PIN is checked in a worker. Right: the till opens once the user is set, a moment
    # after the sign-in has left the screen (a card opened in between would be refused).
    # Wrong: the PIN box is emptied and says why.
    await until(
        pilot,
        lambda: not app.walled() or (not pin_box.value and bool(screen.field("pin").error)),
        what="the sign-in's answer",
    )


TILL = (80, 24)  # the till's terminal


def quote_text(modal) -> str:
    """The sale dialog's quote as one line of plain text (no-break spaces as spaces)."""
    return str(modal.query_one("#quote", Static).render()).replace("\xa0", " ")


async def open_return_from_sales_tab(pilot, customer_id: int) -> ReturnModal:
    """The customer's card, its Sales tab, F8: the return of the highlighted (last) sale."""
    app = pilot.app
    app.open_customer(customer_id)
    card = await card_open(pilot, customer_id)
    card.query_one("#card-tabs", TabbedContent).active = "sales"
    await pilot.pause()
    await pilot.press("f8")
    await until(pilot, lambda: isinstance(app.screen, ReturnModal) and app.screen.sale is not None, what="the return")
    return app.screen
