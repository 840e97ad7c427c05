"""The ``terminal`` fixture: one private tmux server for the test (tests/terminal/tmux.py)."""

from __future__ import annotations

import sys

import pytest

from .tmux import SHOPTUI, TMUX, Terminal


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
