"""Pickling frozen value classes by their fields, in order: ``cls(*fields)``.

Projects cross processes in batches (read in one process, scored or explained in another). attrs
pickles a slotted class as a dict of its fields and sets them back one by one in Python, which made
unpickling a project cost more than a third of reading it. A class whose fields are all given to
``__init__`` in order, with no converter to apply twice, can be rebuilt by calling it (a validator
runs again on the rebuilt value: it only checks, so the result is the same).
"""

from __future__ import annotations

import operator
from typing import Any, TypeVar

import attrs
from attrs import AttrsInstance

T = TypeVar("T", bound=AttrsInstance)


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Class decorator: pickle instances as ``(cls, (field, …))``. Refuses a class that cannot be
    rebuilt that way (a field left out of ``__init__``, renamed or converted)."""
    fields = attrs.fields(cls)
    for attribute in fields:
        if not attribute.init or attribute.alias != attribute.name or attribute.converter:
            raise TypeError(f"{cls.__name__}.{attribute.name} cannot be rebuilt from its value")
    values = operator.attrgetter(*(attribute.name for attribute in fields))

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        got = values(self)
        return cls, got if len(fields) > 1 else (got,)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
