"""The report of ``evalrules check``: each property's outcome with its counter-example, the
worked examples' outcomes and coverage, as values (``to_dict``) and as Chinese text (``render``)."""

from __future__ import annotations

from typing import Any, Literal

import attrs
from attrs import frozen

from ..base.numbers import ZERO, fmt
from .golden import Coverage, ExampleOutcome

Status = Literal["passed", "failed", "skipped"]


@frozen
class CounterExample:
    """A minimal project on which a property fails, in the ruleset's terms."""

    summary: str
    inputs: tuple[str, ...]
    expected: str
    found: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@frozen
class PropertyOutcome:
    code: str
    title: str
    status: Status
    note: str = ""
    counter_example: CounterExample | None = None


@frozen
class CheckReport:
    """What ``evalrules check`` found: each property, each worked example, their coverage."""

    ruleset_id: str
    ruleset_version: str
    examples_per_property: int
    properties: tuple[PropertyOutcome, ...]
    examples: tuple[ExampleOutcome, ...]
    coverage: Coverage

    @property
    def failed_properties(self) -> tuple[PropertyOutcome, ...]:
        return tuple(p for p in self.properties if p.status == "failed")

    @property
    def failed_examples(self) -> tuple[ExampleOutcome, ...]:
        return tuple(e for e in self.examples if not e.passed)

    @property
    def ok(self) -> bool:
        return not self.failed_properties and not self.failed_examples

    def render(self) -> str:
        return render_text(self)

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self) | {"ok": self.ok}


_MARKS = {"passed": "通过", "failed": "不成立", "skipped": "未检验"}


def render_text(report: CheckReport) -> str:
    """The report in Chinese: properties, counter-examples, worked examples, coverage, verdict."""
    lines = [
        f"规则集 {report.ruleset_id} {report.ruleset_version} 自检"
        f"（每项性质 {report.examples_per_property} 个生成的项目，固定种子，结果可重复）",
        "",
        "性质：",
    ]
    for outcome in report.properties:
        note = f"：{outcome.note}" if outcome.note else ""
        lines.append(f"  [{_MARKS[outcome.status]}] {outcome.code} {outcome.title}{note}")
        counter = outcome.counter_example
        if counter is not None:
            lines.append(f"      反例（已化简）：{counter.summary}")
            lines += [f"        {line}" for line in counter.inputs]
            lines.append(f"      应为 {counter.expected}；实际为 {counter.found}")
    lines += ["", f"算例（[[examples]]，{len(report.examples)} 个）："]
    if not report.examples:
        lines.append("  （规则集没有算例；算例不随 extends 继承，见 docs/ruleset-format.md）")
    for example in report.examples:
        if example.passed:
            lines.append(f"  [通过] {example.name}：总分 {fmt(example.total or ZERO)}（{example.grade}）")
            continue
        lines.append(f"  [不符] {example.name}")
        lines += [f"      {m.what}：应为 {m.expected}；实际为 {m.found}" for m in example.mismatches]
        if example.error:
            lines += [f"      无法评分：{line}" for line in example.error.splitlines()]
    cover = report.coverage
    total = len(cover.indicators) + len(cover.missing_indicators)
    lines += [
        "",
        "算例覆盖：",
        f"  指标：{len(cover.indicators)}/{total} 个得到计分" + _missing(cover.missing_indicators),
        f"  等级：{'、'.join(cover.grades) or '无'}" + _missing(cover.missing_grades),
        f"  绩效指标性质：{'、'.join(_symbols(cover.operators)) or '无'}"
        + _missing(_symbols(cover.missing_operators)),
        "",
    ]
    failed, wrong = len(report.failed_properties), len(report.failed_examples)
    if report.ok:
        lines.append("结论：全部性质成立，全部算例相符。")
    else:
        lines.append(f"结论：{failed} 项性质不成立，{wrong} 个算例不符。")
    return "\n".join(lines) + "\n"


def _symbols(operators: tuple[str, ...]) -> tuple[str, ...]:
    return tuple({">=": "≥", "<=": "≤"}.get(operator, operator) for operator in operators)


def _missing(names: tuple[str, ...]) -> str:
    return f"；未覆盖：{'、'.join(names)}" if names else "；全部覆盖"
