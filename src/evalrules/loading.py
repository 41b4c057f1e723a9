"""TOML → Ruleset: resolve ``extends``, check everything, report every problem at once.

Longer than most modules by choice: every check of the ruleset format lives in one builder so
that a single pass collects all problems, each with its file, line and place.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .adjusting import OPTION_KINDS, option_value
from .errors import FormulaError, LoadError, Problem, suggest
from .export import ruleset_sha256
from .inheritance import merge, resolve_documents
from .model import (
    SOURCE_TAGS,
    AuditPolicy,
    GradeBand,
    Indicator,
    MethodRef,
    NotApplicablePolicy,
    Provenance,
    Rounding,
    Ruleset,
    RulesetInfo,
    Slot,
    TargetMethod,
)
from .numbers import ROUNDING_MODES, ZERO, NumberProblem, fmt, parse_number
from .plugins import Registry, default_registry
from .project import OPERATORS
from .schema import (
    AUDIT_KEYS,
    GRADE_KEYS,
    INDICATOR_KEYS,
    INFO_KEYS,
    NOT_APPLICABLE_KEYS,
    PROVENANCE_KEYS,
    ROUNDING_KEYS,
    SCORING_KEYS,
    SLOT_KEYS,
    TARGET_METHOD_KEYS,
    TOP_KEYS,
)
from .sources import Document
from .strategies import ParameterProblem, PrepareContext


def load_ruleset(id_or_path: str | Path, registry: Registry | None = None) -> Ruleset:
    """A checked Ruleset from a registered id or a TOML file path (which may ``extends``)."""
    registry = registry or default_registry()
    documents = resolve_documents(str(id_or_path), registry)
    ruleset = _Builder(documents, registry).build(merge(documents))
    return attrs.evolve(ruleset, sha256=ruleset_sha256(ruleset))


_TRUST = {"unverified": 0, "secondary": 1, "verified": 2}


def _indicator_lines(document: Document, name: str) -> list[int]:
    """Lines that open an indicator called name: ``name = "…"`` or an edit's ``path = "…/name"``."""
    found = []
    for number, text in enumerate(document.text.splitlines(), start=1):
        compact = text.strip().replace(" ", "")
        if compact.startswith(f'name="{name}"') or (
            compact.startswith('path="') and (compact.endswith(f'/{name}"') or compact == f'path="{name}"')
        ):
            found.append(number)
    return found


