"""Reading a project's [[targets]]: each 绩效指标 with its operator (as printed, or inside its
value), value, actual, weight, method, the 申报表 keys and its evidence, each problem at its line."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..base.numbers import NumberProblem, fmt, parse_number
from ..base.sources import Place
from ..model.operators import canonical_operator, suggest_operator
from ..model.project import Target
from ..model.ruleset import MethodRef
from .evidence_reading import read_inputs, read_panel
from .key_aliases import TARGET_ALIASES, aliases_of, with_keys
from .project_reader import (
    TARGET_KEYS,
    Line,
    ReaderBase,
    as_text,
    is_numeral,
    operator_in_number,
    optional_text,
    shown_operator,
    unknown_keys_of,
)

_TARGET_KEYS = frozenset(TARGET_KEYS)
_EVIDENCE = frozenset(("score", "inputs", "panel"))
"""Keys that give a target something to score even with no value, actual or rating."""


class TargetReader(ReaderBase):
    def targets(self) -> tuple[Target, ...]:
        built = []
        for index, entry in enumerate(self.tables("targets")):
            line = self.document.nth_table_line("targets", index) or self.document.line_of("targets")
            name = entry.get("name")
            if not isinstance(name, str):
                name = next(
                    (entry[k] for k in ("三级指标", "指标名称") if isinstance(entry.get(k), str)), None
                )
            label = f"[[targets]] 第 {index + 1} 项" + (f"（{name}）" if name else "")
            target = self.target(entry, label, line)
            if target is not None:
                built.append(target)
        return tuple(built)

    def target(self, entry: dict[str, Any], where: str, line: int | None) -> Target | None:
        entry, spelled = self.aliased(entry, where, line)
        if not _TARGET_KEYS.issuperset(entry):
            self.unknown(entry, TARGET_KEYS, where, line)

        def at(key: str) -> Callable[[], int | None]:
            """The line of key as spelled (年度指标值 for value), found only if a problem is there."""
            return functools.partial(self.at, line, spelled.get(key, key))

        ok = True
        for key in ("slot", "name"):
            if not isinstance(entry.get(key), str) or not entry.get(key):
                self.problem("E-TARGET", f"缺少 {key}", where, line)
                ok = False
        raw_operator = as_text(entry.get("operator"))
        operator = canonical_operator(raw_operator)
        value_text, actual_text = as_text(entry.get("value")), as_text(entry.get("actual"))
        # a value copied from the form with its operator: "≥95%", "不低于95%", "95%以上"
        # only before or after a number: a 定性 value such as "良好以上" keeps its words
        in_value, bare_value = operator_in_number(entry.get("value"))
        if in_value is not None and operator not in (None, "定性", in_value):
            self.problem(
                "E-OPERATOR",
                f"指标性质 “{raw_operator}” 与年度指标值 “{value_text}” 中的 “{shown_operator(in_value)}” "
                "矛盾",
                where,
                at("operator"),
                expected="两处一致，或只写一处",
            )
            ok = False
        elif in_value is not None and operator is None:
            operator = in_value
        elif operator is None:
            self.problem(
                "E-OPERATOR",
                f"未知的指标性质 “{raw_operator}”" if raw_operator else "缺少指标性质 operator",
                where,
                at("operator") if raw_operator else line,
                expected="≥、≤、= 或 定性",
                suggestion=suggest_operator(raw_operator),
            )
            ok = False
        value = actual = None
        lines: dict[str, int | None] = {}
        rating_text = as_text(entry.get("rating"))  # rating = "" is as blank as no rating
        blank = not value_text and not actual_text and not rating_text and _EVIDENCE.isdisjoint(entry)
        not_applicable = ("na" in entry and self.flag(entry, "na", where, at("na"))) or blank
        unknown = unknown_keys_of(entry, ("value", "actual", "score", "rating"))
        if operator not in (None, "定性") and not not_applicable:
            if "value" in unknown:
                value = None  # there, but not known ("?"): scored as a range
            elif value_text:
                number_text = bare_value if in_value is not None else entry["value"]
                value = self.key_number(number_text, where, "value", line, spelled)
                ok = ok and value is not None
            else:
                self.problem("E-TARGET", "缺少年度指标值 value", where, line)
                ok = False
            if actual_text:
                try:
                    actual = parse_number(entry["actual"])
                except NumberProblem as problem:
                    if is_numeral(entry["actual"]):  # a number, but beyond any form's (1e1000000)
                        at_actual = where + " 的 actual（实际完成值）"
                        self.problem("E-NUMBER", str(problem), at_actual, at("actual"))
                        ok = False
                    actual = None  # scoring reports a non-numeric actual with the ruleset's policy
                    lines["actual"] = self.at(line, "actual")  # only such an actual is looked up
        if "score" in entry:
            lines["score"] = self.at(line, "score")
        weight = (
            self.key_number(entry["weight"], where, "weight", line, spelled) if "weight" in entry else None
        )
        if weight is not None and weight < 0:
            self.problem("E-WEIGHT", "分值不能为负数", where, at("weight"), found=fmt(weight))
            ok = False
        score = (
            self.key_number(entry["score"], where, "score", line, spelled)
            if "score" in entry and "score" not in unknown
            else None
        )
        method = None
        if "method" in entry:
            params = self.mapping(entry, "params", where, at("params"))
            method = MethodRef(str(entry["method"]), params)
        elif "params" in entry:
            self.problem(
                "E-TARGET", "写了 params 却没有 method：params 只对自选的计分方法有效", where, at("params")
            )
            ok = False
        history = self.history(entry, where, at("history")) if "history" in entry else {}
        inputs = read_inputs(self, entry["inputs"], where, at("inputs")) if "inputs" in entry else {}
        panel = read_panel(self, entry["panel"], where, at("panel")) if "panel" in entry else ()
        if not ok or operator is None or inputs is None or panel is None:  # a missing operator is said above
            return None
        return Target(
            slot=tuple(str(entry["slot"]).split("/")),
            name=str(entry["name"]),
            operator=operator,
            value=value,
            value_text=value_text,
            unit=str(entry.get("unit", "")),
            actual=actual,
            actual_text=actual_text,
            place=Place(self.document.name, where, line),
            weight=weight,
            reason=str(entry.get("reason", "")),
            rating=None if "rating" in unknown else optional_text(entry.get("rating")),
            score=score,
            not_applicable=not_applicable,
            method=method,
            note=str(entry.get("note", "")),
            unknown=unknown,
            lines={key: at for key, at in lines.items() if at is not None} if lines else {},
            source=as_text(entry.get("source")),
            basis=as_text(entry.get("basis")),
            history=history,
            inputs=inputs,
            panel=panel,
        )

    def key_number(
        self, value: Any, where: str, key: str, line: int | None, spelled: Mapping[str, str]
    ) -> Decimal | None:
        """The number of a target's key. Where a problem is (the message's place, the line of the
        key as spelled) is worked out only when there is one: most numbers have none."""
        try:
            return parse_number(value)
        except NumberProblem:
            shown = "value（年度指标值）" if key == "value" else key
            return self.number(value, f"{where} 的 {shown}", self.at(line, spelled.get(key, key)))

    def history(self, entry: Mapping[str, Any], where: str, line: Line) -> dict[str, Decimal]:
        """申报表 history = { "2023" = 93, … }: past years' actuals, oldest first."""
        raw = self.mapping(entry, "history", where, line)
        values = {}
        for year in sorted(raw, key=str):
            if not (str(year).isdigit() and len(str(year)) == 4):
                self.problem("E-TARGET", f"history 的键应为四位年份，实际为 “{year}”", where, line)
                continue
            number = self.number(raw[year], f"{where} 的 history “{year}”", line)
            if number is not None:
                values[str(year)] = number
        return values

    def aliased(
        self, entry: dict[str, Any], where: str, line: int | None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        if TARGET_ALIASES.keys().isdisjoint(entry):
            return entry, {}
        keys, spelled, twice = with_keys(entry, TARGET_ALIASES)
        for first, key, canonical in twice:
            self.problem(
                "E-KEY-ALIAS",
                f"“{first}” 与 “{key}” 是同一项（{canonical}），只能写一个",
                where,
                self.document.line_after(line, key) or line,
                suggestion=f"删去其中一个（{canonical} 也可以写作 {'、'.join(aliases_of(canonical))}）",
            )
        return keys, spelled
