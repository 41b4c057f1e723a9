"""Formulas: parsed and checked once when a ruleset loads, evaluated many times.

The only module that imports simpleeval. A formula may use numbers, names, arithmetic,
comparisons, and/or/not, conditional expressions and calls of registered functions; nothing
else. Literals become Decimal from their source text; every operator computes in the bounded
context of :mod:`evalrules.base.numbers`. Every failure becomes one :class:`FormulaError`.
"""

from __future__ import annotations

import ast
import decimal
import io
import re
import tokenize
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping
from contextvars import ContextVar
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import simpleeval
from attrs import field, frozen

from ..base.errors import FormulaError, suggest
from ..base.numbers import CONTEXT
from .code import to_function
from .operators import (
    BINARY,
    COMPARE,
    SIMPLEEVAL_OPERATORS,
    UNARY,
    Value,
)
from .operators import MAX_EXPONENT as MAX_EXPONENT  # re-exported: a cap of formulas
from .operators import OPERATORS as OPERATORS  # re-exported: what the docs list

MAX_FORMULA_LENGTH = 500
"""Longest formula source accepted, in characters."""
MAX_FORMULA_DEPTH = 50
"""Deepest nesting accepted: brackets, and the syntax tree (a chain a + b + … of n terms is n deep)."""
MAX_FORMULA_NODES = 200
"""Most syntax-tree nodes one formula may have."""
_STRUCTURE = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.IfExp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.BinOp,
    ast.UnaryOp,
    ast.Constant,
)


_VALUES: ContextVar[Mapping[str, Value]] = ContextVar(
    "evalrules_formula_values", default=MappingProxyType({})
)
"""The names of the evaluation under way: one per thread and per (re-entrant) call."""


class _CurrentValues(Mapping[str, Value]):
    """What the shared evaluator sees as its names: the values of the current evaluation.

    One evaluator per formula is built once; the values live in a context variable, so two
    threads (or a function that evaluates the same formula again) never see each other's names.
    """

    def __getitem__(self, name: str) -> Value:
        return _VALUES.get()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_VALUES.get())

    def __len__(self) -> int:
        return len(_VALUES.get())


@frozen
class FormulaFunction:
    """A function formulas may call: pure, Decimal in and Decimal (or bool) out."""

    name: str
    implementation: Callable[..., Value]
    signature: str
    doc: str
    min_args: int
    max_args: int | None = None


@frozen(eq=False)
class Formula:
    """A checked formula, ready to evaluate many times with different names.

    ``evaluate`` runs the formula compiled to a Python function (:mod:`evalrules.formula.code`);
    ``evaluate_reference`` walks the same checked tree with simpleeval. The two agree on every
    formula and every input (tests/test_formula_code.py); the first is several times faster.
    """

    source: str
    names: frozenset[str]
    _body: ast.expr = field(repr=False)
    _evaluator: Any = field(repr=False)
    _function: Callable[[Mapping[str, Value]], Any] = field(repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Formula) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def evaluate(self, values: Mapping[str, Decimal]) -> Value:
        """The exact value of the formula; any failure is a FormulaError."""
        try:
            result = self._function(values)
        except KeyError as error:
            if error.args and error.args[0] in self.names:
                raise FormulaError(f"未提供名称 “{error.args[0]}” 的值", formula=self.source) from None
            raise self._failure(error) from None
        except (Exception, SystemExit) as error:  # a registered function is a plugin's code
            raise self._failure(error) from None
        return self._checked(result)

    def evaluate_reference(self, values: Mapping[str, Decimal]) -> Value:
        """The same value computed by simpleeval's tree walk: the reference ``evaluate`` is tested against."""
        token = _VALUES.set(values)
        try:
            result = self._evaluator.eval(self.source, previously_parsed=self._body)
        except simpleeval.NameNotDefined as error:
            raise FormulaError(f"未提供名称 “{error.name}” 的值", formula=self.source) from None
        except Exception as error:
            raise self._failure(error) from None
        finally:
            _VALUES.reset(token)
        return self._checked(result)

    def _failure(self, error: BaseException) -> FormulaError:
        if isinstance(error, FormulaError):
            return error
        if isinstance(error, (decimal.DivisionByZero, ZeroDivisionError)):
            return FormulaError("除数为 0", formula=self.source)
        if isinstance(error, decimal.Overflow):
            return FormulaError("计算结果超出数值范围", formula=self.source)
        if isinstance(error, (RecursionError, MemoryError)):
            return FormulaError("公式计算超出资源限制", formula=self.source)
        # a plugin function or decimal signal: never escapes raw
        return FormulaError(_describe(error), formula=self.source)

    def _checked(self, result: object) -> Value:
        if not isinstance(result, (Decimal, bool)):
            raise FormulaError(f"公式结果应为数字，实际为 {type(result).__name__}", formula=self.source)
        if isinstance(result, Decimal) and not result.is_finite():
            raise FormulaError(f"公式结果不是有限的数字：{result}", formula=self.source)
        return result

    def number(self, values: Mapping[str, Decimal]) -> Decimal:
        """Evaluate where a number is required (a score, a ratio)."""
        result = self.evaluate(values)
        if isinstance(result, bool):
            raise FormulaError("公式结果应为数字，实际为真假值", formula=self.source)
        return result


