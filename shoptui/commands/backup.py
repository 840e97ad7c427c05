"""``shoptui backup [-o FILE]`` and ``shoptui restore FILE [--force]``."""

from __future__ import annotations

from pathlib import Path

from ..i18n import _
from . import add_command


def register(subparsers) -> None:
    backup = add_command(
        subparsers,
        "backup",
        run_backup,
        _("copy the database into a backup file"),
        _(
            "Copy the database into one backup file while the shop keeps working (the SQLite backup API "
            "takes a consistent snapshot). A PostgreSQL database is copied into an SQLite backup file of the "
            "same format. Prints the path of the backup. Example: shoptui backup -o /media/usb/shop-backup.sqlite"
        ),
    )
    backup.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help=_(
            "the backup file, replaced if it exists; not a folder "
            "(default: shoptui-backup-YYYYMMDD-HHMMSS.sqlite in the current folder)"
        ),
    )

    restore = add_command(
        subparsers,
        "restore",
        run_restore,
        _("replace the database with a backup"),
        _(
            "Check a backup file and write it into the database given by --db (created if it does not exist), "
            "then bring it up to this version. A database that already holds data is replaced only with --force. "
            "Example: shoptui --db shop.sqlite restore shoptui-backup-20250131-2200.sqlite"
        ),
    )
    restore.add_argument("file", type=Path, metavar="FILE", help=_("a backup made by shoptui backup"))
    restore.add_argument("--force", action="store_true", help=_("replace a database that already holds data"))


def run_backup(args) -> int:
    from .. import db as dbmod
    from ..backup import backup_database

    path = backup_database(dbmod.resolve_url(args.db), args.output)
    print(path.absolute())
    return 0


def run_restore(args) -> int:
    from .. import db as dbmod
    from ..backup import restore_database

    result = restore_database(args.file, dbmod.resolve_url(args.db), force=args.force)
    print(
        _("Restored {file} into {db}: {customers} customers, {receipts} receipts.").format(
            file=args.file, db=result.target, customers=result.customers, receipts=result.receipts
        )
    )
    return 0
