"""The app in a real terminal: a private tmux server per test (its own socket in its own
folder, its own config), so tests run side by side; waits poll the pane with a deadline."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
            capture_output=True,
            text=True,
            env=self.env,
            timeout=15,
        )
        if result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, argv: list[str], width: int, height: int, *, ignore_hangup: bool = False) -> None:
        """``ignore_hangup``: the app starts with SIGHUP ignored (as under nohup), and the
        shell that records its exit status outlives the terminal."""
        # A clean environment: nothing of the developer's SHOPTUI_*, locale or data folder.
        env = [f"{key}={value}" for key, value in self.env.items()] + [
            f"XDG_DATA_HOME={self.env['HOME']}/data",
            f"XDG_CONFIG_HOME={self.env['HOME']}/config",
        ]
        # The shell records the exit status itself: tmux 3.3 may mark the pane dead and
        # leave the process unreaped for seconds, with no status to read.
        command = shlex.join(["env", "-i", *env, *argv]) + f"; echo $? > {shlex.quote(str(self.status_file))}"
        if ignore_hangup:
            command = "trap '' HUP; " + command
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

    def app_pid(self) -> int:
        """The app's process: the one child of the pane's shell (``env`` execs the app)."""
        shell = int(self.tmux("display-message", "-p", "-t", "app", "#{pane_pid}"))
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        assert len(children) == 1, f"the pane's shell has children {children}"
        return int(children[0])

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
        subprocess.run([TMUX, "-S", str(self.socket), "kill-server"], capture_output=True, env=self.env, timeout=15)
        shutil.rmtree(self.dir, ignore_errors=True)
