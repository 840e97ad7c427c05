"""A row read by its id (or read afresh, given itself), or the one sentence saying there is
no such row."""

from __future__ import annotations

from typing import TypeVar

import peewee as pw

from ..errors import NotFound

M = TypeVar("M", bound=pw.Model)


def by_id(model: type[M], row: M | int, missing: str) -> M:
    """The row of ``model`` given as itself or its id, read from the database;
    ``NotFound(missing)`` when there is none."""
    key = row.id if isinstance(row, model) else row
    found = model.get_or_none(model.id == key)
    if found is None:
        raise NotFound(missing)
    return found
