"""A row read by its id (or read afresh, given itself), or the one sentence saying there is
no such row."""

from __future__ import annotations

from typing import TypeVar

from ..errors import NotFound
from ..models.base import BaseModel

M = TypeVar("M", bound="BaseModel")


def by_id(model: type[M], row: M | int, missing: str) -> M:
    """The row of ``model`` given as itself or its id, read from the database;
    ``NotFound(missing)`` when there is none."""
    key = row.id if isinstance(row, model) else row
    found = model.get_or_none(model.id == key)
    if found is None:
        raise NotFound(missing)
    return found
