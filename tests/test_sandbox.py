"""The formula sandbox, proven: every known simpleeval escape and denial-of-service form is refused.

Each hostile formula is tried twice: through the public API (``compile_formula`` then
``Formula.evaluate``) and through the full scoring path (a ruleset TOML whose indicator uses the
``formula`` method with the hostile text, loaded with ``load_ruleset`` and scored with
``evalrules.score``). The only acceptable ending is evalrules' own refusal: a ``FormulaError``
(directly), or a ``LoadError`` / ``ScoringError`` carrying an ``E-FORMULA…`` problem located in the
ruleset file (scoring path). Any other exception fails the test.

Every attempt runs in a separate worker process under a generous wall-clock limit (HANG_GUARD):
a formula that hangs, or computes a gigantic number in one C call that holds the GIL, fails its
test instead of hanging the suite. This is a hang guard, not a speed assertion.

Stages: ``compile`` cases must be refused when the formula is compiled (when the ruleset loads);
``evaluate`` cases depend on the values, so they must compile and be refused when evaluated (when
the project is scored); ``any`` cases are built from literals only, so refusing them at compile time
(constant folding) or at evaluation are both right.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.pool
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import evalrules
from evalrules import FormulaError, default_registry
from evalrules.base.errors import EvalrulesError, LoadError, ScoringError
from evalrules.base.numbers import EXPONENT_LIMIT, MAX_MAGNITUDE
from evalrules.formula.evaluator import (
    MAX_FORMULA_DEPTH,
    MAX_FORMULA_LENGTH,
    MAX_FORMULA_NODES,
    compile_formula,
)
from evalrules.formula.operators import MAX_EXPONENT

HANG_GUARD = 10.0
"""Seconds one attempt may take before it counts as a hang (generous: a refusal takes milliseconds)."""

NAMES = ("x", "y", "实际值", "指标值", "分值")
SMALL = {"x": "3", "y": "4"}


class Case(NamedTuple):
    source: str
    stage: str  # "compile", "evaluate" or "any"
    values: dict[str, str] = SMALL
    """Direct path: any Decimal. Scoring path: values of the assessment (x and y), so < MAX_MAGNITUDE."""


def _compile(*sources: str) -> list[Case]:
    return [Case(source, "compile") for source in sources]


def _any(*sources: str) -> list[Case]:
    return [Case(source, "any") for source in sources]


BIG = str(MAX_MAGNITUDE - 1)  # the largest value a project file may give (99999999999999…)

CASES: dict[str, list[Case]] = {
    "attribute and dunder access": _compile(
        "x.real",
        "x.__class__",
        "(1).__class__",
        "x.__class__.__mro__",
        "(1).__class__.__mro__[1].__subclasses__()",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__dict__",
        "min.__globals__",
        "min.__self__",
        "x.__init__.__globals__['__builtins__']",
        "x.__reduce_ex__(2)",
        "x.y()",
        "x . real",
    ),
    "generator frames": _compile(
        "(i for i in (1,)).gi_frame",
        "(i for i in (1,)).gi_frame.f_back",
        "(i for i in (1,)).gi_frame.f_back.f_globals",
        "[(i for i in ()).gi_frame.f_back.f_builtins]",
        "(i for i in (1,)).gi_code",
    ),
    "format strings": _compile(
        "'{0.__class__}'.format(x)",
        "'{0:>99999999}'.format(1)",
        "'%s' % x",
        "'%99999999d' % 1",
        "format(x, '>99999999')",
        "str.format('{0}', 1)",
    ),
    "f-strings": _compile(
        'f"{0:>99999999}"',
        "f'{x}'",
        "f'{x!r}'",
        "f'{x:{9}{9}{9}{9}{9}{9}{9}{9}}'",
        "f'{x.__class__}'",
        "f\"{'a' * 999999999}\"",
    ),
    "operator module": _compile(
        "operator.add(1, 2)",
        "operator.pow(9, 99999)",
        "operator.attrgetter('__class__')(x)",
        "__import__('operator').mul(9, 9)",
        "operator",
        "add(1, 2)",
        "pow(9, 9, 9)",
    ),
    "lambda": _compile("lambda: 1", "(lambda: 1)()", "(lambda x: x)(1)", "min(lambda: 1)"),
    "comprehensions": _compile(
        "[i for i in (1,)]",
        "{i for i in (1,)}",
        "{i: i for i in (1,)}",
        "(i for i in (1,))",
        "min(i for i in (1,))",
        "sum(i for i in (1,))",
        "[i for i in [1] for j in [1]]",
    ),
    "strings and string multiplication": _compile(
        "'a'",
        '"a" * 10',
        "'a' * 9999999999",
        "'a' * 9 ** 9 ** 9",
        "'a' + 'b'",
        "b'x'",
        "r'x'",
        "'''a'''",
        "x if 'a' else y",
        "min('a', 'b')",
    ),
    "huge powers": _any(
        "4000000**4000000",
        "9**9**9",
        "9 ** (9 ** 9)",
        "(9 ** 99) ** 99",
        "2 ** 2 ** 2 ** 2 ** 2 ** 2",
        "-9 ** 9 ** 9",
        "10 ** 1000",
        "10 ** -1000",
        f"2 ** {MAX_EXPONENT + 1}",
        "2 ** 0.5",
        "1.0000001 ** 99999999",
        "(9 ** 99) ** (9 ** 99)",
        "abs(-9 ** 100) ** 100",
    ),
    "huge multiplication chains": _any(
        " * ".join(["1e99"] * 11),
        " * ".join(["9 ** 99"] * 12),
        "9e999 * 9e999",
        "1e999 * 10",
        "9e999 + 9e999",
        "-9e999 - 9e999",
        " * ".join(["(10 ** 99)"] * 11),
        "max(9e999, 1) * 9e999",
    ),
    "shifts and bitwise operators": _compile(
        "1 << 100000000",
        "x << y",
        "x >> 1",
        "x ^ 2",
        "x | y",
        "x & y",
        "~x",
        "x @ y",
    ),
    "long expressions": _compile(
        "1" + " + 1" * 200,
        "x" * (MAX_FORMULA_LENGTH + 1),
        "1".ljust(MAX_FORMULA_LENGTH + 1),
        "(" * 5000 + "1" + ")" * 5000,
        "-" * 100_000 + "1",
        "max(" + ",".join(["x"] * (MAX_FORMULA_NODES + 40)) + ")",
        " + ".join(["x"] * (MAX_FORMULA_NODES // 2 + 10)),
    ),
    "deeply nested expressions": _compile(
        "(" * (MAX_FORMULA_DEPTH + 1) + "1" + ")" * (MAX_FORMULA_DEPTH + 1),
        "(" * 240 + "1" + ")" * 240,
        "-" * (MAX_FORMULA_DEPTH + 10) + "1",
        "not " * (MAX_FORMULA_DEPTH + 10) + "1",
        "abs(" * (MAX_FORMULA_DEPTH + 10) + "1" + ")" * (MAX_FORMULA_DEPTH + 10),
        "1 if " * 60 + "1" + " else 1" * 60,
        "[" * 200 + "]" * 200,
        "(" * 200,
    ),
    "names of builtins": _compile(
        "open('x')",
        "open",
        "eval('1')",
        "eval",
        "exec('1')",
        "__import__('os')",
        "__import__",
        "type(x)",
        "type",
        "getattr(x, 'real')",
        "setattr(x, 'y', 1)",
        "compile('1', '', 'eval')",
        "globals()",
        "locals()",
        "vars()",
        "dir()",
        "breakpoint()",
        "print(1)",
        "input()",
        "exit()",
        "object",
        "__builtins__",
        "__class__",
        "__name__",
    ),
    "subscripts": _compile("x[0]", "x[0:1]", "x[::-1]", "min[0]", "(1, 2)[0]"),
    "starred": _compile("*x", "min(*x)", "min(*[1, 2])", "min(x, *y)"),
    "walrus": _compile("(y := 1)", "min((y := 1), 2)", "(x := x + 1) + x"),
    "keyword arguments": _compile("min(x, key=y)", "round(x, places=2)", "min(x, **y)", "abs(x=1)"),
    "calling non-registered functions": _compile(
        "foo(1)",
        "sum(1)",
        "len(x)",
        "x(1)",
        "min(1)(2)",
        "(x if x else min)(1)",
    ),
    "functions with huge arguments": _any(
        "round(9e998, 10)",
        "round(1, 99999999)",
        "round(1, 10 ** 99)",
        "round(1, -1)",
        "ratio(9e999, 1e-999, 0)",
        "abs(-9e999) * 10",
        "min(" + ", ".join(["9e999"] * 60) + ") * 10",
        "clamp(9e999 * 9e999, 0, 1)",
    ),
    "other constructs": _compile(
        "None",
        "...",
        "[1]",
        "(1, 2)",
        "{1: 2}",
        "{1}",
        "x is y",
        "x in y",
        "x not in y",
        "1j",
        "0x10",
        "0o17",
        "0b1",
        "1e999999999999",
        "await x",
        "(yield x)",
        "x = 1",
        "import os",
        "x; y",
        "x\x00",
        "if x: y",
        "",
    ),
    "value-dependent (at evaluation)": [
        Case("x ** y", "evaluate", {"x": "10", "y": "4000000"}),
        Case("x ** y", "evaluate", {"x": BIG, "y": str(MAX_EXPONENT)}),
        Case("x ** -y", "evaluate", {"x": "0", "y": "1"}),
        Case("x ** y", "evaluate", {"x": "2", "y": "0.5"}),
        Case(" * ".join(["(" + " * ".join(["x"] * 8) + ")"] * 9), "evaluate", {"x": BIG, "y": "1"}),
        Case("(x * y) ** 40", "evaluate", {"x": BIG, "y": BIG}),
        Case("x / y", "evaluate", {"x": "1", "y": "0"}),
        Case("x // y", "evaluate", {"x": BIG, "y": "0.00000000000001"}),
        Case("x % y", "evaluate", {"x": BIG, "y": "1e-900"}),
        Case("round(x, y)", "evaluate", {"x": "1", "y": "99999999"}),
        Case("round(x * y, 10)", "evaluate", {"x": BIG, "y": BIG}),
        Case("ratio(x, y, 0) ** 100", "evaluate", {"x": BIG, "y": "1e-900"}),
        Case("clamp(x, y, 0)", "evaluate", {"x": "1", "y": "1"}),
    ],
}

ALL = [
    pytest.param(case, id=f"{group}: {case.source[:40]!r}")
    for group, cases in CASES.items()
    for case in cases
]

ACCEPTED = [
    Case("min(x / y, 1) * 分值", "accepted"),
    Case(f"x ** {MAX_EXPONENT} / x ** {MAX_EXPONENT}", "accepted"),
    Case("-" * ((MAX_FORMULA_DEPTH - 1) // 2 * 2) + "x", "accepted"),  # an even count: a positive score
    Case("max(" + ",".join(["x"] * (MAX_FORMULA_NODES - 1)) + ")", "accepted"),
]
"""Controls: legitimate formulas near the caps go through, so a refusal test cannot pass by
refusing everything (or by a worker that never answers)."""


# --------------------------------------------------------------------------- the attempts (in a worker)


def _direct(source: str, values: dict[str, str]) -> tuple[str, str, str]:
    """(stage, code, message): stage is "compile" or "evaluate" for a FormulaError, "accepted" for
    a value, "escaped" for any other exception."""
    functions = default_registry().functions
    try:
        formula = compile_formula(source, functions=functions, names=NAMES)
    except FormulaError as error:
        return "compile", error.problems[0].code, error.problems[0].message
    except BaseException as error:
        return "escaped", type(error).__name__, str(error)[:300]
    given = {"分值": Decimal(10), **{name: Decimal(value) for name, value in values.items()}}
    try:
        result = formula.evaluate(given)
    except FormulaError as error:
        return "evaluate", error.problems[0].code, error.problems[0].message
    except BaseException as error:
        return "escaped", type(error).__name__, str(error)[:300]
    return "accepted", "", repr(result)[:300]


RULESET = """
[ruleset]
id = "sandbox"
version = "1"
title = "公式沙箱"
document = "测试"
issuer = "测试"

