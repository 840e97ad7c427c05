"""The terminal app: the App itself stays small; screens do the work.

``make_app`` is the one factory: the command line (and the tests) hand it an open
database, and it reads what the screens need once, before the app runs.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from shoptui.i18n import _, babel_locale
from shoptui.services import settings

from .directory_screen import DirectoryScreen
from .text import Formats, printable


class ShopApp(App[None]):
    """shoptui in the terminal; the customer directory is its home screen."""

    CSS_PATH = "app.tcss"
    # Imported after the language is chosen (see cli.run_app), so these are translated.
    BINDINGS = [Binding("ctrl+q", "quit", _("Quit"), id="quit", priority=True)]

    def __init__(self, *, database, db_url: str, shop_name: str, formats: Formats, search_delay: float = 0.15):
        super().__init__()
        self.database = database
        self.db_url = db_url
        self.formats = formats
        self.search_delay = search_delay
        # The Header shows the title as plain Content; printable() keeps control characters out.
        self.title = printable(shop_name)

    def get_default_screen(self) -> DirectoryScreen:
        return DirectoryScreen(self.database, self.formats, search_delay=self.search_delay)


def make_app(database, db_url: str, *, search_delay: float = 0.15) -> ShopApp:
    """The app for an open, migrated database (the composition root opened it)."""
    formats = Formats(currency=settings.currency(), region=settings.region(), locale=babel_locale())
    return ShopApp(
        database=database,
        db_url=db_url,
        shop_name=settings.get("shop_name"),
        formats=formats,
        search_delay=search_delay,
    )
