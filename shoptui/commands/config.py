"""``shoptui config get KEY | set KEY VALUE | list``."""

from __future__ import annotations

from ..i18n import _
from . import add_actions, add_command


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "config",
        run,
        _("shop settings"),
        _("Read and change the shop's settings. Example: shoptui config set currency EUR"),
    )
    actions = add_actions(parser)
    get = actions.add_parser("get", help=_("print one setting"))
    get.add_argument("key")
    put = actions.add_parser("set", help=_("change one setting"))
    put.add_argument("key")
    put.add_argument("value")
    actions.add_parser("list", help=_("print every setting with its meaning"))


def run(args) -> int:
    from ..cli import open_db, system_actor
    from ..errors import UsageError
    from ..services import settings

    if args.action in ("get", "set") and args.key not in settings.SETTINGS:
        # A key that does not exist is bad usage (exit 2), found before the database is opened.
        raise UsageError(_("Unknown setting {key}; `config list` shows them all.").format(key=args.key))
    database = open_db(args, writes=args.action == "set")
    if args.action == "get":
        print(settings.get(args.key))
    elif args.action == "set":
        print(settings.set_value(args.key, args.value, system_actor(database)))
    else:
        rows = settings.all_settings()
        width = max(len(k) for k, _v, _h in rows)
        for key, value, meaning in rows:
            print(f"{key.ljust(width)}  {value}    # {meaning}")
    return 0
