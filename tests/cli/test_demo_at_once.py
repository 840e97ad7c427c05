"""Issue 16 (left open): three ``shoptui demo`` runs on one new file at once. Two of them
ended "There is already a voucher GIAM10": each had found the file empty before the first
one filled it. Now the check and the filling are one turn (the migrations' lock): one
demo fills the file and the others say it already has customers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALREADY = (
    "This database already has customers, cards or receipts; the demo fills only an empty one (give another --db).\n"
)


def test_three_demos_on_one_new_file_at_once_fill_it_once(tmp_path):
    db = tmp_path / "shop.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTUI_")}
    env["HOME"] = str(tmp_path)
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "shoptui",
                "--db",
                str(db),
                "--lang",
                "en",
                "demo",
                "--customers",
                "100",
                "--days",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert sorted(code for code, _out, _err in results) == [0, 1, 1], results
    assert sorted(err for code, _out, err in results if code == 1) == [ALREADY, ALREADY]
    code, out, err = next(r for r in results if r[0] == 0)
    assert out.startswith("Demo shop ready: 100 customers") and err == ""
