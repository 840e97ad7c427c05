"""``shoptui check``: exit 0 when every invariant holds, else 1 with one line per problem."""

from __future__ import annotations

from pathlib import Path

from ..i18n import _, ngettext
from ..limits import cli_limit
from . import add_command


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "check",
        run,
        _("check the database and every ledger invariant"),
        _(
            "Check the database file and every ledger rule: balances equal the sums of their entries, "
            "payments equal receipt totals, returns never exceed their sale, no card is bound twice, "
            "no ledger entry or audit row was edited, deleted or inserted behind the program's back, and more. "
            "Prints each problem on its own line and exits with status 1, or prints that all checks passed. "
            "Example: shoptui check"
        ),
    )
    parser.add_argument(
        "--limit", type=cli_limit, default=20, metavar="N", help=_("list at most N problems of each kind (default: 20)")
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=_("check the SQLite file faster, without comparing every index with its table"),
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help=_("walk the hash chains of the ledgers and the audit log from their first row, not from the last check"),
    )
    parser.add_argument(
        "--against",
        type=Path,
        metavar="BACKUP",
        help=_(
            "also prove, against a backup kept away from the till, that no rows were cut off "
            "the end of a ledger since that backup (walks the chains from their first row)"
        ),
    )


def run(args) -> int:
    import sys

    from ..check import run_checks, warnings
    from ..cli import open_db
    from ..errors import UsageError

    if args.limit < 1:
        raise UsageError(_("--limit must be at least 1."))
    open_db(args, writes=False)  # its own writes: the chains' checkpoints, once walked
    problems = run_checks(limit=args.limit, quick=args.quick, full=args.full or args.against is not None)
    if args.against is not None:
        from .. import db as dbmod
        from ..chain_anchor import anchor_breaks

        url = dbmod.resolve_url(args.db)
        problems += anchor_breaks(args.against, dbmod.sqlite_path(url) if dbmod.is_sqlite(url) else None)
    for warning in warnings(limit=args.limit):
        print(_("warning: {message}").format(message=warning.message), file=sys.stderr)
    if not problems:
        print(_("all checks passed"))
        return 0
    for problem in problems:
        print(problem.message)
    print(ngettext("{n} problem found.", "{n} problems found.", len(problems)).format(n=len(problems)), file=sys.stderr)
    return 1
