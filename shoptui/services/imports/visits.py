"""Visitor counts of an import: one record per store-hour."""

from __future__ import annotations

from ... import clock
from ...errors import ShopError
from .. import visits
from ..context import require
from .records import Options, Outcome, Record, Stores, rejected


class VisitsWriter:
    """One record per store-hour; re-importing an hour replaces its imported count."""

    def __init__(self, options: Options):
        self.options = options
        self.stores = Stores()
        self.now = clock.now()

    def write(self, records: list[Record]) -> list[Outcome]:
        require(self.options.actor, "import")
        outcomes = []
        for record in records:
            values = record.values
            try:
                store_id = values.get("store_id") or self.stores.resolve(values.get("store"))
                status = visits.record_imported(
                    store_id, values["datetime"], values["in"], values.get("out", 0), self.now
                )
            except ShopError as exc:
                outcomes.append(rejected(record.row, str(exc)))
                continue
            outcomes.append(Outcome(status))
        return outcomes

    def finish(self) -> list[str]:
        return []
