"""A plain (not editable) ``pip install .`` gives a working ``shoptui`` with its data files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_gives_a_working_command(tmp_path):
    source = tmp_path / "src"
    # Only what git tracks (plus the working copy's versions), as a clone would have it.
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in files.stdout.splitlines():
        src = ROOT / name
        if src.is_file():
            dst = source / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "--quiet", str(source)], check=True, capture_output=True, text=True)
    shutil.rmtree(source)  # the installed copy must not lean on the source tree

    shoptui = str(env_dir / "bin" / "shoptui")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTUI_")}
    env["HOME"] = str(tmp_path / "home")
    db = str(tmp_path / "shop.sqlite")

    def run(*args):
        return subprocess.run([shoptui, "--db", db, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)

    demo = run("demo", "--customers", "30", "--days", "10")
    assert demo.returncode == 0, demo.stderr
    check = run("check")
    assert check.returncode == 0, check.stdout + check.stderr
    report = run("report", "portrait", "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["customers_total"] == 30

    # Translations and styles are installed as package data.
    probe = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c",
         "import shoptui.i18n as i, screens, pathlib;"
         "i.set_language('vi'); print(i._('Customers'));"
         "print(sorted(p.name for p in pathlib.Path(screens.__file__).parent.glob('*.tcss')))"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    assert lines[0] != "Customers", "the Vietnamese catalog is not installed"
    assert "app.tcss" in lines[1]
    missing = run("--lang", "vi", "report", "nope")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
