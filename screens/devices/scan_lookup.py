"""A scan from the terminal, read as the core's scan classifier reads it.

Runs in a worker: each reading of the text (the keyboard layout may have changed its
letters, see hardware/scan_detector.us_candidates) is classified in turn and the first the shop
knows wins (``shoptui.services.scans.first_known``).
"""

from __future__ import annotations

from hardware.scan_detector import us_candidates
from shoptui.services import scans
from shoptui.services.scans import Scan


def lookup(text: str) -> Scan:
    return scans.first_known(us_candidates(text.strip()) or [text.strip()])
