"""The parts of a ruleset TOML that are tables of settings, and the problem collector every
part of ruleset loading shares: each problem gets the file, the place and the line.

:mod:`evalrules.io.loading` builds the indicator tree on top of this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..base.errors import Problem, suggest
from ..base.numbers import ROUNDING_MODES, NumberProblem, fmt, parse_number, written
from ..base.sources import Document
from ..hooks.adjusting import OPTION_KINDS, option_value
from ..hooks.registry import Registry
from ..hooks.strategies import PrepareContext
from ..model.ruleset import (
    SOURCE_TAGS,
    AuditPolicy,
    Example,
    GradeBand,
    Indicator,
    NotApplicablePolicy,
    Provenance,
    Rounding,
)
from .examples import read_examples
from .schema import (
    AUDIT_KEYS,
    GRADE_KEYS,
    MAX_GRADES,
    NOT_APPLICABLE_KEYS,
    PROVENANCE_KEYS,
    ROUNDING_KEYS,
)

_TRUST = {"unverified": 0, "secondary": 1, "verified": 2}


Named = str | tuple[str, ...] | None
"""An indicator a problem is about: its name, or better its path (two indicators may share a name
under different parents)."""

_INDICATOR_HEADER = re.compile(r"^\s*\[\[\s*indicators((?:\s*\.\s*children)*)\s*\]\]")


def _indicator_lines(document: Document, name: str, path: tuple[str, ...] = ()) -> list[int]:
    """Lines that open an indicator called name: ``name = "…"`` or an edit's ``path = "…/name"``;
    given its path, only the lines of that indicator when the text shows which one it is (the
    ``[[indicators.children]]`` headers above each name), else every line of that name."""
    found, exact = [], []
    opened: list[str] = []  # the names of the indicators open at this line, by depth
    depth = 0
    for number, text in enumerate(document.lines, start=1):
        header = _INDICATOR_HEADER.match(text) if "[[" in text else None
        if header:
            depth = header.group(1).count("children") + 1
            continue
        compact = text.strip().replace(" ", "")
        if compact.startswith(f'name="{name}"'):
            found.append(number)
            if depth and len(opened) >= depth - 1 and (*opened[: depth - 1], name) == path:
                exact.append(number)
        elif compact.startswith('path="') and (compact.endswith(f'/{name}"') or compact == f'path="{name}"'):
            found.append(number)
            if path and compact == f'path="{"/".join(path)}"':
                exact.append(number)
        if depth and compact.startswith('name="'):
            opened[depth - 1 :] = [compact[len('name="') :].split('"')[0]]
            depth = 0  # one name per table
    return exact or found


class RulesetReader:
    """Collects every problem with its file, line and place, and reads the settings tables."""

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
        name: Named = None,
        key: str | None = None,
        **details: str | None,
    ) -> None:
        file, line = self._locate(name, key)
        self.problems.append(Problem(code, message, file=file, where=where, line=line, **details))

    def _locate(self, named: Named, key: str | None) -> tuple[str, int | None]:
        """The file and line of an indicator's key: the child's own [[override]]/[[add]] first,
        then up the extends chain; else the indicator's own line."""
        path = named if isinstance(named, tuple) else ()
        name = path[-1] if path else named if isinstance(named, str) else None
        for document in self.documents:
            for start in _indicator_lines(document, name, path) if name else [None]:
                if key is None:
                    return document.name, start
                line = document.line_after(start, key, fallback=False) if start else document.line_of(key)
                if line is not None:
                    return document.name, line
        for document in self.documents:
            starts = _indicator_lines(document, name, path) if name else []
            if starts:
                return document.name, starts[0]
        return self.documents[0].name, None

    def number(self, value: Any, where: str, *, name: Named = None, key: str | None = None) -> Decimal | None:
        try:
            return parse_number(value)
        except NumberProblem as problem:
            self.problem("E-NUMBER", str(problem), where, name=name, key=key)
            return None

    def unknown_keys(self, table: Mapping[str, Any], allowed: Any, where: str, name: Named = None) -> None:
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

    def table(self, data: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem("E-TYPE", f"[{key}] 应为表", f"[{key}]", key=key)
            return {}
        return value

    def grades(self, raw: Any, maximum: Decimal) -> tuple[GradeBand, ...]:
        if not isinstance(raw, list) or not raw or not all(isinstance(e, dict) for e in raw):
            self.problem("E-GRADES", "缺少等级表 [[grades]]（每项 name 与 min）", "[[grades]]")
            return ()
        if len(raw) > MAX_GRADES:
            self.problem(
                "E-GRADES",
                f"等级过多：最多 {MAX_GRADES} 档",
                "[[grades]]",
                found=f"{len(raw)} 档",
                suggestion="评价等级一般为优、良、中、差四档",
            )
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
                found=written(places),
            )
            places = 2
        if not isinstance(mode, str) or mode not in ROUNDING_MODES:
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
        if missing not in ("error", "not_applicable", "unknown"):
            self.problem(
                "E-NA-POLICY",
                f"未知的取值 “{missing}”",
                "[not_applicable] missing_actual",
                key="missing_actual",
                expected="error、not_applicable 或 unknown",
                suggestion=suggest(str(missing), ("error", "not_applicable", "unknown")),
            )
            missing = "error"
        return NotApplicablePolicy(policy, missing)

    def provenance(self, raw: Any, where: str, name: Named = None) -> Provenance | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("tag"), str) or raw["tag"] not in SOURCE_TAGS:
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
                elif value is not None and key == "output_outcome_share" and value > 1:
                    self.problem(
                        "E-AUDIT",
                        f"{key} 应为 0 到 1 之间的比例（如 0.6 表示 60%）",
                        f"[audit] {key}",
                        key=key,
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
                    found=written(value),
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

    def examples(self, data: Mapping[str, Any], indicators: tuple[Indicator, ...]) -> tuple[Example, ...]:
        """The ruleset's own worked examples ([[examples]]), checked as a project file is."""
        return read_examples(self, data, indicators)
