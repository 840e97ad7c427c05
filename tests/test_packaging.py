"""A plain (not editable) ``pip install .`` gives a working ``shoptui`` with its data files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tracked_files() -> list[str]:
    """What git tracks (plus the working copy's new files), as a clone would have it."""
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [name for name in files.stdout.splitlines() if (ROOT / name).is_file()]


def copy_source(target: Path) -> None:
    for name in tracked_files():
        dst = target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dst)


def test_the_wheel_carries_every_screens_package_and_stylesheet(tmp_path):
    """Every module and ``.tcss`` of screens/ (its feature packages included) and of
    hardware/ is in the wheel; so is a stylesheet put beside a screen in a subpackage."""
    source = tmp_path / "src"
    copy_source(source)
    (source / "screens" / "widgets" / "probe.tcss").write_text("Static { color: red; }\n")
    wheels = tmp_path / "wheels"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = wheels.glob("shoptui-*.whl")
    carried = set(zipfile.ZipFile(wheel).namelist())

    wanted = {
        name
        for name in tracked_files()
        if name.startswith(("screens/", "hardware/")) and name.endswith((".py", ".tcss"))
    }
    assert "screens/app.tcss" in wanted and "hardware/scan_detector.py" in wanted
    packages = {str(path.parent.relative_to(ROOT)) for path in (ROOT / "screens").rglob("__init__.py")}
    assert {"screens", "screens/till", "screens/reports", "screens/widgets"} <= packages
    assert {f"{package}/__init__.py" for package in packages} <= wanted, "a screens folder is not a package"
    assert sorted(wanted - carried) == []
    assert "screens/widgets/probe.tcss" in carried


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_gives_a_working_command(tmp_path):
    source = tmp_path / "src"
    copy_source(source)
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
        return subprocess.run(
            [shoptui, "--db", db, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
        )

    demo = run("demo", "--customers", "30", "--days", "10")
    assert demo.returncode == 0, demo.stderr
    check = run("check")
    assert check.returncode == 0, check.stdout + check.stderr
    report = run("report", "portrait", "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["customers_total"] == 30

    # Translations and styles are installed as package data.
    probe = subprocess.run(
        [
            str(env_dir / "bin" / "python"),
            "-c",
            "import shoptui.i18n as i, screens, pathlib;"
            "i.set_language('vi'); print(i._('Customers'));"
            "print(sorted(str(p.relative_to(pathlib.Path(screens.__file__).parent)) for p in pathlib.Path(screens.__file__).parent.rglob('*.tcss')))",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    assert lines[0] != "Customers", "the Vietnamese catalog is not installed"
    assert "app.tcss" in lines[1]
    missing = run("--lang", "vi", "report", "nope")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
