"""The scoring-strategy contract: what a strategy receives, what it returns, how it fails.

A strategy is registered by name through the ``register_strategies`` hook. When a ruleset loads,
``prepare`` checks the parameters once (and compiles any formula); when a project is scored,
``score`` turns one indicator's inputs into an exact score with reasons in Chinese.

A strategy may also offer ``kernel`` (:class:`KernelStrategy`): the same score as a small function
without reasons, which is what scoring many projects runs; reasons are written only when a result
is explained. Without one, the engine calls ``score`` and keeps only the number.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from attrs import field, frozen

from ..base.numbers import fmt, rounded_for_text
from ..formula.evaluator import FormulaFunction
from ..model.project import Assessment, Budget, Target
from ..model.ruleset import Rounding


class ParameterProblem(Exception):
    """A strategy parameter is wrong; key names it within the method's params."""

    def __init__(self, key: str, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.message = message
        self.suggestion = suggestion


class InputProblem(Exception):
    """The project's data for one indicator cannot be scored; says what was expected."""

    def __init__(
        self,
        message: str,
        *,
        expected: str | None = None,
        found: str | None = None,
        suggestion: str | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.found = found
        self.suggestion = suggestion
        self.key = key
        """The key of the target or assessment the problem is about ("actual", "score"), so that
        it is located at that key's line."""


@frozen
class PrepareContext:
    """What a strategy may use while preparing its parameters."""

    functions: Mapping[str, FormulaFunction]


@frozen
class ScoringInput:
    """Everything a strategy sees for one indicator."""

    path: tuple[str, ...]
    weight: Decimal
    budget: Budget
    rounding: Rounding
    target: Target | None = None
    assessment: Assessment | None = None

    @property
    def name(self) -> str:
        return self.path[-1]

    def shown(self, value: Decimal) -> str:
        """A score as the ruleset displays it (rounded, no trailing zeros)."""
        return fmt(rounded_for_text(value, self.rounding.places, self.rounding.mode))


@frozen
class Outcome:
    """A strategy's verdict: the exact score (before the ruleset's rounding) and why."""

    score: Decimal
    reasons: tuple[str, ...]
    inputs: Mapping[str, str] = field(factory=dict)


_STR = itertools.repeat(str)


def outcome_problem(outcome: object) -> str | None:
    """What is wrong with what a strategy's score returned, in Chinese; None when it is an
    Outcome with a finite Decimal score, text reasons and text inputs."""
    if not isinstance(outcome, Outcome):
        return f"应返回 Outcome，实际返回 {outcome!r}"
    if not isinstance(outcome.score, Decimal) or not outcome.score.is_finite():
        return f"返回的得分不是有限的 Decimal（实际为 {outcome.score!r}）"
    reasons = outcome.reasons
    if not isinstance(reasons, tuple) or not all(map(isinstance, reasons, _STR)):
        return f"返回的理由应为文字的 tuple（实际为 {reasons!r}）"
    inputs = outcome.inputs
    if not isinstance(inputs, Mapping) or not (
        all(map(isinstance, inputs, _STR)) and all(map(isinstance, inputs.values(), _STR))
    ):
        return f"返回的 inputs 应为文字到文字的映射（实际为 {inputs!r}）"
    return None


@runtime_checkable
class ScoringStrategy(Protocol):
    """What a plugin registers to add a scoring method."""

    @property
    def name(self) -> str:
        """The name rulesets use in ``method = "…"``."""
        ...

    @property
    def title(self) -> str:
        """A short Chinese title (正向指标, 扣分制, …)."""
        ...

    @property
    def doc(self) -> str:
        """What it does, in Chinese, with the formula: shown in docs and ``evalrules show``."""
        ...

    @property
    def params_doc(self) -> Mapping[str, str]:
        """Every parameter it accepts, with a Chinese explanation."""
        ...

    def prepare(self, params: Mapping[str, Any], context: PrepareContext) -> Any:
        """Check params once at load time; return their ready form or raise ParameterProblem."""
        ...

    def score(self, prepared: Any, item: ScoringInput) -> Outcome:
        """Score one indicator; raise InputProblem when the project's data cannot be scored."""
        ...


def check_keys(params: Mapping[str, Any], allowed: Mapping[str, str]) -> None:
    """Refuse parameter names a strategy does not know, with a did-you-mean suggestion."""
    from ..base.errors import suggest

    for key in params:
        if key not in allowed:
            raise ParameterProblem(
                key, f"未知参数 “{key}”", suggest(key, allowed) or f"可用参数：{'、'.join(allowed)}"
            )


Kernel = Callable[[Target | None, Assessment | None, Budget, Decimal], Decimal]
"""An indicator's exact score (before the ruleset's rounding) from the project's target or
assessment, the budget and the indicator's weight, without reasons."""


@runtime_checkable
class KernelStrategy(Protocol):
    """A strategy that can also score without writing reasons (optional, for speed)."""

    def kernel(self, prepared: Any) -> Kernel:
        """A function giving the same score as ``score`` for every input ``score`` accepts.

        Built once per method of a prepared ruleset and called for every project. It may raise
        any exception, or return any value, for input that ``score`` refuses: the engine then
        scores that project with ``score``, which reports the problem.
        """
        ...


def kernel_for(strategy: ScoringStrategy, prepared: Any, path: tuple[str, ...], rounding: Rounding) -> Kernel:
    """The strategy's kernel, or one that calls ``score`` and keeps the number (``path`` is the
    indicator's; a project's target brings its own)."""
    if isinstance(strategy, KernelStrategy):
        return strategy.kernel(prepared)

    def by_score(
        target: Target | None, assessment: Assessment | None, budget: Budget, weight: Decimal
    ) -> Decimal:
        where = (*target.slot, target.name) if target is not None else path
        try:
            item = ScoringInput(where, weight, budget, rounding, target, assessment)
            outcome = strategy.score(prepared, item)
        except SystemExit as error:  # a plugin's: the explaining scorer reports it where it is
            raise RuntimeError(error) from error
        problem = outcome_problem(outcome)
        if problem is not None:  # the explaining scorer reports it (E-PLUGIN-RESULT)
            raise TypeError(problem)
        return outcome.score

    return by_score
