"""Any report as a workbook (``shoptui report NAME --format xlsx -o FILE``), through the
one xlsx writer: the CSV's rows on the first sheet, then a sheet per table of the report,
with a chart where one helps (the portrait's histograms, conversion by day per store).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from ..i18n import _
from ..reports.grid import SECTION_HEADER, grid, is_rows, sections
from .xlsx import Book, Chart, Column, column_kind


def label_of(key: Any, labels: Mapping[str, str] | None) -> str:
    """A report key as a person reads it: its translated label, else the key itself."""
    if labels and key in labels:
        return _(labels[key])
    return str(key)


def report_workbook(
    data: Mapping,
    currency: str,
    columns: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
    title: str = "",
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """Any report as a workbook: its rows in one table, or its sections one table a sheet.

    The first sheet keeps the shape of the CSV (the same rows, ``section,key,value`` for
    a report with sections) so scripts read one layout; the sheets after it are for people.
    """
    book = Book(currency, title=title or _("Report"))
    sheet_title = title or "report"
    if is_rows(data):
        rows = data["rows"]
        names = list(columns) or (list(rows[0]) if rows else [])
        cols = [
            Column(name, headers.get(name, name) if headers else name, column_kind(r.get(name) for r in rows))
            for name in names
        ]
        book.table(sheet_title, cols, ([r.get(n) for n in names] for r in rows), chart=_rows_chart(cols, rows, labels))
        return book.to_bytes()
    table = grid(data, (), headers)
    header, body = table[0], table[1:]
    kinds = ("text", "text", "auto")
    book.table(sheet_title, [Column(k, h, kind) for k, h, kind in zip(SECTION_HEADER, header, kinds)], body)
    for sheet_name, cols, rows, chart in section_tables(data, labels):
        book.table(sheet_name, cols, rows, chart=chart)
    return book.to_bytes()


def _rows_chart(columns: Sequence[Column], rows: Sequence[Mapping], labels) -> Chart | None:
    """A line chart of a report's ratios by day (conversion), one line per store."""
    keys = [c.key for c in columns]
    shares = [c.key for c in columns if c.kind == "share"]
    if "date" not in keys or not shares or len(rows) < 2:
        return None
    if "hour" in keys and any(r.get("hour") is not None for r in rows):
        return None
    group = None
    if "store" in keys:
        stores = [r.get("store") for r in rows]
        runs = [k for k, _g in itertools.groupby(stores)]
        if len(runs) != len(set(runs)):
            return None  # the rows of a store are not together: no line per store
        group = "store" if len(runs) > 1 else None
    if group:
        return Chart("line", label_of(shares[0], labels), "date", (shares[0],), group_by=group, percent=True)
    return Chart("line", label_of(shares[0], labels), "date", tuple(shares), percent=True)


def section_tables(data: Mapping, labels: Mapping[str, str] | None):
    """(sheet name, columns, rows, chart) for the scalars and for each section of a report.

    A section of dicts (visit buckets) is a table with one row per key; a section of
    figures (gender, age bands) a two-column table; both get a bar chart of their first
    count column when they have more than one row.
    """
    scalars = [(k, v) for k, v in data.items() if not isinstance(v, Mapping)]
    key_header, value_header = _("Key"), _("Value")
    if scalars:
        yield (
            _("Summary"),
            [Column("key", key_header), Column("value", value_header, "auto")],
            [[label_of(k, labels), v] for k, v in scalars],
            None,
        )
    for key, section, names in sections(data):
        name = label_of(key, labels)
        if names is not None:
            inner = [v for v in section.values() if isinstance(v, Mapping)]
            cols = [Column("key", name)] + [
                Column(n, label_of(n, labels), column_kind(v.get(n) for v in inner)) for n in names
            ]
            rows = [
                [label_of(k, labels)] + [v.get(n) if isinstance(v, Mapping) else None for n in names]
                for k, v in section.items()
            ]
            counts = [c.key for c in cols[1:] if c.kind == "int"]
            chart = Chart("bar", name, "key", (counts[0],)) if counts and len(rows) > 1 else None
            yield name, cols, rows, chart
        else:
            kind = column_kind(section.values())
            cols = [Column("key", name), Column("value", value_header, kind)]
            rows = [[label_of(k, labels), v] for k, v in section.items()]
            chart = Chart("bar", name, "key", ("value",)) if kind == "int" and len(rows) > 1 else None
            yield name, cols, rows, chart
