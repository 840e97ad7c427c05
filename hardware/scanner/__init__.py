"""Barcode scanners read through evdev (Linux): find them, grab one, decode its keys, assemble scans.

``ScannerReader(path, on_scan, on_status)`` is the device thread; ``list_devices()`` the
listing. Names are loaded on first use, so ``import hardware.scanner`` works where
evdev does not (Windows, macOS) and only using a reader needs it.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "ScannerReader": "reader",
    "CONNECTING": "reader",
    "CONNECTED": "reader",
    "DISCONNECTED": "reader",
    "ERROR": "reader",
    "CLOSED": "reader",
    "ScanAssembler": "assembler",
    "DEFAULT_GAP": "assembler",
    "KeyDecoder": "keymap",
    "LAYOUTS": "keymap",
    "Layout": "keymap",
    "InputDeviceInfo": "devices",
    "list_devices": "devices",
    "permission_problem": "devices",
    "ScannerError": "devices",
    "ScannerPermissionError": "devices",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
