"""What the writers take and give back: a record of the file, its outcome, the options of a
run, and the lookups they share (store codes, chunks of rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ...errors import NotFound, ValidationError
from ...i18n import _
from ...models import Store
from ...textfold import fold
from ..context import Actor
from ..stores import default_store

STATUSES = ("imported", "updated", "unchanged", "rejected")
INSERT_CHUNK = 100  # rows per multi-row INSERT: well under SQLite's variable limit


@dataclass
class Record:
    """One thing to import (a customer, a receipt with its lines, a store-hour, a product).

    ``values`` holds the typed cells that were filled in; an empty cell is absent, so an
    import never erases what the file does not say. ``errors`` are cells that could not
    be read: such a record is rejected without touching the database.
    """

    rows: list[int]
    values: dict = field(default_factory=dict)
    lines: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def row(self) -> int:
        return self.rows[0]


@dataclass
class Outcome:
    status: str
    messages: list[tuple[int, str, bool]] = field(default_factory=list)  # (row, text, is a warning)


@dataclass
class Options:
    create_customers: bool = False
    actor: Actor | None = None


def rejected(row: int, message: str) -> Outcome:
    return Outcome("rejected", [(row, message, False)])


class RowError(ValidationError):
    """A refusal caused by one row of a record of several rows (a receipt's line)."""

    def __init__(self, message: str, row: int):
        super().__init__(message)
        self.row = row


class Stores:
    """Store codes (or names) of the file to ids; an empty cell is the shop's default store."""

    def __init__(self):
        self.by_key: dict[str, int] = {}
        for store in Store.select():
            self.by_key.setdefault(store.code.upper(), store.id)
            self.by_key.setdefault(fold(store.name), store.id)
        self._default: int | None = None

    def resolve(self, text: str | None) -> int:
        if not text:
            if self._default is None:
                self._default = default_store().id
            return self._default
        found = self.by_key.get(text.strip().upper()) or self.by_key.get(fold(text))
        if found is None:
            raise NotFound(_("There is no store {code}; add it first with `shoptui stores add`.").format(code=text))
        return found


def chunks(items: list, size: int = INSERT_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Writer(Protocol):
    """What the import engine asks of the writer of one kind of record."""

    def write(self, records: list[Record]) -> list[Outcome]:
        """The batch's outcomes, one a record, in order (inside the batch's transaction)."""
        ...

    def finish(self) -> list[str]:
        """Warnings about the whole file, once every batch is written."""
        ...
