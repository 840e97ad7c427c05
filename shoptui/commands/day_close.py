"""``shoptui day-close [--date YYYY-MM-DD] [--user NAME] [--store CODE] [--format table|csv] [-o FILE]``:
the Day close screen's figures (``services/day_close.figures``) on the command line."""

from __future__ import annotations

import io
import sys

from ..i18n import _
from ..limits import cli_date
from . import add_command


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "day-close",
        run,
        _("the day's receipts, returns, debt payments and payments by method"),
        _(
            "Print what was taken in one day, as the Day close screen shows it: for one user "
            "or everyone, in one store or all. Debt payments are not recorded per store, so "
            "--store narrows the receipts only. Example: shoptui day-close --date 2025-03-01 --user lan --format csv"
        ),
    )
    parser.add_argument("--date", type=cli_date, metavar="YYYY-MM-DD", help=_("the day (default: today)"))
    parser.add_argument(
        "--user", metavar="NAME", help=_("only this user's receipts and debt payments (default: everyone)")
    )
    parser.add_argument("--store", metavar="CODE", help=_("only this store's receipts (default: every store)"))
    parser.add_argument("--format", choices=("table", "csv"), default="table", help=_("output format (default: table)"))
    parser.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))


def run(args) -> int:
    from .. import clock, files
    from .. import db as dbmod
    from ..cli import open_db
    from ..services import day_close, stores, users

    if args.output:
        files.check_output(args.output, database=dbmod.resolve_url(args.db))
    open_db(args, writes=False)
    user_id = users.get_user(args.user).id if args.user else None
    store_id = stores.get_store(args.store).id if args.store else None
    report = day_close.day_close(args.date or clock.today(), user_id, store_id)
    out = io.StringIO()
    if args.format == "csv":
        day_close.write_rows(report, out)
    else:
        out.write(table(report))
    if args.output:
        files.write_output(args.output, out.getvalue())
    else:
        sys.stdout.write(out.getvalue())
    return 0


def table(report) -> str:
    """The figures as the screen lays them out: label, count, amount in the shop's money."""
    from babel.numbers import format_decimal

    from ..i18n import babel_locale
    from ..services import day_close, settings
    from ..services.amounts import shown

    currency, locale = settings.currency(), babel_locale()
    lines = [day_close.title(report), ""]
    section = "receipts"
    for figure in day_close.figures(report):
        if figure.section != section and figure.section in day_close.SECTION_TITLES:
            lines += ["", _(day_close.SECTION_TITLES[figure.section])]
        section = figure.section
        count = "" if figure.count is None else format_decimal(figure.count, locale=locale)
        lines.append(f"{figure.label:<28}{count:>8}  {shown(figure.amount, currency):>18}".rstrip())
    return "\n".join(lines) + "\n"
