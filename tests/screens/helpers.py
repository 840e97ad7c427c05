"""What the Pilot tests share: running a scenario, waiting for workers, typing and scanning."""

from __future__ import annotations

import asyncio
import functools
import time

from textual import events
from textual.command import CommandList, CommandPalette
from textual.widgets import Input
from textual.widgets._footer import FooterKey  # the footer's keys, as a test reads them
from textual.keys import _character_to_key

from screens.app import make_app
from screens.widgets.footer import ShopFooter

SIZE = (120, 40)


def pilot_test(scenario):
    """Run an async Pilot scenario as a plain test (the suite needs no asyncio plugin)."""

    @functools.wraps(scenario)
    def test(*args, **kwargs):
        asyncio.run(scenario(*args, **kwargs))

    return test


def app_for(database):
    return make_app(database=database, db_url="test", search_delay=0.02)


async def until(pilot, condition, timeout: float = 5.0, what: str = "") -> None:
    """Let the app run until ``condition()`` holds (workers answer from other threads)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the screen did not get there in time{': ' + what if what else ''}")
        await pilot.pause(0.02)


async def started(pilot) -> None:
    """The app is up: its first screen (the directory, or the sign-in when there are users) is mounted."""
    from screens.directory.directory_screen import DirectoryScreen
    from screens.sign_in.sign_in_modal import SignInModal

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, (DirectoryScreen, SignInModal)) and app.screen.is_mounted,
                what="the first screen")
    await settled(pilot)


async def settled(pilot) -> None:
    """Every worker the app started has ended and what they posted has been handled, so what
    is on screen (or in the database) now is what stays: for checks that nothing happened."""
    app = pilot.app
    for _round in range(2):  # a worker's answer may start another (a reload after a save)
        await app.workers.wait_for_complete()
        await pilot.pause()


def _palette_answered(palette: CommandPalette, text: str) -> bool:
    """The palette has searched for ``text`` (its search worker has ended) and highlights a hit."""
    if palette.query_one(Input).value != text:
        return False
    if any(worker.node is palette and not worker.is_finished for worker in palette.app.workers):
        return False
    commands = palette.query_one(CommandList)
    return commands.highlighted is not None and not commands.get_option_at_index(commands.highlighted).disabled


async def palette(pilot, text: str) -> None:
    """Ctrl+P, the command's name, Enter: as a person picks it, once the palette has found it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette) and app.focused is app.screen.query_one(Input),
                what="the palette")
    found = app.screen
    await pilot.press(*text)
    await until(pilot, lambda: _palette_answered(found, text), what=f"the palette's hits for {text}")
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette), what=f"the palette closed on {text}")


def key_event(char: str) -> events.Key:
    if char == "\n":
        return events.Key("enter", "\r")
    key = char if char.isalnum() else _character_to_key(char)
    return events.Key(key, char)


async def scan(pilot, text: str, enter: bool = True) -> None:
    """Send ``text`` (and Enter) as a scanner does: one burst, as a terminal read hands it over."""
    driver = pilot.app._driver
    for char in text + ("\n" if enter else ""):
        event = key_event(char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()


async def type_by_hand(pilot, text: str, gap_ms: int = 110) -> None:
    """Keys as a person types them, ``gap_ms`` apart."""
    keys = []
    for char in text:
        keys.extend([char, f"wait:{gap_ms}"])
    await pilot.press(*keys)


class Notes:
    """Every notification the app shows, as (text, severity)."""

    def __init__(self, app):
        self.items: list[tuple[str, str]] = []
        original = app.notify

        def notify(message, *args, **kwargs):
            self.items.append((str(message), kwargs.get("severity", "information")))
            return original(message, *args, **kwargs)

        app.notify = notify

    def texts(self, severity: str | None = None) -> list[str]:
        return [text for text, sev in self.items if severity is None or sev == severity]


def screen_text(app) -> str:
    """The screen as plain text, line by line (what export_screenshot draws, without SVG)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def footer_names(app) -> list[str]:
    """What the footer of the screen on top offers, in order."""
    footer = app.screen.query_one(ShopFooter)
    return [key.description for key in footer.query(FooterKey)]
