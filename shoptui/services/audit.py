"""The audit log: who, when, what, before and after, for every change.

Each row names who acted (``actor``: the user's name or the system's ``cli:<login>``) and
is a link of the audit log's hash chain (shoptui/chain.py); its before/after/note are
covered by their digest only, so that anonymising a customer can erase them.
"""

from __future__ import annotations

import datetime as dt
import decimal

from .. import chain, clock
from ..models import AuditLog
from .context import Actor
from .ledger import append_chained, entry_time


def snapshot(instance, fields: list[str] | None = None) -> dict:
    """A model row as a JSON-friendly dict (foreign keys by id)."""
    data = {}
    for name, _field in instance._meta.fields.items():
        if fields is not None and name not in fields:
            continue
        value = instance.__data__.get(name)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = str(value)
        data[name] = value
    return data


def record(
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id,
    before: dict | None = None,
    after: dict | None = None,
    override_by=None,
    note: str = "",
    at: dt.datetime | None = None,
) -> AuditLog:
    if before is not None and after is not None:
        # Keep only what changed, so the log stays readable.
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in changed}
        after = {k: after.get(k) for k in changed}
    data = AuditLog.before.db_value(before), AuditLog.after.db_value(after), note or ""
    return append_chained(
        AuditLog,
        at=entry_time(at or clock.now()),
        user=actor.user_id if actor else None,
        actor=actor.label if actor else None,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        override_by=getattr(override_by, "id", override_by),
        note=note or "",
        data_hash=chain.data_hash(*data),
    )
