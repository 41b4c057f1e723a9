"""The commands about rulesets, plugins and formulas, which read no project: rulesets, plugins,
show, check and formula."""

from __future__ import annotations

import argparse
import keyword
import unicodedata
from decimal import Decimal

from ..base import json_text
from ..base.errors import LoadError, Problem
from ..base.numbers import NumberProblem, parse_number
from ..formula.evaluator import compile_formula
from ..hooks.registry import default_registry
from ..io.loading import load_ruleset
from ..io.render import ruleset_text
from ..model.result import json_number
from .outcome import Findings


def rulesets(arguments: argparse.Namespace) -> str:
    registry = default_registry()
    lines = [f"{'id':<24}{'文号':<20}标题（插件）"]
    for source in registry.rulesets.values():
        lines.append(
            f"{source.id:<24}{source.document:<20}{source.title}（{registry.origin('ruleset', source.id)}）"
        )
    if registry.monitoring_rulesets:
        lines += ["", "监控规则集（evalrules monitor --ruleset）："]
        for source in registry.monitoring_rulesets.values():
            origin = registry.origin("monitoring_ruleset", source.id)
            lines.append(f"{source.id:<24}{source.document:<20}{source.title}（{origin}）")
    return "\n".join(lines) + "\n"


KIND_NAMES = {
    "ruleset": "规则集",
    "strategy": "计分方法",
    "function": "函数",
    "option": "开关",
    "adjuster": "结果调整",
    "check": "复核检查",
    "review_check": "目标审核检查",
    "outline": "报告提纲",
    "monitoring_ruleset": "监控规则集",
}


def plugins(arguments: argparse.Namespace) -> str:
    lines = []
    for plugin in default_registry().plugins:
        status = "已屏蔽" if plugin.blocked else ("加载失败" if plugin.error else "正常")
        lines.append(f"{plugin.name}  {plugin.version}  [{plugin.origin}]  {status}")
        for kind, names in plugin.registered.items():
            lines.append(f"    {KIND_NAMES.get(kind, kind)}：{'、'.join(names)}")
        if plugin.error:
            lines.append(f"    错误：{plugin.error}")
    return "\n".join(lines) + "\n"


def show(arguments: argparse.Namespace) -> str:
    from ..authoring.skeleton import paths_text  # only ``show`` needs them (start-up time)
    from ..io.export import ruleset_to_toml

    ruleset = load_ruleset(arguments.ruleset)
    if arguments.format == "toml":
        return ruleset_to_toml(ruleset)
    return ruleset_text(ruleset) + paths_text(ruleset)  # and the paths to type in a project file


def check(arguments: argparse.Namespace) -> str:
    """Exit 0 when every property holds and every worked example matches; 3 (like audit findings)
    with the report on stdout when one does not; 1 when the ruleset cannot be loaded."""
    from ..selfcheck.properties import check_ruleset  # hypothesis is slow to import; only ``check`` needs it

    report = check_ruleset(load_ruleset(arguments.ruleset), examples=arguments.examples, seed=arguments.seed)
    if arguments.format == "json":
        output = json_text.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=json_value) + "\n"
    else:
        output = report.render()
    if not report.ok:
        raise Findings(output)
    return output


def json_value(value: object) -> object:
    """Decimals in a check report as JSON numbers (100, 86.11), anything else as text."""
    return json_number(value) if isinstance(value, Decimal) else str(value)


def formula(arguments: argparse.Namespace) -> str:
    values, problems = {}, []
    for assignment in arguments.values:
        written, equals, text = assignment.partition("=")
        # as Python reads the formula: ｘ (full width) is x there, so it is here
        name = unicodedata.normalize("NFKC", written.strip())
        try:
            if not equals or not name:
                raise NumberProblem("应写成 名称=数值")
            if not name.isidentifier() or keyword.iskeyword(name):
                raise NumberProblem(
                    f"“{written.strip()}” 不能作公式中的名称（应以汉字或字母开头，不含运算符和空格）"
                )
            values[name] = parse_number(text)
        except NumberProblem as problem:
            problems.append(Problem("E-SET", str(problem), where=f"--set {assignment}"))
    if problems:
        raise LoadError(problems)
    formula = compile_formula(arguments.expression, functions=default_registry().functions, names=values)
    result = formula.evaluate(values)
    text = formula_value(result) + "\n"
    if arguments.reference:  # the documented semantics, walked node by node (docs/formulas.md)
        reference = formula.evaluate_reference(values)
        agree = type(reference) is type(result) and reference == result
        verdict = "一致" if agree else "不一致"
        text += f"参照（simpleeval 逐节点求值）：{formula_value(reference)}，{verdict}\n"
        if not agree:
            raise Findings(text)
    return text


def formula_value(value: object) -> str:
    if isinstance(value, bool):
        return ("真" if value else "假") + f"（{value}）"
    return format(value, "f")
