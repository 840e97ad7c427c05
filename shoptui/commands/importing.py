"""``shoptui import customers|sales|visits|products FILE [--sheet NAME] [--dry-run] [--create-customers]``
and ``shoptui import template customers|sales|visits -o FILE.xlsx``.

Everything the import says goes to standard output in file order: a warning about
unknown columns (once), one line per rejected row (``row N: reason``) or warning
(``row N: warning: ...``), then the summary as the very last line:
``imported N, updated U, unchanged M, rejected K``. Exit status 1 when a row was
rejected, else 0. A file that cannot be read at all is one sentence on standard
error, exit 1, like every other error of the command line.

``import template KIND -o FILE.xlsx`` writes an empty file to fill in, with the column
names in the interface language (``--lang``) and a second sheet explaining them.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..i18n import _
from ..io.importer import KINDS
from ..limits import cli_limit
from . import add_command

TEMPLATE = "template"


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "import",
        run,
        _("import customers, sales, visitor counts or products from CSV or Excel"),
        _(
            "Import a .csv or .xlsx file whose first row names the columns (English, Vietnamese, Russian or "
            "German names). Bad rows are listed with their row number and skipped; the last line sums up. "
            "Importing the same file again adds nothing. "
            "Example: shoptui import customers khach_hang.csv && shoptui import sales hoa_don.csv"
        )
        + " "
        + _(
            "An empty Excel file to fill in, with the column names in the chosen language: "
            "shoptui --lang vi import template customers -o khach_hang.xlsx"
        ),
    )
    parser.add_argument("kind", choices=KINDS + (TEMPLATE,), help=_("what the file holds"))
    parser.add_argument("file", help=_("the .csv or .xlsx file") + " " + _("(template: customers, sales or visits)"))
    parser.add_argument(
        "--sheet", metavar="NAME", help=_("Excel: the sheet to read, by name or number (default: the first)")
    )
    parser.add_argument("-o", "--output", metavar="FILE", help=_("template: the .xlsx file to write"))
    parser.add_argument("--dry-run", action="store_true", help=_("check the file and report, but write nothing"))
    parser.add_argument(
        "--create-customers",
        action="store_true",
        help=_("sales: register a customer the shop does not know yet instead of rejecting the row"),
    )
    parser.add_argument(
        "--batch-size",
        type=cli_limit,
        metavar="N",
        help=_(
            "rows written in one go (default: 100 customers, 500 other rows); "
            "smaller batches let the tills sell in between"
        ),
    )


def run(args) -> int:
    from ..cli import open_db, system_actor
    from ..io.importer import import_sheet
    from ..io.readers import open_sheet

    if args.kind == TEMPLATE:
        return write_template(args)
    if args.output:
        raise UsageError(_("-o is for templates: shoptui import template customers -o FILE.xlsx"))
    # The file first: an unreadable file must not leave a new empty database behind.
    sheet = open_sheet(args.file, sheet=args.sheet)
    actor = system_actor(open_db(args))

    def emit(line: str) -> None:
        print(line, flush=True)

    report = import_sheet(
        args.kind,
        sheet,
        dry_run=args.dry_run,
        create_customers=args.create_customers,
        actor=actor,
        emit=emit,
        batch_size=args.batch_size,
    )
    print(report.summary(), flush=True)
    return 1 if report.rejected else 0


def write_template(args) -> int:
    from .. import db as dbmod
    from .. import files
    from ..cli import open_db
    from ..io import templates

    if args.file not in templates.KINDS:
        raise UsageError(
            _("There is a template for {kinds}, not for {kind}.").format(
                kinds=", ".join(templates.KINDS), kind=args.file
            )
        )
    if not args.output:
        raise UsageError(_("A template needs a file: add -o FILE.xlsx."))
    target = Path(args.output)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(_("A template is an Excel file: give -o a name ending in .xlsx."))
    files.check_output(target, database=dbmod.resolve_url(args.db))
    open_db(args, writes=False)  # the shop's currency decides the money format
    templates.write_template(args.file, target)
    return 0
