"""Keys offered by role: a screen names the permission each of its actions needs
(``ACTION_NEEDS``), and the footer and F1 leave out the keys the signed-in user may not
use. The key still answers when pressed, with the sentence that says whom to ask
(the services refuse it in any case)."""

from __future__ import annotations

from textual.dom import DOMNode

from shoptui.services.context import allows


def action_name(action: str) -> str:
    """``export('csv')`` → ``export``."""
    return action.split("(", 1)[0].strip()


def offered(screen: DOMNode, action: str) -> bool:
    needs = getattr(screen, "ACTION_NEEDS", None)
    if not needs:
        return True
    need = needs.get(action_name(action))
    if need is None:
        return True
    actor = getattr(screen, "actor", None) or getattr(screen.app, "actor", None)
    return allows(actor, need)
