"""``shoptui users add NAME --role ROLE --pin PIN | list | set-pin NAME --pin PIN``."""

from __future__ import annotations

from ..i18n import _
from ..models import ROLES
from . import add_actions, add_command


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "users",
        run,
        _("the shop's people"),
        _(
            "Users sign in to the app with a PIN; the role decides what they may do. "
            "Example: shoptui users add Lan --role cashier --pin 1234"
        ),
    )
    actions = add_actions(parser)
    add = actions.add_parser("add", help=_("add a user"))
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--pin", required=True, help=_("4 to 12 digits"))
    actions.add_parser("list", help=_("list users"))
    pin = actions.add_parser("set-pin", help=_("set a user's PIN"))
    pin.add_argument("name")
    pin.add_argument("--pin", required=True)


def run(args) -> int:
    from ..cli import open_db, system_actor
    from ..services import users

    actor = system_actor(open_db(args, writes=args.action != "list"))
    if args.action == "add":
        user = users.add_user(args.name, args.role, args.pin, actor)
        print(_("added {name} ({role})").format(name=user.name, role=user.role))
    elif args.action == "set-pin":
        users.set_pin(args.name, args.pin, actor)
        print(_("PIN changed for {name}").format(name=args.name))
    else:
        for user in users.list_users():
            state = "" if user.active else _("inactive")
            print(f"{user.name}\t{user.role}\t{state}".rstrip())
    return 0
