"""The shop itself: settings, stores, users, sequences, the audit log and import sources."""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, JSONTextField

ROLES = ("owner", "manager", "cashier")


class Setting(BaseModel):
    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()


class Sequence(BaseModel):
    """Counters for customer codes and the like; bumped inside the writer's transaction."""

    name = pw.CharField(primary_key=True, max_length=64)
    value = pw.BigIntegerField(default=0)


class Store(BaseModel):
    code = pw.CharField(unique=True, max_length=32)
    name = pw.CharField(max_length=200)
    address = pw.TextField(default="")
    next_receipt_no = pw.BigIntegerField(default=1)
    created_at = pw.DateTimeField()


class User(BaseModel):
    name = pw.CharField(unique=True, max_length=100)
    role = pw.CharField(max_length=16)
    pin_salt = pw.CharField(max_length=64)
    pin_hash = pw.CharField(max_length=128)
    active = pw.BooleanField(default=True)
    store = pw.ForeignKeyField(Store, null=True, backref="users")
    store_id: int | None
    failed_pins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField()


class AuditLog(BaseModel):
    at = pw.DateTimeField(index=True)
    user = pw.ForeignKeyField(User, null=True, backref="audit")
    user_id: int | None
    action = pw.CharField(max_length=64)
    entity = pw.CharField(max_length=64)
    entity_id = pw.CharField(max_length=64, null=True)
    before = JSONTextField(null=True)
    after = JSONTextField(null=True)
    # Who allowed an action the actor's role or a rule would have refused (manager PIN).
    override_by = pw.ForeignKeyField(User, null=True, backref="overrides")
    override_by_id: int | None
    note = pw.TextField(default="")
    actor = pw.TextField(null=True)  # who acted, by name: the user's, or the system's (``cli:<login>``)
    # The chain (shoptui/chain.py, migration 0009): ``data_hash`` digests before/after/note,
    # which anonymising may erase (``erased_at``) without breaking the chain.
    data_hash = pw.CharField(max_length=64, null=True)
    erased_at = pw.DateTimeField(null=True)
    prev_hash = pw.CharField(max_length=64, null=True)
    hash = pw.CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


class ChainCheckpoint(BaseModel):
    """Where ``check`` last found a chain whole: the next check goes on from there."""

    chain = pw.CharField(primary_key=True, max_length=32)
    last_id = pw.BigIntegerField()
    last_hash = pw.CharField(max_length=64)
    checked_at = pw.DateTimeField()


class ImportSource(BaseModel):
    """One import file, by content hash: progress for resuming and the last summary."""

    kind = pw.CharField(max_length=32)
    file_sha256 = pw.CharField(max_length=64)
    file_name = pw.TextField()
    started_at = pw.DateTimeField()
    finished_at = pw.DateTimeField(null=True)
    rows_done = pw.IntegerField(default=0)
    summary = JSONTextField(null=True)

    class Meta:
        indexes = ((("kind", "file_sha256"), True),)
