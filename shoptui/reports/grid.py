"""The rows a report's CSV file or first sheet holds, for both writers (``render``'s CSV
and ``io.report_xlsx``); a module of its own, so the xlsx writer does not import ``render``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..i18n import N_

SECTION_HEADER = (N_("section"), N_("key"), N_("value"))
SUMMARY = "summary"


def is_rows(data: Mapping) -> bool:
    return isinstance(data.get("rows"), list)


def flatten(data: Mapping, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """(dotted key, value) for every scalar of a nested dict."""
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            yield from flatten(value, path)
        else:
            yield path, value


def sections(data: Mapping) -> Iterator[tuple[Any, Mapping, list[Any] | None]]:
    """(key, section, names) for each section of a report (a mapping among its values), in
    order. ``names``: for a section of mappings (visit buckets), their keys in the order they
    first come, one column each; None for a section of plain figures (key and value)."""
    for key, section in data.items():
        if not isinstance(section, Mapping):
            continue
        inner = [v for v in section.values() if isinstance(v, Mapping)]
        yield key, section, (list(dict.fromkeys(n for v in inner for n in v)) if inner else None)


def section_rows(data: Mapping) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            rows.extend([key, sub_key, sub_value] for sub_key, sub_value in flatten(value))
        else:
            rows.append([SUMMARY, key, value])
    return rows


def grid(data: Mapping, columns: Sequence[str] = (), headers: Mapping[str, str] | None = None) -> list[list[Any]]:
    """The header row and the data rows a CSV file or a sheet holds."""
    if is_rows(data):
        rows = data["rows"]
        names = list(columns) or (list(rows[0]) if rows else [])
        header = [headers.get(name, name) if headers else name for name in names]
        return [header] + [[row.get(name) for name in names] for row in rows]
    header = [headers.get(name, name) if headers else name for name in SECTION_HEADER]
    return [header] + section_rows(data)
