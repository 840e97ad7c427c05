"""A mypy plugin for what peewee's own stubs (peewee-stubs, shipped with peewee) get wrong
about a query's rows.

The stubs type ``tuples()``, ``dicts()`` and ``namedtuples()`` as returning the query
itself (``Self``), so iterating ``Customer.select(...).tuples()`` would yield ``Customer``
objects; at run time it yields tuples, dicts or named tuples. ``objects()`` yields model
objects that also carry every aliased column selected (``Store.code.alias("store_code")``),
which the stubs cannot know. The plugin types the result of those four calls as ``Any``:
the rows' shape depends on the columns selected. Named in ``[tool.mypy] plugins`` in
pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.plugin import MethodContext, Plugin
from mypy.types import AnyType, Type, TypeOfAny

_ROW_SHAPES = {"tuples", "dicts", "namedtuples", "objects"}


def _untyped_rows(ctx: MethodContext) -> Type:
    return AnyType(TypeOfAny.special_form)


class PeeweeRows(Plugin):
    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        # ``fullname`` names the receiver's class (peewee.ModelSelect.tuples, …).
        module, _, method = fullname.rpartition(".")
        return _untyped_rows if module.startswith("peewee.") and method in _ROW_SHAPES else None


def plugin(version: str) -> type[Plugin]:
    return PeeweeRows
