"""The shop's custom property definitions as the admin screen lists them, and switching one off.

Defining a property is ``customers.define_property``; values stay when a definition is
switched off (the card stops showing it, and it can be switched on again).
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from ..errors import NotFound
from ..i18n import _
from ..models import PropertyDefinition, PropertyValue
from .audit import record, snapshot
from .context import Actor, require
from .ledger import write_transaction


@dataclass(frozen=True)
class DefinitionRow:
    id: int
    code: str
    name: str
    kind: str
    choices: tuple[str, ...]
    active: bool
    values: int  # how many customers have a value


def definitions() -> list[DefinitionRow]:
    counts = dict(
        PropertyValue.select(PropertyValue.definition, pw.fn.COUNT(PropertyValue.id))
        .group_by(PropertyValue.definition)
        .tuples()
    )
    return [
        DefinitionRow(
            d.id, d.code, d.name, d.kind, tuple(c for c in d.choices.split("\n") if c), d.active, counts.get(d.id, 0)
        )
        for d in PropertyDefinition.select().order_by(PropertyDefinition.position, PropertyDefinition.id)
    ]


def set_active(definition_id: int, active: bool, actor: Actor | None = None) -> None:
    require(actor, "settings")
    with write_transaction():
        definition = PropertyDefinition.get_or_none(PropertyDefinition.id == definition_id)
        if definition is None:
            raise NotFound(_("There is no such property."))
        before = snapshot(definition, ["active"])
        definition.active = bool(active)
        definition.save()
        record(actor, "property.active", "property", definition.id, before, snapshot(definition, ["active"]))
