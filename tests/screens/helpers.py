"""What the Pilot tests share: running a scenario, waiting for workers, typing and scanning."""

from __future__ import annotations

import asyncio
import functools
import time

from textual import events
from textual.command import CommandList, CommandPalette
from textual.keys import _character_to_key
from textual.widgets import Input
from textual.widgets._footer import FooterKey  # the footer's keys, as a test reads them

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
    app = make_app(database=database, db_url="test", search_delay=0.02)
    track_held_keys(app)
    return app


def track_held_keys(app) -> None:
    """Count the scan detector's timer callbacks that are running: one hands the keys it held
    to the widgets one by one, letting each widget take its key first, so the detector holds
    nothing while some of them are still on their way (keys_delivered waits for those too)."""
    scans = app.scans
    if hasattr(scans, "timer_deliveries"):
        return
    scans.timer_deliveries = 0
    expired = scans._expired

    async def counted() -> None:
        scans.timer_deliveries += 1
        try:
            await expired()
        finally:
            scans.timer_deliveries -= 1

    scans._expired = counted  # the timer is armed with the instance's attribute


async def until(pilot, condition, timeout: float = 20.0, what: str = "") -> None:
    """Let the app run until ``condition()`` holds (workers answer from other threads). The
    deadline only bounds a failure: on a loaded machine a screen may take seconds."""
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
    await until(
        pilot,
        lambda: isinstance(app.screen, (DirectoryScreen, SignInModal)) and app.screen.is_mounted,
        what="the first screen",
    )
    await settled(pilot)


async def settled(pilot) -> None:
    """Every worker the app started has ended and what they posted has been handled, so what
    is on screen (or in the database) now is what stays: for checks that nothing happened."""
    app = pilot.app
    for _round in range(2):  # a worker's answer may start another (a reload after a save)
        await app.workers.wait_for_complete()
        await pilot.pause()


async def drawn(pilot) -> None:
    """Settled, and every animation (scheduled or running) is over and the screen has laid
    out what that changed: for checks of what is drawn and where."""
    await settled(pilot)
    await pilot.wait_for_scheduled_animations()


async def keys_delivered(pilot) -> None:
    """The scan detector holds no key back and waits for no lookup: every key pressed so far
    has gone on to the widgets, so a key pressed next (Enter) is not the end of a burst."""
    scans = pilot.app.scans
    track_held_keys(pilot.app)  # for an app not made by app_for (installed before its timer fires)
    await until(
        pilot,
        lambda: not scans.detector.held and not scans.detector.waiting and not scans.timer_deliveries,
        what="the keys held as a possible scan",
    )
    await pilot.pause()


def search_answered(app) -> bool:
    """The directory has searched for what its box holds now and shown the answer (or said
    why not): no search is waiting for a pause in typing and none is on its way."""
    screen = app.screen
    return (
        screen._debounce is None and not screen._searching and screen._query == screen.query_one("#search", Input).value
    )


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
    await until(
        pilot,
        lambda: isinstance(app.screen, CommandPalette) and app.focused is app.screen.query_one(Input),
        what="the palette",
    )
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


def _send_keys(pilot, text: str, first: float, gap: float) -> None:
    """Hand ``text`` to the app at once, each key stamped ``gap`` seconds after the one before
    from ``first`` (on the scan detector's clock): the detector reads the gaps from these
    times, so what it sees does not depend on how busy the machine is."""
    driver = pilot.app._driver
    for index, char in enumerate(text):
        event = key_event(char)
        event.time = first + index * gap
        event.set_sender(pilot.app)
        driver.send_message(event)


async def scan(pilot, text: str, enter: bool = True) -> None:
    """Send ``text`` (and Enter) as a scanner does: one burst, a key every millisecond."""
    _send_keys(pilot, text + ("\n" if enter else ""), pilot.app.scans.clock(), 0.001)
    await pilot.pause()


async def type_by_hand(pilot, text: str, gap_ms: int = 110) -> None:
    """Keys as a person types them, ``gap_ms`` apart: stamped so (the last one a gap ago),
    sent at once, and waited for until the scan detector has let every one through."""
    await keys_delivered(pilot)  # nothing held from before: these stamps may be older than its keys
    gap = gap_ms / 1000
    _send_keys(pilot, text, pilot.app.scans.clock() - (len(text) + 1) * gap, gap)
    await keys_delivered(pilot)


def lasting_notices(app) -> None:
    """Notifications stay up until the test ends: a snapshot shows the same toasts however
    long the machine took to get there (the single-user notice's 8 s ran out on a busy box)."""
    notify = app.notify

    def lasting(message, *args, **kwargs):
        return notify(message, *args, **{**kwargs, "timeout": 3600})

    app.notify = lasting


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
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def footer_names(app) -> list[str]:
    """What the footer of the screen on top offers, in order."""
    footer = app.screen.query_one(ShopFooter)
    return [key.description for key in footer.query(FooterKey)]
