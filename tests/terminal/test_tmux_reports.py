"""The Reports screen in a real terminal (tmux) at 80×24: opened by its key, a report run,
its figures read off the screen, the chart tab drawn, Escape back to the directory."""

from __future__ import annotations

import re

import pytest

from shoptui.reports.portrait import portrait
from shoptui.reports.query import ReportQuery
from shoptui.services import checkout, customers
from shoptui.services.sale_quote import SaleInput

from .tmux import SHOPTUI

pytestmark = pytest.mark.terminal


def figure(screen: str, label: str) -> str | None:
    """The value shown with ``label``: beside it, or under it when the key figures are laid
    out as a grid (the dashboard picks its layout from the width it is given)."""
    lines = screen.splitlines()
    for i, line in enumerate(lines):
        at = line.find(label + " ")
        if at < 0:
            continue
        beside = re.match(r"\s+(\S+)", line[at + len(label) :])
        if beside and not beside.group(1)[0].isalpha():
            return beside.group(1)
        below = lines[i + 1][at:].split() if i + 1 < len(lines) else []
        return below[0] if below else None
    return None


def test_a_report_run_and_read_in_an_80_by_24_terminal(terminal, database, db_path):
    for name, amount in (("Nguyễn Văn An", 120_000), ("Trần Bình", 80_000), ("[bold]Hoa[/]", 50_000)):
        customer = customers.register({"name": name}).customer
        checkout.record_sale(SaleInput(customer=customer, amount=amount))
    expected = portrait(ReportQuery())

    terminal.start([str(SHOPTUI), "--db", str(db_path)], 80, 24)
    terminal.wait_for(lambda s: "Nguyễn Văn An" in s, "the directory")
    terminal.keys("C-t")
    terminal.wait_for(lambda s: "Customer portrait" in s and "Choose a report" in s, "the list of reports")
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "F2" in s or "Stores" in s, "the portrait's parameters")
    terminal.keys("F5")
    screen = terminal.wait_for(lambda s: "Done in" in s, "the portrait")
    text = screen.replace("\xa0", " ")
    assert "₫250,000" in text and expected["revenue"] == 250_000
    assert figure(text, "Receipts") == "3" and figure(text, "Customers") == "3", text
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Choose a report" in s, "back to the list")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Nguyễn Văn An" in s and "Choose a report" not in s, "back to the directory")
    terminal.keys("C-q")
    assert terminal.exit_status(timeout=10) == 0
