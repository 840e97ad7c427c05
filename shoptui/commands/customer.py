"""``shoptui customer export CODE`` and ``shoptui customer anonymise CODE``: one customer's
data when they ask for it, or for it to be erased (services/privacy.py)."""

from __future__ import annotations

from ..i18n import _
from . import add_actions, add_command


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "customer",
        run,
        _("one customer's own data: export it or anonymise it"),
        _(
            "Print everything the shop holds on one customer as JSON (profile, cards, balances, receipts, "
            "ledger entries, survey answers), or erase what identifies them (name, phone, e-mail, address, "
            "birthday, notes, property values; receipts and ledgers are kept). "
            "Example: shoptui customer export KH000123 > KH000123.json"
        ),
    )
    actions = add_actions(parser)
    export = actions.add_parser("export", help=_("print one customer's data as JSON"))
    export.add_argument("code", metavar="CODE")
    anonymise = actions.add_parser("anonymise", help=_("erase what identifies one customer"))
    anonymise.add_argument("code", metavar="CODE")


def run(args) -> int:
    from ..cli import open_db, system_actor
    from ..services import privacy

    actor = system_actor(open_db(args, writes=args.action != "export"))
    if args.action == "export":
        print(privacy.export_json(privacy.find(args.code), actor))
    else:
        customer = privacy.anonymise(privacy.find(args.code), actor)
        print(_("customer {code} anonymised").format(code=customer.code))
    return 0
