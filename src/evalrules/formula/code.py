"""A checked formula turned into a Python function, so evaluating it is not a tree walk.

Only :func:`evalrules.formula.evaluator.compile_formula` calls this, and only with a syntax tree that has
already passed its allowlist (numbers, names, arithmetic, comparisons, and/or/not, conditional
expressions, calls of registered functions). The function is built from a new tree made here,
never from the analyst's text: every number and every operator or function is an object bound in
the function's namespace, a name is a lookup in the values passed in (``values["执行数"]``), and
the namespace has no builtins. Arithmetic goes through the same operator functions as the
simpleeval evaluator, which stays the reference that the tests compare this with.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

FormulaFunction = Callable[[Mapping[str, Any]], Any]

_VALUES = "_values"


def to_function(
    body: ast.expr,
    operators: Mapping[type, Callable[..., Any]],
    functions: Mapping[str, Callable[..., Any]],
) -> FormulaFunction:
    """A function of the values mapping that computes what ``body`` means."""
    return _Builder(operators, functions).build(body)


class _Builder:
    def __init__(
        self, operators: Mapping[type, Callable[..., Any]], functions: Mapping[str, Callable[..., Any]]
    ):
        self.operators = operators
        self.functions = functions
        self.namespace: dict[str, Any] = {"__builtins__": {}}
        self.bound: dict[int, str] = {}

    def build(self, body: ast.expr) -> FormulaFunction:
        arguments = ast.arguments(
            posonlyargs=[], args=[ast.arg(_VALUES)], kwonlyargs=[], kw_defaults=[], defaults=[]
        )
        tree = ast.Expression(ast.Lambda(arguments, self.node(body)))
        code = compile(ast.fix_missing_locations(tree), "<formula>", "eval")
        function: FormulaFunction = eval(code, self.namespace)  # our own tree: see the module docstring
        return function

    def bind(self, value: object) -> ast.Name:
        name = self.bound.get(id(value))
        if name is None:
            name = self.bound[id(value)] = f"_bound{len(self.bound)}"
            self.namespace[name] = value
        return ast.Name(name, ast.Load())

    def node(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return ast.Constant(node.value)
            if isinstance(node.value, Decimal):  # the checker made every number a Decimal
                return self.bind(node.value)
        elif isinstance(node, ast.Name):
            return ast.Subscript(ast.Name(_VALUES, ast.Load()), ast.Constant(node.id), ast.Load())
        elif isinstance(node, ast.BinOp):
            return self.call(self.operators[type(node.op)], node.left, node.right)
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return ast.UnaryOp(ast.Not(), self.node(node.operand))
            return self.call(self.operators[type(node.op)], node.operand)
        elif isinstance(node, ast.BoolOp):
            return ast.BoolOp(type(node.op)(), [self.node(value) for value in node.values])
        elif isinstance(node, ast.Compare):
            return ast.Compare(
                self.node(node.left),
                [type(op)() for op in node.ops],
                [self.node(comparator) for comparator in node.comparators],
            )
        elif isinstance(node, ast.IfExp):
            return ast.IfExp(self.node(node.test), self.node(node.body), self.node(node.orelse))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(self.functions[node.func.id], *node.args)
        raise TypeError(f"not a checked formula node: {ast.dump(node)}")  # the checker refused it first

    def call(self, function: Callable[..., Any], *arguments: ast.expr) -> ast.Call:
        return ast.Call(self.bind(function), [self.node(argument) for argument in arguments], [])
