"""Everything the command line creates is its owner's only under the usual umask 022:
the data folder 0700; the database, backups, exports and templates 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_everything_created_is_private_under_umask_022(tmp_path):
    """The data folder 0700; the database, backups, exports and templates 0600."""
    data_home = tmp_path / "xdg"
    out = tmp_path / "out"
    out.mkdir()
    script = f"""
import os, sys
os.umask(0o022)
from shoptui.cli import main
out = {str(out)!r}
for args in (
    ["demo", "--customers", "5", "--days", "3", "--seed", "1"],
    ["backup", "-o", out + "/shop-backup.sqlite"],
    ["report", "portrait", "--format", "csv", "-o", out + "/portrait.csv"],
    ["report", "portrait", "--format", "xlsx", "-o", out + "/portrait.xlsx"],
    ["day-close", "-o", out + "/day.txt"],
    ["export", "month", "2025-03", "--no-progress", "-o", out + "/month.xlsx"],
    ["import", "template", "customers", "-o", out + "/template.xlsx"],
):
    code = main(args)
    if code:
        sys.exit(f"{{args}}: {{code}}")
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTUI_")}
    env.update(XDG_DATA_HOME=str(data_home), HOME=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr
    folder = data_home / "shoptui"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    created = [folder / "shoptui.sqlite", *out.iterdir()]
    assert len(created) == 7
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in created} == {p.name: 0o600 for p in created}
