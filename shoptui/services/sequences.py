"""Gap-tolerant counters for codes; the row update serialises concurrent tills."""

from __future__ import annotations

from ..models import Sequence


def next_value(name: str) -> int:
    """Bump and return the counter ``name``; call inside the writer's transaction."""
    updated = Sequence.update(value=Sequence.value + 1).where(Sequence.name == name).execute()
    if not updated:
        Sequence.insert(name=name, value=1).on_conflict_ignore().execute()
        if Sequence.get_by_id(name).value != 1:
            Sequence.update(value=Sequence.value + 1).where(Sequence.name == name).execute()
    return Sequence.get_by_id(name).value
