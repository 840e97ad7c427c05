"""Reading back what the xlsx writer wrote: values with openpyxl; charts and formulas (which
openpyxl does not load) from the file itself, by following each sheet's relationships."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

# The month's workbook, sheet by sheet (tests/builders.py month_shop fills it).
SHEETS = [
    "Summary",
    "Sales by day",
    "Conversion by day",
    "Conversion by hour",
    "Customers",
    "Debts",
    "Points",
    "Portrait",
    "RFM segments",
    "RFM customers",
    "Win-back",
    "Receipts",
]

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "=1+1",
    "#N/A",
    "\x1b[31m",
    "\x00\x07",
    "[/]",
    "a\ufffeb\uffffc",
    "x" * 40_000,
]

REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


# -- reading a workbook back ---------------------------------------------------------------------


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part of ``part``."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    root = ElementTree.fromstring(archive.read(rels))
    targets = {}
    for r in root:
        target = r.get("Target")
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        targets[r.get("Id")] = posixpath.normpath(path)
    return targets


def sheet_parts(data: bytes) -> dict[str, str]:
    """Sheet name -> its worksheet part in the zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = _rels(archive, "xl/workbook.xml")
        ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
        return {s.get("name"): rels[s.get(REL)] for s in book.find("m:sheets", ns)}


def charts_by_sheet(data: bytes) -> dict[str, list[str]]:
    """Sheet name -> the XML of the charts its drawing shows (present in the file and referenced)."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, part in sheet_parts(data).items():
            charts = []
            for target in _rels(archive, part).values():
                if "/drawings/" in target:
                    for chart in _rels(archive, target).values():
                        assert chart in archive.namelist(), chart
                        charts.append(archive.read(chart).decode("utf-8"))
            found[name] = charts
    return found


def chart_facts(xml: str) -> tuple[str, list[str], list[str]]:
    """(kind such as "barChart", the cell ranges it plots, its series titles) of a chart's XML."""
    root = ElementTree.fromstring(xml)
    local = lambda element: element.tag.rsplit("}", 1)[-1]  # noqa: E731
    kinds = [local(e) for e in root.iter() if local(e).endswith("Chart") and local(e) != "chart"]
    refs = [e.text for e in root.iter() if local(e) == "f"]
    titles = [e.text for e in root.iter() if local(e) == "v"]
    return kinds[0], refs, titles


def formulas(data: bytes) -> list[str]:
    """Every <f> element of every sheet (a formula cell), as raw XML."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/sheet"):
                out += re.findall(r"<f[ >].*?</f>", archive.read(part).decode("utf-8"))
    return out


def values(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]
