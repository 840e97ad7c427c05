"""The app in a real terminal (tmux): start, type a search by hand, Escape, resize to 80×24, Ctrl+Q."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from shoptui.services import customers

pytestmark = pytest.mark.terminal

TMUX = shutil.which("tmux") or ("/usr/bin/tmux" if Path("/usr/bin/tmux").exists() else None)
SHOPTUI = Path(sys.executable).with_name("shoptui")
# Hand typing: a key every ~120 ms, well apart from a scanner's burst (under 1 ms a key).
HAND_TYPING_GAP = 0.12
TMUX_CONF = """\
set -g remain-on-exit on
set -g status off
set -sg escape-time 0
"""


class Terminal:
    """One private tmux server (its own socket and config) holding one session."""

    def __init__(self, home: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="shoptui-tmux-"))  # short: socket paths are limited
        self.socket = self.dir / "s"
        self.conf = self.dir / "tmux.conf"
        self.status_file = self.dir / "status"
        self.conf.write_text(TMUX_CONF)
        self.env = {
            "HOME": str(home),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
        }

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            [TMUX, "-u", "-S", str(self.socket), "-f", str(self.conf), *args],
            capture_output=True, text=True, env=self.env, timeout=15,
        )
        if result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, argv: list[str], width: int, height: int) -> None:
        # A clean environment: nothing of the developer's SHOPTUI_*, locale or data folder.
        env = [f"{key}={value}" for key, value in self.env.items()] + [
            f"XDG_DATA_HOME={self.env['HOME']}/data",
            f"XDG_CONFIG_HOME={self.env['HOME']}/config",
        ]
        # The shell records the exit status itself: tmux 3.3 may mark the pane dead and
        # leave the process unreaped for seconds, with no status to read.
        command = shlex.join(["env", "-i", *env, *argv]) + f"; echo $? > {shlex.quote(str(self.status_file))}"
        self.tmux("new-session", "-d", "-s", "app", "-x", str(width), "-y", str(height), command)

    def exit_status(self, timeout: float) -> int | None:
        """The app's exit status once it has ended, or None if it is still running after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.status_file.read_text() if self.status_file.exists() else ""
            if text.endswith("\n"):
                return int(text)
            time.sleep(0.1)
        return None

    def running(self) -> bool:
        return not self.status_file.exists()

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app")

    def wait_for(self, condition, what: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if not self.running() or time.monotonic() > deadline:
                raise AssertionError(f"waiting for {what}; the terminal shows:\n{screen}")
            time.sleep(0.1)

    def type_by_hand(self, text: str) -> None:
        for char in text:
            self.tmux("send-keys", "-t", "app", "-l", char)
            time.sleep(HAND_TYPING_GAP)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def close(self) -> None:
        subprocess.run(
            [TMUX, "-S", str(self.socket), "kill-server"], capture_output=True, env=self.env, timeout=15
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def terminal(tmp_path):
    if TMUX is None:
        pytest.skip("tmux is not installed (apt-get install tmux); the real-terminal tests need it")
    if not SHOPTUI.exists():
        pytest.skip(f"the shoptui command is not installed next to {sys.executable}")
    home = tmp_path / "home"
    home.mkdir()
    term = Terminal(home)
    try:
        yield term
    finally:
        term.close()


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
