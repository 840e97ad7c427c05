"""``shoptui report NAME [--as-of DATE] [--from DATE] [--to DATE] [--store CODE]...
[--format table|json|csv|xlsx] [-o FILE]``."""

from __future__ import annotations

import sys

from ..errors import UsageError
from ..i18n import _
from ..limits import cli_date, cli_days, cli_limit
from ..reports import REPORT_NAMES
from ..reports.render import FORMATS
from . import add_command

# rfm, winback and birthdays options, passed on as typed (argparse names).
LIST_OPTIONS = ("details", "segment", "days", "month", "factor", "min_days", "limit")


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "report",
        run,
        _("print a report"),
        _(
            "Print a report as of a day (default: today), optionally for a period and some stores. "
            "Example: shoptui report portrait --as-of 2025-03-31 --format json"
        ),
    )
    parser.add_argument(
        "name", metavar="NAME", choices=REPORT_NAMES, help=_("one of: {names}").format(names=", ".join(REPORT_NAMES))
    )
    parser.add_argument(
        "--as-of", type=cli_date, metavar="DATE", help=_("the report sees nothing after this day (default: today)")
    )
    parser.add_argument("--from", dest="date_from", type=cli_date, metavar="DATE", help=_("first day of the period"))
    parser.add_argument("--to", dest="date_to", type=cli_date, metavar="DATE", help=_("last day of the period"))
    parser.add_argument(
        "--store", dest="stores", action="append", default=[], metavar="CODE", help=_("only this store (may repeat)")
    )
    parser.add_argument("--format", choices=FORMATS, default="table", help=_("output format (default: table)"))
    parser.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of the screen"))
    # Options of single reports; the others ignore them.
    parser.add_argument("--by", choices=("day", "hour"), help=_("conversion: one row per day or per hour"))
    parser.add_argument("--product", metavar="SKU", help=_("buyers: the product bought"))
    parser.add_argument("--details", action="store_true", help=_("rfm: one row per customer as well"))
    parser.add_argument("--segment", metavar="NAME", help=_("rfm: only the customers of this segment (e.g. at_risk)"))
    parser.add_argument("--days", metavar="N", help=_("birthdays: the N days from the as-of day (default: 7)"))
    parser.add_argument("--month", metavar="M", help=_("birthdays: the whole month M (1-12) instead"))
    parser.add_argument("--factor", metavar="X", help=_("winback: late after X times the usual interval (default: 2)"))
    parser.add_argument(
        "--min-days", type=cli_days, metavar="N", help=_("winback: late from N days since the last purchase instead")
    )
    parser.add_argument("--limit", type=cli_limit, metavar="N", help=_("lists: at most N rows"))


def run(args) -> int:
    from .. import db as dbmod
    from .. import files, reports
    from ..cli import open_db
    from ..io.report_output import render
    from ..reports.query import ReportQuery
    from ..services import settings

    if args.format == "xlsx" and not args.output:
        raise UsageError(_("An Excel report needs a file: add -o FILE.xlsx."))
    if args.output:  # refused before the report is built (and never the database's own files)
        files.check_output(args.output, database=dbmod.resolve_url(args.db))
    spec = reports.load(args.name)  # before opening the database: an unbuilt report is said at once
    options = {key: value for key, value in (("by", args.by), ("product", args.product)) if value is not None}
    # Checked by the reports themselves, so that the screen's values get the same messages.
    options.update({key: getattr(args, key) for key in LIST_OPTIONS if getattr(args, key) not in (None, False)})
    open_db(args, writes=False)
    as_of = {"as_of": args.as_of} if args.as_of is not None else {}
    query = ReportQuery(
        **as_of, date_from=args.date_from, date_to=args.date_to, stores=list(args.stores), options=options
    )
    data = spec.build(query)
    output = render(
        data,
        args.format,
        settings.currency(),
        title=spec.title,
        labels=spec.labels,
        columns=spec.columns,
        # Scripts read the English keys; translated headers only for a language asked for.
        translate_headers=bool(getattr(args, "lang", None)),
    )
    if args.output:
        files.write_output(args.output, output)
    else:
        assert isinstance(output, str)  # an Excel report (bytes) needs -o: refused above
        sys.stdout.write(output)
    return 0
