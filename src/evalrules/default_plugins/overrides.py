"""Built-in review (复核) check: a target that names its own scoring method.

The ruleset decides which methods a project may choose ([project_methods]); a choice it allows is
still a departure from the rule a reviewer signs for, and the one place where a 预算单位 could
pick the method that pays best. Each is reported with the rule it replaced and both scores.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs
from attrs import frozen

from ..base.errors import ScoringError
from ..base.numbers import fmt
from ..engine.scoring import explain
from ..hooks.findings import AuditCheck, AuditContext, Finding, Severity
from ..hooks.specs import hookimpl
from .claimed import key_of, nodes_by_key, target_path


def _method(strategy: str, params: Mapping[str, Any]) -> str:
    shown = "，".join(f"{key}={value}" for key, value in params.items())
    return f"{strategy}（{shown}）" if shown else strategy


@frozen
class MethodOverride:
    code: str = "A-METHOD-OVERRIDE"
    severity: Severity = "warning"
    title: str = "绩效指标自选了计分方法"
    doc: str = (
        "项目为绩效指标自选了计分方法（method/params），替代规则集 [target_methods] 对该指标性质的规定；"
        "规则集 [project_methods] 允许这种方法（不允许的打分时就报 E-METHOD-NOT-ALLOWED）。"
        "说明中写明被替代的规则和两种方法的得分：自选方法得分更高时为 warning（须核实评价方案确有规定），"
        "不高于规则集的方法时为 info。"
    )

    def run(self, context: AuditContext) -> Iterator[Finding]:
        project, ruleset = context.project, context.ruleset
        chosen = [t for t in project.targets if t.method is not None and not t.not_applicable]
        if not chosen or context.result is None:
            return
        by_rule: dict[str, Any] = {}
        plain = attrs.evolve(
            project,
            targets=tuple(
                attrs.evolve(t, method=None) if t.method is not None else t for t in project.targets
            ),
        )
        # the ruleset's method may not score some target (a survey row without an actual value)
        with contextlib.suppress(ScoringError):
            by_rule = {key_of(node.path): node for node in explain(plain, ruleset, context.registry).walk()}
        nodes = nodes_by_key(context)
        for target in chosen:
            assert target.method is not None
            key = key_of(target_path(target))
            node, rule_node = nodes.get(key), by_rule.get(key)
            own: Decimal | None = node.score if node is not None else None
            rule = ruleset.target_method(target.operator)
            nature = {">=": "≥", "<=": "≤"}.get(target.operator, target.operator)
            replaced = (
                f"规则集对“{nature}”指标用 {_method(rule.strategy, rule.params)}"
                if rule is not None
                else f"规则集没有为“{nature}”指标规定计分方法"
            )
            ruled = rule_node.score if rule_node is not None else None
            scores = f"自选方法得 {fmt(own)} 分" if own is not None else "自选方法未能计分"
            scores += (
                f"，按规则集的方法得 {fmt(ruled)} 分" if ruled is not None else "，按规则集的方法无法计分"
            )
            higher = own is not None and (ruled is None or own > ruled)
            said = f"；项目说明：{target.note.strip()}" if target.note.strip() else ""
            yield Finding(
                self.code,
                "warning" if higher else "info",
                f"“{target.name}” 自选计分方法 {_method(target.method.strategy, target.method.params)}，"
                f"替代{replaced}：{scores}" + ("，须核实评价方案确有此规定" if higher else "") + said,
                target_path(target),
                own,
                ruled,
                target.place,
            )


OVERRIDE_CHECKS: tuple[AuditCheck, ...] = (MethodOverride(),)


@hookimpl
def register_checks() -> list[AuditCheck]:
    return list(OVERRIDE_CHECKS)
