"""Changing a customer's status from the card (F6), with a second question before a
customer who owes money, has points or has paid in advance is archived."""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode

from shoptui.i18n import _
from shoptui.services import customers
from shoptui.services.context import Actor

from ..db_work import run_db
from ..dialogs.choice_modal import ChoiceModal


def _warning_for(customer_id: int, status: str) -> str | None:
    return customers.archive_warning(customer_id) if status == "archived" else None


def _set(customer_id: int, status: str, actor: Actor | None) -> str:
    return customers.set_status(customer_id, status, actor).status


def change_status(
    node: DOMNode, customer_id: int, status: str, actor: Actor | None, on_done: Callable[[str], None]
) -> None:
    """Sets ``status`` (``on_done(status)`` after), asking first when archiving would hide a
    debt, points or an advance."""
    app = node.app

    def save() -> None:
        run_db(node, _set, customer_id, status, actor, on_done=on_done, group="status", title=_("Status"))

    def checked(warning: str | None) -> None:
        if warning is None:
            save()
            return
        app.push_screen(
            ChoiceModal(
                _("Archive the customer?"), warning, [("keep", _("Keep as it is")), ("archive", _("Archive anyway"))]
            ),
            lambda answer: save() if answer == "archive" else None,
        )

    run_db(node, _warning_for, customer_id, status, on_done=checked, group="status", title=_("Status"))
