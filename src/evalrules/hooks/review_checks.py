"""The review-check contract: what a check function sees, returns, and how a plugin registers it.

A check is registered through the ``register_review_checks`` hook (the built-in ones too,
:mod:`evalrules.review.checks`) under a ``name`` a review ruleset's ``check = "…"`` names. It
yields :class:`Hit` values; the rule that calls it supplies code, severity and the message
template, filled in with the hit's values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from attrs import field, frozen

from ..model.project import Project, Target

TARGET_FIELDS = ("指标", "指标值", "单位", "指标性质", "类别", "来源", "依据")
"""Placeholders every message may use when a hit is about one target."""


@frozen
class Hit:
    """One thing a check found: about a target (or the project, when None), with the values
    its message template may name."""

    target: Target | None = None
    values: Mapping[str, str] = field(factory=dict)


@frozen
class ReviewContext:
    """What a check sees: the project, the targets the rule applies to, the rule's parameters."""

    project: Project
    targets: tuple[Target, ...]
    """The targets in the rule's applies_to categories (all targets when it names none)."""
    params: Mapping[str, Any]
    """The rule's ``params``, over the check's defaults."""


@frozen
class ReviewCheck:
    """A check function a review rule may call by name."""

    name: str
    run: Callable[[ReviewContext], Iterable[Hit]]
    doc: str
    """What it finds, in Chinese (shown in docs/review.md)."""
    params: Mapping[str, Any] = field(factory=dict)
    """Its parameters with their defaults; a rule's params may set only these."""
    fields: tuple[str, ...] = ()
    """The placeholders of its hits' values (besides TARGET_FIELDS)."""
