"""The command line run as the shop runs it: a process of its own, with none of the
test's SHOPTUI_ settings, its stderr read as the one sentence it must be."""

from __future__ import annotations

import os
import subprocess
import sys

SHOPTUI = [sys.executable, "-m", "shoptui"]


def run(*args, cwd=None, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTUI_")}
    env.update(env_extra or {})
    return subprocess.run([*SHOPTUI, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60)


def one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]
