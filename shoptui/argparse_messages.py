"""argparse's own messages, listed so that ``make messages`` puts them in our catalog.

argparse translates its usage line, its help headings and its error messages through
``gettext.gettext`` in the default text domain; ``i18n.library_messages`` points that
domain at our catalog while the command line is parsed, so that these come out in the
user's language like everything else. The msgids must be argparse's, character for
character (placeholders and the trailing space of "usage: " included); the ones listed
are those of Python 3.11 to 3.13 that a user can meet, not those that only name a
programming error, nor "PROG: error: ...", which our parser's ``error`` never prints.
Nothing imports this module: it exists to be extracted.
"""

from __future__ import annotations

from .i18n import N_, ngettext

MESSAGES = (
    # help
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    # errors
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("one of the arguments %s is required"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _plural_forms() -> str:
    """Never called: marks argparse's plural message (with ``nargs=N``) for extraction."""
    return ngettext("expected %s argument", "expected %s arguments", 2)
