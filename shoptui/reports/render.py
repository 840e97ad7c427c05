"""One renderer for every report: a text table, JSON, CSV and an Excel sheet.

A report is plain data. Two shapes are understood:
- sections (portrait): a dict of scalars and of dicts (nested as deep as needed);
  CSV flattens it to ``section,key,value`` rows (top-level scalars go in ``summary``);
- rows: ``{"rows": [{column: value, ...}, ...]}``; the report's ``COLUMNS`` give the
  CSV header when there are no rows.

Money is recognised by its type (``reports.Money``), ratios by ``reports.Share``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..i18n import _, babel_locale
from ..money import as_string
from ..services.amounts import shown
from ..textsafe import show_hidden
from . import Money, Share
from .grid import SECTION_HEADER, SUMMARY, flatten, grid, is_rows, section_rows, sections  # noqa: F401 (re-exported)

FORMATS = ("table", "json", "csv", "xlsx")

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


# -- JSON ------------------------------------------------------------------------------------


def plain(value: Any, currency: str) -> Any:
    """JSON-ready data: money as a decimal string in the major unit, dates in ISO 8601."""
    if isinstance(value, Money):
        return as_string(int(value), currency)
    if isinstance(value, Mapping):
        return {str(k): plain(v, currency) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v, currency) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Share):
        return float(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def to_json(data: Mapping, currency: str) -> str:
    return json.dumps(plain(data, currency), ensure_ascii=False, indent=2) + "\n"


# -- CSV and Excel share their rows ------------------------------------------------------------


def csv_cell(value: Any, currency: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return as_string(int(value), currency)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return str(float(value))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    # Lines end in \n (shell-friendly); the csv module quotes a cell only for the
    # line terminator's characters, so a lone \r must become \n to be quoted.
    return neutralise(str(value)).replace("\r\n", "\n").replace("\r", "\n")


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading quote; a number stays a number."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def to_csv(data: Mapping, currency: str, columns: Sequence[str] = (), headers: Mapping[str, str] | None = None) -> str:
    """CSV with a header row always, also when there is no data.

    ``headers`` maps column names to the words written in the header row (translated
    only when the user asked for a language); by default the stable English keys.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in grid(data, columns, headers):
        writer.writerow([csv_cell(value, currency) for value in row])
    return out.getvalue()


# -- the terminal table ------------------------------------------------------------------------


def display(value: Any, currency: str) -> str:
    """A value as a person reads it in the interface language."""
    from babel.numbers import format_decimal, format_percent

    locale = babel_locale()
    if value is None:
        return "—"
    if isinstance(value, Money):
        return shown(int(value), currency)
    if isinstance(value, Share):
        return format_percent(float(value), "#,##0.#%", locale=locale)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float, Decimal)):
        return format_decimal(value, locale=locale)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(show_hidden(str(v)) for v in value) or "—"
    return show_hidden(str(value))  # a terminal shows what a name is (shoptui.textsafe)


def to_table(
    data: Mapping, currency: str, title: str = "", labels: Mapping[str, str] | None = None, columns: Sequence[str] = ()
) -> str:
    """Aligned plain text for the terminal (plain, so it pipes into files and mail unchanged)."""
    labels = labels or {}

    def label(key: str) -> str:
        return _(labels[key]) if key in labels else str(key)

    blocks: list[str] = [_(title)] if title else []
    if is_rows(data):
        names = list(columns) or (list(data["rows"][0]) if data["rows"] else [])
        body = [[display(row.get(name), currency) for name in names] for row in data["rows"]]
        blocks.append(_layout([label(n) for n in names], body) if body else _("No data."))
        return "\n\n".join(blocks) + "\n"
    pairs = [(label(k), display(v, currency)) for k, v in data.items() if not isinstance(v, Mapping)]
    if pairs:
        blocks.append(_pairs(pairs))
    for key, section, inner in sections(data):
        if inner is not None:
            body = [[label(k)] + [display(v.get(n), currency) for n in inner] for k, v in section.items()]
            blocks.append(label(key) + "\n" + _layout([""] + [label(n) for n in inner], body, indent="  "))
        else:
            blocks.append(
                label(key) + "\n" + _pairs([(label(k), display(v, currency)) for k, v in section.items()], indent="  ")
            )
    return "\n\n".join(blocks) + "\n"


def _pairs(pairs: list[tuple[str, str]], indent: str = "") -> str:
    width = max(len(name) for name, _value in pairs)
    return "\n".join(f"{indent}{name.ljust(width)}  {value}" for name, value in pairs)


def _layout(header: list[str], body: list[list[str]], indent: str = "") -> str:
    """Columns padded to their widest cell; the first column left-aligned, the others right."""
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
        return (indent + "  ".join(cells)).rstrip()

    return "\n".join(line(row) for row in [header] + body)
