"""The command line (SPEC: "The command line"): a thin layer over the core.

Each command lives in ``shoptui/commands/<name>.py`` with ``register(subparsers)``
(which sets ``func`` on its parser) so that commands stay small and separate.
This module is the composition root: the terminal app and the devices are only
imported inside the commands that need them.

Exit status: 0 success, 2 bad usage, 1 any other error; errors are one sentence
on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sqlite3
import sys
from typing import Any

import peewee

from . import db as dbmod
from .errors import ShopError, UsageError, one_line
from .i18n import LANGUAGES, _, language_from_environment, library_messages, set_language

COMMAND_MODULES = (
    "demo",
    "importing",
    "report",
    "export",
    "config",
    "check",
    "backup",
    "users",
    "stores",
    "counter",
    "scanner",
    "day_close",
    "customer",
)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors get one plain sentence.

    It also keeps what the global options need to reach every subcommand, which argparse
    offers no public way to list: the option strings it was given and its subcommands.
    """

    def __init__(self, *args, **kwargs):
        self.option_names: set[str] = set()  # before argparse adds -h through add_argument
        self.subcommands: list[Any] = []  # what add_subparsers gave: each has .choices
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        self.option_names.update(action.option_strings)
        return action

    def add_subparsers(self, **kwargs):
        action = super().add_subparsers(**kwargs)
        self.subcommands.append(action)
        return action

    def error(self, message):  # noqa: D401 - argparse's API
        raise UsageError(message)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="shoptui",
        description=_("Customer base, loyalty and debts for a small shop. Without a command: the terminal app."),
    )
    _add_global_options(parser, default=None)
    subparsers = parser.add_subparsers(dest="command", parser_class=ArgumentParser, metavar="COMMAND")
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.commands.{name}").register(subparsers)
    _accept_global_options_anywhere(parser)
    return parser


def _add_global_options(parser: ArgumentParser, default) -> None:
    taken = parser.option_names
    if "--db" not in taken:
        parser.add_argument(
            "--db",
            default=default,
            help=_(
                "database file path, sqlite:///… or postgresql://… (default: $SHOPTUI_DB or a file in the user data folder)"
            ),
        )
    if "--lang" not in taken:
        parser.add_argument("--lang", default=default, choices=LANGUAGES, help=_("language of messages and reports"))
    if "--verbose" not in taken:
        parser.add_argument(
            "-v",
            "--verbose",
            default=default if default is not None else False,
            action="store_true",
            help=_("log more"),
        )


def _accept_global_options_anywhere(parser: ArgumentParser) -> None:
    """``shoptui import template customers --lang vi`` works as well as ``shoptui --lang vi
    import …``: every subcommand also takes the global options. argparse has no public way
    to add an option to all subparsers after the fact, hence the walk over the subcommands
    our ArgumentParser kept; SUPPRESS keeps a subcommand from overwriting the value given
    before it."""
    for action in parser.subcommands:
        for sub in set(action.choices.values()):
            _add_global_options(sub, default=argparse.SUPPRESS)
            _accept_global_options_anywhere(sub)


def _pre_language(argv: list[str]) -> str | None:
    """The language asked for on the command line, read before argparse builds translated help."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def open_db(args, *, writes: bool = True) -> peewee.Database:
    """Open (creating and migrating) the database of ``--db`` and apply its language setting.

    A command that only reads passes ``writes=False``: on an existing, migrated database it
    then writes nothing at all (a setting added by a newer version is read as its default
    instead of being written down). A missing database is still created and migrated.
    """
    url = dbmod.resolve_url(args.db)
    database = dbmod.open_database(url)
    # Lazy, like every import of the services here and in commands/: the parser (``--help``,
    # a usage error) loads no services; none of these imports hides a circle.
    from .services import settings

    if writes:
        settings.ensure_defaults()
    from .services.stores import ensure_main_store

    ensure_main_store()  # writes only on a database that has no store, i.e. a new one
    if not getattr(args, "lang", None):
        set_language(settings.get("language") or language_from_environment() or "en")
    return database


def system_actor(database: peewee.Database):
    """Who the command line acts as: the system user who owns the database, with the owner's
    rights, named ``cli:<login>`` in the audit log. Whoever can run the command line on the
    file can read and write the file anyway; its permissions are the wall, not a PIN. On
    PostgreSQL the database role stands in for the owner of the file."""
    from .services.context import Actor

    if isinstance(database, peewee.PostgresqlDatabase):
        login = database.execute_sql("SELECT current_user").fetchone()[0]
    else:
        try:
            login = getpass.getuser()
        except (OSError, KeyError, ImportError):  # no login name in the environment nor in the user database
            login = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return Actor(system=f"cli:{login}")


def device_module(name: str):
    """A module of ``hardware/``. The core never imports the devices; this composition root
    does, for the commands that need them (``counter``, ``scanner``)."""
    import importlib

    return importlib.import_module(f"hardware.{name}")


def run_app(args) -> int:
    database = open_db(args)
    from screens.app import make_app  # the composition root wires the UI in

    try:
        app = make_app(database=database, db_url=dbmod.resolve_url(args.db))
        app.run()
    finally:
        database.close()  # also when the terminal went away (SIGHUP): screens/app.py ends the app
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    # Everything the program creates (database, backups, exports, folders) is its owner's
    # only, whatever the umask of the shell or service that started it; files.py also
    # sets the modes itself, for callers that do not come through here.
    umask = os.umask(0o077)
    try:
        return _main(argv)
    finally:
        os.umask(umask)  # for a caller in the same process (the tests)


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_pre_language(argv) or os.environ.get("SHOPTUI_LANG") or language_from_environment() or "en")
    try:
        with library_messages():  # argparse's own words ("usage:", "invalid choice") in the language too
            parser = build_parser()
            args = parser.parse_args(argv)
        if args.lang:
            set_language(args.lang)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            format="%(message)s",
            stream=sys.stderr,
        )
        if not args.command:
            return run_app(args)
        return int(args.func(args) or 0)
    except ShopError as exc:
        print(one_line(str(exc)), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except (peewee.OperationalError, peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        where = getattr(args, "db", None) if "args" in locals() else None
        where = where or os.environ.get("SHOPTUI_DB") or str(dbmod.default_path())
        print(dbmod.describe_failure(where, exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            _("Cannot read or write {path}: {reason}").format(path=exc.filename or "", reason=exc.strerror or exc),
            file=sys.stderr,
        )
        return 1
    except MemoryError:
        print(_("There is not enough memory to finish this."), file=sys.stderr)
        return 1
    except Exception as exc:  # the last line of defence: one sentence, never a traceback
        # The exception's name and text are for a developer: they are logged with -v only.
        logging.getLogger(__name__).info("unexpected error", exc_info=True)
        where = (getattr(args, "db", None) if "args" in locals() else None) or os.environ.get("SHOPTUI_DB") or ""
        said = dbmod.failure_message(where, exc)  # e.g. a driver error that escaped peewee
        print(
            said or _("shoptui stopped on an unexpected error; run the command again with -v to see the details."),
            file=sys.stderr,
        )
        return 1
