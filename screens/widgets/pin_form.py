"""A form of a user name and a PIN that a service checks in a worker: the sign-in and a
manager's override. One check runs at a time; a refused PIN is cleared and its field
says why, with the focus back in it."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from shoptui.errors import ShopError, ValidationError

from ..db_work import run_db
from .form import FormModal


class PinFormModal(FormModal):
    """Its fields are ``name`` and ``pin`` (the Input ``#{pin_id}``); ``check`` runs in the
    worker and ``checked`` gets what it answered."""

    pin_id = ""
    work_group = ""

    def missing_name(self) -> str:
        """The sentence when no name was typed."""
        raise NotImplementedError

    def check(self, name: str, pin: str) -> Any:
        """Runs in a worker: the service's answer to this name and PIN."""
        raise NotImplementedError

    def checked(self, result: Any) -> None:
        """On the UI thread, once the PIN is right."""
        raise NotImplementedError

    def action_save(self) -> None:
        values = self.values_to_save()
        if values is None:
            return
        if not values["name"].strip():
            self.show_error(ValidationError(self.missing_name(), "name"))
            return
        self.busy = True
        run_db(
            self,
            self.check,
            values["name"],
            values["pin"],
            on_done=self._passed,
            on_error=self._refused,
            group=self.work_group,
        )

    def _passed(self, result: Any) -> None:
        self.busy = False
        self.checked(result)

    def _refused(self, exc: ShopError) -> None:
        self.busy = False
        pin = self.query_one(f"#{self.pin_id}", Input)
        pin.value = ""
        self.field("pin").set_error(str(exc))
        pin.focus()
