"""What a scanned text means, as plain data the UI thread can use without the database.

Runs in a worker: each reading of the text (the keyboard layout may have changed its
letters, see scan_detector.us_candidates) is looked up in turn and the first that is a
card or a customer code wins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shoptui import phones
from shoptui.services import cards, settings

from .scan_detector import us_candidates


@dataclass(frozen=True)
class ScanOutcome:
    """``kind``: "known", "withdrawn", "gift", "customer" or "unknown" (as services.cards.resolve_scan)."""

    kind: str
    barcode: str
    customer_id: int | None = None
    customer_name: str = ""
    customer_code: str = ""
    ended_at: dt.datetime | None = None
    end_reason: str | None = None
    replaced_by: str | None = None
    phone_like: bool = False  # an unknown text that reads as a phone number of the shop's country

    @property
    def opens_customer(self) -> bool:
        return self.kind in ("known", "customer") and self.customer_id is not None


def lookup(text: str) -> ScanOutcome:
    readings = us_candidates(text.strip()) or [text.strip()]
    for barcode in readings:
        found = cards.resolve_scan(barcode)
        if found.kind != "unknown":
            return _outcome(found)
    barcode = readings[0]
    return ScanOutcome("unknown", barcode, phone_like=phones.normalize(text, settings.region()) is not None)


def _outcome(found: cards.ScanResult) -> ScanOutcome:
    customer = found.customer
    binding = found.binding
    replaced_by = None
    if binding is not None and binding.replaced_by_id is not None:
        replaced_by = binding.replaced_by.barcode
    return ScanOutcome(
        kind=found.kind,
        barcode=found.barcode,
        customer_id=customer.id if customer else None,
        customer_name=customer.name if customer else "",
        customer_code=customer.code if customer else "",
        ended_at=binding.ended_at if binding is not None else None,
        end_reason=binding.end_reason if binding is not None else None,
        replaced_by=replaced_by,
    )
