"""A report written out: the format chosen (a text table, JSON, CSV or an Excel sheet) and
the file the owner exports. Above the reports (``reports.render`` turns a report into text;
``io.report_xlsx`` into a workbook), so that the reports import no io.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import files
from ..i18n import _
from ..reports import load
from ..reports.query import ReportQuery
from ..reports.render import SECTION_HEADER, to_csv, to_json, to_table
from ..services import settings
from ..services.context import Actor, require

EXPORT_FORMATS = ("csv", "xlsx")


def to_xlsx(data: Mapping, currency: str, *args: Any, **kwargs: Any) -> bytes:
    """The report as a workbook, written by the one xlsx writer (shoptui.io.xlsx): the CSV's
    rows on the first sheet (money and ratios as real numbers), then a sheet per table
    (``report_xlsx.report_workbook``, which takes the same arguments)."""
    # Lazy: openpyxl is loaded only when a workbook is asked for (start-up speed of
    # ``report`` and the app).
    from .report_xlsx import report_workbook

    return report_workbook(data, currency, *args, **kwargs)


# -- choosing the format ----------------------------------------------------------------------


def render(
    data: Mapping,
    fmt: str,
    currency: str,
    *,
    title: str = "",
    labels: Mapping[str, str] | None = None,
    columns: Sequence[str] = (),
    translate_headers: bool = False,
) -> str | bytes:
    """The report in ``fmt``: text for table/json/csv, bytes for xlsx."""
    headers = None
    if translate_headers:
        words = {**{name: name for name in SECTION_HEADER}, **(labels or {})}
        headers = {key: _(text) for key, text in words.items()}
    if fmt == "json":
        return to_json(data, currency)
    if fmt == "csv":
        return to_csv(data, currency, columns, headers)
    if fmt == "xlsx":
        return to_xlsx(data, currency, columns, headers, title=_(title) if title else "", labels=labels)
    return to_table(data, currency, title, labels, columns)


# -- writing a report to a file -------------------------------------------------------------


def export_format(path: str | Path) -> str:
    """.xlsx writes a workbook; anything else CSV."""
    return "xlsx" if str(path).strip().lower().endswith(".xlsx") else "csv"


def export_report(
    name: str,
    query: ReportQuery,
    path: str | Path,
    actor: Actor | None = None,
    data: Mapping | None = None,
) -> Path:
    """Write report ``name`` to ``path`` (CSV or xlsx by its ending), as the command line
    writes it; the owner's right (``export``). ``data``: the report already built, when
    the caller holds all of it; otherwise it is built here in full (no page limit).

    The file appears whole or not at all: it is written beside the target and renamed.
    """
    require(actor, "export")
    target = files.check_output(str(path))
    spec = load(name)
    if data is None:
        options = {key: value for key, value in query.options.items() if key not in ("limit", "offset")}
        data = spec.build(ReportQuery(query.as_of, query.date_from, query.date_to, list(query.stores), options))
    fmt = export_format(target)
    output = render(
        data,
        fmt,
        settings.currency(),
        title=spec.title,
        labels=spec.labels,
        columns=spec.columns,
        translate_headers=True,
    )
    # utf-8-sig: Excel opens a CSV with a byte-order mark as UTF-8 (Vietnamese names).
    return files.write_output(target, output, encoding="utf-8-sig")
