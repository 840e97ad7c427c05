"""shoptui: the core of the shop's customer, loyalty and debt manager.

This package never imports Textual, ``screens`` or ``hardware``; only the
composition root (``shoptui.cli`` inside the commands that need them) does.
"""

__version__ = "0.1.0"
