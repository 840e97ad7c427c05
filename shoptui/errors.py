"""One error family. The TUI shows these as notifications, the CLI as one sentence on stderr."""

import re

from .textsafe import show_hidden


class ShopError(Exception):
    """An error a person can act on; its message is one plain, translated sentence."""

    exit_code = 1
    field: str | None = None  # the form field it is about, when one is (ValidationError, services.sales.about)


class UsageError(ShopError):
    """The command line was not understood (exit status 2)."""

    exit_code = 2


class DatabaseError(ShopError):
    """The database cannot be opened, is not ours, is too new or is locked."""


class ValidationError(ShopError):
    """A value typed or imported is not acceptable; ``field`` names it when known."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotAnAmount(ValidationError):
    """A value that cannot be read as an amount at all (not one too large, nor one with too
    many decimals); ``value`` is the value as it was given. Callers that word the sentence
    their own way recognise it by this type, never by its message."""

    def __init__(self, message: str, field: str | None = None, value: object = None):
        super().__init__(message, field)
        self.value = value


class NotFound(ShopError):
    """A customer, card, receipt or other record does not exist."""


class RuleViolation(ShopError):
    """An action would break a shop rule or a ledger invariant (credit limit, points, returns)."""


class PermissionDenied(ShopError):
    """The signed-in user's role may not do this."""


class ImportFileError(ShopError):
    """An import file cannot be read at all (rows are rejected one by one instead)."""


# Characters that would break a message's one line or take over the terminal it is printed
# on: C0/C1 controls (escape sequences, line breaks), line and paragraph separators, and the
# bidi controls and zero-width characters (shoptui.textsafe) that reorder the rest of the
# line or hide text. A message that quotes a value shows them.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(message: str) -> str:
    """A message as one line drawn literally: a quoted value's controls written as escapes."""

    def escape(char: str) -> str:
        return _NAMED.get(char, f"\\u{ord(char):04x}")

    # Bidi controls and zero-width characters by the one rule (a joiner inside an emoji stays).
    return show_hidden(_UNSAFE.sub(lambda m: escape(m.group()), message), escape)