[[grades]]
name = "合格"
min = 0

[[indicators]]
name = "公式"
weight = 100
method = "formula"
params = {{ formula = {formula}, inputs = ["x", "y"] }}
"""

PROJECT = """
[project]
name = "沙箱项目"

[[assessments]]
path = "公式"
values = {{ x = "{x}", y = "{y}" }}
"""


def _scored(source: str, values: dict[str, str]) -> tuple[str, str, str]:
    """(stage, codes, detail) through load_ruleset and evalrules.score: "load" or "score" for an
    EvalrulesError (codes comma-separated; detail says where the E-FORMULA problems are), "accepted"
    for a Result, "escaped" for any other exception."""
    folder = Path(tempfile.mkdtemp(prefix="sandbox-"))
    try:
        ruleset_path = folder / "sandbox.toml"
        ruleset_path.write_text(RULESET.format(formula=json.dumps(source, ensure_ascii=False)), "utf-8")
        project_path = folder / "project.toml"
        project_path.write_text(PROJECT.format(**values), "utf-8")
        stage = "load"
        try:
            ruleset = evalrules.load_ruleset(ruleset_path)
            project = evalrules.load_project(project_path)
            stage = "score"
            result = evalrules.score(project, ruleset)
        except EvalrulesError as error:
            if stage == "load" and not isinstance(error, LoadError):
                return "escaped", type(error).__name__, error.render()[:300]
            if stage == "score" and not isinstance(error, ScoringError):
                return "escaped", type(error).__name__, error.render()[:300]
            codes = ",".join(problem.code for problem in error.problems)
            places = [
                (
                    problem.file == str(ruleset_path),
                    problem.line is not None,
                    "指标 公式" in (problem.where or ""),
                )
                for problem in error.problems
                if problem.code.startswith("E-FORMULA")
            ]
            return stage, codes, repr(places)
        except BaseException as error:
            return "escaped", type(error).__name__, str(error)[:300]
        return "accepted", "", str(result.total)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- the hang guard


class Guard:
    """One spawned worker process; an attempt that outlives HANG_GUARD kills it and fails the test."""

    def __init__(self, limit: float = HANG_GUARD) -> None:
        self.limit = limit
        self.pool = self._start()

    @staticmethod
    def _start() -> multiprocessing.pool.Pool:
        return multiprocessing.get_context("spawn").Pool(1)

    def run(self, function: Callable[..., tuple[str, str, str]], *args: Any) -> tuple[str, str, str]:
        pending = self.pool.apply_async(function, args)
        try:
            return pending.get(timeout=self.limit)
        except multiprocessing.TimeoutError:
            self.pool.terminate()
            self.pool = self._start()
            pytest.fail(f"no answer within {self.limit} s: {str(args[0])[:80]!r} hangs")

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


@pytest.fixture(scope="module")
def guard() -> Iterator[Guard]:
    worker = Guard()
    yield worker
    worker.close()


# --------------------------------------------------------------------------- the tests


def _refused_directly(outcome: tuple[str, str, str], case: Case) -> None:
    stage, code, message = outcome
    assert stage != "escaped", f"{case.source!r} raised {code}, not FormulaError: {message}"
    assert stage != "accepted", f"{case.source!r} was accepted: {message}"
    assert code.startswith("E-FORMULA"), outcome
    assert message
    if case.stage in ("compile", "evaluate"):
        assert stage == case.stage, f"{case.source!r} refused at {stage}, expected at {case.stage}: {message}"


@pytest.mark.parametrize("case", ALL)
def test_refused_through_compile_formula(guard: Guard, case: Case) -> None:
    _refused_directly(guard.run(_direct, case.source, case.values), case)


@pytest.mark.parametrize("case", ALL)
def test_refused_through_the_scoring_path(guard: Guard, case: Case) -> None:
    stage, codes, detail = guard.run(_scored, case.source, case.values)
    assert stage != "escaped", f"{case.source!r} raised {codes}: {detail}"
    assert stage != "accepted", f"{case.source!r} was scored: total {detail}"
    assert any(code.startswith("E-FORMULA") for code in codes.split(",")), (stage, codes, detail)
    expected = {"compile": "load", "evaluate": "score"}.get(case.stage)
    if expected is not None:
        assert stage == expected, (case.source, stage, codes)
    if stage == "load":  # located in the ruleset file, at its line, at the indicator
        assert "False" not in detail, detail


def test_huge_direct_values_stop_at_the_context_limits(guard: Guard) -> None:
    # values handed to evaluate directly are not limited by MAX_MAGNITUDE: the context still stops them
    huge = f"9e{EXPONENT_LIMIT}"
    for source in ("x * y", "x + y", "x ** 2", "x / (1 / y)", "abs(x) * 10", "-x - y"):
        _refused_directly(guard.run(_direct, source, {"x": huge, "y": huge}), Case(source, "evaluate"))
    for bad in ("NaN", "Infinity", "-Infinity", "sNaN"):
        _refused_directly(guard.run(_direct, "x + 1", {"x": bad}), Case("x + 1", "evaluate"))


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda case: case.source[:40])
def test_legitimate_formulas_near_the_caps_are_accepted(guard: Guard, case: Case) -> None:
    stage, code, result = guard.run(_direct, case.source, case.values)
    assert stage == "accepted", (stage, code, result)
    stage, codes, total = guard.run(_scored, case.source, case.values)
    assert (stage, codes) == ("accepted", ""), total


def test_the_guard_fails_a_hang_and_recovers() -> None:
    worker = Guard(limit=0.5)
    try:
        with pytest.raises(pytest.fail.Exception, match="hangs"):
            worker.run(time.sleep, 60)  # type: ignore[arg-type]
        worker.limit = HANG_GUARD  # the fresh worker needs time to start
        assert worker.run(_direct, "x + y", SMALL) == ("accepted", "", "Decimal('7')")
    finally:
        worker.close()


def test_every_group_of_the_issue_is_covered() -> None:
    expected = {
        "attribute and dunder access",
        "generator frames",
        "format strings",
        "f-strings",
        "operator module",
        "lambda",
        "comprehensions",
        "strings and string multiplication",
        "huge powers",
        "huge multiplication chains",
        "shifts and bitwise operators",
        "long expressions",
        "deeply nested expressions",
        "names of builtins",
        "subscripts",
        "starred",
        "walrus",
        "keyword arguments",
        "calling non-registered functions",
        "functions with huge arguments",
    }
    assert expected <= set(CASES)
    assert all(CASES[group] for group in CASES)


def test_the_safety_page_lists_every_cap_with_its_value() -> None:
    from evalrules.base import numbers
    from evalrules.default_plugins import functions
    from evalrules.formula import evaluator as formula
    from evalrules.io import excel, inheritance

    from .conftest import ROOT

    text = (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")
    caps: dict[str, object] = {
        name: value
        for module in (formula, numbers, functions, inheritance, excel)
        for name, value in vars(module).items()
        if name.isupper()
        and not name.startswith("_")
        and isinstance(value, int)
        and not isinstance(value, bool)
    }
    assert {"MAX_FORMULA_LENGTH", "MAX_FORMULA_DEPTH", "MAX_FORMULA_NODES", "MAX_EXPONENT"} <= set(caps)
    assert Decimal(10) ** 15 == MAX_MAGNITUDE
    caps["MAX_MAGNITUDE"] = "10^15"
    missing = [name for name, value in caps.items() if f"| `{name}` | {value} |" not in text]
    assert missing == [], f"docs/safety.md: no table row `| NAME | value |` for {missing}"
    assert f"{HANG_GUARD:g} 秒" in text or f"{HANG_GUARD:g} s" in text


def test_input_names_that_look_like_builtins_are_only_numbers(write: Callable[[str, str], Path]) -> None:
    # a ruleset may declare any identifier as an input: it names a number from the project, nothing more
    text = RULESET.format(formula='"__import__ + open * eval - __builtins__"').replace(
        'inputs = ["x", "y"]', 'inputs = ["__import__", "open", "eval", "__builtins__"]'
    )
    ruleset = evalrules.load_ruleset(write("r.toml", text))
    project = PROJECT.replace(
        '{{ x = "{x}", y = "{y}" }}', "{ __import__ = 1, open = 2, eval = 3, __builtins__ = 4 }"
    )
    result = evalrules.score(evalrules.load_project(write("p.toml", project)), ruleset)
    assert result.node("公式").score == Decimal(3)  # 1 + 2 * 3 - 4
    with pytest.raises(LoadError):  # and calling one is still calling an unregistered function
        evalrules.load_ruleset(write("r2.toml", text.replace("__import__ + open", "open(1) + open")))
