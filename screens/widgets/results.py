"""A search field over a list of results, as the merge and the move-receipt dialogs have."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Input, OptionList


def down_into_results(screen: Screen, event: events.Key, field_id: str, results_id: str) -> None:
    """Down from the search field (``#field_id``) goes into the list (``#results_id``),
    keeping its highlight: Enter there picks it."""
    results = screen.query_one(f"#{results_id}", OptionList)
    if event.key == "down" and screen.focused is screen.query_one(f"#{field_id}", Input) and results.option_count:
        event.stop()
        event.prevent_default()
        results.focus()
