"""Keys offered by role: a screen names the permission each of its actions needs
(``ACTION_NEEDS``), and the footer, F1 and the palette leave out the keys the signed-in
user may not use. The key still answers when pressed, at once and before any form opens,
with the sentence that says whom to ask (``refused``; the services refuse it in any case).

``VIEW_ONLY`` names the keys everyone may press but some may only look through: F1 and the
palette call them by what they do for that user ("View points rules")."""

from __future__ import annotations

from textual.dom import DOMNode

from shoptui.errors import PermissionDenied
from shoptui.i18n import N_, _
from shoptui.services.context import allows, require

from .db_work import notify_error

# action → (the permission needed to change what it shows, its name for those who may only look)
VIEW_ONLY = {"points_rules": ("settings", N_("View points rules"))}


def action_name(action: str) -> str:
    """``export('csv')`` → ``export``."""
    return action.split("(", 1)[0].strip()


def _actor(screen: DOMNode):
    return getattr(screen, "actor", None) or getattr(screen.app, "actor", None)


def need_of(screen: DOMNode, action: str) -> str | None:
    """The permission ``action`` needs on ``screen``, from the screen's ``ACTION_NEEDS``."""
    needs = getattr(screen, "ACTION_NEEDS", None) or {}
    return needs.get(action_name(action))


def offered(screen: DOMNode, action: str) -> bool:
    need = need_of(screen, action)
    return need is None or allows(_actor(screen), need)


def refused(screen: DOMNode, action: str) -> bool:
    """Whether the signed-in user may not do ``action`` of ``screen``; if so they are told
    now, in the sentence that says whom to ask, before a form is filled in for nothing."""
    need = need_of(screen, action)
    if need is None:
        return False
    actor = _actor(screen)
    if allows(actor, need):
        return False
    try:
        require(actor, need)
    except PermissionDenied as exc:
        notify_error(screen, str(exc))
    return True


def key_name(screen: DOMNode, action: str, description: str) -> str:
    """What a key does for the signed-in user, translated now: "View points rules" for a
    user who may only look at them."""
    view = VIEW_ONLY.get(action_name(action))
    if view is not None and not allows(_actor(screen), view[0]):
        return _(view[1])
    return _(description)
