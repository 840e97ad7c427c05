"""Devices (barcode scanners, people counters) turned into plain events through callbacks.

Never imports Textual or ``screens``.
"""
