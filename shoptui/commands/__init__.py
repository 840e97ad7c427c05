"""One module per command of the command line; each has ``register(subparsers)``.

A command imports what it runs on (the database, services, reports, io) inside its ``run``:
lazy loads, so that building the parser stays light; they hide no circle (nothing below
imports a command)."""


def add_command(subparsers, name: str, run, help: str, description: str):
    """The parser of one command or action: the function that runs it (``args.func``; None
    where its actions or a parent give it), its line in the list (``help``) and its
    ``--help`` text (``description``)."""
    parser = subparsers.add_parser(name, help=help, description=description)
    if run is not None:
        parser.set_defaults(func=run)
    return parser


def add_actions(parser):
    """The actions of a command that has several (``users add|list|set-pin``): one is required."""
    return parser.add_subparsers(dest="action", metavar="ACTION", required=True)
