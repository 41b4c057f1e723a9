"""The bound tree's helpers: a ruleset's shape, worked out once per ruleset and never another's."""

from __future__ import annotations

import attrs

from evalrules import Ruleset, load_ruleset
from evalrules.engine import bound
from evalrules.engine.bound import group_paths, shape_of


def test_a_shape_holds_every_slot_and_every_group_under_it(self_eval: Ruleset) -> None:
    shape = shape_of(self_eval)
    slots = {path: indicator for path, indicator in self_eval.walk() if indicator.slot is not None}
    assert slots and set(shape.groups) == set(slots)
    assert any(len(groups) > 1 for groups in shape.groups.values())  # groups under a slot
    for path, indicator in slots.items():
        assert shape.groups[path] == tuple(group_paths(indicator))
    expected = {(*path, *group) for path, groups in shape.groups.items() for group in groups}
    assert shape.slot_paths == expected
    assert all(path in shape.slot_paths for path in slots)  # the slot itself takes targets


def test_a_shape_is_made_once_per_ruleset(national: Ruleset) -> None:
    assert shape_of(national) is shape_of(national)


def test_a_shape_is_never_another_rulesets() -> None:
    ruleset = load_ruleset("caiyu_2020_10_self")
    other = attrs.evolve(ruleset, indicators=ruleset.indicators[:-1])
    bound._SHAPES[id(other)] = (ruleset, shape_of(ruleset))  # as if other took a freed id
    try:
        assert shape_of(other) is not shape_of(ruleset)
        assert shape_of(other).groups.keys() <= shape_of(ruleset).groups.keys()
    finally:
        bound._SHAPES.pop(id(other), None)


def test_few_shapes_are_kept() -> None:
    ruleset = load_ruleset("caiyu_2020_10_self")
    copies = [attrs.evolve(ruleset) for _ in range(bound.MAX_SHAPES + 3)]
    for copy in copies:
        shape_of(copy)
    assert len(bound._SHAPES) <= bound.MAX_SHAPES
    assert id(copies[0]) not in bound._SHAPES or bound._SHAPES[id(copies[0])][0] is not copies[0]
