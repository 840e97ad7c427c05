"""Reports: one pure function per report, ``report(query: ReportQuery) -> dict``.

A report returns plain data (dicts, lists, ints, dates). Amounts of money are
``Money`` (an int of minor units that renderers recognise) and ratios are
``Share`` (a float that tables show as a percent), so that one renderer
(``render.py``) serves every report in every format.

A report module may also define ``TITLE`` (N_-marked), ``LABELS`` (key -> N_-marked
label for tables and translated headers) and, for reports that return
``{"rows": [...]}``, ``COLUMNS`` (so that an empty result still has a CSV header).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field


class Money(int):
    """An amount in minor units of the shop currency, marked for the renderers."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Money({int(self)})"


class Share(float):
    """A ratio between 0 and 1 (a share or a conversion rate), marked for the renderers."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Share({float(self)})"


# Every report the command line knows (SPEC: the command line), in its order.
REPORT_NAMES = (
    "portrait",
    "conversion",
    "rfm",
    "winback",
    "birthdays",
    "debtors",
    "points",
    "buyers",
    "discounts",
    "surveys",
)

# Where each report is built, as "module:function". Adding a report is one line here
# (and its name in REPORT_NAMES).
BUILDERS = {
    "portrait": "shoptui.reports.portrait:portrait",
    "conversion": "shoptui.reports.conversion:conversion",
    "rfm": "shoptui.reports.rfm:rfm",
    "winback": "shoptui.reports.winback:winback",
    "birthdays": "shoptui.reports.birthdays:birthdays",
    "debtors": "shoptui.reports.debtors:debtors",
    "points": "shoptui.reports.points:points",
    "buyers": "shoptui.reports.buyers:buyers",
    "discounts": "shoptui.reports.discounts:discounts",
    "surveys": "shoptui.reports.surveys:surveys",
}


@dataclass(frozen=True)
class ReportSpec:
    name: str
    build: Callable[..., dict]
    title: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


def load(name: str) -> ReportSpec:
    """The report ``name`` (one of REPORT_NAMES) with what its renderers need."""
    module_name, function_name = BUILDERS[name].split(":")
    module = importlib.import_module(module_name)
    return ReportSpec(
        name=name,
        build=getattr(module, function_name),
        title=getattr(module, "TITLE", name),
        labels=dict(getattr(module, "LABELS", {})),
        columns=tuple(getattr(module, "COLUMNS", ())),
    )
