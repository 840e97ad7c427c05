"""The hash chains that make the ledgers and the audit log tamper-evident.

Each of the four append-only tables (``CHAINS``) is one chain in id order: every row
carries ``prev_hash``, the ``hash`` of the row before it (``GENESIS`` for the first),
and its own ``hash``: sha256 over ``prev_hash`` and a canonical serialisation of the
row's chained fields (JSON, fixed field order, date-times in ISO form). An edited row no
longer matches its hash; a deleted row leaves the next one pointing at a hash that is
not its predecessor's; an inserted row has no hash, a wrong one, or is skipped by the
link of the row after it. ``check`` walks the chains (``shoptui.check.chain_breaks``).

The ``id`` is left out of the hash (the services need not know it before inserting; the
order is what the links prove).

Personal data in the audit log, and why it sits outside the chain. An audit row's
``before``, ``after`` and ``note`` hold what changed, and for a customer that is their
name, phone, e-mail, address, birthday, notes and property values. The chain covers
only ``data_hash``, the sha256 of those three texts as stored, never the texts
themselves. So:

- while a row is not erased, ``check`` also compares its texts with ``data_hash``: an
  edit of ``before``/``after``/``note`` is found as any other edit;
- anonymising a customer (``services.privacy.anonymise``) may blank the personal values
  in those texts and stamp ``erased_at``: the only UPDATE the database lets through on
  the audit log (its trigger refuses any other, and any change of a chained column).
  The chain still verifies, since ``data_hash`` is untouched; the erased texts are no
  longer proved, and ``check`` accepts an erased row only for a customer whose
  anonymisation is itself in the chain.

A chain proves that nobody edited, inserted or deleted a row without recomputing every
hash after it; ``check`` keeps a checkpoint (the last verified id and hash) so that a
rewrite of verified history changes a hash it remembers.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json

VERSION = "shoptui-chain-1"
GENESIS = ""

# table -> the columns its hash covers, in order (``id``, ``prev_hash`` and ``hash`` are not among them).
CHAINS: dict[str, tuple[str, ...]] = {
    "points_entry": ("customer_id", "at", "kind", "points", "receipt_id", "user_id", "reason"),
    "debt_entry": ("customer_id", "at", "kind", "amount", "receipt_id", "method", "user_id", "reason"),
    "gift_card_entry": ("card_id", "at", "kind", "amount", "receipt_id", "user_id", "reason"),
    "audit_log": ("at", "user_id", "actor", "action", "entity", "entity_id", "override_by_id", "data_hash"),
}
# The audit log's erasable texts, covered by ``data_hash`` only.
AUDIT_DATA = ("before", "after", "note")
# A number every chain's advisory lock (PostgreSQL) takes: one lock for all chains, so two
# writers never wait for each other's chains in opposite orders.
PG_LOCK_KEY = 0x5407_C4A1


def _canonical(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "id"):  # a model instance given for a foreign key
        return value.id
    return str(value)


def _at(value):
    """A date-time as SQLite gives it back (text) or PostgreSQL does (a datetime), alike."""
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value).isoformat(sep=" ")
        except ValueError:
            return value
    return _canonical(value)


def row_hash(table: str, values, prev_hash: str | None) -> str:
    """The hash of one row of ``table`` given its chained ``values`` (a mapping by column
    name, or a sequence in ``CHAINS[table]`` order) after ``prev_hash``."""
    columns = CHAINS[table]
    if isinstance(values, dict):
        values = [values.get(c) for c in columns]
    fields = [_at(v) if c in ("at", "erased_at") else _canonical(v) for c, v in zip(columns, values)]
    text = json.dumps([VERSION, table, prev_hash or GENESIS, fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def data_hash(before: str | None, after: str | None, note: str | None) -> str:
    """The digest of an audit row's erasable texts, exactly as stored (JSON text or NULL)."""
    text = json.dumps([VERSION, before, after, note or ""], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
