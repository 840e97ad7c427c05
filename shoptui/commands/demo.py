"""``shoptui demo [--customers N] [--days D] [--seed S]``."""

from __future__ import annotations

from ..i18n import _
from . import add_command


def register(subparsers) -> None:
    from ..demo import DEFAULT_CUSTOMERS, DEFAULT_DAYS, DEFAULT_SEED

    parser = add_command(
        subparsers,
        "demo",
        run,
        _("fill an empty database with a demo shop"),
        _(
            "Fill an empty database with a realistic demo shop: customers, cards, sales, returns, debts, "
            "points, vouchers, visitor counts and surveys over the last days up to today. The same seed on "
            "the same day gives the same shop. Users: owner (PIN 1111), lan (PIN 2222), minh (PIN 3333). "
            "Example: shoptui --db demo.sqlite demo --customers 1000 --days 180"
        ),
    )
    parser.add_argument(
        "--customers",
        type=int,
        default=DEFAULT_CUSTOMERS,
        metavar="N",
        help=_("how many customers (default: {n})").format(n=DEFAULT_CUSTOMERS),
    )
    parser.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        metavar="D",
        help=_("how many days of history, ending today (default: {n})").format(n=DEFAULT_DAYS),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="S",
        help=_("seed of the random choices (default: {n})").format(n=DEFAULT_SEED),
    )


def run(args) -> int:
    from ..cli import open_db, system_actor
    from ..demo import check_size, make_demo

    check_size(args.customers, args.days)
    actor = system_actor(open_db(args))
    print(make_demo(customers=args.customers, days=args.days, seed=args.seed, actor=actor).line())
    return 0
