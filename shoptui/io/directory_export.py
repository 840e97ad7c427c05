"""The customer directory written to a file (CSV or xlsx), as the directory screen shows
the list: a use case on the directory's list, above the reports and services it reads
(it moved here from ``services.directory`` so that services import no io).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from .. import files, phones
from ..i18n import N_, _
from ..reports import Money
from ..reports.render import csv_cell
from ..services import directory, settings
from ..services.context import Actor, require
from ..services.directory import Filters, Row, Sort

# -- the export ---------------------------------------------------------------------------------

# (key, heading, kind in the workbook): the columns of the directory, in its order.
EXPORT_COLUMNS = (
    ("code", N_("Code"), "text"),
    ("name", N_("Name"), "text"),
    ("phone", N_("Phone"), "text"),
    ("debt", N_("Debt"), "money"),
    ("total_sales", N_("Total sales"), "money"),
    ("last_purchase", N_("Last purchase"), "datetime"),
    ("points", N_("Points"), "int"),
    ("status", N_("Status"), "text"),
)
EXPORT_FORMATS = ("csv", "xlsx")


def export_format(path: str | Path) -> str:
    """The format a file name asks for: .xlsx is a workbook, anything else CSV."""
    return "xlsx" if str(path).lower().endswith(".xlsx") else "csv"


def export(
    path: str | Path,
    text: str = "",
    filters: Filters | None = None,
    sort: Sort | None = None,
    status_names: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    actor: Actor | None = None,
) -> int:
    """Write the list as the directory shows it to ``path`` (CSV or xlsx); the rows written.

    Exports are the owner's: the whole customer list with phone numbers leaves the shop.
    The file appears whole or not at all: it is written beside the target and renamed.
    """
    require(actor, "export")
    # Lazy: the xlsx writer loads openpyxl, which the directory screen must not pay for at start-up.
    from .xlsx import Book, Column

    target = files.check_output(path)
    currency = settings.currency()
    region = settings.region()
    names = status_names or {}
    done = 0

    def values(row: Row) -> list:
        nonlocal done
        done += 1
        if progress is not None and done % directory.EXPORT_BATCH == 0:
            progress(done)
        # As the screen and the reports show it: national form, typed text if unreadable.
        phone = phones.display(row.phone, region) if row.phone else row.phone_typed
        return [
            row.code,
            row.name,
            phone,
            Money(row.debt),
            Money(row.total_sales),
            row.last_purchase_at,
            row.points,
            names.get(row.status, row.status),
        ]

    def rows() -> Iterator[list]:
        for batch in directory.iter_rows(text, filters, sort):
            for row in batch:
                yield values(row)

    headings = [_(heading) for _key, heading, _kind in EXPORT_COLUMNS]
    with files.atomic_output(target) as partial:
        if export_format(target) == "xlsx":
            book = Book(currency, title=_("Customers"))
            columns = [Column(key, heading, kind) for (key, _h, kind), heading in zip(EXPORT_COLUMNS, headings)]
            book.table(_("Customers"), columns, rows())
            book.save(partial)
        else:
            # utf-8-sig: Excel opens a CSV with a byte-order mark as UTF-8 (Vietnamese names).
            with partial.open("w", newline="", encoding="utf-8-sig") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(headings)
                for cells in rows():
                    writer.writerow([csv_cell(cell, currency) for cell in cells])
    return done