def _describe(error: BaseException) -> str:
    if isinstance(error, decimal.InvalidOperation):
        return "无效的数值运算（例如 0/0 或对负数开方）"
    if isinstance(error, ArithmeticError) and error.args:
        return str(error.args[0])
    if isinstance(error, (TypeError, ValueError)) and error.args:
        return f"计算失败：{error.args[0]}"
    return f"计算失败（{type(error).__name__}）：{error}"


def compile_formula(
    source: str,
    *,
    functions: Mapping[str, FormulaFunction],
    names: Collection[str],
) -> Formula:
    """Parse and check a formula once. Raises FormulaError with the column where known."""
    if not isinstance(source, str):
        raise FormulaError("公式应为文本", formula=repr(source))
    if len(source) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"公式过长：{len(source)} 个字符，上限 {MAX_FORMULA_LENGTH}", formula=source)
    text = _Text(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # e.g. "x is 1": refused below anyway
            tree = ast.parse(text.parsed, mode="eval")
    except SyntaxError as error:
        column = text.column(error.lineno or 1, error.offset - 1) if error.offset else None
        raise FormulaError(
            f"公式语法错误：{error.msg}", formula=source, column=column, code="E-FORMULA-SYNTAX"
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("公式无法解析：嵌套过深或含非法字符", formula=source) from None
    _check_brackets(text)
    checker = _Checker(text, functions, frozenset(names))
    checker.visit(tree.body, depth=1)
    guarded = {name: _guarded(function) for name, function in functions.items()}
    evaluator = simpleeval.SimpleEval(
        operators=dict(SIMPLEEVAL_OPERATORS), functions=guarded, names=_CurrentValues()
    )
    function = to_function(tree.body, SIMPLEEVAL_OPERATORS, guarded)
    return Formula(source, frozenset(checker.used_names), tree.body, evaluator, function)


def _guarded(function: FormulaFunction) -> Callable[..., Value]:
    implementation = function.implementation

    def call(*args: Value) -> Value:
        result = implementation(*args)
        if not isinstance(result, (Decimal, bool)):
            raise TypeError(f"函数 {function.name} 应返回数字，实际返回 {type(result).__name__}")
        if isinstance(result, Decimal) and not result.is_finite():
            raise ArithmeticError(f"函数 {function.name} 应返回有限的数字，实际返回 {result}")
        return result

    return call


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Text:
    """A formula's source and the text handed to the parser (without the leading whitespace
    the parser refuses), with positions translated back to the analyst's own text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parsed = source.strip()
        lead = source[: len(source) - len(source.lstrip())]
        self.lead_column = len(_LINE_BREAK.split(lead)[-1])
        self.lines = _LINE_BREAK.split(self.parsed)

    def column(self, lineno: int, offset: int, *, utf8: bool = False) -> int:
        """The 1-based character column, on its own line of the source, of a parser position
        (`lineno` 1-based; `offset` 0-based, in characters or, for ast nodes, UTF-8 bytes)."""
        line = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""
        offset = max(offset, 0)
        if utf8:
            offset = len(line.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        if lineno == 1:
            offset += self.lead_column
        return offset + 1


def _check_brackets(text: _Text) -> None:
    """Refuse brackets nested deeper than MAX_FORMULA_DEPTH: `((((1))))` is one node deep."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text.parsed).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
                if depth > MAX_FORMULA_DEPTH:
                    raise FormulaError(
                        f"括号嵌套过深：超过 {MAX_FORMULA_DEPTH} 层",
                        formula=text.source,
                        column=text.column(*token.start),
                    )
            elif token.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, SyntaxError):  # the parser accepted it: nothing more to learn
        return


class _Checker:
    """Walks the syntax tree once: allowlist, depth, size, names, arity, Decimal literals."""

    def __init__(self, text: _Text, functions: Mapping[str, FormulaFunction], names: frozenset[str]) -> None:
        self.text = text
        self.source = text.parsed
        self.functions = functions
        self.names = names
        self.used_names: set[str] = set()
        self.count = 0

    def fail(self, message: str, node: ast.AST, suggestion: str | None = None) -> FormulaError:
        offset = getattr(node, "col_offset", None)
        lineno = getattr(node, "lineno", 1)
        column = self.text.column(lineno, offset, utf8=True) if offset is not None else None
        return FormulaError(message, formula=self.text.source, column=column, suggestion=suggestion)

    def visit(self, node: ast.AST, depth: int) -> None:
        self.count += 1
        if self.count > MAX_FORMULA_NODES:
            raise self.fail(f"公式过大：超过 {MAX_FORMULA_NODES} 个语法节点", node)
        if depth > MAX_FORMULA_DEPTH:
            raise self.fail(f"公式嵌套过深：超过 {MAX_FORMULA_DEPTH} 层", node)
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise self.fail(_refusal(node), node)
        method(node, depth)

    def visit_Constant(self, node: ast.Constant, depth: int) -> None:
        value = node.value
        if isinstance(value, bool):
            return
        if not isinstance(value, (int, float)):
            raise self.fail(f"公式中不允许 {type(value).__name__} 常量，只允许数字", node)
        text = ast.get_source_segment(self.source, node) or repr(value)
        try:
            number = Decimal(text.replace("_", ""))
        except decimal.InvalidOperation:
            raise self.fail(f"只允许十进制数字，实际为 {text}", node) from None
        if not number.is_finite() or abs(number.adjusted()) > CONTEXT.Emax:
            raise self.fail(f"数字超出范围：{text}", node)
        node.value = number  # type: ignore[assignment]  # simpleeval returns Constant.value as is: now an exact Decimal

    def visit_Name(self, node: ast.Name, depth: int) -> None:
        if node.id in self.names:
            self.used_names.add(node.id)
            return
        if node.id in self.functions:
            raise self.fail(f"函数 “{node.id}” 只能调用，不能作为值使用", node)
        raise self.fail(f"未知名称 “{node.id}”", node, suggest(node.id, [*self.names, *self.functions]))

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> None:
        if type(node.op) not in BINARY:
            raise self.fail(f"不允许运算符 {type(node.op).__name__}", node)
        self.visit(node.left, depth + 1)
        self.visit(node.right, depth + 1)

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> None:
        if type(node.op) not in UNARY:
            raise self.fail(f"不允许运算符 {type(node.op).__name__}", node)
        self.visit(node.operand, depth + 1)

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> None:
        for value in node.values:
            self.visit(value, depth + 1)

    def visit_Compare(self, node: ast.Compare, depth: int) -> None:
        for op in node.ops:
            if type(op) not in COMPARE:
                raise self.fail(f"不允许比较运算 {type(op).__name__}", node)
        self.visit(node.left, depth + 1)
        for comparator in node.comparators:
            self.visit(comparator, depth + 1)

    def visit_IfExp(self, node: ast.IfExp, depth: int) -> None:
        for part in (node.test, node.body, node.orelse):
            self.visit(part, depth + 1)

    def visit_Call(self, node: ast.Call, depth: int) -> None:
        if not isinstance(node.func, ast.Name):
            raise self.fail("只能调用已登记的函数", node)
        name = node.func.id
        function = self.functions.get(name)
        if function is None:
            raise self.fail(f"未知函数 “{name}”", node, suggest(name, self.functions))
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.fail(f"函数 {name} 只接受按位置给出的参数", node)
        count = len(node.args)
        if count < function.min_args or (function.max_args is not None and count > function.max_args):
            raise self.fail(f"函数参数个数不对：{function.signature}，实际给了 {count} 个", node)
        for arg in node.args:
            self.visit(arg, depth + 1)


def _refusal(node: ast.AST) -> str:
    kind = type(node).__name__
    reasons = {
        "Attribute": "不允许访问属性（“.”）",
        "Subscript": "不允许下标或切片",
        "Lambda": "不允许 lambda",
        "JoinedStr": "不允许格式化字符串",
        "ListComp": "不允许推导式",
        "SetComp": "不允许推导式",
        "DictComp": "不允许推导式",
        "GeneratorExp": "不允许生成器表达式",
        "NamedExpr": "不允许赋值",
        "Await": "不允许 await",
        "Yield": "不允许 yield",
    }
    return reasons.get(kind, f"公式中不允许 {kind}：只允许数字、名称、运算、比较、条件和已登记的函数")
