"""Stores: a new database has ``MAIN`` until the owner adds more."""

from __future__ import annotations

import re

from .. import clock
from ..errors import NotFound, ValidationError
from ..i18n import _
from ..models import Receipt, Store
from .audit import record, snapshot
from .cleaning import clean_text
from .context import MAIN, Actor, require
from .ledger import write_transaction


def ensure_main_store() -> Store:
    store = Store.select().order_by(Store.id).first()
    if store is None:
        with write_transaction():  # processes opening a new database together: one creates it
            store = Store.select().order_by(Store.id).first()
            if store is None:
                store = Store.create(code=MAIN, name=_("Main store"), created_at=clock.now())
    return store


def add_store(code: str, name: str, address: str = "", actor: Actor | None = None) -> Store:
    require(actor, "stores")
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9_-]{1,32}", code):
        raise ValidationError(_("A store code is 1 to 32 letters, digits, - or _."), "code")
    name = clean_text(name, "name", 200)
    address = clean_text(address, "address", 1000)
    if not name:
        raise ValidationError(_("A store needs a name."), "name")
    with write_transaction():
        if Store.select().where(Store.code == code).exists():
            raise ValidationError(_("There is already a store {code}.").format(code=code), "code")
        store = Store.create(code=code, name=name, address=address, created_at=clock.now())
        record(actor, "store.add", "store", store.id, None, snapshot(store))
    return store


def list_stores() -> list[Store]:
    return list(Store.select().order_by(Store.code))


def get_store(code: str) -> Store:
    store = Store.get_or_none(Store.code == code.strip().upper())
    if store is None:
        raise NotFound(_("There is no store {code}.").format(code=code))
    return store


def default_store() -> Store:
    """The store a command means when none is named: the only one, else MAIN."""
    stores = list(Store.select().order_by(Store.id).limit(2))
    if len(stores) == 1:
        return stores[0]
    main = Store.get_or_none(Store.code == MAIN)
    if main is not None:
        return main
    if not stores:
        return ensure_main_store()
    raise ValidationError(_("This shop has several stores: name one with --store."))


def next_receipt_number(store: Store) -> str:
    """The next free receipt number of ``store``; call inside the sale's transaction."""
    while True:
        Store.update(next_receipt_no=Store.next_receipt_no + 1).where(Store.id == store.id).execute()
        value = Store.get_by_id(store.id).next_receipt_no - 1
        number = f"{store.code}-{value:06d}"
        if not Receipt.select().where((Receipt.store == store) & (Receipt.number == number)).exists():
            return number
