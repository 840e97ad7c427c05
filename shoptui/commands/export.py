"""``shoptui export month YYYY-MM -o FILE.xlsx``: the owner's month-end workbook.

Progress goes to standard error (a bar on a terminal, nothing when redirected); the
path written and the sheets of reports not built yet are said there too, so standard
output stays empty for scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..i18n import _
from . import add_command

if TYPE_CHECKING:  # rich itself is loaded only when a bar is shown
    from rich.progress import Progress, TaskID


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "export",
        None,
        _("export the month to Excel"),
        _(
            "Write the owner's month-end workbook: the month's figures against the month before and a year "
            "before, sales and conversion by day, new customers, debts and points, the portrait and the "
            "month's receipts. Example: shoptui export month 2025-03 -o march.xlsx"
        ),
    )
    what = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    month = what.add_parser("month", help=_("one month in one workbook"))
    month.add_argument("month", metavar="YYYY-MM", help=_("the month, such as 2025-03"))
    month.add_argument("-o", "--output", metavar="FILE", required=True, help=_("the .xlsx file to write"))
    month.add_argument("--no-progress", action="store_true", help=_("do not show a progress bar"))
    month.set_defaults(func=run)


def run(args) -> int:
    from .. import db as dbmod
    from ..cli import open_db, system_actor
    from ..io.month_export import Month, check_target, export_month

    month = Month.parse(args.month)  # a bad month is bad usage, before anything is opened
    target = Path(args.output)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(_("The month is written as an Excel file: give -o a name ending in .xlsx."))
    check_target(target, database=dbmod.resolve_url(args.db))
    actor = system_actor(open_db(args, writes=False))
    with progress_bar(enabled=not args.no_progress and sys.stderr.isatty()) as show:
        result = export_month(month, target, progress=show, actor=actor)
    print(
        _("Wrote {path}: {sheets} sheets, {rows} receipt rows.").format(
            path=target, sheets=len(result.sheets), rows=result.rows
        ),
        file=sys.stderr,
    )
    return 0


class progress_bar:
    """A rich progress bar on standard error, fed by the export's (stage, done, total) calls."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self):
        if not self.enabled:
            return lambda stage, done, total: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task("", total=None)
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        assert self.progress is not None and self.task is not None  # __enter__ started the bar
        self.progress.update(self.task, description=stage, completed=done, total=total or None)

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()
        return False
