"""``shoptui import customers|sales|visits|products FILE [--dry-run] [--create-customers]``.

Everything the import says goes to standard output in file order: a warning about
unknown columns (once), one line per rejected row (``row N: reason``) or warning
(``row N: warning: ...``), then the summary as the very last line:
``imported N, updated U, unchanged M, rejected K``. Exit status 1 when a row was
rejected, else 0. A file that cannot be read at all is one sentence on standard
error, exit 1, like every other error of the command line.
"""

from __future__ import annotations

from ..i18n import _
from ..io.importer import KINDS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import",
        help=_("import customers, sales, visitor counts or products from CSV or Excel"),
        description=_(
            "Import a .csv or .xlsx file whose first row names the columns (English, Vietnamese, Russian or "
            "German names). Bad rows are listed with their row number and skipped; the last line sums up. "
            "Importing the same file again adds nothing. "
            "Example: shoptui import customers khach_hang.csv && shoptui import sales hoa_don.csv"
        ),
    )
    parser.add_argument("kind", choices=KINDS, help=_("what the file holds"))
    parser.add_argument("file", help=_("the .csv or .xlsx file"))
    parser.add_argument("--dry-run", action="store_true", help=_("check the file and report, but write nothing"))
    parser.add_argument(
        "--create-customers", action="store_true",
        help=_("sales: register a customer the shop does not know yet instead of rejecting the row"),
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from ..cli import open_db
    from ..io.importer import import_sheet
    from ..io.readers import open_sheet

    # The file first: an unreadable file must not leave a new empty database behind.
    sheet = open_sheet(args.file)
    open_db(args)

    def emit(line: str) -> None:
        print(line, flush=True)

    report = import_sheet(
        args.kind, sheet, dry_run=args.dry_run, create_customers=args.create_customers, emit=emit
    )
    print(report.summary(), flush=True)
    return 1 if report.rejected else 0
