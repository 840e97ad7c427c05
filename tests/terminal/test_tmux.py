"""The app in a real terminal (tmux): start, type a search by hand, Escape, resize to 80×24, Ctrl+Q."""

from __future__ import annotations

import pytest

from shoptui.services import customers

from .tmux import SHOPTUI

pytestmark = pytest.mark.terminal


def test_search_by_hand_escape_resize_and_quit(terminal, database, db_path):
    for name, phone in (
        ("Nguyễn Văn An", "0912 345 678"),
        ("Đặng Thị Hồng", "0987 654 321"),
        ("Hans Straße", ""),
    ):
        customers.register({"name": name, "phone": phone})

    terminal.start([str(SHOPTUI), "--db", str(db_path)], 120, 40)
    terminal.wait_for(lambda s: "Đặng Thị Hồng" in s and "Nguyễn Văn An" in s, "the directory")
    assert "3 customers" in terminal.screen()

    terminal.type_by_hand("nguyen")
    screen = terminal.wait_for(lambda s: "Nguyễn Văn An" in s and "Đặng Thị Hồng" not in s, "the search result")
    assert "nguyen" in screen and "0912 345 678" in screen

    terminal.keys("Escape")
    screen = terminal.wait_for(lambda s: "Đặng Thị Hồng" in s and "nguyen" not in s, "the cleared search")
    assert terminal.running()  # Escape did not quit

    terminal.type_by_hand("5678")
    terminal.wait_for(lambda s: "Nguyễn Văn An" in s and "Hans Straße" not in s, "the phone search")

    terminal.tmux("resize-window", "-t", "app", "-x", "80", "-y", "24")
    screen = terminal.wait_for(
        lambda s: len(s.splitlines()) == 24 and "Nguyễn Văn An" in s and "Quit" in s, "the app at 80×24"
    )
    assert max(len(line) for line in screen.splitlines()) <= 80

    terminal.keys("C-q")
    assert terminal.exit_status(timeout=10) == 0, "Ctrl+Q did not end the app:\n" + terminal.screen()


def test_a_scan_burst_opens_the_card_and_hand_typing_stays_a_search(terminal, database, db_path):
    from shoptui.services import cards

    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    customers.register({"name": "Đặng Thị Hồng", "phone": "0987 654 321"})
    cards.issue_card(an, "2000000000015")

    terminal.start([str(SHOPTUI), "--db", str(db_path)], 80, 24)
    terminal.wait_for(lambda s: "Đặng Thị Hồng" in s and "Nguyễn Văn An" in s, "the directory")

    # tmux hands the whole barcode and Enter to the app as one burst, as a wedge scanner does.
    terminal.keys("2000000000015", "Enter")
    screen = terminal.wait_for(lambda s: "Surveys" in s and "☎ 0912 345 678" in s, "the customer's card")
    header = next(line for line in screen.splitlines() if an.code in line)
    assert "Nguyễn Văn An" in header
    assert "2000000000015" not in screen.splitlines()[1]  # nothing of the scan was typed anywhere

    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Search" in s and "Đặng Thị Hồng" in s, "the directory again")

    # The same digits typed by hand (a key every ~120 ms) are a search, not a scan.
    terminal.type_by_hand("2000000000015")
    screen = terminal.wait_for(
        lambda s: "2000000000015" in s and "Nguyễn Văn An" in s and "Đặng Thị Hồng" not in s, "the search by card"
    )
    assert "Surveys" not in screen  # still the directory
    terminal.keys("C-q")
    assert terminal.exit_status(timeout=10) == 0