class _Builder:
    """Builds the model from merged data, collecting every problem before raising."""

    def __init__(self, documents: list[Document], registry: Registry) -> None:
        self.documents = documents
        self.registry = registry
        self.problems: list[Problem] = []
        self.context = PrepareContext(registry.functions)
        self.ruleset_id = ""

    def problem(
        self,
        code: str,
        message: str,
        where: str,
        *,
        name: str | None = None,
        key: str | None = None,
        **details: str | None,
    ) -> None:
        file, line = self._locate(name, key)
        self.problems.append(Problem(code, message, file=file, where=where, line=line, **details))

    def _locate(self, name: str | None, key: str | None) -> tuple[str, int | None]:
        """The file and line of an indicator's key: the child's own [[override]]/[[add]] first,
        then up the extends chain; else the indicator's own line."""
        for document in self.documents:
            for start in _indicator_lines(document, name) if name else [None]:
                if key is None:
                    return document.name, start
                line = document.line_after(start, key, fallback=False) if start else document.line_of(key)
                if line is not None:
                    return document.name, line
        for document in self.documents:
            starts = _indicator_lines(document, name) if name else []
            if starts:
                return document.name, starts[0]
        return self.documents[0].name, None

    def number(
        self, value: Any, where: str, *, name: str | None = None, key: str | None = None
    ) -> Decimal | None:
        try:
            return parse_number(value)
        except NumberProblem as problem:
            self.problem("E-NUMBER", str(problem), where, name=name, key=key)
            return None

    def unknown_keys(
        self, table: Mapping[str, Any], allowed: Any, where: str, name: str | None = None
    ) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    "E-KEY-UNKNOWN",
                    f"未知的键 “{key}”",
                    where,
                    name=name,
                    key=key,
                    suggestion=suggest(key, allowed) or f"可用的键：{'、'.join(allowed)}",
                )

    def build(self, data: dict[str, Any]) -> Ruleset:
        self.unknown_keys(data, TOP_KEYS, "顶层")
        info = self.info(data.get("ruleset"))
        scoring = self.table(data, "scoring")
        self.unknown_keys(scoring, SCORING_KEYS, "[scoring]")
        maximum = self.number(scoring.get("max", 100), "[scoring] max", key="max") or Decimal(100)
        tolerance = self.number(scoring.get("tolerance", "0.1"), "[scoring] tolerance", key="tolerance")
        indicators = self.indicators(data.get("indicators"), (), "[[indicators]]")
        total = sum((indicator.weight for indicator in indicators), ZERO)
        if indicators and total != maximum:
            self.problem(
                "E-WEIGHT-SUM",
                "一级指标分值之和不等于满分",
                "[[indicators]]",
                expected=fmt(maximum),
                found=f"{fmt(total)}（{' + '.join(fmt(i.weight) for i in indicators)}）",
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
        )
        if self.problems:
            raise LoadError(self.problems)
        return ruleset

    def table(self, data: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem("E-TYPE", f"[{key}] 应为表", f"[{key}]", key=key)
            return {}
        return value

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
            derived_from=tuple(str(x) for x in header.get("derived_from", [])),
        )

    def indicators(self, raw: Any, prefix: tuple[str, ...], where: str) -> tuple[Indicator, ...]:
        if raw is None:
            if not prefix:
                self.problem("E-INDICATORS", "规则集没有指标（[[indicators]]）", where)
            return ()
        if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
            self.problem("E-TYPE", "指标列表应为表的数组（[[indicators]]）", where)
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
                    name=name,
                )
            names.add(name)
            indicator = self.indicator(entry, (*prefix, name))
            if indicator is not None:
                built.append(indicator)
        return tuple(built)

    def indicator(self, entry: dict[str, Any], path: tuple[str, ...]) -> Indicator | None:
        where, name = "指标 " + "/".join(path), path[-1]
        self.unknown_keys(entry, INDICATOR_KEYS, where, name)
        weight = (
            self.number(entry.get("weight"), where + " 的 weight", name=name, key="weight")
            if "weight" in entry
            else None
        )
        if weight is None:
            if "weight" not in entry:
                self.problem("E-WEIGHT", "缺少分值 weight", where, name=name)
            return None
        if weight < 0:
            self.problem("E-WEIGHT", "分值不能为负数", where, name=name, key="weight", found=fmt(weight))
        kinds = [key for key in ("children", "method", "slot") if key in entry]
        if len(kinds) != 1:
            self.problem(
                "E-INDICATOR-KIND",
                "每个指标应且只应有 children（下级指标）、method（计分方法）"
                "或 slot（由项目绩效指标填充）之一",
                where,
                name=name,
                found="、".join(kinds) or "都没有",
            )
            return None
        children: tuple[Indicator, ...] = ()
        method = slot = None
        if "children" in entry:
            children = self.indicators(entry["children"], path, where + " 的 children")
            total = sum((child.weight for child in children), ZERO)
            if children and total != weight:
                self.problem(
                    "E-WEIGHT-SUM",
                    "下级指标分值之和不等于上级分值",
                    where,
                    name=name,
                    expected=fmt(weight),
                    found=f"{fmt(total)}（{' + '.join(fmt(c.weight) for c in children)}）",
                )
        elif "method" in entry:
            method = self.method(entry.get("method"), entry.get("params", {}), where, name)
        else:
            slot = self.slot(entry["slot"], where, name)
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
        except Exception as error:  # a plugin's bug: reported with its place, never a traceback
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

    def grades(self, raw: Any, maximum: Decimal) -> tuple[GradeBand, ...]:
        if not isinstance(raw, list) or not raw or not all(isinstance(e, dict) for e in raw):
            self.problem("E-GRADES", "缺少等级表 [[grades]]（每项 name 与 min）", "[[grades]]")
            return ()
        entries = []
        for index, entry in enumerate(raw):
            where = f"[[grades]] 第 {index + 1} 项"
            self.unknown_keys(entry, GRADE_KEYS, where)
            low = self.number(entry.get("min"), where + " 的 min", key="min")
            high = self.number(entry["max"], where + " 的 max", key="max") if "max" in entry else None
            if low is not None and isinstance(entry.get("name"), str):
                entries.append((entry["name"], low, high, where))
        entries.sort(key=lambda item: item[1], reverse=True)
        bands: list[GradeBand] = []
        upper = maximum
        for band_name, low, stated_high, where in entries:
            if stated_high is not None and stated_high != upper:
                kind = "缝隙" if stated_high < upper else "重叠"
                self.problem(
                    "E-GRADES-GAP",
                    f"等级 “{band_name}” 与上一档之间有{kind}",
                    where,
                    expected=f"max = {fmt(upper)}（等级为半开区间 [min, 上一档 min)）",
                    found=f"max = {fmt(stated_high)}",
                    suggestion="“80-89 分”这类整数写法应写成 min = 80、不写 max，避免 89 到 90 之间出现缺口",
                )
            if low >= upper and not (low == upper == maximum and not bands):
                self.problem(
                    "E-GRADES-ORDER",
                    f"等级 “{band_name}” 的区间为空或与其他等级重叠",
                    where,
                    found=f"min = {fmt(low)}",
                )
            bands.append(GradeBand(band_name, low, upper))
            upper = low
        if entries and upper != 0:
            self.problem(
                "E-GRADES-GAP",
                "等级没有覆盖到 0 分",
                "[[grades]]",
                expected="最低一档 min = 0",
                found=f"min = {fmt(upper)}",
            )
        return tuple(bands)

    def rounding(self, raw: dict[str, Any]) -> Rounding:
        self.unknown_keys(raw, ROUNDING_KEYS, "[rounding]")
        places = raw.get("places", 2)
        mode = raw.get("mode", "ROUND_HALF_UP")
        stage = raw.get("stage", "indicator")
        before = raw.get("total_before_grade", True)
        if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 10:
            self.problem(
                "E-ROUNDING",
                "places 应为 0 到 10 的整数",
                "[rounding] places",
                key="places",
                found=repr(places),
            )
            places = 2
        if mode not in ROUNDING_MODES:
            self.problem(
                "E-ROUNDING",
                f"未知的舍入方式 “{mode}”",
                "[rounding] mode",
                key="mode",
                suggestion=suggest(str(mode), ROUNDING_MODES) or "四舍五入写 ROUND_HALF_UP",
            )
            mode = "ROUND_HALF_UP"
        if stage not in ("indicator", "level", "total"):
            self.problem(
                "E-ROUNDING",
                f"未知的舍入阶段 “{stage}”",
                "[rounding] stage",
                key="stage",
                expected="indicator、level 或 total",
                suggestion=suggest(str(stage), ("indicator", "level", "total")),
            )
            stage = "indicator"
        if not isinstance(before, bool):
            self.problem(
                "E-ROUNDING", "total_before_grade 应为 true 或 false", "[rounding]", key="total_before_grade"
            )
            before = True
        return Rounding(places, mode, stage, before)

    def not_applicable(self, raw: dict[str, Any]) -> NotApplicablePolicy:
        self.unknown_keys(raw, NOT_APPLICABLE_KEYS, "[not_applicable]")
        policy, missing = raw.get("policy", "rescale"), raw.get("missing_actual", "error")
        if policy not in ("rescale", "share"):
            self.problem(
                "E-NA-POLICY",
                f"未知的不适用政策 “{policy}”",
                "[not_applicable] policy",
                key="policy",
                expected="rescale（按适用指标折算）或 share（分值均摊给同级）",
                suggestion=suggest(str(policy), ("rescale", "share")),
            )
            policy = "rescale"
        if missing not in ("error", "not_applicable"):
            self.problem(
                "E-NA-POLICY",
                f"未知的取值 “{missing}”",
                "[not_applicable] missing_actual",
                key="missing_actual",
                expected="error 或 not_applicable",
            )
            missing = "error"
        return NotApplicablePolicy(policy, missing)

    def target_methods(self, raw: dict[str, Any]) -> tuple[TargetMethod, ...]:
        methods = []
        for operator, spec in raw.items():
            where = f"[target_methods] “{operator}”"
            canonical = OPERATORS.get(operator)
            if canonical is None:
                self.problem(
                    "E-OPERATOR",
                    f"未知的指标性质 “{operator}”",
                    where,
                    expected="≥、≤、= 或 定性",
                    suggestion=suggest(operator, OPERATORS),
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

    def provenance(self, raw: Any, where: str, name: str | None = None) -> Provenance | None:
        if not isinstance(raw, dict) or raw.get("tag") not in SOURCE_TAGS:
            self.problem(
                "E-PROVENANCE",
                'provenance 应为 { tag = "V" | "V-code" | "S" | "M" | "chosen", source = "…" }',
                where,
                name=name,
                key="provenance",
            )
            return None
        self.unknown_keys(raw, PROVENANCE_KEYS, where + " 的 provenance", name)
        status = raw.get("status", SOURCE_TAGS[raw["tag"]])
        if status not in ("verified", "secondary", "unverified"):
            self.problem(
                "E-PROVENANCE",
                f"未知的来源状态 “{status}”",
                where,
                name=name,
                expected="verified、secondary 或 unverified",
            )
            status = "unverified"
        implied = SOURCE_TAGS[raw["tag"]]
        if _TRUST[status] > _TRUST[implied]:
            self.problem(
                "E-PROVENANCE",
                f"来源标记 {raw['tag']} 最多是 {implied}，不能标为 {status}",
                where,
                name=name,
                key="provenance",
                suggestion="可以把状态调低（例如 verified → unverified），不能调高",
            )
            status = implied
        return Provenance(status, raw["tag"], str(raw.get("source", "")), str(raw.get("note", "")))

    def audit(self, raw: dict[str, Any]) -> AuditPolicy:
        self.unknown_keys(raw, AUDIT_KEYS, "[audit]")
        thresholds = {}
        for key in AUDIT_KEYS:
            if key in raw:
                value = self.number(raw[key], f"[audit] {key}", key=key)
                if value is not None and value <= 0:
                    self.problem(
                        "E-AUDIT", f"{key} 应为正数（比例，如 1.3 表示 130%）", f"[audit] {key}", key=key
                    )
                    value = None
                thresholds[key] = value
        return AuditPolicy(**thresholds)

    def options(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Plugin switches: each must be registered by an installed plugin, with the right kind."""
        options = {}
        for key, value in raw.items():
            option = self.registry.options.get(key)
            where = f"[options] {key}"
            if option is None:
                known = self.registry.options
                self.problem(
                    "E-OPTION",
                    f"未知的开关 “{key}”：没有已安装的插件读取它",
                    where,
                    key=key,
                    suggestion=suggest(key, known) or (f"可用开关：{'、'.join(known)}" if known else None),
                )
                continue
            checked = option_value(option.kind, value)
            if checked is None:
                self.problem(
                    "E-OPTION",
                    f"开关 “{key}” 的取值不对",
                    where,
                    key=key,
                    expected=OPTION_KINDS[option.kind],
                    found=repr(value),
                )
                continue
            options[key] = checked
        return options

    def provenance_table(self, raw: dict[str, Any]) -> dict[str, Provenance]:
        table = {}
        for key, value in raw.items():
            provenance = self.provenance(value, f"[provenance] {key}")
            if provenance is not None:
                table[key] = provenance
        return table
