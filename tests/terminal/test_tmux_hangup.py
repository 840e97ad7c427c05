"""The app ends, the normal way, when its terminal goes away: on SIGHUP, when the terminal
closes while SIGHUP is ignored, and when a terminal it does not control hangs up (no
SIGHUP at all). Textual's input thread took the hung-up terminal's empty reads for piped
input and spun at full CPU for ever (issue 13)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time

import pytest

from shoptui.services import customers

from .tmux import SHOPTUI

pytestmark = pytest.mark.terminal


@pytest.fixture
def shop(database):
    customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"})


def test_killing_the_terminal_ends_the_app_even_with_sighup_ignored(terminal, shop, db_path):
    terminal.start([str(SHOPTUI), "--db", str(db_path)], 80, 24, ignore_hangup=True)
    terminal.wait_for(lambda s: "Nguyễn Văn An" in s, "the directory")
    pid = terminal.app_pid()
    terminal.tmux("kill-server")  # the terminal goes away; the shell (ignoring SIGHUP too) records the status
    status = terminal.exit_status(timeout=15)
    if status is None:
        os.kill(pid, signal.SIGKILL)  # a failed test leaves no app spinning behind it
    assert status == 0, "the app still runs after its terminal went away"


def test_sighup_ends_the_app_cleanly(terminal, shop, db_path):
    terminal.start([str(SHOPTUI), "--db", str(db_path)], 80, 24)
    terminal.wait_for(lambda s: "Nguyễn Văn An" in s, "the directory")
    pid = terminal.app_pid()
    os.kill(pid, signal.SIGHUP)
    status = terminal.exit_status(timeout=15)
    if status is None:
        os.kill(pid, signal.SIGKILL)
    # 0, not 129 (killed by the signal): the app ended itself, and the command line closed the database.
    assert status == 0


def test_a_terminal_that_hangs_up_without_sighup_ends_the_app(shop, db_path, tmp_path):
    """A pseudo-terminal that is not the app's controlling terminal: closing it sends no signal."""
    if not SHOPTUI.exists():
        pytest.skip("the shoptui command is not installed next to the interpreter")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    app = subprocess.Popen(
        [str(SHOPTUI), "--db", str(db_path)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        env=env,
    )
    os.close(slave)
    try:
        shown, deadline = b"", time.monotonic() + 20
        while "Nguyễn Văn An".encode() not in shown:
            assert time.monotonic() < deadline and app.poll() is None, f"the app did not start: {shown[-500:]!r}"
            if select.select([master], [], [], 0.2)[0]:
                shown += os.read(master, 65536)
        os.close(master)
        master = -1
        assert app.wait(timeout=15) == 0
    finally:
        if master >= 0:
            os.close(master)
        if app.poll() is None:
            app.kill()
            app.wait()
