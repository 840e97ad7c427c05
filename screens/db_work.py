"""Database work off the UI thread: one helper every screen uses.

``run_db`` runs a service call in a thread worker with its own connection and hands the
result back on the UI thread (``call_later`` posts a message, which is thread-safe). A
``ShopError`` becomes a notification, or goes to ``on_error`` when the caller shows it
on a field; anything else is logged and becomes a notification too, never a dead app.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from shoptui.db import failure_message
from shoptui.errors import ShopError
from shoptui.i18n import _

from .text import printable


def notify_error(node: DOMNode, message: str, title: str = "") -> None:
    """A recoverable error, drawn literally (a message may quote a customer's name)."""
    node.app.notify(printable(message), title=printable(title), severity="error", markup=False, timeout=8)


def unexpected_message(app, exc: BaseException) -> str:
    """One sentence for an error no service turned into a ShopError: a failing database
    (full disk, locked, server gone) is said by ``describe_failure``; anything else without
    its exception name or text, which go to Textual's log."""
    said = failure_message(getattr(app, "db_url", "") or "", exc)
    return said or _("That could not be done: shoptui met an unexpected error.")


def run_db(
    node: DOMNode,
    job: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], Any] | None = None,
    on_error: Callable[[ShopError], Any] | None = None,
    group: str = "db",
    exclusive: bool = False,
    title: str = "",
) -> Worker:
    """Run ``job(*args)`` in a thread worker of ``node``; ``on_done(result)`` runs on the UI thread."""
    app = node.app

    async def failed(exc: ShopError) -> None:
        if on_error is None:
            notify_error(node, str(exc), title)
            return
        result = on_error(exc)
        if inspect.isawaitable(result):
            await result

    def work() -> None:
        try:
            with app.database.connection_context():
                result = job(*args)
        except ShopError as exc:
            if not get_current_worker().is_cancelled:
                node.call_later(failed, exc)
            return
        except Exception as exc:  # a bug or a broken database must not take the app down
            # Textual's log, not `logging`: a handler writing to stderr would draw over the screen.
            node.log.error("database work failed", traceback.format_exc())
            message = unexpected_message(app, exc)
            if not get_current_worker().is_cancelled:
                node.call_later(failed, ShopError(message))
            return
        if on_done is not None and not get_current_worker().is_cancelled:
            node.call_later(on_done, result)

    return node.run_worker(work, thread=True, exit_on_error=False, group=group, exclusive=exclusive)
