"""Which nodes of a project apply, worked out from the project's data alone, for ``evalrules check``.

The C-NA property compares the scorer's statuses with this oracle, which shares no code with
binding or scoring: it reads the ruleset's tree and the project's targets and assessments. A
leaf applies unless it is marked not applicable (``na``, a blank row, an assessment ``na``, a
missing actual value where the ruleset says so). Weights never fall below 0 and a parent weighs
what its children weigh, so a branch applies exactly when some leaf below it applies and weighs
more than 0, or when it weighs 0 itself and some leaf below it applies. A branch that weighs
something and holds nothing that counts must not be scored: scoring it would count N/A as 0.
"""

from __future__ import annotations

from decimal import Decimal

from attrs import frozen

from .project import Project, Target
from .ruleset import Indicator, Ruleset

Path = tuple[str, ...]


@frozen
class _Below:
    """A node's weight, and whether some leaf below it applies, and some applicable one weighs > 0."""

    weight: Decimal
    applicable: bool
    weighty: bool

    def applies(self) -> bool:
        return self.applicable and (self.weighty or self.weight == 0)


def applicability(project: Project, ruleset: Ruleset) -> dict[Path, bool]:
    """Every node's path (the total is ``()``) → whether it applies."""
    missing_is_na = ruleset.not_applicable.missing_actual == "not_applicable"
    na = {a.path for a in project.assessments if a.not_applicable}
    found: dict[Path, bool] = {}

    def note(path: Path, below: _Below) -> _Below:
        found[path] = below.applies()
        return below

    def gather(weight: Decimal, below: list[_Below]) -> _Below:
        return _Below(weight, any(b.applicable for b in below), any(b.weighty for b in below))

    def target_applies(target: Target) -> bool:
        if target.not_applicable:
            return False
        blank = target.actual is None and not target.actual_text
        return not (missing_is_na and target.operator != "定性" and blank)

    def slot(path: Path, weight: Decimal) -> _Below:
        targets = [t for t in project.targets if t.slot[: len(path)] == path]
        given = any(t.weight is not None for t in targets)
        positive = _positive_shares(weight, len(targets), ruleset.rounding.places)
        groups: dict[Path, list[_Below]] = {}
        leaves = []
        for index, target in enumerate(targets):
            own = (target.weight or Decimal(0)) if given else (weight if positive[index] else Decimal(0))
            applies = target_applies(target)
            leaf = note((*target.slot, target.name), _Below(own, applies, applies and own > 0))
            leaves.append(leaf)
            for depth in range(len(path) + 1, len(target.slot) + 1):
                groups.setdefault(target.slot[:depth], []).append(leaf)
        for group, members in groups.items():  # a group weighs what its targets weigh
            note(group, gather(sum((m.weight for m in members), Decimal(0)), members))
        return note(path, gather(weight, leaves))

    def visit(path: Path, indicator: Indicator) -> _Below:
        weight = project.weights.get(path, indicator.weight)
        if path in na:
            return note(path, _Below(weight, False, False))
        if indicator.children:
            return note(path, gather(weight, [visit((*path, c.name), c) for c in indicator.children]))
        if indicator.slot is not None:
            return slot(path, weight)
        return note(path, _Below(weight, True, weight > 0))  # assessed, or scored from the budget

    note((), gather(ruleset.max, [visit((indicator.name,), indicator) for indicator in ruleset.indicators]))
    return found


def _positive_shares(weight: Decimal, count: int, places: int) -> list[bool]:
    """Which of ``count`` equal shares of ``weight`` are more than 0 (the shares differ by at
    most one unit of the last place, the spare units going to the first)."""
    places = max(places, -int(weight.as_tuple().exponent))
    units = int(weight.scaleb(places))
    return [units >= count or index < units for index in range(count)] if units > 0 else [False] * count
