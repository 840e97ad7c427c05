"""``shoptui stores add CODE NAME | list``."""

from __future__ import annotations

from ..i18n import _
from . import add_actions, add_command


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "stores",
        run,
        _("the shop's places"),
        _('A new database has the store MAIN. Example: shoptui stores add HN1 "Hà Nội 1"'),
    )
    actions = add_actions(parser)
    add = actions.add_parser("add", help=_("add a store"))
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--address", default="")
    actions.add_parser("list", help=_("list stores"))


def run(args) -> int:
    from ..cli import open_db, system_actor
    from ..services import stores

    actor = system_actor(open_db(args, writes=args.action != "list"))
    if args.action == "add":
        store = stores.add_store(args.code, args.name, args.address, actor)
        print(_("added store {code}").format(code=store.code))
    else:
        for store in stores.list_stores():
            print(f"{store.code}\t{store.name}")
    return 0
