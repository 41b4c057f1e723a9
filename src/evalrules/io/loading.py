"""TOML → Ruleset: resolve ``extends``, check everything, report every problem at once.

The indicator tree and its methods are built here; the settings tables and the problem
collector come from :mod:`evalrules.io.ruleset_tables`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..base.errors import FormulaError, LoadError, Problem, suggest
from ..base.numbers import ZERO, fmt
from ..hooks.registry import Registry, default_registry
from ..hooks.strategies import ParameterProblem
from ..model.evidence import evidence_method
from ..model.operators import canonical_operator, suggest_operator
from ..model.ruleset import (
    Indicator,
    MethodRef,
    Ruleset,
    RulesetInfo,
    Slot,
    TargetMethod,
)
from .export import ruleset_sha256
from .inheritance import merge, resolve_documents
from .ruleset_names import monitoring_kind_problem
from .ruleset_tables import RulesetReader
from .schema import (
    INDICATOR_KEYS,
    INFO_KEYS,
    MAX_TREE_DEPTH,
    PROJECT_METHODS_KEYS,
    SCORING_KEYS,
    SLOT_KEYS,
    TARGET_METHOD_KEYS,
    TOP_KEYS,
)


def load_ruleset(id_or_path: str | Path, registry: Registry | None = None) -> Ruleset:
    """A checked Ruleset from a registered id or a TOML file path (which may ``extends``)."""
    registry = registry or default_registry()
    name = str(id_or_path)
    kind = (
        None
        if name in registry.rulesets
        else monitoring_kind_problem(name, None, registry.monitoring_rulesets)
    )
    if kind is None:
        documents = resolve_documents(name, registry)
        kind = monitoring_kind_problem(name, documents[0].data)
    if kind is not None:
        raise LoadError([kind])
    ruleset = _Builder(documents, registry).build(merge(documents))
    return attrs.evolve(ruleset, sha256=ruleset_sha256(ruleset))


class _Builder(RulesetReader):
    """Builds the model from merged data, collecting every problem before raising."""

    def build(self, data: dict[str, Any]) -> Ruleset:
        self.unknown_keys(data, TOP_KEYS, "顶层")
        info = self.info(data.get("ruleset"))
        scoring = self.table(data, "scoring")
        self.unknown_keys(scoring, SCORING_KEYS, "[scoring]")
        maximum = self.number(scoring.get("max", 100), "[scoring] max", key="max") or Decimal(100)
        tolerance = self.number(scoring.get("tolerance", "0.1"), "[scoring] tolerance", key="tolerance")
        self.weights: dict[tuple[str, ...], list[Decimal]] = {}
        indicators = self.indicators(data.get("indicators"), (), "[[indicators]]")
        weights = self.weights_under(())
        total = sum(weights, ZERO)
        if weights and total != maximum:
            self.problem(
                "E-WEIGHT-SUM",
                "一级指标分值之和不等于满分",
                "[[indicators]]",
                expected=fmt(maximum),
                found=f"{fmt(total)}（{' + '.join(fmt(w) for w in weights)}）",
            )
        ruleset = Ruleset(
            info=info,
            max=maximum,
            indicators=indicators,
            grades=self.grades(data.get("grades"), maximum),
            rounding=self.rounding(self.table(data, "rounding")),
            not_applicable=self.not_applicable(self.table(data, "not_applicable")),
            target_methods=self.target_methods(self.table(data, "target_methods")),
            tolerance=tolerance if tolerance is not None else Decimal("0.1"),
            provenance=self.provenance_table(self.table(data, "provenance")),
            audit=self.audit(self.table(data, "audit")),
            options=self.options(self.table(data, "options")),
            examples=self.examples(data, indicators),
            project_methods=self.project_methods(data.get("project_methods")),
        )
        self.check_options(ruleset)
        if self.problems:
            raise LoadError(self.problems)
        return ruleset

    def check_options(self, ruleset: Ruleset) -> None:
        """Each written option against the whole ruleset, by the plugin that registered it."""
        for key, value in ruleset.options.items():
            option = self.registry.options.get(key)
            if option is None or option.check is None:
                continue
            try:
                message = option.check(value, ruleset)
            except Exception as error:  # a plugin's bug: said, not a traceback
                message = f"插件检查开关 “{key}” 时出错：{error!r}"
            if message:
                self.problem("E-OPTION", str(message), f"[options] {key}", key=key)

    def info(self, header: Any) -> RulesetInfo:
        if not isinstance(header, dict):
            self.problem(
                "E-RULESET-HEADER", "缺少 [ruleset] 表（id、version、title、document、issuer）", "[ruleset]"
            )
            return RulesetInfo("?", "?", "?", "?", "?")
        self.unknown_keys(header, INFO_KEYS, "[ruleset]")
        for key in ("id", "version", "title", "document", "issuer"):
            if not isinstance(header.get(key), str) or not header.get(key):
                self.problem("E-RULESET-HEADER", f"[ruleset] 缺少文本键 “{key}”", "[ruleset]", key=key)
        effective = header.get("effective")
        if effective is not None and not isinstance(effective, date):
            self.problem(
                "E-TYPE",
                "effective 应为日期（如 2020-02-25，不加引号）",
                "[ruleset] effective",
                key="effective",
            )
            effective = None
        derived_from = header.get("derived_from", [])
        if not isinstance(derived_from, list):
            self.problem(
                "E-TYPE",
                'derived_from 应为规则集 id 的列表（如 ["caiyu_2020_10"]）',
                "[ruleset] derived_from",
                key="derived_from",
                found=repr(derived_from),
            )
            derived_from = []
        document_title = header.get("document_title", "")
        if not isinstance(document_title, str):
            self.problem(
                "E-TYPE",
                'document_title 应为文字：所依据文件的正式名称，如 "项目支出绩效评价管理办法"',
                "[ruleset] document_title",
                key="document_title",
                found=repr(document_title),
            )
            document_title = ""
        self.ruleset_id = str(header.get("id", "?"))
        return RulesetInfo(
            id=self.ruleset_id,
            version=str(header.get("version", "?")),
            title=str(header.get("title", "?")),
            document=str(header.get("document", "?")),
            issuer=str(header.get("issuer", "?")),
            effective=effective,
            mode=str(header.get("mode", "")),
            description=str(header.get("description", "")),
            derived_from=tuple(str(x) for x in derived_from),
            document_title=document_title.strip(),
        )

    def indicators(self, raw: Any, prefix: tuple[str, ...], where: str) -> tuple[Indicator, ...]:
        if raw is None:
            if not prefix:
                self.problem("E-INDICATORS", "规则集没有指标（[[indicators]]）", where)
            return ()
        if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
            self.problem("E-TYPE", "指标列表应为表的数组（[[indicators]]）", where)
            return ()
        if not raw:  # children = [] would leave a node of no kind
            what = "规则集没有指标（[[indicators]]）" if not prefix else "children 为空：下级指标至少写一个"
            self.problem("E-INDICATORS", what, where, name=prefix or None)
            return ()
        built, names = [], set()
        for index, entry in enumerate(raw):
            name = entry.get("name")
            if not isinstance(name, str) or not name.strip() or "/" in name:
                self.problem(
                    "E-INDICATOR-NAME", "指标缺少名称 name（不能含 “/”）", f"{where} 第 {index + 1} 项"
                )
                continue
            if name in names:
                self.problem(
                    "E-INDICATOR-DUPLICATE",
                    f"同一级下指标 “{name}” 重复",
                    "/".join((*prefix, name)),
                    name=(*prefix, name),
                )
            names.add(name)
            indicator = self.indicator(entry, (*prefix, name))
            if indicator is not None:
                built.append(indicator)
        return tuple(built)

    def weights_under(self, parent: tuple[str, ...]) -> list[Decimal]:
        """The weights of the nodes directly under ``parent`` that have a valid weight, built or
        not: a child whose method is wrong still counts in its parent's sum."""
        return self.weights.get(parent, [])

    def indicator(self, entry: dict[str, Any], path: tuple[str, ...]) -> Indicator | None:
        where, name = "指标 " + "/".join(path), path[-1]
        self.unknown_keys(entry, INDICATOR_KEYS, where, path)
        weight = (
            self.number(entry.get("weight"), where + " 的 weight", name=path, key="weight")
            if "weight" in entry
            else None
        )
        if weight is None:
            if "weight" not in entry:
                self.problem("E-WEIGHT", "缺少分值 weight", where, name=path)
            return None
        if weight < 0:
            self.problem("E-WEIGHT", "分值不能为负数", where, name=path, key="weight", found=fmt(weight))
        kinds = [key for key in ("children", "method", "slot") if key in entry]
        if len(kinds) != 1:
            self.problem(
                "E-INDICATOR-KIND",
                "每个指标应且只应有 children（下级指标）、method（计分方法）"
                "或 slot（由项目绩效指标填充）之一",
                where,
                name=path,
                found="、".join(kinds) or "都没有",
            )
            return None
        children: tuple[Indicator, ...] = ()
        method = slot = None
        if "children" in entry and len(path) >= MAX_TREE_DEPTH:
            self.problem(
                "E-TREE-DEPTH",
                f"指标树超过 {MAX_TREE_DEPTH} 级",
                where,
                name=path,
                key="children",
                suggestion="指标体系一般为三级（一级、二级、三级指标），最多四级",
            )
            return None
        self.weights.setdefault(path[:-1], []).append(weight)
        if "children" in entry:
            children = self.indicators(entry["children"], path, where + " 的 children")
            weights = self.weights_under(path)
            total = sum(weights, ZERO)
            if weights and total != weight:
                self.problem(
                    "E-WEIGHT-SUM",
                    "下级指标分值之和不等于上级分值",
                    where,
                    name=path,
                    expected=fmt(weight),
                    found=f"{fmt(total)}（{' + '.join(fmt(w) for w in weights)}）",
                )
        elif "method" in entry:
            method = self.method(entry.get("method"), entry.get("params", {}), where, name)
        else:
            slot = self.slot(entry["slot"], where, name)
        if not children and method is None and slot is None:
            return None  # its problems are said; a node of no kind cannot be built
        return Indicator(
            name,
            weight,
            children,
            method,
            slot,
            str(entry.get("description", "")),
            self.provenance(entry.get("provenance"), where, name) if "provenance" in entry else None,
        )

    def method(
        self, strategy_name: Any, params: Any, where: str, name: str | None = None
    ) -> MethodRef | None:
        strategy = self.registry.strategies.get(str(strategy_name))
        if strategy is None:
            self.problem(
                "E-METHOD-UNKNOWN",
                f"未知的计分方法 “{strategy_name}”",
                where,
                name=name,
                key="method",
                suggestion=suggest(str(strategy_name), self.registry.strategies)
                or f"可用方法：{'、'.join(self.registry.strategies)}",
            )
            return None
        if not isinstance(params, dict):
            self.problem("E-TYPE", "params 应为表", where, name=name, key="params")
            return None
        try:
            prepared = strategy.prepare(params, self.context)
        except ParameterProblem as problem:
            self.problem(
                "E-PARAM",
                problem.message,
                f"{where} 的 params.{problem.key}",
                name=name,
                key=problem.key.split("[")[0],
                suggestion=problem.suggestion,
            )
            return None
        except FormulaError as error:
            located = error.located(ruleset=self.ruleset_id, path=where.removeprefix("指标 "))
            file, line = self._locate(name, "params")
            self.problems.extend(
                Problem(p.code, p.message, file=file, line=line, where=p.where, suggestion=p.suggestion)
                for p in located.problems
            )
            return None
        except (Exception, SystemExit) as error:  # a plugin's bug: at its place, never a traceback
            plugin = self.registry.origin("strategy", strategy.name)
            self.problem(
                "E-PARAM",
                f"计分方法 {strategy.name}（插件 {plugin}）检查参数时出错：{error!r}",
                where,
                name=name,
                key="params",
            )
            return None
        return MethodRef(strategy.name, params, prepared)

    def slot(self, raw: Any, where: str, name: str) -> Slot:
        if raw is True:
            return Slot()
        if isinstance(raw, dict):
            self.unknown_keys(raw, SLOT_KEYS, where + " 的 slot", name)
            empty, groups = raw.get("empty", "error"), raw.get("groups", [])
            if (
                empty in ("error", "not_applicable")
                and isinstance(groups, list)
                and all(isinstance(group, str) and all(group.split("/")) for group in groups)
                and len(set(groups)) == len(groups)
            ):
                return Slot(empty, tuple(groups))
        self.problem(
            "E-SLOT",
            'slot 应为 true 或 { empty = "error" | "not_applicable", '
            'groups = ["数量指标", "产出指标/质量指标"] }',
            where,
            name=name,
            key="slot",
        )
        return Slot()

    def project_methods(self, raw: Any) -> tuple[str, ...] | None:
        """[project_methods] allowed: registered method names (an empty list: none)."""
        if raw is None:
            return None
        where = "[project_methods] allowed"
        allowed = raw.get("allowed") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or not isinstance(allowed, list):
            self.problem("E-TYPE", '应为 allowed = ["计分方法", …]（可以为空列表）', where)
            return None
        self.unknown_keys(raw, PROJECT_METHODS_KEYS, "[project_methods]")
        names = []
        for name in allowed:
            if str(name) not in self.registry.strategies or not isinstance(name, str):
                self.problem(
                    "E-METHOD-UNKNOWN",
                    f"未知的计分方法 “{name}”",
                    where,
                    suggestion=suggest(str(name), self.registry.strategies)
                    or f"可用方法：{'、'.join(self.registry.strategies)}",
                )
                continue
            names.append(name)
        return tuple(dict.fromkeys(names))

    def target_methods(self, raw: dict[str, Any]) -> tuple[TargetMethod, ...]:
        methods = []
        for operator, spec in raw.items():
            where = f"[target_methods] “{operator}”"
            canonical = evidence_method(operator) or canonical_operator(operator)
            if canonical is None:
                self.problem(
                    "E-OPERATOR",
                    f"未知的指标性质 “{operator}”",
                    where,
                    expected="≥、≤、= 或 定性",
                    suggestion=suggest_operator(operator),
                )
                continue
            if not isinstance(spec, dict) or "method" not in spec:
                self.problem("E-TYPE", '应为 { method = "…", params = {…} }', where)
                continue
            self.unknown_keys(spec, TARGET_METHOD_KEYS, where)
            method = self.method(spec["method"], spec.get("params", {}), where)
            if method is not None:
                methods.append(TargetMethod(canonical, method))
        return tuple(methods)
