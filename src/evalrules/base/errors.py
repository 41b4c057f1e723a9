"""One root error for everything evalrules refuses, with structured, located problems.

Every message speaks to an analyst in Chinese: which file, which place (TOML table/key,
indicator path, line), what was expected, what was found, and a suggestion for misspelled names.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from attrs import frozen


@frozen
class Problem:
    """One thing wrong with an input, located as precisely as it can be."""

    code: str
    message: str
    file: str | None = None
    where: str | None = None
    line: int | None = None
    expected: str | None = None
    found: str | None = None
    suggestion: str | None = None
    path: str | None = None
    """The indicator the problem is about ("产出指标/质量指标/…"), when it is about one (scoring)."""

    def render(self) -> str:
        place = []
        if self.file:
            place.append(self.file + (f":{self.line}" if self.line else ""))
        if self.where:
            place.append(self.where)
        head = "，".join(place)
        text = f"{head}：{self.message}" if head else self.message
        details = []
        if self.expected is not None:
            details.append(f"应为 {self.expected}")
        if self.found is not None:
            details.append(f"实际为 {self.found}")
        if details:
            text += "（" + "；".join(details) + "）"
        if self.suggestion:
            text += f"。{self.suggestion}"
        return f"[{self.code}] {text}"


class EvalrulesError(Exception):
    """Root of every error evalrules raises on bad input; carries one or more problems."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)

    def __reduce__(self) -> tuple[Any, ...]:
        # subclasses' __init__ take other arguments (FormulaError, MissingExtraError): rebuild
        # from the problems and the attributes, so every error pickles and deep-copies as it is
        # (a process pool or celery carries it; copy.deepcopy works)
        return _rebuilt, (type(self), self.problems, dict(self.__dict__))


def _rebuilt(cls: type[EvalrulesError], problems: Sequence[Problem], state: dict[str, Any]) -> EvalrulesError:
    error = cls.__new__(cls)
    EvalrulesError.__init__(error, problems)
    error.__dict__.update(state)
    return error


class LoadError(EvalrulesError):
    """A ruleset or project file could not be loaded."""


class ScoringError(EvalrulesError):
    """A project could not be scored under a ruleset (binding or strategy failure)."""


class PluginError(EvalrulesError):
    """A plugin registered something invalid or conflicting."""


class FormulaError(EvalrulesError):
    """A formula failed to parse, check or evaluate; knows where it came from."""

    def __init__(
        self,
        message: str,
        *,
        formula: str,
        ruleset: str | None = None,
        path: str | None = None,
        column: int | None = None,
        code: str = "E-FORMULA",
        suggestion: str | None = None,
    ) -> None:
        self.formula = formula
        self.ruleset = ruleset
        self.path = path
        self.column = column
        where = "，".join(
            part
            for part in (
                f"规则集 {ruleset}" if ruleset else "",
                f"指标 {path}" if path else "",
                f"公式 “{_clip(formula)}”",
                f"第 {column} 列" if column is not None else "",
            )
            if part
        )
        super().__init__([Problem(code, message, where=where, suggestion=suggestion)])

    def located(self, *, ruleset: str | None, path: str | None) -> FormulaError:
        """The same error, placed in a ruleset and at an indicator path."""
        return FormulaError(
            self.problems[0].message,
            formula=self.formula,
            ruleset=ruleset or self.ruleset,
            path=path or self.path,
            column=self.column,
            code=self.problems[0].code,
            suggestion=self.problems[0].suggestion,
        )


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suggest(name: str, known: Iterable[str]) -> str | None:
    """A did-you-mean phrase for a misspelled name, or None when nothing is close.

    Names come from the files being read, so either side may be something else than text (a
    number, a table): they are compared as text."""
    matches = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.5)
    return f"是否想写 “{matches[0]}”？" if matches else None


def known_list(known: Iterable[str]) -> str:
    return "、".join(sorted(known))


def internal_error(error: Exception, file: str | None = None) -> EvalrulesError:
    """An unexpected exception as an error item (``E-INTERNAL``): in a batch, one project's bug
    must not stop the run."""
    return EvalrulesError([Problem("E-INTERNAL", f"内部错误：{type(error).__name__}: {error}", file=file)])


class OutputError(EvalrulesError):
    """An output file could not be written (E-OUTPUT); nothing was left half-written."""
