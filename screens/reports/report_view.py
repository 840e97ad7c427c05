"""What a report's data looks like on screen, whatever its shape (see reports/render.py):

- rows (``{"rows": [...]}``): one sortable table, the "List" tab;
- sections (dicts, as the portrait's): the figures in one table, then a table per section
  (a section of dicts, as visit buckets, has a row per key and a column per figure);
- charts where the report has them (``screens.reports.report_charts``), in a "Chart" tab;
- a report with its own dashboard (the portrait) shows that instead.

Keys every report carries about how it was asked (as-of, period, stores, currency) are
not repeated here: the form above shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from shoptui.i18n import _
from shoptui.reports.query import ReportQuery

from ..text import Formats, content
from .result_table import MAX_DRAWN, Column, ResultTable, column_cell, columns_for, key_names

# How the report was asked for: already on the form.
ASKED = frozenset({"as_of", "date_from", "date_to", "stores", "currency", "rows", "rows_total"})


def _charts_module():
    """The charts, when their module is there (it is built beside this one)."""
    try:
        from . import report_charts
    except ImportError:
        return None
    return report_charts


def charts_for(name: str, data: Mapping, query: ReportQuery) -> list[Widget]:
    module = _charts_module()
    if module is None or not hasattr(module, "charts_for"):
        return []
    try:
        return list(module.charts_for(name, data, query) or [])
    except Exception:  # a chart that cannot be drawn must not hide the figures
        return []


def dashboard_for(name: str, data: Mapping, formats: Formats) -> Widget | None:
    module = _charts_module()
    if module is None or not hasattr(module, "dashboard_for"):
        return None
    try:
        return module.dashboard_for(name, data, formats)
    except Exception:
        return None


def has_rows(data: Mapping) -> bool:
    return isinstance(data.get("rows"), list)


class ReportView(Vertical):
    """The result of one run; ``label(key)`` translates the report's keys."""

    DEFAULT_CSS = """
    ReportView {
        height: 1fr;
    }
    ReportView TabbedContent, ReportView ContentSwitcher, ReportView TabPane {
        height: 1fr;
    }
    ReportView .section-title {
        text-style: bold;
        margin: 1 0 0 0;
    }
    ReportView .report-empty {
        color: $text-muted;
        padding: 1 2;
    }
    """

    def __init__(
        self,
        name: str,
        data: Mapping,
        query: ReportQuery,
        formats: Formats,
        label: Callable[[str], str],
        columns: Sequence[str] = (),
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.report_name = name
        self.data = data
        self.query_asked = query
        self.formats = formats
        self.label = label
        self.column_names = list(columns)
        self.formatted: dict[int, tuple] = {}  # the list's first cells, formatted by the worker

    def compose(self) -> ComposeResult:
        dashboard = dashboard_for(self.report_name, self.data, self.formats)
        if dashboard is not None:
            yield dashboard
            return
        charts = charts_for(self.report_name, self.data, self.query_asked)
        with TabbedContent(id="report-tabs"):
            if has_rows(self.data):
                with TabPane(_("List"), id="tab-list"):
                    yield from self.compose_rows()
            if self.figures() or self.sections():
                with TabPane(_("Figures"), id="tab-figures"):
                    with VerticalScroll():
                        yield from self.compose_sections()
            if charts:
                with TabPane(_("Chart"), id="tab-chart"):
                    with VerticalScroll():
                        yield from charts

    # -- the list --------------------------------------------------------------------------

    def compose_rows(self) -> ComposeResult:
        rows = self.data["rows"]
        if not rows:
            yield Static(content(_("Nothing to show for these choices.")), classes="report-empty")
            return
        names = list_columns(self.data, self.column_names)
        table = ResultTable(columns_for(names, rows, self.label), rows, self.formats, id="report-rows")
        table.formatted_ahead(self.formatted)
        yield table

    # -- figures and sections ----------------------------------------------------------------

    def figures(self) -> list[tuple[str, Any]]:
        return [
            (key, value)
            for key, value in self.data.items()
            if key not in ASKED and not isinstance(value, (Mapping, list))
        ]

    def sections(self) -> list[tuple[str, Mapping]]:
        return [(key, value) for key, value in self.data.items() if key not in ASKED and isinstance(value, Mapping)]

    def compose_sections(self) -> ComposeResult:
        figures = self.figures()
        if figures:
            yield pairs_table(figures, self.formats, self.label, id="report-figures")
        for index, (key, section) in enumerate(self.sections()):
            yield Static(content(self.label(key)), classes="section-title")
            yield section_table(section, self.formats, self.label, id=f"report-section-{index}")


def list_columns(data: Mapping, columns: Sequence[str] = ()) -> list[str]:
    """The columns of a report's list, as the table shows them."""
    rows = data["rows"]
    names = list(columns) or (list(rows[0]) if rows else [])
    # conversion by day: the hour is always empty
    return [name for name in names if name != "hour" or any(row.get("hour") is not None for row in rows)]


def format_ahead(data: Mapping, columns: Sequence[str], formats: Formats) -> dict[int, tuple]:
    """The cells of the rows a table draws first, formatted off the UI thread (Babel is slow)."""
    if not has_rows(data) or not data["rows"]:
        return {}
    names = list_columns(data, columns)
    keys = key_names()
    return {
        id(row): tuple(column_cell(name, row.get(name), formats, keys) for name in names)
        for row in data["rows"][:MAX_DRAWN]
    }


def pairs_table(pairs: Sequence[tuple[str, Any]], formats: Formats, label, **kwargs) -> ResultTable:
    rows = [{"key": label(key), "value": value} for key, value in pairs]
    return ResultTable([Column("key", ""), Column("value", "", numeric=True)], rows, formats, **kwargs)


def section_table(section: Mapping, formats: Formats, label, **kwargs) -> ResultTable:
    """A section of figures as key/value rows, or of dicts as a row per key."""
    inner = [value for value in section.values() if isinstance(value, Mapping)]
    if not inner:
        return pairs_table(list(_flat(section)), formats, label, **kwargs)
    names = list(dict.fromkeys(name for value in inner for name in value))
    rows = [
        {"key": label(key), **(value if isinstance(value, Mapping) else {"value": value})}
        for key, value in section.items()
    ]
    columns = [Column("key", "")] + columns_for(names, rows, label)
    return ResultTable(columns, rows, formats, **kwargs)


def _flat(section: Mapping, prefix: str = ""):
    for key, value in section.items():
        if isinstance(value, Mapping):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value
