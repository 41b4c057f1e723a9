"""evalrules 插件：四川省项目支出绩效自评。

登记三样东西（钩子见 :mod:`evalrules.hooks.specs`）：

- 规则集 ``sichuan_self``（``rulesets/sichuan_self.toml``）：继承 ``caiyu_2020_10_self``，预算执行率以
  调整后预算数为分母，分值为 预算执行率 10 + 绩效指标 90（90 分由单位自己的绩效指标分值分配）；
- 计分方法 ``satisfaction_survey``（:mod:`evalrules_sichuan.survey`）：满意度问卷按满意程度加权，
  按正向指标计分；
- 复核检查 ``SC-LOW-EXECUTION``（:mod:`evalrules_sichuan.checks`，级别 error）：四川规则集下，预算执行率
  （执行数 ÷ 调整后预算数）低于 90% 而 ``[budget]`` 没有说明原因 ``reason``。
"""

from __future__ import annotations

from importlib.resources import files

from evalrules.plugin import AuditCheck, RulesetSource, ScoringStrategy, hookimpl

from .survey import DEFAULT_LEVELS, SatisfactionSurvey

__all__ = [
    "DEFAULT_LEVELS",
    "RULESET_ID",
    "SatisfactionSurvey",
    "register_checks",
    "register_rulesets",
    "register_strategies",
]

RULESET_ID = "sichuan_self"


@hookimpl
def register_rulesets() -> list[RulesetSource]:
    return [RulesetSource.from_file(files(__name__) / "rulesets" / f"{RULESET_ID}.toml")]


@hookimpl
def register_strategies() -> list[ScoringStrategy]:
    return [SatisfactionSurvey()]


@hookimpl
def register_checks() -> list[AuditCheck]:
    from .checks import LowExecution  # here, not at the top: checks imports RULESET_ID from this module

    return [LowExecution()]
